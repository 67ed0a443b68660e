"""The conditions an eligibility path can name (docs/rules.md, 申报条件): one entry each in CONDITIONS.

A path of a scheme's [[eligibility]] is a label and conditions, all of which a person must meet
(any one path suffices). A condition is declared once, here: the key a scheme's TOML writes it
under and the value it takes, what it asks (its Chinese label, in docs/toml-reference.md), the
workbook fields it reads (CMXL_CERT takes them: cmxl/core/engine/single.py), how one person is
judged against it, what a scheme must get right for it, and what the template's 认证规则 says of
it for a grade. A scheme file may name exactly the keys registered here.

Judging speaks the engine's words through `Check` (cmxl/core/engine/certification.py implements
it): a fact and its column header, "not met, because …", "cannot be decided without …". The rule
is here; the reasons and their wording of missing facts are the engine's, the same for every
condition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Protocol

from pydantic import ConfigDict, Field, create_model, model_validator

from cmxl.core.model.base import Name, NonNegative, StrictModel


class Check(Protocol):
    """One person being judged against one path of the grade they apply for."""

    scheme: Any  # the Scheme (cmxl/core/model/schemes.py)
    grade: str  # the grade applied for

    def get(self, key: str) -> object:
        """The person's value of a field (workbook-format key); None when empty or invalid."""

    def invalid(self, key: str) -> bool:
        """Was the field filled in with a value intake rejected?"""

    def label(self, key: str) -> str:
        """The field's column header: the words a reason uses for it."""

    def shown(self, value: object) -> str:
        """A value as a reason shows it ('' for none)."""

    def unmet(self, key: str, value: str, required: str, message: str) -> None:
        """The condition is not met: `message` says why (after the path's label)."""

    def missing(self, key: str, required: str) -> None:
        """The condition cannot be decided: the field is empty or invalid."""

    def at_least(self, key: str, minimum: float, unit: str) -> None:
        """The field's number must reach `minimum` (inclusive); empty cannot be decided."""

    def certificate_valid(self, key: str, required: str, what: str) -> None:
        """The certificate dated by field `key` must be valid on the assessment date (issue date
        plus the scheme's validity years); `what` names it in a reason (X证书取得于)."""


@dataclass(frozen=True)
class Condition:
    """One condition a path can name (an entry of CONDITIONS)."""

    key: str  # the key in a scheme's [[eligibility.paths]]
    value: Any  # the type of its value (a pydantic annotation)
    label: str  # what it asks, in Chinese (docs/toml-reference.md)
    fields: tuple[str, ...]  # the workbook-format fields it reads
    judge: Callable[[Any, Check], None]  # (its value in the path, the person) -> reports through the Check
    default: object = None  # its value when a path does not name it
    # what a scheme naming it must get right: (value, scheme, grade, path's TOML key) -> [(key, problem)]
    problems: Callable[[Any, Any, str, str], list[tuple[str, str]]] | None = None
    # what the template's 认证规则 says of it for a grade whose path names it: (value, scheme, grade) -> text
    note: Callable[[Any, Any, str], str | None] | None = None


def named(value: object) -> bool:
    """Does a path name the condition with this value? (Not when left out, nor a yes/no one set to false.)"""
    return value is not None and value is not False


# -- the conditions ---------------------------------------------------------------------------------
def _holds(grade: str, c: Check) -> None:
    """A certificate of `grade` or higher, valid on the assessment date when the scheme says so."""
    ranks = c.scheme.grade_lookup
    held = c.get("held")
    required = f"持有{grade}或以上证书"
    if held is None and c.invalid("held"):
        c.missing("held", required)
    elif held is None or ranks[str(held)] < ranks[grade]:
        c.unmet("held", c.shown(held), required, f"已持证书 {c.shown(held) or '无'}，要求{required}")
    elif c.scheme.scheme.hold_must_be_valid:  # an expired certificate is not held
        c.certificate_valid("held_date", f"{required}且在有效期内", f"{held}证书取得于")


def _holds_problems(grade: str, scheme: Any, applied: str, where: str) -> list[tuple[str, str]]:
    return [] if grade in scheme.grade_lookup else [(f"{where}.holds", f"认证等级“{grade}”不存在")]


def _training_hours(scheme: Any, grade: str) -> float | None:
    """A grade's standard training hours (标准学时; None when not set, or no such grade)."""
    return next((g.training_hours for g in scheme.grades if g.name == grade), None)


def _training(_: bool, c: Check) -> None:
    """The standard training hours of the grade applied for."""
    c.at_least("training_hours", float(_training_hours(c.scheme, c.grade) or 0), "学时")


def _training_problems(_: bool, scheme: Any, grade: str, where: str) -> list[tuple[str, str]]:
    known = any(g.name == grade for g in scheme.grades)
    if known and _training_hours(scheme, grade) is None:
        return [(f"grades.{grade}.training_hours", "要求培训但未规定标准学时")]
    return []


def _training_note(_: bool, scheme: Any, grade: str) -> str | None:
    hours = _training_hours(scheme, grade)
    return f"标准学时 {hours:g}" if hours else None


def _probation(result: str, c: Check) -> None:
    value = c.get("probation")
    required = f"{c.label('probation')}{result}"
    if value is None:
        c.missing("probation", required)
    elif value != result:
        c.unmet("probation", str(value), required, f"{c.label('probation')}为“{value}”")


# The conditions a path can name, in the order a person is judged against them (and their reasons
# are listed in). A new condition is one entry here.
CONDITIONS: dict[str, Condition] = {
    c.key: c
    for c in (
        Condition(
            "holds",
            Name | None,
            "须持有的证书等级（或更高）。",
            ("held", "held_date"),
            _holds,
            problems=_holds_problems,
        ),
        Condition(
            "continuous_years",
            NonNegative | None,
            "本岗位连续年限下限（含）。",
            ("years_continuous",),
            lambda years, c: c.at_least("years_continuous", years, "年"),
        ),
        Condition(
            "cumulative_years",
            NonNegative | None,
            "本岗位累计年限下限（含）。",
            ("years_cumulative",),
            lambda years, c: c.at_least("years_cumulative", years, "年"),
        ),
        Condition(
            "training",
            bool,
            "须达到所申报等级的标准培训学时。",
            ("training_hours",),
            _training,
            default=False,
            problems=_training_problems,
            note=_training_note,
        ),
        Condition(
            "probation",
            Name | None,
            "试用期考核须为此结果（如 合格）。",
            ("probation",),
            _probation,
        ),
    )
}


def condition_fields() -> list[str]:
    """Every workbook field a condition reads, once, in CONDITIONS' order."""
    return list(dict.fromkeys(f for c in CONDITIONS.values() for f in c.fields))


# -- a path, as a scheme file writes it ---------------------------------------------------------------
class EligibilityPath(StrictModel):
    """申报条件的一条途径：其中各项须全部满足。

    Its keys besides `label` are the conditions of CONDITIONS, checked against it as it is when the
    file is read (path_model); `conditions` gives those a path names."""

    model_config = ConfigDict(extra="allow")

    label: str
    """途径的说明（写入原因）。"""

    @model_validator(mode="wrap")
    @classmethod
    def _known_conditions(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, dict):  # an unknown key or a value of the wrong type is an error at its key
            data = path_model().model_validate(data).model_dump()
        return handler(data)

    @classmethod
    def documented_keys(cls) -> type[StrictModel]:
        """The model whose fields docs/toml-reference.md lists for a path (tools/gen_docs.py)."""
        return path_model()

    @cached_property
    def conditions(self) -> dict[str, object]:
        """The conditions the path names, by key, in CONDITIONS' order (as registered when first asked)."""
        given = self.model_extra or {}
        return {key: given[key] for key in CONDITIONS if named(given.get(key))}


def path_model() -> type[StrictModel]:
    """A path's keys as a model: `label` and one per registered condition (what a file may write,
    and what docs/toml-reference.md lists)."""
    return _path_model(tuple(CONDITIONS.values()))


@cache
def _path_model(conditions: tuple[Condition, ...]) -> type[StrictModel]:
    fields: dict[str, Any] = {c.key: (c.value, Field(c.default, description=c.label)) for c in conditions}
    return create_model(  # type: ignore[call-overload]
        "EligibilityPath",
        __base__=StrictModel,
        __doc__=EligibilityPath.__doc__,
        label=(str, Field(description=EligibilityPath.model_fields["label"].description)),
        **fields,
    )


def path_problems(scheme: Any, grade: str, path: EligibilityPath, where: str) -> list[tuple[str, str]]:
    """What a scheme gets wrong in a path of `grade` (at TOML key `where`): each condition's own checks."""
    found: list[tuple[str, str]] = []
    for key, value in path.conditions.items():
        check = CONDITIONS[key].problems
        if check is not None:
            found += check(value, scheme, grade, where)
    return found


def grade_notes(scheme: Any, grade: str) -> list[str]:
    """What the conditions of a grade's paths add to its 申报条件 in the template (e.g. 标准学时 30)."""
    notes: list[str] = []
    for path in scheme.paths.get(grade, []):
        for key, value in path.conditions.items():
            note = CONDITIONS[key].note
            text = note(value, scheme, grade) if note is not None else None
            if text and text not in notes:
                notes.append(text)
    return notes

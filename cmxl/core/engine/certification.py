"""Certification (docs/rules.md, 岗位技能认证): eligibility, completeness and pass rules, with every reason.

Facts are three-valued: a rule is met (True), not met (False) or cannot be decided because a
fact is missing (None). A path of conditions needs all of them; any one path suffices. The
conditions a path can name are registered in cmxl/core/model/eligibility.py CONDITIONS; _PathCheck
here gives them the words of a reason. How a scheme of each kind is evaluated: EVALUATORS.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cmxl.core.model.eligibility import CONDITIONS
from cmxl.core.model.schemes import EligibilityPath, Scheme, TopGrade
from cmxl.core.numbers import shown as number_text

PASSED, FAILED, NOT_ELIGIBLE, INCOMPLETE = "通过", "未通过", "不符合申报条件", "资料不全"
NOT_APPLIED = "未申报"  # shown for a person who does not apply this cycle


@dataclass
class Reason:
    rule: str  # 申报条件 / 资料完整 / 合格标准 / 有效期
    field: str  # Chinese column name
    value: str  # what the person has ('' when missing)
    required: str  # what the rule asks
    message: str


@dataclass
class CertResult:
    status: str | None  # None: not applying this cycle
    scheme_id: str = ""
    grade: str = ""
    interview: float | None = None
    reasons: list[Reason] = field(default_factory=list)  # the deciding ones first, then every other known to fail
    missing: list[str] = field(default_factory=list)  # field keys whose absence decided 资料不全
    valid_until: dt.date | None = None  # a certificate's last day when the rules end it early (two-part schemes)


def add_years(day: dt.date, years: int) -> dt.date:
    """Same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def expiry(issued: dt.date, years: int) -> dt.date:
    """Last day a certificate issued on `issued` is valid."""
    return add_years(issued, years)


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _present(value: object) -> bool:
    return _shown(value) != ""


class _Case:
    """One person's values by field key, the fields intake found invalid, and each field's
    column header (from the workbook format: the words a reason uses for the field)."""

    def __init__(self, values: dict, invalid: frozenset[str], labels: Mapping[str, str]):
        self.values, self.invalid, self.labels = values, invalid, labels

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def get(self, key: str) -> object:
        value = self.values.get(key)
        if value is None or type(value) is str:  # the common cases first, without _present
            return value or None
        if type(value) is float:
            return None if value != value else value
        return value if _present(value) else None

    def missing_reason(self, key: str, rule: str, required: str) -> Reason:
        name = self.label(key)
        if key in self.invalid:
            return Reason(rule, name, "", required, f"{name}填写有误（见校验问题），无法判断“{required}”")
        return Reason(rule, name, "", required, f"{name}为空，无法判断“{required}”")


def _valid_on(issued: dt.date | None, years: int, as_of: dt.date) -> bool:
    return issued is not None and issued <= as_of <= expiry(issued, years)


def _late(day: object, as_of: dt.date) -> bool:
    """A date after the assessment date: a data error (intake reports it on its cell), which
    leaves what the date should prove unknown; never an expired certificate or part."""
    return isinstance(day, dt.date) and day > as_of


def _late_reason(case: _Case, key: str, rule: str, required: str, what: str, day: object, as_of: dt.date) -> Reason:
    return Reason(rule, case.label(key), _shown(day), required, f"{what} {day}，晚于评估基准日 {as_of}，请核对")


def _certificate_on(
    case: _Case, key: str, rule: str, required: str, what: str, years: int, as_of: dt.date
) -> tuple[bool | None, Reason | None]:
    """Is the certificate dated by field `key` valid on the assessment date? (True, None); (False,
    why: expired); (None, why: no date, or a date after the assessment date, a data error that
    leaves it unknown). `what` names the certificate in a reason (四级证书取得于)."""
    day = case.get(key)
    if day is None:
        return None, case.missing_reason(key, rule, required)
    if _late(day, as_of):
        return None, _late_reason(case, key, rule, required, what, day, as_of)
    if _valid_on(day, years, as_of):  # type: ignore[arg-type]
        return True, None
    why = f"{what} {day}，到评估基准日 {as_of} 已过 {years} 年有效期"
    return False, Reason(rule, case.label(key), _shown(day), required, why)


# ---- eligibility: the paths of a grade ------------------------------------------------------------
class _PathCheck:
    """One person judged against one eligibility path (cmxl.core.model.eligibility.Check): the
    conditions not met and why, those that cannot be decided, and the missing facts that leave them open."""

    def __init__(self, scheme: Scheme, grade: str, path: EligibilityPath, case: _Case, as_of: dt.date):
        self.scheme, self.grade, self.path, self.case, self.as_of = scheme, grade, path, case, as_of
        self.get, self.label = case.get, case.label  # the person's values and their headers, as the case has them
        self.rule = f"申报条件：{path.label}"
        self.not_met: list[Reason] = []
        self.unknown: list[Reason] = []
        self.missing_keys: list[str] = []

    def invalid(self, key: str) -> bool:
        return key in self.case.invalid

    def shown(self, value: object) -> str:
        return _shown(value)

    def unmet(self, key: str, value: str, required: str, message: str) -> None:
        self.not_met.append(Reason(self.rule, self.label(key), value, required, f"{self.path.label}：{message}"))

    def missing(self, key: str, required: str) -> None:
        self.unknown.append(self.case.missing_reason(key, self.rule, required))
        self.missing_keys.append(key)

    def at_least(self, key: str, minimum: float, unit: str) -> None:
        value = self.get(key)
        required = f"{self.label(key)} ≥ {minimum:g}{unit}"
        if value is None:
            self.missing(key, required)
        elif float(value) < minimum:  # type: ignore[arg-type]
            text = number_text(float(value), minimum)  # type: ignore[arg-type]
            self.unmet(key, text, required, f"{self.label(key)} {text} {unit}，未达到 {minimum:g} {unit}")

    def certificate_valid(self, key: str, required: str, what: str) -> None:
        years = self.scheme.scheme.validity_years
        what = f"{self.path.label}：{what}"
        valid, reason = _certificate_on(self.case, key, self.rule, required, what, years, self.as_of)
        if valid is None:
            self.unknown.append(reason)  # type: ignore[arg-type]
            self.missing_keys.append(key)
        elif not valid:
            self.not_met.append(reason)  # type: ignore[arg-type]

    def verdict(self) -> tuple[bool | None, list[Reason], list[Reason], list[str]]:
        """(met?, reasons not met, reasons undecided, missing field keys)."""
        met: bool | None = False if self.not_met else (None if self.unknown else True)
        return met, self.not_met, self.unknown, self.missing_keys


def _path_result(
    scheme: Scheme, grade: str, path: EligibilityPath, case: _Case, as_of: dt.date
) -> tuple[bool | None, list[Reason], list[Reason], list[str]]:
    """(met?, reasons not met, reasons undecided, missing field keys) for one path: each condition
    it names, judged by its entry in CONDITIONS."""
    check = _PathCheck(scheme, grade, path, case, as_of)
    for key, value in path.conditions.items():
        CONDITIONS[key].judge(value, check)
    return check.verdict()


def _exam_eligibility(
    scheme: Scheme, grade: str, case: _Case, as_of: dt.date
) -> tuple[bool | None, list[Reason], list[str], list[Reason]]:
    """(eligible?, the deciding reasons, missing keys, other paths' reasons known to fail)."""
    results = [_path_result(scheme, grade, p, case, as_of) for p in scheme.paths.get(grade, [])]
    if any(r[0] is True for r in results):
        return True, [], [], []
    if any(r[0] is None for r in results):
        reasons = [reason for r in results if r[0] is None for reason in r[2]]
        missing = [key for r in results if r[0] is None for key in r[3]]
        failing = [reason for r in results for reason in r[1]]
        return None, reasons, missing, failing
    return False, [reason for r in results for reason in r[1]], [], []


# ---- exam schemes: written and interview --------------------------------------------------------
def _below(rule: str, label: str, value: object, minimum: float, message: str) -> Reason:
    """A score under its pass mark, shown with the digits it takes to be visibly under it
    (59.99999999999999, not 60: scores are compared as entered)."""
    text = number_text(float(value), minimum)  # type: ignore[arg-type]
    return Reason(rule, label, text, f"≥ {minimum:g}", f"{message} {text} 分，低于合格线 {minimum:g} 分")


def _interview(case: _Case, top: TopGrade | None) -> tuple[object, str]:
    """(the interview score, the words for where it comes from): at the top grade, from its parts
    when both are given, else 面试成绩."""
    interview, where = case.get("interview"), case.label("interview")
    if top is not None:
        parts = [case.get(key) for key in top.interview_parts]
        if all(p is not None for p in parts):
            values = [float(p) for p in parts]  # type: ignore[arg-type]
            interview = sum(values) / len(values) if top.combine == "mean" else sum(values)
            where = "+".join(case.label(k) for k in top.interview_parts)
    return interview, where


def _exam_incomplete(case: _Case, top: TopGrade | None, interview: object) -> tuple[list[Reason], list[str]]:
    """The scores and facts the pass rules need that are missing: (reasons, field keys)."""
    incomplete: list[Reason] = []
    needed: list[str] = []

    def need(key: str, required: str) -> None:
        incomplete.append(case.missing_reason(key, "资料完整", required))
        needed.append(key)

    if case.get("written") is None:
        need("written", case.label("written"))
    if interview is None and top is not None:
        for key in top.interview_parts:
            if case.get(key) is None:
                need(key, f"{case.label(key)}（或{case.label('interview')}）")
    elif interview is None:
        need("interview", case.label("interview"))
    if top is not None and case.get("appraisal") is None:
        need("appraisal", f"{case.label('appraisal')}{top.appraisal_min}或以上")
    return incomplete, needed


def _exam_failures(
    scheme: Scheme, case: _Case, top: TopGrade | None, interview: float | None, where: str
) -> list[Reason]:
    """The pass rules, on every value there is."""
    rules = scheme.pass_rules
    assert rules is not None
    failed: list[Reason] = []
    written = case.get("written")
    if written is not None and float(written) < rules.written_min:  # type: ignore[arg-type]
        failed.append(_below("合格标准", case.label("written"), written, rules.written_min, case.label("written")))
    if interview is not None and interview < rules.interview_min:
        combined = "的平均" if top is not None and top.combine == "mean" else "之和"
        plain = case.label("interview")
        label = plain if where == plain else f"{plain}（{where}{combined}）"
        failed.append(_below("合格标准", where, interview, rules.interview_min, label))
    appraisal = case.get("appraisal") if top is not None else None
    if top is not None and scheme.appraisal is not None and appraisal is not None:
        rank = scheme.appraisal_rank(str(appraisal))
        if rank is None or rank < scheme.appraisal.order.index(top.appraisal_min):
            failed.append(
                Reason(
                    "合格标准",
                    case.label("appraisal"),
                    str(appraisal),
                    f"{top.appraisal_min}或以上",
                    f"{case.label('appraisal')}为“{appraisal}”，要求{top.appraisal_min}或以上",
                )
            )
    return failed


def evaluate_exam(scheme: Scheme, case: _Case, as_of: dt.date) -> CertResult:
    """Eligibility, then completeness, then the pass rules; every rule known to fail is listed
    after the ones that decide the status (a clerk sees whether supplying a fact can help)."""
    grade = str(case.get("applied"))
    result = CertResult(status=None, scheme_id=scheme.id, grade=grade)
    eligible, reasons, missing, failing_paths = _exam_eligibility(scheme, grade, case, as_of)
    top = scheme.top if scheme.top is not None and scheme.top.grade == grade else None
    interview, where = _interview(case, top)
    incomplete, needed = _exam_incomplete(case, top, interview)
    result.interview = None if interview is None else float(interview)  # type: ignore[arg-type]
    failed = _exam_failures(scheme, case, top, result.interview, where)
    if eligible is False:
        result.status, result.reasons = NOT_ELIGIBLE, reasons + failed
    elif eligible is None or incomplete:
        result.status, result.missing = INCOMPLETE, missing + needed
        result.reasons = reasons + incomplete + failing_paths + failed
    else:
        result.status, result.reasons = (FAILED, failed) if failed else (PASSED, [])
    return result


# ---- two-part schemes: theory and practical ------------------------------------------------------
def _level_below(scheme: Scheme, case: _Case, rank: int, as_of: dt.date) -> tuple[bool | None, list[Reason], list[str]]:
    """Holds the group's level below the one applied for (or higher), valid on the assessment date:
    (met?, reasons, field keys whose absence or error leaves it open)."""
    below = scheme.grade_names[rank - 1]
    held = case.get("held")
    if held is None or scheme.grade_lookup[str(held)] < rank - 1:
        why = f"已持证书：{_shown(held) or '无'}，须先取得{below}（原则上从{scheme.scheme.entry_grade}起逐级认证）"
        return False, [Reason("申报条件", case.label("held"), _shown(held), f"持有集团{below}或以上证书", why)], []
    years = scheme.scheme.validity_years
    valid, reason = _certificate_on(
        case, "held_date", "申报条件", f"{below}证书在有效期内", f"{held}证书取得于", years, as_of
    )
    return valid, [reason] if reason is not None else [], ["held_date"] if valid is None else []


def _cross_level(scheme: Scheme, case: _Case, grade: str) -> tuple[bool, list[Reason]]:
    """跨级认证: a provincial certificate of the scheme's minimum or higher allows `grade` directly."""
    cross = scheme.cross_level
    if cross is None or grade not in cross.allowed:
        return False, []
    prov = case.get("prov_grade")
    if prov is not None and scheme.grade_lookup[str(prov)] >= scheme.grade_lookup[cross.provincial_min]:
        return True, []
    label = case.label("prov_grade")
    why = f"{label}：{_shown(prov) or '无'}，不具备跨级认证资格"
    return False, [Reason("申报条件", label, _shown(prov), f"省公司{cross.provincial_min}或以上（跨级认证）", why)]


def _transition(scheme: Scheme, case: _Case, rank: int, as_of: dt.date) -> tuple[bool | None, list[Reason]]:
    """过渡规定: a provincial certificate obtained in the transition window counts as a group level
    for its years. (True; False: it does not apply; None with the reason: its date is after the
    assessment date.)"""
    trans = scheme.transition
    if trans is None or scheme.grade_lookup[trans.counts_as] < rank - 1:
        return False, []
    prov_date = case.get("prov_date")
    if _late(prov_date, as_of):
        required = f"{trans.from_date} 至 {trans.to_date} 取得的省公司证书在有效期内"
        return None, [_late_reason(case, "prov_date", "申报条件", required, "省公司证书取得于", prov_date, as_of)]
    in_window = prov_date is not None and trans.from_date <= prov_date <= trans.to_date  # type: ignore[operator]
    return in_window and _valid_on(prov_date, trans.years, as_of), []  # type: ignore[arg-type]


def _two_part_eligibility(
    scheme: Scheme, case: _Case, grade: str, as_of: dt.date
) -> tuple[bool | None, list[Reason], list[str]]:
    """Above the entry grade: the level below held and valid, or cross-level, or the transition
    rule. (eligible?, reasons, field keys whose absence or error leaves it open)."""
    rank = scheme.grade_lookup[grade]
    ok, reasons, undecided = _level_below(scheme, case, rank, as_of)
    if ok is not True:
        crossed, why = _cross_level(scheme, case, grade)
        ok, reasons = (True if crossed else ok), reasons + why
    if ok is not True:
        counted, why = _transition(scheme, case, rank, as_of)
        if counted is None:
            ok, undecided = None, [*undecided, "prov_date"]
        ok, reasons = (True if counted else ok), reasons + why
    return ok, reasons, undecided


def _parts_missing(scheme: Scheme, case: _Case, as_of: dt.date) -> tuple[list[Reason], list[str]]:
    """Each part needs its score and, when passed, its pass date (a part's validity cannot be
    known without it): (reasons, field keys) of what is missing."""
    years = scheme.scheme.validity_years
    missing: list[Reason] = []
    keys: list[str] = []
    for part in scheme.parts:
        value = case.get(part.score_field)
        if value is None:
            missing.append(case.missing_reason(part.score_field, "资料完整", part.name + "成绩"))
            keys.append(part.score_field)
        if value is not None and float(value) < part.min:  # type: ignore[arg-type]
            continue  # a part not passed has no pass date to give
        passed_on = case.get(part.date_field)
        within = f"{part.name}在有效期内（{years} 年内通过）"
        if passed_on is None:
            missing.append(case.missing_reason(part.date_field, "资料完整", within))
            keys.append(part.date_field)
        elif _late(passed_on, as_of):
            missing.append(
                _late_reason(case, part.date_field, "资料完整", within, f"{part.name}通过于", passed_on, as_of)
            )
            keys.append(part.date_field)
    return missing, keys


def evaluate_two_part(scheme: Scheme, case: _Case, as_of: dt.date) -> CertResult:
    """Eligibility (the level below held and valid, cross-level, transition), then both parts:
    each needs its score and, when passed, its pass date (a part's validity cannot be known
    without it); then the pass marks and each part's validity."""
    grade = str(case.get("applied"))
    result = CertResult(status=None, scheme_id=scheme.id, grade=grade)
    if grade != scheme.scheme.entry_grade:
        ok, reasons, undecided = _two_part_eligibility(scheme, case, grade, as_of)
        if ok is not True:
            result.status = NOT_ELIGIBLE if ok is False else INCOMPLETE
            result.reasons = reasons + _part_failures(scheme, case, as_of)
            if ok is None:
                result.missing = undecided
            return result
    missing, keys = _parts_missing(scheme, case, as_of)
    failed = _part_failures(scheme, case, as_of)
    if missing:
        result.status, result.reasons, result.missing = INCOMPLETE, missing + failed, keys
        return result
    result.status, result.reasons = (FAILED, failed) if failed else (PASSED, [])
    if not failed:  # the level lasts while both parts do: it ends with the earlier part
        dates = [case.get(p.date_field) for p in scheme.parts]
        result.valid_until = min(expiry(d, scheme.scheme.validity_years) for d in dates)  # type: ignore[arg-type]
    return result


def _part_failures(scheme: Scheme, case: _Case, as_of: dt.date) -> list[Reason]:
    """Every part's rule that the values there are fail: a score below its pass mark, a part
    passed too long ago (a pass date after the assessment date is a data error, not this)."""
    years = scheme.scheme.validity_years
    failed: list[Reason] = []
    for part in scheme.parts:
        value = case.get(part.score_field)
        if value is not None and float(value) < part.min:  # type: ignore[arg-type]
            name = case.labels.get(part.score_field, part.name)
            failed.append(_below("合格标准", name, value, part.min, f"{part.name}成绩"))
        passed_on = case.get(part.date_field)
        if passed_on is not None and not _late(passed_on, as_of) and not _valid_on(passed_on, years, as_of):  # type: ignore[arg-type]
            failed.append(
                Reason(
                    "有效期",
                    case.labels.get(part.date_field, part.name),
                    _shown(passed_on),
                    f"{years} 年内通过",
                    f"{part.name}通过于 {passed_on}，到评估基准日 {as_of} 已超过 {years} 年有效期",
                )
            )
    return failed


# How a scheme of each kind (SchemeMeta.kind) is evaluated: a new kind is one entry here plus
# its function. Each takes the scheme, the person's case and the assessment date.
EVALUATORS: dict[str, Callable[[Scheme, _Case, dt.date], CertResult]] = {
    "exam": evaluate_exam,
    "two-part": evaluate_two_part,
}


def certify(
    scheme: Scheme | None, values: dict, invalid: frozenset[str], as_of: dt.date, labels: Mapping[str, str]
) -> CertResult:
    """The certification result of one person; status None when they do not apply. `labels`:
    each field's column header, for the reasons."""
    case = _Case(values, invalid, labels)
    if case.get("applied") is None:
        if "applied" in invalid or (scheme is None and "scheme" in invalid):
            reason = case.missing_reason("applied", "资料完整", "有效的申报认证等级")
            return CertResult(
                status=INCOMPLETE, scheme_id=scheme.id if scheme else "", reasons=[reason], missing=["applied"]
            )
        return CertResult(status=None)
    if scheme is None:
        return CertResult(
            status=INCOMPLETE,
            reasons=[
                Reason(
                    "资料完整",
                    case.label("scheme"),
                    "",
                    f"有效的{case.label('scheme')}",
                    f"{case.label('scheme')}填写有误（见校验问题），无法审核",
                )
            ],
        )
    return EVALUATORS[scheme.scheme.kind](scheme, case, as_of)

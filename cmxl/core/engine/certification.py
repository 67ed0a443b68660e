"""Certification (docs/rules.md, 岗位技能认证): eligibility, completeness and pass rules, with every reason.

Facts are three-valued: a rule is met (True), not met (False) or cannot be decided because a
fact is missing (None). A path of conditions needs all of them; any one path suffices.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cmxl.core.model.schemes import EligibilityPath, Scheme
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
        return value if _present(value) else None

    def missing_reason(self, key: str, rule: str, required: str) -> Reason:
        name = self.label(key)
        if key in self.invalid:
            return Reason(rule, name, "", required, f"{name}填写有误（见校验问题），无法判断“{required}”")
        return Reason(rule, name, "", required, f"{name}为空，无法判断“{required}”")


def _path_result(
    scheme: Scheme, grade: str, path: EligibilityPath, case: _Case, as_of: dt.date
) -> tuple[bool | None, list[Reason], list[Reason], list[str]]:
    """(met?, reasons not met, reasons undecided, missing field keys) for one path."""
    unmet: list[Reason] = []
    unknown: list[Reason] = []
    missing: list[str] = []
    rule = f"申报条件：{path.label}"

    def need_number(key: str, minimum: float, unit: str) -> None:
        value = case.get(key)
        required = f"{case.label(key)} ≥ {minimum:g}{unit}"
        if value is None:
            unknown.append(case.missing_reason(key, rule, required))
            missing.append(key)
        elif float(value) < minimum:
            text = number_text(float(value), minimum)
            unmet.append(
                Reason(
                    rule,
                    case.label(key),
                    text,
                    required,
                    f"{path.label}：{case.label(key)} {text} {unit}，未达到 {minimum:g} {unit}",
                )
            )

    if path.holds is not None:
        need = scheme.grade_lookup[path.holds]
        held = case.get("held")
        required = f"持有{path.holds}或以上证书"
        if held is None and "held" in case.invalid:
            unknown.append(case.missing_reason("held", rule, required))
            missing.append("held")
        elif held is None or scheme.grade_lookup[str(held)] < need:
            shown = _shown(held) or "无"
            unmet.append(
                Reason(
                    rule, case.label("held"), _shown(held), required, f"{path.label}：已持证书 {shown}，要求{required}"
                )
            )
        elif scheme.scheme.hold_must_be_valid:  # an expired certificate is not held
            held_date, years = case.get("held_date"), scheme.scheme.validity_years
            valid = f"{required}且在有效期内"
            if held_date is None:
                unknown.append(case.missing_reason("held_date", rule, valid))
                missing.append("held_date")
            elif _late(held_date, as_of):  # a data error (校验问题 says so), not an expired certificate
                unknown.append(
                    Reason(
                        rule,
                        case.label("held_date"),
                        _shown(held_date),
                        valid,
                        f"{path.label}：{held}证书取得于 {held_date}，晚于评估基准日 {as_of}，请核对",
                    )
                )
                missing.append("held_date")
            elif not _valid_on(held_date, years, as_of):  # type: ignore[arg-type]
                why = f"到评估基准日 {as_of} 已过 {years} 年有效期"
                unmet.append(
                    Reason(
                        rule,
                        case.label("held_date"),
                        _shown(held_date),
                        valid,
                        f"{path.label}：{held}证书取得于 {held_date}，{why}",
                    )
                )
    if path.continuous_years is not None:
        need_number("years_continuous", path.continuous_years, "年")
    if path.cumulative_years is not None:
        need_number("years_cumulative", path.cumulative_years, "年")
    if path.training:
        hours = next(g.training_hours for g in scheme.grades if g.name == grade)
        need_number("training_hours", float(hours or 0), "学时")
    if path.probation is not None:
        value = case.get("probation")
        required = f"{case.label('probation')}{path.probation}"
        if value is None:
            unknown.append(case.missing_reason("probation", rule, required))
            missing.append("probation")
        elif value != path.probation:
            unmet.append(
                Reason(
                    rule,
                    case.label("probation"),
                    str(value),
                    required,
                    f"{path.label}：{case.label('probation')}为“{value}”",
                )
            )
    met: bool | None = False if unmet else (None if unknown else True)
    return met, unmet, unknown, missing


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


def _below(rule: str, label: str, value: object, minimum: float, message: str) -> Reason:
    """A score under its pass mark, shown with the digits it takes to be visibly under it
    (59.99999999999999, not 60: scores are compared as entered)."""
    text = number_text(float(value), minimum)  # type: ignore[arg-type]
    return Reason(rule, label, text, f"≥ {minimum:g}", f"{message} {text} 分，低于合格线 {minimum:g} 分")


def evaluate_exam(scheme: Scheme, case: _Case, as_of: dt.date) -> CertResult:
    """Eligibility, then completeness, then the pass rules; every rule known to fail is listed
    after the ones that decide the status (a clerk sees whether supplying a fact can help)."""
    grade = str(case.get("applied"))
    result = CertResult(status=None, scheme_id=scheme.id, grade=grade)
    eligible, reasons, missing, failing_paths = _exam_eligibility(scheme, grade, case, as_of)
    rules = scheme.pass_rules
    assert rules is not None
    top = scheme.top if scheme.top is not None and scheme.top.grade == grade else None
    incomplete: list[Reason] = []
    needed: list[str] = []

    written = case.get("written")
    if written is None:
        incomplete.append(case.missing_reason("written", "资料完整", case.label("written")))
        needed.append("written")
    interview = case.get("interview")
    interview_field = case.label("interview")
    if top is not None:
        parts = [case.get(key) for key in top.interview_parts]
        if all(p is not None for p in parts):
            values = [float(p) for p in parts]  # type: ignore[arg-type]
            interview = sum(values) / len(values) if top.combine == "mean" else sum(values)
            interview_field = "+".join(case.label(k) for k in top.interview_parts)
    if interview is None:
        if top is not None:
            for key in top.interview_parts:
                if case.get(key) is None:
                    incomplete.append(
                        case.missing_reason(key, "资料完整", f"{case.label(key)}（或{case.label('interview')}）")
                    )
                    needed.append(key)
        else:
            incomplete.append(case.missing_reason("interview", "资料完整", case.label("interview")))
            needed.append("interview")
    appraisal = case.get("appraisal") if top is not None else None
    if top is not None and appraisal is None:
        incomplete.append(
            case.missing_reason("appraisal", "资料完整", f"{case.label('appraisal')}{top.appraisal_min}或以上")
        )
        needed.append("appraisal")
    result.interview = None if interview is None else float(interview)  # type: ignore[arg-type]

    # the pass rules, on every value there is
    failed: list[Reason] = []
    if written is not None and float(written) < rules.written_min:  # type: ignore[arg-type]
        failed.append(_below("合格标准", case.label("written"), written, rules.written_min, case.label("written")))
    if result.interview is not None and result.interview < rules.interview_min:
        combined = "的平均" if top is not None and top.combine == "mean" else "之和"
        plain = case.label("interview")
        label = plain if interview_field == plain else f"{plain}（{interview_field}{combined}）"
        failed.append(_below("合格标准", interview_field, result.interview, rules.interview_min, label))
    if top is not None and scheme.appraisal is not None and appraisal is not None:
        need = scheme.appraisal.order.index(top.appraisal_min)
        rank = scheme.appraisal_rank(str(appraisal))
        if rank is None or rank < need:
            failed.append(
                Reason(
                    "合格标准",
                    case.label("appraisal"),
                    str(appraisal),
                    f"{top.appraisal_min}或以上",
                    f"{case.label('appraisal')}为“{appraisal}”，要求{top.appraisal_min}或以上",
                )
            )

    if eligible is False:
        result.status, result.reasons = NOT_ELIGIBLE, reasons + failed
    elif eligible is None or incomplete:
        result.status, result.missing = INCOMPLETE, missing + needed
        result.reasons = reasons + incomplete + failing_paths + failed
    else:
        result.status, result.reasons = (FAILED, failed) if failed else (PASSED, [])
    return result


def _valid_on(issued: dt.date | None, years: int, as_of: dt.date) -> bool:
    return issued is not None and issued <= as_of <= expiry(issued, years)


def _late(day: object, as_of: dt.date) -> bool:
    """A date after the assessment date: a data error (intake reports it on its cell), which
    leaves what the date should prove unknown; never an expired certificate or part."""
    return isinstance(day, dt.date) and day > as_of


def _late_reason(case: _Case, key: str, rule: str, required: str, what: str, day: object, as_of: dt.date) -> Reason:
    return Reason(rule, case.label(key), _shown(day), required, f"{what} {day}，晚于评估基准日 {as_of}，请核对")


def evaluate_two_part(scheme: Scheme, case: _Case, as_of: dt.date) -> CertResult:
    """Eligibility (the level below held and valid, cross-level, transition), then both parts:
    each needs its score and, when passed, its pass date (a part's validity cannot be known
    without it); then the pass marks and each part's validity."""
    grade = str(case.get("applied"))
    result = CertResult(status=None, scheme_id=scheme.id, grade=grade)
    rank = scheme.grade_lookup[grade]
    years = scheme.scheme.validity_years
    rule = "申报条件"
    if grade != scheme.scheme.entry_grade:
        below = scheme.grade_names[rank - 1]
        ok: bool | None = False
        reasons: list[Reason] = []
        undecided: list[str] = []  # field keys whose absence (or error) leaves eligibility open
        held, held_date = case.get("held"), case.get("held_date")
        if held is not None and scheme.grade_lookup[str(held)] >= rank - 1:
            valid = f"{below}证书在有效期内"
            if held_date is None:
                ok = None
                undecided.append("held_date")
                reasons.append(case.missing_reason("held_date", rule, valid))
            elif _late(held_date, as_of):
                ok = None
                undecided.append("held_date")
                reasons.append(_late_reason(case, "held_date", rule, valid, f"{held}证书取得于", held_date, as_of))
            elif _valid_on(held_date, years, as_of):  # type: ignore[arg-type]
                ok = True
            else:
                reasons.append(
                    Reason(
                        rule,
                        case.label("held_date"),
                        _shown(held_date),
                        valid,
                        f"{held}证书取得于 {held_date}，到评估基准日 {as_of} 已过 {years} 年有效期",
                    )
                )
        else:
            reasons.append(
                Reason(
                    rule,
                    case.label("held"),
                    _shown(held),
                    f"持有集团{below}或以上证书",
                    f"已持证书：{_shown(held) or '无'}，须先取得{below}（原则上从{scheme.scheme.entry_grade}起逐级认证）",
                )
            )
        prov = case.get("prov_grade")
        cross = scheme.cross_level
        if ok is not True and cross is not None and grade in cross.allowed:
            if prov is not None and scheme.grade_lookup[str(prov)] >= scheme.grade_lookup[cross.provincial_min]:
                ok = True
            else:
                reasons.append(
                    Reason(
                        rule,
                        case.label("prov_grade"),
                        _shown(prov),
                        f"省公司{cross.provincial_min}或以上（跨级认证）",
                        f"{case.label('prov_grade')}：{_shown(prov) or '无'}，不具备跨级认证资格",
                    )
                )
        trans = scheme.transition
        if ok is not True and trans is not None and scheme.grade_lookup[trans.counts_as] >= rank - 1:
            prov_date = case.get("prov_date")
            if _late(prov_date, as_of):
                ok = None
                undecided.append("prov_date")
                required = f"{trans.from_date} 至 {trans.to_date} 取得的省公司证书在有效期内"
                reasons.append(_late_reason(case, "prov_date", rule, required, "省公司证书取得于", prov_date, as_of))
            elif prov_date is not None and trans.from_date <= prov_date <= trans.to_date:  # type: ignore[operator]
                if _valid_on(prov_date, trans.years, as_of):  # type: ignore[arg-type]
                    ok = True
        if ok is not True:
            failed = _part_failures(scheme, case, as_of)
            result.status = NOT_ELIGIBLE if ok is False else INCOMPLETE
            result.reasons = reasons + failed
            if ok is None:
                result.missing = undecided
            return result
    missing: list[Reason] = []
    for part in scheme.parts:
        value = case.get(part.score_field)
        if value is None:
            missing.append(case.missing_reason(part.score_field, "资料完整", part.name + "成绩"))
            result.missing.append(part.score_field)
        if value is not None and float(value) < part.min:  # type: ignore[arg-type]
            continue  # a part not passed has no pass date to give
        passed_on = case.get(part.date_field)
        within = f"{part.name}在有效期内（{years} 年内通过）"
        if passed_on is None:
            missing.append(case.missing_reason(part.date_field, "资料完整", within))
            result.missing.append(part.date_field)
        elif _late(passed_on, as_of):
            missing.append(
                _late_reason(case, part.date_field, "资料完整", within, f"{part.name}通过于", passed_on, as_of)
            )
            result.missing.append(part.date_field)
    failed = _part_failures(scheme, case, as_of)
    if missing:
        result.status, result.reasons = INCOMPLETE, missing + failed
        return result
    result.status, result.reasons = (FAILED, failed) if failed else (PASSED, [])
    if not failed:  # the level lasts while both parts do: it ends with the earlier part
        dates = [case.get(p.date_field) for p in scheme.parts]
        result.valid_until = min(expiry(d, years) for d in dates)  # type: ignore[arg-type]
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

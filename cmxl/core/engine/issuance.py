"""Who gets a certificate number in a batch (docs/rules.md, 证书): a certificate is an official
act, so a number is issued only when the result is beyond doubt.

- A person whose row has any error keeps the status computed for them, but is held (暂缓发证)
  with the errors to fix: a row with a wrong score may be a row typed into the wrong line.
- The same 员工编号 in several files or sheets: when the rows say the same, the person counts
  once (noted); when they differ, every row of that id is held until it is resolved. Either
  way, an id in several files is noted on each of its rows (`also_in`), for the roster's 备注
  and the processing log: judged here once, read there.
- Everyone else applying is certain: passed (a certificate) or not (the reasons).
- A number belongs to one person (`identity_holds`): a pass whose id the ledger records for
  another name, or (typed as a number) for an id that differs only by leading zeros, is held
  with both identities named, until HR confirms it is the same person or the id is corrected.

A re-run after the fix decides again; the ledger then issues the number, stable thereafter."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from cmxl.core.engine.certification import PASSED
from cmxl.core.engine.results import PersonResult
from cmxl.core.ids import same_name, without_leading_zeros
from cmxl.core.ledger_records import Holder
from cmxl.core.model.schemes import Scheme


@dataclass
class Hold:
    """A person applying whose certificate waits, with why and what to fix."""

    person: PersonResult
    why: str
    fixes: list[str] = field(default_factory=list)  # one line each: where, what is wrong, what to do
    kind: str = ""  # IDENTITY or CONFLICT: a person must check who the id is (the ledger, or the batch)


@dataclass
class Issuance:
    passed: list[PersonResult]  # beyond doubt: one certificate each
    failed: list[PersonResult]  # beyond doubt: not passed, with every reason
    held: list[Hold]  # 暂缓发证
    same_elsewhere: dict[int, list[str]] = field(default_factory=dict)  # id(person) -> files with the same data
    repeated: list[tuple[PersonResult, PersonResult]] = field(default_factory=list)  # (row, the one counted)
    in_several_files: dict[str, list[str]] = field(default_factory=dict)  # id -> the files it is in (two or more)


def _where(p: PersonResult) -> str:
    return f"{p.file}（{p.sheet}第 {p.row} 行）" if p.sheet else p.file


def decide(people: list[PersonResult]) -> Issuance:
    """Sort a batch's applicants into certain passes, certain failures and holds."""
    by_id: dict[str, list[PersonResult]] = defaultdict(list)
    for p in people:
        if p.employee_id:
            by_id[p.employee_id].append(p)
    kept: list[PersonResult] = []
    held: list[Hold] = []
    same: dict[int, list[str]] = {}
    repeated: list[tuple[PersonResult, PersonResult]] = []
    several: dict[str, list[str]] = {}
    seen: set[int] = set()
    for p in people:
        if id(p) in seen:
            continue
        rows = by_id.get(p.employee_id, [p]) if p.employee_id else [p]
        seen.update(id(r) for r in rows)
        in_other_places = {(r.file, r.sheet) for r in rows}
        files = {file for file, _ in in_other_places}
        if p.employee_id and len(files) > 1:
            several[p.employee_id] = sorted(files)
        if len(rows) > 1 and len(in_other_places) > 1:
            if len({r.fingerprint() for r in rows}) == 1:
                kept.append(rows[0])
                same[id(rows[0])] = sorted({_where(r) for r in rows[1:]})
                repeated += [(r, rows[0]) for r in rows[1:]]
                continue
            places = "、".join(sorted({_where(r) for r in rows}))
            for r in rows:
                if r.applying:
                    held.append(
                        Hold(
                            r,
                            f"员工编号 {r.employee_id} 在本批次中出现 {len(rows)} 次且数据不同",
                            [f"核对 {places}，删除或更正其中有误的行"],
                            CONFLICT,
                        )
                    )
            continue
        kept.extend(rows)
    lost = _lost_zeros_in_batch(by_id)
    if lost:
        kept = [p for p in kept if id(p) not in lost]
        already = {id(h.person) for h in held}
        held += [hold for key, hold in lost.items() if hold.person.applying and key not in already]
    passed: list[PersonResult] = []
    failed: list[PersonResult] = []
    for p in kept:
        if not p.applying:
            continue
        errors = [i for i in p.issues if i.severity == "error"]
        if errors:
            fixes = [f"{p.file} {i.sheet}!{i.cell}：{i.message}。{i.hint}" for i in errors]
            if id(p) in same:  # the same row, errors and all, elsewhere: fixed in one place only, they would differ
                fixes.append(f"相同的行也在 {'、'.join(same[id(p)])}，请一并改正")
            held.append(Hold(p, f"本行有 {len(errors)} 个错误，结果可能不准确", fixes))
        elif p.status == PASSED:
            passed.append(p)
        else:
            failed.append(p)
    return Issuance(passed, failed, held, same, repeated, several)


def _lost_zeros_in_batch(by_id: dict[str, list[PersonResult]]) -> dict[int, Hold]:
    """Ids of a batch that differ only by leading zeros, one of them typed as a number (Excel
    dropped its zeros): 456 in one file and 00456 in another may be one person. Every row of
    both is held until the id is checked (one person, one certificate)."""
    by_digits: dict[str, list[str]] = defaultdict(list)
    for pid in by_id:
        if pid.isdigit():
            by_digits[without_leading_zeros(pid)].append(pid)
    holds: dict[int, Hold] = {}
    for ids in by_digits.values():
        if len(ids) < 2 or not any(r.id_numeric for pid in ids for r in by_id[pid]):
            continue
        rows = [r for pid in sorted(ids) for r in by_id[pid]]
        places = "、".join(f"{_where(r)}的 {r.employee_id}" for r in rows)
        for r in rows:
            why = f"员工编号 {r.employee_id} 与本批次 {places} 只差开头的 0（按数字填写时 Excel 会去掉开头的 0），可能是同一人"
            fix = f"核对后把按数字填写的员工编号单元格设为文本格式、补全开头的 0（{_where(r)}），然后重新运行"
            holds[id(r)] = Hold(r, why, [fix], CONFLICT)
    return holds


def settle(people: list[PersonResult]) -> Issuance:
    """`decide`, and mark every record with what it decided, so that every output reads one
    answer (cmxl.core.engine.tally): `held` says why a certificate waits, `repeat_of` where the
    same row is counted instead (a repeat of a held row reads as held too), `also_in` the other
    files of the batch its id is in. Marks from an earlier decision (a file's own, before its
    batch) are replaced."""
    found = decide(people)
    for p in people:
        p.held = p.repeat_of = ""
        files = found.in_several_files.get(p.employee_id) if p.employee_id else None
        p.also_in = [f for f in files if f != p.file] if files else []
    for hold in found.held:
        hold.person.held = hold.why
    for p, kept in found.repeated:
        p.repeat_of = _where(kept)
        p.held = kept.held
    return found


IDENTITY = "identity"
CONFLICT = "conflict"


@dataclass(frozen=True)
class LedgerIdentities:
    """What the ledger records about the ids of a batch's passes (looked up by the ledger's
    adapter; judged here): the holder of each id, and for ids typed as numbers, the holders of
    ids that are the same number with leading zeros (keyed by the id without them)."""

    exact: dict[str, Holder] = field(default_factory=dict)
    padded: dict[str, list[Holder]] = field(default_factory=dict)
    # for a text id with leading zeros (00123): the holder of the id without them (123), which a
    # number typed into Excel leaves behind
    stripped: dict[str, Holder] = field(default_factory=dict)


def confirm_command(pid: str, name: str, ledger: str) -> str:
    """HR's recorded confirmation that `name` is the person the ledger holds `pid` for."""
    quoted = f'"{name}"' if any(ch.isspace() or ch in "\"'" for ch in name) else name
    return f'cmxl certs confirm {pid} --name {quoted} --ledger "{ledger}"'


def identity_holds(issuance: Issuance, found: LedgerIdentities, ledger: str) -> Issuance:
    """Before any number is issued: the passes whose id the ledger holds for someone else move to
    the holds, both identities named, with what HR does; a person held for another reason gets
    the identity's reason too (so that fixing the first does not bring up the second only on the
    next run). `ledger` names the ledger file in the command to run. As `settle`, the records
    are marked (a held row, and its repeats elsewhere, read as held in every output and count)."""
    passed: list[PersonResult] = []
    held: list[Hold] = []
    for hold in issuance.held:
        clash = _clash(hold.person, found, ledger)
        if clash is not None:
            hold = Hold(hold.person, f"{hold.why}；另：{clash.why}", hold.fixes + clash.fixes, IDENTITY)
            hold.person.held = hold.why
        held.append(hold)
    for p in issuance.passed:
        clash = _clash(p, found, ledger)
        if clash is None:
            passed.append(p)
        else:
            held.append(clash)
            p.held = clash.why
    for row, kept in issuance.repeated:
        row.held = kept.held
    return Issuance(
        passed, issuance.failed, held, issuance.same_elsewhere, issuance.repeated, issuance.in_several_files
    )


def _clash(p: PersonResult, found: LedgerIdentities, ledger: str) -> Hold | None:
    """Why the ledger says this id may not be this person's, if it does."""
    holder = found.exact.get(p.employee_id)
    if holder is not None and holder.disputed:
        return _disputed(p, holder, ledger)
    if holder is not None:
        return None if same_name(holder.name, p.name) else _other_name(p, holder, ledger)
    if p.id_numeric:
        padded = found.padded.get(without_leading_zeros(p.employee_id), [])
        return _lost_zeros(p, [h for h in padded if h.employee_id != p.employee_id])
    stripped = found.stripped.get(p.employee_id)
    if stripped is not None and same_name(stripped.name, p.name):
        return _zeros_lost_in_ledger(p, stripped, ledger)
    return None


def _other_name(p: PersonResult, holder: Holder, ledger: str) -> Hold:
    return Hold(
        p,
        f"员工编号 {p.employee_id} 在证书台账中属于 {holder.shown}，本行是 {p.name}（{p.unit or '单位未填'}）："
        "编号不能给另一人使用，也不另发新证",
        [
            f"如是同一人（姓名变更或台账中的姓名有误），核实后登记：{confirm_command(p.employee_id, p.name, ledger)}，"
            "然后重新运行",
            f"如不是同一人，请在 {_where(p)}更正员工编号后重新运行",
        ],
        IDENTITY,
    )


def _disputed(p: PersonResult, holder: Holder, ledger: str) -> Hold:
    return Hold(
        p,
        f"证书台账中员工编号 {p.employee_id} 的证书登记了不同的人（{holder.disputed}）：核实之前不发证",
        [
            f"核实谁是员工编号 {p.employee_id} 的持有人后登记：{confirm_command(p.employee_id, p.name, ledger)}"
            "（--name 写持有人的姓名），然后重新运行",
            f"如本行填错了员工编号，请在 {_where(p)}更正后重新运行",
        ],
        IDENTITY,
    )


def correct_command(old: str, new: str, ledger: str) -> str:
    """HR's recorded correction of an id the ledger holds wrongly (lost zeros, a typo)."""
    return f'cmxl certs correct-id {old} --to {new} --ledger "{ledger}"'


def _zeros_lost_in_ledger(p: PersonResult, holder: Holder, ledger: str) -> Hold:
    return Hold(
        p,
        f"员工编号 {p.employee_id}（{p.name}）与证书台账中的员工编号 {holder.employee_id} {holder.shown}只差开头的 0："
        "台账中的编号可能是按数字填写时丢了 0，同一人不发第二张证书",
        [
            f"如是同一人，核实后更正台账中的编号：{correct_command(holder.employee_id, p.employee_id, ledger)}，然后重新运行",
            f"如不是同一人，请核对 {_where(p)}的员工编号",
        ],
        IDENTITY,
    )


def _lost_zeros(p: PersonResult, holders: list[Holder]) -> Hold | None:
    if not holders:
        return None
    ids = "、".join(h.employee_id for h in holders)
    them = "；".join(f"员工编号 {h.employee_id} {h.shown}" for h in holders)
    return Hold(
        p,
        f"员工编号 {p.employee_id} 是按数字填写的（开头的 0 会丢失），证书台账中有 {them}",
        [
            f"如是同一人，请在 {_where(p)}把员工编号单元格设为文本格式，填写 {ids} 后重新运行",
            f"如确是另一人的编号 {p.employee_id}，也请把该单元格设为文本格式后重新录入，再重新运行",
        ],
        IDENTITY,
    )


def province_of(p: PersonResult) -> str:
    """The 省份 column, else the file's folder in the batch (华东/苏州.xlsx -> 华东), else the
    file name before its first underscore (江苏_2026.xlsx -> 江苏)."""
    return p.province or _province_of_file(p.file)


@functools.lru_cache(maxsize=4096)
def _province_of_file(file: str) -> str:  # a batch's people share a few hundred files at most
    parts = file.replace("\\", "/").split("/")
    if len(parts) > 1:
        return parts[0]
    return parts[0].rsplit(".", 1)[0].split("_")[0]


def certificate_order(schemes: dict[str, Scheme]) -> Callable[[PersonResult], tuple]:
    """The sort key of the roster and of certificate numbers: category (in the order of the
    schemes), grade from the highest down, province, unit, id. The schemes' order is looked up
    once, not once a person."""
    position = {scheme_id: n for n, scheme_id in enumerate(schemes)}
    grades = {scheme_id: scheme.grade_lookup for scheme_id, scheme in schemes.items()}

    def key(p: PersonResult) -> tuple:
        lookup = grades.get(p.scheme_id)
        rank = lookup.get(p.applied, -1) if lookup is not None else -1
        return (position.get(p.scheme_id, len(position)), -rank, province_of(p), p.unit, p.employee_id, p.file)

    return key

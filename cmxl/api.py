"""cmxl from Python: validate, score, bulk, template and compare; the rules shipped and HQ's files
(frameworks, check); the certificate ledger (certificates, confirm_identity, all_certificates,
expiring_certificates, print_certificates); the clerk's open workbook (assess_open, for the Excel
add-in). Each returns plain result objects. This is the only door: the command line (cmxl/cli/)
and the Excel add-in (cmxl/addin/) are edges over these functions; so are scripts:

    import cmxl
    for f in cmxl.score(["workbooks/江苏_2026.xlsx"]):
        print(f.output, len(f.people), [p.total for p in f.people][:3])

A file that cannot be read does not raise: its result carries the problem (`.problem`), so
one bad file of many does not stop the others. Options that cannot work raise `CmxlError`
before any file is read.

Importing this module is light (no pandas, openpyxl, pydantic …): each function imports what it
needs, so `cmxl --help` and the add-in's window start fast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmxl.core.errors import CmxlError
from cmxl.core.layout.names import LEDGER_NAME, REGISTRY_SHEET

if TYPE_CHECKING:  # the heavy modules are imported by the functions that need them (a fast start)
    from cmxl.batch import BulkResult, FileOutcome
    from cmxl.core.engine.assessment import Assessment
    from cmxl.core.engine.results import PersonResult
    from cmxl.core.engine.tally import Tally
    from cmxl.core.grid import WorkbookGrid
    from cmxl.core.issues import Issue
    from cmxl.core.layout.spec import Cell, ReportSpec
    from cmxl.core.model.framework import Framework
    from cmxl.core.model.schemes import Scheme
    from cmxl.core.records import Certificate, FileLog, Holder, IdentityChange
    from cmxl.pipeline import SchemeSpec

_LAZY = {  # name -> module: loaded on first use, so `import cmxl.api` stays light
    "Assessment": "cmxl.core.engine.assessment",
    "ReportSpec": "cmxl.core.layout.spec",
    "BulkResult": "cmxl.batch",
    "FileOutcome": "cmxl.batch",
    "OptionProblem": "cmxl.batch",
    "Issue": "cmxl.core.issues",
    "SEVERITY_ZH": "cmxl.core.issues",
    "Rejected": "cmxl.core.engine.single",
}
__all__ = [
    "DATE_FORMS",
    "LEDGER_NAME",
    "REGISTRY_SHEET",
    "BulkRun",
    "CertificateRecord",
    "Comparison",
    "FileResult",
    "IdentityConfirmed",
    "ModelInfo",
    "all_certificates",
    "assess_open",
    "build_addin",
    "bulk",
    "cell_certification",
    "cell_gap",
    "cell_level",
    "cell_total",
    "certificates",
    "check",
    "check_addin",
    "compare",
    "confirm_identity",
    "date_from_text",
    "expiring_certificates",
    "framework_info",
    "frameworks",
    "install_addin",
    "model_info",
    "person_reports",
    "print_certificates",
    "registry_cell",
    "report",
    "score",
    "template",
    "validate",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cmxl.api' has no attribute {name!r}")


class Unexpected(CmxlError):
    """An error cmxl did not foresee while processing one file; the original is its __cause__."""


@dataclass
class FileResult:
    """One workbook validated or scored."""

    path: Path
    assessment: Assessment | None = None
    output: Path | None = None  # the results workbook written (score only)
    problem: CmxlError | None = None  # why the file could not be processed

    @property
    def ok(self) -> bool:
        """Processed, and no data errors."""
        return self.problem is None and self.assessment is not None and self.assessment.report.valid

    @property
    def people(self) -> list[PersonResult]:
        return self.assessment.people if self.assessment else []

    @property
    def issues(self) -> list[Issue]:
        return self.assessment.report.issues if self.assessment else []

    @property
    def errors(self) -> list[Issue]:
        return self.assessment.report.errors if self.assessment else []

    @property
    def warnings(self) -> list[Issue]:
        return self.assessment.report.warnings if self.assessment else []

    @property
    def counts(self) -> Tally:
        """Applicants, passes, holds and failures, counted as 统计图表 and the roster count them."""
        from cmxl.core.engine.tally import tally

        return tally(self.people)

    def to_json(self) -> list[dict]:
        """One plain dict per person (the `score --json` shape), with the file and the model."""
        if self.assessment is None:
            return []
        fw = self.assessment.framework
        model = {"id": fw.id, "version": fw.version, "hash": fw.content_hash}
        return [{**record, "file": self.path.name, "framework": model} for record in self.assessment.to_json()]


def _each(paths: Iterable[Path | str], work: Callable[[Path], FileResult]) -> list[FileResult]:
    out = []
    for raw in paths:
        path = Path(raw)
        try:
            out.append(work(path))
        except CmxlError as exc:
            out.append(FileResult(path, problem=exc))
        except Exception as exc:  # one bad file does not stop the others
            problem = Unexpected(f"{path}：意外错误：{type(exc).__name__}: {exc}")
            problem.__cause__ = exc
            out.append(FileResult(path, problem=problem))
    return out


def validate(
    paths: Iterable[Path | str],
    *,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
) -> list[FileResult]:
    """Check workbooks: every issue, with its cell and what to do. Writes nothing. `schemes`:
    HQ's own certification scheme files, each replacing the shipped scheme of its id."""
    from cmxl.pipeline import assess_grid, rules

    run, day = rules(framework, schemes), as_of or dt.date.today()

    def one(path: Path) -> FileResult:
        return FileResult(path, assess_grid(_input(path), run, day))

    return _each(paths, one)


def _input(path: Path) -> WorkbookGrid:
    """A workbook to validate or score: not one of cmxl's own results or rosters."""
    from cmxl.pipeline import own_output, read

    grid = read(path)
    why = own_output(grid)
    if why:
        raise CmxlError(f"{path}：{why.removesuffix('，已跳过')}，请给出原始的测评工作簿")
    return grid


def score(
    paths: Iterable[Path | str],
    *,
    output: Path | str | None = None,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
    force: bool = False,
) -> list[FileResult]:
    """Score workbooks and write a results workbook for each (beside it, `<stem>_评分结果.xlsx`,
    or `output` when scoring one file). The inputs are never changed; an earlier results file is
    replaced, any other existing file only with `force`."""
    from cmxl.batch import OptionProblem
    from cmxl.pipeline import producer_of, result_names, rules, score_grid

    files = [Path(p) for p in paths]
    run, day = rules(framework, schemes), as_of or dt.date.today()
    if output is not None and len(files) > 1:
        raise OptionProblem("同时评分多个文件时不能指定 -o，结果会分别写在各文件旁边", "-o")
    names = result_names(files)  # a.xlsx and a.xlsm get two results files
    inputs = {p.resolve() for p in files}

    def one(path: Path) -> FileResult:
        target = Path(output) if output is not None else path.with_name(names[path])
        if target.resolve() == path.resolve():
            raise CmxlError(f"{path}：结果文件不能与输入文件相同，请用 -o 指定另一个文件名")
        if target.resolve() in inputs:
            raise CmxlError(
                f"{path}：结果文件 {target.name} 也是本次要读取的输入文件，未覆盖；请用 -o 指定另一个文件名"
            )
        if not force and target.is_file() and producer_of(target) != "results":
            raise CmxlError(
                f"{target} 已存在且不是 cmxl 的评分结果，未覆盖；如要覆盖请加 --force，或用 -o 指定其他文件名"
            )
        scored = score_grid(_input(path), path, target, run, day)
        return FileResult(path, scored.assessment, scored.output)

    return _each(files, one)


def report(
    paths: Iterable[Path | str],
    *,
    output: Path | str | None = None,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
    pdf: bool = False,
) -> list[FileResult]:
    """A report per person (个人能力测评报告) for each workbook: `<stem>_个人报告.docx`, one page a
    person, beside it or in the folder `output`; with `pdf`, also the PDF (needs LibreOffice).
    `FileResult.output` is the .docx."""
    from cmxl.pipeline import assess_grid, report_path, rules, write_reports

    run, day = rules(framework, schemes), as_of or dt.date.today()
    folder = Path(output) if output is not None else None

    def one(path: Path) -> FileResult:
        a = assess_grid(_input(path), run, day)
        written = write_reports(a, path, report_path(path, folder), pdf)
        return FileResult(path, a, written[0])

    return _each(paths, one)


@dataclass
class BulkRun:
    """A bulk run as `bulk` returns it: what the run did (`result`, cmxl.batch.BulkResult) and
    the options it ran with, defaults filled in (the batch's name, the output folder, the ledger).
    Reads as the BulkResult too: `run.roster`, `run.logs`, `run.passed` …"""

    result: BulkResult
    batch: str
    output: Path
    ledger: Path

    @property
    def failed(self) -> list[FileLog]:
        """The files that could not be processed."""
        from cmxl.core.records import FILE_FAILED

        return [g for g in self.result.logs if g.status == FILE_FAILED]

    @property
    def with_errors(self) -> list[FileLog]:
        """The files processed whose data has errors (those people are not fully scored)."""
        return [g for g in self.result.logs if g.errors]

    def __getattr__(self, name: str) -> Any:
        if name == "result":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.result, name)


def bulk(
    folder: Path | str,
    *,
    issue_date: dt.date | None = None,
    output: Path | str | None = None,
    ledger: Path | str | None = None,
    batch: str | None = None,
    framework: str | None = None,
    schemes: Sequence[str | Path] = (),
    jobs: int = 0,
    within_days: int = 90,
    reports: bool = False,
    on_file: Callable[[FileOutcome, int], None] | None = None,
    on_stopping: Callable[[], None] | None = None,
) -> BulkRun:
    """A folder of regional workbooks: a results workbook per file, the roster (认证名单), the
    certificate ledger updated in one transaction, and run.json. Raises OptionProblem for options
    that cannot work (before any file is read), `cmxl.errors.Interrupted` on Ctrl-C, CmxlError
    when nothing can be done."""
    from cmxl.batch import make_options, run_bulk

    opts = make_options(
        Path(folder),
        issue_date=issue_date or dt.date.today(),
        output=Path(output) if output is not None else None,
        ledger=Path(ledger) if ledger is not None else None,
        batch=batch,
        framework=framework,
        schemes=[str(s) for s in schemes],
        jobs=jobs,
        within_days=within_days,
        reports=reports,
    )
    return BulkRun(run_bulk(opts, on_file, on_stopping), opts.batch, opts.output, opts.ledger)


def template(framework: str | Framework | None = None, output: Path | str | None = None, force: bool = False) -> Path:
    """Write the blank assessment template of a model (default 测评模板_<id>.xlsx here)."""
    from cmxl.core.layout.template import build_template
    from cmxl.pipeline import rules
    from cmxl.xlsx.render import render

    run = rules(framework)
    target = Path(output) if output is not None else Path(f"测评模板_{run.framework.id}.xlsx")
    if target.exists() and not force:
        raise CmxlError(f"{target} 已存在；如要覆盖请加 --force，或用 -o 指定其他文件名")
    cat = run.catalogue
    render(build_template(run.framework, cat.schemes, cat.workbook_format), target)
    return target


@dataclass
class Comparison:
    """Two versions of the rules and one workbook scored under both: a model (`kind` framework)
    or a certification scheme (`kind` scheme)."""

    kind: str
    old: Framework | Scheme
    new: Framework | Scheme
    rule_changes: list[str]  # in Chinese, "what: before → after"
    people: list[dict] = field(default_factory=list)  # whose total, level, attainment or certification changes
    size: int = 0  # people in the workbook


def compare(
    path: Path | str,
    new: str | Framework | Scheme,
    old: str | Framework | Scheme | None = None,
    as_of: dt.date | None = None,
    *,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
) -> Comparison:
    """What changed between two versions of a model or of a certification scheme, and whose
    results change when `path` is re-scored. `new` (and `old`) are ids or HQ's files; a scheme is
    compared with the scheme of its id in force (shipped, or one of `schemes`), under `framework`."""
    from cmxl.core.engine.compare import framework_changes, result_changes, scheme_changes
    from cmxl.core.model.schemes import Scheme
    from cmxl.pipeline import assess_grid, read_and_assess, rules

    cat = rules(framework, schemes).catalogue
    after = cat.model(new) if isinstance(new, str) else new
    day = as_of or dt.date.today()
    if isinstance(after, Scheme):
        before_scheme = cat.scheme(old) if old is not None else cat.schemes.get(after.id)
        if before_scheme is None:
            raise CmxlError(f"没有编号为“{after.id}”的认证方案可以比较；请用 --old 指定原方案文件")
        before_rules = rules(framework, [*schemes, before_scheme])
        after_rules = rules(framework, [*schemes, after])
        changes = scheme_changes(before_scheme, after)
        kind, old_model = "scheme", before_scheme
    else:
        before_rules, after_rules = rules(old, schemes), rules(after, schemes)  # type: ignore[arg-type]
        changes = framework_changes(before_rules.framework, after_rules.framework)
        kind, old_model = "framework", before_rules.framework
    grid, before = read_and_assess(Path(path), before_rules, day)  # read once, scored under both
    after_assessed = assess_grid(grid, after_rules, day)
    return Comparison(kind, old_model, after, changes, result_changes(before, after_assessed), before.size)


DATE_FORMS = "2026-12-01、2026/12/01、2026.12.1 或 2026年12月1日"  # how a date may be written


def date_from_text(text: str) -> dt.date:
    """A date as a clerk writes it (2026-12-01, 2026/12/01, 2026.12.1, 2026年12月1日, full-width
    digits too): the forms and the years a date cell of a workbook may have. CmxlError if not."""
    import re
    import unicodedata

    from cmxl.core.engine.intake import DATE_RANGE, parse_date

    day = parse_date(text)
    if day is not None:
        return day
    first, last = DATE_RANGE[0].year, DATE_RANGE[1].year
    year = re.match(r"\s*(\d{4})\D", unicodedata.normalize("NFKC", text))
    if year and not first <= int(year[1]) <= last:
        raise CmxlError(f"{text.strip()} 不在 {first}–{last} 年之间，请检查年份")
    raise CmxlError(f"“{text}”不是日期，请写成 {DATE_FORMS}")


# ---- the rules shipped and HQ's files -----------------------------------------------------------
FRAMEWORK_KIND, SCHEME_KIND = "能力模型", "认证方案"


@dataclass
class ModelInfo:
    """A competency model (能力模型) or a certification scheme (认证方案), as listed and checked.
    `items`: the model's competencies, or the scheme's grades."""

    kind: str
    id: str
    name: str
    version: str
    effective_date: str
    items: int
    hash: str
    checked_against: str | None = None  # a scheme checked by `check`: the model its levels were checked against

    @property
    def is_framework(self) -> bool:
        return self.kind == FRAMEWORK_KIND

    @classmethod
    def of(cls, model: Framework | Scheme) -> ModelInfo:
        from cmxl.core.model.framework import Framework

        if isinstance(model, Framework):
            f = model.framework
            return cls(FRAMEWORK_KIND, model.id, f.name, model.version, f.effective_date.isoformat(),
                       len(model.competencies), model.content_hash)  # fmt: skip
        s = model.scheme
        return cls(SCHEME_KIND, model.id, s.name, s.version, s.effective_date.isoformat(),
                   len(model.grades), model.content_hash)  # fmt: skip


def frameworks() -> list[ModelInfo]:
    """The models shipped, then the certification schemes shipped."""
    from cmxl.core.model.loading import catalogue

    cat = catalogue()
    return [ModelInfo.of(f) for f in cat.frameworks.values()] + [ModelInfo.of(s) for s in cat.schemes.values()]


def framework_info(spec: str | None = None) -> ModelInfo:
    """The competency model by id or HQ's file; None: the one used when none is asked for."""
    from cmxl.core.model.loading import catalogue

    return ModelInfo.of(catalogue().framework(spec))


def model_info(spec: str) -> ModelInfo:
    """A model or scheme by id, or HQ's file of either kind, checked (CmxlError when it cannot be used)."""
    from cmxl.core.model.loading import catalogue

    return ModelInfo.of(catalogue().model(spec))


def check(path: Path | str, framework: str | None = None) -> ModelInfo:
    """HQ's model or scheme file checked whole; a scheme also against the model it is used with
    (`framework`, default the default model). Raises `cmxl.errors.FrameworkInvalid` listing every
    problem (`.issues`, and `.source`: the file at fault, which may be HQ's `framework` file)."""
    from cmxl.core.model.loading import catalogue, load_file

    fw = catalogue().framework(framework)
    found = ModelInfo.of(load_file(Path(path), fw))
    if not found.is_framework:
        found.checked_against = fw.id
    return found


# ---- the open workbook of the Excel add-in -------------------------------------------------------
def assess_open(
    grid: WorkbookGrid,
    source: str,
    *,
    framework: str | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
    issues_only: bool = False,
) -> tuple[Assessment, ReportSpec]:
    """The clerk's open workbook (read into `grid` by cmxl.excel.read) assessed, and the sheets to
    write into it: the results, or only 校验问题 (`issues_only`)."""
    from cmxl.pipeline import assess_grid, in_workbook_spec, rules

    a = assess_grid(grid, rules(framework, schemes), as_of or dt.date.today())
    return a, in_workbook_spec(a, source, issues_only)


def person_reports(a: Assessment, source: str, target: Path) -> Path:
    """The person reports (one page each) of an assessment, as a Word document at `target`."""
    from cmxl.pipeline import write_reports

    return write_reports(a, Path(source), target)[0]


def registry_cell(value: object) -> Cell:
    """A cell of the add-in's record sheet (REGISTRY_SHEET): its text is written as text."""
    from cmxl.core.layout.spec import Cell

    return Cell(value)


# ---- the certificate ledger ---------------------------------------------------------------------
@dataclass
class CertificateRecord:
    """What the ledger holds under a certificate number or an 员工编号: the certificates, who
    holds the id now, and every recorded change of that (oldest first)."""

    key: str
    certificates: list[Certificate]
    holders: list[Holder]
    history: list[IdentityChange]


def _existing_ledger(ledger: Path | str) -> Path:
    path = Path(ledger)
    if not path.exists():
        raise CmxlError(f"找不到证书台账 {path}（用 --ledger 指定；批量处理时默认建在输出文件夹的上一级）")
    return path


def certificates(key: str, *, ledger: Path | str) -> CertificateRecord:
    """A certificate (by its number) or a person's certificates (by 员工编号), with who holds the
    id and the recorded changes. The ledger is only read."""
    from cmxl.core.ids import normalise_id
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        found = db.find(key)
        ids = list(dict.fromkeys(c.employee_id for c in found)) or [normalise_id(key)]
        holders = [h for pid in ids if (h := db.holder(pid)) is not None]
        history = [change for pid in ids for change in db.history(pid)]
    return CertificateRecord(normalise_id(key), found, holders, history)


def all_certificates(*, ledger: Path | str) -> list[Certificate]:
    """Every certificate in the ledger (only read)."""
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        return db.all()


def expiring_certificates(*, ledger: Path | str, as_of: dt.date, within_days: int) -> list[Certificate]:
    """The certificates that expire within `within_days` of `as_of`, or have expired and were not renewed."""
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        return db.expiring(as_of, within_days)


def print_certificates(
    output: Path | str, *, ledger: Path | str, batch: str | None = None, template: Path | str | None = None
) -> list[Certificate]:
    """The certificates of a batch (default: all of them) printed from the Word `template` (default
    the built-in one) into `output`, one per page; the certificates printed."""
    from cmxl.docx.certificates import print_certificates as write
    from cmxl.ledger import Ledger

    with Ledger(_existing_ledger(ledger), read_only=True) as db:
        certs = db.of_batch(batch)
    write(certs, Path(template) if template is not None else None, Path(output))
    return certs


@dataclass
class IdentityConfirmed:
    """HR's confirmation recorded: the holder before, and the change (None: the ledger already
    said so, nothing was recorded)."""

    before: Holder
    change: IdentityChange | None
    ledger: Path


def confirm_identity(
    employee_id: str,
    name: str,
    *,
    ledger: Path | str,
    unit: str | None = None,
    by: str | None = None,
    note: str = "",
) -> IdentityConfirmed:
    """HR confirms that `name` is the person the ledger holds `employee_id` for (the same person,
    the name changed or was recorded wrong): the ledger's holder becomes `name` (and `unit`, when
    given), the old identity stays in its log with who (`by`, default the computer's login
    name), when and why (`note`). A later bulk run then issues or reuses that id's certificates
    for `name`. When the person is someone else, nothing is recorded here: the id is corrected
    in the workbook instead."""
    from cmxl.ledger import Ledger

    who = (by or "").strip() or _login_name()
    path = _existing_ledger(ledger)
    with Ledger(path) as db:
        before, change = db.confirm(employee_id, name, unit=unit, by=who, note=note.strip())
    return IdentityConfirmed(before, change, path)


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in this environment
        return "（未注明）"


# ---- the Excel add-in, built and installed ------------------------------------------------------
def _addin_settings(interpreter: str | None) -> Any:
    from cmxl.addin.package import Settings, this_interpreter

    return this_interpreter() if interpreter is None else Settings.for_interpreter(interpreter)


def build_addin(output: Path | str, *, interpreter: str | None = None, native: bool = False) -> Path:
    """The add-in cmxl.xlam written to `output` (not installed), calling `interpreter` (default: this Python)."""
    from cmxl.addin.package import build

    return build(Path(output), _addin_settings(interpreter), native)


def install_addin(
    folder: Path | str | None = None, *, interpreter: str | None = None, native: bool = False, functions: bool = False
) -> Path:
    """The add-in built and installed (default: Excel's XLSTART folder); with `functions`, the
    worksheet functions too (needs Excel on Windows)."""
    from cmxl.addin.package import install

    return install(Path(folder) if folder is not None else None, _addin_settings(interpreter), native, functions)


def check_addin() -> tuple[list[Any], bool]:
    """The add-in's self-test: each finding (`.line()` says it and what to do), and whether any is a problem."""
    from cmxl.addin.check import report

    return report()


# ---- one person's rules on a few cells (the add-in's worksheet functions CMXL_LEVEL …) ----------
# A value the rules reject raises `Rejected` (a ValueError whose text is the Chinese reason).
def cell_level(score: object, framework: object = None) -> str:
    """The level of one competency score (or a level name), as scoring a workbook gives it."""
    from cmxl.core.engine import single

    return single.level(score, framework)


def cell_total(scores: object, framework: object = None) -> float:
    """The weighted total of one person's competency scores, in the model's item order."""
    from cmxl.core.engine import single

    return single.total(scores, framework)


def cell_gap(assessed: object, grade: object, item: object, framework: object = None) -> int:
    """Levels above (+) or below (−) the standard level of `item` for the post grade `grade`."""
    from cmxl.core.engine import single

    return single.gap(assessed, grade, item, framework)


def cell_certification(facts: dict[str, object], framework: object = None) -> str:
    """One applicant's certification result from the facts of a workbook row (by column name)."""
    from cmxl.core.engine import single

    return single.certification(facts, framework)

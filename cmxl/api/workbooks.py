"""Workbooks: validate, score, report, bulk, template and compare (each file read, assessed and
written through cmxl.pipeline; the heavy modules are imported inside the functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmxl.core.errors import CmxlError, Unexpected

if TYPE_CHECKING:
    from cmxl.batch import BulkResult, FileOutcome
    from cmxl.core.engine.assessment import Assessment
    from cmxl.core.engine.results import PersonResult
    from cmxl.core.engine.tally import Tally
    from cmxl.core.grid import WorkbookGrid
    from cmxl.core.issues import Issue
    from cmxl.core.model.framework import Framework
    from cmxl.core.model.schemes import Scheme
    from cmxl.core.records import FileLog
    from cmxl.pipeline import History, SchemeSpec


@dataclass
class FileResult:
    """One workbook validated or scored."""

    path: Path
    assessment: Assessment | None = None
    output: Path | None = None  # the results workbook written (score only)
    problem: CmxlError | None = None  # why the file could not be processed

    @property
    def ok(self) -> bool:
        """Processed, no data errors, and nobody's certificate waiting (an id to check): exit 0."""
        if self.problem is not None or self.assessment is None or not self.assessment.report.valid:
            return False
        return self.counts.held == 0

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


def _history(ledger: Path | str | None, cycle: str | None) -> History | None:
    """Where each person's previous cycle is looked up (docs/rules.md, 历次测评): the ledger, which
    must exist (a path mistyped would show nobody's change), only read; None without a ledger."""
    from cmxl.errors import OptionProblem

    if cycle is not None:
        from cmxl.core.engine.history import cycle_problem

        if why := cycle_problem(cycle):
            raise OptionProblem(why, "--cycle")
    if ledger is None:
        if cycle is not None:
            raise OptionProblem("测评周期只在给出证书台账（--ledger）时有用：与台账中的往期测评比较", "--cycle")
        return None
    from cmxl.api.ledger import _existing_ledger
    from cmxl.pipeline import History

    return History(_existing_ledger(ledger), cycle)


def score(
    paths: Iterable[Path | str],
    *,
    output: Path | str | None = None,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
    force: bool = False,
    ledger: Path | str | None = None,
    cycle: str | None = None,
) -> list[FileResult]:
    """Score workbooks and write a results workbook for each (beside it, `<stem>_评分结果.xlsx`,
    or `output` when scoring one file). The inputs are never changed; an earlier results file is
    replaced, any other existing file only with `force`. With `ledger`, each person's change since
    their previous cycle there is shown (汇总, 历次对比 …); `cycle` is this one (default: the year of
    `as_of`). The ledger is only read: `bulk` records a cycle."""
    from cmxl.errors import OptionProblem
    from cmxl.pipeline import producer_of, result_names, rules, score_grid

    files = [Path(p) for p in paths]
    run, day = rules(framework, schemes), as_of or dt.date.today()
    history = _history(ledger, cycle)
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
        scored = score_grid(_input(path), path, target, run, day, history)
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
    progress: Callable[[Path, int, int], None] | None = None,
    jobs: int | None = None,
    ledger: Path | str | None = None,
    cycle: str | None = None,
) -> list[FileResult]:
    """A report per person (个人能力测评报告) for each workbook: `<stem>_个人报告.docx`, one page a
    person, beside it or in the folder `output`; with `pdf`, also the PDF (needs LibreOffice).
    `FileResult.output` is the .docx. `as_of` defaults to today, as for `score` (`bulk` uses its
    issue date). `progress(workbook, done, total)` is called once per person as their page is
    written; `jobs`: processes drawing the pages (default: as many as pay, up to one per core).
    With `ledger` (and `cycle`, as for `score`), a page shows the person's previous cycle."""
    from cmxl.pipeline import assess_grid, report_path, rules, with_history, write_reports

    run, day = rules(framework, schemes), as_of or dt.date.today()
    folder = Path(output) if output is not None else None
    history = _history(ledger, cycle)

    def one(path: Path) -> FileResult:
        a = with_history(assess_grid(_input(path), run, day), history)
        each = (lambda done, total: progress(path, done, total)) if progress else None
        written = write_reports(a, path, report_path(path, folder), pdf, each, jobs)
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
    cycle: str | None = None,
    on_file: Callable[[FileOutcome, int], None] | None = None,
    on_stopping: Callable[[], None] | None = None,
) -> BulkRun:
    """A folder of regional workbooks: a results workbook per file, the roster (认证名单), the
    certificate ledger updated in one transaction, every scored person recorded in it for `cycle`
    (default: the year of `issue_date`; run again, the cycle's records are replaced), each file's
    outputs showing the change since the previous cycle, and run.json. Raises OptionProblem for options
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
        cycle=cycle,
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
    ledger: Path | str | None = None,
    cycle: str | None = None,
) -> Comparison:
    """What changed between two versions of a model or of a certification scheme, and whose
    results change when `path` is re-scored. `new` (and `old`) are ids or HQ's files; a scheme is
    compared with the scheme of its id in force (shipped, or one of `schemes`), under `framework`.
    With `ledger` (and `cycle`, as for `score`), each person listed has `change`: their change
    since the previous cycle under the new rules (items matched by name; the others not comparable)."""
    from cmxl.core.engine.compare import framework_changes, result_changes, scheme_changes
    from cmxl.core.model.schemes import Scheme
    from cmxl.pipeline import assess_grid, read_and_assess, rules, with_history

    history = _history(ledger, cycle)
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
    before = with_history(before, history)  # held for their id under both rules alike
    after_assessed = with_history(assess_grid(grid, after_rules, day), history)
    people = result_changes(before, after_assessed)
    if history is not None:
        by_row = {p.row: p for p in after_assessed.people}
        for c in people:
            change = by_row[c["row"]].change
            c["change"] = change.to_json() if change is not None else None
    return Comparison(kind, old_model, after, changes, people, before.size)

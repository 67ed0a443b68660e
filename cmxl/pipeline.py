"""The one pipeline: a workbook read into a grid, assessed, laid out as results and rendered.

The CLI, the bulk worker and the Excel add-in all run a workbook through these functions; they
differ only at their edge (printing, the process pool, the open workbook)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cmxl.core.engine.assessment import Assessment, assess
from cmxl.core.errors import CmxlError, FrameworkInvalid
from cmxl.core.grid import WorkbookGrid
from cmxl.core.layout.names import RESULT_SUFFIX
from cmxl.core.layout.results import build_in_workbook, build_results
from cmxl.core.layout.spec import ReportSpec
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import Catalogue, builtin_misfits, catalogue, default_scheme_known
from cmxl.core.model.schemes import Scheme
from cmxl.version import __version__
from cmxl.xlsx.read import producer, read_workbook
from cmxl.xlsx.render import render

if TYPE_CHECKING:
    from cmxl.ledger import Ledger


@dataclass(frozen=True)
class Rules:
    """The rules of one run: the competency model and the certification schemes in force."""

    catalogue: Catalogue
    framework: Framework


SchemeSpec = str | Path | Scheme


def rules(framework: str | Framework | None = None, schemes: Sequence[SchemeSpec] = ()) -> Rules:
    """The shipped catalogue with the framework asked for (an id, HQ's file, or one already
    loaded) and HQ's own scheme files in place of the shipped schemes of their ids. A file is
    parsed and checked once per process (cmxl.core.model.loading.load_file)."""
    cat = catalogue()
    fw = framework if isinstance(framework, Framework) else cat.framework(framework)
    given = [cat.scheme(s, fw) for s in schemes]  # each of HQ's fits the framework
    _one_file_a_scheme(given)
    run = cat.with_schemes(given)
    misfits = builtin_misfits(fw, [s for s in run.schemes.values() if s not in given], cat.files)
    if misfits:  # a built-in scheme names levels this framework does not have: not used another way
        raise FrameworkInvalid(fw.source or fw.id, misfits)
    default = default_scheme_known(fw, run.schemes)
    if default:
        raise FrameworkInvalid(fw.source or fw.id, default)
    return Rules(run, fw)


def _one_file_a_scheme(given: list[Scheme]) -> None:
    """Two --scheme files of one id: which one would apply is a matter of their order. Refused."""
    seen: dict[str, Scheme] = {}
    for scheme in given:
        first = seen.setdefault(scheme.id, scheme)
        if first is not scheme and first.content_hash != scheme.content_hash:
            raise CmxlError(
                f"两个 --scheme 文件都是编号为 {scheme.id} 的认证方案（{first.source or first.id} 版本 {first.version}，"
                f"{scheme.source or scheme.id} 版本 {scheme.version}）：同一认证方案一次只能用一个文件，请只给出要用的那个"
            )


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def assess_grid(grid: WorkbookGrid, run: Rules, as_of: dt.date) -> Assessment:
    return assess(grid, run.framework, run.catalogue, as_of)


def results_spec(a: Assessment, grid: WorkbookGrid, source: str) -> ReportSpec:
    return build_results(a, grid, source=source, sha256=grid.sha256, tool_version=__version__, created=now())


def in_workbook_spec(a: Assessment, source: str, issues_only: bool) -> ReportSpec:
    """The results as written into the clerk's open workbook (or only 校验问题, to validate)."""
    return build_in_workbook(a, source=source, tool_version=__version__, created=now(), issues_only=issues_only)


MAX_NAME_BYTES = 200  # a file name may have 255 bytes on most disks; room for a temp name's extra


def fitted(stem: str, ending: str) -> str:
    """`stem + ending`, or, when that is too long a file name for the disk (a long Chinese name is
    three bytes a character), the stem shortened, marked with … and a short code of the whole
    stem (so two long names that begin alike stay two files)."""
    if len((stem + ending).encode("utf-8")) <= MAX_NAME_BYTES:
        return stem + ending
    code = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    room = MAX_NAME_BYTES - len(f"…{code}{ending}".encode())
    short = stem.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    return f"{short}…{code}{ending}"


def result_name(path: Path, clash: bool = False) -> str:
    """The results file's name for input `path`: <stem>_评分结果.xlsx, or with the input's extension
    in it (a_xlsm_评分结果.xlsx) when another input beside it has the same stem."""
    stem = f"{path.stem}_{path.suffix.lstrip('.').lower()}" if clash else path.stem
    return fitted(stem, RESULT_SUFFIX + ".xlsx")


def result_names(paths: list[Path]) -> dict[Path, str]:
    """Results file names that never collide: a.xlsx and a.xlsm in one folder get two."""
    stems: dict[tuple[Path, str], int] = {}
    for path in paths:
        key = (path.parent, path.stem.casefold())
        stems[key] = stems.get(key, 0) + 1
    return {path: result_name(path, stems[(path.parent, path.stem.casefold())] > 1) for path in paths}


def own_output(grid: WorkbookGrid) -> str:
    """Why a workbook is not an input but one of cmxl's own outputs ('' when it is an input)."""
    what = {"results": "cmxl 生成的评分结果", "roster": "cmxl 生成的认证名单"}.get(grid.producer)
    return f"这是{what}（不是地市测评工作簿），已跳过" if what else ""


@dataclass
class Scored:
    grid: WorkbookGrid
    assessment: Assessment
    output: Path


def read(path: Path) -> WorkbookGrid:
    """A workbook file as a cell grid (read once: its hash and what cmxl made it as, if anything)."""
    return read_workbook(path)


def producer_of(path: Path) -> str:
    """What cmxl made an existing file as ('' for a file cmxl did not write, or cannot read)."""
    try:
        return producer(path.read_bytes())
    except OSError:
        return ""


def read_and_assess(path: Path, run: Rules, as_of: dt.date) -> tuple[WorkbookGrid, Assessment]:
    grid = read_workbook(path)  # the file is read once, its hash included
    return grid, assess_grid(grid, run, as_of)


def score_grid(
    grid: WorkbookGrid, path: Path, target: Path, run: Rules, as_of: dt.date, history: History | None = None
) -> Scored:
    # no collection at the end: it would walk the assessment returned (0.05 s at 10k people)
    with gc_paused(collect=False):
        return write_results(with_history(assess_grid(grid, run, as_of), history), grid, path, target)


def write_results(a: Assessment, grid: WorkbookGrid, path: Path, target: Path) -> Scored:
    target.parent.mkdir(parents=True, exist_ok=True)
    with gc_paused():
        render(results_spec(a, grid, path.name), target)
    return Scored(grid, a, target)


@contextlib.contextmanager
def gc_paused(collect: bool = True) -> Iterator[None]:
    """Python's cyclic garbage collector paused while a workbook is assessed, laid out and
    written: those steps make millions of small objects that live until the file is written, and
    the collector walked them again and again (about a third of the time). Reference counting
    still frees what is dropped; one collection runs at the end, unless `collect` is False (the
    work's own objects are still in use after it, so a collection would walk them for nothing;
    the collector, resumed, takes any cycles later)."""
    if not gc.isenabled():  # nested: the outer one resumes it
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if collect:
            gc.collect()


def hold_for_identity(people: list, ledger: Path) -> None:
    """Mark as held, in the outputs of one workbook, the people whose id the ledger holds for
    someone else (the batch's roster judges it again, with every file): so that a file's results
    and reports never read 通过 for a person the roster holds. The ledger is only read; none yet,
    nothing to hold."""
    from cmxl.core.engine.issuance import identity_holds, settle
    from cmxl.ledger import Ledger

    if not ledger.exists():
        return
    issuance = settle(people)
    with Ledger(ledger, read_only=True) as db:
        checked = [*issuance.passed, *(h.person for h in issuance.held)]
        identity_holds(issuance, db.identities(checked), str(ledger))


@dataclass(frozen=True)
class History:
    """Where each person's previous cycle is looked up: the ledger (only read; none yet, no
    earlier cycle), and the cycle this assessment is (None: the year of its date)."""

    ledger: Path
    cycle: str | None = None


def with_history(a: Assessment, history: History | None) -> Assessment:
    """`a` with each person's change since their previous cycle in the ledger on their result
    record (docs/rules.md, 历次测评), and the people whose id the ledger holds for someone else
    marked held (as the batch would hold them: so that no output with the ledger reads 通过 for
    them), for every output to show; unchanged without `history`."""
    if history is None:
        return a
    hold_for_identity(a.people, history.ledger)
    from cmxl.core.engine.history import attach_changes, current_records, default_cycle
    from cmxl.history import previous
    from cmxl.ledger import Ledger

    current = current_records(a.people, a.framework, history.cycle or default_cycle(a.as_of), a.as_of)
    earlier = {}
    if history.ledger.exists():
        with Ledger(history.ledger, read_only=True) as db:
            earlier = _confirmed(db, current, previous(db, current))
    attach_changes(a.people, a.framework, current, earlier)
    return a


def _confirmed(db: Ledger, current: list, earlier: dict) -> dict:
    """The earlier records, a name HR has confirmed as this person's (cmxl certs confirm: the old
    name → the new) read as the new name: one person, compared, no 姓名不符."""
    from dataclasses import replace

    from cmxl.core.ids import same_name
    from cmxl.core.ledger_records import CONFIRM

    now_named = {r.employee_id: r.name for r in current}
    for pid, prev in list(earlier.items()):
        name = now_named.get(pid, prev.name)
        if same_name(prev.name, name):
            continue
        confirmed = any(
            c.action == CONFIRM and same_name(c.before_name, prev.name) and same_name(c.after_name, name)
            for c in db.history(pid)
        )
        if confirmed:
            earlier[pid] = replace(prev, name=name)
    return earlier


REPORT_SUFFIX = "_个人报告"


def report_path(path: Path, folder: Path | None = None) -> Path:
    return (folder or path.parent) / fitted(path.stem, f"{REPORT_SUFFIX}.docx")


def write_reports(
    a: Assessment,
    path: Path,
    target: Path,
    pdf: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = 1,
) -> list[Path]:
    """The Word report of every person of `a` (one page each), and its PDF when asked.
    `progress(done, total)` once per person; `jobs`: processes drawing the pages (None: as many as
    pay; 1, the default: in this process — a bulk worker is already one of several)."""
    from cmxl.core.layout.person_report import person_pages
    from cmxl.docx.render import to_pdf, write_docx

    target.parent.mkdir(parents=True, exist_ok=True)
    with gc_paused():
        write_docx(person_pages(a, path.name), target, f"{path.name} 个人能力测评报告", progress, jobs)
    return [target, to_pdf(target)] if pdf else [target]

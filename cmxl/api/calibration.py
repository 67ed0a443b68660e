"""Calibration (docs/rules.md, 校准调整; DOMAIN §8): a batch's 校准分析 for the meeting, the
adjustments the meeting decided applied (the item scores moved, then scored by the one engine),
recorded in the ledger and shown 校准前 / 校准后; and the blank adjustments file. The input
workbooks and the earlier results are never written; certification is never changed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cmxl.core.errors import CmxlError

if TYPE_CHECKING:
    from cmxl.core.engine.adjustments import Adjustment, PersonChange
    from cmxl.core.engine.assessment import Assessment
    from cmxl.core.engine.results import PersonResult
    from cmxl.core.grid import WorkbookGrid
    from cmxl.core.issues import Issue
    from cmxl.core.model.framework import Framework
    from cmxl.pipeline import Rules, SchemeSpec

CALIBRATED = "校准结果"  # 校准结果_<批次>.xlsx: before and after
ANALYSIS = "校准分析"  # 校准分析_<批次>.xlsx: a run without an adjustments file


@dataclass
class Calibration:
    """What `calibrate` did: the batch's people before and after (the same when nothing was
    adjusted), the adjustments applied, each person they reached, the workbook written and,
    when something was adjusted, the ledger it was recorded in."""

    batch: str
    files: list[Path]
    before: list[PersonResult]
    after: list[PersonResult]
    adjustments: list[Adjustment] = field(default_factory=list)
    changes: list[PersonChange] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)  # of the adjustments file (a 0 that changes nothing)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # workbooks not read (why): not in the batch
    output: Path | None = None
    ledger: Path | None = None  # None: nothing recorded (nothing adjusted)
    run_id: str = ""

    @property
    def changed(self) -> list[PersonChange]:
        """The people whose scores changed (an adjustment of an item not rated changes nothing)."""
        return [c for c in self.changes if c.changed]


@dataclass
class _Batch:
    source: Path
    name: str
    files: list[Path]
    grids: list[WorkbookGrid]
    assessments: list[Assessment]
    output: Path  # the folder the calibration's workbook goes in
    as_of: dt.date
    skipped: list[tuple[Path, str]]  # workbooks that could not be read, and why

    @property
    def people(self) -> list[PersonResult]:
        return [p for a in self.assessments for p in a.people]


def _batch(source: Path, run: Rules, day: dt.date, batch: str | None, output: Path | None) -> _Batch:
    """The batch's workbooks read and assessed: a bulk folder's workbooks (cmxl's own outputs
    skipped), or one workbook."""
    from cmxl.batch.discover import discover
    from cmxl.batch.names import shown
    from cmxl.batch.options import check_batch_name, default_output
    from cmxl.pipeline import assess_grid, read

    if source.is_dir():
        folder = output or default_output(source)
        inside = source.resolve() in folder.resolve().parents  # the output folder within the batch: not read
        files = discover(source, skip=folder if inside else None)[0]
    elif source.is_file():
        files, folder = [source], output or source.parent
    else:
        raise CmxlError(f"{source} 不存在：请给出批次文件夹或测评工作簿")
    name = batch if batch is not None else shown(source.resolve().name if source.is_dir() else source.stem)
    check_batch_name(name, default=batch is None)
    grids, skipped = [], []
    for path in files:
        try:
            grid = read(path)
        except CmxlError as exc:  # a file a bulk run could not process either: said, and left out
            if not source.is_dir():
                raise
            skipped.append((path, exc.message))
            continue
        if not grid.producer:  # results, rosters: not inputs
            grids.append((path, grid))
    if not grids:
        raise CmxlError(f"{source} 中没有测评工作簿，无法校准")
    assessed = [assess_grid(grid, run, day) for _, grid in grids]
    paths = [path for path, _ in grids]
    return _Batch(source, name, paths, [grid for _, grid in grids], assessed, folder, day, skipped)


def _target(folder: Path, stem: str, inputs: Sequence[Path], force: bool) -> Path:
    from cmxl.pipeline import fitted, producer_of

    target = folder / fitted(stem, ".xlsx")
    if target.resolve() in {p.resolve() for p in inputs}:
        raise CmxlError(f"{target} 是本批次的测评工作簿，不能覆盖；请用 -o 指定其他文件夹")
    if not force and target.is_file() and producer_of(target) != "calibration":
        raise CmxlError(f"{target} 已存在且不是 cmxl 的校准结果，未覆盖；如要覆盖请加 --force，或用 -o 指定其他文件夹")
    return target


def _info(b: _Batch, fw: Framework, run_id: str, extra: list[tuple[str, object]]) -> list[tuple[str, object]]:
    from cmxl.pipeline import now
    from cmxl.version import __version__

    return [
        ("批次", b.name),
        ("测评工作簿", "\n".join(p.name for p in b.files)),
        ("人数", len(b.people)),
        *([("未能读取（不在本次校准中）", "\n".join(f"{p.name}：{why}" for p, why in b.skipped))] if b.skipped else []),
        ("模型", f"{fw.framework.name}（{fw.id} 版本 {fw.version}）"),
        *extra,
        ("运行编号", run_id),
        ("生成时间", now()),
        ("cmxl 版本", __version__),
    ]


def calibrate(
    source: Path | str,
    adjustments: Path | str | None = None,
    *,
    output: Path | str | None = None,
    ledger: Path | str | None = None,
    batch: str | None = None,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
    as_of: dt.date | None = None,
    force: bool = False,
) -> Calibration:
    """Calibrate a batch (a folder of workbooks, as `bulk` takes it, or one workbook). Without
    `adjustments`, nothing changes: the 校准分析 is written (校准分析_<批次>.xlsx) for the meeting.
    With the adjustments file the meeting filled in (see `calibration_template`), each decision
    moves the item scores of the people it names; they are scored again by the same rules, every
    change is recorded in `ledger` (default: as `bulk` keeps it), and 校准结果_<批次>.xlsx shows
    校准前 and 校准后. The output goes to `output` (a folder; default: the batch's output folder,
    or beside a single workbook). Raises AdjustmentsInvalid (every problem, each with its cell)
    before anything is written or recorded."""
    from cmxl.core.layout.calibrated import analysis_only
    from cmxl.pipeline import rules
    from cmxl.xlsx.render import render

    run = rules(framework, schemes)
    fw = run.framework
    b = _batch(Path(source), run, as_of or dt.date.today(), batch, Path(output) if output is not None else None)
    people = b.people
    run_id = uuid.uuid4().hex[:12]
    if adjustments is None:
        target = _target(b.output, f"{ANALYSIS}_{b.name}", b.files, force)
        b.output.mkdir(parents=True, exist_ok=True)
        render(analysis_only(fw, people, _info(b, fw, run_id, [("调整", "无（只做分析，不改任何分数）")])), target)
        return Calibration(b.name, b.files, people, people, output=target, run_id=run_id, skipped=b.skipped)
    return _apply(b, run, Path(adjustments), ledger, run_id, force)


def _apply(b: _Batch, run: Rules, path: Path, ledger: Path | str | None, run_id: str, force: bool) -> Calibration:
    from cmxl.calibration_ledger import Source, record_calibration
    from cmxl.core.engine.adjustments import adjustment_points, person_changes, person_rater, read_adjustments
    from cmxl.core.engine.assessment import assess
    from cmxl.core.errors import AdjustmentsInvalid
    from cmxl.core.layout.calibrated import calibrated_results
    from cmxl.core.layout.names import LEDGER_NAME
    from cmxl.ledger import Ledger
    from cmxl.pipeline import read
    from cmxl.xlsx.render import render

    fw = run.framework
    before = b.people
    grid = _adjustments_grid(path) if path.suffix.lower() == ".csv" else read(path)
    found = read_adjustments(grid, fw, [p.unit for p in before], [person_rater(p) for p in before])
    if found.errors:
        raise AdjustmentsInvalid(str(path), found.issues)
    points, reached = adjustment_points(found.rows, before, fw)
    after: list[PersonResult] = []
    for grid_of, a in zip(b.grids, b.assessments, strict=True):  # the same grid, with the points added
        part = points[len(after) : len(after) + len(a.people)]
        again = assess(grid_of, fw, run.catalogue, b.as_of, adjust=part) if part.any() else a
        after += again.people
    changes = person_changes(fw, before, after, reached)
    book = Path(ledger) if ledger is not None else _default_ledger(b) / LEDGER_NAME
    target = _target(b.output, f"{CALIBRATED}_{b.name}", b.files, force)
    extra: list[tuple[str, object]] = [("调整表", f"{path.name}（SHA-256 {grid.sha256}）"), ("证书台账", str(book))]
    b.output.mkdir(parents=True, exist_ok=True)
    render(calibrated_results(fw, changes, found.rows, after, _info(b, fw, run_id, extra)), target)
    with Ledger(book) as db:
        record_calibration(db, run_id, b.name, Source(path.name, grid.sha256), found.rows, changes)
    warnings = [i for i in found.issues if i.severity != "error"]
    return Calibration(b.name, b.files, before, after, found.rows, changes, warnings, b.skipped, target, book, run_id)


def _adjustments_grid(path: Path) -> WorkbookGrid:
    """An adjustments file saved as CSV (UTF-8, or GBK as Excel saves it on a Chinese Windows)."""
    import csv
    import hashlib
    import io

    from cmxl.core.errors import os_reason
    from cmxl.core.grid import SheetGrid, WorkbookGrid

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CmxlError(f"无法读取调整表 {path}（{os_reason(exc)}）") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any bytes; kept for the type checker
        raise CmxlError(f"调整表 {path} 的编码无法识别；请在 Excel 中另存为 .xlsx")
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
    sheet = SheetGrid(path.stem, rows)
    return WorkbookGrid(source=path.name, sheets=[sheet], sha256=hashlib.sha256(data).hexdigest())


def _default_ledger(b: _Batch) -> Path:
    """The folder where `bulk` keeps the ledger: the output folder's parent (shared by the
    batches); for one workbook, its own folder."""
    return b.output.parent if b.source.is_dir() else b.source.parent


def calibration_template(
    output: Path | str | None = None,
    *,
    source: Path | str | None = None,
    framework: str | Framework | None = None,
    schemes: Sequence[SchemeSpec] = (),
    force: bool = False,
) -> Path:
    """Write the blank adjustments file (default 调整表.xlsx here) with dropdowns; given the batch
    (`source`, a folder or a workbook), its units and raters are listed to choose from."""
    from cmxl.core.engine.adjustments import person_rater
    from cmxl.core.layout.calibrated import adjustments_template
    from cmxl.pipeline import rules
    from cmxl.xlsx.render import render

    run = rules(framework, schemes)
    target = Path(output) if output is not None else Path("调整表.xlsx")
    if target.exists() and not force:
        raise CmxlError(f"{target} 已存在；如要覆盖请加 --force，或用 -o 指定其他文件名")
    units: list[str] = []
    raters: list[str] = []
    if source is not None:
        people = _batch(Path(source), run, dt.date.today(), None, None).people
        units = sorted({p.unit for p in people if p.unit})
        raters = sorted({person_rater(p) for p in people if person_rater(p)})
    render(adjustments_template(run.framework, units, raters), target)
    return target

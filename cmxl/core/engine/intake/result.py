"""What intake hands on: where each known column is (Columns), the people's fixed values (People)
and everything a workbook holds, normalised (Intake)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cmxl.core.issues import Issue


@dataclass
class Columns:
    """Where each known column is on the people sheet (0-based column indexes)."""

    fields: dict[str, int] = field(default_factory=dict)
    items: dict[int, int] = field(default_factory=dict)
    item_levels: dict[int, int] = field(default_factory=dict)
    subitems: dict[tuple[int, int], int] = field(default_factory=dict)
    date_columns: set[int] = field(default_factory=set)
    # a column given twice (two headers that read the same): the first column -> the others
    duplicates: dict[int, list[int]] = field(default_factory=dict)
    hits: dict[int, tuple] = field(default_factory=dict)  # every mapped column -> what its header reads as


class People:
    """The people of a workbook as columns: a list of values per field key ("row", "sheet",
    "scheme_id", "invalid" and the workbook format's fields), all in row order. It was a pandas
    DataFrame, used only as this; loading pandas cost every run a fifth of a second and 40 MB."""

    def __init__(self, columns: dict[str, list]):
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns["row"]) if "row" in self._columns else 0

    def __getitem__(self, key: str) -> list:
        return self._columns[key]

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @classmethod
    def concat(cls, parts: list[People]) -> People:
        """The people of several sheets of one layout, one after another."""
        return cls({key: [v for part in parts for v in part[key]] for key in parts[0].columns})


@dataclass
class Intake:
    """What a workbook holds, normalised. Arrays are people x items in model order."""

    source: str
    sheet: str  # the first people sheet ('' when none was found)
    header_row: int
    columns: Columns
    people: People
    item_scores: np.ndarray
    item_levels: np.ndarray
    item_bad: np.ndarray
    subitem_scores: dict[int, np.ndarray]
    issues: list[Issue]
    header_rows: dict[str, int] = field(default_factory=dict)  # every people sheet -> its header row
    # people x items: a level name typed in the own column of an item scored from its sub-items
    # (ignored, with a warning when it differs from the computed level); -1 none
    typed_levels: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=int))
    # people x items: points a calibration meeting decided to add to the item scores (docs/rules.md,
    # 校准); None when nothing is adjusted. Set by cmxl.core.engine.assessment.assess only.
    adjust: np.ndarray | None = None

    @property
    def sheets(self) -> list[str]:
        """The people sheets read, in workbook order (several when a workbook has one per unit)."""
        return list(self.header_rows)

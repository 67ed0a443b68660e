"""A roster list's table as the tests read it: under its title block (batch, issue date, counts),
its header row and records, down to the first empty row (its totals and approval block follow)."""

from __future__ import annotations

from cmxl.core.layout.roster_pages import TABLE_TOP


def listed(rows: list[list]) -> list[list]:
    """The header and records of a roster list read as rows (a sheet without a title block: as is)."""
    if len(rows) > TABLE_TOP and str(rows[1][0]).startswith("批次："):
        body = rows[TABLE_TOP:]
        end = next((i for i, row in enumerate(body) if all(v in ("", None) for v in row)), len(body))
        return body[:end]
    return rows


def rows_of(ws) -> list[list]:
    """listed() of an openpyxl worksheet."""
    return listed([["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)])

"""The named cell styles every cmxl workbook shares (results, roster, template)."""

from __future__ import annotations

from cmxl.core.layout.spec import ConditionalFormat, Style

LEVEL_FILLS = ["EDEDED", "DDEBF7", "C6EFCE", "FFE699", "F8CBAD", "D9D2E9"]
# a number at the right of a cell with no border keeps a narrow space after it ("_)": the width
# of a parenthesis, as Excel's own accounting formats do), so "85.0" does not run into the text
# of the next column ("85.0广东_2026.xlsx", "15中级")
PADDED_ONE_DECIMAL = "0.0_)"
PADDED_INTEGER = "0_)"


def base_styles(level_count: int) -> dict[str, Style]:
    styles = {
        "title": Style(bold=True, size=14),
        "subtitle": Style(italic=True, color="595959"),
        "head": Style(bold=True, color="FFFFFF", fill="1F4E78", wrap=True, horizontal="center", border=True),
        "label": Style(bold=True, fill="DDEBF7", border=True),
        "value": Style(border=True),
        "value_wrap": Style(border=True, wrap=True, vertical="top"),
        "num": Style(number_format=PADDED_ONE_DECIMAL, vertical="top"),
        "num_box": Style(number_format="0.0", border=True),
        "int": Style(number_format=PADDED_INTEGER, vertical="top"),
        "total": Style(bold=True, fill="F2F2F2", border=True),
        "total_pct": Style(bold=True, fill="F2F2F2", border=True, number_format="0.0%"),
        "total_num": Style(bold=True, fill="F2F2F2", border=True, number_format="0.0"),
        "num_plain": Style(number_format=PADDED_ONE_DECIMAL, vertical="top"),
        "gap_plain": Style(number_format="+0;-0;0", vertical="top"),
        "gap_box": Style(number_format="+0;-0;0", border=True),
        # level steps: +1 above, -1 below standard; centred, so "-1" does not run into the next column
        "gap": Style(number_format="+0;-0;0", vertical="top", horizontal="center"),
        "pct": Style(number_format="0.0%"),
        "text": Style(number_format="@", vertical="top"),
        "top": Style(vertical="top"),
        "date": Style(number_format="yyyy-mm-dd"),
        "datetime": Style(number_format="yyyy-mm-dd hh:mm:ss"),  # a date with its time of day
        "time": Style(number_format="h:mm:ss"),  # a time of day, as typed in a clerk's sheet
        "duration": Style(number_format="[h]:mm:ss"),  # a length of time, which may pass 24 hours
        "wrap": Style(wrap=True, vertical="top"),
        "link": Style(color="0563C1"),
        "input": Style(fill="FFF2CC", bold=True, border=True, number_format="@", locked=False),
        "note": Style(color="595959", wrap=True, vertical="top"),
        "cell_error": Style(fill="FFC7CE"),
        "cell_warning": Style(fill="FFEB9C"),
        "bad": Style(fill="FFC7CE", color="9C0006"),
        "warn": Style(fill="FFEB9C", color="9C5700"),
        "good": Style(fill="C6EFCE", color="006100"),
        "error_text": Style(color="C00000", bold=True),
    }
    for i in range(level_count):
        styles[f"level{i}"] = Style(fill=LEVEL_FILLS[i % len(LEVEL_FILLS)])
    for mark in ("cell_error", "cell_warning"):  # a marked date or time keeps its format
        for look in MARKED_LOOKS:
            styles[marked(mark, look)] = Style(fill=styles[mark].fill, number_format=styles[look].number_format)
    styles["held"] = Style(fill="E4DFEC", color="5B2C6F", bold=True)  # 暂缓发证: neither passed nor failed
    # added later: at the end, so that the styles above keep their places in the files written
    styles["change"] = Style(number_format="+0.0;-0.0;0.0", vertical="top")  # a score's change since last cycle
    styles["cold"] = Style(fill="DDEBF7", color="1F4E78")  # the other way from "warn": severe, as lenient is warm
    styles["muted"] = Style(color="808080", italic=True)  # shown, not judged
    styles["d"] = Style(number_format="+0.00;-0.00;0.00", vertical="top")  # a leniency index, signed
    styles["d_box"] = Style(number_format="+0.00;-0.00;0.00", border=True)
    # a rate's change since last cycle, in percentage points (统计图表, 历次测评)
    styles["change_pct"] = Style(number_format="+0.0%;-0.0%;0.0%")
    styles["change_box"] = Style(number_format="+0.0;-0.0;0.0", border=True)  # 个人画像's 得分变化
    styles["total_change_pct"] = Style(bold=True, fill="F2F2F2", border=True, number_format="+0.0%;-0.0%;0.0%")
    # the roster's approval block: a box to sign in, and the seal's (its words grey: the seal goes over them)
    styles["sign"] = Style(border=True, vertical="center")
    styles["seal"] = Style(border=True, horizontal="center", vertical="center", color="A6A6A6")
    return styles


MARKED_LOOKS = ("date", "datetime", "time", "duration")  # looks whose number format a mark keeps


def marked(mark: str, look: str | None) -> str:
    """The style of a cell marked with `mark` (its fill) that showed as `look`: a date stays a
    date (the mark alone would show its serial number, 46056)."""
    return f"{mark}+{look}" if look in MARKED_LOOKS else mark


def level_rules(ranges: str, level_names: list[str], first_cell: str) -> list[ConditionalFormat]:
    return [ConditionalFormat(ranges, f'{first_cell}="{name}"', f"level{i}") for i, name in enumerate(level_names)]

"""Generate the sample regional assessment workbooks in workbooks/ (deterministic).

    python tools/make_workbooks.py [OUT_DIR]

Four regions, 40–300 people each, realistic score distributions, every job grade and every
certification path; 陕西 also carries the hand-filled mistakes docs/rules.md lists (merged title
row, headers with spaces and line breaks, full-width digits, 85分, blank and hidden rows,
formula errors, text in score cells, a duplicate id, an unknown column, levels instead of
scores). Headers come from the shipped framework and workbook format, never typed here.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cmxl.core.model.loading import catalogue

REGIONS = [
    # name, code, people, seed, units
    ("江苏", "32", 260, 1, ["南京分公司", "苏州分公司", "无锡分公司", "徐州分公司"]),
    ("广东", "44", 300, 2, ["广州分公司", "深圳分公司", "佛山分公司", "东莞分公司", "汕头分公司"]),
    ("四川", "51", 120, 3, ["成都分公司", "绵阳分公司", "宜宾分公司"]),
    ("陕西", "61", 48, 4, ["西安分公司", "宝鸡分公司"]),
]
GRADE_MEANS = {"初级客户经理": 45, "中级客户经理": 58, "高级客户经理": 70, "资深客户经理": 82}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉斌波宇浩凯俊帆琳雪婷晨"
NETOPT_KEYS = ("theory", "theory_date", "practical", "practical_date", "prov_grade", "prov_date")
_FORMAT = catalogue().workbook_format.fields
# the optional 测评人 column (calibration) is left out: the regions' workbooks do not have it
FIXED = [f.header for f in _FORMAT if f.key not in NETOPT_KEYS and f.key != "rater"]
NETOPT = [f.header for f in _FORMAT if f.key in NETOPT_KEYS]
CERT_GRADES = ["四级", "三级", "二级", "一级"]


def clamp(x: float) -> float:
    return max(0.0, min(100.0, x))


def person(rng: random.Random, region: str, units: list[str], index: int, code: str) -> dict:
    fw = catalogue().framework("cm18")
    grade = rng.choices(list(GRADE_MEANS), weights=[30, 40, 20, 10])[0]
    gi = list(GRADE_MEANS).index(grade)
    mean = GRADE_MEANS[grade] + rng.gauss(0, 6)
    p: dict = {
        "员工编号": f"{code}{index:05d}" if index % 7 else f"0{code}{index:04d}",
        "姓名": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
        "省份": region,
        "单位": rng.choice(units),
        "部门": "政企客户部",
        "现岗位级别": grade,
        "认证类别": "客户经理",
    }
    for comp in fw.competencies:
        if comp.subitems:
            for sub in comp.subitems:
                p[sub] = round(clamp(rng.gauss(mean + 8, 10)))
        else:
            p[comp.name] = round(clamp(rng.gauss(mean, 9)), rng.choice([0, 0, 1]))
    cont = round(rng.uniform(0.3, 4 + 2 * gi), 1)
    cum = round(cont + rng.choice([0, 0, rng.uniform(0, 5)]), 1)
    p["本岗位连续年限"], p["本岗位累计年限"] = cont, cum
    held_rank = min(gi, rng.choice([0, gi, gi]))
    if held_rank > 0 or rng.random() < 0.5:
        p["已持证书等级"] = CERT_GRADES[max(0, held_rank - 1)]
        p["证书取得日期"] = dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(100, 1200))
    if rng.random() < 0.7:
        applied = CERT_GRADES[min(3, held_rank + rng.choice([0, 1]))] if "已持证书等级" in p else "四级"
        p["申报认证等级"] = applied
        need = {"四级": 30, "三级": 24, "二级": 18, "一级": 12}[applied]
        p["培训学时"] = rng.choice([need, need + rng.randint(0, 12), max(0, need - rng.randint(1, 10))])
        if applied == "四级":
            p["试用期考核"] = rng.choice(["合格", "合格", "不合格", None])
        p["笔试成绩"] = round(clamp(rng.gauss(68, 12)), rng.choice([0, 1]))
        if applied == "一级":
            if rng.random() < 0.85:
                p["模拟实战"] = round(clamp(rng.gauss(70, 10)))
            p["营销实战"] = round(clamp(rng.gauss(68, 12)))
            p["年度业绩考核"] = rng.choice(["优秀", "良好", "良好", "合格", "称职"])
        else:
            p["面试成绩"] = round(clamp(rng.gauss(70, 11)), rng.choice([0, 1]))
    return p


def netopt_person(rng: random.Random, region: str, units: list[str], index: int, code: str) -> dict:
    p = person(rng, region, units, index, code)
    for key in (
        "申报认证等级",
        "已持证书等级",
        "证书取得日期",
        "笔试成绩",
        "面试成绩",
        "模拟实战",
        "营销实战",
        "年度业绩考核",
        "试用期考核",
        "培训学时",
    ):
        p.pop(key, None)
    p["认证类别"] = "网优技术"
    p["部门"] = "网络优化中心"
    choice = rng.choice(["五级", "五级", "四级", "三级"])
    p["申报认证等级"] = choice
    if choice != "五级":
        if rng.random() < 0.5:
            p["已持证书等级"] = "五级" if choice == "四级" else "四级"
            p["证书取得日期"] = dt.date(2026, 6, 1) - dt.timedelta(days=rng.randint(30, 900))
        else:
            p["省公司认证等级"] = rng.choice(["四级", "三级", "五级"])
            p["省公司认证日期"] = dt.date(2025, 3, 1)
    p["理论成绩"] = round(clamp(rng.gauss(70, 12)))
    p["理论通过日期"] = dt.date(2026, 11, 1) - dt.timedelta(days=rng.choice([20, 200, 400, 800]))
    p["实操成绩"] = round(clamp(rng.gauss(72, 10)))
    p["实操通过日期"] = dt.date(2026, 11, 10)
    return p


def headers() -> list[str]:
    fw = catalogue().framework("cm18")
    items: list[str] = []
    for comp in fw.competencies:
        items.extend(comp.subitems or [comp.name])
    return FIXED + items + NETOPT


def write_region(out: Path, name: str, code: str, size: int, seed: int, units: list[str]) -> Path:
    rng = random.Random(seed)
    people = [person(rng, name, units, i + 1, code) for i in range(size)]
    for i in range(0, size, 25):
        people[i] = netopt_person(rng, name, units, i + 1, code)
    for i in range(12, size, 30):
        people[i]["认证类别"] = "VIP客户服务经理"
    cols = headers()
    wb = Workbook()
    ws = wb.active
    ws.title = "测评数据"
    top = 1
    messy = name == "陕西"
    if messy:
        ws.cell(1, 1, f"{name}省分公司 2026 年客户经理能力测评汇总表")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
        ws.cell(1, 1).font = Font(bold=True, size=14)
        top = 3
        cols = [*cols, "备注"]
    for c, h in enumerate(cols, start=1):
        shown = h
        if messy and h == "现岗位级别":
            shown = "现岗位\n级别"
        elif messy and h == "员工编号":
            shown = " 工号 "
        cell = ws.cell(top, c, shown)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    r = top + 1
    for i, p in enumerate(people):
        if messy and i in (10, 30):
            r += 1  # blank rows
        for c, h in enumerate(cols, start=1):
            value = p.get(h)
            if value is not None:
                fmt = "@" if h == "员工编号" else "yyyy-mm-dd" if isinstance(value, dt.date) else "General"
                ws.cell(r, c, value).number_format = fmt
        r += 1
    if messy:
        _add_mistakes(ws, cols, top)
    for c in range(1, len(cols) + 1):
        ws.column_dimensions[ws.cell(top, c).column_letter].width = 12
    ws.freeze_panes = ws.cell(top + 1, 3)
    path = out / f"{name}_2026.xlsx"
    wb.save(path)
    return path


def _add_mistakes(ws, cols: list[str], top: int) -> None:
    """The hand-filled mistakes a real regional workbook has (docs/rules.md, 测评工作簿)."""
    col = {h: i + 1 for i, h in enumerate(cols)}
    first = top + 1
    ws.cell(first + 0, col["成就导向"], "８５")  # full-width digits
    ws.cell(first + 1, col["抗挫能力"], "72分")  # a unit
    ws.cell(first + 2, col["沟通倾听能力"], "良好")  # text where a score belongs
    ws.cell(first + 3, col["书面表达能力"], 120)  # out of range
    ws.cell(first + 4, col["人际交往能力"], "高级")  # a level instead of a score (accepted)
    ws.cell(first + 5, col["执行能力"]).value = "#N/A"  # formula error value
    ws.cell(first + 5, col["执行能力"]).data_type = "e"
    ws.cell(first + 6, col["笔试成绩"], "=1/0")  # formula with no cached value
    ws.cell(first + 7, col["现岗位级别"], "客户经理")  # unknown grade
    ws.cell(first + 8, col["申报认证等级"], "特级")  # unknown certificate grade
    ws.cell(first + 9, col["员工编号"], ws.cell(first + 8, col["员工编号"]).value)  # duplicate id
    ws.cell(first + 12, col["电信行业概况"]).value = None  # incomplete knowledge sub-items
    ws.cell(first + 13, col["年度业绩考核"], "称职")
    ws.cell(first + 14, col["姓名"]).value = None
    ws.cell(first + 15, col["备注"], "复核中")
    ws.row_dimensions[first + 17].hidden = True


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "workbooks"
    out.mkdir(parents=True, exist_ok=True)
    for name, code, size, seed, units in REGIONS:
        print(write_region(out, name, code, size, seed, units))


if __name__ == "__main__":
    main()

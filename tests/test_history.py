"""A person's history across cycles (docs/rules.md, 历次测评; DOMAIN §7): one record per person and
cycle in the ledger, a re-run replacing it (logged), matched by id, a differing name never used as
last cycle, items matched by name when the model changed."""

import sqlite3

import pytest

from cmxl.core.engine.history import (
    DECLINED,
    IMPROVED,
    MATCHED,
    NAME_DIFFERS,
    NONE,
    UNCHANGED,
    CycleRecord,
    ItemRecord,
    compare,
)
from cmxl.history import cycles_of, delete_person, log_of, previous, record_cycle
from cmxl.ledger import Ledger
from cmxl.ledger_schema import MIGRATIONS

LEVELS = ["初级", "中级", "高级", "资深"]


def rec(pid="0001", cycle="2026", name="张三", total=65.5, level="中级", items=None, as_of=None, fw_hash="h1"):
    items = items or {
        "成就导向": ItemRecord(70.0, "高级", "中级", 1),
        "抗挫能力": ItemRecord(55.0, "中级", "中级", 0),
        "执行能力": ItemRecord(60.0, "中级", "中级", 0),
    }
    return CycleRecord(
        employee_id=pid, cycle=cycle, name=name, unit="南京分公司", grade="中级客户经理", total=total, level=level,
        attainment="达标", items=items, framework_id="cm18", framework_version="1.0", framework_hash=fw_hash,
        source_file=f"江苏_{cycle}.xlsx", source_sha256="ab" * 32, as_of=as_of or f"{cycle}-12-01",
    )  # fmt: skip


LAST_YEAR = {
    "成就导向": ItemRecord(50.0, "中级", "中级", 0),
    "抗挫能力": ItemRecord(55.0, "中级", "中级", 0),
    "执行能力": ItemRecord(80.5, "高级", "中级", 1),
}


def test_the_change_since_last_cycle_item_by_item():
    change = compare(rec(), rec(cycle="2025", total=60.0, items=LAST_YEAR), LEVELS)
    assert change.status == MATCHED and change.total_change == 5.5  # 65.5 − 60.0
    assert [(i.name, i.score_change, i.level_steps, i.direction) for i in change.items] == [
        ("成就导向", 20.0, 1, IMPROVED),  # 50 → 70, 中级 → 高级
        ("抗挫能力", 0.0, 0, UNCHANGED),
        ("执行能力", -20.5, -1, DECLINED),  # 80.5 → 60, 高级 → 中级
    ]
    assert (change.count(IMPROVED), change.count(DECLINED), change.count(UNCHANGED)) == (1, 1, 1)
    assert change.sentence == "与 2025 年度相比，加权总分提高 5.5 分，1 项提升、1 项下降、1 项不变。"


def test_another_name_under_the_same_id_is_flagged_not_compared():
    change = compare(rec(name="李四"), rec(cycle="2025", items=LAST_YEAR), LEVELS)
    assert change.status == NAME_DIFFERS and change.items == [] and change.total_change is None
    assert "姓名为 张三" in change.sentence and "未作比较" in change.sentence
    assert compare(rec(name="张 三"), rec(cycle="2025"), LEVELS).status == MATCHED  # a space is not another name


def test_a_new_person_has_no_change():
    change = compare(rec(), None, LEVELS)
    assert change.status == NONE and change.sentence == "没有往期测评记录。"


def test_when_the_model_changed_items_are_matched_by_name_and_the_rest_listed():
    now = {"成就导向": ItemRecord(70.0, "高级", "中级", 1), "创新能力": ItemRecord(60.0, "中级", "中级", 0)}
    change = compare(rec(items=now, fw_hash="h2"), rec(cycle="2025", items=LAST_YEAR), LEVELS)
    assert [i.name for i in change.items] == ["成就导向"] and change.model_changed
    assert change.not_comparable == ["创新能力", "抗挫能力", "执行能力"]  # never a made-up change


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "证书台账.sqlite") as opened:
        yield opened


def test_one_record_per_person_and_cycle_a_rerun_replaces_and_is_logged(ledger):
    assert record_cycle(ledger, [rec(cycle="2025", total=60.0), rec("0002", "2025", "李四")]).new == 2
    assert record_cycle(ledger, [rec(total=65.5)]).new == 1
    again = record_cycle(ledger, [rec(total=66.0)], by="王芳")  # the 2026 cycle run again, corrected
    assert (again.new, again.replaced) == (0, 1)
    assert [(r.cycle, r.total) for r in cycles_of(ledger, "0001")] == [("2025", 60.0), ("2026", 66.0)]
    [log] = log_of(ledger, "0001")
    assert (log["action"], log["cycle"], log["done_by"]) == ("replaced", "2026", "王芳")
    before = ledger.connection.execute("SELECT before FROM assessment_log").fetchone()[0]
    assert '"total": 65.5' in before  # what was replaced is kept


def test_the_previous_cycle_is_the_latest_earlier_one(ledger):
    record_cycle(ledger, [rec(cycle="2024", total=50.0), rec(cycle="2025", total=60.0), rec(cycle="2027", total=70.0)])
    found = previous(ledger, [rec(cycle="2026")])
    assert found["0001"].cycle == "2025"  # not 2027, which comes after
    assert previous(ledger, [rec("0009", "2026")]) == {}


def test_a_persons_records_are_deleted_on_request_and_the_deletion_logged(ledger):
    record_cycle(ledger, [rec(cycle="2025"), rec(cycle="2026"), rec("0002", "2026", "李四")])
    assert delete_person(ledger, "0001", by="王芳", note="本人申请") == 2
    assert cycles_of(ledger, "0001") == [] and len(cycles_of(ledger, "0002")) == 1
    assert [(e["action"], e["cycle"], e["note"]) for e in log_of(ledger, "0001")] == [
        ("deleted", "2025", "本人申请"),
        ("deleted", "2026", "本人申请"),
    ]


def test_a_ledger_of_the_previous_version_gains_the_history_and_keeps_everything(tmp_path):
    path = tmp_path / "证书台账.sqlite"
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:2]:  # a ledger as cmxl wrote it before assessments were kept
        step(db)
    db.execute(
        "INSERT INTO certificates VALUES ('KH2026000001','0001','张三','南京分公司','cm-cert','客户经理岗位技能认证',"
        "'四级','2026-12-01','2028-12-01','江苏_2026.xlsx','ab','r1',NULL,'1.0','h')"
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with Ledger(path, read_only=True) as old:  # looking up does not upgrade it, and finds no history
        assert old.version == 2 and cycles_of(old, "0001") == []
    with Ledger(path) as upgraded:
        assert upgraded.version == len(MIGRATIONS) and [c.number for c in upgraded.all()] == ["KH2026000001"]
        record_cycle(upgraded, [rec()])
        assert [r.cycle for r in cycles_of(upgraded, "0001")] == ["2026"]

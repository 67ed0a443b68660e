"""Frameworks as data: shipped files, consistency rules with every problem listed, identity."""

import copy
import tomllib
from pathlib import Path

import pytest
import tomli_w

from cmxl.core.errors import FrameworkInvalid
from cmxl.core.model.framework import Framework
from cmxl.core.model.loading import catalogue, load_file
from tests.conftest import BASIC, FUNCTIONAL, ITEMS_A, PROFESSIONAL

FW_DIR = Path(__file__).resolve().parents[1] / "cmxl" / "frameworks"


def data(name="cm18.toml"):
    return tomllib.loads((FW_DIR / name).read_text(encoding="utf-8"))


def problems(d):
    with pytest.raises(FrameworkInvalid) as e:
        Framework.from_data(d, "hq.toml")
    return [(i.field, i.value) for i in e.value.issues]


def test_framework_a_items_in_seed_order_and_categories():
    fw = catalogue().framework("cm18")
    assert fw.item_names == ITEMS_A
    by_cat = {c: [x.name for x in fw.competencies if x.category == c] for c in fw.category_names}
    assert by_cat == {"基本能力": BASIC, "专业/技术能力": PROFESSIONAL, "职能行为能力": FUNCTIONAL}
    assert [(lv.name, lv.min, lv.max, lv.midpoint) for lv in fw.levels] == [
        ("初级", 0, 40, 20),
        ("中级", 41, 60, 50.5),
        ("高级", 61, 80, 70.5),
        ("资深", 81, 100, 90.5),
    ]


def test_grade_standards_table():
    fw = catalogue().framework("cm18")
    table = {
        g.name: (g.standards["基本能力"], g.standards["专业/技术能力"], g.standards["职能行为能力"]) for g in fw.grades
    }
    assert table == {
        "初级客户经理": ("初级", "初级", "初级"),
        "中级客户经理": ("中级", "中级", "中级"),
        "高级客户经理": ("中级", "高级", "高级"),
        "资深客户经理": ("高级", "资深", "资深"),
    }


def test_behaviour_texts_present_and_drafted_ones_marked():
    fw = catalogue().framework("cm18")
    sources = {c.name: c.text_source for c in fw.competencies}
    assert all(sources[n] == "seed" for n in ITEMS_A[:7])
    assert sources["协调能力"] == "partly-drafted"
    assert all(sources[n] == "drafted" for n in ITEMS_A[12:])
    first = fw.competencies[0]
    assert first.definition.startswith("渴望成功") and [b.level for b in first.behaviours] == [
        "初级",
        "中级",
        "高级",
        "资深",
    ]
    assert first.behaviours[0].headline == "付出努力，完成日常工作。"
    for c in fw.competencies:
        assert c.definition, c.name
        if not c.subitems:
            assert len(c.behaviours) == 4, c.name


def test_knowledge_subitem_weights():
    fw = catalogue().framework("cm18")
    general = fw.competencies[8]
    assert general.subitems == ["电信行业概况", "企业概况", "法律法规", "企业规章制度"]
    assert general.subitem_weights["初级"] == [30, 30, 20, 20]
    professional = fw.competencies[9]
    assert professional.subitem_weights["资深"] == [30, 30, 20, 20]


def test_every_problem_is_listed_with_its_key():
    d = data()
    d["categories"][0]["weight"] = 35  # sums to 105
    d["levels"][1]["min"] = 43  # gap 40 -> 43
    d["levels"][3]["min"] = 75  # overlap with 高级 61-80
    d["competencies"][0]["category"] = "领导力"  # competency in no category
    del d["grades"][2]["standards"]["职能行为能力"]  # grade without a standard
    d["competencies"][8]["subitem_weights"]["中级"] = [25, 25, 25, 20]  # sums to 95
    found = problems(d)
    keys = [k for k, _ in found]
    assert keys == [
        "levels[1].min",
        "levels[3].min",
        "categories.weight",
        "competencies[0].category",
        "competencies[8].subitem_weights.中级",
        "grades[2].standards",
    ]
    assert "105" in found[2][1] and "95" in found[4][1]


def test_structure_errors_point_at_the_key():
    d = data()
    d["levels"][0]["min"] = "零"
    d["competencies"][2]["wieght"] = 5
    assert problems(d) == [("levels[0].min", "应为数字"), ("competencies[2].wieght", "无法识别的键（拼写是否有误？）")]


def test_per_item_weights_must_sum_to_100():
    d = data("cm11.toml")
    d["competencies"][0]["weight"] = 13
    keys = [k for k, _ in problems(d)]
    assert "competencies.weight" in keys and "categories[0].weight" in keys


def test_hash_identifies_content_not_layout(tmp_path):
    fw = catalogue().framework("cm18")
    relaid = tmp_path / "relaid.toml"
    relaid.write_text(tomli_w.dumps(data()), encoding="utf-8")  # no comments, other layout
    assert load_file(relaid).content_hash == fw.content_hash
    changed = copy.deepcopy(data())
    changed["attainment"]["max_one_below"] = 2
    assert Framework.from_data(changed, "x").content_hash != fw.content_hash


def test_schemes_loaded():
    schemes = catalogue().schemes
    cm = schemes["cm-cert"]
    assert cm.grade_names == ["四级", "三级", "二级", "一级"]
    assert [g.training_hours for g in cm.grades] == [30, 24, 18, 12]
    assert cm.pass_rules.written_min == 60 and cm.top.grade == "一级"
    assert cm.appraisal.synonyms == {"称职": "良好", "基本称职": "合格", "不称职": "不合格"}
    net = schemes["netopt-cert"]
    assert net.grade_names == ["五级", "四级", "三级", "二级", "一级"] and net.scheme.validity_years == 2


def test_numbers_must_be_finite_and_in_range():
    """A NaN weight passed the check and left every total empty; 130 / −55 / 25 gave plausible totals."""
    d = data()
    d["categories"][0]["weight"] = float("nan")
    assert problems(d) == [("categories[0].weight", "必须是有限的数字（不能是 nan 或 inf）")]
    d = data()
    for c, w in zip(d["categories"], (130, -55, 25), strict=True):
        c["weight"] = w
    assert problems(d) == [("categories[0].weight", "数值太大（不能超过 100）"), ("categories[1].weight", "必须大于 0")]
    d = data()
    d["levels"][3]["max"] = 120
    assert problems(d) == [("levels[3].max", "数值太大（不能超过 100）")]


def test_scheme_numbers_are_checked_too():
    from cmxl.core.model.schemes import Scheme

    d = data("cert-cm.toml")
    d["pass"]["written_min"] = float("inf")
    d["scheme"]["validity_years"] = 0
    with pytest.raises(FrameworkInvalid) as e:
        Scheme.from_data(d, "hq-cert.toml")
    assert [(i.field, i.value) for i in e.value.issues] == [
        ("scheme.validity_years", "数值太小"),
        ("pass.written_min", "必须是有限的数字（不能是 nan 或 inf）"),
    ]

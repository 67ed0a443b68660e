"""Regenerate the generated docs from the code (a test checks they are current):
docs/issue-codes.md from the issue catalogue, docs/toml-reference.md from the pydantic models
of the rules files.

python tools/gen_docs.py
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cmxl.core.issues import CATALOGUE, SEVERITY_ZH
from cmxl.core.model.base import DocRange
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import WorkbookFormat

DOCS = Path(__file__).resolve().parents[1] / "docs"
TARGET = DOCS / "issue-codes.md"
TOML_TARGET = DOCS / "toml-reference.md"


def render() -> str:
    lines = [
        "# 校验问题代码一览",
        "",
        "本页由 `python tools/gen_docs.py` 根据代码中的问题目录生成，请勿手工修改。",
        "“错误”会使 `cmxl validate` 以退出码 1 结束，且相关项目不参与计分；“警告”只作提示。",
        "",
        "| 代码 | 级别 | 说明（模板） | 处理建议 |",
        "|---|---|---|---|",
    ]
    for code, (severity, message, hint) in CATALOGUE.items():
        cells = [f"`{code}`", SEVERITY_ZH[severity], message, hint]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


_SIMPLE = {str: "文字", float: "数字", int: "整数", bool: "true / false", dt.date: "日期（2026-01-01）"}


def _type_text(annotation: object, nested: list[type[BaseModel]]) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " 或 ".join(_type_text(a, nested) for a in args if a is not type(None))
    if origin is typing.Annotated:
        return _type_text(args[0], nested)
    if origin is list:
        return f"{_type_text(args[0], nested)}的列表"
    if origin is dict:
        return f"表（{_type_text(args[0], nested)} → {_type_text(args[1], nested)}）"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in nested:
            nested.append(annotation)
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return _SIMPLE.get(annotation, str(annotation))  # type: ignore[call-overload]


def _text_rules(annotation: object) -> list[str]:
    """What the text rules (DocRange) on a field's type, or on the items of its list or table, say."""
    found = [m.doc_range for m in getattr(annotation, "__metadata__", ()) if isinstance(m, DocRange)]
    for arg in typing.get_args(annotation):
        found += [t for t in _text_rules(arg) if t not in found]
    return found


def _range_text(info: FieldInfo) -> str:
    parts = [m.doc_range for m in info.metadata if isinstance(m, DocRange)] or _text_rules(info.annotation)
    for m in info.metadata:
        for kind, attr, sign in ((Ge, "ge", "≥"), (Gt, "gt", ">"), (Le, "le", "≤"), (Lt, "lt", "<")):
            if isinstance(m, kind):
                parts.append(f"{sign} {getattr(m, attr):g}")
    if any(getattr(m, "allow_inf_nan", True) is False for m in info.metadata):
        parts.append("有限数")
    return "，".join(parts)


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "必填"
    value = info.get_default(call_default_factory=True)
    if value is None or value == [] or value == {} or value == "":
        return "可省略"
    if isinstance(value, BaseModel):
        return "见下表默认值"
    if isinstance(value, bool):
        return f"默认 {'true' if value else 'false'}"
    return f"默认 `{value}`" if not isinstance(value, float) else f"默认 `{value:g}`"


def _model_table(model: type[BaseModel], nested: list[type[BaseModel]]) -> list[str]:
    documented = getattr(model, "documented_keys", None)  # keys registered elsewhere (a path's conditions)
    model = documented() if documented is not None else model
    doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", "")
    lines = [
        f"### {model.__name__}",
        "",
        doc,
        "",
        "| 键 | 类型 | 取值范围 | 必填 / 默认 | 说明 |",
        "|---|---|---|---|---|",
    ]
    for name, info in model.model_fields.items():
        key = info.alias or name
        described = (info.description or "").replace("\n", "").replace("|", "\\|")
        cells = [f"`{key}`", _type_text(info.annotation, nested), _range_text(info), _default_text(info), described]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def render_toml_reference() -> str:
    lines = [
        "# 规则文件（TOML）格式参考",
        "",
        "本页由 `python tools/gen_docs.py` 根据代码中的 pydantic 模型生成，请勿手工修改。",
        "规则文件中出现表里没有的键是错误（拼写错误不会被悄悄忽略）；每个数字必须是有限数并在所列范围内。",
        '取值不做转换：数字不加引号（`weight = 30`，`"30"` 和 `true` 都是错误；需要数字处可写整数），',
        "文字要加引号，日期写作 `2026-01-01`（不加引号）。名称（能力项、类别、级别、岗位级别、分项、别名、",
        "考核结果、列名等）不能有首尾空格或不可见字符（零宽空格、不间断空格、BOM 等）。同一写法只能指一处：",
        "别名不能与同类中另一项的名称或别名相同（如认证等级“三级”的别名不能是“四级”）。编号会成为文件名和台账中的键，",
        "只能用英文字母、数字和 - _ .。内置文件的编号和版本不能用于内容不同的文件：修改内容时请改版本号。",
        "文件用 UTF-8 保存（带 BOM 的 UTF-8，如 Windows 记事本所存，也可以）。",
        "`cmxl frameworks --check 文件` 列出一个文件的全部问题（认证方案的等级所对应的级别对照内置模型检查，",
        "或对照 `--framework` 指定的模型）。各规则的含义和出处见 [rules.md](rules.md)。",
        "",
    ]
    for title, root in (
        ("能力模型（如 cm18.toml、cm11.toml）", Framework),
        ("认证方案（如 cert-cm.toml）", Scheme),
        ("测评工作簿格式（workbook-format.toml）", WorkbookFormat),
    ):
        lines += [f"## {title}", ""]
        queue: list[type[BaseModel]] = [root]
        done: set[type[BaseModel]] = set()
        while queue:
            model = queue.pop(0)
            if model in done:
                continue
            done.add(model)
            found: list[type[BaseModel]] = []
            lines += _model_table(model, found)
            queue += [m for m in found if m not in done]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    TOML_TARGET.write_text(render_toml_reference(), encoding="utf-8")
    print(TARGET, TOML_TARGET)

"""The strict pydantic base of every rules model, its content hash, and checked construction
(structure by pydantic, then the model's own consistency rules; every problem as an issue)."""

from __future__ import annotations

import hashlib
import json
import re
import typing
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic_core import PydanticCustomError

from cmxl.core.errors import FrameworkInvalid
from cmxl.core.ids import fold_text
from cmxl.core.issues import Issue, issue

M = TypeVar("M", bound="StrictModel")


class StrictModel(BaseModel):
    """Base of every rules model: an unknown key is an error (a typo must not pass silently), and
    values are never coerced (`weight = "30"` or `weight = true` is an error, not 30 or 1; an
    integer where a number is expected is fine). The docstring under each field is its
    description in docs/toml-reference.md."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, populate_by_name=True, strict=True)
    _source: str = PrivateAttr("")  # the file it was read from (for messages; not part of its content)

    @property
    def source(self) -> str:
        return self._source


# Numbers in rules files: never NaN or infinite (a NaN weight made every total empty), and in range.
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]  # a score or a bound on the 0–100 scale
Weight = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]  # a weight in points of 100
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]  # hours, years


@dataclass(frozen=True)
class DocRange:
    """What docs/toml-reference.md says in a text field's 取值范围 column."""

    doc_range: str


# Characters a reader cannot see: a name holding one never matches what a clerk types.
_INVISIBLE = {
    "\u00a0": "不间断空格",
    "\u00ad": "软连字符",
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "字连接符",
    "\ufeff": "字节顺序标记 BOM",
    "\t": "制表符",
    "\n": "换行",
    "\r": "回车",
}


def _char_name(ch: str) -> str:
    if ch == " ":
        return "空格"
    known = _INVISIBLE.get(ch) or ("全角空格" if ch == "\u3000" else "空白" if ch.isspace() else "控制字符")
    return f"{known} U+{ord(ch):04X}"


def _hidden(ch: str) -> bool:
    return ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def visible(text: str) -> str:
    """A name as a message can show it: without the characters no one can see."""
    return "".join(ch for ch in text if not _hidden(ch)).strip()


def name_problem(text: str) -> str:
    """What is wrong with a name (a competency, level, grade, alias, sub-item...), '' if nothing:
    spaces at either end or a character no one can see make it differ from every header or cell
    typed by hand."""
    if not visible(text):
        return "不能为空" if not text else "只有空格或不可见字符，不能作名称"
    shown = f"“{visible(text)}”"
    hidden = [ch for ch in text if _hidden(ch)]
    if hidden:
        kinds = "、".join(dict.fromkeys(_char_name(ch) for ch in hidden))
        return f"{shown}含不可见字符（{kinds}），请删除（从网页或 Word 复制的文字常带有这类字符）"
    if text[0].isspace() or text[-1].isspace():
        where = "前后" if text[0].isspace() and text[-1].isspace() else ("开头" if text[0].isspace() else "末尾")
        ends = {ch for ch in (text[0], text[-1]) if ch.isspace()}
        return f"{shown}{where}有{'、'.join(sorted(_char_name(ch) for ch in ends))}，请删除"
    return ""


def _check_name(value: str) -> str:
    problem = name_problem(value)
    if problem:
        raise PydanticCustomError("name_text", "{text}", {"text": problem})
    return value


def _check_optional_name(value: str) -> str:
    return _check_name(value) if value else value


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _check_id(value: str) -> str:
    _check_name(value)  # a hidden character is said as such, not as a bad id
    if not _ID.fullmatch(value):
        raise PydanticCustomError(
            "id_text",
            "{text}",
            {
                "text": f"编号“{visible(value)}”不可用：编号会成为文件名和台账中的键，只能用英文字母、数字和 - _ .，"
                "以字母或数字开头，最长 64 个字符（如 cm18-hq）"
            },
        )
    return value


_PREFIX = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff-]{0,15}")


def _check_prefix(value: str) -> str:
    _check_name(value)
    if not _PREFIX.fullmatch(value):
        raise PydanticCustomError(
            "prefix_text",
            "{text}",
            {
                "text": f"证书编号前缀“{visible(value)}”不可用：编号是 前缀 + 年份 + 6 位序号，会出现在文件名和证书上，"
                "前缀只能用英文字母、数字、汉字和 -，以字母、数字或汉字开头，最长 16 个字符（如 KH）"
            },
        )
    return value


def _check_optional_id(value: str) -> str:
    return _check_id(value) if value else value


# Names that workbooks are matched against (competencies, categories, levels, grades, sub-items,
# aliases, appraisal values, column headers...): never empty, no spaces at either end, no
# invisible characters.
Name = Annotated[str, AfterValidator(_check_name), DocRange("非空，无首尾空格和不可见字符")]
OptionalName = Annotated[str, AfterValidator(_check_optional_name), DocRange("无首尾空格和不可见字符")]
# Ids become parts of file names and ledger keys.
Id = Annotated[str, AfterValidator(_check_id), DocRange("英文字母、数字和 - _ .，以字母或数字开头")]
Prefix = Annotated[
    str, AfterValidator(_check_prefix), DocRange("英文字母、数字、汉字和 -，以字母、数字或汉字开头，最长 16 个字符")
]
OptionalId = Annotated[str, AfterValidator(_check_optional_id), DocRange("英文字母、数字和 - _ .，以字母或数字开头")]

# Our own error types: their message is already the Chinese text to show.
_OWN_ERRORS = ("name_text", "id_text")


class Named(typing.Protocol):
    name: str
    aliases: list[str]


def spellings(items: typing.Sequence[Named]) -> dict[str, int]:
    """Every accepted spelling (name and aliases) -> the item's index."""
    return {spelling: i for i, item in enumerate(items) for spelling in (item.name, *item.aliases)}


_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """A spelling as a workbook cell is compared with it (the reader's rule, cmxl.core.ids.fold_text):
    what draws nothing removed, full-width folded, every space and line break removed."""
    return fold_text(text)


def fold_header(text: str) -> str:
    """A column header as a workbook's header row is compared with it (intake/text.py header_key)."""
    return fold(text).strip("*").rstrip(":")


@dataclass(frozen=True)
class Spelling:
    """One accepted spelling: where it is (TOML key), what it is, and whose it is."""

    key: str
    text: str
    owner: typing.Hashable  # the thing it names (spellings of one thing may coincide)
    label: str  # what it is, for messages: 认证等级“四级”的名称


def _clash(e: Spelling, first: Spelling) -> str:
    return f"“{e.text}”已是{first.label}（{first.key}），同一写法不能指两处：请删除或改写{e.label}"


def spelling_clashes(
    entries: Iterable[Spelling], *, fold_with: Callable[[str], str] = fold, same_owner_ok: bool = False
) -> list[tuple[str, str]]:
    """(key, problem) for every spelling that, compared as a workbook compares it, is already
    another spelling: an alias equal to another grade's name or alias means that grade's value
    would be read as this one. Give names before aliases so that the alias is blamed."""
    seen: dict[str, Spelling] = {}
    out: list[tuple[str, str]] = []
    for e in entries:
        folded = fold_with(e.text)
        first = seen.get(folded)
        if first is None:
            seen[folded] = e
        elif first.owner != e.owner:
            out.append((e.key, _clash(e, first)))
        elif not same_owner_ok:
            out.append((e.key, f"“{e.text}”与{first.label}（{first.key}）重复，请删除"))
    return out


def canonical_hash(model: BaseModel) -> str:
    """sha256 of a model's canonical content: comments and layout of its file do not change it."""
    canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def clashes_with(
    taken: Iterable[Spelling], entries: Iterable[Spelling], *, fold_with: Callable[[str], str] = fold
) -> list[tuple[str, str]]:
    """(key, problem) for every one of `entries` that another file's spelling (`taken`) already
    means: this file's column or category name would be read as that file's."""
    seen: dict[str, Spelling] = {}
    for t in taken:
        seen.setdefault(fold_with(t.text), t)
    out = []
    for e in entries:
        first = seen.get(fold_with(e.text))
        if first is not None and first.owner != e.owner:
            out.append((e.key, _clash(e, first)))
    return out


_PYDANTIC_ZH: dict[str, str] = {
    "missing": "缺少此项",
    "extra_forbidden": "无法识别的键（拼写是否有误？）",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为表",
    "date_type": "应为日期（如 2026-01-01）",
    "date_from_datetime_parsing": "应为日期（如 2026-01-01）",
    "literal_error": "取值不在允许范围内",
    "bool_type": "应为 true 或 false",
    "greater_than_equal": "数值太小",
    "greater_than": "必须大于 0",
    "less_than_equal": "数值太大（不能超过 100）",
    "finite_number": "必须是有限的数字（不能是 nan 或 inf）",
}


# A value of the wrong type, said for what was written (strict types coerce nothing).
_GIVEN_AS = {
    ("float_type", "quoted number"): '应为数字，不加引号（写 30，不写 "30"）',
    ("int_type", "quoted number"): '应为整数，不加引号（写 2，不写 "2"）',
    ("float_type", "bool"): "应为数字，不能是 true 或 false",
    ("int_type", "bool"): "应为整数，不能是 true 或 false",
    ("int_type", "float"): "应为整数（写 2，不写 2.0 或 2.5）",
    ("bool_type", "str"): "应为 true 或 false，不加引号",
    ("string_type", "int"): '应为文字，请加引号（如 "1"）',
    ("string_type", "float"): '应为文字，请加引号（如 "1.0"）',
    ("date_type", "str"): '应为日期，不加引号（写 2026-01-01，不写 "2026-01-01"）',
}


def _given(value: object) -> str:
    """What kind of value was written, as _GIVEN_AS names it."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return "str"
        return "quoted number"
    return type(value).__name__


def _loc(parts: tuple[object, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _structure_problem(err: typing.Any) -> tuple[str, str]:
    """(TOML key, Chinese text) of one pydantic error."""
    loc, kind = tuple(err["loc"]), err["type"]
    if kind in _OWN_ERRORS:
        text = err["msg"]
    else:
        given = _GIVEN_AS.get((kind, _given(err.get("input"))))
        text = given or _PYDANTIC_ZH.get(kind, f"取值无效（{err['msg']}）")
    if len(loc) >= 2 and loc[-1] == "[key]":  # a table's key: name the table, and the key in the text
        return _loc(loc[:-2]), f"键{text}" if kind in _OWN_ERRORS else f"键“{visible(str(loc[-2]))}”{text}"
    return _loc(loc), text


def build_checked(cls: type[M], data: dict, source: str, *checkers: Callable[[M], list[Issue]]) -> M:
    """Validate structure with pydantic, then the semantic rules; raise with every problem."""
    try:
        model = cls.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field, text = _structure_problem(err)
            problems.append(issue("framework-invalid", file=source, field=field, value=text))
        raise FrameworkInvalid(source, problems) from None
    problems = [p for checker in checkers for p in checker(model)]
    if problems:
        for p in problems:
            p.file = source
        raise FrameworkInvalid(source, problems)
    model._source = source
    return model

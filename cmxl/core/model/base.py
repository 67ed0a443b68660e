"""The strict pydantic base of every rules model, its content hash, and checked construction
(structure by pydantic, then the model's own consistency rules; every problem as an issue)."""

from __future__ import annotations

import hashlib
import json
import typing
from collections.abc import Callable
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cmxl.core.errors import FrameworkInvalid
from cmxl.core.issues import Issue, issue

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every rules model: an unknown key is an error (a typo must not pass silently).
    The docstring under each field is its description in docs/toml-reference.md."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, populate_by_name=True)


# Numbers in rules files: never NaN or infinite (a NaN weight made every total empty), and in range.
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]  # a score or a bound on the 0–100 scale
Weight = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]  # a weight in points of 100
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]  # hours, years


class Named(typing.Protocol):
    name: str
    aliases: list[str]


def spellings(items: typing.Sequence[Named]) -> dict[str, int]:
    """Every accepted spelling (name and aliases) -> the item's index."""
    return {spelling: i for i, item in enumerate(items) for spelling in (item.name, *item.aliases)}


def canonical_hash(model: BaseModel) -> str:
    """sha256 of a model's canonical content: comments and layout of its file do not change it."""
    canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_PYDANTIC_ZH = {
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


def _loc(parts: tuple[object, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def build_checked(cls: type[M], data: dict, source: str, checker: Callable[[M], list[Issue]]) -> M:
    """Validate structure with pydantic, then the semantic rules; raise with every problem."""
    try:
        model = cls.model_validate(data)
    except ValidationError as exc:
        problems = [
            issue(
                "framework-invalid",
                file=source,
                field=_loc(err["loc"]),
                value=_PYDANTIC_ZH.get(err["type"], f"取值无效（{err['msg']}）"),
            )
            for err in exc.errors()
        ]
        raise FrameworkInvalid(source, problems) from None
    problems = checker(model)
    if problems:
        for p in problems:
            p.file = source
        raise FrameworkInvalid(source, problems)
    return model

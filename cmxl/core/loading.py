"""Reading framework and scheme files (TOML) into checked models; the shipped catalogue."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import FrameworkInvalid, FrameworkNotFound
from .issues import Issue, issue

if TYPE_CHECKING:
    from .framework import Framework
    from .schemes import Scheme

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every rules model: an unknown key is an error (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid")


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


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise FrameworkNotFound(f"找不到模型文件 {path}") from None
    except tomllib.TOMLDecodeError as exc:
        problem = issue("framework-invalid", file=str(path), field="TOML", value=str(exc))
        raise FrameworkInvalid(str(path), [problem]) from None


def shipped_files() -> list[Path]:
    folder = resources.files("cmxl") / "frameworks"
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".toml"))


def _kind(data: dict) -> str:
    if "framework" in data:
        return "framework"
    if "scheme" in data:
        return "scheme"
    return "other"


def load_file(path: Path) -> Framework | Scheme:
    from .framework import Framework
    from .schemes import Scheme

    data = read_toml(path)
    kind = _kind(data)
    if kind == "framework":
        return Framework.from_data(data, str(path))
    if kind == "scheme":
        return Scheme.from_data(data, str(path))
    problem = issue("framework-invalid", file=str(path), field="(文件)", value="既没有 [framework] 也没有 [scheme] 表")
    raise FrameworkInvalid(str(path), [problem])


class Catalogue:
    """The shipped frameworks and schemes, plus any file given on the command line."""

    def __init__(self) -> None:
        from .framework import Framework
        from .schemes import WorkbookFormat

        self.frameworks: dict[str, Framework] = {}
        self.schemes: dict[str, Scheme] = {}
        for path in shipped_files():
            data = read_toml(path)
            if "format" in data:
                self.workbook_format = WorkbookFormat.model_validate(data)
                continue
            model = load_file(path)
            if isinstance(model, Framework):
                self.frameworks[model.id] = model
            else:
                self.schemes[model.id] = model

    def framework(self, spec: str | None = None) -> Framework:
        """A shipped framework by id, or HQ's own file by path; default: the 18-item model."""
        from .framework import Framework

        if spec is None:
            return self.frameworks["cm18"]
        if spec in self.frameworks:
            return self.frameworks[spec]
        path = Path(spec)
        if path.suffix.lower() == ".toml" or path.exists():
            model = load_file(path)
            if not isinstance(model, Framework):
                raise FrameworkNotFound(f"{spec} 是认证方案文件，不是能力模型文件")
            return model
        known = "、".join(self.frameworks)
        raise FrameworkNotFound(f"没有编号为“{spec}”的能力模型（可用：{known}，或给出模型文件路径）")


_CATALOGUE: Catalogue | None = None


def catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = Catalogue()
    return _CATALOGUE

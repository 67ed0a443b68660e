"""Reading framework and scheme files (TOML) into checked models; the shipped catalogue."""

from __future__ import annotations

import copy
import hashlib
import re
import tomllib
from importlib import resources
from pathlib import Path

from cmxl.core.errors import FrameworkInvalid, FrameworkNotFound, os_reason
from cmxl.core.issues import issue
from cmxl.core.model.framework import Framework
from cmxl.core.model.schemes import Scheme
from cmxl.core.model.workbook_format import WorkbookFormat


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FrameworkNotFound(f"找不到模型文件 {path}") from None
    except IsADirectoryError:
        raise FrameworkNotFound(f"{path} 是文件夹，不是模型文件") from None
    except OSError as exc:
        raise FrameworkNotFound(f"无法读取模型文件 {path}（{os_reason(exc)}）") from None


def parse_toml(data: bytes, source: str) -> dict:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        problem = issue("framework-invalid", file=source, field="TOML", value="文件不是 UTF-8 编码，请另存为 UTF-8")
        raise FrameworkInvalid(source, [problem]) from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f"第 {where.group(1)} 行第 {where.group(2)} 列" if where else "文件中"
        problem = issue(
            "framework-invalid", file=source, field="TOML", value=f"{at}附近的写法不符合 TOML 格式（{exc}）"
        )
        raise FrameworkInvalid(source, [problem]) from None


def read_toml(path: Path) -> dict:
    return parse_toml(read_bytes(path), str(path))


def shipped_files() -> list[Path]:
    folder = resources.files("cmxl") / "frameworks"
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".toml"))


def _kind(data: dict) -> str:
    if "framework" in data:
        return "framework"
    if "scheme" in data:
        return "scheme"
    return "other"


def from_data(data: dict, source: str) -> Framework | Scheme:
    kind = _kind(data)
    if kind == "framework":
        return Framework.from_data(data, source)
    if kind == "scheme":
        return Scheme.from_data(data, source)
    problem = issue("framework-invalid", file=source, field="(文件)", value="既没有 [framework] 也没有 [scheme] 表")
    raise FrameworkInvalid(source, [problem])


_LOADED: dict[tuple[str, str], Framework | Scheme] = {}


def load_file(path: Path) -> Framework | Scheme:
    """A framework or scheme file, checked; parsed once per process for the same path and content
    (a bulk run over many workbooks reads HQ's file once, and a file edited between two runs of
    a long-lived process, such as the Excel window, is read again)."""
    data = read_bytes(path)
    key = (str(path.resolve()), hashlib.sha256(data).hexdigest())
    if key not in _LOADED:
        _LOADED[key] = from_data(parse_toml(data, str(path)), str(path))
    return _LOADED[key]


class Catalogue:
    """The shipped frameworks and schemes, plus any file given on the command line."""

    def __init__(self) -> None:
        self.frameworks: dict[str, Framework] = {}
        self.schemes: dict[str, Scheme] = {}
        for path in shipped_files():
            data = read_toml(path)
            if "format" in data:
                self.workbook_format = WorkbookFormat.model_validate(data)
                continue
            model = from_data(data, str(path))
            if isinstance(model, Framework):
                self.frameworks[model.id] = model
            else:
                self.schemes[model.id] = model

    def with_schemes(self, schemes: list[Scheme]) -> Catalogue:
        """This catalogue with HQ's own schemes: each replaces the shipped scheme of its id (or adds
        a new one)."""
        if not schemes:
            return self
        other = copy.copy(self)
        other.schemes = {**self.schemes, **{s.id: s for s in schemes}}
        return other

    def scheme(self, spec: str | Path | Scheme) -> Scheme:
        """HQ's own scheme file (or one already loaded)."""
        if isinstance(spec, Scheme):
            return spec
        model = load_file(Path(spec))
        if not isinstance(model, Scheme):
            raise FrameworkNotFound(f"{spec} 是能力模型文件，不是认证方案文件；能力模型请用 --framework 指定")
        return model

    def model(self, spec: str) -> Framework | Scheme:
        """A framework or a scheme: by id, or HQ's file of either kind."""
        if spec in self.frameworks:
            return self.frameworks[spec]
        if spec in self.schemes:
            return self.schemes[spec]
        path = Path(spec)
        if path.suffix.lower() == ".toml" or path.exists():
            return load_file(path)
        return self.framework(spec)  # says which ids there are

    def framework(self, spec: str | None = None) -> Framework:
        """A shipped framework by id, or HQ's own file by path; default: the one the workbook
        format names (default_framework)."""
        if spec is None:
            return self.frameworks[self.workbook_format.format.default_framework]
        if spec in self.frameworks:
            return self.frameworks[spec]
        path = Path(spec)
        if path.suffix.lower() == ".toml" or path.exists():
            model = load_file(path)
            if not isinstance(model, Framework):
                raise FrameworkNotFound(f"{spec} 是认证方案文件，不是能力模型文件；认证方案请用 --scheme 指定")
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

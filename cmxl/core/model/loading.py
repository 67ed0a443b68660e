"""Reading framework and scheme files (TOML) into checked models; the shipped catalogue."""

from __future__ import annotations

import copy
import hashlib
import re
import tomllib
from importlib import resources
from pathlib import Path

from cmxl.core.errors import FrameworkInvalid, FrameworkNotFound, not_a_file, os_reason
from cmxl.core.issues import Issue, issue
from cmxl.core.model.base import Spelling, clashes_with, fold_header
from cmxl.core.model.framework import Framework, column_spellings
from cmxl.core.model.schemes import Scheme, identity_spellings
from cmxl.core.model.workbook_format import WorkbookFormat, header_spellings


def read_bytes(path: Path) -> bytes:
    special = not_a_file(path)
    if special:  # a named pipe or a device would block the read, or never end it
        raise FrameworkNotFound(f"{path} {special}，不是模型文件")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FrameworkNotFound(f"找不到模型文件 {path}") from None
    except IsADirectoryError:
        raise FrameworkNotFound(f"{path} 是文件夹，不是模型文件") from None
    except OSError as exc:
        raise FrameworkNotFound(f"无法读取模型文件 {path}（{os_reason(exc)}）") from None


def parse_toml(data: bytes, source: str) -> dict:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problem = issue(
            "framework-invalid", file=source, field="TOML", value="文件是 UTF-16（Unicode）编码，请另存为 UTF-8"
        )
        raise FrameworkInvalid(source, [problem])
    try:
        return tomllib.loads(data.decode("utf-8-sig"))  # Windows Notepad saves UTF-8 with a BOM
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


def from_data(
    data: dict, source: str, context: Catalogue | None = None, fw: Framework | None = None
) -> Framework | Scheme:
    """A framework or scheme; with `context` (the shipped catalogue) also checked against the
    shipped files, and a scheme against the framework `fw` it is to be used with."""
    kind = _kind(data)
    if kind == "framework":
        return Framework.from_data(data, source, context.framework_conflicts if context else None)
    if kind == "scheme":
        return Scheme.from_data(data, source, (lambda s: context.scheme_conflicts(s, fw)) if context else None)
    problem = issue("framework-invalid", file=source, field="(文件)", value="既没有 [framework] 也没有 [scheme] 表")
    raise FrameworkInvalid(source, [problem])


_LOADED: dict[tuple[str, str, str], Framework | Scheme] = {}


def check_file(path: Path, fw: Framework | None = None) -> Framework | Scheme:
    """`cmxl frameworks --check`: HQ's file as load_file checks it, and a framework also as it
    would be used with the shipped schemes (scoring refuses a framework whose levels they do not
    name, or whose default scheme there is not, unless HQ gives its own schemes with --scheme)."""
    model = load_file(path, fw)
    if isinstance(model, Framework):
        cat = catalogue()
        problems = default_scheme_known(model, cat.schemes) + builtin_misfits(
            model, list(cat.schemes.values()), cat.files
        )
        if problems:
            raise FrameworkInvalid(str(path), problems)
    return model


def load_file(path: Path, fw: Framework | None = None) -> Framework | Scheme:
    """HQ's framework or scheme file, checked, also against the shipped files (and a scheme
    against the framework `fw` it is to be used with, when given); parsed once per process for
    the same path and content (a bulk run over many workbooks reads HQ's file once, and a file
    edited between two runs of a long-lived process, such as the Excel window, is read again)."""
    data = read_bytes(path)
    key = (str(path.resolve()), hashlib.sha256(data).hexdigest(), fw.content_hash if fw else "")
    if key not in _LOADED:
        _LOADED[key] = from_data(parse_toml(data, str(path)), str(path), catalogue(), fw)
    return _LOADED[key]


def level_fit(scheme: Scheme, fw: Framework) -> list[Issue]:
    """A certificate grade's `level` names the competency level whose knowledge weights and
    standard profile apply to an applicant without 现岗位级别: it must be one of the framework's."""
    known = "、".join(fw.level_names)
    return [
        issue(
            "framework-invalid",
            field=f"grades[{i}].level",
            value=f"认证等级“{g.name}”对应的级别“{g.level}”不是能力模型 {fw.id} 的级别（{known}），请改为其中之一",
        )
        for i, g in enumerate(scheme.grades)
        if g.level is not None and g.level not in fw.level_names
    ]


def builtin_misfits(fw: Framework, schemes: list[Scheme], files: dict[str, str]) -> list[Issue]:
    """Shipped schemes whose certificate grades name levels `fw` does not have: with such a
    framework they would give applicants without 现岗位级别 no target level. One issue a scheme."""
    out = []
    for scheme in schemes:
        if not level_fit(scheme, fw):
            continue
        levels = "、".join(dict.fromkeys(g.level for g in scheme.grades if g.level))
        text = (
            f"内置认证方案 {scheme.id}（{files.get(scheme.id, scheme.id)}）的认证等级对应的级别（{levels}）"
            f"不全是能力模型 {fw.id} 的级别（{'、'.join(fw.level_names)}）：使用这个模型时，请用 --scheme "
            f"给出与它配套的 {scheme.id} 认证方案"
        )
        out.append(issue("framework-invalid", field=f"{scheme.id}.grades.level", value=text))
    return out


def default_scheme_known(fw: Framework, schemes: dict[str, Scheme]) -> list[Issue]:
    """The scheme a workbook without 认证类别 is certified under must be one there is: else every
    applicant of such a workbook would be 资料不全 for a reason no issue explains."""
    wanted = fw.framework.default_scheme
    if not wanted or wanted in schemes:
        return []
    known = "、".join(schemes)
    text = f"默认认证方案“{wanted}”不是已有的认证方案（{known}）；请改为其中之一，或留空（工作簿须有“认证类别”列）"
    return [issue("framework-invalid", field="framework.default_scheme", value=text)]


def _in_file(name: str, spellings: list[Spelling]) -> list[Spelling]:
    """Spellings of another file, their keys saying which file."""
    return [Spelling(f"{name} 的 {s.key}", s.text, s.owner, s.label) for s in spellings]


class Catalogue:
    """The shipped frameworks and schemes, plus any file given on the command line."""

    def __init__(self) -> None:
        self.frameworks: dict[str, Framework] = {}
        self.schemes: dict[str, Scheme] = {}
        self.files: dict[str, str] = {}  # id -> the shipped file's name
        for path in shipped_files():
            data = read_toml(path)
            if "format" in data:
                self.workbook_format = WorkbookFormat.from_data(data, str(path))
                self.format_file = path.name
                continue
            model = from_data(data, str(path))
            if isinstance(model, Framework):
                self.frameworks[model.id] = model
            else:
                self.schemes[model.id] = model
            self.files[model.id] = path.name
        for model in [*self.frameworks.values(), *self.schemes.values()]:  # the shipped files agree
            conflicts = (
                self.framework_conflicts(model) if isinstance(model, Framework) else self.scheme_conflicts(model)
            )
            if conflicts:
                raise FrameworkInvalid(self.files[model.id], conflicts)

    # ----- what HQ's file must not contradict ---------------------------------------------------
    def _identity(self, model: Framework | Scheme) -> list[Issue]:
        shipped = (self.frameworks if isinstance(model, Framework) else self.schemes).get(model.id)
        if shipped is None or shipped.version != model.version or shipped.content_hash == model.content_hash:
            return []
        kind, table = ("模型", "framework") if isinstance(model, Framework) else ("认证方案", "scheme")
        text = f"编号 {model.id} 版本 {model.version} 已是内置{kind}，但内容不同；请修改版本号"
        return [issue("framework-invalid", field=f"{table}.version", value=text)]

    def framework_conflicts(self, fw: Framework) -> list[Issue]:
        """A framework's clashes with the shipped files: a reused id and version, a column that the
        workbook format's fixed columns already name."""
        fixed = _in_file(self.format_file, header_spellings(self.workbook_format))
        clashes = clashes_with(fixed, column_spellings(fw), fold_with=fold_header)
        return self._identity(fw) + [issue("framework-invalid", field=k, value=t) for k, t in clashes]

    def scheme_conflicts(self, scheme: Scheme, fw: Framework | None = None) -> list[Issue]:
        """A scheme's clashes with the shipped files: a reused id and version, a category spelling
        that another scheme already has; and its grades' levels against the framework `fw`."""
        others = [
            e
            for other in self.schemes.values()
            if other.id != scheme.id
            for e in _in_file(self.files.get(other.id, other.id), identity_spellings(other))
        ]
        clashes = clashes_with(others, identity_spellings(scheme))
        problems = self._identity(scheme) + [issue("framework-invalid", field=k, value=t) for k, t in clashes]
        return problems + (level_fit(scheme, fw) if fw is not None else [])

    def with_schemes(self, schemes: list[Scheme]) -> Catalogue:
        """This catalogue with HQ's own schemes: each replaces the shipped scheme of its id (or adds
        a new one)."""
        if not schemes:
            return self
        other = copy.copy(self)
        other.schemes = {**self.schemes, **{s.id: s for s in schemes}}
        return other

    def scheme(self, spec: str | Path | Scheme, fw: Framework | None = None) -> Scheme:
        """HQ's own scheme file (or one already loaded); with `fw`, also checked to fit it."""
        if isinstance(spec, Scheme):
            problems = level_fit(spec, fw) if fw is not None else []
            if problems:
                raise FrameworkInvalid(spec.source or f"认证方案 {spec.id}", problems)
            return spec
        model = load_file(Path(spec), fw)
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

"""The rules: the models and schemes shipped, HQ's files checked, and dates as a clerk writes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cmxl.core.errors import CmxlError

if TYPE_CHECKING:
    from cmxl.core.model.framework import Framework
    from cmxl.core.model.schemes import Scheme


DATE_FORMS = "2026-12-01、2026/12/01、2026.12.1 或 2026年12月1日"  # how a date may be written


def date_from_text(text: str) -> dt.date:
    """A date as a clerk writes it (2026-12-01, 2026/12/01, 2026.12.1, 2026年12月1日, full-width
    digits too): the forms and the years a date cell of a workbook may have. CmxlError if not."""
    import re
    import unicodedata

    from cmxl.core.engine.intake import DATE_RANGE, parse_date

    day = parse_date(text)
    if day is not None:
        return day
    first, last = DATE_RANGE[0].year, DATE_RANGE[1].year
    year = re.match(r"\s*(\d{4})\D", unicodedata.normalize("NFKC", text))
    if year and not first <= int(year[1]) <= last:
        raise CmxlError(f"{text.strip()} 不在 {first}–{last} 年之间，请检查年份")
    raise CmxlError(f"“{text}”不是日期，请写成 {DATE_FORMS}")


FRAMEWORK_KIND, SCHEME_KIND = "能力模型", "认证方案"


@dataclass
class ModelInfo:
    """A competency model (能力模型) or a certification scheme (认证方案), as listed and checked.
    `items`: the model's competencies, or the scheme's grades."""

    kind: str
    id: str
    name: str
    version: str
    effective_date: str
    items: int
    hash: str
    checked_against: str | None = None  # a scheme checked by `check`: the model its levels were checked against

    @property
    def is_framework(self) -> bool:
        return self.kind == FRAMEWORK_KIND

    @classmethod
    def of(cls, model: Framework | Scheme) -> ModelInfo:
        from cmxl.core.model.framework import Framework

        if isinstance(model, Framework):
            f = model.framework
            return cls(FRAMEWORK_KIND, model.id, f.name, model.version, f.effective_date.isoformat(),
                       len(model.competencies), model.content_hash)  # fmt: skip
        s = model.scheme
        return cls(SCHEME_KIND, model.id, s.name, s.version, s.effective_date.isoformat(),
                   len(model.grades), model.content_hash)  # fmt: skip


def frameworks() -> list[ModelInfo]:
    """The models shipped, then the certification schemes shipped."""
    from cmxl.core.model.loading import catalogue

    cat = catalogue()
    return [ModelInfo.of(f) for f in cat.frameworks.values()] + [ModelInfo.of(s) for s in cat.schemes.values()]


def framework_info(spec: str | None = None) -> ModelInfo:
    """The competency model by id or HQ's file; None: the one used when none is asked for."""
    from cmxl.core.model.loading import catalogue

    return ModelInfo.of(catalogue().framework(spec))


def model_info(spec: str) -> ModelInfo:
    """A model or scheme by id, or HQ's file of either kind, checked (CmxlError when it cannot be used)."""
    from cmxl.core.model.loading import catalogue

    return ModelInfo.of(catalogue().model(spec))


def check(path: Path | str, framework: str | None = None) -> ModelInfo:
    """HQ's model or scheme file checked whole; a scheme also against the model it is used with
    (`framework`, default the default model). Raises `cmxl.errors.FrameworkInvalid` listing every
    problem (`.issues`, and `.source`: the file at fault, which may be HQ's `framework` file)."""
    from cmxl.core.model.loading import catalogue, check_file

    fw = catalogue().framework(framework)
    found = ModelInfo.of(check_file(Path(path), fw))
    if not found.is_framework:
        found.checked_against = fw.id
    return found

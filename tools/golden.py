"""Regenerate the committed templates and the golden (normalised XML) files.

    python tools/golden.py

templates/测评模板_<id>.xlsx   one blank assessment template per shipped framework
tests/golden/template_cm18/   the 18-item template, unzipped and normalised
tests/golden/results_陕西/     the results workbook of workbooks/陕西_2026.xlsx, normalised

Normalised: docProps/core.xml (timestamps) dropped, XML canonicalised (C14N) with one element
per line, so a diff shows what changed. Look at a regenerated file rendered once before
committing it (LibreOffice -> PDF -> PNG).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cmxl.core.engine.assessment import assess  # noqa: E402
from cmxl.core.layout.results import build_results  # noqa: E402
from cmxl.core.layout.template import build_template  # noqa: E402
from cmxl.core.model.loading import catalogue  # noqa: E402
from cmxl.docx.certificates import default_template  # noqa: E402
from cmxl.xlsx.read import read_workbook  # noqa: E402
from cmxl.xlsx.render import render  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
TEMPLATES = ROOT / "templates"
CERTIFICATE_TEMPLATE = "证书模板.docx"  # the certificate a clerk prints (cmxl certs print --template)
SAMPLE = ROOT / "workbooks" / "陕西_2026.xlsx"
AS_OF = dt.date(2026, 12, 1)
SKIP = {"docProps/core.xml"}


def normalised(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if name in SKIP:
                continue
            data = zf.read(name)
            if name.endswith((".xml", ".rels", ".vml")):
                text = canonicalize(data.decode("utf-8"))
                out[name] = re.sub(r">\s*<", ">\n<", text) + "\n"
            else:
                out[name] = hashlib.sha256(data).hexdigest() + "\n"
    return out


def write_template(fw_id: str, path: Path) -> Path:
    cat = catalogue()
    render(build_template(cat.framework(fw_id), cat.schemes, cat.workbook_format), path)
    return path


def write_results(path: Path) -> Path:
    cat = catalogue()
    grid = read_workbook(SAMPLE)
    a = assess(grid, cat.framework(), cat, AS_OF)
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    spec = build_results(
        a, grid, source=SAMPLE.name, sha256=digest, tool_version="golden", created="2026-12-01T09:00:00"
    )
    render(spec, path)
    return path


def template_name(fw_id: str) -> str:
    return f"测评模板_{fw_id}.xlsx"


def save_golden(name: str, members: dict[str, str]) -> None:
    folder = GOLDEN / name
    shutil.rmtree(folder, ignore_errors=True)
    for member, text in members.items():
        target = folder / member
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def load_golden(name: str) -> dict[str, str]:
    folder = GOLDEN / name
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    for fw_id in catalogue().frameworks:
        target = TEMPLATES / template_name(fw_id)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_template(fw_id, Path(tmp) / "t.xlsx")
            if not target.exists() or normalised(fresh) != normalised(target):  # no churn from zip timestamps
                shutil.copy(fresh, target)
                print(target)
    save_golden("template_cm18", normalised(TEMPLATES / template_name("cm18")))
    certificate = TEMPLATES / CERTIFICATE_TEMPLATE
    if not certificate.exists():  # HR edits this copy in Word: written once, never overwritten
        default_template(certificate)
        print(certificate)
    with tempfile.TemporaryDirectory() as tmp:
        save_golden("results_陕西", normalised(write_results(Path(tmp) / "results.xlsx")))
    print(GOLDEN)


if __name__ == "__main__":
    main()

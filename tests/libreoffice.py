"""LibreOffice headless as the reference spreadsheet engine: recalculate, convert, render."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_profile(folder: Path) -> Path:
    """A LibreOffice user profile that always recalculates OOXML formulas on load
    (openpyxl stores no cached values, so without it formulas read as empty)."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    return folder


def convert(files: list[Path], fmt: str, outdir: Path, profile: Path, timeout: int = 300) -> list[Path]:
    """Convert with soffice; it exits 0 even when it fails, so each output must exist."""
    exe = soffice()
    assert exe, "LibreOffice is not installed (.ci/run installs it)"
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        exe,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    ext = fmt.split(":")[0]
    outputs = [outdir / (f.stem + "." + ext) for f in files]
    tries = 2  # headless soffice now and then fails a first start on a new profile
    for _ in range(tries):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        missing = [o for o in outputs if not o.exists()]
        if not missing:
            return outputs
        cmd = [*cmd[: -len(files)], *(str(f) for f, o in zip(files, outputs, strict=True) if not o.exists())]
    raise AssertionError(f"soffice produced no {missing} after {tries} tries: {done.stdout} {done.stderr}")

"""A virtual screen (Xvfb) of our own, for driving and photographing the cmxl window."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def virtual_screen(size: str = "1280x800x24") -> Iterator[str]:
    """Start Xvfb on a free display, point DISPLAY at it, and stop it afterwards."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is missing: tools/install_test_deps.sh installs it")
    number = next(n for n in range(91, 140) if not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", size, "-nolisten", "tcp"])
    deadline = time.time() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.time() < deadline:
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{number}"
    try:
        yield f":{number}"
    finally:
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
        server.terminate()
        server.wait(timeout=10)

"""What the add-in remembers for each user: the framework chosen last (a shipped id or the path
of HQ's file) and HQ's certification scheme files. A JSON file in the user's settings folder; one that is missing or unreadable
means the defaults, never an error."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cmxl.api.files import write_text


def settings_path() -> Path:
    override = os.environ.get("CMXL_SETTINGS")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home()))
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return base / "cmxl" / "settings.json"


@dataclass
class Prefs:
    framework: str | None = None  # None: the default framework
    schemes: list[str] = field(default_factory=list)  # HQ's scheme files, in place of the shipped ones

    @classmethod
    def load(cls, path: Path | None = None) -> Prefs:
        try:
            data = json.loads((path or settings_path()).read_text(encoding="utf-8"))
            framework = data.get("framework")
            schemes = data.get("schemes", [])
            return cls(
                framework=framework if isinstance(framework, str) and framework else None,
                schemes=[s for s in schemes if isinstance(s, str) and s] if isinstance(schemes, list) else [],
            )
        except (OSError, ValueError, AttributeError):
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(asdict(self), ensure_ascii=False, indent=1), what="设置文件")


def log_path() -> Path:
    """Where an unexpected error's details go (the clerk sees a message, support reads this)."""
    return settings_path().with_name("cmxl-错误日志.txt")

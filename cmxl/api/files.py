"""The one way cmxl writes a file (cmxl/files.py: a temp file beside the target, fsync, rename;
a locked file said as such), for the add-in's own files (the packaged add-in, the user's
settings), so that the shells reach it through the API."""

from cmxl.files import replacing, write_text

__all__ = ["replacing", "write_text"]

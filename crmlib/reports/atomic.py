"""Files written whole: a unique temporary name beside the file, then :func:`os.replace`, so a reader or
a killed run never sees half a page, index or table."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically: a unique temporary file in the same folder, then
    :func:`os.replace`. Concurrent writers never share a temporary name; readers see the old file
    or the new one, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        with open(tmp, "x", encoding="utf-8") as fh:  # "x": fails rather than share a name
            fh.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def temporary_name(path: Path, suffix: str = ".tmp") -> Path:
    """A name no other process or thread uses, hidden beside ``path``: ``.NAME.PID.RANDOM.tmp``."""
    path = Path(path)
    return path.with_name(f".{path.name[:80]}.{os.getpid()}.{secrets.token_hex(6)}{suffix}")

"""What the project index keeps between runs, per file: JSON (never pickle), trusted while
the file's size and modification time (its stamp) are unchanged. The summaries and the
exports are two such stores. A store that cannot be read or written is ignored, never
raised; entries read back are checked with `as_str`, `as_int`, `as_bool`."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Optional


def stamp_of(path: str) -> Optional[list[int]]:
    """The file's size and modification time, None if it cannot be stat'ed."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


class JsonStore:
    """Entries `key -> [stamp, data]`, loaded from `file` and saved to it atomically."""

    def __init__(self, file: Optional[Path]) -> None:
        self.file = file
        self.entries: dict[str, Any] = {}
        self.dirty = False
        if file is not None:
            with contextlib.suppress(OSError, ValueError, RecursionError):
                data = json.loads(file.read_bytes())
                if isinstance(data, dict):
                    self.entries = data

    def fresh(self, key: str, stamp: list[int]) -> bool:
        """Whether the entry of `key` was kept for a file whose stamp was `stamp`."""
        entry = self.entries.get(key)
        return isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp

    def put(self, key: str, stamp: list[int], data: Any) -> None:
        self.entries[key] = [stamp, data]
        self.dirty = True

    def save(self) -> None:
        if self.file is None or not self.dirty:
            return
        temporary = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.entries, separators=(",", ":")), encoding="ascii")
            os.replace(temporary, self.file)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                temporary.unlink()


def as_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def as_int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an int")
    return value


def as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not a bool")
    return value

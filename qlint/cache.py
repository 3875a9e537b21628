"""Results of linting kept between runs, so an unchanged tree lints in a blink.

One JSON file per qlint version and settings: `.qlint_cache/<version>/<key>.json`,
where `<key>` hashes the settings, the Python that parses (CPython's own parser
decides QL000) and the file format. Each entry is keyed by the path as given on
the command line and holds the sha256 of the bytes it was linted from, so an
edited file misses. Plain data, never pickle: a cache file cannot run code. A
cache that cannot be read, is not our JSON, or is for another version is
ignored and rebuilt; a cache that cannot be written is skipped. Neither raises.

An entry may also hold its file's stamp (size, modification and change times, inode,
device), taken before the bytes were read and kept only when both stamps agree around
the lint and the file was last changed `SETTLED_NS` before: a later run that finds the
same stamp trusts it for the bytes, as ruff and git do, and reads nothing. A change of
the bytes moves the change time, which no tool sets back; a change within the same tick
of the file system's clock as the one before cannot leave the stamp equal, since the
file had not changed for `SETTLED_NS` when it was taken.

Only results of linting bytes (`check_source`) belong here: a file that could
not be read, or is not a regular file, must not be stored, or it would stay
broken after it is fixed. Not shared between threads or processes: the parent
looks up and stores, workers only lint the misses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, Optional

from qlint import __version__
from qlint import diagnostic as diagnostic_module
from qlint.diagnostic import Diagnostic
from qlint.settings import Settings

CACHE_DIR_NAME = ".qlint_cache"
# Bump when the layout of a cache file changes; old files then simply miss.
FORMAT = 3
# An entry not looked up or stored for this many days is dropped on the next save.
KEEP_DAYS = 30
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by qlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

CachedResult = tuple[list[Diagnostic], list[str]]


# How long before its stamp is taken a file must have last changed for the stamp to be
# trusted: far more than the tick of any file system's clock (FAT's is 2 s).
SETTLED_NS = 3_000_000_000


def settled_stamp(path: str) -> Optional[list[int]]:
    """The stamp of the regular file `path` if it last changed `SETTLED_NS` ago or more,
    else None (or if it cannot be stat'ed). Taken before the file is read."""
    now = time.time_ns()
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or max(info.st_mtime_ns, info.st_ctime_ns) > now - SETTLED_NS:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def content_digest(source: bytes) -> str:
    """sha256 of the bytes: measured 1.8x faster than blake2b on the stdlib (SHA-NI)."""
    return hashlib.sha256(source).hexdigest()


def settings_key(settings: Settings) -> str:
    """A short hash of everything besides a file's bytes and path that shapes its result."""
    python = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
    canonical = f"{FORMAT}|{python}|{_code_fingerprint()}|{settings!r}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _code_fingerprint() -> str:
    """qlint's own files (name, size, modification time): a checkout or a reinstall of
    another commit under the same version must not be served the old commit's results."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(n for n in names if n.endswith(".py")):
            info = os.stat(os.path.join(folder, name))
            parts.append(f"{os.path.relpath(os.path.join(folder, name), package)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def summary_store(folder: Path, version: str = __version__) -> Path:
    """Where the project summaries (qlint/project/) live in a cache folder: per qlint version
    and code, since the summaries are what this code reads from a file."""
    return Path(folder) / version / f"summaries-{_code_fingerprint()}.json"


def _today() -> int:
    return int(time.time() // 86400)


class ResultCache:
    """Per-file findings and errors of one version and settings, read once, saved once.

    Pruning: each entry remembers the day it was last looked up or stored, and
    `save()` drops entries unseen for `KEEP_DAYS`. Dropping whatever this run did
    not touch would be cheaper, but a run over a few files (pre-commit passes
    only the changed ones) would then throw away the rest of the tree. A run
    where everything hits rewrites the file at most once a day (to refresh the
    days), otherwise `save()` writes only when something was stored.
    """

    def __init__(self, file: Path, version: str, key: str, entries: dict[str, Any]) -> None:
        self.file = file
        self._version = version
        self._key = key
        self._entries = entries
        self._today = _today()
        self._dirty = False
        # path -> its settled stamp, taken before the run read it (`take_stamps`).
        self.stamps: dict[str, list[int]] = {}

    def take_stamps(self, paths: list[str]) -> None:
        """Take the settled stamp of each of `paths` now, before the run reads any of them:
        a result the run stores for one keeps it if the file still has it then, however
        the run read the file (a whole-project run's workers read before `runner.run`)."""
        for path in paths:
            stamp = settled_stamp(path)
            if stamp is not None:
                self.stamps[path] = stamp

    @classmethod
    def load(cls, folder: Path, settings: Settings, version: str = __version__) -> ResultCache:
        """The cache in `folder` (a `.qlint_cache`), or an empty one if it is missing or unusable."""
        key = settings_key(settings)
        file = Path(folder) / version / f"{key}.json"
        try:
            data = json.loads(file.read_bytes())
        except (OSError, ValueError, RecursionError):  # missing, unreadable, not JSON
            data = None
        usable = (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and data.get("version") == version
            and data.get("settings") == key
            and isinstance(data.get("files"), dict)
        )
        return cls(file, version, key, data["files"] if usable else {})

    def lookup(self, path: str, digest: str, *, edits: bool = False, quick: bool = False) -> CachedResult | None:
        """The diagnostics and errors stored for `path` when its bytes had `digest`, else None.

        With `edits`, only an entry stored with its fixes' text edits serves (json, sarif).
        With `quick`, `digest` is compared with the entry's quick key instead (see `store`).
        """
        entry = self._entries.get(path)
        if not isinstance(entry, dict) or entry.get("quick" if quick else "digest") != digest:
            return None  # no entry, or not one we wrote
        return self._result(entry, edits)

    def lookup_unread(self, path: str, stamp: list[int], project_key: str, *, edits: bool = False) -> CachedResult | None:
        """The result stored for `path` if the entry's stamp is `stamp` (a `settled_stamp`),
        which stands for the bytes, and its quick key's part after the bytes' digest is
        `project_key` (`ProjectContext.quick_key_for`, "" alone): found without reading."""
        entry = self._entries.get(path)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            return None
        quick = entry.get("quick")
        if not isinstance(quick, str) or not quick or quick.partition(":")[2] != project_key:
            return None
        return self._result(entry, edits)

    def _result(self, entry: dict[str, Any], edits: bool) -> CachedResult | None:
        """The entry's result (None if it has no edits and `edits` are wanted); its day is noted."""
        try:
            if edits and entry["edits"] is not True:
                return None
            result = (
                [_diagnostic_from_row(row) for row in entry["diagnostics"]],
                [_text(error) for error in entry["errors"]],
            )
        except (TypeError, KeyError, ValueError, AttributeError):  # no entry, or not one we wrote
            return None
        if entry.get("seen") != self._today:
            entry["seen"] = self._today
            self._dirty = True
        return result

    def store(
        self, path: str, digest: str, diagnostics: list[Diagnostic], errors: list[str], *, edits: bool = True,
        quick: str = "", stamp: Optional[list[int]] = None,
    ) -> None:
        """Remember what `check_source` found in `path` whose bytes had `digest`; `edits`:
        whether its fixes carry their text edits. `quick`: a second key, cheaper to compute
        and changed whenever `digest` may be (for a whole-project run, the bytes and every
        answer of the project: `ProjectContext.quick_key_for`). `stamp`: the file's
        `settled_stamp`, if it stood for the same bytes before and after the lint."""
        self._entries[path] = {
            "digest": digest,
            "quick": quick,
            "stamp": stamp,
            "edits": edits,
            "seen": self._today,
            "diagnostics": [_diagnostic_to_row(diagnostic) for diagnostic in diagnostics],
            "errors": list(errors),
        }
        self._dirty = True

    def note_quick(self, path: str, quick: str) -> None:
        """The entry of `path`, just found by its digest, is found by `quick` next time."""
        entry = self._entries.get(path)
        if isinstance(entry, dict) and entry.get("quick") != quick:
            entry["quick"] = quick
            self._dirty = True

    def note_stamp(self, path: str, stamp: list[int]) -> None:
        """The entry of `path`, just found by the digest of bytes read after `stamp` was
        taken, is found by `stamp` next time."""
        entry = self._entries.get(path)
        if isinstance(entry, dict) and entry.get("stamp") != stamp:
            entry["stamp"] = stamp
            self._dirty = True

    def save(self) -> None:
        """Write the cache atomically if it changed; a folder that cannot be written is skipped."""
        if not self._dirty:
            return
        oldest = self._today - KEEP_DAYS
        files = {
            path: entry
            for path, entry in self._entries.items()
            if isinstance(entry, dict) and isinstance(entry.get("seen"), int) and entry["seen"] >= oldest
        }
        data = {"format": FORMAT, "version": self._version, "settings": self._key, "files": files}
        # ASCII escapes keep lone surrogates (from undecodable source) writable.
        text = json.dumps(data, separators=(",", ":"))
        # Named by process, so two runs at once never write the same temporary file.
        temporary = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            _make_cache_dir(self.file.parent.parent)
            self.file.parent.mkdir(exist_ok=True)
            temporary.write_text(text, encoding="ascii")
            os.replace(temporary, self.file)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                temporary.unlink()
            return
        self._dirty = False


def _make_cache_dir(folder: Path) -> None:
    """Create the cache folder tagged so backup tools skip it and git never sees it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "# Created by qlint.\n*\n")):
        marker = folder / name
        if not marker.exists():
            marker.write_text(content, encoding="utf-8")


# Every field of Diagnostic, in row order; a test fails if Diagnostic gains one not listed here.
ROW_FIELDS = ("path", "line", "col", "code", "message", "end_line", "end_col", "steps", "fix", "related")


def _diagnostic_to_row(found: Diagnostic) -> list[Any]:
    steps = [[line, col, text] for line, col, text in found.steps]
    fix: list[Any] | None = None
    if found.fix is not None:
        edits = found.fix.edits
        rows = None if edits is None else [[e.line, e.col, e.end_line, e.end_col, e.content] for e in edits]
        fix = [found.fix.safety, found.fix.title, rows]
    related = [list(place) for place in found.related]
    return [found.path, found.line, found.col, found.code, found.message, found.end_line, found.end_col, steps, fix,
            related]


def _diagnostic_from_row(row: list[Any]) -> Diagnostic:
    """The exact frozen Diagnostic back (tuples, not lists); TypeError or ValueError if the row is not ours."""
    path, line, col, code, message, end_line, end_col, steps, fix, related = row
    found = Diagnostic(
        _text(path), _int(line), _int(col), _text(code), _text(message), _int(end_line), _int(end_col),
        tuple((_int(step_line), _int(step_col), _text(what)) for step_line, step_col, what in steps),
        related=tuple((_text(p), _int(a), _int(b), _text(what)) for p, a, b, what in related),
    )
    if fix is None:
        return found
    safety, title, edits = fix
    summary = diagnostic_module.FixSummary(
        _text(safety), _text(title),
        None if edits is None else
        tuple(diagnostic_module.Edit(_int(a), _int(b), _int(c), _int(d), _text(text)) for a, b, c, d, text in edits),
    )
    return dataclasses.replace(found, fix=summary)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"not an int: {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    return value

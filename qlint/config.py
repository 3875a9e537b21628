"""`[tool.qlint]` in pyproject.toml: found, read, checked key by key.

The nearest `pyproject.toml` with a `[tool.qlint]` table wins, walking up from the first
path (one without the table is skipped, as ruff skips one without `[tool.ruff]`). Every
key is checked; an unknown key or a bad value is a `ConfigError` that names it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from qlint.settings import (
    DEFAULT_QUEUE_NAME_REGEX,
    SelectionLayer,
    Settings,
    resolve_selection,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

OUTPUT_FORMATS = ("default", "full", "json", "sarif", "github")
# ruff's names for ours: its `concise` is our `default` (flake8's lines).
FORMAT_ALIASES = {"concise": "default"}
_SELECTOR = re.compile(r"^(ALL|QL[0-9]{0,3})$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class ConfigError(Exception):
    """A configuration problem, said in one line that names the key."""


@dataclass
class FileConfig:
    """What a `[tool.qlint]` table says; None where it says nothing."""

    path: Optional[Path] = None
    select: Optional[list[str]] = None
    extend_select: list[str] = field(default_factory=list)
    ignore: Optional[list[str]] = None
    extend_ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: Optional[list[str]] = None
    extend_exclude: list[str] = field(default_factory=list)
    extra_queue_classes: list[str] = field(default_factory=list)
    queue_classes: list[tuple[str, str, Optional[bool]]] = field(default_factory=list)
    queue_name_regex: Optional[str] = None
    output_format: Optional[str] = None


def check_selectors(key: str, codes: list[str]) -> list[str]:
    """Codes or prefixes of a rule (`QL1`, `QL104`, `ALL`); anything else is an error naming `key`.

    A typo such as `QL999` would otherwise select nothing, and CI would pass with nothing checked.
    """
    from qlint.rules import (
        CODES,  # the codes come from module names: no rule is imported
    )

    for code in codes:
        if not _SELECTOR.match(code):
            raise ConfigError(f"{key}: unknown rule selector {code!r} (expected QL, QLn, QLnn, QLnnn or ALL)")
        if code != "ALL" and not any(rule.startswith(code) for rule in CODES):
            raise ConfigError(f"{key}: unknown rule selector {code!r}: no rule's code starts with it "
                              "(`qlint rule` lists them)")
    return codes


def _strings(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
    return value


def _selectors(key: str, value: Any) -> list[str]:
    return check_selectors(key, _strings(key, value))


def _dotted_names(key: str, value: Any) -> list[str]:
    names = _strings(key, value)
    for name in names:
        if not _DOTTED.match(name):
            raise ConfigError(f"{key}: {name!r} is not a dotted class name like 'gevent.queue.JoinableQueue'")
    return names


def _queue_classes(key: str, value: Any) -> list[tuple[str, str, Optional[bool]]]:
    """`"mylib.jobs.JobQueue" = { like = "queue.Queue", join-timeout = true }`: a row of the
    queue-class registry, like a class qlint knows."""
    from qlint.registry import BUILTIN

    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table of class = {{ like = \"queue.Queue\" }}, got {value!r}")
    rows = []
    for name, row in value.items():
        if not _DOTTED.match(name):
            raise ConfigError(f"{key}: {name!r} is not a dotted class name like 'mylib.jobs.JobQueue'")
        if not isinstance(row, dict) or set(row) - {"like", "join-timeout"} or "like" not in row:
            raise ConfigError(f"{key}.{name}: expected {{ like = \"queue.Queue\" }} and an optional join-timeout")
        if row["like"] not in BUILTIN:
            known = ", ".join(sorted(n for n in BUILTIN if "()" not in n))
            raise ConfigError(f"{key}.{name}: like = {row['like']!r} is not a class qlint knows ({known})")
        timeout = row.get("join-timeout")
        if timeout is not None and not isinstance(timeout, bool):
            raise ConfigError(f"{key}.{name}: join-timeout must be true or false")
        rows.append((name, row["like"], timeout))
    return rows


def _regex(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise ConfigError(f"{key}: not a regular expression: {error}") from None
    return value


def _output_format(key: str, value: Any) -> str:
    if value not in OUTPUT_FORMATS and value not in FORMAT_ALIASES:
        raise ConfigError(f"{key}: expected one of {', '.join(OUTPUT_FORMATS + tuple(FORMAT_ALIASES))}, got {value!r}")
    name: str = value  # one of the names above
    return FORMAT_ALIASES.get(name, name)


def _per_file_ignores(key: str, value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table of pattern = [codes], got {value!r}")
    return {pattern: _selectors(f"{key}.{pattern}", codes) for pattern, codes in value.items()}


_KEYS: dict[str, Callable[[str, Any], Any]] = {
    "select": _selectors,
    "extend-select": _selectors,
    "ignore": _selectors,
    "extend-ignore": _selectors,
    "per-file-ignores": _per_file_ignores,
    "exclude": _strings,
    "extend-exclude": _strings,
    "extra-queue-classes": _dotted_names,
    "queue-classes": _queue_classes,
    "queue-name-regex": _regex,
    "output-format": _output_format,
}


def find_config(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a `[tool.qlint]` table, from `start` upwards."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def _has_table(path: Path) -> bool:
    try:
        return "qlint" in _read(path).get("tool", {})
    except ConfigError:
        return True  # a broken file is reported when it is loaded, not skipped


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:  # TOML is UTF-8 only
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def load_config(path: Path, table_required: bool = False) -> FileConfig:
    """Read and check `[tool.qlint]` of `path` (a file named by --config must have one)."""
    table = _read(path).get("tool", {}).get("qlint")
    if table is None:
        if table_required:
            raise ConfigError(f"{path}: no [tool.qlint] table")
        return FileConfig(path=path)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.qlint: expected a table")
    config = FileConfig(path=path)
    for key, value in table.items():
        check = _KEYS.get(key)
        if check is None:
            raise ConfigError(f"{path}: tool.qlint: unknown key {key!r}")
        try:
            setattr(config, key.replace("-", "_"), check(key, value))
        except ConfigError as error:
            raise ConfigError(f"{path}: tool.qlint.{error}") from None
    return config


def build_settings(
    config: FileConfig,
    command_line: SelectionLayer = SelectionLayer(),
    per_file_ignores: Optional[dict[str, list[str]]] = None,
) -> Settings:
    """The settings of a run: the file's `[tool.qlint]`, then the command line's selection
    (and its `--per-file-ignores`, which replace the file's). The CLI and the flake8 plugin
    both build theirs here, so that they find the same things."""
    from qlint.rules import CODES

    from_file = SelectionLayer(
        tuple(config.select) if config.select is not None else None,
        tuple(config.extend_select),
        tuple((config.ignore or []) + config.extend_ignore),
    )
    ignores = config.per_file_ignores if per_file_ignores is None else per_file_ignores
    return Settings(
        select=resolve_selection(CODES, [from_file, command_line]),
        per_file_ignores=tuple((pattern, tuple(codes)) for pattern, codes in ignores.items()),
        extra_queue_classes=tuple(config.extra_queue_classes),
        queue_classes=tuple(config.queue_classes),
        queue_name_regex=config.queue_name_regex or DEFAULT_QUEUE_NAME_REGEX,
    )

"""A file's bytes, and its text and CPython's tree, as every reader of the index takes them.

qlint never imports the code: the index reads it. A file that is not a regular file (a
FIFO named x.py would block the read for ever), cannot be read, does not decode or does
not parse says nothing to its project; its reader catches UNREADABLE, never more.
"""

from __future__ import annotations

import ast
import io
import os
import stat
import tokenize
import warnings
from typing import Optional

# What reading, decoding, parsing or walking a file may raise.
UNREADABLE = (OSError, SyntaxError, UnicodeDecodeError, LookupError, ValueError, RecursionError, MemoryError, SystemError)


def read_bytes(path: str) -> tuple[Optional[list[int]], Optional[bytes]]:
    """The file's stamp (size, modification time) taken before reading, and its bytes;
    (None, None) when it is not a regular file or cannot be read."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, None
        with open(path, "rb") as handle:
            return [info.st_size, info.st_mtime_ns], handle.read()
    except OSError:
        return None, None


def parse_source(source: bytes, path: str) -> tuple[str, ast.Module]:
    """The text of `source`, decoded as Python decodes it (its coding cookie; `utf-8-sig`
    drops a BOM), and CPython's tree of it. Raises one of UNREADABLE."""
    text = decode_source(source)
    return text, parse_text(text, path)


def parse_text(text: str, path: str) -> ast.Module:
    """CPython's tree of `text`. Raises one of UNREADABLE."""
    with warnings.catch_warnings():  # CPython's warnings about the user's code are not ours to print
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


def decode_source(source: bytes) -> str:
    """`source` decoded as Python decodes it. Raises one of UNREADABLE."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    return source.decode(encoding)

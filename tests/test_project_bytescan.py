"""The gates' cheap first look for a method call (qlint/project/bytescan.py)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from qlint.project.bytescan import GAP, may_call

JOIN = re.compile(rb"join" + GAP + rb"\(" + GAP + rb"\)")
DOT_JOIN = re.compile(rb"\." + GAP + JOIN.pattern)
PIECES = [b".", b"join", b"(", b")", b" ", b"\\\n", b"# c\n", b"#", b"\n", b"x", b"re", b"_", b"\xc3\xa9", b"'"]


def test_a_call_found_and_a_longer_name_or_an_argument_not() -> None:
    assert may_call(b"t.join()", (b"join",), JOIN)
    assert may_call(b"t . join (  # wait\n )", (b"join",), JOIN)
    assert may_call(b"t.\\\n    join()", (b"join",), JOIN)
    assert not may_call(b"t.rejoin()", (b"join",), JOIN)
    assert not may_call(b"', '.join(parts)", (b"join",), JOIN)
    assert not may_call(b"join", (b"join",), JOIN)


@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_never_false_where_the_dotted_expression_matches(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert may_call(data, (b"join",), JOIN) or DOT_JOIN.search(data) is None


GAPS = st.lists(st.sampled_from([b" ", b"\t", b"\\\n", b"  # a comment\n", b"\n", b"\r\n"]), max_size=3).map(b"".join)


@given(st.sampled_from(PIECES), GAPS, GAPS, GAPS, st.sampled_from(PIECES))
def test_a_dotted_call_across_any_gap_is_found(before: bytes, gap1: bytes, gap2: bytes, gap3: bytes, after: bytes) -> None:
    data = before + b"x." + gap1 + b"join" + gap2 + b"(" + gap3 + b")" + after
    assert DOT_JOIN.search(data) is not None
    assert may_call(data, (b"join",), JOIN)

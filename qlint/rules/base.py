"""What a rule is: a code, a name, a one-line message, its documentation, and a check."""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Callable, Iterable, Iterator, Optional, Union

import libcst as cst

from qlint.analysis.consumers import ConsumerLoop
from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import summaries_under
from qlint.analysis.path_state import GET
from qlint.analysis.queues import QueueGroup
from qlint.analysis.waits import WAIT_STEP, Wait
from qlint.fixes.blocks import contains
from qlint.fixes.model import Fix
from qlint.registry import WORKER_MAKERS


@dataclass(frozen=True)
class Finding:
    """Where a finding points, its message if it names something, the path that leads there."""

    node: cst.CSTNode
    message: Optional[str] = None
    steps: tuple[tuple[cst.CSTNode, str], ...] = ()
    fix: Optional[Fix] = None
    # Nodes whose line numbers the message names: `{0}` in the message is the first one's line.
    mentions: tuple[cst.CSTNode, ...] = ()
    # Places in other files of the project (path, line, col, what), as Diagnostic.related.
    related: tuple[tuple[str, int, int, str], ...] = ()


# A check yields the node a finding points at, (node, message) when the message names
# something of the finding (a producer thread, a worker function), or a Finding.
Check = Callable[[ModuleFacts], Iterable[Union[cst.CSTNode, tuple[cst.CSTNode, str], Finding]]]


def as_finding(item: Union[cst.CSTNode, tuple[cst.CSTNode, str], Finding]) -> Finding:
    if isinstance(item, Finding):
        return item
    if isinstance(item, tuple):
        return Finding(item[0], item[1])
    return Finding(item)


# A sound test on a file's text: False only if the rule cannot fire in that file.
#
# Gates look for words (`task_done`, `get`) and for calls by name (`.join(`), never for a
# call's arguments' spelling: between two tokens Python allows spaces, line breaks,
# backslash continuations and, inside brackets, comments (`q.join(  # all\n)`), and a
# comment may hold any character (`with (  # note: ...`). tests/test_gates.py lints the
# fixtures, programs written against each gate and the standard library with gates and
# without, and requires the same findings.
Gate = Callable[[str], bool]


def _once_per_text(gate: Gate) -> Gate:
    """A gate that several rules' gates share, asked again of the same text by each: the
    last answer is kept (`engine.rules_for` asks every gate of one file in a row)."""
    return functools.lru_cache(maxsize=1)(gate)


# What may stand between two tokens: whitespace, a line continuation, a comment.
_GAP = r"(?:\s|\\|#[^\r\n]*(?![^\r\n]))*"  # a comment runs to the end of its line


def _method_call(method: str) -> re.Pattern[str]:
    """`.method(` with anything Python allows between the three tokens."""
    return re.compile(r"\." + _GAP + method + _GAP + r"\(")


_JOIN_CALL = _method_call("join")
_GET_CALL = _method_call("get")
# `.join(` and then something that is not `)`: an argument.
_JOIN_WITH_ARGUMENT = re.compile(_JOIN_CALL.pattern + _GAP + r"[^)\s#\\]")
_WORKER_MAKERS = tuple(sorted(WORKER_MAKERS))


def item_uses(facts: ModuleFacts, loop: ConsumerLoop) -> Callable[[cst.CSTNode], bool]:
    """For a fix: does a statement use the loop's item, or a value derived from it, for work?

    The names are the path walk's `tainted` ones, collected over the whole loop body (in
    any order, until nothing is added): the names the get binds (or the `for` target of
    `iter(q.get, SENTINEL)`), then every name assigned from an expression that reads one.
    That is more than each path holds, so a fix that covers these uses covers the walk's.
    Handing the item on (print, logging, collecting it, yield, return) is not work.
    """
    summaries = facts.record.summaries
    under = list(summaries_under(summaries, loop.node))
    gets = {id(get) for get in loop.gets}
    names: set[str] = set()
    header = summaries.get(id(loop.node))
    if isinstance(loop.node, cst.For) and header is not None and contains(loop.node.iter, loop.gets):
        names |= header.stores
    grown = True
    while grown:
        grown = False
        for summary in under:
            if not summary.stores <= names and (summary.loads & names or any(id(c) in gets for c in summary.calls)):
                names |= summary.stores
                grown = True
    return lambda node: any(
        summary.loads & names and not (summary.hands_on or summary.yields or summary.returns)
        for summary in summaries_under(summaries, node)
    )


def acknowledges_in(facts: ModuleFacts, group: QueueGroup) -> Callable[[cst.Call], bool]:
    """For a fix: may a call acknowledge the group's queue (directly, through a helper or
    method, or by handing the queue to unseen code)? Anything but a get counts."""
    return lambda call: facts.consumers.classify(group, call) not in (None, GET)


def path_findings(
    facts: ModuleFacts,
    kind: str,
    fixer: Optional[Callable[[ConsumerLoop, cst.CSTNode], Optional[Fix]]] = None,
    waited: Optional[str] = None,
    only: Callable[[ConsumerLoop], bool] = lambda loop: True,
) -> Iterator[Finding]:
    """The nodes of the path events of `kind` (analysis/path_state.py) in every consumer
    loop, once each, with the fix `fixer` builds for one in its loop.

    With `waited`, a message in which `{wait}` stands for the waiter: only loops of a queue
    that something waits on (`analysis/waits.py`) are reported, and the message names it.
    `only` picks the loops worth reporting on.
    """
    for loop in facts.consumers.loops:
        if loop.paths is None or not only(loop):
            continue
        wait = facts.waits.of(loop.group) if waited is not None else None
        if waited is not None and wait is None:
            continue  # nobody waits on this queue: a skipped task_done() changes nothing
        for node in loop.paths.nodes(kind):
            fix = fixer(loop, node) if fixer is not None else None
            if wait is None or waited is None:  # (`wait` is None when `waited` is)
                yield Finding(node, fix=fix)
            else:
                yield naming_wait(Finding(node, fix=fix), waited, wait)


def naming_wait(finding: Finding, template: str, wait: Wait) -> Finding:
    """`finding` with the message `template`, `{wait}` replaced by who waits, and the wait
    as the last step of its path when it is in view."""
    phrase = wait.phrase()
    message = template.replace("{wait}", phrase)
    step = wait.step()
    if wait.where is not None:
        return replace(finding, message=message, related=((*wait.where, WAIT_STEP),))
    if step is None:
        return replace(finding, message=message)
    steps = finding.steps or ((finding.node, "here"),)
    return replace(finding, message=message, steps=steps + (step,), mentions=(step[0],))


def consumer_gate(text: str) -> bool:
    """A consumer loop (`get`) and a reason to acknowledge: `task_done`, a `JoinableQueue`,
    or a `.join(` call (with any arguments: the rules count `q.join(5)` as a join too)."""
    return "get" in text and ("task_done" in text or "JoinableQueue" in text or join_call_gate(text))


@_once_per_text
def join_call_gate(text: str) -> bool:
    """Some `.join(` call, however it is spelled across lines and comments, that may be a
    queue's or a worker's: not a string literal's (`", ".join(`), nor `os.path.join(`."""
    if "join" not in text:
        return False
    for call in _JOIN_CALL.finditer(text):
        start = call.start()
        if text[start - 1 : start] not in ("'", '"') and text[max(start - 8, 0) : start] not in _NOT_JOINS:
            return True
    return False


# The text before `.join(` of two joins that are never a queue's or a worker's.
_NOT_JOINS = frozenset({" os.path", "(os.path", "=os.path", "\tos.path", "\nos.path", ",os.path", "[os.path"})


def join_with_argument_gate(text: str) -> bool:
    """A queue class named in the text (every known one ends in `Queue`), joined with an argument."""
    return "Queue" in text and "join" in text and _JOIN_WITH_ARGUMENT.search(text) is not None


def non_joinable_gate(text: str) -> bool:
    """Every class without task_done()/join() is named `...Queue` (qlint/registry.py)."""
    return "Queue" in text and ("join" in text or "task_done" in text)


# A join without a timeout: its arguments are not looked at (`t.join(  # c\n)`,
# `t.join(timeout=None)`, `t.join((None))` are all untimed), so any join call passes.
untimed_join_gate = join_call_gate
# Queue.join() takes no argument; the rule skips one with arguments, the gate need not.
empty_join_gate = join_call_gate


@_once_per_text
def get_call_gate(text: str) -> bool:
    """Some `.get(` call, however it is spelled across lines and comments."""
    return "get" in text and _GET_CALL.search(text) is not None


def with_get_gate(text: str) -> bool:
    """For QL302: a `.get(` call in the header of a `with` statement (its items)."""
    if "with" not in text or "get" not in text:
        return False
    if "\r" in text:  # a lone carriage return ends a line too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    at = text.find("with")
    while at >= 0:
        end = at + 4
        if _starts_statement(text, at) and not (text[end : end + 1].isalnum() or text[end : end + 1] == "_"):
            header = _with_header(text, end)
            if header is None or _GET_CALL.search(header) is not None:
                return True
        at = text.find("with", end)
    return False


def _starts_statement(text: str, at: int) -> bool:
    """Whether the word at `at` starts its line, or follows only `async` there: a compound
    statement such as `with` follows no `;` or `:` (a backslash-continued `async` ends its
    own line, so its `with` starts the next one)."""
    line = text[text.rfind("\n", 0, at) + 1 : at].strip(" \t\f")
    return line in ("", "async") or (line.startswith("async") and line[5:].strip(" \t\f") == "")


def _with_header(text: str, at: int) -> Optional[str]:
    """The text of a `with` header from `at` to its colon (the first one outside brackets,
    strings and comments that no `lambda` before it may own), or None when a scan this
    simple cannot be sure where it ends: a string that does not close."""
    depth, end, colons = 0, at, 0
    while True:
        found = _HEADER_MARK.search(text, end)
        if found is None:
            return text[at:]
        end, char = found.start(), found.group()
        if char == "#":
            newline = text.find("\n", end)
            end = len(text) if newline < 0 else newline
            continue
        if char in "'\"":
            close = _string_end(text, end)
            if close is None:
                return None
            end = close
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == "\\":
            end += 1  # a line continuation: the next character is not a statement's end
        elif char == "\n" and depth == 0:
            return text[at:end]  # not a header after all (the word was in a string or a name)
        elif char == ":" and depth == 0:
            header = text[at:end]
            if header.count("lambda") <= colons:  # else the colon may be a lambda's
                return header
            colons += 1
        end += 1


# What the header scan stops at.
_HEADER_MARK = re.compile(r"[#'\"()\[\]{}\\\n:]")


def _string_end(text: str, at: int) -> Optional[int]:
    """The index after the string literal whose opening quote is at `at`, or None if it
    does not close (a one-quote string closes on its line, unless a backslash continues it)."""
    quote = text[at]
    if text.startswith(quote * 3, at):
        close = at + 3
        while True:
            close = text.find(quote * 3, close)
            if close < 0:
                return None
            start = close
            while text[start - 1] == "\\":
                start -= 1
            if (close - start) % 2 == 0:  # not an escaped quote
                return close + 3
            close += 1
    end = at + 1
    while end < len(text):
        char = text[end]
        if char == "\\":
            end += 2
            continue
        if char == quote:
            return end + 1
        if char == "\n":
            return None
        end += 1
    return None


def blocking_get_gate(text: str) -> bool:
    """For QL301: an `Empty` caught and a `.get(` call (its arguments are not looked at).

    Every known Empty exception lives in a module named `...queue`/`...queues`, or is
    asyncio's `QueueEmpty`; a handler names it through that module or an import from it."""
    return "Empty" in text and ("queue" in text or "QueueEmpty" in text) and get_call_gate(text)


_EMPTY_CALL = _method_call("empty")


def empty_check_gate(text: str) -> bool:
    """For QL107: a loop whose test calls `.empty()` or `.qsize()`, a get, and a worker."""
    return (
        "while" in text
        and "get" in text
        and ("qsize" in text or ("empty" in text and _EMPTY_CALL.search(text) is not None))
        and worker_gate(text)
    )


@_once_per_text
def worker_gate(text: str) -> bool:
    """Something that starts a thread, process or task."""
    return any(maker in text for maker in _WORKER_MAKERS)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str
    doc: str
    check: Check
    gate: Gate
    fixable: bool = False  # whether some of its findings carry a fix
    fires_when: str = ""  # one line for the README's rule table


def rule_from_module(module: ModuleType) -> Rule:
    """A rule module holds CODE, NAME, FIRES_WHEN, MESSAGE, a docstring, `check(facts)`,
    `gate(text)` and `possible(evidence)`."""
    return Rule(
        code=module.CODE,
        name=module.NAME,
        message=module.MESSAGE,
        doc=inspect.cleandoc(module.__doc__ or ""),
        check=module.check,
        gate=module.gate,
        fixable=getattr(module, "FIXABLE", False),
        fires_when=module.FIRES_WHEN,
    )

"""What a rule is: a code, a name, a one-line message, its documentation, and a check."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Callable, Iterable, Iterator, Optional, Union

import libcst as cst

from qlint.analysis.consumers import ConsumerLoop
from qlint.analysis.facts import ModuleFacts
from qlint.analysis.path_state import GET, PathFindings, unique
from qlint.analysis.queues import QueueGroup
from qlint.analysis.waits import Wait
from qlint.fixes.model import Fix


@dataclass(frozen=True)
class Finding:
    """Where a finding points, its message if it names something, the path that leads there."""

    node: cst.CSTNode
    message: Optional[str] = None
    steps: tuple[tuple[cst.CSTNode, str], ...] = ()
    fix: Optional[Fix] = None
    # Nodes whose line numbers the message names: `{0}` in the message is the first one's line.
    mentions: tuple[cst.CSTNode, ...] = ()


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
Gate = Callable[[str], bool]

_EMPTY_JOIN = re.compile(r"\.\s*join\s*\(\s*\)")
_UNTIMED_JOIN = re.compile(r"\.\s*join\s*\(\s*(?:(?:timeout\s*=\s*)?None\s*)?\)")
_JOIN_WITH_ARGUMENT = re.compile(r"\.\s*join\s*\(\s*[^)\s]")
_WORKER_MAKERS = ("Thread", "Process", "create_task", "ensure_future", "submit")


def acknowledges_in(facts: ModuleFacts, group: QueueGroup) -> Callable[[cst.Call], bool]:
    """For a fix: may a call acknowledge the group's queue (directly, through a helper or
    method, or by handing the queue to unseen code)? Anything but a get counts."""
    return lambda call: facts.consumers.classify(group, call) not in (None, GET)


def path_findings(
    facts: ModuleFacts,
    pick: Callable[[PathFindings], list[cst.CSTNode]],
    fixer: Optional[Callable[[ConsumerLoop, cst.CSTNode], Optional[Fix]]] = None,
    waited: Optional[str] = None,
    only: Callable[[ConsumerLoop], bool] = lambda loop: True,
) -> Iterator[Finding]:
    """The nodes `pick` takes from the path walk of every consumer loop, once each, with
    the fix `fixer` builds for one in its loop.

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
        for node in unique(pick(loop.paths)):
            fix = fixer(loop, node) if fixer is not None else None
            if wait is None:
                yield Finding(node, fix=fix)
            else:
                yield naming_wait(Finding(node, fix=fix), waited, wait)  # type: ignore[arg-type]


def naming_wait(finding: Finding, template: str, wait: Wait) -> Finding:
    """`finding` with the message `template`, `{wait}` replaced by who waits, and the wait
    as the last step of its path when it is in view."""
    phrase = wait.phrase()
    message = template.replace("{wait}", phrase)
    step = wait.step()
    if step is None:
        return replace(finding, message=message)
    steps = finding.steps or ((finding.node, "here"),)
    return replace(finding, message=message, steps=steps + (step,), mentions=(step[0],))


def consumer_gate(text: str) -> bool:
    """A consumer loop (`get`) and a reason to acknowledge: `task_done`, `q.join()`
    (Queue.join takes no argument, so it reads `.join()`), or a `JoinableQueue`."""
    return "get" in text and ("task_done" in text or "JoinableQueue" in text or _EMPTY_JOIN.search(text) is not None)


def join_with_argument_gate(text: str) -> bool:
    """A queue class named in the text (every known one ends in `Queue`), joined with an argument."""
    return "Queue" in text and _JOIN_WITH_ARGUMENT.search(text) is not None


def non_joinable_gate(text: str) -> bool:
    """A non-joinable class can only come from `SimpleQueue` or the multiprocessing module."""
    return ("SimpleQueue" in text or "multiprocessing" in text) and ("join" in text or "task_done" in text)


def untimed_join_gate(text: str) -> bool:
    """`x.join()`, `x.join(None)` or `x.join(timeout=None)` somewhere in the text."""
    return _UNTIMED_JOIN.search(text) is not None


def empty_join_gate(text: str) -> bool:
    return _EMPTY_JOIN.search(text) is not None


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


def rule_from_module(module: ModuleType) -> Rule:
    """A rule module holds CODE, NAME, MESSAGE, a docstring, `check(facts)` and `gate(text)`."""
    return Rule(
        code=module.CODE,
        name=module.NAME,
        message=module.MESSAGE,
        doc=inspect.cleandoc(module.__doc__ or ""),
        check=module.check,
        gate=module.gate,
        fixable=getattr(module, "FIXABLE", False),
    )

"""Argument flows: how the objects a call hands over reach the parameters of the
function that receives them.

A direct call `f(q)`, a thread's `target=f, args=(q,)` (or `kwargs=`), and a submitter
(`executor.submit(f, q)`, `loop.call_soon(f, q)`, `_thread.start_new_thread(f, (q,))`)
each link an argument to a parameter of a same-module function. It is separate from
queues.py because it reads calls, not queues: it only reports each flow to the queue
facts, which decide what the flowing object is.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import libcst as cst

from qlint.analysis.held_classes import IdentityOf
from qlint.analysis.model import CallSite, Scope
from qlint.analysis.queue_groups import Identity
from qlint.analysis.record import ModuleRecord
from qlint.analysis.scopes import resolve_function
from qlint.registry import SUBMITTERS

# `value` (an expression in a scope) flows into an identity: an assignment, an argument.
FlowInto = Callable[[Scope, cst.BaseExpression, Optional[Identity]], None]


class ArgumentFlows:
    """The calls of a module that hand objects to a same-module function, now or later."""

    def __init__(self, record: ModuleRecord, identity: IdentityOf, flow: FlowInto) -> None:
        self.record = record
        self.identity = identity
        self.flow = flow
        self.callee_of_call: dict[int, tuple[Scope, int]] = {}  # id(call) -> (function, skipped args)
        self.wired_calls: set[int] = set()  # calls whose function argument qlint resolved
        # id(call) -> the same-module function a thread, executor or callback will run later
        self.deferred_of_call: dict[int, Scope] = {}

    def link_call(self, site: CallSite) -> None:
        """Link arguments to parameters where a same-module function receives them."""
        call, scope = site.node, site.scope
        callee = resolve_function(self.record, scope, call.func)
        if callee is not None:
            function, skipped = callee
            self.callee_of_call[id(call)] = callee
            self.link_arguments(scope, function, skipped, call.args)
        func = call.func
        method = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "target":
                target = resolve_function(self.record, scope, arg.value)
                if target is not None:
                    self.wired_calls.add(id(call))
                    self.deferred_of_call[id(call)] = target[0]
                    self.link_thread_args(scope, target, call.args)
        if method in SUBMITTERS:
            index = SUBMITTERS[method]
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if len(positional) > index:
                target = resolve_function(self.record, scope, positional[index].value)
                if target is not None and method != "partial":
                    self.deferred_of_call[id(call)] = target[0]
                if target is not None:
                    self.wired_calls.add(id(call))
                    function, skipped = target
                    rest = positional[index + 1 :]
                    if method == "start_new_thread" and rest and isinstance(rest[0].value, cst.Tuple):
                        self.link_values(scope, function, skipped, [e.value for e in rest[0].value.elements])
                    else:
                        self.link_arguments(scope, function, skipped, rest)

    def link_thread_args(self, scope: Scope, target: tuple[Scope, int], args: Iterable[cst.Arg]) -> None:
        function, skipped = target
        for arg in args:
            if arg.keyword is None:
                continue
            if arg.keyword.value == "args" and isinstance(arg.value, (cst.Tuple, cst.List)):
                self.link_values(scope, function, skipped, [e.value for e in arg.value.elements])
            elif arg.keyword.value == "kwargs" and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                        name = element.key.evaluated_value
                        if isinstance(name, str) and name in function.params:
                            self.flow(scope, element.value, self.identity(function, cst.Name(name)))

    def link_values(self, scope: Scope, function: Scope, skipped: int, values: list[cst.BaseExpression]) -> None:
        params = function.params[skipped:]
        for param, value in zip(params, values):
            self.flow(scope, value, self.identity(function, cst.Name(param)))

    def link_arguments(self, scope: Scope, function: Scope, skipped: int, args: Iterable[cst.Arg]) -> None:
        params = function.params[skipped:]
        position = 0
        for arg in args:
            if arg.star:
                return
            if arg.keyword is None:
                if position < len(params):
                    self.flow(scope, arg.value, self.identity(function, cst.Name(params[position])))
                position += 1
            elif arg.keyword.value in function.params:
                self.flow(scope, arg.value, self.identity(function, cst.Name(arg.keyword.value)))

"""Every rule qlint has, in code order."""

from __future__ import annotations

from qlint.rules import (
    ql101_get_without_task_done,
    ql102_path_skips_task_done,
    ql103_task_done_before_processing,
    ql104_task_done_not_in_finally,
    ql201_queue_join_with_timeout,
    ql202_join_on_non_joinable,
    ql203_thread_join_on_endless_consumer,
    ql204_queue_join_before_producers_done,
    ql205_queue_join_inside_consumer,
)
from qlint.rules.base import Rule, rule_from_module

RULES: tuple[Rule, ...] = tuple(
    rule_from_module(m)
    for m in (
        ql101_get_without_task_done,
        ql102_path_skips_task_done,
        ql103_task_done_before_processing,
        ql104_task_done_not_in_finally,
        ql201_queue_join_with_timeout,
        ql202_join_on_non_joinable,
        ql203_thread_join_on_endless_consumer,
        ql204_queue_join_before_producers_done,
        ql205_queue_join_inside_consumer,
    )
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

# Not a rule: a file qlint could not parse.
SYNTAX_ERROR = "QL000"

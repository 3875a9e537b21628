"""The facts of one module that rules read: built once per file from one walk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from qlint.analysis.consumers import ConsumerFacts
from qlint.analysis.queues import QueueFacts
from qlint.analysis.record import ModuleRecord
from qlint.analysis.threads import ThreadFacts
from qlint.analysis.waits import QueueWaits
from qlint.analysis.walk import walk_module
from qlint.project.view import ProjectView
from qlint.settings import Settings


@dataclass
class ModuleFacts:
    """Everything a rule may ask about a module."""

    module: cst.Module
    record: ModuleRecord
    queues: QueueFacts
    consumers: ConsumerFacts
    threads: ThreadFacts
    waits: QueueWaits


def module_facts(module: cst.Module, settings: Settings, project: Optional[ProjectView] = None) -> ModuleFacts:
    """`project`: what the rest of the project says about this module's queues (qlint/project/)."""
    record = walk_module(module)
    queues = QueueFacts(record, settings, project)
    consumers = ConsumerFacts(record, queues)
    threads = ThreadFacts(record, queues, consumers, project)
    return ModuleFacts(module, record, queues, consumers, threads, QueueWaits(record, queues, project))

"""A time limit on one Whoosh search, checked at every unit of work.

Whoosh scores in Python: a query of many terms costs seconds per thousand matching documents.
The expansion caps of the search core bound the number of terms; this bounds what is left. Each
matched document the top-k collector takes, and each posting block or term the document sets
read, first checks the deadline; once it has passed the search stops and answers with what it
found, and the caller adds a note. The clock is a parameter, so tests count work units instead of
waiting for time to pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from whoosh.collectors import FilterCollector, WrappingCollector

SEARCH_SECONDS = 5.0  # how long one Whoosh search may collect before it answers with what it found


class SearchStopped(Exception):  # noqa: N818 - a signal inside the engine, never seen by users
    """The deadline passed; raised inside the engine only."""


class Deadline:
    def __init__(self, seconds: float = SEARCH_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.at = clock() + seconds
        self.passed = False

    def check(self) -> None:
        """One unit of work is about to be done: SearchStopped when the time is up."""
        if self.passed or self.clock() >= self.at:
            self.passed = True
            raise SearchStopped


class DeadlineCollector(WrappingCollector):
    """Checks the deadline before each matched document is collected (the child keeps what it took)."""

    def __init__(self, child, deadline: Deadline) -> None:
        super().__init__(child)
        self.deadline = deadline

    def collect_matches(self) -> None:
        for sub_docnum in self.child.matches():  # matches() keeps Whoosh's block-quality skipping
            self.collect(sub_docnum)

    def collect(self, sub_docnum):
        self.deadline.check()
        return self.child.collect(sub_docnum)


def with_deadline(collector, deadline: Deadline):
    """The collector with the deadline inside any filter (a filter collects through its child)."""
    if isinstance(collector, FilterCollector):
        collector.child = DeadlineCollector(collector.child, deadline)
        return collector
    return DeadlineCollector(collector, deadline)

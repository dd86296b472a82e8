"""Vocabulary lookups in a few round trips, for an engine whose lexicon is far away (a cluster).

The search core asks its lexicon one word at a time (`df`, `prefixed`): the embedded engines
answer each from their own files, but a cluster would need one request each — hundreds for
`s*`. A lexicon that can batch offers `rounds()`: the core's work runs first as dry runs against
what the lexicon already holds, each noting what it lacked, which the lexicon then fetches in one
request; the real run follows with everything at hand. Lookups that depend on earlier answers
(a prefix's words, then how often each occurs) take one round each, and `rounds()` bounds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bigsearch.errors import BigsearchError

T = TypeVar("T")


def with_lookahead(lexicon, work: Callable[[object], T]) -> T:
    """`work(lexicon)`, after dry runs that let a batching lexicon fetch what it will be asked."""
    rounds = getattr(lexicon, "rounds", None)
    if rounds is not None:
        for dry_run in rounds():
            try:
                work(dry_run)
            except BigsearchError:
                break  # the real run below raises it, with every lookup answered for real
    return work(lexicon)

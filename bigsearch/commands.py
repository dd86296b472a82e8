"""What `bigsearch search` does once its arguments are parsed: shared by the typer command and the
fast start-up path (bigsearch/entry.py), so both behave and print exactly alike."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bigsearch.search.results import Filters


@dataclass
class SearchArgs:
    query: str
    filters: Filters
    sort: str = "relevance"
    limit: int = 10
    offset: int = 0
    as_json: bool = False
    index_dir: Path | None = None
    corpus: Path | None = None


def notify(message: str) -> None:
    print(message, file=sys.stderr)


def run_search(args: SearchArgs) -> int:
    """Runs the search and prints it; returns the exit code (1 when nothing is found)."""
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.search.session import open_searcher

    with open_searcher(resolve_index(args.index_dir), resolve_corpus(args.corpus), notify=notify) as searcher:
        result = searcher.search(args.query, args.filters, sort=args.sort, limit=args.limit, offset=args.offset)
    for note in result.notes:
        notify(f"note: {note}")
    if args.as_json:
        from bigsearch.render import to_json

        print(to_json(result.to_json()))
    else:
        from bigsearch.render import format_search, use_color

        print(format_search(result, use_color(), args.offset))
    return 1 if result.total == 0 else 0

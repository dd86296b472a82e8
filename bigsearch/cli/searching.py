"""What `bigsearch search` does once its arguments are parsed: shared by the typer command
(cli/commands/search.py) and the quick start-up path (cli/entry.py), so both behave and print
exactly alike. Imports neither typer nor rich."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bigsearch.search.results import Filters

MAX_ALL_HITS = 100_000  # -l, -c and --format over every hit stop here (and say so)
FACET_VALUES = 8  # values shown per facet under the hits (and counted: facets cost what they show)


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
    fmt: str = "text"  # text, md, csv, json
    context: int = 0  # -C N: paragraphs around each hit
    files_only: bool = False  # -l
    count_only: bool = False  # -c
    color: str = "auto"
    pager: bool = True


def notify(message: str) -> None:
    print(message, file=sys.stderr)


def color_wanted(choice: str) -> bool:
    """--color always|never wins; auto means a terminal and no NO_COLOR."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def run_search(args: SearchArgs) -> int:
    """Runs the search and prints it; returns the exit code (1 when nothing is found)."""
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.session import open_searcher

    everything = args.files_only or args.count_only
    with open_searcher(resolve_index(args.index_dir), resolve_corpus(args.corpus), notify=notify) as searcher:
        limit = MAX_ALL_HITS if everything else args.limit
        result = searcher.search(args.query, args.filters, sort=args.sort, limit=limit, offset=args.offset,
                                 facets=not everything, facet_limit=FACET_VALUES)
        contexts = {hit.id: searcher.context(hit.id, args.context) for hit in result.hits} if args.context else {}
    from bigsearch.messages import labelled, number, t

    for note in result.notes:
        notify(labelled("note", note))
    if everything and result.total > MAX_ALL_HITS:
        notify(labelled("note", t("search.counted_only", first=number(MAX_ALL_HITS), total=number(result.total))))
    text = render_search(args, result, contexts)
    if text:
        from bigsearch.cli.pager import page

        page(text.rstrip("\n"), args.pager and not args.as_json and args.fmt == "text")
    return 1 if result.total == 0 else 0


def render_search(args: SearchArgs, result, contexts: dict) -> str:
    if args.files_only or args.count_only:
        # One line per protocol, by its key: two files of one name are never merged; each is
        # shown by its path from the folder it was indexed from.
        counts: dict[str, list] = {}
        for hit in result.hits:
            counts.setdefault(hit.source_key or hit.source, [hit.source, 0])[1] += 1
        if args.files_only:
            return "\n".join(source for source, _ in counts.values())
        return "\n".join(f"{source}:{count}" for source, count in counts.values())
    if args.as_json:
        from bigsearch.cli.output import plain
        from bigsearch.cli.render import to_json

        data = plain(result)
        if contexts:
            for hit in data["hits"]:
                before, after = contexts[hit["id"]]
                hit["context_before"] = plain(before)
                hit["context_after"] = plain(after)
        return to_json(data)
    if args.fmt != "text":
        from bigsearch import cite

        return {"md": cite.markdown, "csv": cite.csv_text, "json": cite.json_lines}[args.fmt](result)
    from bigsearch.cli.render import format_search

    return format_search(result, color_wanted(args.color), args.offset, contexts)

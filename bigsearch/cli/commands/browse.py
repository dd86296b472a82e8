"""`bigsearch browse`: the terminal browser (bigsearch/tui), started with a query and filters."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bigsearch.cli.params import CorpusDir, IndexDir, filter_options, open_searcher
from bigsearch.search.results import Filters


@filter_options()
def browse(
    query: Annotated[str, typer.Argument(help="A query to start with.")] = "",
    filters: Filters = None,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Browse search results in the terminal (a Textual app)."""
    from bigsearch.errors import ConfigError

    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise ConfigError("browse needs a terminal — in a pipe or script use `bigsearch search QUERY` (or --json)")
    searcher = open_searcher(index_dir, corpus)
    # A bad query or filter fails here, with a message, not inside the app.
    if query:
        searcher.search(query, filters, limit=0, facets=False)
    elif filters != Filters():
        searcher.browse(filters, limit=0, facets=False)
    from bigsearch.tui.app import BrowseApp

    app = BrowseApp(searcher, query, filters)
    try:
        app.run()
    finally:
        searcher.close()
    for copied in app.copied:
        print(copied)


COMMANDS = {"browse": browse}

"""`bigsearch search` and `bigsearch show`: hits, and one paragraph in full."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.cli.options import DEFAULT_LIMIT, MAX_LIMIT, SORTS
from bigsearch.cli.output import emit
from bigsearch.cli.params import (
    AsJson,
    Color,
    ColorChoice,
    Context,
    CorpusDir,
    IndexDir,
    NoPager,
    OutputFormat,
    SortOrder,
    filter_options,
    open_searcher,
    printable,
)
from bigsearch.search.results import Filters


@filter_options()
def search(
    query: Annotated[str, typer.Argument(help='Words (AND), "phrases", OR, NOT/-word, field:value, prefix*, fuzzy~. '
                                              "A query that starts with a dash goes after --.")],
    filters: Filters,
    sort: Annotated[SortOrder, typer.Option("--sort", help="relevance, date or -date.")] = SortOrder(SORTS[0]),
    limit: Annotated[int, typer.Option("--limit", min=0, max=MAX_LIMIT, help="How many hits to show.")] = DEFAULT_LIMIT,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many hits (paging).")] = 0,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text, md (citations to paste), csv or json (lines).")] = OutputFormat("text"),
    context: Context = 0,
    files_only: Annotated[bool, typer.Option("-l", "--files-with-matches", help="Only the protocols with hits.")] = False,
    count_only: Annotated[bool, typer.Option("-c", "--count", help="Hits per protocol.")] = False,
    color: Color = ColorChoice("auto"),
    no_pager: NoPager = False,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Search the protocols. Exit code 1 when nothing is found."""
    from bigsearch.cli.searching import SearchArgs, run_search

    code = run_search(SearchArgs(query, filters, sort.value, limit, offset, as_json, index_dir, corpus, fmt.value,
                                 context, files_only, count_only, color.value, not no_pager))
    if code:
        raise typer.Exit(code)


def show(
    paragraph_id: Annotated[str, typer.Argument(help="A paragraph id, as search shows it.")],
    context: Context = 0,
    open_file: Annotated[bool, typer.Option("--open", help="Open the original file (at the page, for a PDF).")] = False,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """One paragraph in full with its metadata and its neighbours in the same § (or N paragraphs with -C)."""
    with open_searcher(index_dir, corpus) as searcher:
        hit = searcher.get(paragraph_id)
        if context:
            before, after = searcher.context(paragraph_id, context)
            neighbours = [*before, hit, *after]
        else:
            neighbours = searcher.neighbours(paragraph_id)
        source_key = searcher.source_key_of(paragraph_id)
    if open_file:
        from bigsearch.opener import open_original

        command = open_original(Path(source_key), hit.page)
        print(f"opened {printable(source_key)} with {printable(command[0])}", file=sys.stderr)
    from bigsearch.cli import render

    emit(as_json, {"paragraph": hit, "neighbours": neighbours}, lambda out: render.print_paragraph(hit, out, neighbours))


COMMANDS = {"search": search, "show": show}

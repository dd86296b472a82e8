"""`bigsearch watch …`: saved searches, and what is new for them since they were last shown."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.cli.options import filter_flags
from bigsearch.cli.output import emit
from bigsearch.cli.params import AsJson, CorpusDir, IndexDir, command, filter_options, open_searcher
from bigsearch.errors import BigsearchError
from bigsearch.search.results import Filters


def report_new(index_dir: Path | None, corpus: Path | None, as_json: bool) -> int:
    """Shows each saved search's new hits (and marks them seen); returns how many there were."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with open_searcher(index_dir, corpus) as searcher, Watches(resolve_index(index_dir)) as watches:
        reports = watches.report(searcher)
    from bigsearch.cli import render

    emit(as_json, reports, lambda out: render.print_watch_reports(reports, out))
    return sum(len(report.new) for report in reports)


def watch(
    ctx: typer.Context,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Without a subcommand: each saved search's hits that are new since it was last shown."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        report_new(index_dir, corpus, as_json)
    except BigsearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None


@filter_options()
def watch_add(
    query: Annotated[str, typer.Argument(help="A query, as for search.")],
    filters: Filters,
    name: Annotated[str | None, typer.Option("--name", help="A name for it (default: the query).")] = None,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Save a search; later `bigsearch watch` shows only what is new."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with open_searcher(index_dir, corpus) as searcher, Watches(resolve_index(index_dir)) as watches:
        saved, total = watches.add(searcher, query, filters, name)
    print(f"saved {saved.name!r}: {total} hits now; `bigsearch watch` will show the new ones")


def watch_list(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """The saved searches."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with Watches(resolve_index(index_dir)) as watches:
        saved = watches.list()

    def show(out) -> None:
        flags = {option.name: option.flag for option in filter_flags()}
        for w in saved:
            filters = " ".join(f"{flags.get(k, '--' + k)} {v}" for k, v in w.filters.items())
            print(f"{w.name}\t{w.query}" + (f"\t{filters}" if filters else ""))

    emit(as_json, saved, show)


def watch_remove(name: Annotated[str, typer.Argument(help="The saved search's name.")], index_dir: IndexDir = None) -> None:
    """Forget a saved search."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with Watches(resolve_index(index_dir)) as watches:
        watches.remove(name)
    print(f"removed {name!r}")


def group() -> typer.Typer:
    """`bigsearch watch` and its subcommands."""
    app = typer.Typer(help="Saved searches: what is new since you last looked.", no_args_is_help=False)
    app.callback(invoke_without_command=True)(watch)
    for name, function in {"add": watch_add, "list": watch_list, "remove": watch_remove}.items():
        command(app, name, function)
    return app

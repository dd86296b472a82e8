"""The command line: parse arguments, call the library, render. No logic lives here."""

from __future__ import annotations

import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.errors import BigsearchError

app = typer.Typer(
    name="bigsearch",
    help="Search the minutes of BIG – Brottsförebyggarna i Gävle.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

IndexDir = Annotated[
    Path | None,
    typer.Option("--index-dir", help="Index directory (default: $BIGSEARCH_INDEX or ./index)."),
]
CorpusDir = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus directory (default: $BIGSEARCH_CORPUS or ./corpus)."),
]
Year = Annotated[str | None, typer.Option("--year", help="A year (2024) or a range (2019..2023).")]
DateFrom = Annotated[str | None, typer.Option("--from", help="From this date (2019-09-20, 2019-09, 2019).")]
DateTo = Annotated[str | None, typer.Option("--to", help="Up to this date.")]
Principal = Annotated[str | None, typer.Option("--principal", help="Principal (any alias or case).")]
Person = Annotated[str | None, typer.Option("--person", help="Person mentioned.")]
Place = Annotated[str | None, typer.Option("--place", help="Place mentioned.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    text = "text"


class SortOrder(StrEnum):
    relevance = "relevance"
    date = "date"
    newest = "-date"


class DocType(StrEnum):
    protokoll = "protokoll"
    yttrande = "yttrande"
    dokument = "dokument"


TypeFilter = Annotated[DocType | None, typer.Option("--type", help="protokoll, yttrande or dokument.")]


def command(*args, **kwargs):
    """app.command() whose BigsearchError becomes a one-line message and exit 2, never a traceback."""

    def decorate(function):
        @functools.wraps(function)
        def run(*a, **kw):
            try:
                return function(*a, **kw)
            except BigsearchError as exc:
                print(f"error: {exc}", file=sys.stderr)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                print("interrupted", file=sys.stderr)
                raise typer.Exit(130) from None

        return app.command(*args, **kwargs)(run)

    return decorate


@app.callback()
def _root() -> None:
    """Search the minutes of BIG – Brottsförebyggarna i Gävle."""


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _console():
    from bigsearch.render import console

    return console()


@command()
def export(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl or text.")] = ExportFormat.jsonl,
    corpus: CorpusDir = None,
) -> None:
    """Ingest protocols and print their paragraphs (one JSON object per line)."""
    from bigsearch.config import resolve_corpus
    from bigsearch.ingest.pipeline import IngestReport, ingest_paths
    from bigsearch.render import export_lines

    report = IngestReport()
    targets = paths or [resolve_corpus(corpus)]
    out = sys.stdout
    for doc in ingest_paths(targets, report, warn=_warn):
        for line in export_lines(doc, format.value):
            out.write(line + "\n")
    print(f"{report.read} files read, {len(report.skipped)} skipped", file=sys.stderr)


def _notify(message: str) -> None:
    print(message, file=sys.stderr)


def _searcher(index_dir: Path | None, corpus: Path | None = None):
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.search.session import open_searcher

    return open_searcher(resolve_index(index_dir), resolve_corpus(corpus), notify=_notify)


def _filters(year=None, date_from=None, date_to=None, principal=None, person=None, place=None, doc_type=None):
    from bigsearch.search.results import Filters

    return Filters(
        year=year, date_from=date_from, date_to=date_to, principal=principal, person=person, place=place,
        doc_type=doc_type.value if doc_type else None,
    )


@command()
def index(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-ingest everything from scratch (repairs a damaged "
                                          "index); only the given paths stay indexed.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Also remove indexed files that are not under the given "
                                        "paths.")] = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Build or update the index: new and changed files are ingested; files gone from an indexed folder are removed.

    Documents of files outside the given paths stay in the index unless --prune or --rebuild.
    """
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.index.writer import sync

    target = resolve_index(index_dir)
    sources = paths or [resolve_corpus(corpus)]
    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(console=_console_err(), transient=True) as bar:
            task = bar.add_task("indexing", total=None)

            def progress(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=_printable(name)[:40])

            report = sync(target, sources, rebuild=rebuild, prune=prune, warn=_warn, progress=progress)
    else:
        report = sync(target, sources, rebuild=rebuild, prune=prune, warn=_warn)
    for source in report.removed_sources:
        print(f"removed {_printable(source)}", file=sys.stderr)
    print(f"{_printable(str(target))}: {report.summary()}", file=sys.stderr)


def _printable(text: str) -> str:
    from bigsearch.index.writer import printable

    return printable(text)


def _console_err():
    from bigsearch.render import console

    return console(stderr=True)


@command()
def search(
    query: Annotated[str, typer.Argument(help='Words (AND), "phrases", OR, NOT/-word, field:value, prefix*, fuzzy~.')],
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    principal: Principal = None,
    person: Person = None,
    place: Place = None,
    doc_type: TypeFilter = None,
    sort: Annotated[SortOrder, typer.Option("--sort", help="relevance, date or -date.")] = SortOrder.relevance,
    limit: Annotated[int, typer.Option("--limit", min=0, max=10000, help="How many hits to show.")] = 10,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many hits (paging).")] = 0,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
) -> None:
    """Search the protocols. Exit code 1 when nothing is found."""
    from bigsearch.commands import SearchArgs, run_search

    filters = _filters(year, date_from, date_to, principal, person, place, doc_type)
    code = run_search(SearchArgs(query, filters, sort.value, limit, offset, as_json, index_dir))
    if code:
        raise typer.Exit(code)


@command()
def show(paragraph_id: Annotated[str, typer.Argument(help="A paragraph id, as search shows it.")], as_json: AsJson = False,
         index_dir: IndexDir = None) -> None:
    """One paragraph in full with its metadata and its neighbours in the same §."""
    with _searcher(index_dir) as searcher:
        hit = searcher.get(paragraph_id)
        neighbours = searcher.neighbours(paragraph_id)
    if as_json:
        from bigsearch.render import to_json

        print(to_json({"paragraph": hit.to_json(), "neighbours": [n.to_json() for n in neighbours]}))
        return
    from bigsearch.render import print_paragraph

    print_paragraph(hit, _console(), neighbours)


@command()
def principal(
    name: Annotated[str, typer.Argument(help="Principal, any alias or case (polisen, 'Välfärd Gävle').")],
    year: Year = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
) -> None:
    """Everything a principal reported, meeting by meeting (newest first)."""
    with _searcher(index_dir) as searcher:
        canonical, grouped = searcher.principal_report(name, _filters(year=year))
    if as_json:
        from bigsearch.render import to_json

        print(to_json({"principal": canonical, "meetings": [
            {"date": date, "paragraphs": [hit.to_json() for hit in hits]} for date, hits in grouped.items()
        ]}))
        return
    from bigsearch.render import print_principal_report

    print_principal_report(canonical, grouped, _console())


def _listing(facet: str, title: str, as_json: bool, index_dir: Path | None) -> None:
    with _searcher(index_dir) as searcher:
        rows = searcher.listing(facet)
    if as_json:
        from dataclasses import asdict

        from bigsearch.render import to_json

        print(to_json([asdict(row) for row in rows]))
        return
    from bigsearch.render import print_listing

    print_listing(title, rows, _console())


@command()
def principals(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """Principals with paragraph counts and year span."""
    _listing("principal", "Huvudmän", as_json, index_dir)


@command()
def persons(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """Persons mentioned, with paragraph counts and year span."""
    _listing("person", "Personer", as_json, index_dir)


@command()
def places(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """Places mentioned, with paragraph counts and year span."""
    _listing("place", "Platser", as_json, index_dir)


@command()
def timeline(
    query: Annotated[str, typer.Argument(help="A query, as for search.")],
    principal: Principal = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
) -> None:
    """Hits per year as a bar chart."""
    with _searcher(index_dir) as searcher:
        counts = searcher.timeline(query, _filters(principal=principal))
    if as_json:
        from bigsearch.render import to_json

        print(to_json({"query": query, "years": {str(year): count for year, count in counts.items()}}))
    else:
        from bigsearch.render import print_timeline

        print_timeline(query, counts, _console())
    if not counts:
        raise typer.Exit(1)


@command()
def stats(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """Documents, paragraphs, years, index size and schema version."""
    with _searcher(index_dir) as searcher:
        result = searcher.stats()
    if as_json:
        from dataclasses import asdict

        from bigsearch.render import to_json

        print(to_json(asdict(result)))
    else:
        from bigsearch.render import print_stats

        print_stats(result, _console())


@command(name="eval")
def evaluate(
    queries: Annotated[Path, typer.Option("--queries", help="Relevance judgments (TOML).")] = Path(
        "tests/relevance/queries.toml"
    ),
    as_json: AsJson = False,
    index_dir: IndexDir = None,
) -> None:
    """Precision@5, recall and nDCG@10 of the search over judged queries."""
    from bigsearch.search.evaluate import evaluate as run
    from bigsearch.search.evaluate import load_judgments

    judgments = load_judgments(queries)
    with _searcher(index_dir) as searcher:
        evaluation = run(searcher, judgments)
    if as_json:
        from dataclasses import asdict

        from bigsearch.render import to_json

        print(to_json({"queries": [asdict(s) for s in evaluation.scores], "mean": {
            name: evaluation.mean(name) for name in ("precision_at_5", "recall", "ndcg_at_10")}}))
        return
    from bigsearch.render import print_evaluation

    print_evaluation(evaluation, _console())


@command()
def browse(
    query: Annotated[str, typer.Argument(help="A query to start with.")] = "",
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    principal: Principal = None,
    person: Person = None,
    place: Place = None,
    doc_type: TypeFilter = None,
    index_dir: IndexDir = None,
) -> None:
    """Browse search results in the terminal (a Textual app)."""
    from bigsearch.errors import ConfigError

    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise ConfigError("browse needs a terminal — in a pipe or script use `bigsearch search QUERY` (or --json)")
    filters = _filters(year, date_from, date_to, principal, person, place, doc_type)
    searcher = _searcher(index_dir)
    if query:
        searcher.search(query, filters, limit=0, facets=False)  # a bad query or filter fails here, not in the app
    from bigsearch.tui.app import make_app

    app_ = make_app(searcher.index_dir, query, filters, searcher=searcher)
    try:
        app_.run()
    finally:
        searcher.close()
    for copied in app_.copied:
        print(copied)


def main() -> None:
    """The typer app alone (the console script starts at bigsearch.entry)."""
    app()

"""The command line: parse arguments, call the library, render. No logic lives here."""

from __future__ import annotations

import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.errors import BigsearchError
from bigsearch.options import COLORS, DEFAULT_LIMIT, DOC_TYPES, FILTER_OPTIONS, FORMATS, MAX_LIMIT, SORTS
from bigsearch.output import emit

app = typer.Typer(
    name="bigsearch",
    help="Search the minutes of BIG – Brottsförebyggarna i Gävle.",
    no_args_is_help=True,
    add_completion=True,
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
_HELP = {option.field: option.help for option in FILTER_OPTIONS}
Year = Annotated[str | None, typer.Option("--year", help=_HELP["year"])]
DateFrom = Annotated[str | None, typer.Option("--from", help=_HELP["date_from"])]
DateTo = Annotated[str | None, typer.Option("--to", help=_HELP["date_to"])]
Principal = Annotated[str | None, typer.Option("--principal", help=_HELP["principal"])]
Person = Annotated[str | None, typer.Option("--person", help=_HELP["person"])]
Attendee = Annotated[str | None, typer.Option("--attendee", help=_HELP["attendee"])]
Place = Annotated[str | None, typer.Option("--place", help=_HELP["place"])]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    text = "text"
    opensearch = "opensearch"  # bulk NDJSON (issue 15)


SortOrder = StrEnum("SortOrder", {name.strip("-") + ("_desc" if name.startswith("-") else ""): name for name in SORTS})
DocType = StrEnum("DocType", {name: name for name in DOC_TYPES})


EngineChoice = StrEnum("EngineChoice", {name: name for name in ("whoosh", "tantivy", "opensearch")})
TypeFilter = Annotated[DocType | None, typer.Option("--type", help="protokoll, yttrande or dokument.")]


OutputFormat = StrEnum("OutputFormat", {name: name for name in FORMATS})
ColorChoice = StrEnum("ColorChoice", {name: name for name in COLORS})


Color = Annotated[ColorChoice, typer.Option("--color", help="Colour: auto (a terminal without NO_COLOR), always, never.")]
NoPager = Annotated[bool, typer.Option("--no-pager", help="Never page long output through less.")]
Context = Annotated[int, typer.Option("-C", "--context", min=0, max=50, help="Show N paragraphs around each hit.")]


def command(*args, group: typer.Typer | None = None, **kwargs):
    """app.command() (or a group's) whose BigsearchError becomes a one-line message and exit 2, never a traceback."""

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

        return (group or app).command(*args, **kwargs)(run)

    return decorate


def _version(value: bool) -> None:
    if value:
        from bigsearch import __version__

        print(f"bigsearch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    """Search the minutes of BIG – Brottsförebyggarna i Gävle."""


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _console():
    from bigsearch.render import console

    return console()


@command()
def export(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl, text or opensearch (bulk NDJSON).")] = ExportFormat.jsonl,
    corpus: CorpusDir = None,
) -> None:
    """Ingest protocols and print their paragraphs (one JSON object per line)."""
    from bigsearch.config import resolve_corpus
    from bigsearch.ingest.pipeline import IngestReport, ingest_paths
    from bigsearch.render import export_lines

    report = IngestReport()
    targets = paths or [resolve_corpus(corpus)]
    out = sys.stdout
    if format == ExportFormat.opensearch:  # issue 15: action + document lines for POST /<index>/_bulk
        from bigsearch.api import opensearch_bulk_lines

        for line in opensearch_bulk_lines(targets, warn=_warn, report=report):
            out.write(line + "\n")
        print(f"{report.read} files read, {len(report.skipped)} skipped", file=sys.stderr)
        return
    for doc in ingest_paths(targets, report, warn=_warn):
        for line in export_lines(doc, format.value):
            out.write(line + "\n")
    print(report.summary(), file=sys.stderr)


def _notify(message: str) -> None:
    print(message, file=sys.stderr)


def _searcher(index_dir: Path | None, corpus: Path | None = None):
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.search.session import open_searcher

    return open_searcher(resolve_index(index_dir), resolve_corpus(corpus), notify=_notify)


def _filters(year=None, date_from=None, date_to=None, principal=None, person=None, place=None, doc_type=None,
             attendee=None):
    from bigsearch.search.results import Filters

    return Filters(
        year=year, date_from=date_from, date_to=date_to, principal=principal, person=person, place=place,
        doc_type=doc_type.value if doc_type else None, attendee=attendee,
    )


@command()
def index(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-ingest everything from scratch (repairs a damaged "
                                          "index); only the given paths stay indexed.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Also remove indexed files that are not under the given "
                                        "paths.")] = False,
    engine: Annotated[EngineChoice | None, typer.Option("--engine", help="whoosh (default), tantivy (fast, for large "
                      "archives) or opensearch (a cluster); remembered by the index.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="opensearch: the cluster, https://host:9200 (credentials "
                   "from BIGSEARCH_OPENSEARCH_USER/_PASSWORD or ~/.netrc).")] = None,
    index_name: Annotated[str | None, typer.Option("--index-name", help="opensearch: the index (alias) name.")] = None,
    watch_report: Annotated[bool, typer.Option("--watch-report", help="Then show what is new for the saved "
                            "searches (bigsearch watch).")] = False,
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
    options = {"engine": engine.value if engine else None,
               "settings": {"url": url, "index_name": index_name} if (url or index_name) else None}
    if sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(console=_console_err(), transient=True) as bar:
            task = bar.add_task("indexing", total=None)

            def progress(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=_printable(name)[:40])

            report = sync(target, sources, rebuild=rebuild, prune=prune, warn=_warn, progress=progress, **options)
    else:
        report = sync(target, sources, rebuild=rebuild, prune=prune, warn=_warn, **options)
    for source in report.removed_sources:  # source keys are stored printable
        print(f"removed {source}", file=sys.stderr)
    print(f"{_printable(str(target))}: {report.summary()}", file=sys.stderr)
    if watch_report:
        watch_report_for(index_dir, corpus, as_json=False)


def _printable(text: str) -> str:
    from bigsearch.textsafe import printable

    return printable(text)


def _console_err():
    from bigsearch.render import console

    return console(stderr=True)


@command()
def search(
    query: Annotated[str, typer.Argument(help='Words (AND), "phrases", OR, NOT/-word, field:value, prefix*, fuzzy~. '
                                              "A query that starts with a dash goes after --.")],
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    principal: Principal = None,
    person: Person = None,
    attendee: Attendee = None,
    place: Place = None,
    doc_type: TypeFilter = None,
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
    from bigsearch.commands import SearchArgs, run_search

    filters = _filters(year, date_from, date_to, principal, person, place, doc_type, attendee)
    code = run_search(SearchArgs(query, filters, sort.value, limit, offset, as_json, index_dir, corpus, fmt.value,
                                 context, files_only, count_only, color.value, not no_pager))
    if code:
        raise typer.Exit(code)


@command()
def show(
    paragraph_id: Annotated[str, typer.Argument(help="A paragraph id, as search shows it.")],
    context: Context = 0,
    open_file: Annotated[bool, typer.Option("--open", help="Open the original file (at the page, for a PDF).")] = False,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """One paragraph in full with its metadata and its neighbours in the same § (or N paragraphs with -C)."""
    with _searcher(index_dir, corpus) as searcher:
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
        print(f"opened {_printable(source_key)} with {_printable(command[0])}", file=sys.stderr)
    from bigsearch import render

    emit(as_json, {"paragraph": hit, "neighbours": neighbours}, lambda out: render.print_paragraph(hit, out, neighbours))


@command()
def principal(
    name: Annotated[str, typer.Argument(help="Principal, any alias or case (polisen, 'Välfärd Gävle').")],
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Everything a principal reported, meeting by meeting (newest first), and meetings it attended silently."""
    from bigsearch.search.reports import Reports

    filters = _filters(year=year, date_from=date_from, date_to=date_to)
    with _searcher(index_dir, corpus) as searcher:
        canonical, grouped = searcher.principal_report(name, filters)
        silent = Reports(searcher).present_without_report(canonical, filters)
    from bigsearch import render

    data = {"principal": canonical,
            "meetings": [{"date": date, "paragraphs": hits} for date, hits in grouped.items()],
            "present_without_report": [m.summary() for m in silent]}
    emit(as_json, data, lambda out: render.print_principal_report(canonical, grouped, out, silent))


@command()
def meetings(
    query: Annotated[str | None, typer.Argument(help="Only meetings with hits for this query.")] = None,
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    principal: Principal = None,
    person: Person = None,
    attendee: Attendee = None,
    place: Place = None,
    doc_type: TypeFilter = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """One line per protocol: date, body, type, number of §, attendees, principals that reported."""
    from bigsearch.search.reports import Reports

    filters = _filters(year, date_from, date_to, principal, person, place, doc_type, attendee)
    with _searcher(index_dir, corpus) as searcher:
        found = Reports(searcher).meetings(filters, query)
    from bigsearch import render

    emit(as_json, [m.summary() for m in found], lambda out: render.print_meetings(found, out))
    if not found:
        raise typer.Exit(1)


@command()
def meeting(
    key: Annotated[str, typer.Argument(help="A meeting date (2024-02-09), meeting id or file name.")],
    query: Annotated[str | None, typer.Argument(help="Highlight this query's hits in place.")] = None,
    as_json: AsJson = False,
    no_pager: NoPager = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """A whole protocol: attendees with organisations, each § with its principals, a query's hits marked."""
    from bigsearch.search.reports import Reports

    with _searcher(index_dir, corpus) as searcher:
        found, matched = Reports(searcher).meeting(key, query)
    from bigsearch import render

    emit(as_json, {**found.to_json(), "matched": sorted(matched)},
         lambda out: render.print_meeting(found, matched, out), pager=not no_pager)


@command()
def person(
    name: Annotated[str, typer.Argument(help="A name, any case, with or without å ä ö; a surname is enough.")],
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """A person by meeting: attended, chaired, kept the minutes, reported (§ and principal), mentioned."""
    from bigsearch.search.reports import Reports

    with _searcher(index_dir, corpus) as searcher:
        report = Reports(searcher).person(name, _filters(year=year, date_from=date_from, date_to=date_to))
    from bigsearch import render

    emit(as_json, report, lambda out: render.print_person(report, out))


def _listing(facet: str, title: str, as_json: bool, index_dir: Path | None, corpus: Path | None) -> None:
    with _searcher(index_dir, corpus) as searcher:
        rows = searcher.listing(facet)
    from bigsearch import render

    emit(as_json, rows, lambda out: render.print_listing(title, rows, out))


@command()
def principals(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Principals with paragraph counts and year span."""
    _listing("principal", "Huvudmän", as_json, index_dir, corpus)


@command()
def persons(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Persons mentioned, with paragraph counts and year span."""
    _listing("person", "Personer", as_json, index_dir, corpus)


@command()
def places(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Places mentioned, with paragraph counts and year span."""
    _listing("place", "Platser", as_json, index_dir, corpus)


class TimelineUnit(StrEnum):
    meeting = "meeting"
    paragraph = "paragraph"


@command()
def timeline(
    query: Annotated[str, typer.Argument(help="A query, as for search.")],
    by: Annotated[TimelineUnit, typer.Option("--by", help="Count meetings that discussed it, or paragraphs.")] = TimelineUnit.meeting,
    principal: Principal = None,
    year: Year = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Hits per year as a bar chart (years without any protocol shown as gaps, undated hits apart)."""
    with _searcher(index_dir, corpus) as searcher:
        result = searcher.timeline(query, _filters(principal=principal, year=year), by=by.value)
    from bigsearch import render

    data = {"query": query, "by": by.value, "years": {str(year): count for year, count in result.rows()},
            "undated": result.undated}
    emit(as_json, data, lambda out: render.print_timeline(result, out))
    if not result.counts and not result.undated:
        raise typer.Exit(1)


@command()
def stats(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Documents, paragraphs, years, index size and schema version."""
    with _searcher(index_dir, corpus) as searcher:
        result = searcher.stats()
    from bigsearch import render

    emit(as_json, result, lambda out: render.print_stats(result, out))


@command()
def check(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """Read every file of the index in full against its checksum. Exit 0 when whole, 2 naming the damaged file."""
    from bigsearch.api import check_index
    from bigsearch.config import resolve_index

    result = check_index(resolve_index(index_dir))
    if as_json:
        emit(True, result)
    elif result.whole:
        print(f"{_printable(result.index_dir)}: whole — {result.files} files, {result.bytes_read:,} bytes read in full "
              f"({result.engine})")
    if not result.whole:
        print(f"error: the index file {_printable(result.damaged)} is damaged ({result.problem.removeprefix('is ')}) — run "
              "`bigsearch index --rebuild`", file=sys.stderr)
        raise typer.Exit(2)


@command(name="eval")
def evaluate(
    queries: Annotated[
        Path | None, typer.Option("--queries", help="Relevance judgments (TOML; default: the set shipped with bigsearch).")
    ] = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Precision@5, recall and nDCG@10 of the search over judged queries."""
    from bigsearch.config import RELEVANCE_SET
    from bigsearch.search.evaluate import evaluate as run
    from bigsearch.search.evaluate import load_judgments

    judgments = load_judgments(queries or RELEVANCE_SET)
    with _searcher(index_dir, corpus) as searcher:
        evaluation = run(searcher, judgments)
    from bigsearch import render

    data = {"queries": evaluation.scores,
            "mean": {name: evaluation.mean(name) for name in ("precision_at_5", "recall", "ndcg_at_10")}}
    emit(as_json, data, lambda out: render.print_evaluation(evaluation, out))


@command()
def browse(
    query: Annotated[str, typer.Argument(help="A query to start with.")] = "",
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    principal: Principal = None,
    person: Person = None,
    attendee: Attendee = None,
    place: Place = None,
    doc_type: TypeFilter = None,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Browse search results in the terminal (a Textual app)."""
    from bigsearch.errors import ConfigError

    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise ConfigError("browse needs a terminal — in a pipe or script use `bigsearch search QUERY` (or --json)")
    filters = _filters(year, date_from, date_to, principal, person, place, doc_type, attendee)
    searcher = _searcher(index_dir, corpus)
    # A bad query or filter fails here, with a message, not inside the app.
    if query:
        searcher.search(query, filters, limit=0, facets=False)
    elif filters != _filters():
        searcher.browse(filters, limit=0, facets=False)
    from bigsearch.tui.app import make_app

    app_ = make_app(searcher.index_dir, query, filters, searcher=searcher)
    try:
        app_.run()
    finally:
        searcher.close()
    for copied in app_.copied:
        print(copied)


watch_app = typer.Typer(help="Saved searches: what is new since you last looked.", no_args_is_help=False)
app.add_typer(watch_app, name="watch")


def _watch_command(*args, **kwargs):
    return command(*args, group=watch_app, **kwargs)


def watch_report_for(index_dir: Path | None, corpus: Path | None, as_json: bool) -> int:
    """Shows each saved search's new hits; they count as seen only once written out (see Watches.deliver)."""
    from bigsearch import render
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with _searcher(index_dir, corpus) as searcher, Watches(resolve_index(index_dir)) as watches:
        if as_json:
            from bigsearch.output import JsonArrayStream

            stream = JsonArrayStream(sys.stdout)
            reports = watches.deliver(searcher, stream.add)
            stream.close()
        elif not sys.stdout.isatty():
            out = _console()

            def show(report) -> None:
                render.print_watch_report(report, out)
                sys.stdout.flush()

            reports = watches.deliver(searcher, show)
            if not reports:
                render.print_watch_reports(reports, out)
        else:  # a terminal: all of it through the pager, then it counts as seen
            reports = watches.report(searcher)
            emit(False, reports, lambda out: render.print_watch_reports(reports, out))
            for report in reports:
                watches.mark_shown(report)
    return sum(len(report.new) for report in reports)


@watch_app.callback(invoke_without_command=True)
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
        watch_report_for(index_dir, corpus, as_json)
    except BigsearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None


@_watch_command("add")
def watch_add(
    query: Annotated[str, typer.Argument(help="A query, as for search.")],
    name: Annotated[str | None, typer.Option("--name", help="A name for it (default: the query).")] = None,
    year: Year = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    principal: Principal = None,
    person: Person = None,
    attendee: Attendee = None,
    place: Place = None,
    doc_type: TypeFilter = None,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Save a search; later `bigsearch watch` shows only what is new."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    filters = _filters(year, date_from, date_to, principal, person, place, doc_type, attendee)
    with _searcher(index_dir, corpus) as searcher, Watches(resolve_index(index_dir)) as watches:
        saved, total = watches.add(searcher, query, filters, name)
    print(f"saved {saved.name!r}: {total} hits now; `bigsearch watch` will show the new ones")


@_watch_command("list")
def watch_list(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """The saved searches."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with Watches(resolve_index(index_dir)) as watches:
        saved = watches.list()
    def show(out) -> None:
        for w in saved:
            filters = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in w.filters.items())
            print(f"{w.name}\t{w.query}" + (f"\t{filters}" if filters else ""))

    emit(as_json, saved, show)


@_watch_command("remove")
def watch_remove(name: Annotated[str, typer.Argument(help="The saved search's name.")], index_dir: IndexDir = None) -> None:
    """Forget a saved search."""
    from bigsearch.config import resolve_index
    from bigsearch.search.watch import Watches

    with Watches(resolve_index(index_dir)) as watches:
        watches.remove(name)
    print(f"removed {name!r}")
from bigsearch.cli_opensearch import opensearch_app  # noqa: E402 - issue 15

app.add_typer(opensearch_app, name="opensearch")


def main() -> None:
    """The typer app alone (the console script starts at bigsearch.entry)."""
    app()

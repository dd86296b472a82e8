"""The questions after a search: meetings, one meeting, a person, a principal, names with counts,
and a query's timeline."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.cli.output import emit
from bigsearch.cli.params import AsJson, CorpusDir, IndexDir, NoPager, filter_options, open_searcher
from bigsearch.search.results import Filters


@filter_options()
def meetings(
    query: Annotated[str | None, typer.Argument(help="Only meetings with hits for this query.")] = None,
    filters: Filters = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """One line per protocol: date, body, type, number of §, attendees, principals that reported."""
    from bigsearch.search.reports import Reports

    with open_searcher(index_dir, corpus) as searcher:
        found = Reports(searcher).meetings(filters, query)
    from bigsearch.cli import render

    emit(as_json, [m.summary() for m in found], lambda out: render.print_meetings(found, out))
    if not found:
        raise typer.Exit(1)


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

    with open_searcher(index_dir, corpus) as searcher:
        found, matched = Reports(searcher).meeting(key, query)
    from bigsearch.cli import render

    emit(as_json, {**found.to_json(), "matched": sorted(matched)},
         lambda out: render.print_meeting(found, matched, out), pager=not no_pager)


@filter_options(period=True)
def person(
    name: Annotated[str, typer.Argument(help="A name, any case, with or without å ä ö; a surname is enough.")],
    filters: Filters,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """A person by meeting: attended, chaired, kept the minutes, reported (§ and principal), mentioned."""
    from bigsearch.search.reports import Reports

    with open_searcher(index_dir, corpus) as searcher:
        report = Reports(searcher).person(name, filters)
    from bigsearch.cli import render

    emit(as_json, report, lambda out: render.print_person(report, out))


@filter_options(period=True)
def principal(
    name: Annotated[str, typer.Argument(help="Principal, any alias or case (polisen, 'Välfärd Gävle').")],
    filters: Filters,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Everything a principal reported, meeting by meeting (newest first), and meetings it attended silently."""
    from bigsearch.search.reports import Reports

    with open_searcher(index_dir, corpus) as searcher:
        canonical, grouped = searcher.principal_report(name, filters)
        silent = Reports(searcher).present_without_report(canonical, filters)
    from bigsearch.cli import render

    data = {"principal": canonical,
            "meetings": [{"date": date, "paragraphs": hits} for date, hits in grouped.items()],
            "present_without_report": [m.summary() for m in silent]}
    emit(as_json, data, lambda out: render.print_principal_report(canonical, grouped, out, silent))


def _listing(facet: str, title: str, as_json: bool, index_dir: Path | None, corpus: Path | None) -> None:
    with open_searcher(index_dir, corpus) as searcher:
        rows = searcher.listing(facet)
    from bigsearch.cli import render

    emit(as_json, rows, lambda out: render.print_listing(title, rows, out))


def principals(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Principals with paragraph counts and year span."""
    _listing("principal", "Huvudmän", as_json, index_dir, corpus)


def persons(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Persons mentioned, with paragraph counts and year span."""
    _listing("person", "Personer", as_json, index_dir, corpus)


def places(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Places mentioned, with paragraph counts and year span."""
    _listing("place", "Platser", as_json, index_dir, corpus)


class TimelineUnit(StrEnum):
    meeting = "meeting"
    paragraph = "paragraph"


@filter_options()
def timeline(
    query: Annotated[str, typer.Argument(help="A query, as for search.")],
    filters: Filters,
    by: Annotated[TimelineUnit, typer.Option("--by", help="Count meetings that discussed it, or paragraphs.")] = TimelineUnit.meeting,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Hits per year as a bar chart (years without any protocol shown as gaps, undated hits apart)."""
    with open_searcher(index_dir, corpus) as searcher:
        result = searcher.timeline(query, filters, by=by.value)
    from bigsearch.cli import render

    data = {"query": query, "by": by.value, "years": {str(year): count for year, count in result.rows()},
            "undated": result.undated}
    emit(as_json, data, lambda out: render.print_timeline(result, out))
    if not result.counts and not result.undated:
        raise typer.Exit(1)


COMMANDS = {"principal": principal, "meetings": meetings, "meeting": meeting, "person": person,
            "principals": principals, "persons": persons, "places": places, "timeline": timeline}

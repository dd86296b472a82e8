"""The pages: each parses its URL (state.py), asks the API (one open index, holder.py) and renders a
template. Thin, like the command line's commands; the words are the command line's.

Every route answers GET (and HEAD) only: nothing here writes.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from bigsearch import cite
from bigsearch.display import shows_doc_title, where
from bigsearch.errors import QueryError
from bigsearch.facets import FACETS, UNDATED
from bigsearch.search.reports import Reports
from bigsearch.search.results import Filters, Hit, SearchResult
from bigsearch.search.searcher import SORTS
from bigsearch.search.watch import saved_searches
from bigsearch.web import feeds, markup, timeline
from bigsearch.web.holder import IndexHolder
from bigsearch.web.originals import open_original
from bigsearch.web.state import FORMATS, SearchState, facet_param, filter_params, path_part

FACET_SHOWN = 10  # values shown per facet (the most frequent; a picked one always)
SORT_LABELS = {"relevance": "relevans", "date": "äldst först", "-date": "nyast först"}
# Labels of filter fields whose facet has several options (the date range); others take the facet's title.
OPTION_LABELS = {"date_from": "Från datum", "date_to": "Till datum"}
TYPES = {"md": "text/markdown; charset=utf-8", "plain": "text/plain; charset=utf-8",
         "csv": "text/csv; charset=utf-8", "json": "application/x-ndjson; charset=utf-8"}


class NotFound(Exception):
    """A paragraph, meeting, person, principal or saved search the index does not hold: HTTP 404
    with the message (the command line's, which says what to type instead)."""


@contextlib.contextmanager
def looking_up():
    """A QueryError while looking something up means it is not there (404), not a bad request."""
    try:
        yield
    except QueryError as exc:
        raise NotFound(str(exc)) from None


def check_query(ix, query: str | None, filters: Filters | None = None) -> None:
    """A bad query or filter is a bad request (400), told apart from a lookup that finds nothing."""
    if query:
        ix.search(query, limit=0, facets=False, **(filters.given if filters else {}))
    elif filters and filters.given:
        ix.searcher.browse(filters, limit=0, facets=False)


# -- what the templates get ---------------------------------------------------------------------


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    url: str | None  # None: a value that cannot be picked through the URL (undated years)
    picked: bool


@dataclass
class FacetGroup:
    name: str
    title: str
    param: str | None
    items: list[FacetItem]
    more: int = 0  # values left out of the list
    other: int = 0  # paragraphs under values the engine did not list ("övriga")


@dataclass
class Field:
    param: str
    label: str
    value: str
    choices: tuple[str, ...] | None = None
    hint: str = ""


@dataclass
class Pager:
    page: int
    last: int
    links: list[tuple[int, str]] = field(default_factory=list)  # (page number, URL)
    previous: str | None = None
    next: str | None = None


def facet_groups(result: SearchResult, state: SearchState) -> list[FacetGroup]:
    """The counted facets of the registry with their values, each a link that picks or drops it."""
    other = getattr(result, "facets_other", {}) or {}
    groups = []
    for facet in FACETS.counted():
        values = result.facets.get(facet.name) or {}
        param = facet_param(facet)
        if not values and not (param and state.value(param)):
            continue
        listed = list(values.items()) if facet.ranged else list(values.items())[:FACET_SHOWN]
        if param and state.value(param) and not any(state.is_picked(param, value) for value, _ in listed):
            picked = [(value, count) for value, count in values.items() if state.is_picked(param, value)]
            listed += picked or [(state.value(param), 0)]
        items = []
        for value, count in listed:
            pickable = param is not None and value != UNDATED
            items.append(FacetItem(value, "utan datum" if value == UNDATED else value, count,
                                   state.toggled(param, value).url() if pickable else None,
                                   bool(param) and state.is_picked(param, value)))
        groups.append(FacetGroup(facet.name, facet.title, param, items, max(0, len(values) - len(listed)),
                                 other.get(facet.name, 0)))
    return groups


def filter_fields(state: SearchState) -> list[Field]:
    """A labelled field for every filter option, filled from the URL."""
    out = []
    for param, option in filter_params():
        facet = next(f for f in FACETS if option in f.options)
        label = OPTION_LABELS.get(option.name) or facet.title
        out.append(Field(param, label, state.value(param) or "", option.choices, facet.query_example))
    return out


def query_fields() -> list[tuple[str, str, str]]:
    """The query language's field names, from the registry: (title, names, example)."""
    return [(facet.title, ", ".join(f"{name}:" for name in facet.query_names), facet.query_example)
            for facet in FACETS if facet.query_names]


def pager(state: SearchState, total: int) -> Pager:
    last = max(1, min(-(-total // state.limit), state.last_page))
    page = state.page
    numbers = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    return Pager(page, last, [(n, state.at(page=n).url()) for n in numbers],
                 state.at(page=page - 1).url() if page > 1 else None,
                 state.at(page=page + 1).url() if page < last else None)


# -- the site -----------------------------------------------------------------------------------------


class Site:
    def __init__(self, holder: IndexHolder) -> None:
        self.holder = holder
        self.env = Environment(loader=PackageLoader("bigsearch.web", "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(
            marked=markup.marked, section_heading=markup.section_heading, meeting_id=markup.meeting_id,
            when=markup.when, where=where, path_part=path_part, shows_doc_title=shows_doc_title,
            sorts=[(name, SORT_LABELS.get(name, name)) for name in SORTS], cite=cite,
        )

    # -- rendering ----------------------------------------------------------------------------

    def render(self, template: str, request: Request, status: int = 200, **context) -> HTMLResponse:
        state = context.setdefault("state", SearchState())
        context.setdefault("fields", filter_fields(state))
        context.setdefault("query_fields", query_fields())
        context.setdefault("title", "bigsearch")
        html = self.env.get_template(template).render(request_path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    def error(self, request: Request, status: int, message: str, heading: str) -> HTMLResponse:
        try:
            state = SearchState.from_params(request.query_params)
        except QueryError:
            state = SearchState()
        return self.render("error.html", request, status, state=state, message=message, heading=heading,
                           title=f"{heading} – bigsearch")

    @staticmethod
    def data(text: str, fmt: str, name: str) -> Response:
        disposition = "attachment" if fmt in ("csv", "json") else "inline"
        extension = {"md": "md", "plain": "txt", "csv": "csv", "json": "jsonl"}[fmt]
        return Response(text, media_type=TYPES[fmt],
                        headers={"Content-Disposition": f'{disposition}; filename="{name}.{extension}"'})

    @staticmethod
    def as_json(data) -> Response:
        return Response(json.dumps(data, ensure_ascii=False, indent=2), media_type="application/json; charset=utf-8")

    # -- search ---------------------------------------------------------------------------------

    def search(self, request: Request) -> Response:
        fmt = request.query_params.get("format") or "html"
        if fmt not in FORMATS:
            raise QueryError(f"format={fmt[:40]!r}: use one of {', '.join(FORMATS)}")
        state = SearchState.from_params(request.query_params)
        if not state.query and not state.filters:
            if fmt != "html":
                raise QueryError("give a query (q=…) or a filter (principal=…, year=…) to list paragraphs")
            return self.home(request)
        result = self._search(state, facets=fmt == "html")
        if fmt != "html":
            serialise = {"md": cite.markdown, "plain": cite.plain, "csv": cite.csv_text, "json": cite.json_lines}[fmt]
            return self.data(serialise(result), fmt, "bigsearch")
        heading = f"{result.total} träffar för {state.query!r}" if state.query else f"{result.total} stycken"
        if result.total == 0:
            heading = f"Inga träffar för {state.query!r}." if state.query else "Inga stycken."
        if result.hits and len(result.hits) < result.total:
            heading += f" (visar {state.offset + 1}–{state.offset + len(result.hits)})"
        return self.render("search.html", request, state=state, result=result, heading=heading,
                           facets=facet_groups(result, state), pager=pager(state, result.total),
                           suggestion=state.at(query=result.suggestion, page=1).url() if result.suggestion else None,
                           title=f"{state.query or 'Stycken'} – bigsearch")

    def _search(self, state: SearchState, facets: bool = True) -> SearchResult:
        with self.holder.index() as ix:
            if state.query:
                return ix.search(state.query, sort=state.sort, limit=state.limit, offset=state.offset, facets=facets,
                                 **state.api_filters())
            # Filters without a query list paragraphs, newest first unless a date order is asked for.
            sort = state.sort if state.sort != "relevance" else "-date"
            return ix.searcher.browse(state.to_filters(), sort=sort, limit=state.limit, offset=state.offset,
                                      facets=facets)

    def home(self, request: Request) -> Response:
        with self.holder.index() as ix:
            stats = ix.stats()
            principals = ix.searcher.listing("principal")
            saved = saved_searches(ix.index_dir)
        return self.render("home.html", request, stats=stats, principals=principals, saved=saved,
                           saved_state=lambda watch: SearchState.from_filters(watch.query, watch.filters))

    # -- one paragraph, one meeting ------------------------------------------------------------------

    def paragraph(self, request: Request) -> Response:
        pid = request.path_params["pid"]
        query = request.query_params.get("q", "").strip()
        with self.holder.index() as ix:
            check_query(ix, query)
            with looking_up():
                hit = ix.paragraph(pid)
            info = ix.searcher.document_info(hit.source_key)
            meeting, matched = Reports(ix.searcher).meeting(info.get("id_prefix") or markup.meeting_id(hit), query or None)
        paragraphs = meeting.paragraphs
        at = next(n for n, other in enumerate(paragraphs) if other.id == pid)
        hit = paragraphs[at]
        section = [other for other in paragraphs if (other.section, other.section_title) == (hit.section, hit.section_title)]
        first, last = paragraphs.index(section[0]), paragraphs.index(section[-1])
        before, after = paragraphs[max(0, first - 2):first], paragraphs[last + 1:last + 3]
        quoted = _quoted(hit)
        if request.query_params.get("format") == "json":
            return self.as_json({"paragraph": hit.to_json(), "neighbours": [h.to_json() for h in section],
                                 "meeting": meeting.summary()})
        return self.render("paragraph.html", request, state=SearchState(query), hit=hit, meeting=meeting,
                           section=section, before=before, after=after, matched=matched,
                           markdown=cite.markdown_hit(quoted), plain=cite.plain_hit(quoted),
                           location=cite.location(hit), title=f"{markup.section_heading(hit).striptags() or hit.id} – bigsearch")

    def original(self, request: Request) -> Response:
        pid = request.path_params["pid"]
        with self.holder.index() as ix:
            with looking_up():
                hit = ix.paragraph(pid)
            indexed = {source["source_key"] for source in ix.searcher.engine.sources()}
        found = open_original(hit.source_key, indexed)
        return StreamingResponse(found.chunks(), media_type=found.media_type, headers=found.headers())

    def meeting(self, request: Request) -> Response:
        key = request.path_params["mid"]
        query = request.query_params.get("q", "").strip()
        with self.holder.index() as ix:
            check_query(ix, query)
            with looking_up():
                meeting, matched = Reports(ix.searcher).meeting(key, query or None)
        if request.query_params.get("format") == "json":
            return self.as_json({**meeting.to_json(), "matched": sorted(matched)})
        sections: list[tuple[Hit, list[tuple[str | None, list[Hit]]]]] = []
        for hit in meeting.paragraphs:
            if not sections or (sections[-1][0].section, sections[-1][0].section_title) != (hit.section, hit.section_title):
                sections.append((hit, []))
            groups = sections[-1][1]
            if not groups or groups[-1][0] != hit.principal:
                groups.append((hit.principal, []))
            groups[-1][1].append(hit)
        heading = " · ".join(part for part in (meeting.date or "utan datum", meeting.body, meeting.title) if part)
        return self.render("meeting.html", request, state=SearchState(query), meeting=meeting, matched=matched,
                           sections=sections, heading=heading, first=meeting.paragraphs[0] if meeting.paragraphs else None,
                           title=f"{heading} – bigsearch")

    # -- people and principals -------------------------------------------------------------------------

    def _period(self, request: Request) -> tuple[SearchState, Filters]:
        state = SearchState.from_params(request.query_params)
        return state, Filters(**{name: value for name, value in state.api_filters().items() if name in FACETS.period()})

    def person(self, request: Request) -> Response:
        state, period = self._period(request)
        with self.holder.index() as ix:
            check_query(ix, None, period)
            with looking_up():
                report = Reports(ix.searcher).person(request.path_params["name"], period)
        if request.query_params.get("format") == "json":
            return self.as_json(report)
        attended = sum(1 for row in report["meetings"] if row["attended"])
        return self.render("person.html", request, state=state.at(query=""), report=report, attended=attended,
                           title=f"{report['name']} – bigsearch")

    def principal(self, request: Request) -> Response:
        state, period = self._period(request)
        with self.holder.index() as ix:
            check_query(ix, None, period)
            with looking_up():
                canonical, grouped = ix.searcher.principal_report(request.path_params["name"], period)
            silent = Reports(ix.searcher).present_without_report(canonical, period)
        if request.query_params.get("format") == "json":
            return self.as_json({"principal": canonical,
                                 "meetings": [{"date": date, "paragraphs": [h.to_json() for h in hits]}
                                              for date, hits in grouped.items()],
                                 "present_without_report": [m.summary() for m in silent]})
        total = sum(len(hits) for hits in grouped.values())
        return self.render("principal.html", request, state=state.at(query=""), name=canonical, grouped=grouped,
                           silent=silent, total=total, title=f"{canonical} – bigsearch")

    # -- timeline and feeds -----------------------------------------------------------------------------

    def timeline(self, request: Request) -> Response:
        state = SearchState.from_params(request.query_params)
        by = request.query_params.get("by") or "meeting"
        if by not in ("meeting", "paragraph"):
            raise QueryError(f"by={by[:40]!r}: use meeting or paragraph")
        if not state.query:
            raise QueryError("give a query (q=…) for a timeline")
        with self.holder.index() as ix:
            found = ix.searcher.timeline(state.query, state.to_filters(), by=by)
        if request.query_params.get("format") == "json":
            return self.as_json({"query": state.query, "by": by, "undated": found.undated,
                                 "years": {str(year): count for year, count in found.rows()}})
        other = "paragraph" if by == "meeting" else "meeting"
        return self.render("timeline.html", request, state=state, timeline=found, chart=timeline.chart(found), by=by,
                           other_url=state.url("/timeline", by=other), other=other,
                           title=f"Tidslinje: {state.query} – bigsearch")

    def feed(self, request: Request) -> Response:
        state = SearchState.from_params(request.query_params).at(sort="-date", page=1, limit=feeds.FEED_SIZE)
        if not state.query and not state.filters:
            raise QueryError("give a query (q=…) or a filter (principal=…) for a feed")
        title = f"bigsearch: {state.query or ''} " + " ".join(f"{k}={v}" for k, v in state.filters)
        return self._feed(request, state, title.strip(), feeds.feed_id("search", state.url()))

    def saved_feed(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self.holder.index() as ix:
            watches = {watch.name: watch for watch in saved_searches(ix.index_dir)}
        if name not in watches:
            known = ", ".join(watches) or "none"
            raise NotFound(f"no saved search named {name!r} (saved: {known}) — see `bigsearch watch list`")
        watch = watches[name]
        state = SearchState.from_filters(watch.query, watch.filters).at(sort="-date", limit=feeds.FEED_SIZE)
        return self._feed(request, state, f"bigsearch: {watch.name}", feeds.feed_id("saved", watch.name))

    def _feed(self, request: Request, state: SearchState, title: str, identity: str) -> Response:
        result = self._search(state, facets=False)
        changed = datetime.fromtimestamp(Path(self.holder.index_dir).stat().st_mtime, UTC)
        base = str(request.base_url).rstrip("/")
        page = base + state.at(sort=SORTS[0], limit=SearchState().limit).url()
        body = feeds.atom(title, f"{result.total} träffar, de {len(result.hits)} nyaste", identity, str(request.url),
                          page, result.hits, lambda hit: f"{base}/p/{path_part(hit.id)}", changed)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    def saved(self, request: Request) -> Response:
        with self.holder.index() as ix:
            watches = saved_searches(ix.index_dir)
        return self.render("saved.html", request, saved=watches,
                           saved_state=lambda watch: SearchState.from_filters(watch.query, watch.filters),
                           title="Sparade sökningar – bigsearch")


def _quoted(hit: Hit) -> Hit:
    """The paragraph as a citation quotes it: its whole text, the matched words marked."""
    return replace(hit, snippet=hit.text, snippet_highlights=list(hit.highlights))

"""The web page (`bigsearch serve`), route by route, on every embedded engine: what each page shows
is what the API answers for the same URL, and the data downloads are the command line's
serialisation. Skipped, with the reason, when the web extra is not installed."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from html import escape, unescape
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest

import bigsearch
from bigsearch import cite
from bigsearch.errors import QueryError
from bigsearch.facets import FACETS, UNDATED, Facet, Option
from bigsearch.search.results import MAX_LIMIT
from tests.web_helpers import assert_safe_page, client, needs_web, parts

pytestmark = needs_web
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture()
def web(built_index):
    with client(built_index) as test_client:
        yield test_client


@pytest.fixture()
def api(built_index):
    with bigsearch.open_index(built_index, build=False) as index:
        yield index


def hit_ids(html: str) -> list[str]:
    """The paragraph ids of a results page's hits, in order."""
    section = html.split('<ol class="hits"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<a href="/p/([^"?#/]+)[^"]*">Stycket</a>', section)


def links(html: str, css_class: str | None = None) -> list[tuple[str, str]]:
    """(href, text) of the page's links (of one class)."""
    out, current = [], None
    found = parts(html)
    for tag, attrs in found.elements:
        if tag == "a" and (css_class is None or css_class in (attrs.get("class") or "").split()):
            current = attrs.get("href")
            out.append(current)
    return out


def facet_links(html: str, title: str) -> dict[str, str]:
    """A facet box's values -> their links."""
    box = html.split(f">{title}</h3>", 1)[1].split("</section>", 1)[0]
    return {re.sub(r"<[^>]+>|✓ ", "", text).split(" (")[0].strip(): href.replace("&amp;", "&")
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', box, re.S)}


# -- search --------------------------------------------------------------------------------------------


def test_search_page_shows_the_apis_hits_with_date_body_section_principal_and_marked_snippet(web, api):
    expected = api.search("Andersberg", limit=20)
    page = web.get("/search", params={"q": "Andersberg"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert_safe_page(html)
    assert f"{expected.total} träffar för &#39;Andersberg&#39;" in html
    assert hit_ids(html) == [hit.id for hit in expected.hits]
    for hit in expected.hits:
        block = html.split(f'href="/p/{hit.id}?q=Andersberg">', 1)[1].split("</li>\n", 1)[0]
        assert hit.section_title in block and f"§ {hit.section}" in block
        assert escape(hit.principal) in block and hit.body in html
        assert f'href="/m/{hit.id.rsplit("-", 2)[0]}?q=Andersberg">{hit.date}</a>' in html
        start, end = hit.snippet_highlights[0]
        assert f"<mark>{hit.snippet[start:end]}</mark>" in block


def test_facets_come_from_the_registry_with_the_apis_counts(web, api):
    expected = api.search("polisen", limit=0)
    html = web.get("/search", params={"q": "polisen"}).text
    shown = 0
    for facet in FACETS.counted():
        values = expected.facets.get(facet.name) or {}
        if not values:
            assert f">{facet.title}</h3>" not in html
            continue
        shown += 1
        box = html.split(f">{facet.title}</h3>", 1)[1].split("</section>", 1)[0]
        for value, count in list(values.items())[:5]:
            label = "utan datum" if value == UNDATED else value
            assert f"{escape(label)} <span class=\"count\">({count})</span>" in box, (facet.name, value)
    assert shown >= 4  # year, principal, attendee, place, type, body on this corpus


def test_a_facet_link_picks_the_value_and_picking_it_again_drops_it(web, api):
    before = web.get("/search", params={"q": "Andersberg"}).text
    link = facet_links(before, "Huvudman")["Polisen"]
    assert dict(parse_qsl(urlsplit(link).query)) == {"q": "Andersberg", "principal": "Polisen"}
    picked = web.get(link).text
    expected = api.search("Andersberg", principal="Polisen")
    assert hit_ids(picked) == [hit.id for hit in expected.hits] and expected.total < api.search("Andersberg").total
    assert 'aria-current="true"' in picked
    again = facet_links(picked, "Huvudman")["Polisen"]
    assert dict(parse_qsl(urlsplit(again).query)) == {"q": "Andersberg"}
    # The filter field in the form holds the picked value, so a new query keeps it.
    assert re.search(r'id="f-principal" name="principal" type="text" value="Polisen"', picked)


def test_filters_without_a_query_list_paragraphs_newest_first(web, api):
    html = web.get("/search", params={"principal": "polisen", "limit": "5"}).text
    expected = api.searcher.browse(bigsearch.search.results.Filters(principal="polisen"), sort="-date", limit=5)
    assert hit_ids(html) == [hit.id for hit in expected.hits] and f"{expected.total} stycken" in html


def test_sort_and_paging_are_the_apis_windows(web, api):
    for sort in ("date", "-date", "relevance"):
        html = web.get("/search", params={"q": "polisen", "sort": sort, "page": "2", "limit": "3"}).text
        expected = api.search("polisen", sort=sort, limit=3, offset=3)
        assert hit_ids(html) == [hit.id for hit in expected.hits], sort
        assert f"(visar 4–{3 + len(expected.hits)})" in html
        assert '<ol class="hits" start="4">' in html
    html = web.get("/search", params={"q": "polisen", "page": "2", "limit": "3"}).text
    pager = html.split('<nav class="pager"', 1)[1].split("</nav>", 1)[0]
    assert 'rel="prev"' in pager and 'rel="next"' in pager and 'aria-current="page">2<' in pager
    prev_link = re.search(r'href="([^"]+)" rel="prev"', pager)[1].replace("&amp;", "&")
    assert dict(parse_qsl(urlsplit(prev_link).query)) == {"q": "polisen", "limit": "3"}


def test_did_you_mean_links_the_apis_suggestion(web, api):
    expected = api.search("Andersbrg")
    assert expected.total == 0 and expected.suggestion
    html = web.get("/search", params={"q": "Andersbrg"}).text
    assert "Inga träffar för &#39;Andersbrg&#39;." in html
    assert f'Menade du: <a href="/search?{urlencode({"q": expected.suggestion})}">{expected.suggestion}</a>?' in html


@pytest.mark.parametrize("query", ['"stolt och', "year:abc", "(Andersberg", "principal:nobody", "x" * 1001,
                                   " ".join(["ord"] * 65)])
def test_a_bad_query_is_a_400_page_with_the_command_lines_message(web, api, query):
    with pytest.raises(QueryError) as raised:
        api.search(query)
    page = web.get("/search", params={"q": query})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert f"error: {raised.value}" in unescape(page.text) and "Traceback" not in page.text
    assert_safe_page(page.text)


@pytest.mark.parametrize(("params", "message"), [
    ({"q": "a", "page": "0"}, "page=0: give a whole number from 1"),
    ({"q": "a", "page": "x"}, "page=&#39;x&#39;: give a whole number"),
    ({"q": "a", "limit": str(MAX_LIMIT + 1)}, "limit=10001: give a whole number from 1 to 10,000"),
    ({"q": "a", "page": "501"}, "lies past the first 10,000 hits"),
    ({"q": "a", "sort": "best"}, "sort=&#39;best&#39;: use one of relevance, date, -date"),
    ({"q": "a", "type": "brev"}, "type=&#39;brev&#39;: use one of protokoll, minnesanteckningar, kallelse"),
    ({"q": "a", "format": "xml"}, "format=&#39;xml&#39;: use one of html, md, plain, csv, json"),
    ({"q": "a", "year": "20x"}, "--year &#39;20x&#39;"),
])
@pytest.mark.usefixtures("english")  # the API's messages, read in English
def test_the_result_window_and_every_parameter_are_bounded(web, params, message):
    page = web.get("/search", params=params)
    assert page.status_code == 400 and message in page.text


def test_the_last_page_of_the_window_is_served(web, api):
    # page 500 of 20 ends exactly at the 10,000th hit: allowed (and empty on this small corpus).
    assert web.get("/search", params={"q": "och", "page": "500"}).status_code == 200


# -- data and citations -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "serialise", "media"), [
    ("csv", cite.csv_text, "text/csv"), ("json", cite.json_lines, "application/x-ndjson"),
    ("md", cite.markdown, "text/markdown"), ("plain", cite.plain, "text/plain")])
def test_every_result_page_downloads_as_the_command_lines_format(web, api, fmt, serialise, media):
    params = {"q": "polisen", "principal": "polisen", "sort": "-date", "page": "2", "limit": "4"}
    response = web.get("/search", params={**params, "format": fmt})
    expected = api.search("polisen", principal="polisen", sort="-date", limit=4, offset=4, facets=False)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert response.text == serialise(expected)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == list(cite.CSV_COLUMNS) and [row[0] for row in rows[1:]] == [h.id for h in expected.hits]
        assert response.headers["content-disposition"].startswith("attachment")
    if fmt == "json":
        assert [json.loads(line)["id"] for line in response.text.splitlines()] == [h.id for h in expected.hits]


def test_each_hit_carries_its_citation_in_markdown_and_plain_text(web, api):
    html = web.get("/search", params={"q": "Andersberg"}).text
    for hit in api.search("Andersberg").hits:
        assert escape(cite.markdown_hit(hit), quote=False) in html.replace("&#39;", "'").replace("&#34;", '"')
        assert escape(cite.plain_hit(hit), quote=False) in html.replace("&#39;", "'").replace("&#34;", '"')
    links_ = [href for href in links(html) if "format=" in href]
    assert {dict(parse_qsl(urlsplit(h).query))["format"] for h in links_} >= {"csv", "json", "md", "plain"}


# -- one paragraph, one meeting --------------------------------------------------------------------------


def test_a_paragraphs_permalink_shows_its_section_the_hit_marked_and_its_context(web, api):
    hit = api.search("Andersberg").hits[0]
    page = web.get(f"/p/{hit.id}", params={"q": "Andersberg"})
    assert page.status_code == 200
    html = assert_safe_page(page.text) and page.text
    assert f"<h1 id=\"page-heading\">§ {hit.section} {hit.section_title}</h1>" in html
    this = html.split(f'class="paragraph matched this" id="{hit.id}">', 1)[1].split("</div>", 1)[0]
    start, end = hit.highlights[0]
    assert f"<mark>{hit.text[start:end]}</mark>" in this
    same_section = api.searcher.neighbours(hit.id)
    assert len(same_section) > 1 and all(f'id="{other.id}"' in html for other in same_section)
    paragraphs = api.reports().meeting(hit.id.rsplit("-", 2)[0])[0].paragraphs
    first = paragraphs.index(next(p for p in paragraphs if p.id == same_section[0].id))
    for other in paragraphs[max(0, first - 2):first]:  # context before the §
        assert f'id="{other.id}"' in html
    assert f'href="/p/{hit.id}/original"' in html and cite.location(hit) in html
    # Without a query nothing is marked, and the page still opens.
    plain = web.get(f"/p/{hit.id}").text
    assert "<mark>" not in plain and f'class="paragraph this" id="{hit.id}"' in plain


def test_the_original_is_served_from_the_indexed_file(web, api, built_index):
    hit = api.search("Andersberg").hits[0]
    response = web.get(f"/p/{hit.id}/original")
    source = api.searcher.source_key_of(hit.id)
    assert response.status_code == 200 and response.content == open(source, "rb").read()
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"].startswith("inline")
    assert "sandbox" in response.headers["content-security-policy"]


def test_a_meeting_page_shows_attendees_every_section_and_principals(web, api):
    hit = api.search("Andersberg").hits[0]
    meeting, matched = api.reports().meeting(hit.id.rsplit("-", 2)[0], "Andersberg")
    page = web.get(f"/m/{meeting.id}", params={"q": "Andersberg"})
    assert page.status_code == 200
    html = page.text
    assert_safe_page(html)
    for attendee in meeting.attendees:
        assert f">{escape(attendee.name)}</a>" in html
    for section in meeting.sections:
        assert f"<h2>§ {section} " in html
    for principal in meeting.principals:
        assert f'href="/principal/{quote(principal, safe="")}"' in html
    assert html.count('class="paragraph matched"') == len(matched) == 3
    assert all(f'id="{paragraph.id}"' in html for paragraph in meeting.paragraphs)
    by_date = web.get(f"/m/{meeting.date}")  # a date names the meeting too, as on the command line
    assert by_date.status_code == 200 and meeting.id in by_date.text


def test_a_person_page_lists_the_reports_meetings(web, api):
    report = api.reports().person("jennehag")
    html = web.get("/person/jennehag").text
    assert f"<h1 id=\"page-heading\">{report['name']}</h1>" in html
    attended = sum(1 for row in report["meetings"] if row["attended"])
    assert f"närvarande vid {attended} möten, i {len(report['meetings'])} möten totalt" in html
    assert [href.split("/m/")[1] for href in links(html) if href.startswith("/m/")] == [
        row["meeting"] for row in report["meetings"]]


def test_a_principal_page_lists_what_it_reported(web, api):
    canonical, grouped = api.searcher.principal_report("polisen")
    html = web.get("/principal/polisen").text
    total = sum(len(hits) for hits in grouped.values())
    assert f"{canonical}: {total} stycken från {len(grouped)} möten" in html
    assert all(f'href="/p/{hit.id}"' in html for hits in grouped.values() for hit in hits)


@pytest.mark.parametrize(("url", "message"), [
    ("/p/2099-01-01-000000-s1-p1", "no paragraph with id"), ("/m/1999-01-01", "no meeting"),
    ("/person/Nobody%20Atall", "no person"), ("/principal/nobody", "unknown principal"),
    ("/feed/saved/none", "no saved search"), ("/nowhere", "ingen sida")])
@pytest.mark.usefixtures("english")  # the API's messages, read in English
def test_what_the_index_does_not_hold_is_a_404_page(web, url, message):
    page = web.get(url)
    assert page.status_code == 404 and message in page.text and "<form" in page.text


def test_json_of_the_other_pages_is_the_apis_data(web, api):
    hit = api.search("Andersberg").hits[0]
    meeting_id = hit.id.rsplit("-", 2)[0]
    data = web.get(f"/m/{meeting_id}", params={"format": "json"}).json()
    assert data == json.loads(json.dumps({**api.reports().meeting(meeting_id)[0].to_json(), "matched": []}))
    assert web.get("/person/jennehag", params={"format": "json"}).json() == api.reports().person("jennehag")
    assert web.get(f"/p/{hit.id}", params={"format": "json"}).json()["paragraph"]["id"] == hit.id


# -- timeline ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["meeting", "paragraph"])
def test_the_timeline_is_an_inline_svg_of_the_apis_counts(web, api, by):
    timeline = api.searcher.timeline("polisen", by=by)
    html = web.get("/timeline", params={"q": "polisen", "by": by}).text
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    rows = timeline.rows()
    with_hits = [(year, count) for year, count in rows if count]
    assert svg.count("<rect ") == len(with_hits) + (1 if timeline.undated else 0)
    for year, count in with_hits:
        assert f"<title>{year}: {count}</title>" in svg
    for year, count in rows:
        cell = "– inga protokoll detta år" if count is None else str(count)
        assert f'<th scope="row">{year}</th><td>{cell}</td>' in html
    assert "<script" not in svg and 'role="img"' in html


# -- feeds ----------------------------------------------------------------------------------------------


def assert_atom(body: bytes) -> ET.Element:
    """The feed parses, and has RFC 4287's required elements: feed id, title, updated, an author;
    each entry's id, title, updated and a link."""
    feed = ET.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1 and feed.find(f"{ATOM}{name}").text, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed.find(f"{ATOM}updated").text)
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1 and entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/p/")
    return feed


def test_a_search_feed_is_atom_with_the_newest_hits(web, api):
    response = web.get("/feed", params={"q": "polisen", "year": "2018..2024"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = assert_atom(response.content)
    expected = api.search("polisen", year="2018..2024", sort="-date", limit=50)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [f"urn:bigsearch:paragraph:{h.id}" for h in expected.hits]
    assert entries[0].find(f"{ATOM}updated").text == f"{expected.hits[0].date}T00:00:00Z"
    alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert dict(parse_qsl(urlsplit(alternate).query)) == {"q": "polisen", "year": "2018..2024"}


def test_a_feed_without_a_query_or_a_filter_is_refused(web):
    assert web.get("/feed").status_code == 400


@pytest.fixture()
def own_index(built_index, tmp_path):
    """A copy of the shared index, for tests that save searches beside it."""
    copy = tmp_path / "index"
    shutil.copytree(built_index, copy)
    return copy


def test_saved_searches_have_feeds_and_reading_them_marks_nothing_seen(own_index):
    from bigsearch.search.results import Filters
    from bigsearch.search.watch import Watches, watch_file

    with client(own_index) as web:
        assert web.get("/saved").status_code == 200 and web.get("/feed/saved/x").status_code == 404
        assert not watch_file(own_index).exists()  # reading wrote no file
        with bigsearch.open_index(own_index, build=False) as index, Watches(own_index) as watches:
            watches.add(index.searcher, "polisen", Filters(year="2023..2024"), name="polis/nya")
            expected = index.search("polisen", year="2023..2024", sort="-date", limit=50)
        with sqlite3.connect(watch_file(own_index)) as db:  # as if they had never been shown: all new
            db.execute("DELETE FROM seen")
            db.execute("UPDATE watch SET shown = NULL")
        db.close()
        before = watch_file(own_index).read_bytes()
        listing = web.get("/saved").text
        assert 'href="/feed/saved/polis%2Fnya"' in listing and "year=2023..2024" in listing
        for _ in range(2):
            response = web.get("/feed/saved/polis%2Fnya")
            assert response.status_code == 200
            feed = assert_atom(response.content)
            assert [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")] == [
                f"urn:bigsearch:paragraph:{h.id}" for h in expected.hits]
        assert watch_file(own_index).read_bytes() == before
        with sqlite3.connect(watch_file(own_index)) as db:
            assert db.execute("SELECT COUNT(*) FROM seen").fetchone() == (0,)
            assert db.execute("SELECT shown FROM watch").fetchall() == [(None,)]
        db.close()


# -- what every page shares --------------------------------------------------------------------------------


def every_route(api) -> list[str]:
    hit = api.search("Andersberg").hits[0]
    return ["/", "/search?q=Andersberg", f"/p/{hit.id}", f"/p/{hit.id}/original", f"/m/{hit.id.rsplit('-', 2)[0]}",
            "/person/jennehag", "/principal/polisen", "/timeline?q=polisen", "/feed?q=polisen", "/saved",
            "/search?q=Andersberg&format=csv", "/static/style.css", "/search?q=%22bad", "/nowhere"]


def test_every_route_sends_the_security_headers(web, api):
    for url in every_route(api):
        response = web.get(url)
        assert response.status_code in (200, 400, 404), url
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp or "sandbox" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_no_route_writes(web, api):
    for url in every_route(api):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert web.request(method, url).status_code in (404, 405), (method, url)
        assert web.head(url).status_code == web.get(url).status_code


def test_every_page_labels_its_controls(web, api):
    for url in every_route(api):
        response = web.get(url)
        if not response.headers["content-type"].startswith("text/html"):
            continue
        found = parts(response.text)
        labelled = {attrs.get("for") for tag, attrs in found.elements if tag == "label"}
        for tag, attrs in found.elements:
            if tag in ("input", "select", "textarea"):
                assert attrs.get("id") in labelled or attrs.get("aria-label"), (url, tag, attrs)
        assert '<html lang="sv">' in response.text and 'name="viewport"' in response.text


def test_the_start_page_lists_principals_and_counts(web, api):
    html = web.get("/").text
    stats = api.stats()
    assert f"{stats.documents} dokument, {stats.paragraphs} stycken" in html
    for row in api.searcher.listing("principal"):
        assert f">{escape(row.name)}</a> <span class=\"count\">({row.paragraphs})</span>" in html


def test_a_facet_registered_later_is_a_filter_and_a_facet_box_on_the_page(tmp_path, corpus_dir):
    from bigsearch.index.sync import sync

    class Length(Facet):
        name, title = "length", "Längd"
        query_names = ("length",)
        options = (Option("--length", "length", "short or long paragraphs."),)

        def extract(self, paragraph, doc) -> str:
            return "long" if len(paragraph.text) >= 200 else "short"

    FACETS.register(Length())
    try:
        sync(tmp_path / "index", [corpus_dir])
        with client(tmp_path / "index") as web, bigsearch.open_index(tmp_path / "index", build=False) as api:
            html = web.get("/search", params={"q": "mötet"}).text
            assert 'id="f-length" name="length"' in html and ">Längd</h3>" in html
            link = facet_links(html, "Längd")["long"]
            assert dict(parse_qsl(urlsplit(link).query)) == {"q": "mötet", "length": "long"}
            assert hit_ids(web.get(link).text) == [hit.id for hit in api.search("mötet", length="long").hits]
    finally:
        FACETS.unregister("length")


def test_the_page_follows_a_reindex_without_a_restart(tmp_path, corpus_dir):
    from bigsearch.index.sync import sync

    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    sync(tmp_path / "index", [corpus])
    with client(tmp_path / "index") as web:
        assert "Inga träffar för &#39;Zyxwvut&#39;" in web.get("/search", params={"q": "Zyxwvut"}).text
        text = (corpus / "000_abf7e5c094538042.txt").read_text("utf-8")
        (corpus / "000_abf7e5c094538042.txt").write_text(text.replace("Dagordningen godkändes.",
                                                                       "Dagordningen godkändes. Zyxwvut."), "utf-8")
        sync(tmp_path / "index", [corpus])
        assert "1 träffar för &#39;Zyxwvut&#39;" in web.get("/search", params={"q": "Zyxwvut"}).text

"""The web page in a real browser: `bigsearch serve` started as a command on a free loopback port
over a copy of the bundled corpus's index (with one saved search), driven by Playwright through
Debian's Chromium. Type "Andersberg", pick a facet (updated in place by htmx) and drop it again,
open a hit's meeting, an attendee's and a principal's page, follow a permalink to the hit in its
context, download the CSV; a bad query typed into the box; the Atom feeds a search and a saved
search link to; then the page at 320 px and by keyboard alone. A screenshot is saved for each step
(to a temp dir, or to $BIGSEARCH_WEB_SCREENSHOTS). Skipped, with the reason, without the web
extra, playwright or Chromium.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import bigsearch
from bigsearch import cite
from bigsearch.errors import QueryError
from tests.web_helpers import free_port, needs_web

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 60

pytestmark = [
    needs_web,
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="playwright is not installed (pip install 'bigsearch[webtest]'; .ci/run installs it)"),
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"Chromium is not at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"),
]


ATOM = "{http://www.w3.org/2005/Atom}"
SAVED = "polis/nya"  # a saved search whose name needs escaping in its feed's path


@pytest.fixture(scope="module")
def served_index(whoosh_index, tmp_path_factory) -> Path:
    """A copy of the shared index with one saved search beside it (the shared one stays untouched)."""
    from bigsearch.search.results import Filters
    from bigsearch.search.watch import Watches

    copy = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(whoosh_index, copy)
    with bigsearch.open_index(copy, build=False) as index, Watches(copy) as watches:
        watches.add(index.searcher, "polisen", Filters(year="2023..2024"), name=SAVED)
    return copy


@pytest.fixture(scope="module")
def server(served_index):
    """`bigsearch serve` on a free loopback port; its address once it says it listens (on stderr)."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BIGSEARCH_")}
    process = subprocess.Popen([sys.executable, "-m", "bigsearch", "serve", "--index-dir", str(served_index),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env)
    announced = threading.Event()
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if "bigsearch serves" in line:
                announced.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not announced.wait(STARTUP_SECONDS):
            process.kill()
            pytest.fail(f"bigsearch serve did not start: {''.join(lines)}")
        assert f"at http://127.0.0.1:{port}/" in lines[-1]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode in (0, -15), "".join(lines)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("BIGSEARCH_WEB_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture()
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="sv-SE")
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.problems = problems
        try:
            yield page
        finally:
            browser.close()


def snap(page, path: Path) -> None:
    """A full-page screenshot that leaves the page as it was: Playwright's default hides the caret by
    setting a style on each input, which leaves style="" behind; htmx would then carry that attribute
    into its history snapshot, and the Content-Security-Policy (no inline style) would refuse it."""
    page.screenshot(path=path, full_page=True, caret="initial")


@pytest.fixture()
def api(served_index):
    with bigsearch.open_index(served_index, build=False) as index:
        yield index


def test_search_facet_meeting_permalink_and_csv_in_a_browser(server, browser_page, shots, api):
    page = browser_page
    expected = api.search("Andersberg", limit=20)
    page.goto(server + "/")
    page.get_by_role("searchbox", name="Sök i protokollen").fill("Andersberg")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Andersberg"))
    heading = page.locator("#results-heading")
    assert heading.inner_text() == f"{expected.total} träffar för 'Andersberg'"
    assert page.locator("ol.hits > li").count() == len(expected.hits)
    assert page.locator("ol.hits mark").first.inner_text() == "Andersberg"
    snap(page, shots / "1-search.png")

    # A facet link updates the page in place (htmx): the window keeps a value set before the click.
    picked = api.search("Andersberg", principal="Polisen", limit=20)
    assert 0 < picked.total < expected.total  # the facet narrows, so its effect can be seen
    page.evaluate("window.bigsearchMarker = 'kept'")
    page.locator("aside.facets a", has_text="Polisen").click()
    page.wait_for_url(re.compile(r"principal=Polisen"))
    page.wait_for_function(f"document.querySelector('#results-heading').innerText.startsWith('{picked.total} träffar')")
    assert page.evaluate("window.bigsearchMarker") == "kept"
    assert page.locator("ol.hits > li").count() == len(picked.hits)
    chosen = page.locator("aside.facets a[aria-current='true']")
    assert chosen.count() == 1 and chosen.inner_text().startswith("✓ Polisen")
    assert page.locator("#f-principal").input_value() == "Polisen"  # the filter shows in the form as well
    snap(page, shots / "2-facet.png")
    search_url = page.url

    # The picked value is its own removal: clicking it again restores the unfiltered search.
    chosen.click()
    page.wait_for_url(lambda url: "principal=" not in url and "q=Andersberg" in url)
    page.wait_for_function(f"document.querySelector('#results-heading').innerText.startsWith('{expected.total} träffar')")
    assert page.locator("aside.facets a[aria-current='true']").count() == 0
    assert page.locator("#f-principal").input_value() == ""
    assert page.evaluate("window.bigsearchMarker") == "kept"
    page.go_back()  # the in-place updates are in the history
    page.wait_for_url(re.compile(r"principal=Polisen"))
    page.wait_for_function(f"document.querySelector('#results-heading').innerText.startsWith('{picked.total} träffar')")

    hit = picked.hits[0]
    page.locator("ol.hits > li").first.get_by_role("link", name="Mötet").click()
    page.wait_for_url(re.compile(r"/m/"))
    meeting, matched = api.reports().meeting(hit.id.rsplit("-", 2)[0], "Andersberg")
    assert page.locator("h1").inner_text().startswith(meeting.date)
    assert page.locator(".paragraph.matched").count() == len(matched)
    assert page.locator(".attendees li").count() == len(meeting.attendees)
    snap(page, shots / "3-meeting.png")

    # From the meeting to an attendee's page and to a principal's page, and back.
    meeting_url = page.url
    attendee = meeting.attendees[0]
    page.locator(".attendees").get_by_role("link", name=attendee.name, exact=True).click()
    page.wait_for_url(re.compile(r"/person/"))
    person = api.reports().person(attendee.name)
    assert page.locator("h1").inner_text() == person["name"]
    assert page.locator("section.person-meeting").count() == len(person["meetings"])
    page.goto(meeting_url)
    principal = meeting.principals[0]
    page.get_by_role("region", name="Huvudmän som rapporterade").get_by_role("link", name=principal).click()
    page.wait_for_url(re.compile(r"/principal/"))
    canonical, grouped = api.searcher.principal_report(principal)
    assert page.locator("h1").inner_text() == canonical
    assert page.locator("section.principal-meeting").count() == len(grouped)
    snap(page, shots / "3b-principal.png")
    page.goto(meeting_url)

    # The hit in its context: its section in full with the hit marked, paragraphs before and after.
    page.locator(f"[id='{hit.id}'] .pid a").click()
    page.wait_for_url(re.compile(rf"/p/{hit.id}"))
    assert page.locator("h1").inner_text() == f"§ {hit.section} {hit.section_title}"
    assert page.locator(".paragraph.this mark").first.inner_text() == "Andersberg"
    assert page.locator(".context .paragraph").count() > 0
    assert hit.id in page.locator("dl.details").inner_text()
    snap(page, shots / "4-permalink.png")

    page.goto(search_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    saved = Path(download.value.path()).read_bytes().decode("utf-8")
    assert saved == cite.csv_text(api.search("Andersberg", principal="Polisen", limit=20, facets=False))
    snap(page, shots / "5-csv.png")
    assert not page.problems, "\n".join(page.problems)  # no script error, no refusal by the Content-Security-Policy


def test_a_bad_query_typed_into_the_box_shows_the_message(server, browser_page, shots, api):
    page = browser_page
    query = '"stolt och'
    with pytest.raises(QueryError) as raised:
        api.search(query)
    page.goto(server + "/")
    page.get_by_role("searchbox", name="Sök i protokollen").fill(query)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response.status == 400 and response.headers["content-type"].startswith("text/html")
    assert page.get_by_role("alert").inner_text() == f"error: {raised.value}"
    assert "Traceback" not in page.content()
    assert page.get_by_role("searchbox", name="Sök i protokollen").input_value() == query  # to be mended
    snap(page, shots / "8-bad-query.png")
    # The only complaint is Chromium's own note that the page came with status 400.
    assert all("status of 400" in problem for problem in page.problems), page.problems


def atom_ids(body: bytes) -> list[str]:
    feed = ET.fromstring(body)
    assert feed.tag == f"{ATOM}feed"
    return [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]


def test_a_search_and_a_saved_search_link_their_atom_feeds(server, browser_page, shots, api, served_index):
    from bigsearch.search.watch import watch_file

    page = browser_page
    page.goto(server + "/search?q=polisen&year=2023..2024")
    newest = api.search("polisen", year="2023..2024", sort="-date", limit=50)
    advertised = page.locator("link[rel='alternate'][type='application/atom+xml']").get_attribute("href")
    linked = page.get_by_role("link", name="Flöde (Atom)").get_attribute("href")
    assert advertised == linked
    response = page.request.get(server + linked)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    assert atom_ids(response.body()) == [f"urn:bigsearch:paragraph:{hit.id}" for hit in newest.hits]

    # The saved search is listed with its feed; reading the feed in the browser marks nothing seen.
    before = watch_file(served_index).read_bytes()
    page.get_by_role("navigation", name="Webbplatsen").get_by_role("link", name="Sparade sökningar").click()
    page.wait_for_url(re.compile(r"/saved$"))
    entry = page.locator("ul.saved li", has_text=SAVED)
    assert "polisen" in entry.inner_text() and "year=2023..2024" in entry.inner_text()
    snap(page, shots / "9-saved.png")
    feed = entry.get_by_role("link", name="Flöde (Atom)").get_attribute("href")
    assert feed == "/feed/saved/polis%2Fnya"
    response = page.request.get(server + feed)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    assert atom_ids(response.body()) == [f"urn:bigsearch:paragraph:{hit.id}" for hit in newest.hits]
    assert watch_file(served_index).read_bytes() == before
    entry.get_by_role("link", name=SAVED).click()  # the saved search itself opens as a search page
    page.wait_for_url(re.compile(r"/search\?"))
    assert page.locator("#results-heading").inner_text().startswith(f"{newest.total} träffar")
    assert not page.problems, page.problems


def test_readable_at_320_pixels_and_usable_by_keyboard(server, browser_page, shots):
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 720})
    page.goto(server + "/search?q=polisen")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    snap(page, shots / "6-narrow.png")
    # Tab from the top of the page to the facet link "Polisen" and pick it with Enter.
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('aside.facets') ? document.activeElement.innerText : ''")
        if focused.startswith("Polisen"):
            break
    else:
        pytest.fail("the facet link cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"principal=Polisen"))
    page.wait_for_selector("aside.facets a[aria-current='true']")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "results-heading"  # after an in-place update the results have the focus
    snap(page, shots / "7-keyboard.png")
    assert not page.problems, page.problems

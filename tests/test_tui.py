"""The terminal browser, driven by Textual's pilot, and snapshots of its main screen."""

from __future__ import annotations

import pytest

from bigsearch.search.results import Filters
from bigsearch.search.searcher import Searcher
from bigsearch.tui.app import BrowseApp
from bigsearch.tui.screens import HelpScreen, PersonScreen, PickPersonScreen, ProtocolScreen
from bigsearch.tui.widgets.facet_sidebar import SEPARATOR, FacetSidebar
from bigsearch.tui.widgets.preview import Preview
from bigsearch.tui.widgets.results_list import ResultsList
from bigsearch.tui.widgets.search_box import SearchBox
from bigsearch.tui.widgets.status_bar import StatusBar


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rendered(widget) -> str:
    """The plain text a Static widget shows."""
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


def preview_text(app) -> str:
    return rendered(app.query_one(Preview).query_one("#preview-body"))


@pytest.fixture()
def app(built_index):
    searcher = Searcher(built_index)
    yield BrowseApp(searcher)
    searcher.close()


async def test_type_query_move_open_and_quit(app):
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.focused is app.query_one(SearchBox)
        await pilot.press(*"fritidsgård", "enter")
        await settle(pilot)
        results = app.query_one(ResultsList)
        assert len(results.hits) >= 5
        assert app.focused is results
        assert "träffar" in rendered(app.query_one(StatusBar))
        first = results.hits[0]
        assert first.id in preview_text(app)
        await pilot.press("j")
        assert results.highlighted == 1
        assert results.hits[1].id in preview_text(app)
        await pilot.press("k", "end")
        assert results.highlighted == len(results.hits) - 1
        await pilot.press("home")
        assert results.highlighted == 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProtocolScreen)
        assert app.screen.target.id == first.id
        target = app.screen.query_one(".target")
        assert "fritidsgård" in rendered(target).lower()
        await pilot.press("escape")
        assert not isinstance(app.screen, ProtocolScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_toggle_facet_filter_and_back(app):
    app.initial_query = app.query_text = "Bomhus OR Andersberg OR Sätra"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultsList)
        before = len(results.hits)
        assert {h.year for h in results.hits} == {2023, 2024}
        sidebar = app.query_one(FacetSidebar)
        index = next(i for i in range(sidebar.option_count)
                     if sidebar.get_option_at_index(i).id == f"year{SEPARATOR}2023")
        sidebar.focus()
        sidebar.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert {h.year for h in results.hits} == {2023}
        assert app.facet_filters == {"year": "2023"}
        assert "År=2023" in rendered(app.query_one(StatusBar))
        index = next(i for i in range(sidebar.option_count)
                     if sidebar.get_option_at_index(i).id == f"year{SEPARATOR}2023")
        sidebar.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert len(results.hits) == before
        assert app.facet_filters == {}


async def test_keys_help_search_focus_copy(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("y")
        assert app.copied == [app.query_one(ResultsList).hits[0].id]
        await pilot.press("slash")
        assert app.focused is app.query_one(SearchBox)
        await pilot.press("q")  # typed into the search box, does not quit
        assert app.is_running and app.query_one(SearchBox).value.endswith("q")
        await pilot.press("escape")  # leaves the box
        assert app.focused is app.query_one(ResultsList)


@pytest.mark.parametrize("bad", ["år:", '"stolt och', "year:[2019 TO", "(Andersberg", "NOT", "*a"])
async def test_each_bad_query_shows_a_message_not_a_crash(app, bad):
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(SearchBox).value = bad
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert app.error, bad
        assert app.error in rendered(app.query_one(StatusBar)).replace("\n", "")


async def test_year_field_in_the_browser_finds_that_year(app):
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(SearchBox).value = "år:2024 Andersberg"
        await pilot.press("enter")
        await settle(pilot)
        hits = app.query_one(ResultsList).hits
        assert not app.error and len(hits) == 3 and {hit.year for hit in hits} == {2024}


async def test_slow_query_shows_loading_then_results(app, monkeypatch):
    import time as clock

    real_search = app.searcher.search

    def slow_search(*args, **kwargs):
        clock.sleep(1.5)
        return real_search(*args, **kwargs)

    monkeypatch.setattr(app.searcher, "search", slow_search)
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(SearchBox).value = "Bomhus"
        await pilot.press("enter")
        seen_loading = False
        for _ in range(20):  # the indicator appears after a moment, while the search still runs
            await pilot.pause(0.05)
            seen_loading = seen_loading or app.query_one(ResultsList).loading
        assert seen_loading
        await settle(pilot)
        results = app.query_one(ResultsList)
        assert not results.loading and len(results.hits) == 3


def _wait(pilot):
    return settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen_snapshot(snap_compare, whoosh_index, size):
    searcher = Searcher(whoosh_index)
    app = BrowseApp(searcher, "Andersberg")
    try:
        assert snap_compare(app, terminal_size=size, run_before=_wait)
    finally:
        searcher.close()


def test_browse_without_a_terminal_says_so(built_index):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app as cli

    result = CliRunner().invoke(cli, ["browse", "Andersberg", "--index-dir", str(built_index)])
    assert result.exit_code == 2
    assert "needs a terminal" in result.output and "bigsearch search" in result.output


async def test_tab_walks_search_results_filters_as_the_help_says(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(SearchBox).focus()
        seen = []
        for _ in range(3):
            await pilot.press("tab")
            seen.append(app.focused.id)
        assert seen == ["results", "facets", "search"]
        await pilot.press("shift+tab")
        assert app.focused.id == "facets"


async def test_cursor_stays_on_its_hit_when_a_facet_toggles(app):
    app.initial_query = app.query_text = "Andersberg OR Bomhus"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultsList)
        results.highlighted = 2
        kept = results.current
        await settle(pilot)
        principal = kept.principal
        sidebar = app.query_one(FacetSidebar)
        index = next(i for i, option in enumerate(sidebar._options) if option.id == f"principal{SEPARATOR}{principal}")
        sidebar.highlighted = index
        sidebar.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.facet_filters == {"principal": principal}
        assert results.current.id == kept.id


async def test_browse_with_a_principal_and_no_query_lists_its_paragraphs_newest_first(built_index):
    searcher = Searcher(built_index)
    app = BrowseApp(searcher, "", Filters(principal="polisen"))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            hits = app.query_one(ResultsList).hits
            assert hits and all(hit.principal == "Polisen" for hit in hits)
            dates = [hit.date for hit in hits]
            assert dates == sorted(dates, reverse=True)
            assert app.result.total == searcher.search("principal:polisen", limit=0).total
    finally:
        searcher.close()


async def test_meeting_and_person_views_from_a_hit(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ProtocolScreen)
        attendees = rendered(app.screen.query_one(".protocol-attendees"))
        assert "Måns Jennehag (Polisen)" in attendees
        await pilot.press("escape")
        app.query_one(ResultsList).focus()
        await pilot.press("p")
        await settle(pilot)
        if isinstance(app.screen, PickPersonScreen):
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        assert app.screen.report["meetings"]


async def test_lookups_run_in_workers_not_on_the_ui_thread(app, monkeypatch):
    import threading

    threads = []
    real = app.searcher.neighbours

    def spy(paragraph_id):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(paragraph_id)

    monkeypatch.setattr(app.searcher, "neighbours", spy)
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
    assert threads and not any(threads)


async def test_o_opens_the_original(app, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr("bigsearch.opener.subprocess.Popen", lambda command, **kw: opened.append(command))
    monkeypatch.setenv("BIGSEARCH_OPEN", "viewer")
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert opened and opened[0][0] == "viewer" and opened[0][-1].endswith(".txt")


def _open_meeting(pilot):
    async def run():
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    return run()


def _open_person(pilot):
    async def run():
        await settle(pilot)
        pilot.app.query_one(ResultsList).focus()
        pilot.app._person_worker("Måns Jennehag")
        await settle(pilot)

    return run()


@pytest.mark.parametrize("view", ["meeting", "person"])
def test_view_snapshots(snap_compare, whoosh_index, view):
    searcher = Searcher(whoosh_index)
    app = BrowseApp(searcher, "Andersberg")
    try:
        assert snap_compare(app, terminal_size=(100, 30), run_before=_open_meeting if view == "meeting" else _open_person)
    finally:
        searcher.close()

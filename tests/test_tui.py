"""The terminal browser, driven by Textual's pilot, and snapshots of each screen at 80×24 and 140×40.

No test depends on how fast the machine is: `settle` waits until no worker runs and no message is
waiting (counted rounds, not seconds), and a slow search is a search the test holds on an event.
The only clock is LIVENESS, which stops a hung app from hanging the suite; it is never what a
test asserts.
"""

from __future__ import annotations

import threading
import time

import pytest
from textual.worker import WorkerState

from bigsearch.search.results import Filters, Hit
from bigsearch.search.searcher import Searcher
from bigsearch.tui.app import BrowseApp
from bigsearch.tui.screens import HelpScreen, PersonScreen, PickPersonScreen, ProtocolScreen
from bigsearch.tui.widgets.facet_sidebar import OPTION_ROW, SEPARATOR, FacetSidebar
from bigsearch.tui.widgets.preview import Preview
from bigsearch.tui.widgets.results_list import ResultsList
from bigsearch.tui.widgets.search_box import SearchBox
from bigsearch.tui.widgets.status_bar import StatusBar

LIVENESS = 120  # seconds: only for a hung app, never a speed assertion


def _quiet(app) -> bool:
    """No worker running and no message waiting anywhere on the screen."""
    if any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers):
        return False
    nodes = [app, *app.screen.walk_children(with_self=True)]
    return all(node._message_queue.empty() for node in nodes)


async def settle(pilot, rounds: int = 100) -> None:
    """Until the app is quiet: every worker done and every message handled (a message may start a
    worker, a worker's result may post messages: a round per link of that chain)."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if _quiet(app):
            return
    raise AssertionError("the browser never settled")


async def wait_until(pilot, condition, what: str) -> None:
    """Until `condition()` holds; fails only when the app hangs (LIVENESS)."""
    give_up = time.monotonic() + LIVENESS
    while not condition():
        assert time.monotonic() < give_up, f"the browser never {what}"
        await pilot.pause()


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def rendered(widget) -> str:
    """The plain text a Static widget shows."""
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


def lines_of(option_list) -> list[str]:
    """Every line an option list draws, scrolled into view or not, as plain text."""
    top = option_list.scroll_offset.y
    return [option_list.render_line(y - top).text for y in range(option_list.virtual_size.height)]


def preview_text(app) -> str:
    return rendered(app.query_one(Preview).query_one("#preview-body"))


def status_text(app) -> str:
    return rendered(app.query_one(StatusBar)).replace("\n", " ")


def filter_bar_text(app) -> str:
    bar = app.query_one("#filters")
    return rendered(bar).replace("\n", " ") if bar.display else ""


def row_index(sidebar, option_id: str) -> int:
    return next(i for i in range(sidebar.option_count) if sidebar.get_option_at_index(i).id == option_id)


def row_text(sidebar, option_id: str) -> str:
    """The sidebar row's text as drawn, its lines joined."""
    index = row_index(sidebar, option_id)
    top = sidebar.scroll_offset.y
    lines = [sidebar.render_line(y - top).text for y, (option, _) in enumerate(sidebar._lines) if option == index]
    return " ".join(" ".join(lines).split())


async def toggle_row(pilot, option_id: str) -> None:
    """Enter on a sidebar row, as a user does: focus the pane, move to the row, press Enter."""
    sidebar = pilot.app.query_one(FacetSidebar)
    sidebar.focus()
    sidebar.highlighted = row_index(sidebar, option_id)
    await press(pilot, "enter")


@pytest.fixture()
def app(built_index):
    searcher = Searcher(built_index)
    yield BrowseApp(searcher)
    searcher.close()


async def test_type_query_move_open_and_quit(app):
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.focused is app.query_one(SearchBox)
        await press(pilot, *"fritidsgård", "enter")
        results = app.query_one(ResultsList)
        assert len(results.hits) >= 5
        assert app.focused is results
        assert "träffar" in status_text(app)
        first = results.hits[0]
        assert first.id in preview_text(app)
        await press(pilot, "j")
        assert results.highlighted == 1
        assert results.hits[1].id in preview_text(app)
        await press(pilot, "k", "end")
        assert results.highlighted == len(results.hits) - 1
        await press(pilot, "home")
        assert results.highlighted == 0
        await press(pilot, "enter")
        assert isinstance(app.screen, ProtocolScreen)
        assert app.screen.target.id == first.id
        target = app.screen.query_one(".target")
        assert "fritidsgård" in rendered(target).lower()
        await press(pilot, "escape")
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
        await toggle_row(pilot, f"year{SEPARATOR}2023")
        assert {h.year for h in results.hits} == {2023}
        assert app.facet_filters == {"year": "2023"}
        assert "År=2023" in filter_bar_text(app)
        await toggle_row(pilot, f"year{SEPARATOR}2023")
        assert len(results.hits) == before
        assert app.facet_filters == {}
        assert filter_bar_text(app) == ""


# -- filters the browser starts with are filters like any other ------------------------------------


async def test_a_starting_filter_is_ticked_listed_and_removed_by_its_row(searcher):
    everything = searcher.search("Andersberg", limit=0).total
    police = searcher.search("Andersberg", Filters(principal="polisen"), limit=0).total
    assert police < everything  # the corpus fact the test stands on
    app = BrowseApp(searcher, "Andersberg", Filters(principal="polisen"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(FacetSidebar)
        assert app.result.total == police
        assert row_text(sidebar, f"principal{SEPARATOR}Polisen").startswith("✓")
        await toggle_row(pilot, f"principal{SEPARATOR}Polisen")  # takes it off, adds nothing
        assert app.result.total == len(app.query_one(ResultsList).hits) == everything
        assert app.filters() == Filters()
        assert not row_text(sidebar, f"principal{SEPARATOR}Polisen").startswith("✓")
        assert filter_bar_text(app) == ""


async def test_starting_filters_are_listed_in_the_filter_bar(searcher):
    app = BrowseApp(searcher, "Andersberg", Filters(principal="polisen", place="andersberg"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Huvudman=Polisen" in filter_bar_text(app) and "Plats=Andersberg" in filter_bar_text(app)


async def test_a_starting_range_is_a_ticked_row_of_its_own_and_removable(searcher):
    everything = searcher.search("Andersberg", limit=0).total
    app = BrowseApp(searcher, "Andersberg", Filters(year="2018..2023", date_from="2019"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(FacetSidebar)
        narrowed = app.result.total
        assert narrowed < everything
        assert "År=2018..2023" in filter_bar_text(app) and "Datum från 2019" in filter_bar_text(app)
        assert row_text(sidebar, f"{OPTION_ROW}{SEPARATOR}year") == "✓ 2018..2023"
        assert row_text(sidebar, f"{OPTION_ROW}{SEPARATOR}date_from") == "✓ från 2019"
        await toggle_row(pilot, f"{OPTION_ROW}{SEPARATOR}year")
        assert app.filters() == Filters(date_from="2019")
        assert "År" not in filter_bar_text(app)
        await toggle_row(pilot, f"{OPTION_ROW}{SEPARATOR}date_from")
        assert app.filters() == Filters() and app.result.total == everything


async def test_x_clears_every_filter(searcher):
    everything = searcher.search("Andersberg OR Bomhus", limit=0).total
    app = BrowseApp(searcher, "Andersberg OR Bomhus", Filters(principal="polisen", year="2019..2024"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result.total < everything
        await toggle_row(pilot, f"year{SEPARATOR}2024")
        assert len(app.state.active()) == 3
        app.query_one(ResultsList).focus()
        await press(pilot, "x")
        assert app.filters() == Filters() and app.state.active() == []
        assert app.result.total == everything
        assert filter_bar_text(app) == ""
        assert not any(line.lstrip("│ ").startswith("✓") for line in lines_of(app.query_one(FacetSidebar)))


async def test_the_hit_count_says_1_traff_and_2_traffar(searcher):
    app = BrowseApp(searcher, "Andersberg", Filters(principal="polisen"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.result.total == 1  # the corpus has one such paragraph: the singular is seen
        assert status_text(app).startswith("1 träff ") or status_text(app).strip() == "1 träff"
        await press(pilot, "x")
        assert app.result.total > 1
        assert status_text(app).startswith(f"{app.result.total} träffar")


# -- the facet cursor ---------------------------------------------------------------------------


async def test_the_facet_cursor_stays_on_its_row_after_a_toggle(app):
    app.initial_query = app.query_text = "Andersberg OR Bomhus OR skola"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(FacetSidebar)
        rows = [sidebar.get_option_at_index(i).id for i in range(sidebar.option_count)]
        place = next(row for row in rows if row and row.startswith(f"place{SEPARATOR}"))
        assert rows.index(place) > 3  # far from the top, where the old cursor jumped
        await toggle_row(pilot, place)
        assert app.facet_filters == {"place": place.split(SEPARATOR)[1]}
        assert sidebar.get_option_at_index(sidebar.highlighted).id == place
        assert app.focused is sidebar
        await press(pilot, "enter")  # the same key again takes it off
        assert app.facet_filters == {}
        assert sidebar.get_option_at_index(sidebar.highlighted).id == place


# -- every hit can be reached, in the order asked for -------------------------------------------


async def test_hits_load_a_page_at_a_time_until_the_last(searcher):
    every = searcher.search("och", limit=1000, facets=False)
    assert every.total > 25
    app = BrowseApp(searcher, "och")
    app.page_size = 10
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultsList)
        assert len(results.hits) == 10
        assert "visar 10" in status_text(app)
        pages = 1
        while len(results.hits) < every.total:
            await press(pilot, "end")  # to the last hit shown: the next page comes
            pages += 1
            assert len(results.hits) == min(10 * pages, every.total)
        assert [hit.id for hit in results.hits] == [hit.id for hit in every.hits]
        assert "visar" not in status_text(app)
        await press(pilot, "end")  # nothing more to fetch
        assert len(results.hits) == every.total


async def test_s_cycles_relevance_newest_oldest_and_says_which(searcher):
    app = BrowseApp(searcher, "skola")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultsList)
        by_relevance = [hit.id for hit in searcher.search("skola", limit=100).hits]
        assert [hit.id for hit in results.hits] == by_relevance
        assert "sortering: relevans" in status_text(app)
        await press(pilot, "s")
        assert "sortering: nyast först" in status_text(app)
        dates = [hit.date for hit in results.hits]  # undated paragraphs last, as the engines sort them
        assert dates == sorted(dates, key=lambda date: date or "", reverse=True) and dates[0] != dates[-1]
        await press(pilot, "s")
        assert "sortering: äldst först" in status_text(app)
        assert [hit.date for hit in results.hits] == sorted(dates, key=lambda date: date or "")
        await press(pilot, "s")
        assert "sortering: relevans" in status_text(app)
        assert [hit.id for hit in results.hits] == by_relevance


def _in_document_order(searcher, hits) -> None:
    """Newest meeting first, and each meeting's paragraphs in the order the protocol has them."""
    dates = [hit.date for hit in hits]
    assert dates == sorted(dates, key=lambda date: date or "", reverse=True)
    meetings: dict[str, list[str]] = {}
    for hit in hits:
        meetings.setdefault(hit.source_key, []).append(hit.id)
    assert len(meetings) > 1
    for key, ids in meetings.items():
        order = [paragraph.id for paragraph in searcher.document_paragraphs(key)]
        assert ids == [pid for pid in order if pid in ids], key
        assert len(ids) > 1 or len(meetings) > 2


@pytest.mark.parametrize("page_size", [100, 3])
async def test_filters_alone_list_the_newest_meeting_first_in_document_order(searcher, page_size):
    app = BrowseApp(searcher, "", Filters(principal="polisen"))
    app.page_size = page_size  # 3: pages end inside a meeting unless they read on to its end
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultsList)
        while len(results.hits) < app.result.total:
            await press(pilot, "end")
        hits = results.hits
        assert hits and all(hit.principal == "Polisen" for hit in hits)
        assert app.result.total == searcher.search("principal:polisen", limit=0).total == len(hits)
        _in_document_order(searcher, hits)
        assert "sortering: nyast först" in status_text(app)


async def test_an_emptied_query_lists_by_filters_alone_or_nothing(searcher):
    app = BrowseApp(searcher, "Andersberg", Filters(principal="polisen"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sort == "relevance"
        app.query_one(SearchBox).value = ""
        app.query_one(SearchBox).focus()
        await press(pilot, "enter")  # the filter alone: newest first, relevance means nothing here
        assert app.sort == "-date" and app.result.total == searcher.search("principal:polisen", limit=0).total
        await press(pilot, "x")  # no query, no filter: nothing to list, and no error
        assert app.query_one(ResultsList).hits == [] and not app.error and app.is_running


def test_reading_order_puts_each_date_back_in_document_order():
    from bigsearch.tui.paging import reading_order

    def hit(date, source, n):
        return Hit(id=f"{source}-{n}", score=0, date=date, year=None, doc_type="", source=source, section=None,
                   section_title=None, principal=None, unit=None, persons=[], places=[], text="",
                   source_key=source)

    newest_first = [hit("2024", "a", 3), hit("2024", "b", 2), hit("2024", "a", 2), hit("2024", "a", 1),
                    hit("2024", "b", 1), hit("2023", "c", 2), hit("2023", "c", 1), hit(None, "d", 1)]
    assert [h.id for h in reading_order(newest_first)] == ["b-1", "b-2", "a-1", "a-2", "a-3", "c-1", "c-2", "d-1"]


# -- the person view and Esc ----------------------------------------------------------------------


async def test_enter_on_a_meeting_in_the_person_view_opens_it_and_esc_walks_back(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app._person_worker("Måns Jennehag")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen)
        person = app.screen
        rows = person.report["meetings"]
        assert len(rows) > 1
        await press(pilot, "down", "enter")  # the second meeting
        assert isinstance(app.screen, ProtocolScreen)
        wanted = rows[1]
        assert all(paragraph.id.startswith(wanted["meeting"]) for paragraph in app.screen.paragraphs)
        assert "Måns Jennehag" in rendered(app.screen.query_one(".protocol-attendees"))
        await press(pilot, "s", "x", "f")  # the hit list's keys do nothing over it
        assert isinstance(app.screen, ProtocolScreen)
        assert (app.sort, app.sidebar_mode) == ("relevance", "")
        await press(pilot, "escape")
        assert app.screen is person
        await press(pilot, "escape")
        assert not isinstance(app.screen, (PersonScreen, ProtocolScreen))
        await press(pilot, "escape")  # on the main screen Esc never quits
        assert app.is_running
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.parametrize("focus", ["results", "facets"])
async def test_esc_on_the_main_screen_does_not_quit(app, focus):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one(f"#{focus}").focus()
        await press(pilot, "escape")
        await press(pilot, "escape")
        assert app.is_running and app.screen is app.screen_stack[0]
        assert "q avslutar" in status_text(app)


# -- readable facet names -----------------------------------------------------------------------


async def test_facet_names_are_readable_at_80x24(app):
    app.initial_query = app.query_text = "Andersberg OR Bomhus OR skola"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(FacetSidebar)
        drawn = lines_of(sidebar)
        assert not any("…" in line for line in drawn), drawn
        names = [value for counts in app.result.facets.values() for value in list(counts)[:12]]
        assert any(len(name) > 12 for name in names)  # names longer than the old cut are there
        for i in range(sidebar.option_count):
            option_id = sidebar.get_option_at_index(i).id
            if option_id and SEPARATOR in option_id:
                value = option_id.split(SEPARATOR, 1)[1]
                assert value in row_text(sidebar, option_id), (value, row_text(sidebar, option_id))


async def test_f_widens_then_hides_the_filter_pane(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(FacetSidebar)
        normal = sidebar.size.width
        await press(pilot, "f")
        assert sidebar.size.width > normal
        sidebar.focus()
        await press(pilot, "f")
        assert not sidebar.display and app.focused is app.query_one(ResultsList)
        seen = []
        for _ in range(2):
            await press(pilot, "tab")
            seen.append(app.focused.id)
        assert seen == ["search", "results"]  # Tab skips the hidden pane
        await press(pilot, "f")
        assert sidebar.display and sidebar.size.width == normal


# -- keys, errors, workers -------------------------------------------------------------------------


async def test_keys_help_search_focus_copy(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)
        await press(pilot, "y")
        assert app.copied == [app.query_one(ResultsList).hits[0].id]
        await press(pilot, "slash")
        assert app.focused is app.query_one(SearchBox)
        await press(pilot, "q", "s", "x", "f")  # typed into the search box: text, not commands
        assert app.is_running and app.query_one(SearchBox).value.endswith("qsxf")
        assert app.sort == "relevance" and app.sidebar_mode == ""
        await press(pilot, "escape")  # leaves the box
        assert app.focused is app.query_one(ResultsList)


@pytest.mark.parametrize("bad", ["år:", '"stolt och', "year:[2019 TO", "(Andersberg", "NOT", "*a"])
async def test_each_bad_query_shows_a_message_not_a_crash(app, bad):
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(SearchBox).value = bad
        await press(pilot, "enter")
        assert app.is_running
        assert app.error, bad
        assert " ".join(app.error.split()) in " ".join(status_text(app).split())


async def test_year_field_in_the_browser_finds_that_year(app):
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(SearchBox).value = "år:2024 Andersberg"
        await press(pilot, "enter")
        hits = app.query_one(ResultsList).hits
        assert not app.error and len(hits) == 3 and {hit.year for hit in hits} == {2024}


class GatedSearcher:
    """The real searcher, except that a search for a held query waits for the test to open the
    gate: a slow query whose end the test decides, however fast or loaded the machine is."""

    def __init__(self, searcher: Searcher, held: tuple[str, ...]) -> None:
        self._searcher = searcher
        self.held = held
        self.started = threading.Event()  # a held search has begun
        self.gate = threading.Event()

    def __getattr__(self, name):
        return getattr(self._searcher, name)

    def search(self, text, *args, **kwargs):
        if text in self.held:
            self.started.set()
            assert self.gate.wait(LIVENESS), "the test never opened the gate"
        return self._searcher.search(text, *args, **kwargs)


async def test_slow_query_shows_loading_then_results(searcher):
    gated = GatedSearcher(searcher, held=("Bomhus",))
    app = BrowseApp(gated)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            app.query_one(SearchBox).value = "Bomhus"
            await pilot.press("enter")
            await wait_until(pilot, gated.started.is_set, "started the search")
            results = app.query_one(ResultsList)
            await wait_until(pilot, lambda: results.loading, "showed that it is searching")
            assert results.hits == []
            await pilot.press("slash")  # the app answers keys while the search runs
            assert app.focused is app.query_one(SearchBox)
            gated.gate.set()
            await settle(pilot)
            assert not results.loading and len(results.hits) == 3
    finally:
        gated.gate.set()


async def test_a_newer_search_wins_over_an_older_slower_one(searcher):
    gated = GatedSearcher(searcher, held=("Bomhus",))
    app = BrowseApp(gated)
    skola = [hit.id for hit in searcher.search("skola", limit=100).hits]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            results = app.query_one(ResultsList)
            app.query_one(SearchBox).value = "Bomhus"
            await pilot.press("enter")
            await wait_until(pilot, gated.started.is_set, "started the first search")
            app.query_one(SearchBox).value = "skola"
            app.query_one(SearchBox).focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: [hit.id for hit in results.hits] == skola, "showed the second search")
            gated.gate.set()  # now the first one ends, after the second
            await settle(pilot)
            assert [hit.id for hit in results.hits] == skola
            assert not results.loading and app.result.query == "skola"
    finally:
        gated.gate.set()


@pytest.mark.usefixtures("english")
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
            await press(pilot, "tab")
            seen.append(app.focused.id)
        assert seen == ["results", "facets", "search"]
        await press(pilot, "shift+tab")
        assert app.focused.id == "facets"


async def test_cursor_stays_on_its_hit_when_a_facet_toggles(app):
    app.initial_query = app.query_text = "Andersberg OR Bomhus"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultsList)
        results.highlighted = 2
        await settle(pilot)
        kept = results.current
        await toggle_row(pilot, f"principal{SEPARATOR}{kept.principal}")
        assert app.facet_filters == {"principal": kept.principal}
        assert results.current.id == kept.id


async def test_meeting_and_person_views_from_a_hit(app):
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        assert isinstance(app.screen, ProtocolScreen)
        attendees = " ".join(rendered(app.screen.query_one(".protocol-attendees")).split())  # unwrapped
        assert "Måns Jennehag (Polisen)" in attendees
        await press(pilot, "escape")
        app.query_one(ResultsList).focus()
        await press(pilot, "p")
        if isinstance(app.screen, PickPersonScreen):
            await press(pilot, "enter")
        assert isinstance(app.screen, PersonScreen)
        assert app.screen.report["meetings"]


async def test_lookups_run_in_workers_not_on_the_ui_thread(app, monkeypatch):
    threads = []
    real = app.searcher.neighbours

    def spy(paragraph_id):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(paragraph_id)

    monkeypatch.setattr(app.searcher, "neighbours", spy)
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "down")
    assert threads and not any(threads)


async def test_o_opens_the_original(app, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr("bigsearch.opener.subprocess.Popen", lambda command, **kw: opened.append(command))
    monkeypatch.setenv("BIGSEARCH_OPEN", "viewer")
    app.initial_query = app.query_text = "Andersberg"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
    assert opened and opened[0][0] == "viewer" and opened[0][-1].endswith(".txt")


# -- snapshots: every screen at 80×24 and 140×40 ---------------------------------------------------


async def _main(pilot) -> None:
    await settle(pilot)


async def _protocol(pilot) -> None:
    """Enter on a hit: the whole protocol, scrolled to it."""
    await settle(pilot)
    await press(pilot, "down", "enter")


async def _meeting(pilot) -> None:
    """A meeting opened from a person's list, from its top with who was there."""
    await settle(pilot)
    pilot.app._person_worker("Måns Jennehag")
    await settle(pilot)
    await press(pilot, "enter")


async def _person(pilot) -> None:
    await settle(pilot)
    pilot.app._person_worker("Måns Jennehag")
    await settle(pilot)


async def _help(pilot) -> None:
    await settle(pilot)
    await press(pilot, "question_mark")


SCREENS = {"main": _main, "protocol": _protocol, "meeting": _meeting, "person": _person, "help": _help}


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshots(snap_compare, whoosh_index, screen, size):
    searcher = Searcher(whoosh_index)
    app = BrowseApp(searcher, "Andersberg", Filters(principal="polisen") if screen == "main" else None)
    try:
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
    finally:
        searcher.close()

"""`bigsearch browse`: search, filter and read protocols in the terminal.

Uses the same search library as the CLI; widgets talk through messages, the app owns state.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer

from bigsearch.errors import BigsearchError
from bigsearch.search.results import Filters, SearchResult
from bigsearch.search.searcher import Searcher
from bigsearch.tui.filter_state import FilterState
from bigsearch.tui.messages import (
    FacetToggled,
    HitHighlighted,
    HitOpened,
    MeetingChosen,
    OptionRemoved,
    QuerySubmitted,
)
from bigsearch.tui.paging import PAGE_SIZE, Pages, sorts_for
from bigsearch.tui.screens import HelpScreen, PersonScreen, PickPersonScreen, ProtocolScreen
from bigsearch.tui.widgets.facet_sidebar import FacetSidebar
from bigsearch.tui.widgets.preview import Preview
from bigsearch.tui.widgets.results_list import ResultsList
from bigsearch.tui.widgets.search_box import SearchBox
from bigsearch.tui.widgets.status_bar import FilterBar, StatusBar

LOADING_AFTER = 0.15  # seconds before a running query shows the loading indicator
SIDEBAR_MODES = ("", "facets-wide", "facets-hidden")  # the filter pane: normal, wide, hidden (f)
MAIN_SCREEN_ACTIONS = {"focus_search", "cycle_sort", "clear_filters", "cycle_sidebar", "copy_id", "meeting",
                       "person", "open_original"}


class BrowseApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "bigsearch"
    BINDINGS = [
        Binding("q", "quit", "Avsluta"),
        Binding("slash", "focus_search", "Sök"),
        Binding("question_mark", "help", "Hjälp"),
        Binding("s", "cycle_sort", "Sortering"),
        Binding("x", "clear_filters", "Rensa filter"),
        Binding("f", "cycle_sidebar", "Filterruta"),
        Binding("y", "copy_id", "Kopiera id"),
        Binding("m", "meeting", "Mötet"),
        Binding("p", "person", "Person"),
        Binding("o", "open_original", "Öppna fil"),
        Binding("tab", "cycle_focus(1)", "Byt ruta", show=False, priority=True),
        Binding("shift+tab", "cycle_focus(-1)", show=False, priority=True),
    ]
    # The order Tab walks, as the help says.
    FOCUS_ORDER = ("#search", "#results", "#facets")

    def __init__(self, searcher: Searcher, query: str = "", filters: Filters | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.searcher = searcher
        self.initial_query = query
        # Starting options that name one value become that value's ✓ (resolved as the index holds it).
        self.state = FilterState(filters, getattr(searcher, "known", None))
        self.query_text = query
        self.sort = sorts_for(query)[0]
        self.page_size = page_size
        self.loading_after = LOADING_AFTER
        self.result: SearchResult | None = None  # the first page of the current search, with its facets
        self.copied: list[str] = []
        self.error: str = ""
        self.sidebar_mode = SIDEBAR_MODES[0]
        self._search_token = 0
        self._pending: int | None = None
        self._pages: Pages | None = None  # the current search's further pages
        self._loading_more = False
        self._keep_hit: str | None = None  # the hit to stay on when a facet toggles

    @property
    def facet_filters(self) -> dict[str, str]:
        """The values picked in the sidebar (and starting options that name one value)."""
        return self.state.picked

    def compose(self) -> ComposeResult:
        yield SearchBox(self.initial_query)
        yield StatusBar()
        yield FilterBar()
        with Horizontal(id="main"):
            yield FacetSidebar()
            with Vertical(id="right"):
                yield ResultsList()
                yield Preview(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#facets").border_title = "Filter"
        self.query_one("#results").border_title = "Träffar"
        self.query_one("#preview").border_title = "Stycke"
        self.query_one(FilterBar).show(self.state.active())
        self.sort = sorts_for(self.query_text)[0]
        self.on_resize()
        if self.initial_query or self.state:
            self.run_search()
            self.query_one(ResultsList).focus()
        else:
            self.query_one(SearchBox).focus()

    def on_resize(self, event=None) -> None:
        self.set_class(self.size.width < 100, "narrow")

    # -- searching ------------------------------------------------------------------------------

    def filters(self) -> Filters:
        """The filters the browser started with, and the facets picked since."""
        return self.state.filters()

    def run_search(self) -> None:
        self._pages = None
        self._loading_more = False
        self.query_one(FilterBar).show(self.state.active())
        if not self.query_text.strip() and not self.state:
            self._show_nothing()
            return
        # A token per search, touched only on the app's thread: a late timer or an older
        # search's result never overrides a newer one.
        self._search_token += 1
        token = self._pending = self._search_token
        self.set_timer(self.loading_after, lambda: self._show_loading(token))
        pages = Pages(self.searcher, self.query_text, self.state.filters(), self.sort, self.page_size)
        self._search_worker(token, pages)

    def _show_loading(self, token: int) -> None:
        if self._pending == token:
            self.query_one(ResultsList).loading = True

    @work(thread=True, exclusive=True, group="search")
    def _search_worker(self, token: int, pages: Pages) -> None:
        try:
            result = pages.first()
        except BigsearchError as exc:
            self.call_from_thread(self._show_error, token, str(exc))
        else:
            self.call_from_thread(self._show_result, token, pages, result)

    def _finish(self, token: int) -> bool:
        """Marks `token` done; False when a newer search has started since."""
        if token != self._search_token:
            return False
        self._pending = None
        self.query_one(ResultsList).loading = False
        return True

    def _show_error(self, token: int, message: str) -> None:
        if not self._finish(token):
            return
        self.error = message
        self.query_one(StatusBar).show(None, note=message)

    def _show_nothing(self) -> None:
        """No query and no filter: nothing to list."""
        self._search_token += 1
        self._pending = None
        self.result = None
        self.error = ""
        results = self.query_one(ResultsList)
        results.loading = False
        results.show_hits([])
        self.query_one(FacetSidebar).show_facets({}, [])
        self.query_one(StatusBar).show(None)
        self.query_one(Preview).show_prompt()

    def _show_result(self, token: int, pages: Pages, result: SearchResult) -> None:
        if not self._finish(token):
            return
        self.error = ""
        self.result = result
        self._pages = pages
        results = self.query_one(ResultsList)
        results.show_hits(result.hits, keep=self._keep_hit)
        self._keep_hit = None
        self.query_one(FacetSidebar).show_facets(result.facets, self.state.active())
        self._show_status()
        if not result.hits:
            self.query_one(Preview).show(None)

    def _show_status(self, note: str = "") -> None:
        result = self.result
        if result is None:
            self.query_one(StatusBar).show(None, note=note)
            return
        if not note and result.suggestion:
            note = f"Menade du: {result.suggestion}?"
        loaded = len(self.query_one(ResultsList).hits)
        self.query_one(StatusBar).show(result.total, loaded, self.sort, note)

    def _load_more(self) -> None:
        """The next page, when the cursor has reached the last hit shown and more are left."""
        pages = self._pages
        if pages is None or not pages.more or self._loading_more or not self.query_one(ResultsList).at_end:
            return
        self._loading_more = True
        self._more_worker(self._search_token, pages)

    @work(thread=True, exclusive=True, group="more")
    def _more_worker(self, token: int, pages: Pages) -> None:
        try:
            hits = pages.next()
        except BigsearchError as exc:
            self.call_from_thread(self._show_more_error, token, str(exc))
        else:
            self.call_from_thread(self._add_page, token, hits)

    def _add_page(self, token: int, hits) -> None:
        if token != self._search_token:
            return
        self._loading_more = False
        self.query_one(ResultsList).add_hits(hits)
        self._show_status()

    def _show_more_error(self, token: int, message: str) -> None:
        if token == self._search_token:
            self._loading_more = False
            self._show_message(message)

    # -- messages from widgets ------------------------------------------------------------------

    def on_query_submitted(self, message: QuerySubmitted) -> None:
        had_query = bool(self.query_text.strip())
        self.query_text = message.query
        sorts = sorts_for(self.query_text)
        if self.sort not in sorts or (self.query_text.strip() and not had_query):
            self.sort = sorts[0]  # a new query starts by relevance; filters alone by date
        self.run_search()
        self.query_one(ResultsList).focus()

    def on_hit_highlighted(self, message: HitHighlighted) -> None:
        self.query_one(Preview).show(message.hit, [])
        self._neighbours_worker(message.hit)
        self._load_more()

    @work(thread=True, exclusive=True, group="lookup")
    def _neighbours_worker(self, hit) -> None:
        """Lookups run off the UI thread: a slow engine never freezes typing."""
        try:
            neighbours = self.searcher.neighbours(hit.id)
        except BigsearchError:
            neighbours = []
        self.call_from_thread(self._show_neighbours, hit, neighbours)

    def _show_neighbours(self, hit, neighbours) -> None:
        current = self.query_one(ResultsList).current
        if current is not None and current.id == hit.id:
            self.query_one(Preview).show(hit, neighbours)

    def on_hit_opened(self, message: HitOpened) -> None:
        self._open(message.hit)

    def _keep_current_hit(self) -> None:
        current = self.query_one(ResultsList).current
        self._keep_hit = current.id if current else None

    def on_facet_toggled(self, message: FacetToggled) -> None:
        self.state.toggle(message.facet, message.value)
        self._keep_current_hit()
        self.run_search()

    def on_option_removed(self, message: OptionRemoved) -> None:
        self.state.remove_option(message.option)
        self._keep_current_hit()
        self.run_search()

    def on_meeting_chosen(self, message: MeetingChosen) -> None:
        self._meeting_by_id_worker(message.meeting_id, message.paragraph_id)

    # -- actions --------------------------------------------------------------------------------

    def action_clear_filters(self) -> None:
        if not self.state:
            return
        self.state.clear()
        self._keep_current_hit()
        self.run_search()

    def action_cycle_sort(self) -> None:
        sorts = sorts_for(self.query_text)
        self.sort = sorts[(sorts.index(self.sort) + 1) % len(sorts)] if self.sort in sorts else sorts[0]
        self.run_search()

    def action_cycle_sidebar(self) -> None:
        """The filter pane: normal, wide (long names on fewer lines), hidden (room for the hits)."""
        self.remove_class(*[mode for mode in SIDEBAR_MODES if mode])
        self.sidebar_mode = SIDEBAR_MODES[(SIDEBAR_MODES.index(self.sidebar_mode) + 1) % len(SIDEBAR_MODES)]
        if self.sidebar_mode:
            self.add_class(self.sidebar_mode)
        sidebar = self.query_one(FacetSidebar)
        if self.sidebar_mode == "facets-hidden" and self.focused is sidebar:
            self.query_one(ResultsList).focus()

    def _open(self, hit) -> None:
        self._meeting_worker(hit)

    @work(thread=True, exclusive=True, group="lookup")
    def _meeting_worker(self, hit) -> None:
        from bigsearch.search.reports import attendees_of, shown_paragraphs

        try:
            key = self.searcher.source_key_of(hit.id)
            paragraphs = self.searcher.document_paragraphs(key)
            info = self.searcher.document_info(key)
        except BigsearchError as exc:
            self.call_from_thread(self._show_message, str(exc))
            return
        title = info.get("title") or hit.source
        attendees = attendees_of(info)
        paragraphs = shown_paragraphs(paragraphs, info.get("title"), attendees, keep=hit.id)
        screen = ProtocolScreen(hit, paragraphs, f"{title}  ({hit.source})", attendees)
        self.call_from_thread(self.push_screen, screen)

    @work(thread=True, exclusive=True, group="lookup")
    def _meeting_by_id_worker(self, meeting_id: str, paragraph_id: str | None) -> None:
        """A meeting from the person view, opened at the person's paragraph (or its top)."""
        from bigsearch.search.reports import Reports, shown_paragraphs

        try:
            meeting, _ = Reports(self.searcher).meeting(meeting_id)
        except BigsearchError as exc:
            self.call_from_thread(self._show_message, str(exc))
            return
        if not meeting.paragraphs:
            self.call_from_thread(self._show_message, f"mötet {meeting_id} har inga stycken i indexet")
            return
        target = next((p for p in meeting.paragraphs if p.id == paragraph_id), None)  # None: from the top
        title = f"{meeting.title or meeting.source}  ({meeting.source})"
        # As the protocol opened from a hit: header lines that repeat the title or the attendance
        # list shown above are left out.
        paragraphs = shown_paragraphs(meeting.paragraphs, meeting.title, meeting.attendees, keep=paragraph_id)
        screen = ProtocolScreen(target, paragraphs, title, meeting.attendees)
        self.call_from_thread(self.push_screen, screen)

    def _show_message(self, message: str) -> None:
        self.error = message
        if isinstance(self.screen, (PersonScreen, ProtocolScreen)):
            self.notify(message, severity="warning")
        self._show_status(message)

    def action_meeting(self) -> None:
        current = self.query_one(ResultsList).current
        if current is not None:
            self._open(current)

    def action_person(self) -> None:
        current = self.query_one(ResultsList).current
        if current is None:
            return
        names = list(dict.fromkeys([*current.persons, *current.attendees]))
        if not names:
            self._show_message("inga personer i det här stycket")
        elif len(names) == 1:
            self._person_worker(names[0])
        else:
            self.push_screen(PickPersonScreen(names), lambda name: name and self._person_worker(name))

    @work(thread=True, exclusive=True, group="lookup")
    def _person_worker(self, name: str) -> None:
        from bigsearch.search.reports import Reports

        try:
            report = Reports(self.searcher).person(name)
        except BigsearchError as exc:
            self.call_from_thread(self._show_message, str(exc))
            return
        self.call_from_thread(self.push_screen, PersonScreen(report))

    def action_open_original(self) -> None:
        current = self.query_one(ResultsList).current
        if current is not None:
            self._open_original_worker(current)

    @work(thread=True, exclusive=True, group="lookup")
    def _open_original_worker(self, hit) -> None:
        from bigsearch.opener import open_original

        try:
            command = open_original(Path(self.searcher.source_key_of(hit.id)), hit.page)
        except BigsearchError as exc:
            self.call_from_thread(self._show_message, str(exc))
            return
        self.call_from_thread(self._show_message, f"öppnade {hit.source} med {Path(command[0]).name}")

    def action_cycle_focus(self, step: int) -> None:
        if len(self.screen_stack) > 1:  # other screens keep Textual's own focus chain
            self.screen.focus_next() if step > 0 else self.screen.focus_previous()
            return
        order = [widget for widget in map(self.query_one, self.FOCUS_ORDER) if widget.display]
        index = order.index(self.focused) if self.focused in order else -1
        order[(index + step) % len(order)].focus()

    def action_focus_search(self) -> None:
        self.query_one(SearchBox).focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_copy_id(self) -> None:
        current = self.query_one(ResultsList).current
        if current is None:
            return
        self.copy_to_clipboard(current.id)
        self.copied.append(current.id)
        self._show_status(f"id {current.id} kopierat (skrivs också ut när du avslutar)")
        self.notify(f"Kopierade {current.id}", timeout=2)

    def check_action(self, action: str, parameters) -> bool | None:
        # Letters typed in the search box are text, not commands.
        if action == "quit" and isinstance(self.focused, SearchBox):
            return False
        # Commands on the hit list are for the main screen, not a protocol or person view over it.
        if action in MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1:
            return False
        return True

    def on_key(self, event) -> None:
        # Esc leaves the search box; on the main screen it never quits, and says what does.
        if event.key != "escape" or len(self.screen_stack) > 1:
            return
        event.stop()
        if isinstance(self.focused, SearchBox):
            self.query_one(ResultsList).focus()
        else:
            self._show_status("q avslutar (Esc stänger bara vyer)")

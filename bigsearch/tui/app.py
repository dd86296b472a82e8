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
from bigsearch.tui.messages import FacetToggled, HitHighlighted, HitOpened, QuerySubmitted
from bigsearch.tui.screens import HelpScreen, PersonScreen, PickPersonScreen, ProtocolScreen
from bigsearch.tui.widgets.facet_sidebar import FacetSidebar
from bigsearch.tui.widgets.preview import Preview
from bigsearch.tui.widgets.results_list import ResultsList
from bigsearch.tui.widgets.search_box import SearchBox
from bigsearch.tui.widgets.status_bar import StatusBar

LOADING_AFTER = 0.15  # seconds before a running query shows the loading indicator
RESULT_LIMIT = 200


class BrowseApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "bigsearch"
    BINDINGS = [
        Binding("q", "quit", "Avsluta"),
        Binding("escape", "quit", "Avsluta", show=False),
        Binding("slash", "focus_search", "Sök"),
        Binding("question_mark", "help", "Hjälp"),
        Binding("y", "copy_id", "Kopiera id"),
        Binding("m", "meeting", "Mötet"),
        Binding("p", "person", "Person"),
        Binding("o", "open_original", "Öppna fil"),
        Binding("tab", "cycle_focus(1)", "Byt ruta", show=False, priority=True),
        Binding("shift+tab", "cycle_focus(-1)", show=False, priority=True),
    ]
    # The order Tab walks, as the help says.
    FOCUS_ORDER = ("#search", "#results", "#facets")

    def __init__(self, searcher: Searcher, query: str = "", filters: Filters | None = None) -> None:
        super().__init__()
        self.searcher = searcher
        self.initial_query = query
        self.base_filters = filters or Filters()
        self.facet_filters: dict[str, str] = dict(self.base_filters.facets)
        self.query_text = query
        self.result: SearchResult | None = None
        self.copied: list[str] = []
        self.error: str = ""
        self._search_token = 0
        self._pending: int | None = None
        self._keep_hit: str | None = None  # the hit to stay on when a facet toggles

    def compose(self) -> ComposeResult:
        yield SearchBox(self.initial_query)
        yield StatusBar()
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
        self.on_resize()
        if self.initial_query or self._has_filters():
            self.run_search()
            self.query_one(ResultsList).focus()
        else:
            self.query_one(SearchBox).focus()

    def _has_filters(self) -> bool:
        return self.filters() != Filters()

    def on_resize(self, event=None) -> None:
        self.set_class(self.size.width < 100, "narrow")

    # -- searching ------------------------------------------------------------------------------

    def filters(self) -> Filters:
        """The filters the browser started with, and the facets picked since."""
        return self.base_filters.replace(facets=dict(self.facet_filters))

    def run_search(self) -> None:
        if not self.query_text.strip() and not self._has_filters():
            return
        # A token per search, touched only on the app's thread: a late timer or an older
        # search's result never overrides a newer one.
        self._search_token += 1
        token = self._pending = self._search_token
        self.set_timer(LOADING_AFTER, lambda: self._show_loading(token))
        self._search_worker(token, self.query_text, self.filters())

    def _show_loading(self, token: int) -> None:
        if self._pending == token:
            self.query_one(ResultsList).loading = True

    @work(thread=True, exclusive=True, group="search")
    def _search_worker(self, token: int, query: str, filters: Filters) -> None:
        try:
            if query.strip():
                result = self.searcher.search(query, filters, limit=RESULT_LIMIT)
            else:  # filters alone: that principal's (year's …) paragraphs, newest first
                result = self.searcher.browse(filters, limit=RESULT_LIMIT)
        except BigsearchError as exc:
            self.call_from_thread(self._show_error, token, str(exc))
        else:
            self.call_from_thread(self._show_result, token, result)

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
        self.query_one(StatusBar).show(None, self.facet_filters, message)

    def _show_result(self, token: int, result: SearchResult) -> None:
        if not self._finish(token):
            return
        self.error = ""
        self.result = result
        results = self.query_one(ResultsList)
        results.show_hits(result.hits, keep=self._keep_hit)
        self._keep_hit = None
        self.query_one(FacetSidebar).show_facets(result.facets, self.facet_filters)
        note = f"Menade du: {result.suggestion}?" if result.suggestion else ""
        if result.total > len(result.hits):
            note = f"visar de {len(result.hits)} första" + (f" · {note}" if note else "")
        self.query_one(StatusBar).show(result.total, self.facet_filters, note)
        if not result.hits:
            self.query_one(Preview).show(None)

    # -- messages from widgets ------------------------------------------------------------------

    def on_query_submitted(self, message: QuerySubmitted) -> None:
        self.query_text = message.query
        self.run_search()
        self.query_one(ResultsList).focus()

    def on_hit_highlighted(self, message: HitHighlighted) -> None:
        self.query_one(Preview).show(message.hit, [])
        self._neighbours_worker(message.hit)

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

    def on_facet_toggled(self, message: FacetToggled) -> None:
        if self.facet_filters.get(message.facet) == message.value:
            del self.facet_filters[message.facet]
        else:
            self.facet_filters[message.facet] = message.value
        current = self.query_one(ResultsList).current
        self._keep_hit = current.id if current else None
        self.run_search()

    # -- actions --------------------------------------------------------------------------------

    def _open(self, hit) -> None:
        self._meeting_worker(hit)

    @work(thread=True, exclusive=True, group="lookup")
    def _meeting_worker(self, hit) -> None:
        from bigsearch.search.reports import attendees_of

        try:
            key = self.searcher.source_key_of(hit.id)
            paragraphs = self.searcher.document_paragraphs(key)
            info = self.searcher.document_info(key)
        except BigsearchError as exc:
            self.call_from_thread(self._show_message, str(exc))
            return
        title = info.get("title") or hit.source
        screen = ProtocolScreen(hit, paragraphs, f"{title}  ({hit.source})", attendees_of(info))
        self.call_from_thread(self.push_screen, screen)

    def _show_message(self, message: str) -> None:
        self.error = message
        self.query_one(StatusBar).show(self.result.total if self.result else None, self.facet_filters, message)

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
        order = [self.query_one(selector) for selector in self.FOCUS_ORDER]
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
        self.query_one(StatusBar).show(self.result.total if self.result else None, self.facet_filters,
                                       f"id {current.id} kopierat (skrivs också ut när du avslutar)")
        self.notify(f"Kopierade {current.id}", timeout=2)

    def check_action(self, action: str, parameters) -> bool | None:
        # In the search box Esc leaves the box (see on_key) instead of quitting.
        if action == "quit" and isinstance(self.focused, SearchBox):
            return False
        return True

    def on_key(self, event) -> None:
        if event.key == "escape" and isinstance(self.focused, SearchBox):
            event.stop()
            self.query_one(ResultsList).focus()

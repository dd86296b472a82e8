"""The search box at the top."""

from __future__ import annotations

from textual.widgets import Input

from bigsearch.tui.messages import QuerySubmitted


class SearchBox(Input):
    DEFAULT_CSS = ""

    def __init__(self, query: str = "") -> None:
        super().__init__(value=query, placeholder='Sök: ord, "fraser", OR, -ord, prefix*, fuzzy~ …', id="search")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(QuerySubmitted(event.value))

"""The results list: date, §, principal and a one-line snippet with the matched words highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bigsearch.display import HIGHLIGHT, where
from bigsearch.search.results import Hit
from bigsearch.tui.messages import HitHighlighted, HitOpened


def one_line(hit: Hit, width: int = 160, lead: int = 24) -> Text:
    """The snippet on one line, starting a little before the first match so it stays visible."""
    text, spans = hit.snippet.replace("\n", " "), hit.snippet_highlights
    begin = 0
    if spans and spans[0][0] > lead:
        begin = text.rfind(" ", 0, spans[0][0] - lead) + 1
    line = Text(("… " if begin else "") + text[begin : begin + width], no_wrap=True, overflow="ellipsis")
    shift = (2 if begin else 0) - begin
    for start, end in spans:
        if begin <= start < begin + width:
            line.stylize(HIGHLIGHT, start + shift, min(end, begin + width) + shift)
    return line


def hit_label(hit: Hit) -> Text:
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(hit.date or str(hit.year or "—"), style="bold cyan")
    if hit.section:
        label.append(f"  § {hit.section}", style="bold")
    if hit.principal:
        label.append(f"  {hit.principal}", style="magenta")
    elif hit.section_title:
        label.append(f"  {hit.section_title[:40]}", style="dim")
    label.append("\n")
    label.append_text(one_line(hit))
    return label


class ResultsList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Ned", show=False),
        Binding("k", "cursor_up", "Upp", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="results")
        self.hits: list[Hit] = []

    def show_hits(self, hits: list[Hit], keep: str | None = None) -> None:
        """Shows new hits; the cursor stays on the hit `keep` when it is still among them."""
        self.hits = list(hits)
        self.clear_options()
        self.add_options([Option(hit_label(hit), id=hit.id) for hit in self.hits])
        if self.hits:
            ids = [hit.id for hit in self.hits]
            self.highlighted = ids.index(keep) if keep in ids else 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index is not None and event.option_index < len(self.hits):
            self.post_message(HitHighlighted(self.hits[event.option_index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.post_message(HitOpened(self.hits[event.option_index]))

    @property
    def current(self) -> Hit | None:
        if self.highlighted is None or self.highlighted >= len(self.hits):
            return None
        return self.hits[self.highlighted]


__all__ = ["ResultsList", "hit_label", "where"]

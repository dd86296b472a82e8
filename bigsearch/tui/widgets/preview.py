"""The preview pane: the paragraph with highlights, its metadata and its neighbours in the same §."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from bigsearch.display import highlighted, where
from bigsearch.search.results import Hit


def preview_renderable(hit: Hit, neighbours: list[Hit]) -> Group:
    parts: list = []
    title = Text()
    title.append(hit.date or str(hit.year or "utan datum"), style="bold cyan")
    place = where(hit.section, hit.section_title)
    if place:
        title.append("  " + place, style="bold")
    parts.append(title)
    for label, value in (
        ("Huvudman", (hit.principal or "") + (f" ({hit.unit})" if hit.unit else "")),
        ("Personer", ", ".join(hit.persons)),
        ("Platser", ", ".join(hit.places)),
        ("Källa", hit.source),
        ("Id", hit.id),
    ):
        if value:
            parts.append(Text(f"{label}: ", style="bold").append(value))
    parts.append(Text(""))
    parts.append(highlighted(hit.text, hit.highlights))
    others = [n for n in neighbours if n.id != hit.id]
    if others:
        parts.append(Text(""))
        parts.append(Text(f"Samma {place or 'avsnitt'}:", style="bold underline"))
        for other in neighbours:
            style = "bold" if other.id == hit.id else "dim"
            parts.append(Text(("▶ " if other.id == hit.id else "  ") + other.text, style=style))
    return Group(*parts)


class Preview(VerticalScroll):
    def compose(self):
        yield Static("Skriv en sökning och tryck Enter.", id="preview-body")

    def show(self, hit: Hit | None, neighbours: list[Hit] | None = None) -> None:
        body = self.query_one("#preview-body", Static)
        if hit is None:
            body.update("Inga träffar.")
        else:
            body.update(preview_renderable(hit, neighbours or []))
        self.scroll_home(animate=False)

"""The facet sidebar: counts for every listed facet (bigsearch/facets.py); selecting toggles a filter."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bigsearch.facets import FACETS
from bigsearch.tui.messages import FacetToggled

SEPARATOR = "\x1f"


class FacetSidebar(OptionList):
    def __init__(self) -> None:
        super().__init__(id="facets")
        self.active: dict[str, str] = {}

    def show_facets(self, facets: dict[str, dict[str, int]], active: dict[str, str], top: int = 12) -> None:
        self.active = dict(active)
        self.clear_options()
        options: list[Option] = []
        for listed in FACETS.listed():
            facet = listed.name
            values = facets.get(facet) or {}
            chosen = active.get(facet)
            if chosen and chosen not in values:
                values = {chosen: 0, **values}
            if not values:
                continue
            options.append(Option(Text(listed.title, style="bold underline"), disabled=True))
            items = list(values.items()) if listed.ranged else list(values.items())[:top]
            for value, count in items:
                selected = chosen == value
                label = Text()
                label.append("✓" if selected else " ", style="bold green")
                label.append(f"{count:>4} ", style="dim")
                label.append(value, style="bold green" if selected else "")
                options.append(Option(label, id=f"{facet}{SEPARATOR}{value}"))
        self.add_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and SEPARATOR in event.option.id:
            facet, value = event.option.id.split(SEPARATOR, 1)
            self.post_message(FacetToggled(facet, value))

"""The facet sidebar: counts for every listed facet (bigsearch/facets.py); selecting toggles a filter.

Every active filter is a ✓ row: a picked value on its counted row, a starting option that names no
single value (a year range, a date bound) on a row of its own under its facet. Names wrap under
themselves instead of being cut, and the cursor stays on its row when the list is rebuilt.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bigsearch.facets import FACETS
from bigsearch.tui.filter_state import ActiveFilter
from bigsearch.tui.messages import FacetToggled, OptionRemoved

SEPARATOR = "\x1f"  # between a facet's name and a value in a row's id
OPTION_ROW = "\x1e"  # a starting option's row: OPTION_ROW + SEPARATOR + option name
TOP = 12  # values shown per facet (ranges show every value)


def value_id(facet: str, value: str) -> str:
    return f"{facet}{SEPARATOR}{value}"


def option_id(option: str) -> str:
    return f"{OPTION_ROW}{SEPARATOR}{option}"


def row(ticked: bool, count: int | None, name: str, count_width: int) -> Table:
    """✓, the count and the name in columns: a long name wraps under itself, never under the count."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=count_width, justify="right", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(Text("✓" if ticked else " ", style="bold"),  # no colour: seen on the cursor's row too
                 Text("" if count is None else str(count), style="dim"),
                 Text(name, style="bold" if ticked else "", overflow="fold"))
    return grid


class FacetSidebar(OptionList):
    def __init__(self) -> None:
        super().__init__(id="facets")
        self.counts: dict[str, dict[str, int]] = {}
        self.active: list[ActiveFilter] = []

    def show_facets(self, facets: dict[str, dict[str, int]], active: list[ActiveFilter]) -> None:
        """The counts of a search (its result's facet data) and the filters now active."""
        self.counts = facets
        self.active = list(active)
        keep = self.highlighted
        keep_id = self.get_option_at_index(keep).id if keep is not None and keep < self.option_count else None
        self.clear_options()
        self.add_options(self._rows())
        self._restore_cursor(keep_id, keep)

    def _rows(self) -> list[Option]:
        picked = {item.facet: item.value for item in self.active if item.option is None}
        sections: list[tuple[str, list[tuple[bool, int | None, str, str]]]] = []
        for facet in FACETS:
            given = [item for item in self.active if item.facet == facet.name and item.option]
            values = dict(self.counts.get(facet.name) or {}) if facet.listed else {}
            chosen = picked.get(facet.name)
            if chosen is not None and chosen not in values:
                values = {chosen: 0, **values}
            if not (values or given):
                continue
            rows = [(True, None, item.row_value, option_id(item.option)) for item in given]
            shown = list(values.items()) if facet.ranged else list(values.items())[:TOP]
            if chosen is not None and chosen not in dict(shown):
                shown.append((chosen, values[chosen]))
            rows += [(chosen == value, count, value, value_id(facet.name, value)) for value, count in shown]
            sections.append((facet.title, rows))
        width = max((len(str(count)) for _, rows in sections for _, count, _, _ in rows if count is not None),
                    default=1)
        options: list[Option] = []
        for title, rows in sections:
            options.append(Option(Text(title, style="bold underline"), disabled=True))
            options += [Option(row(ticked, count, name, width), id=identifier) for ticked, count, name, identifier in rows]
        return options

    def _restore_cursor(self, keep_id: str | None, keep_index: int | None) -> None:
        if keep_index is None or not self.option_count:
            return
        ids = [self.get_option_at_index(i).id for i in range(self.option_count)]
        if keep_id in ids:
            self.highlighted = ids.index(keep_id)
            return
        index = min(keep_index, self.option_count - 1)
        enabled = [i for i in range(self.option_count) if not self.get_option_at_index(i).disabled]
        if enabled:
            self.highlighted = min(enabled, key=lambda i: (abs(i - index), i))

    def on_focus(self) -> None:
        """Focused without a cursor: the cursor goes to the first row, where it can be seen."""
        if self.highlighted is None:
            enabled = [i for i in range(self.option_count) if not self.get_option_at_index(i).disabled]
            if enabled:
                self.highlighted = enabled[0]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        identifier = event.option.id or ""
        if identifier.startswith(OPTION_ROW + SEPARATOR):
            self.post_message(OptionRemoved(identifier.split(SEPARATOR, 1)[1]))
        elif SEPARATOR in identifier:
            facet, value = identifier.split(SEPARATOR, 1)
            self.post_message(FacetToggled(facet, value))

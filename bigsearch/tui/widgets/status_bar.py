"""Two lines under the search box: the hit count, how many are loaded and the sort; the active filters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from bigsearch.tui.filter_state import ActiveFilter
from bigsearch.tui.paging import SORT_NAMES
from bigsearch.tui.wording import counted


class StatusBar(Static):
    def __init__(self) -> None:
        super().__init__("", id="status")

    def show(self, total: int | None, loaded: int = 0, sort: str | None = None, note: str = "") -> None:
        line = Text()
        if total is not None:
            line.append(counted(total, "träff"), style="bold")
            if loaded < total:
                line.append(f" · visar {loaded}, fler när du når slutet", style="dim")
            if sort and total:
                line.append(f" · sortering: {SORT_NAMES[sort]} (s)", style="dim")
        if note:
            line.append(("   " if line else "") + note, style="yellow")
        self.update(line)


class FilterBar(Static):
    """Every active filter, however it came in; hidden when there are none."""

    def __init__(self) -> None:
        super().__init__("", id="filters")

    def show(self, active: list[ActiveFilter]) -> None:
        self.display = bool(active)
        line = Text("Filter: ", style="bold")
        line.append(" · ".join(item.label for item in active), style="green")
        line.append("   (x tar bort alla, Enter på ✓ tar bort ett)", style="dim")
        self.update(line)

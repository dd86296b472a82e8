"""A line under the search box: hit count, active filters and messages."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from bigsearch.facets import FACETS


class StatusBar(Static):
    def __init__(self) -> None:
        super().__init__("", id="status")

    def show(self, total: int | None, filters: dict[str, str], note: str = "") -> None:
        line = Text()
        if total is not None:
            line.append(f"{total} träffar", style="bold")
        if filters:
            line.append("   Filter: ", style="bold")
            titles = FACETS.titles()
            line.append(" · ".join(f"{titles.get(k, k)}={v}" for k, v in filters.items()), style="green")
        if note:
            line.append(f"   {note}", style="yellow")
        self.update(line)

"""A query's timeline as the geometry of an inline SVG bar chart (drawn by templates/timeline.html):
one bar per year from the first to the last year with hits, years without any protocol shown as
gaps (not as zero), undated hits as a bar of their own. No JavaScript, no chart library."""

from __future__ import annotations

from dataclasses import dataclass

from bigsearch.search.searcher import Timeline

SLOT = 44  # horizontal room per bar
BAR = 32
PLOT = 180  # height of the tallest bar
TOP = 24  # room above for the counts
BOTTOM = 28  # room below for the years


@dataclass
class Bar:
    label: str
    count: int | None  # None: no protocol at all that year
    x: float
    y: float
    height: float
    undated: bool = False

    @property
    def centre(self) -> float:
        return self.x + BAR / 2


@dataclass
class Chart:
    bars: list[Bar]
    width: int
    height: int
    baseline: int
    bar_width: int = BAR

    @property
    def empty(self) -> bool:
        return not self.bars


def chart(timeline: Timeline) -> Chart:
    rows: list[tuple[str, int | None, bool]] = [(str(year), count, False) for year, count in timeline.rows()]
    if timeline.undated:
        rows.append(("utan datum", timeline.undated, True))
    peak = max([count or 0 for _, count, _ in rows] + [1])
    bars = []
    for slot, (label, count, undated) in enumerate(rows):
        height = 0.0 if not count else max(2.0, count / peak * PLOT)
        bars.append(Bar(label, count, slot * SLOT + (SLOT - BAR) / 2, TOP + PLOT - height, height, undated))
    return Chart(bars, max(len(rows), 1) * SLOT, TOP + PLOT + BOTTOM, TOP + PLOT)

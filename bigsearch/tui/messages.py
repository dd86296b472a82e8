"""Messages between the browser's widgets: each widget posts, the app decides."""

from __future__ import annotations

from textual.message import Message

from bigsearch.search.results import Hit


class QuerySubmitted(Message):
    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query


class HitHighlighted(Message):
    def __init__(self, hit: Hit) -> None:
        super().__init__()
        self.hit = hit


class HitOpened(Message):
    def __init__(self, hit: Hit) -> None:
        super().__init__()
        self.hit = hit


class FacetToggled(Message):
    def __init__(self, facet: str, value: str) -> None:
        super().__init__()
        self.facet = facet
        self.value = value

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


class OptionRemoved(Message):
    """A starting option's filter (a year range, a date bound) taken off."""

    def __init__(self, option: str) -> None:
        super().__init__()
        self.option = option


class MeetingChosen(Message):
    """A meeting picked in the person view: open it at `paragraph_id` (or its top)."""

    def __init__(self, meeting_id: str, paragraph_id: str | None = None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.paragraph_id = paragraph_id

"""One way out for every command's answer: JSON for programs (--json), or rendered for people.

Commands hand over the data (dataclasses, objects with to_json(), dicts, lists) and a function
that draws it on a rich console; this module decides which one the user gets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


def plain(data):
    """The data as JSON-ready values: dataclasses and objects with to_json() become dicts, and every
    hit the one way a hit is serialised (cite.hit_json)."""
    from bigsearch.search.results import Hit, SearchResult

    if isinstance(data, Hit):
        from bigsearch.cite import hit_json

        return hit_json(data)
    if isinstance(data, SearchResult):
        return {**data.to_json(), "hits": [plain(hit) for hit in data.hits]}
    if hasattr(data, "to_json"):
        return data.to_json()
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return {field.name: plain(getattr(data, field.name)) for field in dataclasses.fields(data)}
    if isinstance(data, dict):
        return {str(key): plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple | set):
        return [plain(value) for value in data]
    return data


def emit(as_json: bool, data, show: Callable | None = None, pager: bool = True) -> None:
    """Prints the answer; drawn output longer than a terminal's screen goes through the pager."""
    if as_json or show is None:
        from bigsearch.cli.render import to_json

        print(to_json(plain(data)))
        return
    import sys

    from bigsearch.cli.render import console

    out = console()
    if not sys.stdout.isatty():
        show(out)
        return
    from bigsearch.cli.pager import page

    with out.capture() as captured:
        show(out)
    page(captured.get().rstrip("\n"), pager)


class JsonArrayStream:
    """A JSON array written item by item, each flushed as it is added (the same text as
    `emit(True, items)` once closed): a reader sees every item the moment it is written."""

    def __init__(self, out) -> None:
        self.out = out
        self.count = 0

    def add(self, item) -> None:
        from bigsearch.cli.render import to_json

        body = "\n".join("  " + line for line in to_json(plain(item)).splitlines())
        self.out.write(("[\n" if self.count == 0 else ",\n") + body)
        self.out.flush()
        self.count += 1

    def close(self) -> None:
        self.out.write("\n]\n" if self.count else "[]\n")
        self.out.flush()

"""One way out for every command's answer: JSON for programs (--json), or rendered for people.

Commands hand over the data (dataclasses, objects with to_json(), dicts, lists) and a function
that draws it on a rich console; this module decides which one the user gets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


def plain(data):
    """The data as JSON-ready values: dataclasses and objects with to_json() become dicts."""
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

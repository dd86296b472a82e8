"""The local web page (`bigsearch serve`): the same search over the same API (bigsearch.open_index)
as the command line and the terminal browser, as server-rendered HTML that works without
JavaScript.

A thin layer, like the command line: parse the URL (state.py), call the API (holder.py keeps one
open index), render (templates/, markup.py, timeline.py, feeds.py). The URL carries the whole
state, so a link pasted in a mail opens the same view. Read-only: no route writes anything.

Needs the web extra (`pip install 'bigsearch[web]'`: Starlette, Jinja2, uvicorn); this package's
__init__ imports none of them, so `missing()` can say what to install.
"""

from __future__ import annotations

import importlib.util

NEEDED = ("starlette", "jinja2", "uvicorn")


def missing() -> list[str]:
    """The web extra's packages that are not installed."""
    return [name for name in NEEDED if importlib.util.find_spec(name) is None]

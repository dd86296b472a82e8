"""`bigsearch serve`: the web page (bigsearch/web), on a local port."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from bigsearch.cli.params import CorpusDir, IndexDir, notify, warn


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the web browser.")] = False,
    auth: Annotated[str | None, typer.Option("--auth", help="USER:PASSWORD asked of every visitor (HTTP basic; "
                                                            "or $BIGSEARCH_WEB_AUTH, not shown in ps).")] = None,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Search in a web browser: a read-only local web page over the index (needs bigsearch[web])."""
    from bigsearch.web.serve import serve as run

    run(index_dir, corpus, host, port, open_browser, auth or os.environ.get("BIGSEARCH_WEB_AUTH") or None,
        notify=notify, warn=warn)


COMMANDS = {"serve": serve}

"""`bigsearch serve`: the web page on a local port, with uvicorn.

Binds 127.0.0.1 unless told otherwise; another address is said in a warning, since everyone who
can reach it can read the index (`--auth USER:PASSWORD` asks them for a password). On loopback
only the loopback names are accepted in the Host header, so a page elsewhere cannot reach the
server through a name it pointed at 127.0.0.1.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from bigsearch.errors import ConfigError
from bigsearch.web import missing

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8080


def require_extra() -> None:
    absent = missing()
    if absent:
        raise ConfigError(f"`bigsearch serve` needs the web extra ({', '.join(absent)} missing) — "
                          "pip install 'bigsearch[web]'")


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def exposure_warning(host: str, port: int, auth: bool) -> str | None:
    """What to say when the page can be reached from other machines (None on loopback)."""
    from bigsearch.web.security import is_loopback

    if is_loopback(host):
        return None
    return (f"serving on {host}, not only this machine: anyone who can reach {url_of(host, port)} can read the index"
            + ("" if auth else " — add --auth USER:PASSWORD on a shared network"))


def serve(index_dir: Path | None = None, corpus: Path | None = None, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT, open_browser: bool = False, auth: str | None = None,
          notify: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serves until interrupted. The index is built from the corpus first when it does not exist yet."""
    require_extra()
    import uvicorn

    from bigsearch.api import open_index
    from bigsearch.web.app import create_app
    from bigsearch.web.security import LOOPBACK_NAMES, is_loopback, parse_auth

    credentials = parse_auth(auth) if auth else None
    if not 0 < port < 65536:
        raise ConfigError(f"--port {port}: give a port from 1 to 65535")
    index = open_index(index_dir, corpus, notify=notify)
    loopback = is_loopback(host)
    warning = exposure_warning(host, port, credentials is not None)
    if warning:
        warn(warning)
    allowed = [*(f"[{name}]" if ":" in name else name for name in LOOPBACK_NAMES),
               f"[{host}]" if ":" in host else host] if loopback else None
    app = create_app(index.index_dir, opened=index, auth=credentials, allowed_hosts=allowed)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                           server_header=False, lifespan="off"))
    address = url_of(host, port)

    def announce() -> None:
        # Said (and the browser opened) once the socket listens, not before.
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            notify(f"bigsearch serves {index.index_dir} ({index.engine}) at {address} — Ctrl-C stops it")
            if open_browser:
                webbrowser.open(address)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    except SystemExit:  # uvicorn's answer to an address it cannot bind: said below, in one line
        if server.started:
            raise
    finally:
        index.close()
    if not server.started:
        raise ConfigError(f"cannot listen on {address} — is the port taken? Try --port {port + 1}")

"""The Starlette application: routes, middleware and error pages.

    /                        start page: the search box, the principals, the saved searches
    /search?q=…&principal=…&year=…&sort=…&page=…[&format=md|plain|csv|json]
    /p/<id>[?q=…]            a paragraph with its §, the query's words marked, its context
    /p/<id>/original         its original file (from the indexed folders only; a PDF opens at #page=N)
    /m/<id>[?q=…]            a meeting: attendees, every §, principals
    /person/<name>           what a person did, meeting by meeting
    /principal/<name>        everything a principal reported
    /timeline?q=…[&by=paragraph]   hits per year as an SVG bar chart
    /feed?q=…&principal=…    an Atom feed of a search's newest hits
    /saved, /feed/saved/<name>     the saved searches (`bigsearch watch add`) and their feeds

A bad query or filter answers HTTP 400 with the command line's message on a page; something the
index does not hold, 404; an unexpected failure, 500 with a short page (the traceback goes to
the server's log, never to the browser).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bigsearch.api import Index
from bigsearch.errors import BigsearchError, QueryError
from bigsearch.web.holder import IndexHolder
from bigsearch.web.originals import OriginalRefused
from bigsearch.web.pages import NotFound, Site
from bigsearch.web.security import HEADERS, BasicAuth, SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("bigsearch.web")

HTTP_HEADINGS = {404: "Sidan finns inte", 405: "Sidan går bara att läsa"}


def create_app(index_dir: Path, opened: Index | None = None, auth: tuple[str, str] | None = None,
               allowed_hosts: Sequence[str] | None = None) -> Starlette:
    """The web page over the index at `index_dir` (`opened`: an Index already open on it).
    `auth`: (user, password) every request must give; `allowed_hosts`: the Host names accepted."""
    site = Site(IndexHolder(index_dir, opened))

    def query_error(request: Request, exc: QueryError):
        return site.error(request, 400, str(exc), "Frågan gick inte att använda")

    def not_found(request: Request, exc: Exception):
        return site.error(request, 404, str(exc), "Hittades inte")

    def bigsearch_error(request: Request, exc: BigsearchError):
        log.error("%s", exc)
        return site.error(request, 500, str(exc), "Indexet gick inte att läsa")

    def http_error(request: Request, exc: HTTPException):
        heading = HTTP_HEADINGS.get(exc.status_code, "Fel")
        message = "Det finns ingen sida på den adressen." if exc.status_code == 404 else str(exc.detail)
        response = site.error(request, exc.status_code, message, heading)
        response.headers.update(exc.headers or {})
        return response

    def server_error(request: Request, exc: Exception):
        # Starlette raises the exception again once this page is sent: the server logs it, with its traceback.
        response = site.error(request, 500, "Något gick fel i servern; felet står i dess logg.", "Internt fel")
        # Starlette answers a failure outside every middleware: the headers are set here.
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    routes = [
        Route("/", site.home),
        Route("/search", site.search),
        Route("/p/{pid}", site.paragraph),
        Route("/p/{pid}/original", site.original),
        Route("/m/{mid}", site.meeting),
        Route("/person/{name:path}", site.person),
        Route("/principal/{name:path}", site.principal),
        Route("/timeline", site.timeline),
        Route("/feed", site.feed),
        Route("/saved", site.saved),
        Route("/feed/saved/{name:path}", site.saved_feed),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    if auth:
        middleware.append(Middleware(BasicAuth, user=auth[0], password=auth[1]))
    app = Starlette(
        routes=routes, middleware=middleware,
        exception_handlers={QueryError: query_error, NotFound: not_found, OriginalRefused: not_found,
                            BigsearchError: bigsearch_error, HTTPException: http_error, Exception: server_error},
    )
    app.state.site = site
    return app

"""Shared by the web page's tests: why they skip, a hostile protocol, and checks of the HTML served."""

from __future__ import annotations

import importlib.util
import socket
from html.parser import HTMLParser

import pytest


def web_missing() -> str | None:
    """Why the web tests cannot run here, or None."""
    from bigsearch.web import missing

    absent = missing()
    if absent:
        return f"the web extra is not installed ({', '.join(absent)} missing): pip install 'bigsearch[web]'"
    if not (importlib.util.find_spec("httpx2") or importlib.util.find_spec("httpx")):
        return "Starlette's TestClient needs httpx2: pip install 'bigsearch[test]'"
    return None


needs_web = pytest.mark.skipif(web_missing() is not None, reason=web_missing() or "")


def client(index_dir, **options):
    from starlette.testclient import TestClient

    from bigsearch.web.app import create_app

    return TestClient(create_app(index_dir, **options), raise_server_exceptions=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A protocol whose every part a page shows is hostile: the title, an attendee's name and
# organisation, a § title and paragraphs with markup, attribute breakers and a javascript: link.
SCRIPT = "<script>alert('x')</script>"
BREAKER = "\"><img src=x onerror=alert(1)>"
JS_LINK = "javascript:alert(document.cookie)"
HOSTILE_PROTOCOL = f"""Protokoll fört vid ledningsgruppsmöte BIG 2023-05-12 {SCRIPT}

Närvarande:
Eva Qvarnström  Polisen
Bo {BREAKER}  Välfärd Gävle

§ 1 Mötets öppnande {SCRIPT}

Ordföranden öppnade mötet. Zyxwvut {SCRIPT} och {BREAKER} samt [länk]({JS_LINK}) och <a href="{JS_LINK}">klicka</a>.

§ 2 Övrigt ' onmouseover='alert(2)

Polisen rapporterade om Zyxwvut i Sätra: {JS_LINK} &amp; &lt;b&gt;fet&lt;/b&gt; ]]> <!-- kommentar -->
"""
PAYLOADS = ("<script>alert", "<img src=x", '"><img', "' onmouseover='", '<a href="javascript:')


class PageParts(HTMLParser):
    """Every element with its attributes, to check what a page links to and runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parts(html: str) -> PageParts:
    parser = PageParts()
    parser.feed(html)
    parser.close()
    return parser


def assert_safe_page(html: str) -> PageParts:
    """No payload survives unescaped; scripts come from /static only; no event handler attribute;
    every link and form target is on this site (a path, a fragment) — never javascript: or elsewhere."""
    for payload in PAYLOADS:
        assert payload not in html, payload
    found = parts(html)
    for tag, attrs in found.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)  # the CSP allows no inline style
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        for name in ("href", "src", "action"):
            target = attrs.get(name)
            if target is None or (tag == "link" and target == "data:,"):
                continue
            assert target.startswith(("/", "#", "?")) and not target.startswith("//"), (tag, name, target)
    return found

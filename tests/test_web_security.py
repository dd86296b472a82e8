"""The web page against hostile input: protocol text with markup, attribute breakers and javascript:
links (an indexed hostile protocol, on every embedded engine); paths that try to leave the indexed
folders (.., absolute paths, encoded slashes, links); bad queries; credentials; Host names."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ENGINES
from tests.web_helpers import BREAKER, HOSTILE_PROTOCOL, SCRIPT, assert_safe_page, client, needs_web, parts

pytestmark = needs_web
SECRET = "TOP-SECRET-7f3a9c"  # the content of a file outside the indexed folders


# The embedded engines: the hostile protocol is indexed into a folder of its own (a cluster index
# would need its URL; the web page on a cluster is tested in test_web.py's shared index).
@pytest.fixture(scope="module", params=[engine for engine in ENGINES if engine != "opensearch"])
def hostile_index(request, tmp_path_factory) -> Path:
    """A hostile protocol (and an HTML one) indexed, with a secret file beside the indexed folder."""
    from bigsearch.index.sync import sync

    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(HOSTILE_PROTOCOL, "utf-8")
    (corpus / "page.html").write_text("<html><body><h1>Protokoll 2023-06-01</h1><p>§ 1 Öppnande</p>"
                                      f"<p>Zyxwvut i html {SCRIPT}</p><script>alert(3)</script></body></html>", "utf-8")
    (root / "secret.txt").write_text(SECRET, "utf-8")
    report = sync(root / "index", [corpus], engine=request.param)
    assert report.added == 2 and not report.failed
    return root / "index"


@pytest.fixture()
def hostile_web(hostile_index):
    with client(hostile_index) as web:
        yield web


def ids_of(web, query: str) -> list[str]:
    html = web.get("/search", params={"q": query}).text
    return re.findall(r'<a href="/p/([^"?#/]+)[^"]*">Stycket</a>', html)


def test_protocol_text_is_escaped_on_every_page(hostile_web):
    ids = ids_of(hostile_web, "Zyxwvut")
    assert len(ids) == 3
    meeting = ids[0].rsplit("-", 2)[0]
    pages = ["/search?q=Zyxwvut", "/search?q=Zyxwvut&sort=date", "/timeline?q=Zyxwvut", "/search?place=S%C3%A4tra",
             *(f"/p/{pid}?q=Zyxwvut" for pid in ids), *(f"/p/{pid}" for pid in ids),
             f"/m/{meeting}?q=Zyxwvut", f"/m/{meeting}", "/person/" + quote('Bo "><img src=x onerror=alert(1)>', safe=""),
             "/", "/saved"]
    shown = ""
    for url in pages:
        response = hostile_web.get(url)
        # The attendance parser need not take a name made of markup for a person: then its page is
        # a 404, as safe as any other page.
        assert response.status_code == 200 or (url.startswith("/person/") and response.status_code == 404), url
        found = assert_safe_page(response.text)
        shown += "".join(found.text)
    # The text is shown as text, not dropped: every hostile piece reads as it was written.
    for piece in (SCRIPT, BREAKER, "javascript:alert(document.cookie)", "' onmouseover='alert(2)", "&lt;b&gt;"):
        assert piece in shown, piece


def test_hostile_queries_and_filter_values_are_escaped_too(hostile_web):
    for params in ({"q": SCRIPT}, {"q": BREAKER}, {"q": "javascript:alert(1)"}, {"q": "Zyxwvut", "principal": SCRIPT},
                   {"q": "Zyxwvut", "place": BREAKER}, {"q": "Zyxwvut", "sort": BREAKER}, {"q": "a", "page": SCRIPT},
                   {"q": "Zyxwvut", "format": SCRIPT}, {"q": BREAKER, "by": SCRIPT}):
        for path in ("/search", "/timeline", "/feed"):
            response = hostile_web.get(path, params=params)
            assert response.status_code in (200, 400), (path, params)
            if response.headers["content-type"].startswith("text/html"):
                assert_safe_page(response.text)
            else:
                ET.fromstring(response.content)
    for path in ("/person/", "/principal/", "/m/", "/p/", "/feed/saved/"):
        response = hostile_web.get(path + quote(SCRIPT, safe=""))
        assert response.status_code == 404 and SCRIPT not in response.text
        assert_safe_page(response.text)


def test_a_feed_of_hostile_text_is_well_formed_atom_holding_the_text(hostile_web):
    response = hostile_web.get("/feed", params={"q": "Zyxwvut"})
    feed = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    text = " ".join(e.text or "" for e in feed.iter() if e.tag in (f"{atom}title", f"{atom}summary"))
    assert SCRIPT in text and BREAKER in text and "]]>" in text
    for entry in feed.findall(f"{atom}entry"):
        assert entry.find(f"{atom}link").get("href").startswith("http://testserver/p/")


def test_originals_never_run_in_the_sites_origin(hostile_web):
    html_id = next(pid for pid in ids_of(hostile_web, "Zyxwvut") if pid.startswith("2023-06-01"))
    response = hostile_web.get(f"/p/{html_id}/original")
    assert response.status_code == 200 and b"<script>alert(3)</script>" in response.content
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-security-policy"].startswith("sandbox")
    txt_id = next(pid for pid in ids_of(hostile_web, "Zyxwvut") if pid.startswith("2023-05-12"))
    text = hostile_web.get(f"/p/{txt_id}/original")
    assert text.headers["content-type"] == "text/plain; charset=utf-8" and "sandbox" in text.headers["content-security-policy"]
    assert text.headers["x-content-type-options"] == "nosniff"


# -- paths that try to leave the indexed folders -----------------------------------------------------


def raw_get(app, raw_path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """A GET exactly as a server hands it to the app: the path percent-decoded, the raw path kept
    (a test client would normalise `..` away before sending)."""
    path, _, query = raw_path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": unquote(path), "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1")] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8080)}
    status, body, asked, ended = [], [], [], []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        while not ended:  # the client goes away once the response has ended, as a browser does
            await asyncio.sleep(0.001)
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            if not message.get("more_body"):
                ended.append(True)

    asyncio.run(app(scope, receive, send))
    return status[0], b"".join(body)


def traversals(secret: Path, indexed_id: str) -> list[str]:
    source = Path(__file__).resolve().parent.parent / "bigsearch" / "web" / "pages.py"
    out = []
    for target in (secret, source, Path("/etc/passwd")):
        absolute = str(target)
        up = "../" * 12 + absolute.lstrip("/")
        out += [f"/p/{up}/original", f"/p/{quote(up, safe='')}/original", f"/p/{quote(absolute, safe='')}/original",
                f"/p/{up.replace('.', '%2e').replace('/', '%2f')}/original", f"/p//{absolute.lstrip('/')}/original",
                f"/p/{indexed_id}/original/{up}", f"/p/{indexed_id}/{quote('../' * 3, safe='')}original",
                f"/static/{up}", f"/static/{quote(up, safe='')}", f"/static/{up.replace('.', '%2e')}",
                f"/static/..%2f..%2f{target.name}", f"/static/%2e%2e/{target.name}", f"/static/{quote(absolute, safe='')}",
                f"/static//{absolute.lstrip('/')}", f"/static/..\\..\\{target.name}", f"/m/{quote(up, safe='')}",
                f"/person/{up}", f"/principal/{quote(up, safe='')}"]
    return out


def test_no_path_reaches_a_file_outside_the_indexed_folders(hostile_index, hostile_web):
    app = hostile_web.app
    secret = hostile_index.parent / "secret.txt"
    indexed_id = ids_of(hostile_web, "Zyxwvut")[0]
    ok_status, ok_body = raw_get(app, f"/p/{indexed_id}/original")
    assert ok_status == 200 and b"Zyxwvut" in ok_body  # the route works: the refusals below are refusals
    assert raw_get(app, "/static/style.css")[0] == 200
    for path in traversals(secret, indexed_id):
        status, body = raw_get(app, path)
        assert status in (400, 404, 405), (path, status)
        assert SECRET.encode() not in body and b"class Site" not in body and b"root:x:0:0" not in body, path


@pytest.fixture()
def movable(tmp_path, corpus_dir):
    """An index of two protocols, one in a sub-folder, with a secret file outside the indexed folder."""
    from bigsearch.index.sync import sync

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    seeds = sorted(corpus_dir.iterdir())
    shutil.copy(seeds[0], corpus / "a.txt")
    shutil.copy(seeds[1], corpus / "sub" / "b.txt")
    (tmp_path / "secret.txt").write_text(SECRET, "utf-8")
    sync(tmp_path / "index", [corpus])
    return tmp_path


def original_of(web, name: str):
    from bigsearch.api import open_index

    with open_index(web.app.state.site.holder.index_dir, build=False) as index:
        hit = next(h for h in index.search("och", limit=200).hits if h.source.rsplit("/", 1)[-1] == name)
    return web.get(f"/p/{hit.id}/original")


def test_a_file_that_became_a_link_is_refused(movable):
    with client(movable / "index") as web:
        served = original_of(web, "a.txt")
        assert served.status_code == 200 and served.content == (movable / "corpus" / "a.txt").read_bytes()
        (movable / "corpus" / "a.txt").unlink()
        (movable / "corpus" / "a.txt").symlink_to(movable / "secret.txt")
        refused = original_of(web, "a.txt")
        assert refused.status_code == 404 and SECRET not in refused.text
        assert "has become a link since it was indexed" in refused.text


def test_a_folder_that_became_a_link_is_refused(movable):
    with client(movable / "index") as web:
        assert original_of(web, "b.txt").status_code == 200
        (movable / "corpus" / "sub").rename(movable / "elsewhere")
        (movable / "corpus" / "sub").symlink_to(movable / "elsewhere")
        refused = original_of(web, "b.txt")
        assert refused.status_code == 404 and "has become a link" in refused.text


def test_a_file_gone_since_indexing_is_a_404_that_says_so(movable):
    with client(movable / "index") as web:
        os.remove(movable / "corpus" / "a.txt")
        gone = original_of(web, "a.txt")
        assert gone.status_code == 404 and "is gone from" in gone.text


def test_a_source_the_index_does_not_list_is_never_opened(tmp_path):
    from bigsearch.web.originals import OriginalRefused, open_original

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, "utf-8")
    with pytest.raises(OriginalRefused, match="not one the index was built from"):
        open_original(str(secret), {str(tmp_path / "other.txt")})
    with pytest.raises(OriginalRefused, match="does not say where"):
        open_original("secret.txt", {"secret.txt"})
    opened = open_original(str(secret), {str(secret)})
    assert b"".join(opened.chunks()) == SECRET.encode()


# -- queries, errors, credentials, hosts -------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.sampled_from('ab"()*~^:-\\ \x00\u200b<>&\'/åÄ.[]{}?!ORANDNOT19'), max_size=40),
       year=st.sampled_from(["", "2019", "20", "2019..", "..", "x", "2019..2018"]))
def test_no_query_gives_a_traceback(hostile_web, query, year):
    response = hostile_web.get("/search", params={"q": query, "year": year})
    assert response.status_code in (200, 400), (query, year)
    assert "Traceback" not in response.text and "Internt fel" not in response.text


def test_an_unexpected_failure_is_a_short_500_page(hostile_index, monkeypatch):
    from bigsearch.web.pages import Site

    def broken(self, request):
        raise RuntimeError("internal detail 1234")

    monkeypatch.setattr(Site, "search", broken)
    with client(hostile_index) as web:
        response = web.get("/search", params={"q": "x"})
    assert response.status_code == 500 and "Internt fel" in response.text
    assert "internal detail" not in response.text and "Traceback" not in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_auth_asks_every_request_for_the_password(hostile_index):
    def basic(text: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(text.encode()).decode()}

    with client(hostile_index, auth=("ann", "s3cr:et")) as web:
        for url in ("/", "/search?q=Zyxwvut", "/static/style.css", "/feed?q=Zyxwvut", "/nowhere"):
            refused = web.get(url)
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
            assert refused.headers["x-frame-options"] == "DENY"
            for wrong in (basic("ann:wrong"), basic("bob:s3cr:et"), basic("ann:s3cr"), {"Authorization": "Basic !!"},
                          {"Authorization": "Bearer s3cr:et"}):
                assert web.get(url, headers=wrong).status_code == 401, (url, wrong)
            assert web.get(url, headers=basic("ann:s3cr:et")).status_code in (200, 404), url


def test_auth_takes_user_colon_password():
    from bigsearch.errors import ConfigError
    from bigsearch.web.security import parse_auth

    assert parse_auth("ann:s3cr:et") == ("ann", "s3cr:et")
    for bad in ("ann", "ann:", ":pw", ""):
        with pytest.raises(ConfigError, match="USER:PASSWORD"):
            parse_auth(bad)


def test_on_loopback_only_loopback_host_names_are_served(hostile_index):
    with client(hostile_index, allowed_hosts=["localhost", "127.0.0.1", "[::1]"]) as web:
        for host in ("127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080"):
            assert web.get("/", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", "127.0.0.1.evil.example", "evil.example:8080", "attacker"):
            response = web.get("/", headers={"Host": host})
            assert response.status_code == 400 and "Protokoll" not in response.text, host


def test_another_address_than_loopback_is_warned_about():
    from bigsearch.web.security import is_loopback
    from bigsearch.web.serve import exposure_warning

    for host in ("127.0.0.1", "127.1.2.3", "::1", "localhost"):
        assert is_loopback(host) and exposure_warning(host, 8080, False) is None
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.org"):
        warning = exposure_warning(host, 8080, False)
        assert warning and "anyone who can reach" in warning and "--auth" in warning
        assert "--auth" not in exposure_warning(host, 8080, True)


def test_no_page_of_the_site_links_outside_it(hostile_web):
    html = hostile_web.get("/search", params={"q": "Zyxwvut"}).text
    found = parts(html)
    assert [attrs["src"] for tag, attrs in found.elements if tag == "script"] == ["/static/htmx.min.js",
                                                                                   "/static/site.js"]

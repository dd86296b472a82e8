"""Atom feeds (RFC 4287) of a search's newest hits: the feed readers officials already use become
alerts. Built with ElementTree, which escapes every text; reading a feed changes nothing (a saved
search's hits are not marked as seen: `bigsearch watch` keeps its own account)."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from bigsearch.cite import location, reference
from bigsearch.search.results import Hit

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50  # entries in a feed: the newest hits
ET.register_namespace("", ATOM)


# Characters XML 1.0 cannot hold at all (control characters, lone surrogates): left out of a feed.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name), {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def timestamp(date: str | None, fallback: datetime) -> str:
    """A meeting date as an Atom date (midnight UTC); an undated hit takes `fallback` (the index's time)."""
    if date:
        try:
            return datetime.fromisoformat(date).replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
        except ValueError:
            pass
    return fallback.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def feed_id(kind: str, key: str) -> str:
    return f"urn:bigsearch:{kind}:{hashlib.sha1(key.encode('utf-8')).hexdigest()}"


def atom(title: str, subtitle: str, identity: str, self_url: str, page_url: str, hits: list[Hit],
         paragraph_url, changed: datetime) -> bytes:
    """The feed: `paragraph_url(hit)` is each entry's absolute link; `changed` dates undated hits."""
    feed = ET.Element(_tag("feed"))
    _add(feed, "title", title)
    _add(feed, "subtitle", subtitle)
    _add(feed, "id", identity)
    stamps = [timestamp(hit.date, changed) for hit in hits]
    _add(feed, "updated", max(stamps) if stamps else timestamp(None, changed))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(feed, "author")
    _add(author, "name", "bigsearch")
    _add(feed, "generator", "bigsearch")
    for hit, stamp in zip(hits, stamps, strict=True):
        entry = _add(feed, "entry")
        _add(entry, "title", reference(hit))
        _add(entry, "id", f"urn:bigsearch:paragraph:{hit.id}")
        _add(entry, "updated", stamp)
        _add(entry, "link", rel="alternate", type="text/html", href=paragraph_url(hit))
        _add(entry, "summary", f"{hit.snippet}\n\nKälla: {location(hit)}", type="text")
        if hit.principal:
            _add(entry, "category", term=hit.principal, label=hit.principal)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

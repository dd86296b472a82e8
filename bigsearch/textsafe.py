"""Untrusted text made safe: names printed on one line, and what users type made plain.

File names come from disk and may hold anything: bytes that are not UTF-8 (kept by Python as
lone surrogates), newlines, ANSI escape sequences. Everything shown to a user or stored in the
index passes through `printable` first. A query or a filter value passes through `clean_input`.
This module imports only bigsearch.errors: any layer may use it.
"""

from __future__ import annotations

import os
import unicodedata

from bigsearch.errors import QueryError

MAX_QUERY_CHARS = 1000  # a query or a filter value

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def printable(text: str) -> str:
    """`text` with undecodable bytes as \\xNN and control characters escaped, on one line."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF or code < 0x20 or 0x7F <= code < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_name(path: os.PathLike | str) -> str:
    """A path as it can be printed and stored (see `printable`)."""
    return printable(os.fspath(path))


def clean_input(text: str, what: str = "query") -> str:
    """Typed text made plain: NFKC, no control characters, soft hyphens or zero-width spaces, one
    space between words; a QueryError naming `what` when it is longer than MAX_QUERY_CHARS."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if ch.isprintable() or ch == " " else " " for ch in text)
    text = text.replace("\u00ad", "").replace("\u200b", "")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the {what} is {len(text):,} characters long — shorten it to at most {MAX_QUERY_CHARS}")
    return " ".join(text.split())

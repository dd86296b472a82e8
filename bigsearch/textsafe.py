"""Printing untrusted names safely: one line, no raw control characters, no undecodable bytes.

File names come from disk and may hold anything: bytes that are not UTF-8 (kept by Python as
lone surrogates), newlines, ANSI escape sequences. Everything shown to a user or stored in the
index passes through `printable` first. This module imports nothing from bigsearch: any layer
may use it.
"""

from __future__ import annotations

import os

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

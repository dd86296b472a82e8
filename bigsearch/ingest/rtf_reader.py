"""RTF -> text with striprtf (pure Python). Header/footer groups are dropped by striprtf;
table cells become tabs and rows lines, like the DOCX reader's tables."""

from __future__ import annotations

import re

from bigsearch.errors import ReadError

_CELL = re.compile(r"\\cell(?![a-z])\s?")
_ROW = re.compile(r"\\row(?![a-z])\s?")


def rtf_text(data: bytes) -> str:
    try:
        from striprtf.striprtf import rtf_to_text
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ReadError("striprtf is not installed — reinstall bigsearch") from exc
    source = data.decode("latin-1")  # RTF is 7-bit; \'xx escapes carry the code page
    source = _ROW.sub(r"\\par ", _CELL.sub(r"\\tab ", source))
    encoding = "cp1252"
    match = re.search(r"\\ansicpg(\d+)", source[:2000])
    if match and match[1] != "1252":
        encoding = f"cp{match[1]}"
    try:
        text = rtf_to_text(source, encoding=encoding, errors="replace")
    except (LookupError, RecursionError, ValueError, IndexError) as exc:
        raise ReadError(f"not a readable RTF file ({type(exc).__name__})") from exc
    # A paragraph per \par: make each a block of its own.
    return "\n\n".join(line.rstrip("\t ") for line in text.split("\n"))

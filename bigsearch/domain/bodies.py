"""The body that met (BIG, Kommunstyrelsen, Socialnämnden …), read from a document's title when
its header names none: "Protokoll fört vid ledningsgruppsmöte BIG 2024-02-09" -> "BIG"."""

from __future__ import annotations

import re

_DOC_WORD = re.compile(r"^(?:protokoll|minnesanteckningar|anteckningar|mötesanteckningar|sammanträdesprotokoll)$", re.I)
_FILLER = {"fört", "förda", "förd", "vid", "från", "för", "med", "i", "den", "över", "ett", "en", "-", "–"}
_MEETING_WORD = re.compile(r"(?:möte|mötet|sammanträde|sammanträdet)$", re.IGNORECASE)
_DATE_TAIL = re.compile(r"\s+(?:den\s+)?(?:\d{4}-\d{2}-\d{2}|\d{1,2}\s+\w+\s+\d{4}|\d{1,2}/\d{1,2}\s+\d{4}|\d{4}).*$")


def body_from_title(title: str | None) -> str | None:
    """The body a minutes title names after its document word, meeting word and fillers, or None."""
    words = _DATE_TAIL.sub("", (title or "").strip()).split()
    if not words or not _DOC_WORD.match(words[0]):
        return None
    words = words[1:]
    while words and (words[0].casefold() in _FILLER or _MEETING_WORD.search(words[0])):
        words = words[1:]
    return " ".join(words) or None

"""Text from the protocols as HTML: every piece escaped, the matched words in <mark>.

Protocol text is untrusted (a file may hold `<script>`, quotes that would end an attribute, a
`javascript:` link): it reaches a page only through `escape` here or Jinja's autoescaping, and
never as a link target — links are built from our own paths with the text percent-encoded.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from bigsearch.display import shifted, title_offset, where
from bigsearch.search.results import Hit


def marked(text: str | None, spans: list[tuple[int, int]] | None = None) -> Markup:
    """`text` escaped, with each span of it in <mark> (spans out of order or out of range are skipped)."""
    text = text or ""
    out, last = [], 0
    for start, end in sorted(spans or ()):
        start, end = max(start, last), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def section_heading(hit: Hit) -> Markup:
    """"§ 6 Aktuellt från …" with the words the query matched in the title marked."""
    place = where(hit.section, hit.section_title)
    prefix = f"{hit.section_prefix} " if hit.section and hit.section_prefix else ""
    return escape(prefix) + marked(place, shifted(hit.title_highlights, title_offset(hit.section)))


def meeting_id(hit: Hit) -> str:
    """The meeting a paragraph belongs to: its id without the item and paragraph parts."""
    return hit.id.rsplit("-", 2)[0]


def when(date: str | None, year: int | None = None) -> str:
    return date or (str(year) if year else "utan datum")

"""How a hit reads to a person, shared by the command line and the terminal browser: where it is
(§ and title) and its matched words marked. Styling beyond that belongs to each front end."""

from __future__ import annotations

from bigsearch.search.results import Hit

HIGHLIGHT = "bold black on yellow"  # a matched word, in rich's style language


def where(section: str | None, title: str | None) -> str:
    if section:
        return f"§ {section} {title or ''}".strip()
    return title or ""


def ocr_note(hit: Hit) -> str:
    """"(OCR, page 3, 91%)" for a paragraph read by OCR from a scan; "" for one read from text."""
    if not hit.ocr:
        return ""
    parts = ["OCR", f"page {hit.page}" if hit.page else "",
             f"{hit.ocr_confidence}%" if hit.ocr_confidence is not None else ""]
    return "(" + ", ".join(part for part in parts if part) + ")"


def title_offset(section: str | None) -> int:
    """Where the § title starts in `where(section, title)`: title highlights shift by this much."""
    return len(f"§ {section} ") if section else 0


def shifted(spans: list[tuple[int, int]], by: int) -> list[tuple[int, int]]:
    return [(start + by, end + by) for start, end in spans]


def shows_doc_title(hit: Hit) -> bool:
    """A protocol's title only repeats its date; other documents' titles (with dnr) say what they are."""
    return bool(hit.doc_title) and (hit.doc_type != "protokoll" or bool(hit.doc_title_highlights))


def marked(text: str, spans: list[tuple[int, int]], left: str, right: str) -> str:
    """`text` with each span between `left` and `right` (ANSI codes, ** for Markdown, « » …)."""
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start] + left + text[start:end] + right)
        last = end
    out.append(text[last:])
    return "".join(out)


def highlighted(text: str, spans: list[tuple[int, int]]):
    """`text` as a rich Text with the spans in HIGHLIGHT."""
    from rich.text import Text

    out = Text(text)
    for start, end in spans:
        out.stylize(HIGHLIGHT, start, end)
    return out

"""Tesseract's lines as the text the rest of the pipeline reads: small pure functions.

Lines are laid out as the PDF reader lays out a text layer: top to bottom, lines that share a
row (table columns) joined by a tab, and a blank line where the vertical gap shows a paragraph
break. Then the one systematic misreading that matters for minutes is undone: Tesseract's
Swedish data reads "§" poorly, so an item heading "§ 12 Budget" often comes out as "$ 12 Budget",
"& 12 Budget", "S 12 Budget" or "8 12 Budget", and "§ 1" as "$ I".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH_GAP = 1.4  # a line spacing this many times the usual one is a paragraph break
# Single line spacing is at most this many times a line's height: on a page where blank lines
# separate nearly every line (double-spaced minutes), the usual spacing is a break, not the unit.
SINGLE_SPACING = 1.6
SAME_ROW = 0.5  # boxes overlapping this share of the smaller height are one row


@dataclass(frozen=True)
class Line:
    left: int
    top: int
    right: int
    bottom: int
    text: str

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into rows (side by side), rows top to bottom, each row left to right."""
    grouped: list[list[Line]] = []
    for line in sorted(lines, key=lambda item: (item.top, item.left)):
        for row in grouped:
            first = row[0]
            overlap = min(first.bottom, line.bottom) - max(first.top, line.top)
            if overlap > SAME_ROW * min(first.bottom - first.top, line.bottom - line.top):
                row.append(line)
                break
        else:
            grouped.append([line])
    for row in grouped:
        row.sort(key=lambda item: item.left)
    return grouped


def page_lines(lines: list[Line]) -> list[str]:
    """The page's text lines, with '' where the gap before a line shows a paragraph break."""
    grouped = rows([line for line in lines if line.text.strip()])
    laid = [(sum(line.middle for line in row) / len(row), "\t".join(line.text for line in row)) for row in grouped]
    gaps = [laid[i + 1][0] - laid[i][0] for i in range(len(laid) - 1)]
    heights = sorted(max(line.bottom - line.top for line in row) for row in grouped)
    usual = min(_median(gaps), SINGLE_SPACING * _median(heights)) if gaps else 0.0
    out: list[str] = []
    for index, (_, text) in enumerate(laid):
        out.append(restore_section_sign(text))
        if index < len(gaps) and usual > 0 and gaps[index] > usual * PARAGRAPH_GAP:
            out.append("")
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


# "$ 12 Budget", "& 8 Övriga frågor", "$& 5 Lokal", "$ I Mötets öppnande" (I, l and | read for 1; O for 0),
# "S 12 Budget", "8 12 Budget":
# a lookalike of § before an item number and a capitalised title. S and 8 only with a space and
# real digits after them ("S1", "8I" are something else).
_HEADING = re.compile(r"^(?:[$§&]{1,2}\s*(?P<loose>[0-9Il|O]{1,3})|[S8]\s+(?P<digits>\d{1,3}))(?=\s+[A-ZÅÄÖ])")
_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0"})


def restore_section_sign(line: str) -> str:
    match = _HEADING.match(line)
    if match is None:
        return line
    number = (match["loose"] or match["digits"]).translate(_DIGITS)
    return f"§ {number}{line[match.end():]}"

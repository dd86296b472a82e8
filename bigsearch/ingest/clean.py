"""Cleaning stages: normalise characters, find the blocks (paragraph candidates), join wrapped lines.

Each stage is a small function over lines so it can be tested alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Soft hyphen, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# *emphasis* markers left by the text extraction of the originals.
_EMPHASIS = re.compile(r"(?<![\w*])\*(\w[^*\n]{0,80}?)\*(?![\w*])")
_FILLER = ""  # a line holding nothing at all (the PDF extraction's line spacing)

Block = list[str]


def normalise(text: str) -> str:
    """NFKC, one kind of line break, no invisible characters or stray control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    return _EMPHASIS.sub(r"\1", text)


def is_double_spaced(lines: list[str]) -> bool:
    """PDF extraction that puts an empty line after every line of wrapped text (seed 000).

    Text whose paragraphs are single long lines separated by empty lines has the same
    rhythm; it is told apart because there the line after the gap rarely continues a
    sentence in lower case, and it has no lines of white space marking the real breaks.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) < 8:
        return False
    followed = [i for i in content if i + 2 < len(lines) and lines[i + 1] == _FILLER]
    if len(followed) / len(content) < 0.7:
        return False
    if any(line and not line.strip() for line in lines):
        return True
    continued = sum(1 for i in followed if lines[i + 2][:1].islower())
    return continued / len(followed) >= 0.2


_ENDS_SENTENCE = re.compile(r"[.!?:;…)\"”]$")


def is_line_per_paragraph(lines: list[str]) -> bool:
    """Text saved with one line per paragraph and no blank lines between (LibreOffice's .txt).

    Wrapped text (a PDF's soft line breaks, a text file wrapped at 72 columns) has lines that
    stop mid-sentence and continue in lower case; here almost no line does.
    """
    content = [line.strip() for line in lines if line.strip()]
    first, last = _content_span(lines)
    if len(content) < 4 or any(not line.strip() for line in lines[first:last]):
        return False
    continued = sum(
        1 for line, nxt in zip(content, content[1:], strict=False)
        if not _ENDS_SENTENCE.search(line) and (nxt[:1].islower() or line.endswith(("-", ",")))
    )
    return continued / (len(content) - 1) < 0.1 and max(len(line) for line in content) > 80


def _content_span(lines: list[str]) -> tuple[int, int]:
    indexes = [i for i, line in enumerate(lines) if line.strip()]
    return (indexes[0], indexes[-1] + 1) if indexes else (0, 0)


@dataclass
class Line:
    """A line of text with the block (paragraph candidate) it belongs to and its index in the text."""

    text: str
    block: int
    index: int


def block_lines(lines: list[str], breaks_known: bool = False, line_per_paragraph: bool | None = None
                ) -> tuple[list[Line], bool]:
    """The non-empty lines, each with its block; returns (lines, double_spaced).

    Normally a break is any blank line. In a double-spaced extraction the empty lines are
    only line spacing: the real breaks are lines holding just white space or, where the
    file has none, two or more empty lines in a row. `breaks_known`: the reader gave one line
    per paragraph with an empty line after each (Word, OpenDocument): every empty line is a break.
    `line_per_paragraph`: whether the text holds one paragraph per line (decided on the text as
    read, before page furniture left empty lines in it); found from `lines` when None.
    """
    double = not breaks_known and is_double_spaced(lines)
    if line_per_paragraph is None:
        line_per_paragraph = is_line_per_paragraph(lines)
    if not breaks_known and not double and line_per_paragraph:
        out, block = [], 0
        for index, line in enumerate(lines):
            if line.strip():
                out.append(Line(line.strip(" \u00a0"), block, index))
                block += 1
        return out, False
    if double:
        has_space_lines = any(line and not line.strip() for line in lines)

        def is_break(index: int) -> bool:
            line = lines[index]
            if line.strip():
                return False
            if has_space_lines:
                return line != _FILLER
            return index > 0 and lines[index - 1] == _FILLER and line == _FILLER
    else:

        def is_break(index: int) -> bool:
            return not lines[index].strip()

    result: list[Line] = []
    block, open_block = 0, False
    for index, line in enumerate(lines):
        if is_break(index):
            if open_block:
                block += 1
                open_block = False
        elif line.strip():
            result.append(Line(line.strip(" \u00a0"), block, index))
            open_block = True
    return result, double


def blocks(lines: list[str]) -> tuple[list[Block], bool]:
    """Group lines into blocks separated by paragraph breaks; returns (blocks, double_spaced)."""
    found, double = block_lines(lines)
    grouped: dict[int, Block] = {}
    for line in found:
        grouped.setdefault(line.block, []).append(line.text)
    return list(grouped.values()), double


# Line-end hyphenation: join "brotts-" + "förebyggande", keep "barn- och ungdom".
_KEEP_HYPHEN_BEFORE = {"och", "eller", "samt", "resp", "respektive", "&"}


def join_lines(lines: Iterable[str]) -> str:
    """Lines of one paragraph -> one line, rejoining words hyphenated at the line end."""
    text = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if not text:
            text = line
            continue
        first_word = line.split(" ", 1)[0]
        bare = first_word.strip(",.;:!?").lower()
        if text.endswith("-") and len(text) >= 2:
            before = text[-2]
            if before.isalpha() and before.islower() and first_word[:1].islower() and bare not in _KEEP_HYPHEN_BEFORE:
                text = text[:-1] + line
                continue
            if before.isalpha() and bare not in _KEEP_HYPHEN_BEFORE and first_word[:1].isalpha():
                text = text + line  # "HBTQ-" + "frågor": a compound written with its hyphen
                continue
        text = text + " " + line
    return text

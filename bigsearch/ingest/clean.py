"""Cleaning stages: normalise characters, drop page furniture, find the blocks (paragraph candidates).

Each stage is a small function over lines so it can be tested alone.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources

# Soft hyphen, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# *emphasis* markers left by the text extraction of the originals.
_EMPHASIS = re.compile(r"(?<![\w*])\*(\w[^*\n]{0,80}?)\*(?![\w*])")
_FILLER = ""  # a line holding nothing at all (the PDF extraction's line spacing)

Block = list[str]


def normalise(text: str) -> str:
    """NFKC, one kind of line break, no invisible characters or stray control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    return _EMPHASIS.sub(r"\1", text)


@lru_cache(maxsize=1)
def furniture_patterns() -> tuple[re.Pattern, ...]:
    text = resources.files("bigsearch.data").joinpath("furniture.toml").read_text("utf-8")
    return tuple(re.compile(p, re.IGNORECASE) for p in tomllib.loads(text)["patterns"])


def drop_furniture(lines: Iterable[str], extra: frozenset[str] = frozenset()) -> Iterator[str]:
    """Remove letterhead, footer and page-number lines; they leave an empty line behind."""
    patterns = furniture_patterns()
    for line in lines:
        stripped = " ".join(line.split())
        if stripped and (
            any(p.match(stripped) for p in patterns) or _digits_masked(stripped) in extra
        ):
            yield _FILLER
        else:
            yield line


def repeated_lines(lines: list[str], at_least: int = 3) -> frozenset[str]:
    """Letterhead lines a text repeats on every page ("VILHELMINA KOMMUN PROTOKOLL 3"), digits masked.

    Only lines of three or more words that are not item headings; a PDF's reader finds its own
    from the page edges.
    """
    from collections import Counter

    counts = Counter(
        _digits_masked(" ".join(line.split())) for line in lines
        if 3 <= len(line.split()) <= 12 and len(line) <= 100 and "§" not in line
    )
    return frozenset(key for key, count in counts.items() if count >= at_least)


def _digits_masked(line: str) -> str:
    return re.sub(r"\d+", "#", line).lower()


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


def blocks(lines: list[str]) -> tuple[list[Block], bool]:
    """Group lines into blocks separated by paragraph breaks; returns (blocks, double_spaced).

    Normally a break is any blank line. In a double-spaced extraction the empty lines are
    only line spacing: the real breaks are lines holding just white space or, where the
    file has none, two or more empty lines in a row.
    """
    double = is_double_spaced(lines)
    if not double and is_line_per_paragraph(lines):
        return [[line.strip(" \u00a0")] for line in lines if line.strip()], False
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

    result: list[Block] = []
    current: Block = []
    for index, line in enumerate(lines):
        if is_break(index):
            if current:
                result.append(current)
                current = []
        elif line.strip():
            current.append(line.strip(" \u00a0"))
    if current:
        result.append(current)
    return result, double


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

"""Page furniture, known by its place on the page: page numbers, the lines printed at the top or
bottom of many pages (letterhead, a town's slogan), and a protocol form's labels ("Justerandes
sign", "Utdragsbestyrkande", signature lines). Text that merely recurs — a decision written the
same way under three items — is text and stays.

Patterns are data (data/furniture.toml). The stages work on a list of lines and keep its length
(a furniture line becomes an empty line), so line numbers stay true:
- `page_markers`: lines that are a page number, or a short page header that ends in one;
- `edge_lines`: lines that stand next to page markers on several pages with the same words;
- `strip_inline_text`: page markers, form labels and underscores inside lines;
- `strip_page_lines`: in text that lost its line breaks (one line per page), the page counters
  and the letterhead that start every page.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

EDGE = 3  # lines next to a page marker that may be page furniture
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_SENTENCE = re.compile(r"[.!?]$")


@dataclass(frozen=True)
class FurnitureData:
    lines: re.Pattern  # a whole line that is letterhead or footer
    page_line: re.Pattern  # a whole line that is a page number
    page_edge: re.Pattern  # a page number at the start or end of a short line
    # Page markers, form labels and certificate text inside a line, each with the plain strings one
    # of which a text must hold before the pattern is tried.
    inline: tuple[tuple[re.Pattern, tuple[str, ...]], ...]


@lru_cache(maxsize=1)
def furniture_data() -> FurnitureData:
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("furniture.toml").read_text("utf-8"))
    page = "|".join(f"(?:{p})" for p in data["page_line"])
    return FurnitureData(
        lines=_whole_lines(data["patterns"]),
        page_line=re.compile(rf"^\s*(?:{page})\s*$", re.IGNORECASE),
        page_edge=re.compile(rf"^\s*(?:{page})(?=\s)|(?<=\s)(?:{page})\s*$", re.IGNORECASE),
        inline=tuple((re.compile(entry["pattern"]), tuple(entry["hints"])) for entry in data["inline"]),
    )


def _whole_lines(patterns: list[str]) -> re.Pattern:
    """The line patterns as one pattern matched at the start of a stripped line. A pattern
    "^.*X.*$" (a line holding X) is looked for as X with a lazy lead, not backtracked from the end."""
    bodies = []
    for pattern in patterns:
        body = pattern.removeprefix("^").removesuffix("$")
        if body.startswith(".*") and body.endswith(".*"):
            body = ".*?" + body[2:-2]
        else:
            body += "$"
        bodies.append(body)
    return re.compile("|".join(f"(?:{b})" for b in bodies), re.IGNORECASE)


def masked(line: str) -> str:
    """A line compared with the lines of other pages: digits masked, spaces and case folded."""
    return _DIGITS.sub("#", _SPACES.sub(" ", line.strip())).casefold()


def is_page_marker(line: str) -> bool:
    return bool(furniture_data().page_line.match(line))


def page_markers(lines: list[str]) -> set[int]:
    """Lines that are a page number ("2 (40)", "Sida 3/10", "(1)"), or a short page header that
    starts or ends with one ("KIL KOMMUN  SAMMANTRÄDESPROTOKOLL  2(20)", "VILHELMINA KOMMUN
    PROTOKOLL 3" when it recurs)."""
    data = furniture_data()
    found: set[int] = set()
    headers: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if len(line) > 120 or not _DIGITS.search(line) or "§" in line:
            continue  # a page marker holds a number
        if data.page_line.match(line):
            found.add(index)
            continue
        if len(line.split()) > 10:
            continue
        edge = data.page_edge.search(line)
        if edge and re.search(r"[(/]|\bsida|\bsid\b|\bpage|\bav\b", edge.group(0), re.IGNORECASE) \
                and _could_be_a_page(edge.group(0), line[:edge.start()]):
            found.add(index)
        elif re.search(r"(?:^|\s)\d{1,3}\s*$", line) and sum(ch.isupper() for ch in line) >= 4:
            headers.setdefault(masked(line), []).append(index)  # "VILHELMINA KOMMUN  PROTOKOLL  3"
    for indexes in headers.values():
        if len(indexes) >= 2:
            found.update(indexes)
    return found


_PAGE_OF = re.compile(r"(\d{1,4})\s*(?:/|\(|av\b|of\b)\s*(\d{1,4})", re.IGNORECASE)


def _could_be_a_page(marker: str, before: str) -> bool:
    """Whether a number at a line's edge can be "page N of M": N no more than M, and not a date
    ("… onsdagen den 31/5", "den 3/5")."""
    match = _PAGE_OF.search(marker)
    if match is None:
        return True
    if int(match[1]) > int(match[2]) or int(match[1]) == 0:
        return False
    return "/" not in marker or not re.search(r"\b(?:den|datum)\s*$", before, re.IGNORECASE)


def edge_lines(lines: list[str], markers: set[int]) -> set[int]:
    """Lines standing within EDGE lines of a page edge (a page marker, or the text's start or end)
    whose words (digits masked) stand there on at least two pages and a quarter of them: a
    letterhead, a footer, the body's name on every page. A sentence is never furniture: a decision
    written the same way under several items stays, wherever the page breaks."""
    if len(markers) < 2:
        return set()
    edges = sorted(markers) + [-1, len(lines)]
    seen: dict[str, set[int]] = {}
    where: dict[str, list[int]] = {}
    for marker in edges:
        for index in _neighbours(lines, marker):
            text = lines[index].strip()
            if _SENTENCE.search(text) or len(text.split()) > 12 or "§" in text:
                continue
            key = masked(text)
            seen.setdefault(key, set()).add(marker)
            where.setdefault(key, []).append(index)
    needed = max(2, len(markers) // 4)
    found: set[int] = set()
    for key, at in seen.items():
        # On several pages (a line next to two markers of one short page counts once).
        if len(at) >= needed and len(set(where[key])) >= 2:
            found.update(where[key])
    return found


def _neighbours(lines: list[str], marker: int) -> list[int]:
    out: list[int] = []
    for direction in (-1, 1):
        index, taken = marker + direction, 0
        while 0 <= index < len(lines) and taken < EDGE:
            if lines[index].strip():
                out.append(index)
                taken += 1
            index += direction
    return out


LETTERHEAD_LINE = 200  # letterhead and footer lines are shorter than this


def pattern_lines(lines: list[str], reader_furniture: frozenset[str] = frozenset()) -> set[int]:
    """Letterhead and footer lines by pattern, and the lines a reader found at the edges of most
    pages (a PDF's repeated header and footer)."""
    letterhead = furniture_data().lines
    found: set[int] = set()
    for index, line in enumerate(lines):
        if not line or len(line) > LETTERHEAD_LINE:
            continue
        stripped = " ".join(line.split())
        if stripped and (letterhead.match(stripped) or (reader_furniture and masked(stripped) in reader_furniture)):
            found.add(index)
    return found


# The counter before a marker stands on the marker's own line ("2 2(15)"); a number on the line
# before is text ("Krondikesvägen 60").
_NUMBER_OF_PAGES = re.compile(r"(?<![\w(])(?:(?P<counter>\d{1,4})[ \t]+)?(\d{1,4})[ \t]?\([ \t]?(\d{1,4})[ \t]?\)(?![\w)])")


def page_totals(text: str) -> Counter:
    """How often each page total is printed as "N (M)" or "N(M)": two of the same M are page markers."""
    return Counter(int(m[3]) for m in _NUMBER_OF_PAGES.finditer(text) if int(m[2]) <= int(m[3]))


def _page_marker_sub(match: re.Match, totals: Counter) -> str:
    page, total = int(match[2]), int(match[3])
    counter = match["counter"]
    if page > total or not (totals[total] >= 2 or match.start() == 0):
        return match.group(0)
    breaks = "\n" * match.group(0).count("\n")  # the number of lines stays
    if counter is not None and counter != match[2]:
        return counter + (breaks or " ")  # a number before the marker that is not its page counter stays
    return breaks or " "


# -- text that lost its line breaks: one line per page ---------------------------------------------

_LEADING_NUMBER = re.compile(r"^\s*(\d{1,4})\s+")


def strip_page_lines(lines: list[str]) -> list[str]:
    """In a transcript with one line per page, remove what starts every page: the transcript's
    page counter ("1 ", "2 ", "3 " …), the printed page number after it ("2 37 …", "3 38 …"), and
    a letterhead the pages share ("VILHELMINA KOMMUN PROTOKOLL 3")."""
    pages = [i for i, line in enumerate(lines) if line.strip()]
    if len(pages) < 2:
        return lines
    out = list(lines)
    for _ in range(2):  # the counter, then the printed page number
        numbers = [_LEADING_NUMBER.match(out[i]) for i in pages]
        values = [int(m[1]) if m else None for m in numbers]
        rising = sum(1 for a, b in zip(values, values[1:], strict=False) if a is not None and b == a + 1)
        if rising < max(1, (len(pages) - 1) * 0.6):
            break
        for k, index in enumerate(pages):
            previous = values[k - 1] if k else None
            nxt = values[k + 1] if k + 1 < len(values) else None
            value = values[k]
            if value is not None and (previous == value - 1 or nxt == value + 1):
                out[index] = out[index][numbers[k].end():]
    return _strip_shared_start(out, pages)


def _strip_shared_start(lines: list[str], pages: list[int]) -> list[str]:
    """The words every page starts with (digits masked), when they read like a letterhead: a page
    number among them or at least three words, never an item number."""
    words = [lines[i].split() for i in pages]
    shared = 0
    while all(len(w) > shared for w in words) and len({_DIGITS.sub("#", w[shared]).casefold() for w in words}) == 1:
        shared += 1
    if shared == 0:
        return lines
    head = words[0][:shared]
    if head[0].startswith("§") or (shared < 3 and not any(_DIGITS.search(w) for w in head)):
        return lines
    # The page number printed after a letterhead without one ("PROTOKOLL 3"): numbers rising page by page.
    numbered = not any(_DIGITS.search(w) for w in head) and _rising([words[k][shared:shared + 1] for k in range(len(pages))])
    out = list(lines)
    for k, index in enumerate(pages):
        rest = words[k][shared + 1 if numbered else shared:]
        out[index] = " ".join(rest)
    return out


def _rising(firsts: list[list[str]]) -> bool:
    values = []
    for first in firsts:
        match = re.fullmatch(r"(\d{1,4})(?:\(\d{1,4}\))?", first[0]) if first else None
        if match is None:
            return False
        values.append(int(match[1]))
    return all(b == a + 1 for a, b in zip(values, values[1:], strict=False))


def strip(lines: list[str], reader_furniture: frozenset[str] = frozenset(), flat: bool = False) -> list[str]:
    """`lines` with every furniture line made empty and furniture inside lines removed."""
    if flat:
        lines = strip_page_lines(lines)
    markers = page_markers(lines)
    drop = pattern_lines(lines, reader_furniture) | markers | edge_lines(lines, markers)
    text = "\n".join(lines)
    inside = strip_inline_text(text, page_totals(text) if flat else None)
    if inside is not text:
        stripped = inside.split("\n")
        if len(stripped) != len(lines):  # a pattern took a line break: strip line by line instead
            stripped = [strip_inline_text(line).replace("\n", " ") for line in lines]
        # A line that was nothing but form labels ("Justerandes sign  Utdragsbestyrkande") goes whole.
        drop |= {i for i, (was, now) in enumerate(zip(lines, stripped, strict=True)) if was.strip() and not now.strip(" .:-")}
        lines = stripped
    return ["" if index in drop else line for index, line in enumerate(lines)]


def strip_inline_text(text: str, totals: Counter | None = None) -> str:
    """Page markers, form labels and certificate text removed from inside the lines of a whole text
    (compiled patterns over the text beat a loop over its lines); the number of lines stays."""
    folded = text.casefold()
    out = text
    for pattern, hints in furniture_data().inline:
        if any(hint in (folded if hint.islower() else text) for hint in hints):
            out = pattern.sub(_keep_breaks, out)
    if totals:
        out = _NUMBER_OF_PAGES.sub(lambda m: _page_marker_sub(m, totals), out)
    if out == text:
        return text
    return "\n".join(_tidy(line) for line in out.split("\n"))


def _keep_breaks(match: re.Match) -> str:
    return "\n" * match.group().count("\n") or " "


def _tidy(line: str) -> str:
    return re.sub(r"[ ]{2,}", " ", line).strip() if "  " in line or line[:1] == " " or line[-1:] == " " else line

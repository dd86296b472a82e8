"""Items as a sequence: every place that could head a numbered item, then the most consistent
rising chain of them through the document.

A candidate is a number printed the way minutes number their items ("§ 12", "KS § 33", "Sn 49",
"3 Val av justerare", "1.1", "Punkt 4", "a)"); the numbering styles are a table
(data/item_styles.toml). The items are the best chain of candidates in one style whose numbers
rise by one (or by a small gap, at a cost) with title-like text after each number. A second chain
before or after it that repeats its numbers (an agenda or table of contents before the minutes, the
minutes after one) is kept too: the chain whose items have text under them is the items, the other
one the agenda. Text that lost its line breaks is searched the same way, mid-line.

Each step is a small pure function over plain data: `candidates` (text -> candidates),
`read_title` (the words after a number -> title, same-line body, how title-like), `step`
(how one number follows another), `best_chain` (candidates of one style -> the best chain) and
`choose` (all candidates -> the chains the document is built on).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

GAP_COST_CAP = 3  # a jump costs at most as much as three missing numbers ("§ 34 … § 49" in an excerpt)
WINDOW = 60  # earlier candidates of the same style a candidate may follow (bounds the work)
MIN_CHAIN = 2.5  # a chain's score below this is not a numbering (one "§ 12" with a title is 3)
LONG_LINE = 200  # a line this long may hold several items even where the text keeps its line breaks
BODY_CHARS = 20  # text under an item heading longer than this makes it an item with a body


@dataclass(frozen=True)
class Style:
    name: str
    marker: str
    weight: float
    punct: bool
    inline: bool
    max_gap: int = 6


@dataclass(frozen=True)
class ItemData:
    styles: tuple[Style, ...]
    not_prefixes: frozenset[str]
    not_after: frozenset[str]
    title_stops: tuple[str, ...]
    agenda_labels: tuple[str, ...]


@lru_cache(maxsize=1)
def item_data() -> ItemData:
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("item_styles.toml").read_text("utf-8"))
    styles = tuple(Style(s["name"], s["marker"], float(s["weight"]), bool(s["punct"]), bool(s["inline"]),
                         int(s["max_gap"])) for s in data["style"])
    return ItemData(styles, frozenset(data["not_prefixes"]), frozenset(data["not_after"]),
                    tuple(data["title_stops"]), tuple(data["agenda_labels"]))


def _alternatives(styles: tuple[Style, ...]) -> str:
    parts = []
    for index, style in enumerate(styles):
        marker = re.sub(r"\(\?P<(\w+)>", rf"(?P<s{index}_\1>", style.marker)
        parts.append(f"(?P<s{index}>{marker})")
    return "|".join(parts)


_END = r"(?P<punct>[.):](?![\d]))?(?=[ \t]|$)"


@lru_cache(maxsize=1)
def _line_start_pattern() -> re.Pattern:
    # A list bullet or a list's own counter may stand before the number (" • 1.", " 1. 4." in a web page).
    bullet = r"(?:[•·▪◦\-–*]|\d{1,2}\.(?=[ \t]+\d))[ \t]*"
    return re.compile(rf"^[ \t]*(?:{bullet})?(?:{_alternatives(item_data().styles)}){_END}", re.MULTILINE)


@lru_cache(maxsize=1)
def _inline_pattern() -> re.Pattern:
    styles = item_data().styles
    inline = tuple(s if s.inline else Style(s.name, r"(?!x)x", 0, False, False) for s in styles)
    return re.compile(rf"(?<!\S)(?:{_alternatives(inline)}){_END}")


# -- candidates -------------------------------------------------------------------------------------


@dataclass
class Candidate:
    line: int  # index of the line it stands on
    start: int  # offset of the number's marker in that line
    end: int  # offset just after the marker and its punctuation
    style: str
    weight: float
    prefix: str | None
    number: tuple[int, ...]
    printed: str  # the number as printed: "33", "1.1", "33 a"
    punct: str
    title: str  # the title on the same line ("" when it stands on the next line)
    rest: str  # text after the title on the same line (an item whose body starts on its heading line)
    quality: float  # how title-like the words after the number are, 0..1
    at_line_start: bool
    score: float = 0.0
    # Candidates of one numbering: the style, the body's prefix, and the punctuation where the style
    # counts it ("1." and "1" are two numberings).
    key: tuple = ()

    @property
    def position(self) -> tuple[int, int]:
        return (self.line, self.start)


_REFS = re.compile(
    r"^(?:\s*(?:"
    r"(?:Dnr|DNR|Diarienr|Diarienummer|D\s?nr)\b\.?\s*:?\s*(?:[A-ZÅÄÖ]{1,5}[\s.-]?)?(?:\d[\w./:-]*|-+)?"
    r"|\((?:Dnr|D\s?nr)[^)]*\)"
    r"|(?:[A-ZÅÄÖ]{2,6}|[A-ZÅÄÖ][a-zåäö])\s+\d{1,4}(?=\s)(?!\s+[a-zåäö])"
    r"|[A-ZÅÄÖ]{1,5}-\d{4}/[\d.]*"
    r"))+\s*"
)
def is_reference(text: str) -> bool:
    """A line that only refers ("Dnr KS 2018/14", "Au 84", "(Dnr 002 – 443 / 05)"): never a title."""
    found = _REFS.match(text)
    return found is not None and found.end() >= len(text.rstrip())


_AFTER_WORD = re.compile(r"(?:^|\s)[a-zåäö]+,?\s*$")  # "… frånvarande § 65": a word of running text before it
_LEADER = re.compile(r"\s*(?:\.{2,}|…+|\s\.\s\.)[\s.…]*\d{0,4}\s*$")
_LEADER_INLINE = re.compile(r"\s*(?:\.{2,}|…)[\s.…]*\d{0,4}(?=\s|$)")
_PERSON = re.compile(r"^[A-ZÅÄÖ][a-zåäöéü-]+(?:\s+[A-ZÅÄÖ][\wåäöéü-]+){1,2}\s*\(\s*[A-Za-zÅÄÖåäö]{1,4}\s*\)")
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}\b|^\d+\s*(?:%|kr\b|st\b|tkr\b|mkr\b)|^\d+\s+[a-zåäö]", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[a-zåäö0-9)”\"])[.!?]\s+(?=[A-ZÅÄÖ\"”])")


@lru_cache(maxsize=1)
def _stop_pattern() -> re.Pattern:
    stops = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in sorted(item_data().title_stops, key=len, reverse=True))
    return re.compile(rf"\s(?:{stops})(?=[\s:.]|$)")


def _number_of(printed: str, letter: str | None) -> tuple[int, ...] | None:
    parts = printed.split(".")
    if any(len(part) > 1 and part.startswith("0") for part in parts):
        return None  # "09.00": a time, not an item
    values = tuple(int(part) for part in parts)
    if len(values) > 1 and any(v == 0 or v > 40 for v in values[1:]):
        return None
    if letter:
        values = values + (ord(letter.lower()) - ord("a") + 1,)
    return values


def has_reference(rest: str) -> bool:
    """A registration number right after an item number ("Kf § 221 Dnr 2003/12", "26 Dnr KS 2018/14")."""
    return bool(re.match(r"\s*[-–:]?\s*(?:Dnr|DNR|Diarienr|Diarienummer|D\s?nr)\b", rest))


def read_title(rest: str, inline: bool) -> tuple[str, str, float]:
    """(title, the text after it on the same line, how title-like it is 0..1) from the words that
    follow an item number. A "Dnr" or a cross-reference ("Au 84") before the title is skipped;
    a table of contents' dotted leader and page number are not title."""
    text = rest.strip()
    refs = _REFS.match(text)
    if refs:
        text = text[refs.end():]
    if not text:
        return "", "", 0.0
    if inline:
        title, after = _inline_title(text)
    else:
        title, after = _line_title(text)
    return title, after, title_quality(title)


def _line_title(text: str) -> tuple[str, str]:
    leader = _LEADER.search(text)
    if leader:
        return text[: leader.start()].strip(), ""
    if len(text) > 90:
        # "§1. Mötets öppnande. Ordföranden förklarade …": the heading and its body on one line.
        brk = _SENTENCE_BREAK.search(text, 0, 140)
        if brk and len(text[: brk.start()].split()) <= 14:
            return text[: brk.start() + 1].strip(), text[brk.end():].strip()
    return text, ""


_FUNCTION_WORDS = frozenset(
    "av i på för med om och vid mot till från mellan inom under över hos efter kring gällande angående samt "
    "eller inför ur utan enligt per via".split())


def _inline_title(text: str) -> tuple[str, str]:
    """In flattened text a title runs to a sentence end, a dotted leader, a heading word, a person's
    name, or the first capitalised word that starts a new sentence ("… dagordning Dagordningen godkänns")."""
    from bigsearch.ingest.names import first_names

    end = len(text)
    leader = _LEADER_INLINE.search(text)
    cut_after = None
    if leader:
        end, cut_after = leader.start(), leader.end()
    brk = _SENTENCE_BREAK.search(text, 0, end)
    if brk:
        end = min(end, brk.start() + 1)
    stop = _stop_pattern().search(text, 0, end)
    if stop and stop.start() > 0:
        end = stop.start()
    words = list(re.finditer(r"\S+", text[:end]))
    known = first_names()
    for index in range(2, len(words)):
        word, before = words[index].group(), words[index - 1].group()
        nxt = words[index + 1].group() if index + 1 < len(words) else ""
        capital = word[:1].isupper() and not word.isupper() and len(word) > 2
        if capital and word in known and nxt[:1].isupper():
            end = words[index].start()  # "… mot bostadsinbrott Anna Schelin, kommunpolis"
            break
        if (capital and before[:1].islower() and before[-1:].isalpha() and before not in _FUNCTION_WORDS
                and (nxt[:1].islower() or not nxt)):
            end = words[index].start()
            break
        if index >= 14:
            end = words[index].start()
            break
    title = text[:end].strip().rstrip(",;")
    after = text[cut_after if cut_after and cut_after > end else end:].strip()
    return title, after


def _is_label(text: str) -> bool:
    """A header label alone or followed by another ("Justerare Justeringens plats och tid")."""
    from bigsearch.ingest.header import match_label

    found = match_label(text)
    return found is not None and (not found[1] or match_label(found[1]) is not None)


def title_quality(title: str) -> float:
    """How much `title` reads like an item title: capitalised words, not a time, an amount, a
    header label or a long sentence."""
    if not title:
        return 0.0
    first = title[0]
    if first.isupper():
        quality = 1.0
    elif first in "\"”“«'":
        quality = 0.8
    elif first.isdigit():
        if _TIME.match(title) or re.match(r"^\d+\s*$", title):
            return 0.0
        quality = 0.3
    else:
        return 0.0
    words = title.split()
    if _is_label(title) or _PERSON.match(title):
        quality *= 0.1  # "§ 65 Åke Liedberg (m)": a note on an attendee, not an item
    if len(words) > 25:
        quality *= 0.4
    elif title.endswith(".") and len(words) > 10:
        quality *= 0.6  # a numbered sentence ("1. Anmälan läggs till handlingarna.") rather than a title
    return quality


_BODY_WORD = re.compile(
    r"\b[\wåäöÅÄÖ-]*(?:nämnd|styrelse|fullmäktige|utskott|råd|beredning|ledningsgrupp|direktion|kommitté)"
    r"[\wåäö]*", re.IGNORECASE)


def abbreviates(prefix: str, name: str) -> bool:
    """Whether `prefix` is the abbreviation of a body's name: its first letter starts the name and
    the others follow in order ("KS" Kommunstyrelsen, "MBN" Miljö- och byggnadsnämnden, "FHR"
    Folkhälsorådet, "Sn" Socialnämnden)."""
    letters, name = prefix.casefold(), name.casefold()
    if len(letters) < 2 or not name.startswith(letters[0]):
        return False
    at = 1
    for letter in letters[1:]:
        at = name.find(letter, at)
        if at < 0:
            return False
        at += 1
    return True


def body_names(text: str) -> list[str]:
    """Names of bodies written near the top of a text ("Kommunstyrelsen", "Miljö- och byggnadsnämnden")."""
    return [m.group(0) for m in _BODY_WORD.finditer(text[:1500])]


def candidates(lines: list[str], inline: bool = False) -> list[Candidate]:
    """Every place in `lines` where an item number could stand: at the start of a line, and after
    white space inside a line — any line when `inline` (text that lost its line breaks), else
    lines of LONG_LINE characters or more. A title read mid-line ends where the next number starts."""
    data = item_data()
    starts = _line_starts(lines)
    text = "\n".join(lines)
    matches: list[tuple[int, int, re.Match, bool]] = []  # (line, offset of the match in the line, match, at start)
    seen: set[tuple[int, int]] = set()
    for match in _line_start_pattern().finditer(text):
        line = _line_of(starts, match.start())
        matches.append((line, match.start() - starts[line], match, True))
        seen.add((line, match.start() - starts[line]))
    pattern = _inline_pattern()
    wrapped = _wrapped_runs(lines) if not inline else set()
    for line_index in _lines_to_scan(lines, text, starts, inline):
        line = lines[line_index]
        strong_only = not inline and len(line) < LONG_LINE and line_index not in wrapped
        for match in pattern.finditer(line):
            if strong_only and ("§" not in match.group(0) or _AFTER_WORD.search(line[: match.start()])):
                continue  # a wrapped line: only "§ N" mid-line, and not after a word ("frånvarande § 65")
            if (line_index, match.start()) in seen or match.start() == 0 or _after_reference(line, match.start(), data):
                continue
            matches.append((line_index, match.start(), match, False))
    after = {i for i in wrapped if i + 1 < len(lines)}
    matches.sort(key=lambda m: (m[0], m[1]))
    bodies: list[str] | None = None
    found: list[Candidate] = []
    for index, (line_index, _offset, match, at_start) in enumerate(matches):
        nxt = matches[index + 1] if index + 1 < len(matches) else None
        bound = nxt[1] if nxt is not None and nxt[0] == line_index else len(lines[line_index])
        base = starts[line_index] if at_start else 0
        candidate = _candidate(match, line_index, base, lines[line_index], bound, data, at_line_start=at_start,
                               lines_after=lines[line_index + 1: line_index + 5] if at_start or line_index in after
                               else ())
        if candidate is not None:
            if candidate.prefix:
                bodies = body_names(text) if bodies is None else bodies
                if any(abbreviates(candidate.prefix, body) for body in bodies):
                    candidate.score += 1.5  # "KS 31" in the minutes of Kommunstyrelsen
            found.append(candidate)
            if candidate.style == "outline" and len(candidate.number) > 1 and candidate.key[2] == "":
                # "1.7 … 2. Rapporter 2.1 …": a dotted number belongs to the "2." numbering as well
                found.append(replace(candidate, key=(candidate.style, candidate.prefix, ".")))
    return found


def _lines_to_scan(lines: list[str], text: str, starts: list[int], inline: bool) -> list[int]:
    """The lines where a number may head an item mid-line: every line of 40 characters or more in
    text that lost its line breaks; else the long lines and the lines holding a "§" after their start."""
    if inline:
        return [i for i, line in enumerate(lines) if len(line) >= 40]
    found = {i for i, line in enumerate(lines) if len(line) >= LONG_LINE} | _wrapped_runs(lines)
    at = text.find("§")
    while at >= 0:
        index = _line_of(starts, at)
        if at > starts[index] and len(lines[index]) >= 40:
            found.add(index)
        at = text.find("§", at + 1)
    return sorted(found)


def _wrapped_runs(lines: list[str]) -> set[int]:
    """Lines of a long paragraph wrapped at the page width (two or more full lines in a row): a
    run-on paragraph of items written to PDF comes back so, each line shorter than LONG_LINE."""
    lengths = sorted(len(line) for line in lines if line.strip())
    if len(lengths) < 6:
        return set()
    width = lengths[int(len(lengths) * 0.9) - 1]
    if width < 60 or width >= LONG_LINE:
        return set()
    full = [len(line) >= 0.85 * width for line in lines]
    found: set[int] = set()
    run: list[int] = []
    for index, is_full in enumerate(full + [False]):
        if is_full:
            run.append(index)
            continue
        if len(run) >= 2:
            found.update(run)
            if index < len(lines) and lines[index].strip():
                found.add(index)  # the paragraph's last, shorter line
        run = []
    return found


def _line_starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1


def _next_line_title(following: list[str]) -> float:
    """How title-like the first line after a heading with no title on its own line is (a "Dnr"
    line between them is skipped)."""
    for text in following:
        text = text.strip()
        if not text or is_reference(text):
            continue
        if len(text) > 150 or _line_start_pattern().match(text):
            return 0.0
        return title_quality(text)
    return 0.0


def _candidate(match: re.Match, line_index: int, line_offset: int, line: str, bound: int, data: ItemData,
               at_line_start: bool, lines_after: list[str] = ()) -> Candidate | None:
    style_index = next(i for i in range(len(data.styles)) if match.group(f"s{i}") is not None)
    style = data.styles[style_index]
    groups = _groups(match, style_index)
    prefix = groups.get("prefix")
    if prefix in data.not_prefixes:
        if style.name != "section-sign":
            return None
        prefix = None  # "Sid § 221": a column header before the §, not the body's abbreviation
    printed = groups.get("number")
    letter = groups.get("letter")
    if printed is None:  # a lettered list: "a)"
        if not letter:
            return None
        number = (ord(letter.lower()) - ord("a") + 1,)
        printed = letter
    else:
        number = _number_of(printed, letter)
        if number is None or number[0] == 0 or (style.name != "section-sign" and 1900 <= number[0] <= 2100):
            return None
        if letter:
            printed = f"{printed} {letter}"
    whole = match.group(0)
    start = match.start() - line_offset + (len(whole) - len(whole.lstrip(" \t")))
    end = match.end() - line_offset
    following = line[end:max(end, bound)]
    if bound < len(line) and (not following.strip() or is_reference(following.strip())):
        # "Sn 50 Au 84 Sn 34 Dnr 2016/ Budget …": references to other numbers before the title
        following = line[end:]
    title, rest, quality = read_title(following, inline=not at_line_start or bound < len(line))
    if following.strip() and quality == 0.0 and style.name != "section-sign":
        return None  # "3 tr", "8 mars", "12 000 kr": a number in running text
    if not title and not at_line_start and (following.strip() or not lines_after):
        return None  # mid-line, a number with nothing after it is a page reference or an amount
    if not title:  # at a line's start, or at the end of a line wrapped at the page width
        quality = _next_line_title(lines_after)  # "KS § 33 Dnr KU.2018.6" / "Godkännande av dagordning"
    score = style.weight * (quality if title else max(0.5, 0.9 * quality))
    if at_line_start:
        score += 0.3
    if has_reference(following):
        score += 1.5  # only an item heading carries its own registration number
    punct = match.group("punct") or ""
    kind = punct if punct in ".)" else ""
    return Candidate(line_index, start, end, style.name, style.weight, prefix, number, printed, punct,
                     title, rest, quality, at_line_start, score, (style.name, prefix, kind if style.punct else ""))


def _groups(match: re.Match, style_index: int) -> dict[str, str | None]:
    """The named groups of the style that matched, without its "s<n>_" prefix."""
    names = match.re.groupindex
    return {name: match.group(f"s{style_index}_{name}") for name in ("prefix", "number", "letter")
            if f"s{style_index}_{name}" in names}


_DASHES = {"-", "--", "–", "—"}


_BEFORE_SECTION = frozenset({"enligt", "jfr", "se", "i", "kap.", "kap", "och", "eller", "samt", "till", "t.o.m.",
                             "tom", "från", "fr.o.m.", "paragraf", "paragraferna", "justerade", "ej", "del"})


def _after_reference(line: str, start: int, data: ItemData) -> bool:
    """A number mid-line that continues a reference ("t.o.m. punkt 4", "§§ 50 - 61", "kl. 9.50",
    "enligt § 7")."""
    before = line[:start].split()
    if not before:
        return False
    word = before[-1].casefold().rstrip(",")
    if word in (_BEFORE_SECTION if line.startswith("§", start) or "§" in line[start:start + 8] else data.not_after):
        return True
    return word in _DASHES and len(before) > 1 and before[-2][-1:].isdigit()


# -- the sequence ---------------------------------------------------------------------------------------


def step(a: tuple[int, ...], b: tuple[int, ...]) -> int | None:
    """How far number `b` follows `a`: 1 for the next one (2 → 3, 1 → 1.1, 1.2 → 2), n when n-1
    numbers are missing between them, None when `b` does not follow `a` at all."""
    if len(b) == len(a):
        if b[:-1] == a[:-1] and b[-1] > a[-1]:
            return b[-1] - a[-1]
        if len(b) >= 2 and b[-1] == 1 and (parent := step(a[:-1], b[:-1])) is not None:
            return parent + 1  # 3.12 → 4.1: the heading "4" not printed
        return None
    if len(b) == len(a) + 1:
        return b[-1] if b[:-1] == a and b[-1] >= 1 else None
    if len(b) < len(a) and b[:-1] == a[: len(b) - 1] and b[-1] > a[len(b) - 1]:
        return b[-1] - a[len(b) - 1]
    return None


def _style(name: str) -> Style:
    return next(style for style in item_data().styles if style.name == name)


def transition(gap: int, body_chars: int) -> float:
    """The score of one step of a chain: +1 for the next number, less for each number skipped; a
    little more when the item before has text under it (minutes rather than a list of titles)."""
    score = 1.0 if gap == 1 else 1.0 - 0.6 * (gap - 1)
    return score + (0.3 if body_chars > BODY_CHARS else 0.0)


@dataclass
class Chain:
    items: list[Candidate]
    score: float
    kind: str = "item"  # "item": the minutes' items; "agenda": their list before (or after) them
    bodies: float = 0.0  # share of its items with text under them


def _between(lines: list[str], a: Candidate, b: Candidate) -> int:
    """Characters of text between the end of a's title and the start of b."""
    if a.line == b.line:
        return max(0, b.start - a.end - len(a.title))
    size = len(lines[a.line]) - a.end - len(a.title) + b.start
    for index in range(a.line + 1, min(b.line, a.line + 40)):
        size += len(lines[index])
        if size > BODY_CHARS:
            break  # only "more than BODY_CHARS" matters
    return max(0, size)


def best_chain(group: list[Candidate], lines: list[str]) -> Chain | None:
    """The best rising chain among candidates of one style (in document order)."""
    if not group:
        return None
    best = [c.score for c in group]
    back = [-1] * len(group)
    max_gap = _style(group[0].style).max_gap
    for i, current in enumerate(group):
        for j in range(max(0, i - WINDOW), i):
            gap = step(group[j].number, current.number)
            if gap is None or gap > max_gap:
                continue
            total = best[j] + current.score + transition(min(gap, GAP_COST_CAP), _between(lines, group[j], current))
            if total > best[i]:
                best[i], back[i] = total, j
    end = max(range(len(group)), key=lambda i: best[i])
    items: list[Candidate] = []
    index = end
    while index >= 0:
        items.append(group[index])
        index = back[index]
    items.reverse()
    return Chain(items, best[end])


def _acceptable(chain: Chain | None) -> bool:
    if chain is None or chain.score < MIN_CHAIN:
        return False
    if len(chain.items) == 1:
        only = chain.items[0]
        return (only.weight >= 3.0 or only.score >= MIN_CHAIN) and bool(only.title or only.at_line_start)
    return True


def _best(cands: list[Candidate], lines: list[str]) -> Chain | None:
    groups: dict[tuple, list[Candidate]] = {}
    for candidate in cands:
        groups.setdefault(candidate.key, []).append(candidate)
    chains = {key: best_chain(group, lines) for key, group in groups.items()}
    chains = {key: c for key, c in chains.items() if _acceptable(c)}
    eligible = [c for key, c in chains.items()
                if not any(_nested(groups[key], other) for k, other in chains.items() if k != key)]
    return max(eligible or chains.values(), key=lambda c: (c.score, len(c.items)), default=None)


def _nested(group: list[Candidate], other: Chain) -> bool:
    """Whether a numbering restarts under the items of another ("50 Fastställande … 1. Ärende …
    51 Rapport 1. Snabbrapport 2. …"): a list inside items, never the items themselves."""
    starts = [c.position for c in group if c.number == (1,)]
    if len(starts) < 2:
        return False
    heads = [c.position for c in other.items]
    separated = sum(1 for before, at in zip(starts, starts[1:], strict=False)
                    if any(before < head < at for head in heads))
    first = any(head < starts[0] for head in heads)
    return separated + first >= 2


def choose(cands: list[Candidate], lines: list[str]) -> list[Chain]:
    """The chains the document is built on, in document order: its items, and an agenda or table
    of contents before or after them. Empty when nothing in the text is numbered like items."""
    main = _best(cands, lines)
    if main is None:
        return []
    chains = [main]
    first, last = main.items[0].position, main.items[-1].position
    numbers = {c.number for c in main.items}
    before = _best([c for c in cands if c.position < first], lines)
    if before is not None and len(before.items) >= 2:
        chains.insert(0, before)
    after = _best([c for c in cands if c.position > last], lines)
    if after is not None:
        _classify([main, after], lines)
        # The minutes after their agenda: the same numbers again, or items with text under them
        # after a list of titles.
        if numbers & {c.number for c in after.items} or (main.bodies < 0.5 <= after.bodies):
            chains.append(after)
    _classify(chains, lines)
    return chains


def _classify(chains: list[Chain], lines: list[str]) -> None:
    """The chain whose items have text under them holds the items; a chain of titles only is
    their agenda (a table of contents, a föredragningslista) — or, alone, the items themselves."""
    for index, chain in enumerate(chains):
        following = chains[index + 1].items[0] if index + 1 < len(chains) else None
        with_body = 0
        for k, item in enumerate(chain.items):
            nxt = chain.items[k + 1] if k + 1 < len(chain.items) else following
            size = _between(lines, item, nxt) if nxt else _tail_chars(lines, item)
            with_body += size > BODY_CHARS or bool(item.rest)
        chain.bodies = with_body / len(chain.items)
    if len(chains) > 1:
        # The items have text under them; on a tie, the minutes come after their agenda.
        items = max(enumerate(chains), key=lambda ic: (ic[1].bodies, ic[0]))[1]
        for chain in chains:
            chain.kind = "item" if chain is items else "agenda"


def _tail_chars(lines: list[str], item: Candidate) -> int:
    return sum(len(line) for line in lines[item.line + 1 : item.line + 40]) + len(lines[item.line]) - item.end - len(item.title)


@dataclass
class Heading:
    """An item heading as the document is built on it."""

    line: int
    number: str
    prefix: str | None
    title: str
    kind: str  # "item" or "agenda"


def place(lines: list[str], chains: list[Chain], flat: bool = False) -> tuple[list[str], dict[int, Heading]]:
    """The lines cut so that every chosen heading starts a line of its own and the text written after
    its title on the same line starts the next one; the headings by the index of their line.
    In flattened text the pieces are separate blocks (an empty line between them)."""
    chosen = sorted(((c, chain.kind) for chain in chains for c in chain.items), key=lambda x: x[0].position)
    by_line: dict[int, list[tuple[Candidate, str]]] = {}
    for candidate, kind in chosen:
        by_line.setdefault(candidate.line, []).append((candidate, kind))
    out: list[str] = []
    headings: dict[int, Heading] = {}
    for index, line in enumerate(lines):
        here = by_line.get(index)
        if not here:
            out.append(line)
            continue
        cursor = 0
        for k, (candidate, kind) in enumerate(here):
            bound = here[k + 1][0].start if k + 1 < len(here) else len(line)
            before = line[cursor:candidate.start]
            if before.strip():
                out.append(before.rstrip())
                if flat:
                    out.append("")
            title_at = line.find(candidate.title, candidate.end, bound) if candidate.title else -1
            title_end = title_at + len(candidate.title) if title_at >= 0 else candidate.end
            rest_at = line.find(candidate.rest, title_end, bound) if candidate.rest else -1
            head_end = rest_at if rest_at >= 0 else title_end
            headings[len(out)] = Heading(len(out), candidate.printed, candidate.prefix, candidate.title, kind)
            out.append(line[candidate.start:head_end].rstrip())
            if line[head_end:bound].strip():  # the text after the title (a title read up to a number in it)
                out.append(line[head_end:bound].strip())
            if flat and k + 1 < len(here):
                out.append("")
            cursor = bound
        if cursor < len(line) and line[cursor:].strip():
            out.append(line[cursor:])
    return out, headings


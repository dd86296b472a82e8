"""Segmenting: blocks -> header, sections (§ N Title / numbered items / headings), paragraphs.

Under "Aktuellt från respektive huvudman" each principal heading starts a block whose
paragraphs belong to that principal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bigsearch.domain.principals import Match, Registry
from bigsearch.ingest.clean import Block, join_lines
from bigsearch.ingest.header import HeaderLine
from bigsearch.ingest.names import looks_like_name

# A body's abbreviation before an item number: "KS", "KSAU", "BUN", "Sn", "Au".
_PREFIX = r"(?:[A-ZÅÄÖ]{1,6}|[A-ZÅÄÖ][a-zåäö])"
# "§ 12", "§12", "KS § 33 Title", "KSAU §7." — never a range ("§§ 50-61", "§ 12-15").
SECTION = re.compile(
    rf"^(?:(?P<prefix>{_PREFIX})\s*)?§\s*(?P<number>\d{{1,4}}[a-z]?)(?!\s*[-–,]\s*\d)\s*[.:]?(?:\s+(?P<title>.*))?$"
)
# "Sn 49 Title", "FHR 29", "SN 13": a body's abbreviation and a number, no §; only a
# sequence of them with the same abbreviation and rising numbers is taken for items.
PREFIXED = re.compile(
    rf"^(?P<prefix>{_PREFIX})\s+(?P<number>\d{{1,4}})(?!\s*[-–,/]\s*\d)\s*[.:]?(?:\s+(?P<title>[A-ZÅÄÖ0-9].*))?$"
)
_NOT_PREFIXES = {"Kl", "Nr", "Ca", "Tf", "Tel", "Tfn", "Dnr", "DNR", "Fax", "Box", "Rum", "Plan", "LPO", "BIG", "LUPP"}
# "1. Title", "1) Title", "1 Mötets öppnande" (a bare number needs a word after it).
NUMBERED = re.compile(r"^(?P<number>\d{1,2})(?:\s*[.)]\s+|\s+(?=[A-ZÅÄÖ][a-zåäö]))(?P<title>[A-ZÅÄÖ].{0,110})$")
# "Punkt 3", "Ärende 4: Title"
ITEM_WORD = re.compile(r"^(?:Punkt|Ärende|Dagordningspunkt)\s+(?P<number>\d{1,3})\s*[.:]?(?:\s+(?P<title>.*))?$")
_SIGNATURE_WORD = r"(?:vid protokollet|justeras|justerare|justerandes? signatur|sekreterare|ordförande|protokollförare)"
SIGNATURE = re.compile(rf"^{_SIGNATURE_WORD}(?:\s*[,:]?\s*{_SIGNATURE_WORD})*\s*:?\s*$", re.IGNORECASE)
AKTUELLT = re.compile(r"huvudm|aktuellt från|rapporter? från|information från|runda bordet|aktuellt\s*$", re.IGNORECASE)
# "Information från polisen", "Rapport från socialtjänsten", "Polisen informerar": a named reporter.
_REPORT_FROM = re.compile(
    r"^(?:information|info|rapport|rapportering|lägesbild|aktuellt|redovisning|nytt)\s+från\s+(?P<who>[^.,;]{2,60}?)\s*:?$",
    re.IGNORECASE,
)
_INFORMS = re.compile(r"^(?P<who>[A-ZÅÄÖ][^.,;:]{1,50}?)\s+(?:informerar|rapporterar|berättar)(?:\s+om\b.*)?\s*:?$")
_ROLE = re.compile(
    r"ordförande|sekreterare|chef|handläggare|samordnare|strateg|rektor|ledamot|ledamöter|ordf|direktör|"
    r"föredragande|utredare|controller|ekonom|jurist|kommunalråd|presidiet|ersättare",
    re.IGNORECASE,
)
_NOT_REPORTERS = re.compile(r"respektive|huvudm|parter|deltagare|samtliga|alla|varje|övriga|organisationer", re.IGNORECASE)
_INLINE_HEADING = re.compile(r"^([^:]{2,60}):\s+(\S.*)$")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*$")
_ATTACHMENT = re.compile(r"\b[\w.-]+\.(?:docx?|pdf|xlsx?|pptx?|odt)\b", re.IGNORECASE)
_CONTINUES = {
    "att", "och", "i", "på", "med", "för", "som", "en", "ett", "den", "det", "de", "till", "av",
    "om", "eller", "samt", "från", "mot", "under", "över", "vid", "hos", "när", "men", "utan",
    "inom", "efter", "mellan", "genom", "sin", "sitt", "sina", "hur", "vad", "är", "var", "har",
    "kan", "ska", "skall", "kommer", "dess", "deras", "vår", "våra", "mer", "än", "så", "då",
}


@dataclass
class Line:
    text: str
    block: int


@dataclass
class Chunk:
    """A paragraph candidate with the place in the document it belongs to."""

    section: str | None
    section_title: str | None
    heading_index: int
    principal: str | None
    unit: str | None
    block: int
    lines: list[str] = field(default_factory=list)
    prefix: str | None = None

    @property
    def text(self) -> str:
        return join_lines(self.lines)


@dataclass
class Segmented:
    header: list[HeaderLine]
    chunks: list[Chunk]
    signature: list[str]
    has_sections: bool


def _flatten(blocks: list[Block]) -> list[Line]:
    return [Line(text, index) for index, block in enumerate(blocks) for text in block]


def _numbered_headings(lines: list[Line]) -> set[int]:
    """Indexes of "1. Title" lines that form the sequence 1, 2, 3, … at the start of blocks."""
    chosen: set[int] = set()
    expected = 1
    for index, line in enumerate(lines):
        match = NUMBERED.match(line.text)
        if match and _starts_block(lines, index) and int(match["number"]) == expected and not _SENTENCE_END.search(match["title"]):
            chosen.add(index)
            expected += 1
    return chosen if len(chosen) >= 2 else set()


def _rising(lines: list[Line], pattern: re.Pattern, same_prefix: bool) -> set[int]:
    """Indexes of block-starting lines matching `pattern` whose numbers rise (and share one prefix)."""
    candidates: dict[str | None, list[int]] = {}
    for index, line in enumerate(lines):
        match = pattern.match(line.text)
        if not match or not _starts_block(lines, index):
            continue
        prefix = match.groupdict().get("prefix") if same_prefix else None
        if prefix in _NOT_PREFIXES:
            continue
        candidates.setdefault(prefix, []).append(index)
    best: set[int] = set()
    for indexes in candidates.values():
        chosen: list[int] = []
        last = -1
        for index in indexes:
            number = int(re.match(r"\d+", pattern.match(lines[index].text)["number"])[0])
            if number > last:
                chosen.append(index)
                last = number
        if len(chosen) >= 2 and len(chosen) > len(best):
            best = set(chosen)
    return best


def find_headings(lines: list[Line]) -> tuple[set[int], re.Pattern | None]:
    """The item headings of the document, by the first layout that has them."""
    section_at = {i for i, line in enumerate(lines) if SECTION.match(line.text)}
    if section_at:
        return section_at, SECTION
    for pattern, same_prefix in ((PREFIXED, True), (ITEM_WORD, False)):
        found = _rising(lines, pattern, same_prefix)
        if found:
            return found, pattern
    found = _numbered_headings(lines)
    return found, (NUMBERED if found else None)


def _is_title_line(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 7
        and len(text) <= 70
        and text[0].isupper()
        and not re.search(r"[.,;:!?]$", text)
    )


def segment(blocks: list[Block], registry: Registry, double_spaced: bool, body_from_start: bool = False) -> Segmented:
    lines = _flatten(blocks)
    headings, pattern = find_headings(lines)
    has_sections = bool(headings)

    if body_from_start:
        body_start = 0
    elif has_sections:
        body_start = min(headings)
    else:
        # A statement: its title block is the header; its short headings are its sections.
        body_start = 0
        first = blocks[0] if blocks and len(blocks) > 1 else []
        # A title block: a few short lines, not a sentence. Longer text is body, never header.
        if first and len(first) <= 3 and not _SENTENCE_END.search(first[-1]) and all(len(t.split()) <= 15 for t in first):
            body_start = len(first)
        body_start = max(body_start, _field_blocks_end(blocks))
    header = [HeaderLine(line.text, line.block) for line in lines[:body_start]]

    end = len(lines)
    for index in range(body_start, len(lines)):
        if SIGNATURE.match(lines[index].text.strip()):
            end = index
            break
    else:
        if not has_sections and blocks:
            last = lines[-1].block
            tail = [line for line in lines[body_start:] if line.block == last]
            if 0 < len(tail) <= 2 and all(_is_title_line(line.text) and len(line.text.split()) <= 5 for line in tail):
                end = len(lines) - len(tail)
    signature = [line.text for line in lines[end:]]

    chunks = _walk(lines[body_start:end], registry, headings, body_start, has_sections, pattern)
    chunks = _split_wrapped(chunks) if not double_spaced else chunks
    chunks = _join_interrupted(chunks)
    chunks = _drop_attachment_labels(chunks)
    for chunk in chunks:
        if chunk.principal and chunk.unit is None:
            chunk.unit = registry.find_unit(chunk.principal, chunk.text)
    return Segmented(header=header, chunks=[c for c in chunks if c.text.strip()], signature=signature, has_sections=has_sections)


def _field_blocks_end(blocks: list[Block]) -> int:
    """Lines taken by leading blocks of header fields ("Plats och tid", "Beslutande", …)."""
    from bigsearch.ingest.header import match_label

    end_block = -1
    for index, block in enumerate(blocks[:40]):
        if any(match_label(line) for line in block):
            end_block = index
        elif index > end_block + 1:
            break
    if end_block < 0:
        return 0
    return sum(len(block) for block in blocks[: end_block + 1])


def _walk(
    lines: list[Line], registry: Registry, headings: set[int], offset: int, has_sections: bool,
    pattern: re.Pattern | None = None,
) -> list[Chunk]:
    chunks: list[Chunk] = []
    section: str | None = None
    prefix: str | None = None
    title: str | None = None
    heading_index = 0
    principal: str | None = None
    unit: str | None = None
    in_reports = False
    title_block: int | None = None
    current: Chunk | None = None

    def start(block: int) -> Chunk:
        chunk = Chunk(section, title, heading_index, principal, unit, block, prefix=prefix)
        chunks.append(chunk)
        return chunk

    for position, line in enumerate(lines):
        text = line.text.strip()
        index = position + offset
        if index in headings:
            match = pattern.match(text) if pattern else None
            match = match or SECTION.match(text) or NUMBERED.match(text)
            groups = match.groupdict()
            section, title = groups["number"], (groups.get("title") or "").strip() or None
            prefix = groups.get("prefix")
            heading_index += 1
            principal, unit, in_reports = _reporter_of_title(title, registry)
            title_block = line.block
            current = None
            continue
        if title_block is not None:
            # A § title wrapped onto the next line continues in lower case ("… den nya" / "socialtjänstlagen").
            if title is None and (line.block == title_block or (_is_title_line(text) and len(text.split()) <= 12)):
                title = text
                principal, unit, in_reports = _reporter_of_title(title, registry)
                continue
            if line.block == title_block and text[:1].islower() and not (title or "").endswith("."):
                title = f"{title} {text}"
                principal, unit, in_reports = _reporter_of_title(title, registry)
                continue
            title_block = None
        reporter = _reporter_heading(text, registry) if len(text) <= 120 else None
        if reporter is not None:
            principal, unit = reporter.principal, reporter.unit
            current = None
            if not _SENTENCE_END.search(text) and len(text.split()) <= 8:
                continue  # a heading; a sentence ("Polisen informerar om …") is also body text
        if in_reports:
            match = registry.resolve(text) if len(text) <= 70 else None
            if match is None and "(" in text and len(text) <= 70:  # "Polisen (Eva Holm):"
                match = registry.resolve(re.sub(r"\s*\([^)]*\)", "", text))
            inline = None
            if match is None:
                found = _INLINE_HEADING.match(text)
                if found and registry.resolve(found[1]):
                    match, inline = registry.resolve(found[1]), found[2]
                elif found and _looks_like_org_heading(found[1]) and not _is_unit_of(principal, found[1], registry):
                    match, inline = Match(found[1].strip()), found[2]
                elif _standalone_heading(lines, position, text) and not _is_unit_of(principal, text, registry):
                    match = Match(text.rstrip(":").strip())
            if match is not None:
                principal, unit = match.principal, match.unit
                current = None
                if inline:
                    current = start(line.block)
                    current.lines.append(inline)
                continue
        if not has_sections and _starts_block(lines, position) and _is_title_line(text) and _has_body_after(lines, position):
            title, section = text, None
            heading_index += 1
            current = None
            continue
        if current is None or current.block != line.block:
            current = start(line.block)
        current.lines.append(text)
    return chunks


def _reporter_of_title(title: str | None, registry: Registry) -> tuple[str | None, str | None, bool]:
    """(principal, unit, is_reports_section) of an item title: "Information från polisen" names
    one reporter; "Aktuellt från respektive huvudman" opens a section of several."""
    if not title:
        return None, None, False
    reporter = _reporter_heading(title, registry)
    if reporter is not None:
        return reporter.principal, reporter.unit, False
    return None, None, bool(AKTUELLT.search(title))


def _reporter_heading(text: str, registry: Registry) -> Match | None:
    """The principal a phrase like "Information från polisen" or "Polisen informerar" names."""
    match = _REPORT_FROM.match(text) or _INFORMS.match(text)
    if not match:
        return None
    # "Information från polisen om läget" -> "polisen"
    who = re.split(r"\s+(?:om|angående|gällande|kring|avseende|rörande|till|för)\s+", match["who"].strip())[0]
    if _NOT_REPORTERS.search(who):
        return None
    known = registry.resolve(who)
    if known is not None:
        return known
    if _ROLE.search(who) or looks_like_name(who):  # "Ordföranden informerar", "Anna Ek informerar": a person
        return None
    return Match(who[:1].upper() + who[1:]) if _looks_like_org_heading(who) else None


_NOT_ORG_HEADINGS = re.compile(
    r"^(beslut|förslag|bakgrund|ärendebeskrivning|ärendet|information|övrigt|övriga frågor|notering|noteras|"
    r"frågor|diskussion|yrkande|yrkanden|sammanfattning|uppföljning|nästa möte|mötet|obs|ps|not|exempel|"
    r"syfte|mål|tid|plats|datum|kl|ansvarig|ansvar|status|resultat|åtgärd|åtgärder|bilaga|bilagor|"
    r"handlingar|beslutsunderlag|propositionsordning|reservation|protokollsanteckning|dnr)\b",
    re.IGNORECASE,
)
_HEADING_WORD = re.compile(r"^(?:[A-ZÅÄÖ][\w&.-]*|och|&|i|för|av|på|AB|[a-zåäö]{1,3}-?)$")


def _looks_like_org_heading(text: str) -> bool:
    """A short, capitalised name with no sentence in it: "Gavlegårdarna", "AB Bostäder", "Räddningstjänsten"."""
    text = text.strip().rstrip(":").strip()
    words = text.split()
    return (
        0 < len(words) <= 5
        and text[:1].isupper()
        and not re.search(r"[,;.!?()\d]", text)
        and not _NOT_ORG_HEADINGS.match(text)
    )


_UNIT_WORD = re.compile(r"(enheten|gruppen|avdelningen|sektionen|teamet|verksamheten|förvaltningen|kontoret)$", re.IGNORECASE)


def _is_unit_of(principal: str | None, heading: str, registry: Registry) -> bool:
    """A lead-in naming a unit of the principal reporting ("Förebyggande enheten:" under Välfärd)."""
    if principal is None:
        return False
    head = heading.strip().rstrip(":").strip()
    return bool(registry.find_unit(principal, head + ":")) or bool(_UNIT_WORD.search(head))


def _standalone_heading(lines: list[Line], position: int, text: str) -> bool:
    """An unknown principal written as a heading on its own line above its report."""
    words = text.rstrip(":").split()
    if not (_looks_like_org_heading(text) and len(words) <= 4 and all(_HEADING_WORD.match(w) for w in words)):
        return False
    alone = _starts_block(lines, position) and (
        position + 1 >= len(lines) or lines[position + 1].block != lines[position].block
    )
    following = lines[position + 1].text.strip() if position + 1 < len(lines) else ""
    previous = lines[position - 1].text.strip() if position > 0 else ""
    # Inside a block: a name on a line of its own between one sentence's end and the next's start.
    between = (not previous or _SENTENCE_END.search(previous) or previous.endswith(":")) and following[:1].isupper()
    return (alone or text.endswith(":") or (between and len(words) <= 3)) and bool(following) and not _is_title_line(following)


def _starts_block(lines: list[Line], position: int) -> bool:
    return position == 0 or lines[position - 1].block != lines[position].block


def _has_body_after(lines: list[Line], position: int) -> bool:
    following = lines[position + 1 : position + 2]
    return bool(following) and not _is_title_line(following[0].text.strip())


def _same_place(a: Chunk, b: Chunk) -> bool:
    return (a.section, a.heading_index, a.principal, a.unit) == (b.section, b.heading_index, b.principal, b.unit)


def _split_wrapped(chunks: list[Chunk]) -> list[Chunk]:
    """Split a block of wrapped lines where a short line ends a sentence (no blank line between paragraphs)."""
    result: list[Chunk] = []
    for chunk in chunks:
        width = max((len(line) for line in chunk.lines), default=0)
        if len(chunk.lines) < 2 or width < 50:
            result.append(chunk)
            continue
        piece = _copy(chunk)
        for index, line in enumerate(chunk.lines):
            piece.lines.append(line)
            nxt = chunk.lines[index + 1] if index + 1 < len(chunk.lines) else None
            if (
                nxt is not None
                and _SENTENCE_END.search(line.rstrip())
                and len(line.rstrip()) < 0.75 * width
                and (nxt[:1].isupper() or nxt[:1].isdigit())
            ):
                result.append(piece)
                piece = _copy(chunk)
        result.append(piece)
    return result


def _copy(chunk: Chunk) -> Chunk:
    return Chunk(chunk.section, chunk.section_title, chunk.heading_index, chunk.principal, chunk.unit, chunk.block,
                 prefix=chunk.prefix)


def should_join(previous: str, following: str) -> bool:
    """Whether `following` continues the sentence `previous` broke off (a letterhead or page break between)."""
    previous, following = previous.rstrip(), following.lstrip()
    if not previous or not following:
        return False
    if previous.endswith((",", "-")):
        return True
    last_word = re.sub(r"\W+$", "", previous.split()[-1]).lower()
    if previous[-1].isalpha() and last_word in _CONTINUES:
        return True
    return not _SENTENCE_END.search(previous) and not previous.endswith((":", ";")) and following[0].islower()


def _join_interrupted(chunks: list[Chunk]) -> list[Chunk]:
    result: list[Chunk] = []
    for chunk in chunks:
        if result and _same_place(result[-1], chunk) and should_join(result[-1].text, chunk.text):
            result[-1].lines.extend(chunk.lines)
        else:
            result.append(chunk)
    return result


def _drop_attachment_labels(chunks: list[Chunk]) -> list[Chunk]:
    """Labels of embedded attachments ("Aktuellt sept-19.docx" after "Se bifogat dokument.")."""
    result: list[Chunk] = []
    for chunk in chunks:
        text = chunk.text
        words = len(text.split())
        after_reference = bool(result) and _same_place(result[-1], chunk) and re.search(
            r"bifoga|bilaga", result[-1].text, re.IGNORECASE
        )
        if words <= 8 and (_ATTACHMENT.search(text) or (after_reference and not _SENTENCE_END.search(text))):
            continue
        result.append(chunk)
    return result

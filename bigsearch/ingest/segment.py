"""Segmenting: lines -> header, items (their headings found by items.py), paragraphs.

Under "Aktuellt från respektive huvudman" each principal heading starts a block whose
paragraphs belong to that principal. A document without numbered items is cut at its short
headings instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bigsearch.domain.principals import Match, Registry
from bigsearch.ingest.clean import Line, join_lines
from bigsearch.ingest.items import Heading, is_reference
from bigsearch.ingest.labels import match_label
from bigsearch.ingest.names import looks_like_name

_SIGNATURE_WORD = (r"(?:vid protokollet|justeras|justerare|justerande|justerandes? signatur|sekreterare|ordförande|"
                   r"protokollförare|underskrifter|underskrift)")
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
_NUMBER_ALONE = re.compile(r"^[\s(.…]*\d{1,4}[\s).]*$")
_LEADERS = re.compile(r"(?:\.{4,}|…{2,})")
_NUMBER_START = set("(.…0123456789")
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
    # "item": text of a numbered item; "agenda": an agenda entry (its title); "body": running text
    # outside items; "caption": an attachment's caption.
    part: str = "item"
    index: int = 0  # the line it starts on

    _joined: tuple[tuple[str, ...], str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The lines as one paragraph (kept until the lines change: it is asked for many times)."""
        key = tuple(self.lines)
        if self._joined is None or self._joined[0] != key:
            self._joined = (key, join_lines(self.lines))
        return self._joined[1]


@dataclass
class Segmented:
    header: list[Line]
    chunks: list[Chunk]
    signature: list[Line]
    has_sections: bool


def _is_title_line(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 7
        and len(text) <= 70
        and text[0].isupper()
        and not re.search(r"[.,;:!?]$", text)
    )


def segment(lines: list[Line], headings: dict[int, Heading], registry: Registry, double_spaced: bool,
            body_from_start: bool = False) -> Segmented:
    """The lines (non-empty, with their blocks) cut into header, paragraphs of the items and
    signature; `headings` are the item headings by line index (see items.place)."""
    has_sections = bool(headings)
    heading_at = [position for position, line in enumerate(lines) if line.index in headings]
    if body_from_start:
        body_start = 0
    elif heading_at:
        body_start = heading_at[0]
    else:
        # A statement: its title block is the header; its short headings are its sections.
        body_start = 0
        first = [line.text for line in lines if line.block == lines[0].block] if lines else []
        # A title block: a few short lines, not a sentence. Longer text is body, never header.
        if (first and len(first) < len(lines) and len(first) <= 3 and not _SENTENCE_END.search(first[-1])
                and all(len(t.split()) <= 15 for t in first)):
            body_start = len(first)
        body_start = max(body_start, _field_blocks_end(lines))
    header = lines[:body_start]

    end = len(lines)
    last_heading = heading_at[-1] if heading_at else body_start
    for position in range(max(body_start, last_heading + 1), len(lines)):
        if SIGNATURE.match(lines[position].text.strip()):
            end = position
            break
    else:
        if not has_sections and lines:
            last = lines[-1].block
            tail = [line for line in lines[body_start:] if line.block == last]
            if 0 < len(tail) <= 2 and all(_is_title_line(line.text) and len(line.text.split()) <= 5 for line in tail):
                end = len(lines) - len(tail)
    signature = lines[end:]

    chunks = _walk(lines[body_start:end], registry, headings, has_sections)
    chunks = _split_wrapped(chunks) if not double_spaced else chunks
    chunks = _join_interrupted(chunks)
    chunks = _mark_attachment_captions(chunks)
    for chunk in chunks:
        if chunk.principal and chunk.unit is None and chunk.part != "caption":
            chunk.unit = registry.find_unit(chunk.principal, chunk.text)
    # A number alone (a table of contents' page number cut off by a wrapped line) is furniture.
    kept = [c for c in chunks if c.text.strip() and not _NUMBER_ALONE.match(c.text)]
    return Segmented(header=header, chunks=kept, signature=signature, has_sections=has_sections)


def _field_blocks_end(lines: list[Line]) -> int:
    """Lines taken by leading blocks of header fields ("Plats och tid", "Beslutande", …)."""
    blocks: list[list[Line]] = []
    for line in lines:
        if not blocks or blocks[-1][-1].block != line.block:
            blocks.append([])
        blocks[-1].append(line)
    end_block = -1
    for index, block in enumerate(blocks[:40]):
        if any(match_label(line.text) for line in block):
            end_block = index
        elif index > end_block + 1:
            break
    if end_block < 0:
        return 0
    return sum(len(block) for block in blocks[: end_block + 1])


def _walk(lines: list[Line], registry: Registry, headings: dict[int, Heading], has_sections: bool) -> list[Chunk]:
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
    part = "body"
    title_chunk: Chunk | None = None  # an item's title as text, until text under it shows up
    held: list[Line] = []  # a "Dnr" line between a heading and its title

    def start(line: Line) -> Chunk:
        chunk = Chunk(section, title, heading_index, principal, unit, line.block, prefix=prefix, part=part,
                      index=line.index)
        chunks.append(chunk)
        return chunk

    def close_heading() -> None:
        nonlocal title_chunk
        # An item with a title and nothing under it (an agenda, a kallelse, a table of contents)
        # is still an item: its title is its text.
        if title_chunk is not None and title:
            title_chunk.lines = [title]
            title_chunk.section_title = title
            chunks.append(title_chunk)
        title_chunk = None

    for position, line in enumerate(lines):
        text = line.text.strip()
        heading = headings.get(line.index)
        if heading is None and text[:1] in _NUMBER_START and _NUMBER_ALONE.match(_LEADERS.sub(" ", text)):
            continue  # a contents list's dot leader and page number on a line of their own
        if heading is not None:
            close_heading()
            for ref in held:
                current = start(ref)
                current.lines.append(ref.text.strip())
            section, title, prefix = heading.number, heading.title or None, heading.prefix
            part = "agenda" if heading.kind == "agenda" else "item"
            heading_index += 1
            principal, unit, in_reports = _reporter_of_title(title, registry)
            title_block = line.block
            current = None
            held = []
            title_chunk = Chunk(section, title, heading_index, principal, unit, line.block, prefix=prefix,
                                part=part, index=line.index)
            continue
        if title_block is not None:
            if title is None and is_reference(text):
                held.append(line)  # "Dnr KS 2018/14" under "KS § 33": not the title
                continue
            # A § title wrapped onto the next line continues in lower case ("… den nya" / "socialtjänstlagen").
            if title is None and (line.block == title_block or (_is_title_line(text) and len(text.split()) <= 12)):
                title = text
                principal, unit, in_reports = _reporter_of_title(title, registry)
                if title_chunk is not None:
                    title_chunk.section_title, title_chunk.principal, title_chunk.unit = title, principal, unit
                continue
            if line.block == title_block and text[:1].islower() and title and not title.endswith("."):
                title = f"{title} {text}"
                principal, unit, in_reports = _reporter_of_title(title, registry)
                if title_chunk is not None:
                    title_chunk.section_title, title_chunk.principal, title_chunk.unit = title, principal, unit
                continue
            title_block = None
        if title_chunk is not None and part != "agenda":
            title_chunk = None  # the item has text under it
        elif title_chunk is not None:
            close_heading()
        for ref in held:
            current = start(ref)
            current.lines.append(ref.text.strip())
        held = []
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
                    current = start(line)
                    current.lines.append(inline)
                continue
        if not has_sections and _starts_block(lines, position) and _is_title_line(text) and _has_body_after(lines, position):
            title, section = text, None
            heading_index += 1
            current = None
            continue
        if current is None or current.block != line.block:
            current = start(line)
        current.lines.append(text)
    close_heading()
    for ref in held:
        current = start(ref)
        current.lines.append(ref.text.strip())
    if not has_sections:
        for chunk in chunks:
            chunk.part = "body"
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
    return (a.section, a.heading_index, a.principal, a.unit, a.part) == (b.section, b.heading_index, b.principal, b.unit, b.part)


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
                 prefix=chunk.prefix, part=chunk.part, index=chunk.index)


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


def _mark_attachment_captions(chunks: list[Chunk]) -> list[Chunk]:
    """Captions of embedded attachments ("Aktuellt sept-19.docx" after "Se bifogat dokument."): text
    a reader sees, kept as a caption (a part that ranks low), not as the item's text."""
    previous_text = ""
    for index, chunk in enumerate(chunks):
        text = chunk.text
        if len(text) < 120 and len(text.split()) <= 8:
            previous = chunks[index - 1] if index else None
            after_reference = previous is not None and _same_place(previous, chunk) and re.search(
                r"bifoga|bilaga", previous_text, re.IGNORECASE
            )
            if _ATTACHMENT.search(text) or (after_reference and not _SENTENCE_END.search(text)):
                chunk.part = "caption"
        previous_text = text
    return chunks

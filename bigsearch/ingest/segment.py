"""Segmenting: blocks -> header, sections (§ N Title / numbered items / headings), paragraphs.

Under "Aktuellt från respektive huvudman" each principal heading starts a block whose
paragraphs belong to that principal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bigsearch.ingest.clean import Block, join_lines
from bigsearch.ingest.header import HeaderLine
from bigsearch.ingest.principals import Registry

SECTION = re.compile(r"^§\s*(\d{1,3}[a-z]?)\s*[.:]?(?:\s+(.*))?$")
NUMBERED = re.compile(r"^(\d{1,2})\s*[.)]\s+([A-ZÅÄÖ].{0,110})$")
_SIGNATURE_WORD = r"(?:vid protokollet|justeras|justerare|justerandes? signatur|sekreterare|ordförande|protokollförare)"
SIGNATURE = re.compile(rf"^{_SIGNATURE_WORD}(?:\s*[,:]?\s*{_SIGNATURE_WORD})*\s*:?\s*$", re.IGNORECASE)
AKTUELLT = re.compile(r"huvudm|aktuellt från|rapporter? från|information från|runda bordet", re.IGNORECASE)
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
        starts_block = index == 0 or lines[index - 1].block != line.block
        if match and starts_block and int(match[1]) == expected and not _SENTENCE_END.search(match[2]):
            chosen.add(index)
            expected += 1
    return chosen if len(chosen) >= 2 else set()


def _is_title_line(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 7
        and len(text) <= 70
        and text[0].isupper()
        and not re.search(r"[.,;:!?]$", text)
    )


def segment(blocks: list[Block], registry: Registry, double_spaced: bool) -> Segmented:
    lines = _flatten(blocks)
    section_at = {i for i, line in enumerate(lines) if SECTION.match(line.text)}
    numbered = set() if section_at else _numbered_headings(lines)
    headings = section_at or numbered
    has_sections = bool(headings)

    if has_sections:
        body_start = min(headings)
    else:
        # A statement: its title block is the header; its short headings are its sections.
        body_start = 0
        if blocks and len(blocks[0]) <= 3 and not _SENTENCE_END.search(blocks[0][-1]):
            body_start = len(blocks[0])
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

    chunks = _walk(lines[body_start:end], registry, headings, body_start, has_sections)
    chunks = _split_wrapped(chunks) if not double_spaced else chunks
    chunks = _join_interrupted(chunks)
    chunks = _drop_attachment_labels(chunks)
    for chunk in chunks:
        if chunk.principal and chunk.unit is None:
            chunk.unit = registry.find_unit(chunk.principal, chunk.text)
    return Segmented(header=header, chunks=[c for c in chunks if c.text.strip()], signature=signature, has_sections=has_sections)


def _walk(lines: list[Line], registry: Registry, headings: set[int], offset: int, has_sections: bool) -> list[Chunk]:
    chunks: list[Chunk] = []
    section: str | None = None
    title: str | None = None
    heading_index = 0
    principal: str | None = None
    unit: str | None = None
    in_reports = False
    title_block: int | None = None
    current: Chunk | None = None

    def start(block: int) -> Chunk:
        chunk = Chunk(section, title, heading_index, principal, unit, block)
        chunks.append(chunk)
        return chunk

    for position, line in enumerate(lines):
        text = line.text.strip()
        index = position + offset
        if index in headings:
            match = SECTION.match(text) or NUMBERED.match(text)
            section, title = match[1], (match[2] or "").strip() or None
            heading_index += 1
            principal = unit = None
            in_reports = bool(title and AKTUELLT.search(title))
            title_block = line.block
            current = None
            continue
        if title_block is not None:
            # A § title wrapped onto the next line continues in lower case ("… den nya" / "socialtjänstlagen").
            if title is None and line.block == title_block:
                title = text
                in_reports = bool(AKTUELLT.search(title))
                continue
            if line.block == title_block and text[:1].islower() and not (title or "").endswith("."):
                title = f"{title} {text}"
                in_reports = bool(AKTUELLT.search(title))
                continue
            title_block = None
        if in_reports:
            match = registry.resolve(text) if len(text) <= 70 else None
            inline = None
            if match is None:
                found = _INLINE_HEADING.match(text)
                if found and registry.resolve(found[1]):
                    match, inline = registry.resolve(found[1]), found[2]
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
    return Chunk(chunk.section, chunk.section_title, chunk.heading_index, chunk.principal, chunk.unit, chunk.block)


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

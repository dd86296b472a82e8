"""How a text keeps its lines: as printed, or flattened (a transcript that lost its line breaks,
one line per page or one line in all — and the same text written to PDF or Word, wrapped at
the page width instead of at its logical breaks)."""

from __future__ import annotations

from bigsearch.ingest.clean import join_lines

FLAT_LINE = 250  # lines this long on average are pages, not lines
WRAPPED_SHARE = 0.8  # this share of lines filling the page width: text wrapped, not laid out
FITS = 0.9  # a line this much shorter than the width, with room for the next word, ended early


def is_flat(lines: list[str]) -> bool:
    """Whether the text lost its line breaks: very long lines, or lines that all run to the same
    width (a flattened transcript wrapped anew by a PDF or word processor)."""
    content = [line.strip() for line in lines if line.strip()]
    if not content:
        return False
    total = sum(len(line) for line in content)
    if total / len(content) >= FLAT_LINE or (len(content) == 1 and total >= 120):
        return True
    return _wrapped_throughout(content)


def _wrapped_throughout(content: list[str]) -> bool:
    if len(content) < 6:
        return False
    lengths = sorted(len(line) for line in content)
    width = lengths[int(len(lengths) * 0.9) - 1]
    if width < 60:
        return False
    full = sum(1 for n in lengths if n >= 0.8 * width)
    return full / len(content) >= WRAPPED_SHARE


def unwrap(lines: list[str]) -> list[str]:
    """Flattened text wrapped at the page width, back to its logical lines: a line joins the one
    before it unless that one ended early — when the line's first word would have fitted after it,
    the break was the writer's (a page of the transcript ended there), not the page width's."""
    content = sorted(len(line.strip()) for line in lines if line.strip())
    width = content[int(len(content) * 0.9) - 1] if len(content) >= 10 else (content[-1] if content else 0)
    out: list[str] = []
    block: list[str] = []
    for line in lines + [""]:
        stripped = line.strip()
        if stripped and block and not _ended_early(block[-1], stripped, width):
            block.append(stripped)
            continue
        if block:
            out.append(join_lines(block))
            block = []
        if stripped:
            block = [stripped]
        else:
            out.append("")
    return out[:-1]


def _ended_early(line: str, following: str, width: int) -> bool:
    """Whether `following`'s first word would have fitted on `line` (allowing for a proportional
    font's uneven widths)."""
    return len(line) + 1 + len(following.split(" ", 1)[0]) < FITS * width

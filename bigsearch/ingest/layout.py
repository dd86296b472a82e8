"""How a text keeps its lines: as printed, or flattened (a transcript that lost its line breaks,
one line per page or one line in all — and the same text written to PDF or Word, wrapped at
the page width instead of at its logical breaks)."""

from __future__ import annotations

from bigsearch.ingest.clean import join_lines

FLAT_LINE = 250  # lines this long on average are pages, not lines
WRAPPED_SHARE = 0.8  # this share of lines filling the page width: text wrapped, not laid out


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
    """Flattened text wrapped at the page width: each block (lines between blank lines) as one line."""
    out: list[str] = []
    block: list[str] = []
    for line in lines + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            out.append(join_lines(block))
            block = []
        out.append("")
    return out[:-1]

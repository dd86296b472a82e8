"""Rendering: documents and search results as JSON, plain text or rich terminal output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator

from bigsearch.ingest.model import Document


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=False)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def export_lines(doc: Document, fmt: str) -> Iterator[str]:
    for paragraph in doc.paragraphs:
        if fmt == "jsonl":
            yield json.dumps(paragraph.to_export(), ensure_ascii=False)
        else:
            where = f"§ {paragraph.section} {paragraph.section_title or ''}".strip() if paragraph.section else (
                paragraph.section_title or ""
            )
            meta = " · ".join(
                part for part in (paragraph.date or str(paragraph.year or ""), where, paragraph.principal or "") if part
            )
            yield f"[{paragraph.id}] {meta}"
            if paragraph.persons or paragraph.places:
                yield f"  persons: {', '.join(paragraph.persons) or '-'}; places: {', '.join(paragraph.places) or '-'}"
            yield f"  {paragraph.text}"
            yield ""

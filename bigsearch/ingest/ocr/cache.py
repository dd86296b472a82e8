"""Page texts kept between runs, by the file's content hash: an incremental run, a --rebuild or
a renamed file never OCRs a page twice.

One JSON-lines file per scanned file and OCR setting (<cache>/<hash[:2]>/<hash>-<setting>.jsonl),
one line per page, appended as each page is read: a run killed after 300 pages of a 500-page
scan starts the next at page 301. A torn last line (a kill mid-write) is ignored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

FORMAT = 2  # bump when what a line holds changes, or how lines are laid out and corrected (text.py)


def fingerprint(language: str, dpi: int, steps: tuple[str, ...]) -> str:
    """The OCR setting's short name: pages read another way are another cache entry."""
    text = json.dumps([FORMAT, language, dpi, list(steps)])
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OcrCache:
    def __init__(self, folder: Path, setting: str) -> None:
        self.folder = Path(folder)
        self.setting = setting

    def path(self, digest: str) -> Path:
        return self.folder / digest[:2] / f"{digest}-{self.setting}.jsonl"

    def load(self, digest: str) -> dict[int, tuple[list[str], int]]:
        """Page index -> (lines, confidence) of the pages read before."""
        pages: dict[int, tuple[list[str], int]] = {}
        try:
            content = self.path(digest).read_text("utf-8")
        except FileNotFoundError:
            return pages
        for row in content.splitlines():
            try:
                entry = json.loads(row)
                pages[int(entry["page"])] = ([str(line) for line in entry["lines"]], int(entry["confidence"]))
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a killed run: that page is read again
        return pages

    def add(self, digest: str, index: int, lines: list[str], confidence: int) -> None:
        path = self.path(digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        row = json.dumps({"page": index, "lines": lines, "confidence": confidence}, ensure_ascii=False)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")

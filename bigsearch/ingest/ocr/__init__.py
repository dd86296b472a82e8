"""OCR of scanned pages: PDF pages without a usable text layer, and image files.

Data flow, one page at a time (a 500-page scan never holds two pages in memory):
  layer.py    which PDF pages need OCR (no text layer, or a garbage one)
  cache.py    pages already read, by the file's content hash, beside the index
  pool.py     helper processes (one per core) that render, clean and read the other pages;
              they die with the run, ignore Ctrl-C (the run handles it) and are killed on a
              per-page deadline
  worker.py   the helper: render.py (pypdfium2, 300 dpi) -> clean.py -> engine.py (tesserocr)
  pages.py    the readers' entry point: page numbers in, page texts with confidences out
available.py says whether OCR can run here and which language data it uses (`bigsearch doctor`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bigsearch.ingest import limits

MODES = ("auto", "never", "force")  # auto: pages without a usable text layer; force: every page
LOW_CONFIDENCE = 70  # a page whose mean word confidence is below this gets a warning


@dataclass(frozen=True)
class OcrOptions:
    """How a run reads scanned pages. Plain data: it travels to ingest worker processes."""

    mode: str = "auto"
    # Where page texts are kept between runs (<index>/ocr-cache); None: no cache.
    cache_dir: Path | None = None
    max_pages: int = limits.MAX_OCR_PAGES
    page_seconds: float = limits.OCR_PAGE_SECONDS

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            from bigsearch.errors import ConfigError

            raise ConfigError(f"--ocr {self.mode!r}: use one of {', '.join(MODES)}")


CACHE_FOLDER = "ocr-cache"


def options_for_index(index_dir: Path | None, mode: str = "auto") -> OcrOptions:
    """The options of a run that writes the index at `index_dir`: its cache lives beside it."""
    return OcrOptions(mode=mode, cache_dir=Path(index_dir) / CACHE_FOLDER if index_dir else None)

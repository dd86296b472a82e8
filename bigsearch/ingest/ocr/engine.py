"""Tesseract through tesserocr (a wheel with libtesseract inside): one page image in, its lines
and mean word confidence out. Runs in an OCR helper process (worker.py), never in the run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bigsearch.ingest.ocr.text import Line, page_lines


class PageTimeout(Exception):
    pass


@dataclass
class PageText:
    lines: list[str]  # with '' at paragraph breaks (see text.page_lines)
    confidence: int  # mean word confidence, 0-100
    words: int


def engine_version() -> str:
    import tesserocr

    return tesserocr.tesseract_version().split()[1]


def open_engine(tessdata: Path, language: str):
    import tesserocr

    return tesserocr.PyTessBaseAPI(path=f"{tessdata}/", lang=language, psm=tesserocr.PSM.AUTO)


def recognise(api, image, dpi: int, seconds: float) -> PageText:
    """The page's text; PageTimeout when Tesseract needs more than `seconds`."""
    from tesserocr import RIL, iterate_level

    api.SetImage(image)
    api.SetSourceResolution(dpi)
    if not api.Recognize(timeout=max(1, int(seconds * 1000))):
        raise PageTimeout(f"OCR took longer than {seconds:g} s")
    lines: list[Line] = []
    iterator = api.GetIterator()
    if iterator is not None:
        for line in iterate_level(iterator, RIL.TEXTLINE):
            box = line.BoundingBox(RIL.TEXTLINE)
            try:
                text = line.GetUTF8Text(RIL.TEXTLINE)
            except RuntimeError:  # tesserocr's "No text returned": a line of no characters
                continue
            if box is not None and text and text.strip():
                lines.append(Line(*box, " ".join(text.split())))
    if not lines:  # a blank page (tesserocr raises on asking a blank page for confidences)
        return PageText([], 0, 0)
    confidences = [value for value in api.AllWordConfidences() if value >= 0]
    confidence = round(sum(confidences) / len(confidences)) if confidences else 0
    return PageText(page_lines(lines), confidence, len(confidences))

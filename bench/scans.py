"""Synthetic scans of the project's own protocols, and how close OCR comes to their text.

Used by the OCR tests and bench/ocr_bench.py: a protocol's text is laid out on A4 pages at
300 dpi with a TrueType font that has å ä ö (DejaVu), then degraded as a scanner and an old
photocopy do (speckle noise, a slight rotation, low contrast) and put into PDFs with fpdf2.
Each page keeps the text it shows, so OCR output can be scored against it.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONTS = (DEJAVU / "DejaVuSerif.ttf", DEJAVU / "DejaVuSans.ttf")
DPI = 300
A4_MM = (210, 297)
MARGIN_MM = 22
FONT_POINTS = 11


def font_path() -> Path | None:
    """The first DejaVu font installed (Debian: fonts-dejavu-core), or None."""
    return next((path for path in FONTS if path.exists()), None)


@dataclass
class ScanPage:
    text: str  # the text the page shows, line by line, blank lines between paragraphs
    image: object  # a PIL image, grayscale, 300 dpi


def _pixels(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _wrap(line: str, font, width: int) -> list[str]:
    words = line.split()
    if not words:
        return [""]
    lines, current = [], words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if font.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def layout(text: str, font_file: Path | None = None, points: int = FONT_POINTS) -> list[list[str]]:
    """The text's lines as they fall on A4 pages: each paragraph wrapped to the text width,
    one blank line between paragraphs, runs of blank lines folded."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(font_file or font_path()), round(points / 72 * DPI))
    width = _pixels(A4_MM[0] - 2 * MARGIN_MM)
    line_height = round(points / 72 * DPI * 1.45)
    per_page = (_pixels(A4_MM[1] - 2 * MARGIN_MM)) // line_height
    lines: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            if lines and lines[-1]:
                lines.append("")
            continue
        lines.extend(_wrap(" ".join(raw.split()), font, width))
    while lines and not lines[-1]:
        lines.pop()
    pages: list[list[str]] = []
    for start in range(0, len(lines), per_page):
        page = lines[start:start + per_page]
        while page and not page[0]:
            page.pop(0)
        if page:
            pages.append(page)
    return pages


def render_page(lines: list[str], font_file: Path | None = None, points: int = FONT_POINTS) -> ScanPage:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_file or font_path()), round(points / 72 * DPI))
    image = Image.new("L", (_pixels(A4_MM[0]), _pixels(A4_MM[1])), 255)
    draw = ImageDraw.Draw(image)
    line_height = round(points / 72 * DPI * 1.45)
    y = _pixels(MARGIN_MM)
    for line in lines:
        if line:
            draw.text((_pixels(MARGIN_MM), y), line, font=font, fill=0)
        y += line_height
    return ScanPage("\n".join(lines), image)


def scan_pages(text: str, font_file: Path | None = None) -> list[ScanPage]:
    return [render_page(lines, font_file) for lines in layout(text, font_file)]


def degrade(image, seed: int, speckle: float = 0.0, rotation: float = 0.0, contrast: float = 1.0,
            blur: float = 0.0):
    """A scanner's and a photocopier's damage: `speckle` (share of pixels flipped to salt or
    pepper), `rotation` in degrees, `contrast` (1 = black on white; 0.3 = grey on light grey),
    gaussian `blur` radius in pixels."""
    import numpy as np
    from PIL import Image, ImageFilter

    out = image
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if rotation:
        out = out.rotate(rotation, resample=Image.BICUBIC, expand=False, fillcolor=255)
    pixels = np.asarray(out, dtype=np.float32)
    if contrast != 1.0:
        # Ink becomes grey and paper darker around a mid-grey paper tone.
        pixels = 255 - (255 - pixels) * contrast - (1 - contrast) * 40
    rng = np.random.default_rng(seed)
    if speckle:
        flips = rng.random(pixels.shape)
        pixels = np.where(flips < speckle / 2, 0, pixels)
        pixels = np.where(flips > 1 - speckle / 2, 255, pixels)
    pixels = pixels + rng.normal(0, 6, pixels.shape)  # sensor noise on every scan
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def image_bytes(image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def pdf_of(pages: list, font_file: Path | None = None) -> bytes:
    """A PDF of A4 pages; each item is a PIL image (an image-only page) or a str (a text page
    written with the TrueType font, so it has a text layer)."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(font_file or font_path()))
    for page in pages:
        pdf.add_page()
        if isinstance(page, str):
            pdf.set_font("DejaVu", size=FONT_POINTS)
            pdf.set_xy(MARGIN_MM, MARGIN_MM)
            pdf.multi_cell(A4_MM[0] - 2 * MARGIN_MM, FONT_POINTS * 0.3528 * 1.45, page)
        else:
            # JPEG keeps a 300 dpi page small, as a scanner's PDF does.
            pdf.image(io.BytesIO(image_bytes(page.convert("L"), "JPEG", quality=85)), x=0, y=0,
                      w=A4_MM[0], h=A4_MM[1])
    return bytes(pdf.output())


# -- scoring ----------------------------------------------------------------------------------


def folded(text: str) -> str:
    """Whitespace folded: OCR is scored on characters, not on line breaks and spaces counted twice."""
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time (a page of 3,000 characters in milliseconds)."""
    import numpy as np

    if not a or not b:
        return max(len(a), len(b))
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for index, char in enumerate(a, start=1):
        substituted = row[:-1] + (codes_b != ord(char))
        deleted = row[1:] + 1
        best = np.empty_like(row)
        best[0] = index
        best[1:] = np.minimum(substituted, deleted)
        # Insertions: best[j] = min(best[j], best[j-1] + 1) along the row, as a running minimum.
        row = np.minimum.accumulate(best - steps) + steps
    return int(row[-1])


def char_accuracy(expected: str, got: str) -> float:
    """1 - character error rate, against the known text, whitespace folded."""
    expected, got = folded(expected), folded(got)
    if not expected:
        return 1.0 if not got else 0.0
    return max(0.0, 1 - edit_distance(expected, got) / len(expected))


def paragraphs(text: str) -> list[str]:
    return [folded(block) for block in text.split("\n\n") if block.strip()]


def rng_for(name: str) -> random.Random:
    return random.Random(name)

"""Pages as grayscale images, one at a time: PDF pages rendered with PDFium at 300 dpi, image
files' frames (a multi-page TIFF has several) decoded with Pillow. Pixels per page are bounded
(limits.MAX_OCR_PIXELS) whatever size the file claims."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from bigsearch.ingest import limits

DPI = 300
POINTS_PER_INCH = 72
# An image file that does not say its resolution is taken as a 300 dpi scan.
DEFAULT_IMAGE_DPI = 300
# More pixels than this in an image file's frame are refused before decoding it.
MAX_DECODED_PIXELS = 4 * limits.MAX_OCR_PIXELS


class PageTooLarge(ValueError):
    pass


@dataclass
class Page:
    image: object  # a PIL image, mode "L"
    dpi: int


def render_scale(width_points: float, height_points: float, dpi: int = DPI,
                 max_pixels: int = limits.MAX_OCR_PIXELS) -> float:
    """PDFium's scale for a page: `dpi`, lowered so that the page stays within `max_pixels`."""
    scale = dpi / POINTS_PER_INCH
    pixels = width_points * height_points * scale * scale
    if pixels > max_pixels:
        scale *= math.sqrt(max_pixels / pixels)
    return scale


class PdfPages:
    """A PDF opened once; pages rendered on request."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium

        self.document = pdfium.PdfDocument(data)

    def __len__(self) -> int:
        return len(self.document)

    def page(self, index: int) -> Page:
        page = self.document[index]
        try:
            width, height = page.get_size()
            scale = render_scale(width, height)
            bitmap = page.render(scale=scale, grayscale=True)
            try:
                image = bitmap.to_pil().convert("L")
            finally:
                bitmap.close()
        finally:
            page.close()
        return Page(image, round(scale * POINTS_PER_INCH))

    def close(self) -> None:
        self.document.close()


class ImagePages:
    """An image file's frames (PNG and JPEG have one, TIFF may have many)."""

    def __init__(self, data: bytes) -> None:
        from PIL import Image

        self.image = Image.open(io.BytesIO(data))

    def __len__(self) -> int:
        return getattr(self.image, "n_frames", 1)

    def page(self, index: int) -> Page:
        from PIL import Image

        self.image.seek(index)
        width, height = self.image.size
        if width * height > MAX_DECODED_PIXELS:
            raise PageTooLarge(f"{width}×{height} pixels — larger than a scanned page")
        dpi = _image_dpi(self.image)
        frame = self.image.convert("L")
        if width * height > limits.MAX_OCR_PIXELS:
            factor = math.sqrt(limits.MAX_OCR_PIXELS / (width * height))
            frame = frame.resize((max(1, int(width * factor)), max(1, int(height * factor))), Image.LANCZOS)
            dpi = max(1, round(dpi * factor))
        return Page(frame, dpi)

    def close(self) -> None:
        self.image.close()


def _image_dpi(image) -> int:
    value = image.info.get("dpi")
    try:
        dpi = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return DEFAULT_IMAGE_DPI
    # Many files say 72 or 96 (a screen) whatever they hold; a scan is 150 dpi or more.
    return dpi if 150 <= dpi <= 1200 else DEFAULT_IMAGE_DPI


def open_pages(kind: str, data: bytes):
    """PdfPages for "pdf", ImagePages for an image kind ("png", "jpeg", "tiff")."""
    return PdfPages(data) if kind == "pdf" else ImagePages(data)

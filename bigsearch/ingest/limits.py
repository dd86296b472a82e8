"""Limits on what one input file may cost. Checked before the work they bound, never after.

The README section "Limits" lists these; change both together.
"""

from __future__ import annotations

# A file larger than this is skipped after a stat(), without reading any of it.
MAX_FILE_BYTES = 50 * 1024 * 1024
# The uncompressed size of all members of a zip-based document (DOCX, ODT), from the zip
# directory, before anything is decompressed; members are then read with a bounded read.
MAX_DECOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
# Pages read from one PDF; the rest is left out with a warning.
MAX_PDF_PAGES = 1_000
# A line this long is not a protocol (minified data, a dump).
MAX_LINE_CHARS = 100_000
# Scanned pages read by OCR from one file (a PDF's image pages, a TIFF's frames); the rest is left
# out with a warning. Each page gets at most this many seconds of OCR; a slower one is left out
# with a warning naming it.
MAX_OCR_PAGES = 500
OCR_PAGE_SECONDS = 120.0
# A page is rendered at 300 dpi, or less when that would exceed this many pixels (a poster-sized
# page): memory per page stays bounded whatever the PDF claims.
MAX_OCR_PIXELS = 40_000_000

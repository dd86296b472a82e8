"""Readers: bytes on disk -> RawText. Formats are recognised by content, not only by extension.

Sizes are checked before reading: a file is stat()ed first and read with a bounded read;
zip-based documents are checked against their directory before anything is decompressed
(see `limits`).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from bigsearch.errors import ReadError
from bigsearch.ingest import limits
from bigsearch.ingest.model import RawText
from bigsearch.ingest.ocr import OcrOptions
from bigsearch.ingest.zipsafe import member_names

SUPPORTED_SUFFIXES = (
    ".txt", ".text", ".docx", ".docm", ".dotx", ".doc", ".dot", ".odt", ".ott", ".rtf", ".html", ".htm", ".pdf",
    ".png", ".jpg", ".jpeg", ".tif", ".tiff",  # scans: read by OCR (bigsearch[ocr])
)
IMAGE_KINDS = ("png", "jpeg", "tiff")
# Named by extension for the "named .x but is not …" checks.
_EXPECTED = {
    ".pdf": ("pdf",), ".docx": ("docx",), ".docm": ("docx",), ".dotx": ("docx",),
    ".odt": ("odt",), ".ott": ("odt",),
    **{suffix: IMAGE_KINDS for suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff")},
}
_KIND_NAMES = {"pdf": "a PDF", "docx": "a Word document", "odt": "an OpenDocument text", "doc": "a Word document",
               "png": "an image"}

Reader = Callable[[str, bytes], RawText]
_READ_CHUNK = 1024 * 1024


_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"))


def sniff_format(data: bytes) -> str:
    """'pdf', 'docx', 'odt', 'doc', 'zip', 'rtf', 'html', 'png', 'jpeg', 'tiff' or 'txt' from the content."""
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        return "pdf"
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        names = member_names(data)
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "odt"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    start = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
    if start.startswith(b"{\\rtf"):
        return "rtf"
    lowered = _ascii_head(data).lower()
    if lowered.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in lowered or (
        lowered.startswith("<") and re.search(r"<(body|p|div|table|br)\b", lowered)
    ):
        return "html"
    return "txt"


def _ascii_head(data: bytes) -> str:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    return head.decode("ascii", errors="ignore").lstrip("\ufeff\r\n\t ")


def decode_text(data: bytes) -> str:
    """Decode a text file in any common encoding: UTF-8 (BOM or not), UTF-16, cp1252/latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        # UTF-16 without BOM shows a NUL in every other byte; any other NUL means binary.
        even, odd = data[0::2], data[1::2]
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
            return data.decode("utf-16-le", errors="replace")
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
            return data.decode("utf-16-be", errors="replace")
        raise ReadError("contains NUL bytes — a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["cp1252", "latin_1", "iso8859_15"]).best()
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    replacement = sample.count("\ufffd")
    return (controls + replacement) / len(sample) > 0.05


def read_txt(source: str, data: bytes) -> RawText:
    text = decode_text(data)
    if _looks_binary(text):
        raise ReadError("binary content, not text")
    return RawText(source=source, text=text)


def read_docx(source: str, data: bytes) -> RawText:
    from bigsearch.ingest.docx_reader import docx_text

    return RawText(source=source, text=docx_text(data))


def read_odt(source: str, data: bytes) -> RawText:
    from bigsearch.ingest.odt_reader import odt_text

    return RawText(source=source, text=odt_text(data))


def read_doc(source: str, data: bytes) -> RawText:
    from bigsearch.ingest.doc_reader import doc_text

    return RawText(source=source, text=doc_text(data))


def read_rtf(source: str, data: bytes) -> RawText:
    from bigsearch.ingest.rtf_reader import rtf_text

    return RawText(source=source, text=rtf_text(data))


def read_html(source: str, data: bytes) -> RawText:
    from bigsearch.ingest.html_reader import html_text

    return RawText(source=source, text=html_text(decode_text(data)))


def read_pdf(source: str, data: bytes, ocr: OcrOptions | None = None) -> RawText:
    from bigsearch.ingest.pdf_reader import pdf_text

    return pdf_text(source, data, ocr or OcrOptions())


def read_image(source: str, data: bytes, ocr: OcrOptions | None = None) -> RawText:
    from bigsearch.ingest.image_reader import image_text

    return image_text(source, data, sniff_format(data), ocr or OcrOptions())


def read_zip(source: str, data: bytes) -> RawText:
    raise ReadError("a zip archive that is not a Word or OpenDocument text document")


READERS: dict[str, Reader] = {
    "txt": read_txt, "docx": read_docx, "pdf": read_pdf, "odt": read_odt, "doc": read_doc,
    "rtf": read_rtf, "html": read_html, "zip": read_zip,
}
# Readers of files that may be scans: they take the run's OCR options.
SCAN_READERS: dict[str, Callable[[str, bytes, OcrOptions | None], RawText]] = {
    "pdf": read_pdf, **{kind: read_image for kind in IMAGE_KINDS},
}


def read_bytes(source: str, data: bytes, suffix: str = "", ocr: OcrOptions | None = None) -> RawText:
    if not data.strip():
        raise ReadError("empty file")
    if len(data) > limits.MAX_FILE_BYTES:
        raise ReadError(f"larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB")
    kind = sniff_format(data)
    suffix = suffix.lower()
    expected = _EXPECTED.get(suffix)
    if expected and kind not in expected:
        what = _KIND_NAMES[expected[0]]
        detail = " (not a zip)" if expected[0] in ("docx", "odt") and kind != "zip" else ""
        raise ReadError(f"named {suffix} but is not {what}{detail}")
    raw = SCAN_READERS[kind](source, data, ocr) if kind in SCAN_READERS else READERS[kind](source, data)
    raw.kind = kind
    if not raw.text.strip():
        raise ReadError("no text in the file")
    if max((len(line) for line in raw.text.splitlines()), default=0) > limits.MAX_LINE_CHARS:
        raise ReadError(f"a line longer than {limits.MAX_LINE_CHARS:,} characters — not a protocol")
    return raw


def read_file_bytes(path: Path) -> bytes:
    """The file's bytes: stat() first and refuse what is over the size limit without reading it;
    then a bounded read, so a file that grows meanwhile still costs at most the limit."""
    try:
        info = path.stat()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("not a regular file")
    if info.st_size > limits.MAX_FILE_BYTES:
        raise ReadError(f"larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB ({info.st_size:,} bytes)")
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            chunks: list[bytes] = []
            total = 0
            while total <= limits.MAX_FILE_BYTES:
                chunk = _read_chunk(fd, min(_READ_CHUNK, limits.MAX_FILE_BYTES + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    if total > limits.MAX_FILE_BYTES:
        raise ReadError(f"larger than {limits.MAX_FILE_BYTES // (1024 * 1024)} MB")
    return b"".join(chunks)


def _read_chunk(fd: int, size: int) -> bytes:
    return os.read(fd, size)


def read_path(path: Path, source: str | None = None, ocr: OcrOptions | None = None) -> RawText:
    from bigsearch.textsafe import safe_name

    return read_bytes(source or safe_name(path.name), read_file_bytes(path), path.suffix, ocr)

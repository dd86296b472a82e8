"""Readers: bytes on disk -> RawText. Formats are recognised by content, not only by extension."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from bigsearch.errors import ReadError
from bigsearch.ingest.model import RawText

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LINE_CHARS = 100_000
SUPPORTED_SUFFIXES = (".txt", ".text", ".docx", ".pdf")

Reader = Callable[[str, bytes], RawText]


def sniff_format(data: bytes) -> str:
    """'pdf', 'docx' or 'txt' from the first bytes; raises ReadError for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return "txt"


def decode_text(data: bytes) -> str:
    """Decode a text file in any common encoding: UTF-8 (BOM or not), UTF-16, cp1252/latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
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


def read_pdf(source: str, data: bytes) -> RawText:
    from bigsearch.ingest.pdf_reader import pdf_text

    text, furniture = pdf_text(data)
    return RawText(source=source, text=text, furniture=furniture)


READERS: dict[str, Reader] = {"txt": read_txt, "docx": read_docx, "pdf": read_pdf}


def read_bytes(source: str, data: bytes, suffix: str = "") -> RawText:
    if not data.strip():
        raise ReadError("empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    kind = sniff_format(data)
    suffix = suffix.lower()
    if suffix == ".pdf" and kind != "pdf":
        raise ReadError("named .pdf but is not a PDF")
    if suffix == ".docx" and kind != "docx":
        raise ReadError("named .docx but is not a Word document (not a zip)")
    if kind == "docx" and not _is_docx_zip(data):
        raise ReadError("a zip archive that is not a Word document")
    raw = READERS[kind](source, data)
    if not raw.text.strip():
        raise ReadError("no text in the file")
    if max((len(line) for line in raw.text.splitlines()), default=0) > MAX_LINE_CHARS:
        raise ReadError(f"a line longer than {MAX_LINE_CHARS:,} characters — not a protocol")
    return raw


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_path(path: Path) -> RawText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
    return read_bytes(path.name, data, path.suffix)

"""Reading zip-based documents (DOCX, ODT, anything zipped) without trusting the sizes inside them.

The zip directory's sizes are only claims. A member is inflated here, a chunk at a time, and the
stream stops at the first of: the end of its data, what the directory says it holds (more is a
lie), and what is left of the document's budget (limits.MAX_DECOMPRESSED_BYTES for all members
together). A zip bomb, honest or lying, costs at most the cap and one chunk; no library (python-docx)
ever inflates a member itself: it gets a copy stored without compression, whose sizes are true.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from bigsearch.errors import ReadError
from bigsearch.ingest import limits

CHUNK = 64 * 1024  # inflated bytes produced per step
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # signature … name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}  # all DOCX and ODT use


def _broken(exc: Exception) -> ReadError:
    return ReadError(f"a broken zip archive ({exc})"[:200])


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The archive, after checking member count and the directory's total size against the limits
    (a quick refusal of an honest bomb; members are still read through `member_chunks`)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _broken(exc) from exc
    if len(members) > limits.MAX_ZIP_MEMBERS:
        raise ReadError(f"a zip archive of more than {limits.MAX_ZIP_MEMBERS:,} members — not a document")
    total = sum(member.file_size for member in members)
    if total > limits.MAX_DECOMPRESSED_BYTES:
        raise ReadError(
            f"would decompress to {total // (1024 * 1024):,} MB, over the limit of "
            f"{limits.MAX_DECOMPRESSED_BYTES // (1024 * 1024)} MB — a zip bomb?"
        )
    return archive


class Budget:
    """Inflated bytes left for one document, over all its members."""

    def __init__(self, limit: int | None = None) -> None:
        self.left = limits.MAX_DECOMPRESSED_BYTES if limit is None else limit
        self.inflated = 0

    def take(self, size: int) -> None:
        self.inflated += size
        self.left -= size
        if self.left < 0:
            raise ReadError(f"decompresses to more than {limits.MAX_DECOMPRESSED_BYTES // (1024 * 1024)} MB, "
                            "over the limit — a zip bomb?")


def _raw_data(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> memoryview:
    """The member's compressed bytes, located through its local header."""
    source = archive.fp
    source.seek(info.header_offset)
    header = source.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise ReadError(f"a broken zip archive ({info.filename}: no local header where the directory says)"[:200])
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    source.seek(start)
    # The compressed size is a claim too: never read past the end of the file.
    return memoryview(source.read(max(0, info.compress_size)))


def member_chunks(archive: zipfile.ZipFile, name: str, budget: Budget | None = None) -> Iterator[bytes]:
    """A member inflated a chunk at a time; stops (ReadError) as soon as it yields more than its
    directory entry claims or than the budget allows; checks its CRC at the end."""
    budget = budget or Budget()
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise ReadError(f"{name} missing from the archive") from exc
    if info.flag_bits & 0x1:
        raise ReadError(f"{name} is encrypted")
    if info.compress_type not in _METHODS:
        raise ReadError(f"{name} is compressed with method {info.compress_type}, which documents do not use")
    try:
        raw = _raw_data(archive, info)
    except (OSError, ValueError) as exc:
        raise _broken(exc) from exc
    declared = info.file_size
    produced, crc = 0, 0
    for chunk in _inflated(raw, info.compress_type, name):
        produced += len(chunk)
        if produced > declared:
            raise ReadError(f"{name} holds more than the {declared:,} bytes its zip directory says — "
                            "a zip bomb or a damaged file")
        budget.take(len(chunk))
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != declared or crc != info.CRC:
        raise ReadError(f"a broken zip archive ({name}: its content does not match its directory entry)"[:200])


def _inflated(raw: memoryview, method: int, name: str) -> Iterator[bytes]:
    if method == zipfile.ZIP_STORED:
        for start in range(0, len(raw), CHUNK):
            yield bytes(raw[start : start + CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = bytes(raw)
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, CHUNK)  # never more than CHUNK bytes at once
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
            elif pending:  # no output although input is left: a stream that goes nowhere
                raise ReadError(f"a broken zip archive ({name}: its compressed data does not inflate)")
        tail = inflater.flush(CHUNK)
        if tail:
            yield tail
    except zlib.error as exc:
        raise ReadError(f"a broken zip archive ({name}: {exc})"[:200]) from exc


def read_member(archive: zipfile.ZipFile, name: str, budget: Budget | None = None) -> bytes:
    """One member, read through `member_chunks` (never more than it claims or the budget allows)."""
    return b"".join(member_chunks(archive, name, budget))


def honest_copy(data: bytes) -> bytes:
    """The archive again, every member read through `member_chunks` under one budget and stored
    without compression: whatever a library then reads from it has exactly the sizes it says."""
    budget = Budget()
    out = io.BytesIO()
    with open_zip(data) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            if info.is_dir():
                continue
            content = read_member(archive, info.filename, budget)
            copy.writestr(zipfile.ZipInfo(info.filename), content)
    return out.getvalue()


def member_names(data: bytes) -> list[str]:
    """Names in the archive, or [] when it is not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []

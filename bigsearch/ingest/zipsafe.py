"""Reading zip-based documents (DOCX, ODT) without trusting the sizes inside them.

The zip directory's uncompressed sizes are summed and checked before anything is
decompressed, and each member is read with a bounded read, so a zip bomb costs nothing.
"""

from __future__ import annotations

import io
import zipfile

from bigsearch.errors import ReadError
from bigsearch.ingest import limits


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The archive, after checking member count and total uncompressed size against the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"a broken zip archive ({exc})"[:200]) from exc
    if len(members) > limits.MAX_ZIP_MEMBERS:
        raise ReadError(f"a zip archive of more than {limits.MAX_ZIP_MEMBERS:,} members — not a document")
    total = sum(member.file_size for member in members)
    if total > limits.MAX_DECOMPRESSED_BYTES:
        raise ReadError(
            f"would decompress to {total // (1024 * 1024):,} MB, over the limit of "
            f"{limits.MAX_DECOMPRESSED_BYTES // (1024 * 1024)} MB — a zip bomb?"
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member, never more than the decompression limit."""
    try:
        with archive.open(name) as member:
            data = member.read(limits.MAX_DECOMPRESSED_BYTES + 1)
    except KeyError as exc:
        raise ReadError(f"{name} missing from the archive") from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(f"a broken zip archive ({exc})"[:200]) from exc
    if len(data) > limits.MAX_DECOMPRESSED_BYTES:
        raise ReadError("a zip member larger than the decompression limit — a zip bomb?")
    return data


def member_names(data: bytes) -> list[str]:
    """Names in the archive, or [] when it is not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []

"""Checking a tantivy index's files against their own checksums, to name the damaged one.

tantivy ends every segment file with a footer: a JSON object holding the CRC-32 of the bytes
before it, the footer's length (u32 LE) and a magic number (u32 LE). tantivy checks only the
magic number when it opens a file, so a file damaged in the middle reads as wrong answers or an
obscure error; this check finds it.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

FOOTER_MAGIC = 1337
SEGMENT_FILES = ("idx", "term", "pos", "store", "fast", "fieldnorm")
_CHUNK = 1 << 22


def damaged_file(index_dir: Path) -> tuple[Path, str] | None:
    """The first damaged or missing file of the index and what is wrong with it, or None."""
    meta_path = index_dir / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        segments = meta["segments"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return meta_path, f"is unreadable ({exc})"
    for segment in segments:
        try:
            name = segment["segment_id"].replace("-", "")
            deletes = segment.get("deletes")
        except (KeyError, AttributeError, TypeError):
            return meta_path, "has a malformed segment entry"
        files = [f"{name}.{ext}" for ext in SEGMENT_FILES]
        if deletes:
            files.append(f"{name}.{deletes['opstamp']}.del")
        for file_name in files:
            problem = _file_problem(index_dir / file_name)
            if problem:
                return index_dir / file_name, problem
    return None


def _file_problem(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            if size < 8:
                return "is truncated"
            handle.seek(size - 8)
            footer_len, magic = struct.unpack("<II", handle.read(8))
            if magic != FOOTER_MAGIC or footer_len + 8 > size:
                return "has no valid footer (truncated or overwritten)"
            body = size - 8 - footer_len
            handle.seek(body)
            try:
                expected = json.loads(handle.read(footer_len))["crc"]
            except (ValueError, KeyError, TypeError):
                return "has an unreadable footer"
            handle.seek(0)
            crc, left = 0, body
            while left:
                chunk = handle.read(min(_CHUNK, left))
                if not chunk:
                    return "is truncated"
                crc = zlib.crc32(chunk, crc)
                left -= len(chunk)
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"is unreadable ({exc.strerror or exc})"
    return None if crc == expected else "fails its checksum (changed or damaged)"

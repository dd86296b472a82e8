"""Checking a tantivy index's files against their own checksums, to name the damaged one.

tantivy ends every segment file with a footer: a JSON object holding the CRC-32 of the bytes
before it, the footer's length (u32 LE) and a magic number (u32 LE). tantivy checks only the
magic number when it opens a file, so a file damaged in the middle reads as wrong answers or an
obscure error; this check finds it. An open runs it on the files not recorded as verified since
they last changed (engines/verified.py); `bigsearch check` on every file.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

from bigsearch.engines.verified import IndexCheck, VerifiedFiles

FOOTER_MAGIC = 1337
SEGMENT_FILES = ("idx", "term", "pos", "store", "fast", "fieldnorm")
_CHUNK = 1 << 22


def committed_files(index_dir: Path) -> list[Path]:
    """The segment files the committed meta.json names (ValueError when it cannot be read)."""
    try:
        meta = json.loads((index_dir / "meta.json").read_text(encoding="utf-8"))
        segments = meta["segments"]
        files = []
        for segment in segments:
            name = segment["segment_id"].replace("-", "")
            deletes = segment.get("deletes")
            files += [index_dir / f"{name}.{ext}" for ext in SEGMENT_FILES]
            if deletes:
                files.append(index_dir / f"{name}.{deletes['opstamp']}.del")
    except OSError as exc:
        raise ValueError(f"is unreadable ({exc.strerror or exc})") from exc
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ValueError(f"is unreadable ({type(exc).__name__}: {exc})"[:200]) from exc
    return files


def damaged_file(index_dir: Path, verified: VerifiedFiles | None = None) -> tuple[Path, str] | None:
    """The first damaged or missing file of the index and what is wrong with it, or None. Files
    that `verified` records as read in full and unchanged since are not read again."""
    try:
        files = committed_files(index_dir)
    except ValueError as exc:
        return index_dir / "meta.json", str(exc)
    for path in files:
        if verified is not None and verified.known(path):
            continue
        problem = _file_problem(path)
        if problem:
            return path, problem
        if verified is not None:
            verified.add(path)
    return None


def record_verified(index_dir: Path) -> None:
    """After a commit: read the files it wrote in full and record the whole ones as verified."""
    verified = VerifiedFiles(index_dir)
    if damaged_file(index_dir, verified) is None:
        verified.save(keep={path.name for path in committed_files(index_dir)})


def verify_fully(index_dir: Path) -> IndexCheck:
    """Every file of the committed index read in full against its checksum; the bookkeeping files
    (meta.json, .managed.json) parsed. The first damaged file ends the check."""
    result = IndexCheck(str(index_dir), "tantivy")
    for name in ("meta.json", ".managed.json"):
        path = index_dir / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            result.damaged, result.problem = str(path), "is missing"
            return result
        except (OSError, ValueError) as exc:
            result.damaged, result.problem = str(path), f"is unreadable ({exc})"[:300]
            return result
        if not isinstance(data, dict if name == "meta.json" else list):
            result.damaged, result.problem = str(path), "does not hold what tantivy writes there"
            return result
        result.files += 1
        result.bytes_read += path.stat().st_size
    try:
        files = committed_files(index_dir)
    except ValueError as exc:
        result.damaged, result.problem = str(index_dir / "meta.json"), str(exc)
        return result
    verified = VerifiedFiles(index_dir)
    for path in files:
        problem = _file_problem(path)
        if problem:
            result.damaged, result.problem = str(path), problem
            return result
        verified.add(path)
        result.files += 1
        result.bytes_read += path.stat().st_size
    if os.access(index_dir, os.W_OK):
        verified.save(keep={path.name for path in files})
    return result


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

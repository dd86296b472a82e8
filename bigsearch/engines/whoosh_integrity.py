"""Damage detection for index segment files, cheap enough to run at every open.

Each segment file is written once and never changed (deletions live in the table of contents),
so at commit its size and a digest of sampled blocks are stored with the segment in the table
of contents; an open compares them and checks the compound file's directory record. Truncated,
overwritten, replaced and missing files are found without reading a large index whole: files
up to 1 MiB are hashed whole, larger ones at both ends and at 16 blocks in between.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

FINGERPRINT = "bigsearch_fingerprint"  # attribute of a Whoosh segment, pickled with the TOC
# The same for the files beside the segment's (its facet arrays, whoosh_arrays.py): file name -> fingerprint.
BESIDE = "bigsearch_beside"
_EDGE = 64 * 1024  # bytes hashed at each end of a file
_BLOCK = 4096  # bytes hashed at each sample point inside it
_SAMPLES = 16
_WHOLE = 1024 * 1024  # files up to this size are hashed whole
_SCHEME = "b2-1:"  # names how the digest was taken; a digest taken another way is not compared
_HEADER = struct.Struct("!qi")  # Whoosh compound file: directory offset (long), length (int)


def fingerprint(path: Path) -> tuple[int, str]:
    """(size, digest of both ends and evenly spaced blocks) of a file."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        digest = hashlib.blake2b(digest_size=16)
        digest.update(str(size).encode())
        for offset, length in _samples(size):
            digest.update(os.pread(handle.fileno(), length, offset))
    return size, _SCHEME + digest.hexdigest()


def _samples(size: int) -> list[tuple[int, int]]:
    """(offset, length) of the parts hashed: a small file whole, else both ends and blocks
    spread over the middle (an open must not read a whole large index)."""
    if size <= _WHOLE:
        return [(0, size)]
    parts = [(0, _EDGE), (max(0, size - _EDGE), _EDGE)]
    parts += [(size * i // (_SAMPLES + 1), _BLOCK) for i in range(1, _SAMPLES + 1)]
    return parts


def segment_path(index_dir: Path, segment) -> Path:
    return index_dir / segment.make_filename(segment.COMPOUND_EXT)


def stamp(index_dir: Path, segment, beside: tuple[Path, ...] = ()) -> None:
    """Store the fingerprints of a finished segment's file and of the files `beside` it on the
    segment (once; the files never change)."""
    if getattr(segment, FINGERPRINT, None) is None and segment.is_compound():
        setattr(segment, FINGERPRINT, fingerprint(segment_path(index_dir, segment)))
    if beside and getattr(segment, BESIDE, None) is None:
        setattr(segment, BESIDE, {path.name: fingerprint(path) for path in beside})


def check_segment(index_dir: Path, segment) -> tuple[Path, str] | None:
    """(damaged file, what is wrong) or None when the segment's file looks intact."""
    if not segment.is_compound():
        return None  # never written by bigsearch: nothing to compare with
    path = segment_path(index_dir, segment)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(_HEADER.size)
    except FileNotFoundError:
        return path, "the file is missing"
    except OSError as exc:
        return path, f"cannot be read: {exc.strerror or exc}"
    if len(header) < _HEADER.size:
        return path, f"truncated to {size} bytes"
    offset, length = _HEADER.unpack(header)
    if not (_HEADER.size <= offset and length > 0 and offset + length == size):
        return path, "truncated or overwritten (its directory record does not fit the file)"
    expected = getattr(segment, FINGERPRINT, None)
    if expected is not None:
        if expected[0] != size:
            return path, f"{size} bytes instead of {expected[0]}"
        if str(expected[1]).startswith(_SCHEME) and fingerprint(path) != tuple(expected):
            return path, "its content has changed since it was written"
    for name, expected in (getattr(segment, BESIDE, None) or {}).items():
        problem = _check_file(index_dir / name, expected)
        if problem:
            return index_dir / name, problem
    return None


def _check_file(path: Path, expected: tuple[int, str]) -> str | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "the file is missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if size != expected[0]:
        return f"{size} bytes instead of {expected[0]}"
    if str(expected[1]).startswith(_SCHEME) and fingerprint(path) != tuple(expected):
        return "its content has changed since it was written"
    return None

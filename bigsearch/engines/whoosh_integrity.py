"""Damage detection for index segment files.

Each segment file is written once and never changed (deletions live in the table of contents),
so at commit its size and the CRC-32 of the whole file are stored with the segment in the table
of contents. An open checks the compound file's directory record and reads in full, against that
checksum, every segment file not recorded as verified since it was last changed (see
engines/verified.py); `bigsearch check` reads every one. A flipped byte anywhere is found.

Segments committed by an earlier bigsearch carry only a digest of sampled blocks (both ends and
16 blocks in between; files up to 1 MiB whole): an open compares that, and `check` reads such a
segment through Whoosh in full instead.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from pathlib import Path

from bigsearch.engines.verified import VerifiedFiles

FINGERPRINT = "bigsearch_fingerprint"  # attribute of a Whoosh segment, pickled with the TOC: sampled
DIGEST = "bigsearch_digest"  # (size, "crc32:<hex>") of the whole file, pickled with the TOC
# The files beside the segment's (its facet arrays, whoosh_arrays.py): file name -> (size, CRC-32).
BESIDE = "bigsearch_beside"
_FULL_SCHEME = "crc32:"
_READ = 4 * 1024 * 1024
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


def full_digest(path: Path) -> tuple[int, str]:
    """(size, CRC-32 of every byte) of a file."""
    crc, size = 0, 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_READ), b""):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return size, f"{_FULL_SCHEME}{crc:08x}"


def segment_path(index_dir: Path, segment) -> Path:
    return index_dir / segment.make_filename(segment.COMPOUND_EXT)


def has_full_digest(segment) -> bool:
    digest = getattr(segment, DIGEST, None)
    return digest is not None and str(digest[1]).startswith(_FULL_SCHEME)


def stamp(index_dir: Path, segment, verified: VerifiedFiles | None = None,
          beside: tuple[Path, ...] = ()) -> list[Path]:
    """Store the checksums of a segment written by this commit, and of the files `beside` it, on
    the segment (once; the files never change); returns the files that are new."""
    new: list[Path] = []
    if segment.is_compound() and getattr(segment, FINGERPRINT, None) is None:
        path = segment_path(index_dir, segment)
        setattr(segment, FINGERPRINT, fingerprint(path))  # what earlier bigsearch versions compare
        setattr(segment, DIGEST, full_digest(path))
        if verified is not None:
            verified.add(path)
        new.append(path)
    if beside and getattr(segment, BESIDE, None) is None:
        setattr(segment, BESIDE, {path.name: full_digest(path) for path in beside})
        new += beside
    return new


def check_segment(index_dir: Path, segment, verified: VerifiedFiles | None = None,
                  full: bool = False) -> tuple[Path, str] | None:
    """(damaged file, what is wrong) or None when the segment's file and the files beside it are
    intact. Content is read in full unless `verified` records it unchanged since it was read in
    full (never when `full`)."""
    problem = _check_segment_file(index_dir, segment, verified, full)
    if problem:
        return problem
    for name, expected in (getattr(segment, BESIDE, None) or {}).items():
        path = index_dir / name
        if not full and verified is not None and verified.known(path):
            continue
        problem = _check_file(path, tuple(expected))
        if problem:
            return path, problem
        if verified is not None:
            verified.add(path)
    return None


def _check_file(path: Path, expected: tuple[int, str]) -> str | None:
    try:
        found = full_digest(path)
    except FileNotFoundError:
        return "the file is missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if found[0] != expected[0]:
        return f"{found[0]} bytes instead of {expected[0]}"
    if found != expected:
        return "its content has changed since it was written (checksum mismatch)"
    return None


def _check_segment_file(index_dir: Path, segment, verified: VerifiedFiles | None,
                        full: bool) -> tuple[Path, str] | None:
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
    if has_full_digest(segment):
        expected = getattr(segment, DIGEST)
        if expected[0] != size:
            return path, f"{size} bytes instead of {expected[0]}"
        if not full and verified is not None and verified.known(path):
            return None
        try:
            found = full_digest(path)
        except OSError as exc:
            return path, f"cannot be read: {exc.strerror or exc}"
        if found != tuple(expected):
            return path, "its content has changed since it was written (checksum mismatch)"
        if verified is not None:
            verified.add(path)
        return None
    expected = getattr(segment, FINGERPRINT, None)
    if expected is not None:
        if expected[0] != size:
            return path, f"{size} bytes instead of {expected[0]}"
        if str(expected[1]).startswith(_SCHEME) and fingerprint(path) != tuple(expected):
            return path, "its content has changed since it was written"
    return None

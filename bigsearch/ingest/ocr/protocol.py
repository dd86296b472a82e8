"""Messages between the run and its OCR helpers: a length, then a pickle (both ends are ours)."""

from __future__ import annotations

import pickle
import struct

_LENGTH = struct.Struct(">I")


HEADER = _LENGTH.size


def frame(message) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


def length(header: bytes) -> int:
    return _LENGTH.unpack(header)[0]


def send(stream, message) -> None:
    stream.write(frame(message))
    stream.flush()


def receive(stream):
    """The next message, or None at the end of the stream."""
    head = _read_exactly(stream, _LENGTH.size)
    if head is None:
        return None
    payload = _read_exactly(stream, length(head))
    return None if payload is None else pickle.loads(payload)


def _read_exactly(stream, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data

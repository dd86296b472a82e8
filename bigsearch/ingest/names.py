"""Person names: recognising them in text and resolving first names through the attendee list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_PARTICLES = {"von", "af", "de", "van", "der", "den", "la", "di", "da", "al", "el", "bin", "ibn"}
_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’-]*|\S")
_NAME_TOKEN = re.compile(r"^[A-ZÅÄÖÉÜ][a-zåäöéüøæ'’]+(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüøæ]+)*$")
_INITIAL = re.compile(r"^[A-ZÅÄÖ]\.?$")
_NOT_NAMES = {"närvarande", "kommunstyrelsen", "samtliga", "ledningsgruppen", "alla"}


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    text = resources.files("bigsearch.data").joinpath("firstnames.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_name_token(token: str) -> bool:
    return bool(_NAME_TOKEN.match(token))


def looks_like_name(text: str) -> bool:
    """'Anna-Karin Wågberg Sperring', 'Linn Cederholm von Schmalensee', 'Andy Tu vesson'."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if text.casefold() in _NOT_NAMES or not is_name_token(tokens[0]):
        return False
    capitalised = sum(1 for token in tokens if is_name_token(token))
    inner = set(range(1, len(tokens) - 1))
    return capitalised >= 2 and all(
        is_name_token(t) or t in _PARTICLES or (t.isalpha() and t.islower() and len(t) <= 8)
        or (i in inner and _INITIAL.match(t))  # "Christina H Gardos", "Anna K. Berg"
        for i, t in enumerate(tokens)
    )


def split_names(text: str) -> list[str]:
    """'närvarande, Anne Jäder, John Köhler samt kommunstyrelsen' -> ['Anne Jäder', 'John Köhler']."""
    chunks = re.split(r",|;|\bsamt\b|\boch\b", text)
    names: list[str] = []
    known = first_names()
    for chunk in chunks:
        tokens = chunk.strip().rstrip(".").split()
        if not tokens:
            continue
        # Two names run together without a comma: split where a new first name starts.
        current: list[str] = []
        for token in tokens:
            if len(current) >= 2 and token in known:
                names.append(" ".join(current))
                current = []
            current.append(token)
        names.append(" ".join(current))
    return [name for name in names if name]


def first_name_of(full_name: str) -> str:
    return full_name.split()[0]


_NAME = r"(?<![\w'’-])[A-ZÅÄÖÉÜ][a-zåäöéüøæ'’]+(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüøæ]+)*(?![\w'’-])"
# Runs of capitalised words (with particles between them): the only places a full name can stand.
_NAME_RUN = re.compile(rf"{_NAME}(?:\s+(?:{_NAME}|(?:{'|'.join(sorted(_PARTICLES))})\s+{_NAME}))*")


@lru_cache(maxsize=4096)
def _name_runs(text: str) -> tuple[list[str], ...]:
    """The runs of two or more capitalised words in `text` (each paragraph is read for names twice:
    for the document's names, then for the paragraph's persons)."""
    return tuple(tokens for run in _NAME_RUN.finditer(text) if len(tokens := run.group().split()) >= 2)


def known_first_names(extra: Iterable[str] = ()) -> frozenset[str]:
    """The first names the data knows plus `extra` (the attendees'), to look full names up with."""
    extra = frozenset(extra)
    return first_names() | extra if extra else first_names()


def full_names_in(text: str, extra_first_names: Iterable[str] = ()) -> list[str]:
    """Full names written in `text`: a known first name followed by one to three surnames.

    Genitives are undone on the surname ("Johnny Gustavssons tjänst" -> "Johnny Gustavsson").
    """
    known = extra_first_names if isinstance(extra_first_names, frozenset) else known_first_names(extra_first_names)
    found: list[str] = []
    for tokens in _name_runs(text):
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if not (token in known or (token.endswith("s") and token[:-1] in known and len(token) > 3)):
                i += 1
                continue
            j = i + 1
            parts = [token]
            while j < len(tokens) and len(parts) < 5:
                nxt = tokens[j]
                if nxt in _PARTICLES and j + 1 < len(tokens):
                    parts.extend([nxt, tokens[j + 1]])
                    j += 2
                elif nxt not in _PARTICLES:
                    parts.append(nxt)
                    j += 1
                else:
                    break
            if len(parts) >= 2:
                if parts[-1].endswith("sons"):
                    parts[-1] = parts[-1][:-1]
                found.append(" ".join(parts))
                i = j
            else:
                i += 1
    return found


class PersonResolver:
    """Resolves the names a paragraph mentions against the meeting's attendees.

    A first name alone ("Caroline rapporterade", genitive "Elins") is the attendee of that
    first name when exactly one attendee has it; otherwise the one full name of the document
    that has it; otherwise it is left out (a first name alone cannot be told apart).
    """

    def __init__(self, attendees: Iterable[str], document_names: Iterable[str] = ()):
        self.attendees = list(dict.fromkeys(attendees))
        self.document_names = [n for n in dict.fromkeys(document_names) if n not in self.attendees]
        known = self.attendees + self.document_names
        self.extra_first_names = {first_name_of(name) for name in known}
        self._known_first = known_first_names(self.extra_first_names)
        self._longest_first = sorted(known, key=len, reverse=True)
        self._first = {first: self._resolve_first(first) for first in self.extra_first_names}

    def _resolve_first(self, first: str) -> str | None:
        for pool in (self.attendees, self.document_names):
            matches = [name for name in pool if first_name_of(name) == first]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                return None
        return None

    def _canonical(self, written: str) -> str:
        for name in self.attendees + self.document_names:
            if written == name or written == name + "s" or name.startswith(written + " "):
                return name
        return written

    def persons(self, text: str) -> list[str]:
        found: list[tuple[int, str]] = []
        covered: list[tuple[int, int]] = []
        for start, end, name in _known_spans(text, self._longest_first):
            found.append((start, name))
            covered.append((start, end))
        for written in full_names_in(text, self._known_first):
            start = text.find(written)
            if start < 0:
                start = text.find(written.split()[0])
            if any(a <= start < b for a, b in covered):
                continue
            found.append((start, self._canonical(written)))
            covered.append((start, start + len(written)))
        for match in _CAPITALISED.finditer(text):
            if any(a <= match.start() < b for a, b in covered):
                continue
            word = match.group(1)
            name = self._first.get(word)
            if name is None and word.endswith("s"):
                name = self._first.get(word[:-1])
            if name:
                found.append((match.start(), name))
        found.sort()
        return list(dict.fromkeys(name for _, name in found))


def _known_spans(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Where the known full names (longest first) stand in `text` as whole words, a genitive "s"
    allowed: plain string search, no pattern compiled per document."""
    spans: list[tuple[int, int, str]] = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if end < len(text) and text[end] == "s" and not (end + 1 < len(text) and _is_word(text[end + 1])):
                end += 1
            whole = (start == 0 or not _is_word(text[start - 1])) and (end == len(text) or not _is_word(text[end]))
            if whole and not any(a < end and start < b for a, b, _ in spans):
                spans.append((start, end, name))
            start = text.find(name, start + 1)
    return sorted(spans)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


_CAPITALISED = re.compile(r"(?<![\w-])([A-ZÅÄÖ][\wåäö]+(?:-[A-ZÅÄÖ][\wåäö]+)?)(?![\w-])")

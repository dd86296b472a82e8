"""The labels of a protocol's header fields (data/header_fields.toml) and where they stand."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Label:
    text: str
    # meeting_date, date, place, attendees, role, absent, justify, notice, distribution, agenda
    kind: str
    # attendees: the status of the people under it; role: the role ("sekreterare", "justerare").
    value: str | None = None


@dataclass(frozen=True)
class HeaderData:
    labels: tuple[Label, ...]
    not_meeting_date: tuple[str, ...]
    meeting_words: tuple[str, ...]


@lru_cache(maxsize=1)
def header_data() -> HeaderData:
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("header_fields.toml").read_text("utf-8"))
    found = [Label(text, "meeting_date") for text in data["meeting_date"]]
    found += [Label(text, "date") for text in data["date"]] + [Label(text, "place") for text in data["place"]]
    found += [Label(text, "attendees", status) for text, status in data["attendees"].items()]
    found += [Label(text, "role", role) for text, role in data["roles"].items()]
    for kind, texts in data["other"].items():
        found += [Label(text, kind) for text in texts]
    ordered = tuple(sorted(found, key=lambda label: len(label.text), reverse=True))
    return HeaderData(ordered, tuple(data["not_meeting_date"]), tuple(data["meeting_words"]))


def labels() -> tuple[Label, ...]:
    return header_data().labels


def _alternatives() -> str:
    return "|".join(re.escape(label.text).replace(r"\ ", r"\s+") for label in labels())


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern:
    return re.compile(rf"^(?P<label>{_alternatives()})(?=$|[\s:.]|\t)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=1)
def _by_text() -> dict[str, Label]:
    return {label.text.casefold(): label for label in reversed(labels())}


def label_named(written: str) -> Label:
    return _by_text()[" ".join(written.split()).casefold()]


def match_label(text: str) -> tuple[Label, str] | None:
    """(label, the rest of the line) when `text` starts with a header label."""
    match = _label_pattern().match(text.strip())
    if not match:
        return None
    return label_named(match["label"]), match["rest"].strip()


@lru_cache(maxsize=1)
def _inline_pattern() -> re.Pattern:
    # A label written with its capital (or all in capitals: "LEDAMÖTER"), after white space, followed
    # by white space, ":" or the end.
    written = [label.text for label in labels() if label.text[:1].isupper()]
    written += [text.upper() for text in written if text.upper() != text]
    alternatives = "|".join(re.escape(text).replace(r"\ ", r"\s+") for text in sorted(written, key=len, reverse=True))
    return re.compile(rf"(?:(?<=\s)|^)(?:{alternatives})(?=\s|:|\.|$)")


def inline_labels(text: str) -> list[re.Match]:
    """Labels written mid-line with their capital ("… kl 09.00 Beslutande Anna Ek (S) …")."""
    return list(_inline_pattern().finditer(text))


@lru_cache(maxsize=1)
def _not_meeting() -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in header_data().not_meeting_date), re.IGNORECASE)


def names_another_day(text: str) -> bool:
    """Whether `text` says its date is not the meeting's (posting, appeal, signing, next meeting)."""
    return bool(_not_meeting().search(text))


@lru_cache(maxsize=1)
def _meeting_words() -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in header_data().meeting_words), re.IGNORECASE)


def names_the_meeting(text: str) -> bool:
    """Whether a line names the meeting ("Protokoll …", "Minnesanteckningar från …", "Sammanträde …")."""
    return bool(_meeting_words().search(text))

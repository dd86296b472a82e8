"""The meeting date as evidence: every date the header prints, with the label it stands under, and
a decision only when the evidence agrees. No date beats a wrong date.

Evidence, strongest first:
- a date under a meeting-date label ("Sammanträdesdatum", "Sammanträdesdag"), wherever it stands —
  in the header, in the ANSLAG/BEVIS block, in a page header;
- a date in a title line that names the meeting ("Protokoll fört vid ledningsgruppsmöte BIG
  2024-02-09", "Sammanträde 2005-11-17", "Protokoll 180414"), or on the line right after one;
- a date in a date field of the header ("Datum", "Tid", "Plats och tid … den 18 december 2003")
  before any justering or anslag label, and a weekday date ("Onsdagen den 24 april 2019").
Never evidence: the dates of posting, appeal, signing, printing or the next meeting (a label or a
word on the same line says so), dates after a justering or anslag label, dates in the items.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bigsearch.domain.dates import find_dates
from bigsearch.ingest.labels import header_data, match_label, names_another_day, names_the_meeting
from bigsearch.messages import t

_WEEKDAY = re.compile(r"\b(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?\s+(?:den\s+)?$", re.IGNORECASE)
_COMPACT_TITLE = re.compile(r"(?:protokoll|minnesanteckningar|möte)\D{0,20}?(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)",
                            re.IGNORECASE)
# "Protokoll Styrelsemöte Fellingsbro 24-04-23": a two-digit year, in a title line only.
_SHORT_TITLE = re.compile(r"(?<![\d-])(\d{2})-(\d{2})-(\d{2})(?![\d-])")
_DATE_ONLY = re.compile(r"^[\s\w,.]{0,12}?(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+\w+\s+\d{4})\s*$")
_ISO_WRAP_END = re.compile(r"(?<!\d)(\d{4}-(?:\d{1,2}-?)?)$")
_ISO_WRAP_START = re.compile(r"^\d{1,2}(?:-\d{1,2})?(?!\d)")
_LONG_WRAP_END = re.compile(r"(?:\bden\s+)?\b\d{1,2}(?:\s+[a-zåäö]+)?$", re.IGNORECASE)
LABEL_REACH = 60  # a meeting-date label's date stands this close after it
TITLE_LINES = 5  # a title that names the meeting stands among the header's first lines


@dataclass(frozen=True)
class Mention:
    date: dt.date
    kind: str  # "label", "title", "field", "weekday", "loose"
    text: str  # the line it was read from


def unwrap_dates(texts: list[str]) -> list[str]:
    """Join a date broken over two lines ("… BIG 2025-" / "01-24", "den 16" / "april 2018")."""
    out: list[str] = []
    for text in texts:
        if out and _ISO_WRAP_END.search(out[-1].rstrip()) and _ISO_WRAP_START.match(text.strip()):
            out[-1] = out[-1].rstrip() + text.strip()
            continue
        if out and _LONG_WRAP_END.search(out[-1].rstrip()) and not list(find_dates(out[-1])):
            joined = out[-1].rstrip() + " " + text.strip()
            if len(list(find_dates(joined))) > len(list(find_dates(text))):
                out[-1] = joined
                continue
        out.append(text)
    return out


def _meeting_label_pattern() -> re.Pattern:
    words = [label.text for label in header_data().labels if label.kind == "meeting_date"]
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\wåäö])(?:{alternatives})(?![\wåäö])", re.IGNORECASE)


_MEETING_LABEL: re.Pattern | None = None


def labelled(text: str) -> list[Mention]:
    """Dates under a meeting-date label anywhere in the text (the label, then the date within
    LABEL_REACH characters with no other label or another day's word between)."""
    global _MEETING_LABEL
    if _MEETING_LABEL is None:
        _MEETING_LABEL = _meeting_label_pattern()
    found: list[Mention] = []
    folded = text.casefold()
    if "datum" not in folded and "sammanträdesdag" not in folded and "mötesdag" not in folded:
        return found  # every meeting-date label holds one of these
    for match in _MEETING_LABEL.finditer(text):
        window = text[match.end(): match.end() + LABEL_REACH]
        dates = list(find_dates(window))
        if not dates:
            continue
        offset, date = dates[0]
        between = window[:offset]
        # Its value on the next line, or a few lines on when a table's other label stands between
        # ("Sammanträdesdatum / Paragrafnummer / 2007-12-03"); never across another day's label.
        lines_between = [line for line in between.split("\n")[1:] if line.strip()]
        if len(lines_between) > 1 or (lines_between and re.search(r"\d", between)):
            continue
        if names_another_day(between) or _has_label(between):
            continue
        found.append(Mention(date, "label", text[match.start(): match.end() + offset + 10].strip()))
    return found


def _has_label(text: str) -> bool:
    from bigsearch.ingest.labels import inline_labels

    return any(True for _ in inline_labels(" " + text.strip())) if text.strip() else False


_SIGNING_KINDS = ("justify", "notice", "absent", "distribution")
_NOT_SIGNING = ("Organ", "Nämnd/Styrelse")  # notice labels that also name the body in a meeting's header


def header_mentions(lines: list[str]) -> list[Mention]:
    """Dates of the header's lines, each with the kind of evidence its place gives it.

    Labels printed in a row with their values after them ("Tid: Plats: 30 maj 2013 kl …",
    "Plats och tid Beslutande … Justerare Plats och tid Gillesalen … den 20 november 1989 …
    den 23 november 1989") give their dates in order: the first date to the first date label."""
    lines = unwrap_dates([line for line in lines if line.strip()])
    found: list[Mention] = []
    signing = False  # after a justering or anslag label, "Plats och tid" is the signing's or posting's
    field_kind: str | None = None
    title_without_date = False
    seen_label = False
    queued: list[str] = []  # the kinds of date labels printed in a row before their values
    for number, line in enumerate(lines):
        text = line.strip()
        may_be_title = number < TITLE_LINES and len(text) <= 160
        label = match_label(text)
        if label is not None:
            seen_label = True
            field_kind = label[0].kind
            if (field_kind in _SIGNING_KINDS and label[0].text not in _NOT_SIGNING) or (
                    field_kind == "role" and label[0].value == "justerare"):
                signing = True
            own = _label_date_kind(label[0], signing)
            if not label[1]:
                if own:
                    queued.append(own)
                continue
            queued = queued + [own] if queued and own else queued
        dates = list(find_dates(text))
        if not dates:
            compact = _COMPACT_TITLE.search(text) if not seen_label and may_be_title else None
            short = _SHORT_TITLE.search(text) if not seen_label and may_be_title else None
            if (compact or short) and names_the_meeting(text):
                date = _from_compact(compact or short)
                if date:
                    found.append(Mention(date, "title", text))
            title_without_date = (not seen_label and may_be_title and names_the_meeting(text)
                                  and not names_another_day(text))
            continue
        for index, (offset, date) in enumerate(dates):
            if queued and index < len(queued):
                kind = "other" if names_another_day(text[:offset]) and queued[index] != "label" else queued[index]
            else:
                here = field_kind if label is not None or field_kind != "agenda" else None
                kind = _kind(text, offset, here, signing, seen_label or not may_be_title, title_without_date)
            found.append(Mention(date, kind, text))
        queued = []
        title_without_date = False
    return found


def _label_date_kind(label, signing: bool) -> str | None:
    """What a date printed under this label is evidence of; None for labels whose values are not dates."""
    if label.kind == "meeting_date":
        return "label"
    if label.kind == "date":
        return "other" if signing else "field"
    if label.kind in ("justify", "notice") and re.search(r"tid|datum|dag|anslag|överklag", label.text, re.IGNORECASE):
        return "other"
    return None


# "… protokoll från (sammanträdet) den 26 februari 2020" in a justering or anslag notice restates
# the meeting's date: never the date itself, but a date the evidence must agree with.
_RESTATED = re.compile(r"\b(?:protokoll(?:et)?|sammanträde(?:t)?|möte(?:t)?)\s+(?:från|hållet|den)\s+"
                       r"(?:(?:sammanträdet|mötet)\s+)?(?:den\s+)?$", re.IGNORECASE)


def _kind(text: str, offset: int, field_kind: str | None, signing: bool, seen_label: bool,
          after_title: bool) -> str:
    before = text[:offset]
    if _RESTATED.search(before[-80:]):
        return "restated"
    if names_another_day(before) or field_kind in ("justify", "notice", "absent"):
        return "other"
    if field_kind == "meeting_date":
        return "label"
    if not seen_label and names_the_meeting(text):
        return "title"
    if after_title and _DATE_ONLY.match(text):
        return "title"  # "PROTOKOLL" / "2019-05-02"
    if signing:
        return "other"
    if field_kind in ("date", "agenda"):
        return "field"  # "Tid …", "Ärendelista 11 maj 2015" (an agenda's date on its label's line)
    if _WEEKDAY.search(before):
        return "weekday"
    return "loose"


def _from_compact(match: re.Match) -> dt.date | None:
    try:
        date = dt.date(2000 + int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return date if date.year <= dt.date.today().year + 1 else None


# The reason when no date was found at all: not repeated as a header warning (the file's own warning says it).
NO_DATE = "no-date"


def decide(mentions: list[Mention]) -> tuple[dt.date | None, str | None]:
    """(the meeting date, None) when the evidence agrees; (None, why) when it disagrees or is missing."""
    evidence = sorted({m.date for m in mentions if m.kind in ("label", "title", "field", "weekday")})
    restated = {m.date for m in mentions if m.kind == "restated"}
    if len(evidence) == 1 and restated - set(evidence):  # the notice names another meeting day
        return None, t("ingest.date_unclear", dates=", ".join(d.isoformat() for d in sorted(restated | set(evidence))))
    if len(evidence) == 1:
        return evidence[0], None
    if len(evidence) > 1:
        return None, t("ingest.date_unclear", dates=", ".join(d.isoformat() for d in evidence))
    loose = sorted({m.date for m in mentions if m.kind == "loose"})
    if loose:
        return None, t("ingest.date_unlabelled", dates=", ".join(d.isoformat() for d in loose))
    return None, NO_DATE


def meeting_date(header_lines: list[str], full_text: str) -> tuple[dt.date | None, str | None]:
    """The meeting date from the header's lines and the meeting-date labels anywhere in the text."""
    return decide(labelled(full_text) + header_mentions(header_lines))

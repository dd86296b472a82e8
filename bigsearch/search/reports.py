"""The questions that come after a search: which meetings, who was there, what did a person or a
principal do — built from the engine's records (engine-neutral), as plain dataclasses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bigsearch.analysis.stemming import fold
from bigsearch.engines import interface as q
from bigsearch.errors import QueryError
from bigsearch.facets import FACETS, resolve_person
from bigsearch.search.results import Filters, Hit
from bigsearch.search.searcher import Searcher, hit_from_record

CHAIR_ROLES = re.compile(r"\b(?:mötes)?ordförande\b", re.IGNORECASE)
VICE = re.compile(r"\bvice\b|\b1:e\b|\b2:e\b", re.IGNORECASE)
MINUTES_ROLES = re.compile(r"\b(?:sekreterare|protokollförare|sekr)\b", re.IGNORECASE)


@dataclass
class Attendee:
    name: str
    organisation: str | None = None
    role: str | None = None
    principal: str | None = None


@dataclass
class Meeting:
    id: str  # the paragraph ids' common prefix: a citable meeting id
    source_key: str
    source: str
    date: str | None
    title: str | None
    doc_type: str
    body: str | None
    attendees: list[Attendee]
    paragraphs: list[Hit] = field(default_factory=list)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(h.section for h in self.paragraphs if h.section))

    @property
    def principals(self) -> list[str]:
        return list(dict.fromkeys(h.principal for h in self.paragraphs if h.principal))

    def summary(self) -> dict:
        return {
            "id": self.id, "date": self.date, "body": self.body, "type": self.doc_type, "title": self.title,
            "source": self.source, "sections": len(self.sections), "paragraphs": len(self.paragraphs),
            "attendees": len(self.attendees), "principals": self.principals,
        }

    def to_json(self) -> dict:
        data = self.summary()
        data["attendees"] = [a.__dict__ for a in self.attendees]
        data["paragraphs"] = [hit.to_json() for hit in self.paragraphs]
        return data


def attendees_of(source: dict) -> list[Attendee]:
    """Who attended a meeting, from its source record."""
    try:
        people = json.loads(source.get("attendee_records") or "[]")
    except ValueError:
        return []
    out = []
    for person in people:
        if isinstance(person, dict) and person.get("name"):
            out.append(Attendee(person["name"], person.get("organisation"), person.get("role"), person.get("principal")))
        elif isinstance(person, list) and person:  # an index written before roles were kept
            out.append(Attendee(person[0], (person[1:2] or [None])[0] or None, None, (person[2:3] or [None])[0] or None))
    return out


def body_of(record: dict) -> str | None:
    """The body that met (BIG, Kommunstyrelsen …), as the body facet indexed it."""
    return record.get(FACETS["body"].key) or None


class Reports:
    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        self.engine = searcher.engine

    # -- meetings -----------------------------------------------------------------------------

    def meetings(self, filters: Filters | None = None, query: str | None = None) -> list[Meeting]:
        """One entry per protocol that has paragraphs passing the filters (and the query), oldest first."""
        sources = {s["source_key"]: s for s in self.engine.sources()}
        keys: list[str] = list(sources)
        if query:
            keys = [hit.source_key for hit in self.searcher.search_every(query, filters, sort="date").hits]
        elif filters and filters != Filters():
            keys = [record["source_key"] for record in self.searcher.records(filters, sort="date")]
        meetings = [self._meeting(sources[key]) for key in dict.fromkeys(keys) if key in sources]
        return sorted(meetings, key=lambda m: (m.date or "9999", m.source))

    def _meeting(self, source: dict) -> Meeting:
        paragraphs = self.engine.source_paragraphs(source["source_key"])
        first = paragraphs[0] if paragraphs else {}
        prefix = source.get("id_prefix") or (first.get("id", "").rsplit("-", 2)[0] if first else "")
        return Meeting(
            id=prefix, source_key=source["source_key"], source=source.get("source", ""), date=first.get("date"),
            title=source.get("title") or None, doc_type=first.get("doc_type") or "", body=body_of(first),
            attendees=attendees_of(source), paragraphs=[hit_from_record(r) for r in paragraphs],
        )

    def meeting(self, key: str, query: str | None = None) -> tuple[Meeting, set[str]]:
        """One protocol by date (2024-02-09), meeting id or file name; with the ids the query matched in it."""
        wanted = key.strip()
        sources = self.engine.sources()
        found = [s for s in sources if wanted in (s.get("id_prefix"), s.get("source"), s.get("source_key"))]
        if not found:
            dates = self.searcher.source_dates(sources)
            found = [s for s in sources if dates.get(s["source_key"]) == wanted]
        if not found:
            raise QueryError(f"no meeting {key!r} — give a date (2024-02-09), a meeting id or a file name; "
                             "`bigsearch meetings` lists them")
        if len(found) > 1:
            names = ", ".join(f"{s.get('id_prefix') or s.get('source')} ({s.get('source')})" for s in found[:8])
            raise QueryError(f"{key!r} matches {len(found)} meetings: {names} — give the meeting id")
        meeting = self._meeting(found[0])
        highlighted: dict[str, Hit] = {}
        if query:
            within = q.Term("source_key", meeting.source_key)
            highlighted = {hit.id: hit for hit in self.searcher.search_every(query, within=within).hits}
        meeting.paragraphs = [highlighted.get(paragraph.id, paragraph) for paragraph in meeting.paragraphs]
        return meeting, set(highlighted)

    # -- people -------------------------------------------------------------------------------

    def resolve_person(self, name: str) -> str:
        people = sorted(set(FACETS["person"].people(self.searcher.known)) | set(self._attendee_names()))
        return resolve_person(name, people)

    def _attendee_names(self) -> list[str]:
        return [a.name for s in self.engine.sources() for a in attendees_of(s)]

    def person(self, name: str, filters: Filters | None = None) -> dict:
        """A person's record by meeting: attended (role), chaired, kept the minutes, reported, mentioned."""
        full = self.resolve_person(name)
        key = fold(full.casefold())
        by_meeting: dict[str, dict] = {}
        meetings = self.meetings(filters)
        for meeting in meetings:
            entry = {"meeting": meeting.id, "date": meeting.date, "body": meeting.body, "source": meeting.source,
                     "attended": None, "chaired": False, "minutes": False, "reported": [], "mentioned": []}
            organisation_principal = None
            for attendee in meeting.attendees:
                if fold(attendee.name.casefold()) == key:
                    entry["attended"] = {"organisation": attendee.organisation, "role": attendee.role}
                    organisation_principal = attendee.principal or self._principal_of(attendee.organisation)
                    role = attendee.role or ""
                    entry["chaired"] = bool(CHAIR_ROLES.search(role) and not VICE.search(role))
                    entry["minutes"] = bool(MINUTES_ROLES.search(role))
            surname = re.escape(full.split()[-1])
            for hit in meeting.paragraphs:
                if not entry["chaired"] and re.search(rf"\b(?:mötes)?ordförande\s+(?:\w+\s+){{0,3}}{surname}\b", hit.text,
                                                      re.IGNORECASE):
                    entry["chaired"] = True
                if full not in hit.persons:
                    continue
                if organisation_principal and hit.principal == organisation_principal:
                    entry["reported"].append({"id": hit.id, "section": hit.section, "title": hit.section_title,
                                              "principal": hit.principal})
                else:
                    entry["mentioned"].append({"id": hit.id, "section": hit.section, "title": hit.section_title,
                                               "principal": hit.principal})
            if entry["attended"] or entry["reported"] or entry["mentioned"] or entry["chaired"]:
                by_meeting[meeting.id] = entry
        return {"name": full, "meetings": list(by_meeting.values())}

    def _principal_of(self, organisation: str | None) -> str | None:
        if not organisation:
            return None
        try:
            return FACETS["principal"].resolve(organisation, self.searcher.known)
        except QueryError:
            return None

    # -- principals ---------------------------------------------------------------------------

    def present_without_report(self, principal: str, filters: Filters | None = None) -> list[Meeting]:
        """Meetings where the principal was present (an attendee of theirs) but reported nothing."""
        period = filters.only(FACETS.period()) if filters else None
        out = []
        for meeting in self.meetings(period):
            present = any((a.principal or self._principal_of(a.organisation)) == principal for a in meeting.attendees)
            if present and principal not in meeting.principals:
                out.append(meeting)
        return out

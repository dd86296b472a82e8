"""The principals (huvudmän) registry, read from data/principals.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().rstrip(":").strip()).casefold()


@dataclass(frozen=True)
class Match:
    principal: str
    unit: str | None = None


@dataclass
class Registry:
    names: list[str]
    aliases: dict[str, Match] = field(default_factory=dict)
    known_units: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, text: str) -> Registry:
        import tomllib

        data = tomllib.loads(text)
        registry = cls(names=[])
        for entry in data.get("principal", []):
            name = entry["name"]
            registry.names.append(name)
            units = entry.get("units", {})
            registry.aliases[_key(name)] = Match(name)
            for alias in entry.get("aliases", []):
                registry.aliases[_key(alias)] = Match(name, units.get(alias))
            registry.known_units[name] = list(entry.get("known_units", [])) + [
                unit for unit in units.values() if unit
            ]
        return registry

    def resolve(self, text: str) -> Match | None:
        """Canonical principal (and unit) for a heading or organisation, or None.

        "Välfärd Gävle/socialtjänsten" -> Välfärd Gävle, unit socialtjänsten. A line that
        lists several organisations ("Region Gävleborg, skola, fsk") is not a principal.
        """
        key = _key(text)
        if not key or len(key) > 80:
            return None
        if key in self.aliases:
            return self.aliases[key]
        for separator in ("/", ","):
            if separator not in key:
                continue
            head, _, rest = text.strip().rstrip(":").partition(separator)
            rest = rest.strip()
            if not rest or "," in rest or "/" in rest or len(rest.split()) > 3:
                continue
            match = self.aliases.get(_key(head))
            if match is not None:
                return Match(match.principal, self.normalise_unit(match.principal, rest))
        return None

    def normalise_unit(self, principal: str, unit: str) -> str:
        """A unit as its known spelling when written close to one ("Förbyggande" -> "Förebyggande")."""
        unit = _SPACES.sub(" ", unit.strip().rstrip(":"))
        candidates = self.known_units.get(principal, [])
        folded = {candidate.casefold(): candidate for candidate in candidates}
        import difflib  # (here: a search never needs it)

        close = difflib.get_close_matches(unit.casefold(), list(folded), n=1, cutoff=0.85)
        return folded[close[0]] if close else unit

    def find_unit(self, principal: str, text: str) -> str | None:
        """A known unit of `principal` written as the lead-in of a paragraph ("Förebyggande enheten: …")."""
        head, colon, _ = text.partition(":")
        if not colon or len(head.split()) > 4:
            return None
        candidates = self.known_units.get(principal, [])
        import difflib

        close = difflib.get_close_matches(
            head.strip().casefold(), [c.casefold() for c in candidates], n=1, cutoff=0.85
        )
        if not close:
            return None
        return next(c for c in candidates if c.casefold() == close[0])

    def with_known(self, organisations) -> Registry:
        """This registry plus organisations (as written) that it does not know; itself if none.

        Party abbreviations ("S", "KD") are organisations of people, not principals."""
        extra = {}
        for organisation in organisations:
            written = _SPACES.sub(" ", organisation.strip().rstrip(":"))
            if len(written) < 4 or written.isupper() and len(written) <= 3 or self.resolve(written):
                continue
            if len(written.split()) > 5 or "," in written:
                continue
            extra[_key(written)] = Match(written)
        if not extra:
            return self
        return Registry(names=self.names + [m.principal for m in extra.values()],
                        aliases={**self.aliases, **extra}, known_units=self.known_units)

    def all_aliases(self) -> list[str]:
        return sorted(self.aliases, key=len, reverse=True)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    text = (Path(__file__).resolve().parent.parent / "data" / "principals.toml").read_text("utf-8")
    return Registry.from_toml(text)

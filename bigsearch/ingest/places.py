"""Gävle districts and localities from the gazetteer data file."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def gazetteer() -> tuple[tuple[str, re.Pattern], ...]:
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("places.toml").read_text("utf-8"))
    forms: dict[str, list[str]] = data.get("forms", {})
    entries = []
    for place in data["places"]:
        written = [place, *forms.get(place, [])]
        alternatives = "|".join(re.escape(w) for w in sorted(written, key=len, reverse=True))
        # Capitalised as a proper noun; genitive -s allowed ("Andersbergs").
        entries.append((place, re.compile(rf"(?<![\w-])(?:{alternatives})s?(?![\w-])")))
    return tuple(entries)


def place_names() -> list[str]:
    return [name for name, _ in gazetteer()]


def places_in(text: str) -> list[str]:
    hits: list[tuple[int, str]] = []
    for name, pattern in gazetteer():
        match = pattern.search(text)
        if match:
            hits.append((match.start(), name))
    hits.sort()
    # A longer name ("Sörby urfjäll") hides the shorter one it contains ("Sörby").
    names = [name for _, name in hits]
    return [n for n in dict.fromkeys(names) if not any(n != m and m.startswith(n + " ") for m in names)]

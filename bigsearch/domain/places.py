"""Gävle districts and localities from the gazetteer data file."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, str], re.Pattern]:
    """Every written form -> its place, and one pattern that finds any of them."""
    data = tomllib.loads(resources.files("bigsearch.data").joinpath("places.toml").read_text("utf-8"))
    forms: dict[str, list[str]] = data.get("forms", {})
    canonical: dict[str, str] = {}
    for place in data["places"]:
        for written in (place, *forms.get(place, [])):
            canonical[written] = place
    alternatives = "|".join(re.escape(w) for w in sorted(canonical, key=len, reverse=True))
    # Capitalised as a proper noun; genitive -s allowed ("Andersbergs").
    return canonical, re.compile(rf"(?<![\w-])({alternatives})s?(?![\w-])")


def place_names() -> list[str]:
    return list(dict.fromkeys(gazetteer()[0].values()))


def places_in(text: str) -> list[str]:
    """Places in order of first mention; the longest written form wins ("Sörby urfjäll", not "Sörby")."""
    canonical, pattern = gazetteer()
    return list(dict.fromkeys(canonical[match.group(1)] for match in pattern.finditer(text)))

"""Counted words in the browser's Swedish: "1 träff", "2 träffar"."""

from __future__ import annotations

NOUNS = {"träff": "träffar", "möte": "möten", "stycke": "stycken"}


def counted(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else NOUNS[noun]}"

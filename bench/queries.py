"""The query mix every engine answers, and the rare word of a corpus."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BenchQuery:
    text: str  # bigsearch's query language
    year: tuple[int, int] | None = None
    principal: str | None = None
    kind: str = "word"  # word, common, inflected, compound, phrase, prefix, folded, filtered

    @property
    def label(self) -> str:
        extra = []
        if self.year:
            extra.append(f"year {self.year[0]}..{self.year[1]}")
        if self.principal:
            extra.append(f"principal {self.principal}")
        return self.text + (f" [{', '.join(extra)}]" if extra else "")

    @property
    def year_option(self) -> str | None:
        return f"{self.year[0]}..{self.year[1]}" if self.year else None

    def cli_args(self) -> list[str]:
        """`bigsearch search` arguments (the default limit, 10 hits)."""
        args = [self.text]
        if self.year:
            args += ["--year", self.year_option]
        if self.principal:
            args += ["--principal", self.principal]
        return args


QUERY_MIX: list[BenchQuery] = [
    # rare and mid-frequency words
    BenchQuery("Andersberg"), BenchQuery("Hemlingby"), BenchQuery("Strömsbro"), BenchQuery("polisen"),
    BenchQuery("samverkan"), BenchQuery("trygghet"), BenchQuery("ungdomar"), BenchQuery("kommunen"),
    BenchQuery("narkotika"), BenchQuery("protokoll"),
    # common words
    BenchQuery("och", kind="common"), BenchQuery("att", kind="common"), BenchQuery("jag", kind="common"),
    BenchQuery("det är", kind="common"),
    # inflected forms
    BenchQuery("fritidsgården", kind="inflected"), BenchQuery("utredningen", kind="inflected"),
    BenchQuery("skolorna", kind="inflected"), BenchQuery("Andersbergs", kind="inflected"),
    # compound parts
    BenchQuery("våld", kind="compound"), BenchQuery("fritid", kind="compound"), BenchQuery("brott", kind="compound"),
    # phrases
    BenchQuery('"lades till handlingarna"', kind="phrase"), BenchQuery('"respektive huvudman"', kind="phrase"),
    BenchQuery('"det är"', kind="phrase"), BenchQuery('"visat intresse"', kind="phrase"),
    # prefix and folded spellings
    BenchQuery("fritids*", kind="prefix"), BenchQuery("Satra", kind="folded"), BenchQuery("Brynas", kind="folded"),
    # with filters
    BenchQuery("polisen", year=(2010, 2015), kind="filtered"),
    BenchQuery("trygghet", principal="Polisen", kind="filtered"),
    BenchQuery("och", principal="Välfärd Gävle", kind="filtered"),
    BenchQuery("skolan", year=(2020, 2020), kind="filtered"),
    BenchQuery("Andersberg", year=(2005, 2012), principal="Livsmiljö Gävle", kind="filtered"),
]

COMMON_WORD = "och"
_LETTERS = re.compile(r"[a-zåäö]+")


def rare_word(jsonl: Path) -> str:
    """A word of the corpus that occurs in exactly one paragraph (the first such word of eight
    letters or more, alphabetically): `bigsearch search RAREWORD` measures start-up, not search."""
    from bench.ingest import read_records

    df: Counter = Counter()
    for record in read_records(jsonl):
        df.update(set(_LETTERS.findall((record.get("text") or "").lower())))
    candidates = sorted(word for word, count in df.items() if count == 1 and len(word) >= 8)
    if not candidates:
        raise ValueError(f"no word of eight letters occurs in exactly one paragraph of {jsonl}")
    return candidates[0]

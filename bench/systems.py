"""Every system the benchmark runs, in one table: bigsearch's two engines and the baselines.

bigsearch is driven only through its console script (`bigsearch index`, `bigsearch search`) and
its public API (`bigsearch.open_index`). Each baseline builds from the ingested paragraphs
(bench/ingest.py) and answers through its own Searcher. Modules are imported only when a system
is used, so a stock-Whoosh process never imports bigsearch's Whoosh engine.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.queries import BenchQuery

FACET_NAMES = ("year", "principal", "person", "attendee", "place", "doc_type")


@dataclass(frozen=True)
class System:
    name: str
    label: str
    engine: bool  # one of bigsearch's engines (else a baseline)
    like_for_like: bool  # same fields, stems, query expansion, highlights and facets as bigsearch
    facets: bool  # counts the facets bigsearch counts
    in_process: bool  # answers the query mix in a long-lived process
    note: str
    facets_up_to: int | None = None  # counts facets only up to this many protocols (too slow above)

    def counts_facets(self, protocols: int) -> bool:
        return self.facets and (self.facets_up_to is None or protocols <= self.facets_up_to)

    def index_path(self, base: Path) -> Path:
        return base / ("fts5.sqlite" if self.name == "fts5" else f"index-{self.name}")


SYSTEMS = (
    System("whoosh", "bigsearch, whoosh engine", True, True, True, True,
           "`bigsearch index --engine whoosh` from the files, ingest included"),
    System("tantivy", "bigsearch, tantivy engine", True, True, True, True,
           "`bigsearch index --engine tantivy` from the files, ingest included"),
    System("raw-tantivy", "raw tantivy-py", False, True, True, True,
           "same fields and terms, one boolean query, terms aggregations for the facets"),
    System("fts5", "SQLite FTS5", False, True, True, True,
           "same fields and terms (contentless, prefix index), bm25 with column weights, GROUP BY facets"),
    System("stock-whoosh", "stock Whoosh + our analysis + facets", False, True, True, True,
           "Whoosh as shipped (no bigsearch patches) with bigsearch's analyzers, groupedby facets; its "
           "overlapping facets read every matching document's values in Python (seconds per common word at "
           "1,000 protocols), so above 1,000 it is measured without facets only",
           facets_up_to=1000),
    System("stock-whoosh-plain", "stock Whoosh, plain", False, False, False, True,
           "text and § title, Whoosh's Swedish stemmer and query parser, no facets: not like for like"),
    System("recoll", "Recoll", False, False, False, False,
           "recollindex over the same files (whole files, its own extraction, Swedish stemming), "
           "recollq top 10 with snippets: build and end to end only"),
)
BY_NAME = {system.name: system for system in SYSTEMS}


def bigsearch_command() -> str:
    """The console script of the Python running the benchmark (its venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "bigsearch"
    found = str(beside) if beside.exists() else shutil.which("bigsearch")
    if not found:
        raise SystemExit("no `bigsearch` console script: install bigsearch into this Python (pip install -e .)")
    return found


def clean_env(**extra: str) -> dict:
    """The environment without any BIGSEARCH_* setting of the caller's, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIGSEARCH_")}
    env.update(extra)
    return env


def recoll_available() -> str | None:
    """None when Recoll can run here, else why not."""
    missing = [tool for tool in ("recollindex", "recollq") if not shutil.which(tool)]
    return f"{' and '.join(missing)} not installed (apt-get install recoll)" if missing else None


def recoll_config(base: Path, corpus: Path) -> Path:
    conf = base / "index-recoll"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "recoll.conf").write_text(
        f"topdirs = {corpus.resolve()}\nindexstemminglanguages = swedish\nnoaspell = 1\nloglevel = 1\n", "utf-8")
    return conf


def build_command(system: System, base: Path, corpus: Path, jsonl: Path) -> tuple[list[str], dict]:
    """The command that builds `system`'s index, and its environment."""
    out = system.index_path(base)
    if system.engine:
        return [bigsearch_command(), "index", str(corpus), "--index-dir", str(out), "--engine", system.name], clean_env()
    if system.name == "recoll":
        return ["recollindex", "-c", str(recoll_config(base, corpus)), "-z"], clean_env()
    return [sys.executable, "-m", "bench.build", system.name, str(jsonl), str(out)], bench_env()


def bench_env() -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    return clean_env(PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))


def search_command(system: System, base: Path, query: BenchQuery, facets: bool = True) -> tuple[list[str], dict]:
    """`system`'s end-to-end search: a fresh process that opens the index, searches, prints the top 10
    (a baseline that counts facets leaves them out when `facets` is false)."""
    index = system.index_path(base)
    if system.engine:
        return [bigsearch_command(), "search", *query.cli_args()], clean_env(BIGSEARCH_INDEX=str(index))
    if system.name == "recoll":
        return ["recollq", "-c", str(index), "-n", "10", "-A", "-p", "3", query.text], clean_env()
    extra = [] if facets else ["--no-facets"]
    return [sys.executable, "-m", "bench.cli", system.name, str(index), *query.cli_args(), *extra], bench_env()


# -- in-process searching --------------------------------------------------------------------------


def open_searcher(system: System, index: Path):
    """An object with search(BenchQuery, facets) -> {"total", "ids", "facets"} and close()."""
    if system.engine:
        return _Bigsearch(index)
    if system.name == "raw-tantivy":
        from bench.raw_tantivy import Searcher
    elif system.name == "fts5":
        from bench.fts5 import Searcher
    elif system.name.startswith("stock-whoosh"):
        from bench.stock_whoosh import Searcher

        return _Baseline(Searcher(index, "plain" if system.name.endswith("plain") else "swedish"))
    else:
        raise ValueError(f"{system.name} is not searched in process")
    return _Baseline(Searcher(index))


def _year_name(value) -> str:
    return "undated" if value is None else str(value)


class _Baseline:
    def __init__(self, searcher) -> None:
        self.searcher = searcher

    def search(self, query: BenchQuery, facets: bool = True) -> dict:
        answer = self.searcher.search(query.text, query.year, query.principal, limit=10, facets=facets)
        counts = {name: {(_year_name(k) if name == "year" else str(k)): v for k, v in values.items()}
                  for name, values in answer["facets"].items()}
        return {"total": answer["total"], "ids": [hit["id"] for hit in answer["hits"]], "facets": counts,
                "hits": answer["hits"]}

    def close(self) -> None:
        self.searcher.close()


class _Bigsearch:
    def __init__(self, index: Path) -> None:
        import bigsearch

        self.index = bigsearch.open_index(index, build=False)

    def search(self, query: BenchQuery, facets: bool = True) -> dict:
        result = self.index.search(query.text, limit=10, facets=facets, year=query.year_option,
                                   principal=query.principal)
        return {"total": result.total, "ids": [hit.id for hit in result.hits], "facets": result.facets,
                "hits": result.hits}

    def close(self) -> None:
        self.index.close()

"""The tantivy engine against SQLite FTS5 over the same synthetic protocols (one run, one machine).

    PYTHONPATH=$PWD python bench/tantivy_engine_bench.py CORPUS_DIR WORKDIR [INGEST_WORKERS]

Builds the tantivy engine from the files (ingest + analysis + index), writes the same paragraphs
as JSONL for FTS5, then times the query mix in-process with facets for both.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import sys
import time
from pathlib import Path

from bench.engines import QUERY_MIX, BenchQuery, Fts5, RawTantivy, fts5_build, raw_tantivy_build
from bigsearch.analysis.stemming import stem
from bigsearch.engines.interface import FACET_KEYS, And, Or, Phrase, Q, Range, Term
from bigsearch.engines.records import paragraph_records, source_record
from bigsearch.engines.tantivy_engine import TantivyEngine
from bigsearch.ingest.pipeline import discover, ingest_paths, make_ids_unique

RAW_FACETS = ("year", "principal", "person", "place")  # what the raw tantivy-py baseline counts


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _ingest(path: Path):
    from bigsearch.errors import ReadError
    from bigsearch.ingest.pipeline import ingest_file

    try:
        return path, ingest_file(path)
    except ReadError:
        return path, None


def documents(corpus: Path, workers: int):
    """(path, Document) in file order; with workers, ingest runs in other processes meanwhile."""
    if workers <= 0:
        for doc, path in zip(ingest_paths([corpus]), discover([corpus]), strict=False):
            yield path, doc
        return
    taken: dict[str, str] = {}
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for path, doc in pool.imap(_ingest, discover([corpus]), chunksize=4):
            if doc is not None:
                make_ids_unique(doc, taken, str(path))
                yield path, doc


def build(corpus: Path, index_dir: Path, jsonl: Path, workers: int) -> tuple[int, float, float]:
    """Paragraphs, wall seconds, CPU seconds (this process and its workers) of a build from files.

    Prints the CPU split: this process (analysis, tantivy's indexing thread) and the ingest workers.
    """
    shutil.rmtree(index_dir, ignore_errors=True)
    engine = TantivyEngine(index_dir)
    start, cpu = time.perf_counter(), _cpu()
    writer = engine.writer()
    count, aside = 0, 0.0
    with jsonl.open("w", encoding="utf-8") as out:
        for path, doc in documents(corpus, workers):
            key = str(path.resolve())
            records = paragraph_records(doc, key)
            writer.replace_source(source_record(doc, key, "", ""), records)
            count += len(records)
            mark = time.perf_counter()  # the JSONL for FTS5 is not part of the build
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            aside += time.perf_counter() - mark
        writer.commit()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"cpu: main process {own.ru_utime + own.ru_stime - aside:.1f} s, "
          f"ingest workers {children.ru_utime + children.ru_stime:.1f} s")
    return count, time.perf_counter() - start - aside, _cpu() - cpu - aside


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def as_q(query: BenchQuery) -> tuple[Q, Q | None]:
    """The bench query as the tree the core would send (words AND-ed, phrases, prefixes expanded)."""
    import re

    parts: list[Q] = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query.text):
        if phrase:
            parts.append(Phrase("text", tuple(stem(w) for w in re.findall(r"\w+", phrase.lower()))))
        elif word.endswith("*"):
            parts.append(("prefix", word[:-1].lower()))
        else:
            for w in re.findall(r"\w+", word.lower()):
                parts.append(Or((Term("text", stem(w)), Term("parts", stem(w), 0.3), Term("folded", stem(w), 0.5))))
    filters: list[Q] = []
    if query.year:
        filters.append(Range("year", *query.year))
    if query.principal:
        filters.append(Term("principal", query.principal))
    return parts, And(tuple(filters)) if filters else None


def main() -> None:
    corpus, work = Path(sys.argv[1]), Path(sys.argv[2])
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    work.mkdir(parents=True, exist_ok=True)
    index_dir, jsonl, db = work / "tantivy", work / "paragraphs.jsonl", work / "fts5.db"
    count, seconds, cpu = build(corpus, index_dir, jsonl, workers)
    print(f"tantivy build ({workers} ingest workers): {count} paragraphs in {seconds:.1f} s "
          f"({count / seconds:.0f}/s, cpu {cpu:.1f} s = {count / cpu:.0f} paragraphs per CPU-second), "
          f"index {TantivyEngine(index_dir).size_bytes() / 1e6:.1f} MB, peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    start = time.perf_counter()
    fts5_build(jsonl, db)
    print(f"fts5 build (from JSONL, no ingest): {time.perf_counter() - start:.1f} s, db {os.path.getsize(db) / 1e6:.1f} MB")
    start = time.perf_counter()
    raw_tantivy_build(jsonl, work / "raw-tantivy")
    raw_size = sum(p.stat().st_size for p in (work / "raw-tantivy").iterdir())
    print(f"raw tantivy-py build (from JSONL, no ingest): {time.perf_counter() - start:.1f} s, {raw_size / 1e6:.1f} MB")

    from bigsearch.search.results import Filters
    from bigsearch.search.searcher import Searcher

    engine = TantivyEngine(index_dir)
    searcher = Searcher(index_dir, engine=TantivyEngine(index_dir))
    lexicon = engine.lexicon()
    fts, raw = Fts5(db), RawTantivy(work / "raw-tantivy")
    trees = []
    for query in QUERY_MIX:
        parts, filter_ = as_q(query)
        resolved = []
        for part in parts:
            if isinstance(part, tuple):  # prefix: expand through the lexicon, capped as the core does
                terms = [t for _, t in zip(range(64), lexicon.prefixed("text", part[1]), strict=False)]
                resolved.append(Or(tuple(Term("text", t) for t in terms)))
            else:
                resolved.append(part)
        trees.append((And(tuple(resolved)), filter_))
    timings: dict[str, list[float]] = {"bigsearch+tantivy": [], "bigsearch+tantivy nofacets": [],
                                       "tantivy engine (Q)": [], "tantivy engine (Q) raw's 4 facets": [],
                                       "tantivy engine (Q) nofacets": [],
                                       "raw tantivy-py": [], "fts5": []}

    def timed(name: str, call) -> None:
        start = time.perf_counter()
        call()
        timings[name].append(time.perf_counter() - start)

    for _ in range(5):
        for (tree, filter_), query in zip(trees, QUERY_MIX, strict=True):
            filters = Filters(year=f"{query.year[0]}..{query.year[1]}" if query.year else None,
                              principal=query.principal)
            timed("bigsearch+tantivy", lambda f=filters, q=query: searcher.search(q.text, f, limit=10))
            timed("bigsearch+tantivy nofacets",
                  lambda f=filters, q=query: searcher.search(q.text, f, limit=10, facets=False))
            timed("tantivy engine (Q)",
                  lambda t=tree, f=filter_: engine.search(t, f, limit=10, facets=tuple(FACET_KEYS)))
            timed("tantivy engine (Q) raw's 4 facets",
                  lambda t=tree, f=filter_: engine.search(t, f, limit=10, facets=RAW_FACETS))
            timed("tantivy engine (Q) nofacets", lambda t=tree, f=filter_: engine.search(t, f, limit=10))
            timed("raw tantivy-py", lambda q=query: raw.search(q, limit=10, facets=True))
            timed("fts5", lambda q=query: fts.search(q, limit=10, facets=True))
    for name, values in timings.items():
        print(f"{name:34s} p50 {percentile(values, 0.5) * 1000:7.2f} ms   p95 {percentile(values, 0.95) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()

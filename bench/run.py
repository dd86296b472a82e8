"""The benchmark: bigsearch against SQLite FTS5 and stock Whoosh over the same paragraphs.

    python bench/run.py [--sizes 100,1000,10000] [--repeat 5] [--workdir bench/work]

For each corpus size it measures index build time (paragraphs/s) and peak RSS, incremental
`bigsearch index` (unchanged corpus, one file changed), query latency p50/p95 over a fixed
mix in-process with a warm searcher and end to end as a `bigsearch search` process, and
process start-up. Prints a table and writes bench/results.json with absolute figures and the
ratios bigsearch/FTS5 and bigsearch/stock Whoosh.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.engines import QUERY_MIX, BenchQuery, Bigsearch, Fts5, StockWhoosh  # noqa: E402
from bench.make_corpus import write_corpus  # noqa: E402

PYTHON = sys.executable


# -- measuring --------------------------------------------------------------------------------------


def measured_child(code: str) -> tuple[float, float]:
    """Runs `code` in a fresh Python and returns (seconds, peak RSS MiB) as it reports them."""
    wrapper = (
        "import resource, sys, time, json\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "start = time.perf_counter()\n"
        f"{code}\n"
        "elapsed = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps([elapsed, peak / 1024]))\n"
    )
    proc = subprocess.run([PYTHON, "-c", wrapper], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    seconds, peak = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, peak


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def latency(search, queries: list[BenchQuery], repeat: int) -> dict:
    for query in queries:  # warm up: caches, columns, vocabulary
        search(query)
    times: list[float] = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            search(query)
            times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "samples": len(times)}


def command_times(args: list[str], repeat: int, env=None) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "samples": len(times)}


# -- corpus ------------------------------------------------------------------------------------------


def _export_one(path: str) -> list[str]:
    from bigsearch.ingest.pipeline import ingest_file

    doc = ingest_file(Path(path))
    return [json.dumps(p.to_export(), ensure_ascii=False) for p in doc.paragraphs]


def export_paragraphs(corpus: Path, jsonl: Path) -> int:
    """The ingested paragraphs the baselines index (bigsearch ingests them itself while indexing)."""
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    count = 0
    with Pool(min(2, os.cpu_count() or 1)) as pool, jsonl.open("w", encoding="utf-8") as out:
        for lines in pool.imap(_export_one, files, chunksize=16):
            for line in lines:
                out.write(line + "\n")
            count += len(lines)
    return count


# -- one size ----------------------------------------------------------------------------------------


def bench_size(size: int, workdir: Path, repeat: int, e2e_repeat: int) -> dict:
    base = workdir / f"n{size}"
    corpus = base / "corpus"
    if not corpus.is_dir() or len(list(corpus.glob("*.txt"))) != size:
        shutil.rmtree(corpus, ignore_errors=True)
        write_corpus(size, corpus, seed=1)
    jsonl = base / "paragraphs.jsonl"
    paragraphs = export_paragraphs(corpus, jsonl)
    print(f"[{size}] {paragraphs} paragraphs", flush=True)
    result: dict = {"protocols": size, "paragraphs": paragraphs}

    big_index, fts_db, stock_index = base / "bigsearch-index", base / "fts5.sqlite", base / "stock-whoosh"
    # name -> (module, function, its arguments, the output to start afresh, what it builds from)
    builds = {
        "bigsearch_build": ("bigsearch.index.writer", "sync", f"Path({str(big_index)!r}), [Path({str(corpus)!r})]",
                            big_index, "from the protocol files, ingest included"),
        "fts5_build": ("bench.engines", "fts5_build", f"Path({str(jsonl)!r}), Path({str(fts_db)!r})",
                       fts_db, "from already-ingested paragraphs"),
        "stock_whoosh_build": ("bench.engines", "stock_whoosh_build", f"Path({str(jsonl)!r}), Path({str(stock_index)!r})",
                               stock_index, "from already-ingested paragraphs"),
    }
    for name, (module, function, arguments, output, note) in builds.items():
        if output.is_dir():
            shutil.rmtree(output)
        elif output.exists():
            output.unlink()
        seconds, peak = measured_child(f"from pathlib import Path\nfrom {module} import {function}\n{function}({arguments})")
        result[name] = {"seconds": seconds, "paragraphs_per_s": paragraphs / seconds, "peak_rss_mib": peak, "note": note}
        print(f"[{size}] {name} {seconds:.1f}s", flush=True)

    env = {**os.environ, "BIGSEARCH_INDEX": str(big_index)}
    cli = [PYTHON, "-m", "bigsearch"]
    start = time.perf_counter()
    subprocess.run([*cli, "index", str(corpus)], capture_output=True, env=env, check=True)
    noop = time.perf_counter() - start
    victim = sorted(corpus.glob("*.txt"))[size // 2]
    original = victim.read_text("utf-8")
    victim.write_text(original.replace("Dagordningen godkändes.", "Dagordningen godkändes med en ändring."), "utf-8")
    start = time.perf_counter()
    subprocess.run([*cli, "index", str(corpus)], capture_output=True, env=env, check=True)
    one_changed = time.perf_counter() - start
    victim.write_text(original, "utf-8")
    subprocess.run([*cli, "index", str(corpus)], capture_output=True, env=env, check=True)
    result["incremental"] = {"noop_s": noop, "one_changed_s": one_changed}
    print(f"[{size}] incremental no-op {noop:.2f}s, one changed {one_changed:.2f}s", flush=True)

    big = Bigsearch(big_index)
    fts = Fts5(fts_db)
    stock = StockWhoosh(stock_index)
    result["query_in_process"] = {
        "bigsearch": latency(lambda query: big.search(query), QUERY_MIX, repeat),
        "bigsearch_no_facets": latency(lambda query: big.search(query, facets=False), QUERY_MIX, repeat),
        "fts5": latency(lambda query: fts.search(query), QUERY_MIX, repeat),
        "fts5_no_facets": latency(lambda query: fts.search(query, facets=False), QUERY_MIX, repeat),
        "stock_whoosh": latency(lambda query: stock.search(query), QUERY_MIX, repeat),
    }
    result["per_query_ms"] = {query.label: _per_query(query, big, fts, stock) for query in QUERY_MIX}
    e2e_queries = [q for q in QUERY_MIX if not q.year and not q.principal][:10]
    times = []
    for _ in range(e2e_repeat):
        for query in e2e_queries:
            start = time.perf_counter()
            subprocess.run([*cli, "search", query.text, "--limit", "10"], capture_output=True, env=env)
            times.append((time.perf_counter() - start) * 1000)
    result["query_end_to_end"] = {"bigsearch_p50_ms": percentile(times, 0.5), "bigsearch_p95_ms": percentile(times, 0.95)}
    print(f"[{size}] queries done", flush=True)
    return result


def _per_query(query: BenchQuery, big, fts, stock) -> dict:
    return {
        "bigsearch": _one(lambda: big.search(query)), "fts5": _one(lambda: fts.search(query)),
        "stock_whoosh": _one(lambda: stock.search(query)), "hits_bigsearch": big.search(query)[1],
        "hits_fts5": fts.search(query)[1],
    }


def _one(call, repeat: int = 3) -> float:
    call()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def startup(index_dir: Path, repeat: int) -> dict:
    env = {**os.environ, "BIGSEARCH_INDEX": str(index_dir)}
    bigsearch = [str(Path(PYTHON).parent / "bigsearch")] if (Path(PYTHON).parent / "bigsearch").exists() else [
        PYTHON, "-m", "bigsearch"]
    return {
        "bare_python": command_times([PYTHON, "-c", "pass"], repeat),
        "whoosh_import": command_times([PYTHON, "-c", "import whoosh.index, whoosh.qparser, whoosh.searching"], repeat),
        "bigsearch_help": command_times([*bigsearch, "--help"], repeat, env),
        "bigsearch_search": command_times([*bigsearch, "search", "Andersberg"], repeat, env),
    }


def ratios(results: dict) -> dict:
    out: dict = {}
    for size, row in results["sizes"].items():
        q = row["query_in_process"]
        out[size] = {
            "query_p50_bigsearch_over_fts5": q["bigsearch"]["p50_ms"] / q["fts5"]["p50_ms"],
            "query_p95_bigsearch_over_fts5": q["bigsearch"]["p95_ms"] / q["fts5"]["p95_ms"],
            "query_p50_bigsearch_over_stock_whoosh": q["bigsearch"]["p50_ms"] / q["stock_whoosh"]["p50_ms"],
            "build_rate_bigsearch_over_fts5": row["bigsearch_build"]["paragraphs_per_s"] / row["fts5_build"]["paragraphs_per_s"],
            "build_rate_bigsearch_over_stock_whoosh": row["bigsearch_build"]["paragraphs_per_s"]
            / row["stock_whoosh_build"]["paragraphs_per_s"],
        }
    s = results["startup"]
    out["startup"] = {
        "bigsearch_search_over_whoosh_import": s["bigsearch_search"]["p50_ms"] / s["whoosh_import"]["p50_ms"],
        "bigsearch_help_over_whoosh_import": s["bigsearch_help"]["p50_ms"] / s["whoosh_import"]["p50_ms"],
    }
    return out


def print_table(results: dict) -> None:
    print()
    print(f"{'size':>7} {'paras':>8} | {'build p/s big':>13} {'fts5':>9} {'stock':>8} | {'RSS MiB':>7} | "
          f"{'no-op s':>7} {'1 chg s':>7} | {'q p50 big':>9} {'fts5':>7} {'stock':>7} | {'q p95 big':>9} {'fts5':>7} | {'e2e p50':>7}")
    for size, row in results["sizes"].items():
        q = row["query_in_process"]
        print(
            f"{size:>7} {row['paragraphs']:>8} | {row['bigsearch_build']['paragraphs_per_s']:>13.0f} "
            f"{row['fts5_build']['paragraphs_per_s']:>9.0f} {row['stock_whoosh_build']['paragraphs_per_s']:>8.0f} | "
            f"{row['bigsearch_build']['peak_rss_mib']:>7.0f} | {row['incremental']['noop_s']:>7.2f} "
            f"{row['incremental']['one_changed_s']:>7.2f} | {q['bigsearch']['p50_ms']:>9.1f} {q['fts5']['p50_ms']:>7.1f} "
            f"{q['stock_whoosh']['p50_ms']:>7.1f} | {q['bigsearch']['p95_ms']:>9.1f} {q['fts5']['p95_ms']:>7.1f} | "
            f"{row['query_end_to_end']['bigsearch_p50_ms']:>7.0f}"
        )
    s = results["startup"]
    print()
    print("start-up p50 ms: " + ", ".join(f"{name} {value['p50_ms']:.0f}" for name, value in s.items()))
    print()
    for size, row in results["ratios"].items():
        print(f"ratios {size}: " + ", ".join(f"{name} {value:.2f}" for name, value in row.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--e2e-repeat", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=HERE / "work")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "query_mix": [q.label for q in QUERY_MIX],
        "sizes": {},
    }
    for size in sizes:
        results["sizes"][str(size)] = bench_size(size, args.workdir, args.repeat, args.e2e_repeat)
        results["startup"] = startup(args.workdir / f"n{sizes[0]}" / "bigsearch-index", 10)
        results["ratios"] = ratios(results)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()

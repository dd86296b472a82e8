"""The benchmark: bigsearch's engines (whoosh, tantivy) against SQLite FTS5, raw tantivy-py and stock
Whoosh over the same paragraphs, in one run on one machine.

    python bench/run.py [--sizes 1000,10000] [--repeat 3] [--workdir bench/work]

For each corpus size and engine it measures: the build from the protocol files (`bigsearch index
--engine E`, ingest included) as paragraphs/s and CPU-seconds, peak memory of the whole process
tree (workers summed), index size, a no-op and a one-file re-index, query latency p50/p95 over the
fixed mix in-process through the public API (with facets, and without), and `bigsearch search` end
to end over the whole mix. The baselines build from the already-ingested paragraphs. Start-up is
timed against `python -c "import tantivy"` and `import whoosh…`. Ratios come from the same run.
Prints a table and writes bench/results.json.
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

from bench.engines import QUERY_MIX, BenchQuery, Fts5, RawTantivy  # noqa: E402
from bench.make_corpus import write_corpus  # noqa: E402
from bigsearch.engines.registry import ENGINES as ENGINE_TABLE  # noqa: E402

PYTHON = sys.executable
ENGINES = tuple(name for name, entry in ENGINE_TABLE.items() if entry.embedded)  # built on this machine
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- measuring --------------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return tree


def _tree_rss(root: int) -> int:
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo.extend(tree.get(pid, []))
    return total


def measured(args: list[str], env=None) -> dict:
    """Wall and CPU seconds (the process and every child it reaped) and the peak RSS of the whole tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    usage = __import__("resource").getrusage(__import__("resource").RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}")
    return {"seconds": wall, "cpu_total_children": usage.ru_utime + usage.ru_stime, "peak_tree_rss_mib": peak / 2**20}


def run_measured(args: list[str], env=None) -> dict:
    """`measured`, with CPU-seconds of this command alone (the difference of the children totals)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = measured(args, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result.pop("cpu_total_children")
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


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


def command_times(commands: list[list[str]], repeat: int, env=None) -> dict:
    times = []
    for _ in range(repeat):
        for args in commands:
            start = time.perf_counter()
            subprocess.run(args, capture_output=True, env=env)
            times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "samples": len(times)}


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- corpus ------------------------------------------------------------------------------------------


def _export_one(path: str) -> list[str]:
    from bigsearch.ingest.pipeline import ingest_file

    doc = ingest_file(Path(path))
    attendees = [a.name for a in doc.attendees]
    return [json.dumps({**p.to_export(), "attendees": attendees}, ensure_ascii=False) for p in doc.paragraphs]


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


# -- the engines through the public API ---------------------------------------------------------------


class Api:
    def __init__(self, index_dir: Path) -> None:
        import bigsearch

        self.index = bigsearch.open_index(index_dir, build=False)

    def search(self, query: BenchQuery, limit: int = 10, facets: bool = True):
        year = f"{query.year[0]}..{query.year[1]}" if query.year else None
        result = self.index.search(query.text, limit=limit, facets=facets, year=year, principal=query.principal)
        return [hit.id for hit in result.hits], result.total, result.facets


def search_args(query: BenchQuery) -> list[str]:
    args = ["search", query.text, "--limit", "10"]
    if query.year:
        args += ["--year", f"{query.year[0]}..{query.year[1]}"]
    if query.principal:
        args += ["--principal", query.principal]
    return args


STOCK_WHOOSH_LATENCY = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from bench.engines import QUERY_MIX, StockWhoosh
from bench.run import latency
stock = StockWhoosh(Path({index!r}))  # no bigsearch module is imported: Whoosh as shipped, no patches
print(json.dumps(latency(lambda q: stock.search(q), QUERY_MIX, {repeat})))
"""


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
    result: dict = {"protocols": size, "paragraphs": paragraphs, "engines": {}, "baselines": {}}
    cli = [PYTHON, "-m", "bigsearch"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    for engine in ENGINES:
        index_dir = base / f"index-{engine}"
        shutil.rmtree(index_dir, ignore_errors=True)
        build = run_measured([*cli, "index", str(corpus), "--index-dir", str(index_dir), "--engine", engine], env)
        build["paragraphs_per_s"] = paragraphs / build["seconds"]
        build["paragraphs_per_cpu_s"] = paragraphs / build["cpu_seconds"]
        row: dict = {"build": build, "index_bytes": folder_bytes(index_dir)}
        print(f"[{size}] {engine} build {build['seconds']:.1f}s ({build['paragraphs_per_s']:.0f}/s)", flush=True)
        noop = run_measured([*cli, "index", str(corpus), "--index-dir", str(index_dir)], env)
        victim = sorted(corpus.glob("*.txt"))[size // 2]
        original = victim.read_text("utf-8")
        victim.write_text(original.replace("Dagordningen godkändes.", "Dagordningen godkändes med en ändring."), "utf-8")
        one = run_measured([*cli, "index", str(corpus), "--index-dir", str(index_dir)], env)
        victim.write_text(original, "utf-8")
        subprocess.run([*cli, "index", str(corpus), "--index-dir", str(index_dir)], capture_output=True, env=env,
                       check=True)
        row["reindex"] = {"noop_s": noop["seconds"], "one_changed_s": one["seconds"]}
        api = Api(index_dir)
        row["query_in_process"] = {
            "facets": latency(lambda q, api=api: api.search(q), QUERY_MIX, repeat),
            "no_facets": latency(lambda q, api=api: api.search(q, facets=False), QUERY_MIX, repeat),
        }
        api.index.close()
        engine_env = {**env, "BIGSEARCH_INDEX": str(index_dir)}
        row["search_end_to_end"] = command_times([[*cli, *search_args(q)] for q in QUERY_MIX], e2e_repeat, engine_env)
        result["engines"][engine] = row
        print(f"[{size}] {engine} queries p95 {row['query_in_process']['facets']['p95_ms']:.1f} ms", flush=True)

    baselines = {
        "fts5": ("fts5_build", base / "fts5.sqlite"),
        "raw_tantivy": ("raw_tantivy_build", base / "raw-tantivy"),
        "stock_whoosh": ("stock_whoosh_build", base / "stock-whoosh"),
    }
    for name, (function, output) in baselines.items():
        shutil.rmtree(output, ignore_errors=True) if output.is_dir() else output.unlink(missing_ok=True)
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
                f"from bench.engines import {function}; {function}(Path({str(jsonl)!r}), Path({str(output)!r}))")
        build = run_measured([PYTHON, "-c", code])
        build["paragraphs_per_s"] = paragraphs / build["seconds"]
        result["baselines"][name] = {"build": build, "index_bytes": folder_bytes(output)}
        print(f"[{size}] {name} build {build['seconds']:.1f}s", flush=True)
    fts, raw = Fts5(base / "fts5.sqlite"), RawTantivy(base / "raw-tantivy")
    result["baselines"]["fts5"]["query_in_process"] = {
        "facets": latency(lambda q: fts.search(q), QUERY_MIX, repeat),
        "no_facets": latency(lambda q: fts.search(q, facets=False), QUERY_MIX, repeat),
    }
    result["baselines"]["raw_tantivy"]["query_in_process"] = {
        "facets": latency(lambda q: raw.search(q), QUERY_MIX, repeat),
        "no_facets": latency(lambda q: raw.search(q, facets=False), QUERY_MIX, repeat),
    }
    stock = subprocess.run([PYTHON, "-c", STOCK_WHOOSH_LATENCY.format(root=str(ROOT), index=str(base / "stock-whoosh"),
                                                                     repeat=repeat)],
                           capture_output=True, text=True, check=True)
    result["baselines"]["stock_whoosh"]["query_in_process"] = {"no_facets": json.loads(stock.stdout.splitlines()[-1])}
    return result


def startup(workdir: Path, size: int, repeat: int) -> dict:
    cli = [PYTHON, "-m", "bigsearch"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = {
        "bare_python": command_times([[PYTHON, "-c", "pass"]], repeat),
        "import_tantivy": command_times([[PYTHON, "-c", "import tantivy"]], repeat),
        "import_whoosh": command_times([[PYTHON, "-c", "import whoosh.index, whoosh.qparser, whoosh.searching"]], repeat),
        "bigsearch_help": command_times([[*cli, "--help"]], repeat, env),
    }
    for engine in ENGINES:
        engine_env = {**env, "BIGSEARCH_INDEX": str(workdir / f"n{size}" / f"index-{engine}")}
        out[f"bigsearch_search_{engine}"] = command_times([[*cli, "search", "Andersberg"]], repeat, engine_env)
    return out


def ratios(results: dict) -> dict:
    out: dict = {}
    for size, row in results["sizes"].items():
        fts, raw = row["baselines"]["fts5"], row["baselines"]["raw_tantivy"]
        entry = {}
        for engine, data in row["engines"].items():
            q = data["query_in_process"]["facets"]
            entry[engine] = {
                "query_p95_over_fts5": q["p95_ms"] / fts["query_in_process"]["facets"]["p95_ms"],
                "query_p95_over_raw_tantivy": q["p95_ms"] / raw["query_in_process"]["facets"]["p95_ms"],
                "index_size_over_fts5": data["index_bytes"] / fts["index_bytes"],
                "build_rate_over_fts5": data["build"]["paragraphs_per_s"] / fts["build"]["paragraphs_per_s"],
                "search_end_to_end_over_import_tantivy":
                    data["search_end_to_end"]["p50_ms"] / results["startup"]["import_tantivy"]["p50_ms"],
            }
        out[size] = entry
    return out


def print_table(results: dict) -> None:
    print()
    header = (f"{'size':>6} {'engine':>12} | {'build p/s':>9} {'CPU s':>6} {'RSS MiB':>7} {'MB':>6} | {'no-op s':>7} "
              f"{'1 chg s':>7} | {'p50 ms':>7} {'p95 ms':>7} {'p95 nf':>7} | {'e2e p50':>7}")
    print(header)
    for size, row in results["sizes"].items():
        for name, data in [*row["engines"].items(), *row["baselines"].items()]:
            build = data["build"]
            q = data.get("query_in_process", {})
            facets, plain = q.get("facets", {}), q.get("no_facets", {})
            reindex = data.get("reindex", {})
            e2e = data.get("search_end_to_end", {})
            print(f"{size:>6} {name:>12} | {build['paragraphs_per_s']:>9.0f} {build['cpu_seconds']:>6.1f} "
                  f"{build['peak_tree_rss_mib']:>7.0f} {data['index_bytes'] / 1e6:>6.1f} | "
                  f"{reindex.get('noop_s', float('nan')):>7.2f} {reindex.get('one_changed_s', float('nan')):>7.2f} | "
                  f"{facets.get('p50_ms', float('nan')):>7.1f} {facets.get('p95_ms', float('nan')):>7.1f} "
                  f"{plain.get('p95_ms', float('nan')):>7.1f} | {e2e.get('p50_ms', float('nan')):>7.0f}")
    print()
    print("start-up p50 ms: " + ", ".join(f"{k} {v['p50_ms']:.0f}" for k, v in results["startup"].items()))
    for size, row in results["ratios"].items():
        for engine, values in row.items():
            print(f"ratios {size} {engine}: " + ", ".join(f"{k} {v:.2f}" for k, v in values.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--e2e-repeat", type=int, default=1)
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
        results["startup"] = startup(args.workdir, sizes[0], 10)
        results["ratios"] = ratios(results)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()

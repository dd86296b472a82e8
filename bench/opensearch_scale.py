"""The opensearch engine at scale, side by side with tantivy in the same run on the same machine.

    tests/opensearch-node/start --nodes 3          # three loopback nodes (prints the URL)
    nice python bench/opensearch_scale.py --url http://127.0.0.1:19200 [--protocols 10000] [--shards 3]

Generates the protocols (bench/run.py's corpus, reused while the generator is unchanged), builds them with
`bigsearch index --engine tantivy` and `--engine opensearch` (ingest included; CPU-seconds of the
bigsearch process tree and of the cluster's JVMs, read from their PIDs in the node work folder),
reports index size once the replicas are in place (primaries, and with replicas), and query
latency p50/p95 through the public API over bench/queries.py's query mix with facets — the two
engines measured in alternating rounds, so that load on the shared cores falls on both alike —
with the HTTP requests and the CPU milliseconds (bigsearch's process, the cluster's JVMs) per
search: CPU time, unlike wall time, does not grow when other work shares the cores, and the
load average is recorded beside it. Writes bench/opensearch_scale.json and prints a table.
Deletes its cluster index at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import measure  # noqa: E402
from bench.queries import QUERY_MIX, BenchQuery  # noqa: E402
from bench.run import ensure_corpus, folder_bytes, ingest  # noqa: E402
from bench.systems import bench_env  # noqa: E402

PYTHON = sys.executable
NODE_WORK = Path(os.environ.get("BIGSEARCH_OPENSEARCH_WORK") or ROOT / "tests" / "opensearch-node" / "work")
TICKS = os.sysconf("SC_CLK_TCK")


def cluster_cpu_seconds() -> float:
    """User + system CPU of the test nodes' JVMs so far (0 when their PIDs are not known here)."""
    total = 0.0
    for pidfile in NODE_WORK.glob("node-*.pid"):
        try:
            with open(f"/proc/{pidfile.read_text().strip()}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
        except (OSError, ValueError, IndexError):
            continue
    return total


def store_bytes(client, alias: str) -> dict:
    stats = client.indices.stats(index=alias, metric="store")["_all"]
    return {"primaries": stats["primaries"]["store"]["size_in_bytes"], "total": stats["total"]["store"]["size_in_bytes"]}


class Api:
    """bigsearch's public API on one index, answering a BenchQuery with facets."""

    def __init__(self, index_dir: Path) -> None:
        import bigsearch

        self.index = bigsearch.open_index(index_dir, build=False)

    def search(self, query: BenchQuery) -> None:
        self.index.search(query.text, limit=10, year=query.year_option, principal=query.principal)


def latency(api: Api) -> dict:
    """The query mix once to warm up, then once timed: p50 and p95 in milliseconds."""
    for query in QUERY_MIX:
        api.search(query)
    times = []
    for query in QUERY_MIX:
        start = time.perf_counter()
        api.search(query)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": measure.quantile(times, 0.5), "p95_ms": measure.quantile(times, 0.95)}


class Counted:
    """The opensearch engine's HTTP requests, counted per search."""

    def __init__(self, api: Api) -> None:
        self.requests = 0
        transport = api.index.searcher.engine.client.transport
        original = transport.perform_request

        def counted(*args, **kwargs):
            self.requests += 1
            return original(*args, **kwargs)

        transport.perform_request = counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BIGSEARCH_TEST_OPENSEARCH_URL", "http://127.0.0.1:19200"))
    parser.add_argument("--protocols", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / "work")
    parser.add_argument("--out", type=Path, default=HERE / "opensearch_scale.json")
    args = parser.parse_args()

    from bigsearch.engines.opensearch_client import make_client

    client = make_client(args.url)
    nodes = client.cat.nodes(format="json")
    base = args.workdir / f"n{args.protocols}"
    base.mkdir(parents=True, exist_ok=True)
    corpus = ensure_corpus(base, args.protocols, seed=1)
    _, paragraphs = ingest(corpus, base / "paragraphs.jsonl")
    print(f"{args.protocols} protocols, {paragraphs} paragraphs; {len(nodes)} OpenSearch nodes", flush=True)
    cli = [PYTHON, "-m", "bigsearch"]
    env = bench_env()
    alias = f"bench-scale-{args.protocols}"
    results: dict = {"protocols": args.protocols, "paragraphs": paragraphs, "nodes": len(nodes),
                     "cores": os.cpu_count(), "shards": args.shards, "replicas": args.replicas, "engines": {}}

    builds = {
        "tantivy": ["--engine", "tantivy"],
        "opensearch": ["--engine", "opensearch", "--url", args.url, "--index-name", alias, "--rebuild",
                       "--shards", str(args.shards), "--replicas", str(args.replicas)],
    }
    try:
        for engine, options in builds.items():
            index_dir = base / f"scale-index-{engine}"
            shutil.rmtree(index_dir, ignore_errors=True)
            jvm_before = cluster_cpu_seconds()
            run = measure.run([*cli, "index", str(corpus), "--index-dir", str(index_dir), *options], env, tree=True)
            build = {"seconds": run.wall_s, "cpu_seconds": run.cpu_s, "peak_tree_rss_mib": run.peak_rss_mib,
                     "paragraphs_per_s": paragraphs / run.wall_s,
                     "cluster_cpu_seconds": cluster_cpu_seconds() - jvm_before if engine == "opensearch" else 0.0}
            row: dict = {"build": build, "index_dir": str(index_dir)}
            if engine == "opensearch":
                waited = time.perf_counter()
                health = client.cluster.health(index=alias, wait_for_status="green", params={"timeout": "1800s"},
                                               request_timeout=1900)
                row["seconds_to_green"] = time.perf_counter() - waited
                row["status"] = health["status"]
                row["index_bytes"] = store_bytes(client, alias)
            else:
                row["index_bytes"] = {"primaries": folder_bytes(index_dir), "total": folder_bytes(index_dir)}
            results["engines"][engine] = row
            print(f"{engine}: build {build['seconds']:.0f} s, {build['paragraphs_per_s']:.0f} paragraphs/s, "
                  f"{row['index_bytes']['primaries'] / 1e6:.0f} MB", flush=True)

        apis = {engine: Api(Path(row["index_dir"])) for engine, row in results["engines"].items()}
        counter = Counted(apis["opensearch"])
        samples: dict[str, list[dict]] = {engine: [] for engine in apis}
        results["load_average_before_queries"] = os.getloadavg()
        for _ in range(args.repeat):  # alternating rounds: both engines see the same load
            for engine, api in apis.items():
                before, cpu, jvm = counter.requests, time.process_time(), cluster_cpu_seconds()
                sample = latency(api)
                searches = 2 * len(QUERY_MIX)  # latency() warms up with the mix, then runs it once
                sample["client_cpu_ms_per_search"] = (time.process_time() - cpu) * 1000 / searches
                sample["cluster_cpu_ms_per_search"] = (cluster_cpu_seconds() - jvm) * 1000 / searches
                if engine == "opensearch":
                    sample["requests_per_search"] = (counter.requests - before) / searches
                samples[engine].append(sample)
        results["load_average_after_queries"] = os.getloadavg()
        for engine, rounds in samples.items():
            row = results["engines"][engine]
            row["query_p50_ms"] = sorted(r["p50_ms"] for r in rounds)[len(rounds) // 2]
            row["query_p95_ms"] = sorted(r["p95_ms"] for r in rounds)[len(rounds) // 2]
            for key in ("client_cpu_ms_per_search", "cluster_cpu_ms_per_search"):
                row[key] = sorted(r[key] for r in rounds)[len(rounds) // 2]
            if engine == "opensearch":
                row["requests_per_search"] = max(r["requests_per_search"] for r in rounds)
            apis[engine].index.close()
    finally:
        for index in client.indices.get(index=f"{alias}-*"):
            client.indices.delete(index=index)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(f"load average: {results['load_average_before_queries'][0]:.1f} before the queries, "
          f"{results['load_average_after_queries'][0]:.1f} after ({results['cores']} cores)")
    print(f"{'engine':>10} | {'build s':>7} {'par./s':>7} {'CPU s':>7} {'JVM CPU s':>9} {'RSS MiB':>7} | "
          f"{'MB prim.':>8} {'MB total':>8} {'B/par.':>6} | {'p50 ms':>6} {'p95 ms':>6} {'req/q':>5} "
          f"{'CPU ms/q':>8} {'JVM ms/q':>8}")
    for engine, row in results["engines"].items():
        build, size = row["build"], row["index_bytes"]
        print(f"{engine:>10} | {build['seconds']:>7.0f} {build['paragraphs_per_s']:>7.0f} {build['cpu_seconds']:>7.0f} "
              f"{build['cluster_cpu_seconds']:>9.0f} {build['peak_tree_rss_mib']:>7.0f} | {size['primaries'] / 1e6:>8.0f} "
              f"{size['total'] / 1e6:>8.0f} {size['primaries'] / paragraphs:>6.0f} | {row['query_p50_ms']:>6.1f} "
              f"{row['query_p95_ms']:>6.1f} {row.get('requests_per_search', 0):>5.1f} "
              f"{row['client_cpu_ms_per_search']:>8.1f} {row['cluster_cpu_ms_per_search']:>8.1f}")
    tantivy, cluster = results["engines"]["tantivy"], results["engines"]["opensearch"]
    print(f"opensearch / tantivy: build rate {cluster['build']['paragraphs_per_s'] / tantivy['build']['paragraphs_per_s']:.2f}, "
          f"p95 {cluster['query_p95_ms'] / tantivy['query_p95_ms']:.2f}, "
          f"size {cluster['index_bytes']['primaries'] / tantivy['index_bytes']['primaries']:.2f}")
    cpu = cluster["build"]["cpu_seconds"] + cluster["build"]["cluster_cpu_seconds"]
    print(f"build CPU: tantivy {paragraphs / tantivy['build']['cpu_seconds']:.0f} paragraphs per CPU-second, "
          f"opensearch {paragraphs / cpu:.0f} (bigsearch {paragraphs / cluster['build']['cpu_seconds']:.0f}, "
          f"cluster {paragraphs / max(cluster['build']['cluster_cpu_seconds'], 1e-9):.0f})")
    print(f"at this build rate 100,000 protocols would take "
          f"{100_000 * paragraphs / args.protocols / cluster['build']['paragraphs_per_s'] / 60:.0f} minutes")


if __name__ == "__main__":
    main()

"""The benchmark: bigsearch's engines against baselines doing the same work, in one run on one machine.

    python bench/run.py --quick                  # 300 protocols, 1 round: a few minutes, for development
    python bench/run.py                          # 1,000 and 10,000 protocols, 5 rounds (results.json)
    python bench/run.py --with-30k               # and the tantivy engine's p95 at 30,000 protocols
    python bench/run.py --sizes 1000 --systems tantivy,raw-tantivy --out /tmp/r.json

For each size:
1. ingest: bigsearch's ingest of the generated protocol files into paragraph records, timed in
   its own process: every baseline's "ingest" CPU-seconds (bench/ingest.py);
2. build: each engine with `bigsearch index --engine E` from the files (ingest included; its
   "engine" share is the total less the separately timed ingest), each baseline from the
   records (its "engine" share), Recoll with recollindex over the files; CPU-seconds of the
   whole process tree, wall time, peak memory, index size; a no-op and a one-file re-index;
3. in process: every system in its own long-lived process; an untimed pass checks that the
   like-for-like systems find the same totals and facet counts as bigsearch, then several
   rounds in which, query by query, every system answers in turn (order rotating), with and
   without facets, each timed (CPU and wall) inside the process that searches;
4. end to end: `bigsearch search Q` (a fresh process) for the whole query mix and each engine,
   interleaved with `python -c "import tantivy"` and `python -c pass`; then `search och` and
   `search RAREWORD` for every system (the baselines through bench/cli.py, Recoll through
   recollq), CPU-seconds and peak memory of the process tree, exit codes checked.
Queries without hits are reported and left out of every system's statistics. Targets (issue
25) are printed with their measured figure and met/missed. Results go to --out (JSON; read by
bench/report.py, which prints the README's tables).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import measure  # noqa: E402
from bench.make_corpus import write_corpus  # noqa: E402
from bench.queries import COMMON_WORD, QUERY_MIX, BenchQuery, rare_word  # noqa: E402
from bench.systems import (  # noqa: E402
    BY_NAME,
    SYSTEMS,
    System,
    bench_env,
    bigsearch_command,
    build_command,
    clean_env,
    recoll_available,
    search_command,
)

SCHEMA = 1
PRESETS = {
    "quick": {"sizes": [300], "rounds": 1, "e2e_rounds": 1, "cli_rounds": 1},
    "full": {"sizes": [1000, 10000], "rounds": 5, "e2e_rounds": 3, "cli_rounds": 5},
}
REFERENCE = "tantivy"  # the totals and facets every like-for-like system is checked against
STARTUP = {"python": ["-c", "pass"], "import tantivy": ["-c", "import tantivy"]}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def rotated(items: list, shift: int) -> list:
    """The same items starting elsewhere, so that no system always goes first (or after another)."""
    if not items:
        return items
    shift %= len(items)
    return items[shift:] + items[:shift]


# -- corpus and ingest --------------------------------------------------------------------------------


def _generator_digest(seed: int, size: int) -> str:
    digest = hashlib.sha256(f"{size}:{seed}".encode())
    inputs = [HERE / "make_corpus.py", *sorted((ROOT / "corpus").glob("*.txt")),
              *(ROOT / "bigsearch" / "data" / name for name in ("principals.toml", "places.toml", "firstnames.txt"))]
    for path in inputs:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_corpus(base: Path, size: int, seed: int) -> Path:
    """The generated corpus of `size` protocols, reused while the generator and its inputs are unchanged."""
    corpus, stamp = base / "corpus", base / "corpus.stamp"
    digest = _generator_digest(seed, size)
    if not (stamp.exists() and stamp.read_text() == digest and corpus.is_dir()):
        shutil.rmtree(corpus, ignore_errors=True)
        log(f"[{size}] generating {size} protocols")
        write_corpus(size, corpus, seed=seed)
        stamp.write_text(digest)
    return corpus


def ingest(corpus: Path, jsonl: Path) -> tuple[dict, int]:
    run = measure.run([sys.executable, "-m", "bench.ingest", str(corpus), str(jsonl)], bench_env())
    return run.as_dict(), json.loads(run.stdout)["paragraphs"]


# -- builds -----------------------------------------------------------------------------------------


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(system: System, base: Path, corpus: Path, jsonl: Path, ingest_cpu: float) -> dict:
    index = system.index_path(base)
    if index.is_dir():
        shutil.rmtree(index)
    index.unlink(missing_ok=True)
    args, env = build_command(system, base, corpus, jsonl)
    run = measure.run(args, env, tree=True)
    row = run.as_dict()
    if system.engine:  # ingest and indexing in one run: the engine share is what the ingest alone does not cost
        row.update(total_cpu_s=run.cpu_s, ingest_cpu_s=ingest_cpu, engine_cpu_s=run.cpu_s - ingest_cpu,
                   analysis_cpu_s=None)
    elif system.name == "recoll":  # its own extraction from the files: not separable
        row.update(total_cpu_s=run.cpu_s, ingest_cpu_s=None, engine_cpu_s=None, analysis_cpu_s=None)
    else:
        info = json.loads(run.stdout)
        row.update(total_cpu_s=ingest_cpu + run.cpu_s, ingest_cpu_s=ingest_cpu, engine_cpu_s=run.cpu_s,
                   analysis_cpu_s=info["analysis_cpu_s"])
    data = index / "xapiandb" if system.name == "recoll" else index
    row["index_mb"] = folder_bytes(data) / 1e6
    return row


def reindex(system: System, base: Path, corpus: Path) -> dict:
    """A no-op re-index and one with one file changed, through `bigsearch index` (the engine is remembered)."""
    args = [bigsearch_command(), "index", str(corpus), "--index-dir", str(system.index_path(base))]
    noop = measure.run(args, clean_env())
    victim = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
    original = victim.read_bytes()
    victim.write_bytes(original.replace("Dagordningen godkändes.".encode(), "Dagordningen godkändes med en ändring.".encode()))
    try:
        changed = measure.run(args, clean_env())
    finally:
        victim.write_bytes(original)
        measure.run(args, clean_env())  # back to the state every other measurement sees
    return {"noop": noop.as_dict(), "one_changed": changed.as_dict()}


# -- in process ---------------------------------------------------------------------------------------


class Worker:
    """One system's long-lived search process (bench/worker.py)."""

    def __init__(self, system: System, index: Path, logs: Path) -> None:
        self.system = system
        self.log = (logs / f"worker-{system.name}.log").open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.worker", system.name, str(index)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     env=bench_env(), text=True, encoding="utf-8")
        self.opened = self._reply()

    def _reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.system.name} worker stopped; see {self.log.name}")
        return json.loads(line)

    def ask(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._reply()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()
        self.log.close()


def _facet_fingerprint(facets: dict | None) -> dict:
    return {name: sorted((str(k), v) for k, v in values.items() if v) for name, values in (facets or {}).items()}


def agreement(details: dict[str, list[dict]], reference: str) -> dict:
    """Queries on which a like-for-like system's total or facet counts differ from the reference's."""
    out = {}
    for name, answers in details.items():
        if name == reference or not BY_NAME[name].like_for_like:
            continue
        totals, facets, overlap = [], [], []
        for query, mine, theirs in zip(QUERY_MIX, answers, details[reference], strict=True):
            if mine["total"] != theirs["total"]:
                totals.append(f"{query.label}: {mine['total']} vs {theirs['total']}")
            elif mine["facets"] is not None and _facet_fingerprint(mine["facets"]) != _facet_fingerprint(theirs["facets"]):
                facets.append(query.label)
            if theirs["ids"]:
                overlap.append(len(set(mine["ids"]) & set(theirs["ids"])) / len(theirs["ids"]))
        out[name] = {"totals_differ": totals, "facets_differ": facets,
                     "top10_overlap": sum(overlap) / len(overlap) if overlap else None}
    return out


def in_process(systems: list[System], base: Path, rounds: int, protocols: int) -> dict:
    logs = base / "logs"
    logs.mkdir(exist_ok=True)
    workers = {s.name: Worker(s, s.index_path(base), logs) for s in systems if s.in_process}
    faceted = {name for name, w in workers.items() if w.system.counts_facets(protocols)}
    try:
        # An untimed pass: warms every system's caches and records what each one finds.
        details = {name: [w.ask(query=i, facets=name in faceted, details=True) for i in range(len(QUERY_MIX))]
                   for name, w in workers.items()}
        reference = REFERENCE if REFERENCE in details else next(iter(details), None)
        zero = [i for i, answer in enumerate(details[reference]) if answer["total"] == 0] if reference else []
        samples: dict = {name: {"facets": [], "no_facets": []} for name in workers}
        turn = 0
        for _ in range(rounds):
            for i in range(len(QUERY_MIX)):
                for mode in ("facets", "no_facets"):
                    names = [n for n in workers if mode == "no_facets" or n in faceted]
                    for name in rotated(names, turn):
                        reply = workers[name].ask(query=i, facets=mode == "facets")
                        samples[name][mode].append((i, reply["wall_ms"], reply["cpu_ms"], reply["total"]))
                    turn += 1
        peaks = {name: w.ask(stats=True)["peak_rss_mib"] for name, w in workers.items()}
    finally:
        for worker in workers.values():
            worker.close()
    out: dict = {"reference": reference, "zero_hit_queries": [QUERY_MIX[i].label for i in zero],
                 "agreement": agreement(details, reference) if reference else {}, "systems": {}}
    for name, modes in samples.items():
        row: dict = {"open": workers[name].opened, "peak_rss_mib": peaks[name],
                     "totals": {q.label: d["total"] for q, d in zip(QUERY_MIX, details[name], strict=True)},
                     "no_hits": [q.label for q, d in zip(QUERY_MIX, details[name], strict=True) if not d["total"]]}
        for mode, rows in modes.items():
            if not rows:
                continue
            kept = [r for r in rows if r[0] not in zero]
            per_query: dict = {}
            for i, _, cpu, _ in kept:
                per_query.setdefault(QUERY_MIX[i].label, []).append(cpu)
            row[mode] = {"cpu_ms": measure.spread([r[2] for r in kept]), "wall_ms": measure.spread([r[1] for r in kept]),
                         "per_query_cpu_ms": {label: measure.median(v) for label, v in per_query.items()}}
        out["systems"][name] = row
    return out


# -- end to end ----------------------------------------------------------------------------------------


def _summary(runs: list[measure.Run]) -> dict:
    return {"cpu_s": measure.spread([r.cpu_s for r in runs]), "wall_s": measure.spread([r.wall_s for r in runs]),
            "peak_rss_mib": max((r.peak_rss_mib for r in runs), default=float("nan"))}


def _hits(system: System | None, run: measure.Run) -> bool:
    if system is not None and system.name == "recoll":  # recollq exits 0 either way; it prints the count
        first = run.stdout.decode("utf-8", "replace").splitlines()[1:2]
        return bool(first) and not first[0].startswith("0 results")
    return run.exit_code == 0


def end_to_end_mix(engines: list[System], base: Path, rounds: int) -> dict:
    """`bigsearch search Q` for the whole mix, per engine, interleaved with Python's own start-up."""
    runs: dict[str, list[measure.Run]] = {name: [] for name in [*(s.name for s in engines), *STARTUP]}
    no_hits: dict[str, set] = {s.name: set() for s in engines}
    turn = 0
    for _ in range(rounds):
        for query in QUERY_MIX:
            entries = [(s, *search_command(s, base, query)) for s in engines]
            entries += [(None, [sys.executable, *args], clean_env()) for args in STARTUP.values()]
            names = [*(s.name for s in engines), *STARTUP]
            for (system, args, env), name in rotated(list(zip(entries, names, strict=True)), turn):
                run = measure.run(args, env, ok=(0, 1))
                if system is not None and not _hits(system, run):
                    no_hits[name].add(query.label)  # reported, and left out: it would time the suggestion path
                    continue
                runs[name].append(run)
            turn += 1
    out = {name: _summary(r) for name, r in runs.items()}
    for name, labels in no_hits.items():
        out[name]["no_hits"] = sorted(labels)
    return out


def end_to_end_words(systems: list[System], base: Path, rare: str, rounds: int, protocols: int) -> dict:
    """`search och` and `search RAREWORD` in a fresh process for every system, interleaved."""
    words = {"och": BenchQuery(COMMON_WORD), "rare": BenchQuery(rare)}
    runs: dict = {key: {s.name: [] for s in systems} | {"import tantivy": []} for key in words}
    hits: dict = {key: {s.name: True for s in systems} for key in words}
    turn = 0
    for _ in range(rounds):
        for key, query in words.items():
            entries = [(s, *search_command(s, base, query, s.counts_facets(protocols))) for s in systems]
            entries.append((None, [sys.executable, *STARTUP["import tantivy"]], clean_env()))
            for system, args, env in rotated(entries, turn):
                run = measure.run(args, env, ok=(0, 1))
                name = system.name if system else "import tantivy"
                runs[key][name].append(run)
                if system is not None:
                    hits[key][name] = hits[key][name] and _hits(system, run)
            turn += 1
    out: dict = {"words": {"och": COMMON_WORD, "rare": rare}}
    for key in words:
        out[key] = {name: _summary(r) | ({"hits": hits[key][name]} if name in hits[key] else {})
                    for name, r in runs[key].items()}
    return out


# -- one size ----------------------------------------------------------------------------------------


def bench_size(size: int, systems: list[System], workdir: Path, options: argparse.Namespace) -> dict:
    base = workdir / f"n{size}"
    base.mkdir(parents=True, exist_ok=True)
    started, load = time.perf_counter(), os.getloadavg()
    corpus = ensure_corpus(base, size, options.seed)
    jsonl = base / "paragraphs.jsonl"
    ingest_row, paragraphs = ingest(corpus, jsonl)
    rare = rare_word(jsonl)
    log(f"[{size}] ingest: {paragraphs} paragraphs, {ingest_row['cpu_s']:.1f} CPU-s; rare word {rare!r}")
    result: dict = {"protocols": size, "paragraphs": paragraphs, "rare_word": rare, "ingest": ingest_row,
                    "build": {}, "reindex": {}}
    for system in systems:
        row = build(system, base, corpus, jsonl, ingest_row["cpu_s"])
        result["build"][system.name] = row
        log(f"[{size}] build {system.name}: {row['total_cpu_s']:.1f} CPU-s ({row['wall_s']:.1f} s wall), "
            f"{row['peak_rss_mib']:.0f} MiB, {row['index_mb']:.1f} MB")
    for system in systems:
        if system.engine:
            result["reindex"][system.name] = reindex(system, base, corpus)
    log(f"[{size}] in process: {options.rounds} round(s) of {len(QUERY_MIX)} queries")
    result["in_process"] = in_process(systems, base, options.rounds, size)
    for name, row in result["in_process"]["systems"].items():
        facets = row.get("facets", {}).get("cpu_ms", {})
        with_facets = f"{facets['p95']:.1f} ms with facets, " if facets.get("n") else ""
        log(f"[{size}] {name}: p95 {with_facets}{row['no_facets']['cpu_ms']['p95']:.1f} ms without (CPU)")
    engines = [s for s in systems if s.engine]
    log(f"[{size}] end to end: the mix, {options.e2e_rounds} round(s)")
    result["end_to_end_mix"] = end_to_end_mix(engines, base, options.e2e_rounds)
    log(f"[{size}] end to end: och and {rare!r}, {options.cli_rounds} round(s)")
    result["end_to_end"] = end_to_end_words(systems, base, rare, options.cli_rounds, size)
    result["load_average"] = {"start": load, "end": os.getloadavg()}
    result["bench_seconds"] = time.perf_counter() - started
    return result


def tantivy_30k(workdir: Path, options: argparse.Namespace) -> dict:
    """The tantivy engine alone at 30,000 protocols: its build and its in-process p95."""
    size, system = 30_000, BY_NAME["tantivy"]
    base = workdir / f"n{size}"
    base.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    corpus = ensure_corpus(base, size, options.seed)
    index = system.index_path(base)
    shutil.rmtree(index, ignore_errors=True)
    args, env = build_command(system, base, corpus, base / "unused.jsonl")
    row = measure.run(args, env, tree=True).as_dict()
    row["index_mb"] = folder_bytes(index) / 1e6
    log(f"[30000] build tantivy: {row['cpu_s']:.1f} CPU-s")
    measured = in_process([system], base, options.rounds, size)
    return {"protocols": size, "build": row, "in_process": measured, "bench_seconds": time.perf_counter() - started}


# -- the run ---------------------------------------------------------------------------------------


def versions() -> dict:
    import importlib.metadata as meta
    import sqlite3

    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("bigsearch", "tantivy", "whoosh-reloaded"):
        try:
            found[package] = meta.version(package)
        except meta.PackageNotFoundError:
            found[package] = None
    if shutil.which("recollq"):
        found["recoll"] = subprocess.run(["recollq", "-v"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "bigsearch"],
                           capture_output=True, text=True)
    found["commit"] = commit.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    return found


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 protocols, 1 round (a few minutes)")
    parser.add_argument("--sizes", help="comma-separated protocol counts (full: 1000,10000)")
    parser.add_argument("--rounds", type=int, help="in-process rounds over the mix (full: 5)")
    parser.add_argument("--e2e-rounds", type=int, help="end-to-end rounds over the mix (full: 3)")
    parser.add_argument("--cli-rounds", type=int, help="rounds of `search och` / RAREWORD (full: 5)")
    parser.add_argument("--with-30k", action="store_true", help="also the tantivy engine at 30,000 protocols")
    parser.add_argument("--systems", help=f"comma-separated subset of: {', '.join(s.name for s in SYSTEMS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=HERE / "work")
    parser.add_argument("--out", type=Path, help="results JSON (full: bench/results.json; quick: "
                                                 "bench/work/results-quick.json)")
    options = parser.parse_args(argv)
    preset = PRESETS["quick" if options.quick else "full"]
    options.sizes = [int(s) for s in options.sizes.split(",")] if options.sizes else preset["sizes"]
    for key in ("rounds", "e2e_rounds", "cli_rounds"):
        if getattr(options, key) is None:
            setattr(options, key, preset[key])
    if options.out is None:
        options.out = options.workdir / "results-quick.json" if options.quick else HERE / "results.json"
    return options


def select_systems(names: str | None) -> tuple[list[System], dict[str, str]]:
    wanted = names.split(",") if names else [s.name for s in SYSTEMS]
    unknown = [n for n in wanted if n not in BY_NAME]
    if unknown:
        raise SystemExit(f"unknown system(s) {', '.join(unknown)}; use {', '.join(BY_NAME)}")
    skipped = {}
    reason = recoll_available()
    if "recoll" in wanted and reason:
        skipped["recoll"] = reason
        wanted.remove("recoll")
    return [s for s in SYSTEMS if s.name in wanted], skipped


def main(argv: list[str] | None = None) -> None:
    from bench import report
    from bench.targets import evaluate

    options = parse_args(argv)
    systems, skipped = select_systems(options.systems)
    for name, reason in skipped.items():
        log(f"skipping {name}: {reason}")
    started = time.perf_counter()
    results: dict = {
        "schema": SCHEMA,
        "run": {"mode": "quick" if options.quick else "full", "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                "rounds": options.rounds, "e2e_rounds": options.e2e_rounds, "cli_rounds": options.cli_rounds,
                "cpus": os.cpu_count(), "platform": platform.platform(), "versions": versions(),
                "systems": {s.name: {"label": s.label, "engine": s.engine, "like_for_like": s.like_for_like,
                                     "facets": s.facets, "facets_up_to": s.facets_up_to, "note": s.note}
                            for s in systems},
                "skipped": skipped},
        "query_mix": [{"label": q.label, "kind": q.kind} for q in QUERY_MIX],
        "sizes": {},
    }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    for size in options.sizes:
        results["sizes"][str(size)] = bench_size(size, systems, options.workdir, options)
        results["targets"] = evaluate(results)
        options.out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if options.with_30k:
        results["tantivy_30k"] = tantivy_30k(options.workdir, options)
    results["targets"] = evaluate(results)
    results["run"]["seconds"] = time.perf_counter() - started
    options.out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(report.render(results))
    log(f"wrote {options.out} ({results['run']['seconds'] / 60:.1f} min)")


if __name__ == "__main__":
    main()

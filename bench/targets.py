"""Issue 25's targets, each read from one run's results: the measured figure or ratio, met or missed.

Every figure is CPU time (far steadier than wall time on a shared machine); the targets are set for 10,000
protocols (the 30,000 one for 30,000), and a run without that size is judged at its largest size,
which the verdict says.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    limit: float
    unit: str  # "x" for a ratio


TARGETS = (
    Target("tantivy_p95_vs_raw", "tantivy engine in-process p95 with facets ÷ raw tantivy-py counting the same "
                                 "facets", 1.0, "x"),
    Target("tantivy_p95_30k", "tantivy engine in-process p95 with facets at 30,000 protocols", 100.0, "ms"),
    Target("rare_vs_import_tantivy", "`bigsearch search RAREWORD` (tantivy) end to end ÷ `python -c \"import "
                                     "tantivy\"`", 3.0, "x"),
    Target("tantivy_build_vs_raw", "tantivy engine build, ingest included ÷ raw tantivy-py build from the "
                                   "paragraphs", 4.0, "x"),
    Target("tantivy_build_vs_recoll", "tantivy engine build ÷ Recoll's build of the same files", 1.5, "x"),
    Target("whoosh_och_seconds", "whoosh engine `bigsearch search och` end to end", 0.8, "s"),
    Target("whoosh_och_memory", "whoosh engine `bigsearch search och` peak memory", 200.0, "MiB"),
    Target("whoosh_p95", "whoosh engine in-process p95 with facets", 400.0, "ms"),
)
TARGET_SIZE = "10000"


def _get(data: dict, *path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _ratio(a, b):
    return a / b if a is not None and b else None


def _measure(key: str, row: dict, results: dict):
    p95 = ("facets", "cpu_ms", "p95")
    if key == "tantivy_p95_vs_raw":
        return _ratio(_get(row, "in_process", "systems", "tantivy", *p95),
                      _get(row, "in_process", "systems", "raw-tantivy", *p95))
    if key == "tantivy_p95_30k":
        return _get(results, "tantivy_30k", "in_process", "systems", "tantivy", *p95)
    if key == "rare_vs_import_tantivy":
        return _ratio(_get(row, "end_to_end", "rare", "tantivy", "cpu_s", "p50"),
                      _get(row, "end_to_end", "rare", "import tantivy", "cpu_s", "p50"))
    if key == "tantivy_build_vs_raw":
        return _ratio(_get(row, "build", "tantivy", "total_cpu_s"), _get(row, "build", "raw-tantivy", "engine_cpu_s"))
    if key == "tantivy_build_vs_recoll":
        return _ratio(_get(row, "build", "tantivy", "total_cpu_s"), _get(row, "build", "recoll", "total_cpu_s"))
    if key == "whoosh_och_seconds":
        return _get(row, "end_to_end", "och", "whoosh", "cpu_s", "p50")
    if key == "whoosh_och_memory":
        return _get(row, "end_to_end", "och", "whoosh", "peak_rss_mib")
    if key == "whoosh_p95":
        return _get(row, "in_process", "systems", "whoosh", *p95)
    raise KeyError(key)


def evaluate(results: dict) -> list[dict]:
    sizes = results.get("sizes", {})
    size = TARGET_SIZE if TARGET_SIZE in sizes else max(sizes, key=int, default=None)
    row = sizes.get(size, {}) if size else {}
    verdicts = []
    for target in TARGETS:
        measured = _measure(target.key, row, results)
        at = "30000" if target.key == "tantivy_p95_30k" else size
        note = ""
        if measured is None:
            note = "not measured" + (" (run with --with-30k)" if target.key == "tantivy_p95_30k" else "")
        elif at != TARGET_SIZE and target.key != "tantivy_p95_30k":
            note = f"at {int(at):,} protocols; the target is for 10,000"
        verdicts.append({"key": target.key, "what": target.what, "limit": target.limit, "unit": target.unit,
                         "measured": measured, "protocols": int(at) if at and measured is not None else None,
                         "met": None if measured is None else measured <= target.limit, "note": note})
    return verdicts

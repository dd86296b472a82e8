"""The README's benchmark tables (markdown), printed from a results file of bench/run.py.

    python bench/report.py [bench/results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NA = "–"


def _num(value, digits: int = 1) -> str:
    if value is None or value != value:  # None or NaN
        return NA
    return f"{value:,.{digits}f}"


def _label(results: dict, name: str) -> str:
    return results["run"]["systems"].get(name, {}).get("label", name)


def _ms(stats: dict | None) -> str:
    if not stats or not stats.get("n"):
        return NA
    return f"{_num(stats['p50'])} / {_num(stats['p95'])}"


def _range(stats: dict | None) -> str:
    if not stats or not stats.get("n"):
        return NA
    return f"{_num(stats['min'])}–{_num(stats['max'])} ({_num(stats['iqr'])})"


def build_table(results: dict) -> list[str]:
    lines = ["| protocols | system | ingest CPU-s | engine CPU-s | total CPU-s | wall s | peak RSS MiB | index MB |",
             "|---|---|---|---|---|---|---|---|"]
    for size, row in results["sizes"].items():
        first = f"{int(size):,} ({row['paragraphs']:,} ¶)"
        for name, build in row["build"].items():
            engine = _num(build["engine_cpu_s"])
            if build.get("analysis_cpu_s") is not None:
                engine += f" (analysis {_num(build['analysis_cpu_s'])})"
            elif results["run"]["systems"].get(name, {}).get("engine"):
                engine += "*"
            lines.append(f"| {first} | {_label(results, name)} | {_num(build['ingest_cpu_s'])} | {engine} | "
                         f"{_num(build['total_cpu_s'])} | {_num(build['wall_s'])} | {_num(build['peak_rss_mib'], 0)} | "
                         f"{_num(build['index_mb'])} |")
            first = ""
    lines.append("")
    lines.append("\\* bigsearch ingests while it indexes: its engine share is its total less the ingest timed alone.")
    return lines


def query_table(results: dict) -> list[str]:
    lines = ["| protocols | system | with facets p50 / p95 ms | min–max (IQR) | without facets p50 / p95 ms | "
             "min–max (IQR) | same hits and facets as bigsearch |",
             "|---|---|---|---|---|---|---|"]
    for size, row in results["sizes"].items():
        measured = row["in_process"]
        first = f"{int(size):,}"
        for name, data in measured["systems"].items():
            facets, plain = data.get("facets", {}).get("cpu_ms"), data.get("no_facets", {}).get("cpu_ms")
            up_to = results["run"]["systems"].get(name, {}).get("facets_up_to")
            skipped = f"not above {up_to:,} protocols" if facets is None and up_to and int(size) > up_to else None
            agree = measured["agreement"].get(name)
            if name == measured["reference"]:
                same = "reference"
            elif agree is None:
                same = "no (not like for like)"
            else:
                differ = len(agree["totals_differ"]) + len(agree["facets_differ"])
                same = "yes" if not differ else f"{differ} of {len(results['query_mix'])} queries differ"
                if agree.get("top10_overlap") is not None:
                    same += f" (top 10: {agree['top10_overlap']:.0%} the same)"
            lines.append(f"| {first} | {_label(results, name)} | {skipped or _ms(facets)} | {_range(facets)} | {_ms(plain)} | "
                         f"{_range(plain)} | {same} |")
            first = ""
    zero = {size: row["in_process"]["zero_hit_queries"] for size, row in results["sizes"].items()}
    if any(zero.values()):
        lines.append("")
        lines.append("Left out (no hits): " + "; ".join(f"{int(s):,}: {', '.join(q)}" for s, q in zero.items() if q))
    return lines


def end_to_end_table(results: dict) -> list[str]:
    lines = ["| protocols | system | `search och` CPU s (wall) | peak RSS MiB | `search RAREWORD` CPU s (wall) | "
             "peak RSS MiB | whole mix p50 / p95 CPU s | mix ÷ `import tantivy` |",
             "|---|---|---|---|---|---|---|---|"]
    for size, row in results["sizes"].items():
        e2e, mix = row["end_to_end"], row["end_to_end_mix"]
        base = mix.get("import tantivy", {}).get("cpu_s", {}).get("p50")
        first = f"{int(size):,} ({e2e['words']['rare']})"
        for name in e2e["och"]:
            och, rare = e2e["och"][name], e2e["rare"][name]
            missing = [key for key, data in (("och", och), ("rare", rare)) if data.get("hits") is False]
            whole = mix.get(name, {}).get("cpu_s")
            ratio = whole["p50"] / base if whole and base else None
            label = "`python -c \"import tantivy\"`" if name == "import tantivy" else _label(results, name)
            up_to = results["run"]["systems"].get(name, {}).get("facets_up_to")
            if up_to and int(size) > up_to:
                label += " (without facets)"
            lines.append(
                f"| {first} | {label}{' (no hits: ' + ', '.join(missing) + ')' if missing else ''} | "
                f"{_num(och['cpu_s']['p50'], 3)} ({_num(och['wall_s']['p50'], 3)}) | {_num(och['peak_rss_mib'], 0)} | "
                f"{_num(rare['cpu_s']['p50'], 3)} ({_num(rare['wall_s']['p50'], 3)}) | {_num(rare['peak_rss_mib'], 0)} | "
                f"{_ms_s(whole)} | {_num(ratio, 2) + '×' if ratio else NA} |")
            first = ""
    return lines


def _ms_s(stats: dict | None) -> str:
    if not stats or not stats.get("n"):
        return NA
    return f"{_num(stats['p50'], 3)} / {_num(stats['p95'], 3)}"


def reindex_table(results: dict) -> list[str]:
    lines = ["| protocols | engine | no-op re-index CPU s (wall) | one file changed CPU s (wall) |", "|---|---|---|---|"]
    for size, row in results["sizes"].items():
        for name, data in row["reindex"].items():
            lines.append(f"| {int(size):,} | {_label(results, name)} | {_num(data['noop']['cpu_s'], 2)} "
                         f"({_num(data['noop']['wall_s'], 2)}) | {_num(data['one_changed']['cpu_s'], 2)} "
                         f"({_num(data['one_changed']['wall_s'], 2)}) |")
    return lines


def targets_table(results: dict) -> list[str]:
    lines = ["| target | measured | limit | |", "|---|---|---|---|"]
    for target in results.get("targets", []):
        unit = "×" if target["unit"] == "x" else f" {target['unit']}"
        measured = NA if target["measured"] is None else f"{_num(target['measured'], 2)}{unit}"
        verdict = {True: "met", False: "**missed**", None: "not measured"}[target["met"]]
        note = f" ({target['note']})" if target["note"] and target["measured"] is not None else ""
        lines.append(f"| {target['what']} | {measured} | ≤ {_num(target['limit'], 1)}{unit} | {verdict}{note} |")
    return lines


def extra_30k(results: dict) -> list[str]:
    data = results.get("tantivy_30k")
    if not data:
        return []
    row = data["in_process"]["systems"]["tantivy"]
    return [f"At 30,000 protocols the tantivy engine builds in {_num(data['build']['cpu_s'])} CPU-s and answers "
            f"the mix in {_ms(row['facets']['cpu_ms'])} ms (p50 / p95 CPU) with facets, "
            f"{_ms(row['no_facets']['cpu_ms'])} ms without."]


def render(results: dict) -> str:
    if results.get("schema") is None:
        return "This results file predates bench/run.py's current format: run the benchmark again."
    run = results["run"]
    head = [f"Run: {run['mode']}, {run['rounds']} in-process round(s), {run['cpus']} CPUs, "
            f"bigsearch {run['versions'].get('commit')}, tantivy-py {run['versions'].get('tantivy')}, "
            f"Whoosh-Reloaded {run['versions'].get('whoosh-reloaded')}, SQLite {run['versions'].get('sqlite')}"
            + (f", {run['versions']['recoll']}" if run["versions"].get("recoll") else "") + "."]
    for name, reason in run.get("skipped", {}).items():
        head.append(f"Skipped {name}: {reason}.")
    sections = [
        head,
        ["### Build (CPU-seconds of the whole process tree)", "", *build_table(results)],
        ["### Searching in process (CPU ms per query over the mix, all rounds)", "", *query_table(results)],
        ["### End to end (a fresh process per search)", "", *end_to_end_table(results)],
        ["### Re-index", "", *reindex_table(results)],
        ["### Targets (issue 25)", "", *targets_table(results), "", *extra_30k(results)],
    ]
    return "\n\n".join("\n".join(section) for section in sections).rstrip() + "\n"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results.json"
    print(render(json.loads(path.read_text("utf-8"))))


if __name__ == "__main__":
    main()

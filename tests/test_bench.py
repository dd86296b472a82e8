"""The corpus generator and the benchmark harness, on tiny corpora: correctness only, never speed."""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys

import pytest

from bench import measure, report, swedish, targets
from bench.fts5 import Searcher as Fts5Searcher
from bench.fts5 import build as fts5_build
from bench.ingest import read_records, write_records
from bench.make_corpus import write_corpus
from bench.queries import QUERY_MIX, rare_word
from bench.raw_tantivy import Searcher as RawSearcher
from bench.raw_tantivy import build as raw_build
from bench.systems import BY_NAME, bench_env, build_command, open_searcher
from bigsearch.analysis.tokens import analyse
from bigsearch.ingest.pipeline import ingest_file


def digest(paths):
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()


def test_generator_is_deterministic_and_protocol_shaped(tmp_path):
    first = write_corpus(9, tmp_path / "a", seed=7)
    again = write_corpus(9, tmp_path / "b", seed=7)
    other = write_corpus(9, tmp_path / "c", seed=8)
    assert digest(first) == digest(again) != digest(other)
    layouts = set()
    for path in first:
        text = path.read_text("utf-8")
        doc = ingest_file(path)
        assert doc.doc_type == "protokoll" and doc.date and 2005 <= doc.year <= 2026
        assert 5 <= len(doc.attendees) <= 10 and all(a.organisation for a in doc.attendees)
        assert 15 <= len(doc.paragraphs) <= 62
        assert any(p.principal for p in doc.paragraphs)
        assert not any("BROTTSFÖREBYGGARNA" in p.text for p in doc.paragraphs)
        layouts.add("tab" if "\t" in text.split("Delges")[0] else "spaces" if "  " in text.split("Delges")[0] else "columns")
    assert layouts == {"tab", "spaces", "columns"}


def test_every_embedded_engine_is_benchmarked():
    from bigsearch.engines.registry import ENGINES

    embedded = {name for name, entry in ENGINES.items() if entry.embedded}
    assert {system.name for system in BY_NAME.values() if system.engine} == embedded


# -- a tiny corpus built by every in-process system ------------------------------------------------


def _build(name, corpus, base):
    """Through the harness's own build command: `bigsearch index` or `python -m bench.build`."""
    args, env = build_command(BY_NAME[name], base, corpus, base / "paragraphs.jsonl")
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout


# Stock Whoosh must never share a process with bigsearch's Whoosh patches (this one has them).
IN_FRESH_PROCESS = """
import json, sys
from pathlib import Path
from bench.queries import QUERY_MIX
from bench.systems import BY_NAME, open_searcher
system = BY_NAME[sys.argv[1]]
searcher = open_searcher(system, system.index_path(Path(sys.argv[2])))
answers = [searcher.search(query, facets=system.facets) for query in QUERY_MIX]
print(json.dumps({"answers": answers, "patched": "bigsearch.engines.whoosh_patches" in sys.modules}))
"""


def _fresh_answers(name, base):
    out = subprocess.run([sys.executable, "-c", IN_FRESH_PROCESS, name, str(base)], env=bench_env(),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    corpus = base / "corpus"
    write_corpus(12, corpus, seed=3)
    jsonl = base / "paragraphs.jsonl"
    count = write_records(corpus, jsonl)
    assert count == sum(1 for _ in jsonl.open()) > 12 * 15
    for name in ("tantivy", "whoosh"):
        _build(name, corpus, base)
    assert fts5_build(jsonl, BY_NAME["fts5"].index_path(base))["paragraphs"] == count
    assert raw_build(jsonl, BY_NAME["raw-tantivy"].index_path(base))["paragraphs"] == count
    for name in ("stock-whoosh", "stock-whoosh-plain"):
        assert json.loads(_build(name, corpus, base))["paragraphs"] == count
    return base, corpus, jsonl


def test_ingest_writes_the_records_bigsearch_indexes(built):
    _, corpus, jsonl = built
    records = list(read_records(jsonl))
    assert {r["source"] for r in records} == {p.name for p in corpus.glob("*.txt")}
    firsts = [r for r in records if r["first"]]
    assert len(firsts) == 12  # one first paragraph per protocol: attendance is searchable there
    assert all(r["title"] and r["attendees"] for r in firsts)
    assert sum(1 for r in records if r["principal"]) > 0


def test_baseline_analysis_is_bigsearchs(built):
    _, _, jsonl = built
    for record in list(read_records(jsonl))[:120]:
        fields = swedish.analysed_fields(record)
        for name in ("text", "folded", "parts"):
            assert fields[name].split() == [t for t, _, _, _ in analyse(name, record["text"])], (name, record["id"])
        assert fields["section_title"].split() == [t for t, _, _, _ in analyse("text", record["section_title"] or "")]
        if not record["first"]:
            assert fields["attendee_words"] == ""


def _answers(system_name, base):
    if system_name.startswith("stock-whoosh"):
        return _fresh_answers(system_name, base)["answers"]
    searcher = open_searcher(BY_NAME[system_name], BY_NAME[system_name].index_path(base))
    try:
        return [searcher.search(query, facets=True) for query in QUERY_MIX]
    finally:
        searcher.close()


def _facets(answer):
    return {name: {str(k): v for k, v in values.items() if v} for name, values in answer["facets"].items()}


def test_like_for_like_baselines_find_what_bigsearch_finds(built):
    """Same totals and the same six facet counts as bigsearch, query by query: the baselines do the same work."""
    base, _, _ = built
    reference = _answers("tantivy", base)
    assert sum(1 for a in reference if a["total"]) >= 15  # the mix really finds things in the tiny corpus
    for name in ("whoosh", "raw-tantivy", "fts5", "stock-whoosh"):
        for query, mine, theirs in zip(QUERY_MIX, _answers(name, base), reference, strict=True):
            assert mine["total"] == theirs["total"], (name, query.label)
            assert _facets(mine) == _facets(theirs), (name, query.label)
            assert len(mine["ids"]) == min(10, theirs["total"]), (name, query.label)


def test_plain_whoosh_is_marked_unlike_and_still_answers(built):
    base, _, _ = built
    system = BY_NAME["stock-whoosh-plain"]
    assert not system.like_for_like and not system.facets
    answers = _answers("stock-whoosh-plain", base)
    assert sum(1 for a in answers if a["total"]) >= 10


def test_stock_whoosh_runs_without_bigsearchs_patches(built):
    base, _, _ = built
    assert _fresh_answers("stock-whoosh", base)["patched"] is False
    import bigsearch.engines.whoosh_patches  # noqa: F401 - this process has them: the baseline refuses to run
    from bench.stock_whoosh import Searcher

    with pytest.raises(RuntimeError, match="without bigsearch's patches"):
        Searcher(BY_NAME["stock-whoosh"].index_path(base), "swedish")


def test_plan_follows_bigsearchs_rules(built):
    base, _, _ = built
    searcher = RawSearcher(BY_NAME["raw-tantivy"].index_path(base))
    lexicon = searcher.lexicon
    polisen = swedish.plan("polisen", lexicon)
    assert swedish.Principal("Polisen") in polisen.groups[0]  # a word that names a principal
    assert "text" in {c.field for c in polisen.groups[0] if isinstance(c, swedish.Term)}
    brott = swedish.plan("brott", lexicon).groups[0]  # a compound part ("brottsförebyggande")
    assert swedish.Term("parts", "brott", swedish.WEIGHTS["parts"]) in brott
    assert not any(isinstance(c, swedish.Term) and c.field == "folded" for c in polisen.groups[0])
    folded = swedish.plan("Satra", lexicon)  # typed without å: the folded field, since "satra" is not indexed
    assert any(isinstance(c, swedish.Term) and c.field == "folded" for c in folded.groups[0])
    prefix = swedish.plan("fritids*", lexicon).groups[0][0]
    assert isinstance(prefix, swedish.Prefix) and prefix.terms and all(t.startswith("fritids") for t in prefix.terms)
    phrase = swedish.plan('"visat intresse"', lexicon)
    assert [type(c) for c in phrase.groups[0]][:2] == [swedish.Phrase, swedish.Phrase]
    assert swedish.plan("zzqxv", lexicon).empty
    filtered = swedish.plan("och", lexicon, year=(2010, 2015), principal="polisen")
    assert filtered.year == (2010, 2015) and filtered.principal == "Polisen"


def test_fts5_answers_alike_with_and_without_facets(built):
    base, _, _ = built
    fts = Fts5Searcher(BY_NAME["fts5"].index_path(base))
    for query in QUERY_MIX:
        with_facets = fts.search(query.text, query.year, query.principal, facets=True)
        without = fts.search(query.text, query.year, query.principal, facets=False)
        assert with_facets["total"] == without["total"], query.label
        assert [h["id"] for h in with_facets["hits"]] == [h["id"] for h in without["hits"]], query.label
        assert without["facets"] == {}


def test_hits_carry_highlights(built):
    base, _, _ = built
    raw = RawSearcher(BY_NAME["raw-tantivy"].index_path(base))
    hits = raw.search("samverkan")["hits"]
    marked = [h for h in hits if h["highlights"]]  # (others matched through a title or an attendee)
    assert marked
    for hit in marked:
        start, end = hit["highlights"][0]
        assert hit["snippet"][start:end].lower().startswith("samverk")


def test_rare_word_occurs_in_one_paragraph(built):
    _, _, jsonl = built
    word = rare_word(jsonl)
    assert len(word) >= 8
    assert sum(1 for r in read_records(jsonl) if word in (r["text"] or "").lower().split()) >= 1


# -- measuring and reporting ------------------------------------------------------------------------


def test_quantiles_and_spread():
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert measure.quantile(values, 0.5) == 3.0
    assert measure.quantile(values, 0.95) == pytest.approx(4.8)
    stats = measure.spread(values)
    assert (stats["n"], stats["min"], stats["max"], stats["iqr"]) == (5, 1.0, 5.0, 2.0)
    assert measure.spread([]) == {"n": 0}


def test_measured_command_reports_exit_code_memory_and_cpu():
    run = measure.run([sys.executable, "-c", "x = bytearray(150 * 2**20); sum(range(200000))"])
    assert run.exit_code == 0 and run.cpu_s > 0
    assert 150 <= run.peak_rss_mib < 400  # the command's own peak, not the benchmark's
    small = measure.run([sys.executable, "-c", "pass"])
    assert small.peak_rss_mib < 100
    with pytest.raises(measure.CommandFailed, match="exited 3"):
        measure.run([sys.executable, "-c", "import sys; sys.exit(3)"])
    assert measure.run([sys.executable, "-c", "import sys; sys.exit(1)"], ok=(0, 1)).exit_code == 1


def test_measured_tree_counts_workers_running_at_once():
    code = ("import subprocess, sys; child = 'import time; x = bytearray(120 * 2**20); time.sleep(1.0)'; "
            "procs = [subprocess.Popen([sys.executable, '-c', child]) for _ in range(2)]; [p.wait() for p in procs]")
    run = measure.run([sys.executable, "-c", code], tree=True)
    assert run.peak_rss_mib >= 200  # two workers of 120 MiB each, alive together


def test_targets_judged_at_the_largest_size():
    results = {"sizes": {"1000": {
        "in_process": {"systems": {"tantivy": {"facets": {"cpu_ms": {"p95": 12.0}}},
                                   "raw-tantivy": {"facets": {"cpu_ms": {"p95": 10.0}}},
                                   "whoosh": {"facets": {"cpu_ms": {"p95": 300.0}}}}},
        "build": {"tantivy": {"total_cpu_s": 12.0}, "raw-tantivy": {"engine_cpu_s": 4.0}},
        "end_to_end": {"och": {"whoosh": {"cpu_s": {"p50": 0.9}, "peak_rss_mib": 150.0}},
                       "rare": {"tantivy": {"cpu_s": {"p50": 0.12}}, "import tantivy": {"cpu_s": {"p50": 0.03}}}},
    }}}
    verdicts = {v["key"]: v for v in targets.evaluate(results)}
    assert verdicts["tantivy_p95_vs_raw"]["measured"] == pytest.approx(1.2)
    assert verdicts["tantivy_p95_vs_raw"]["met"] is False
    assert "the target is for 10,000" in verdicts["tantivy_p95_vs_raw"]["note"]
    assert verdicts["tantivy_build_vs_raw"]["met"] is True
    assert verdicts["rare_vs_import_tantivy"]["measured"] == pytest.approx(4.0)
    assert verdicts["whoosh_och_seconds"]["met"] is False and verdicts["whoosh_och_memory"]["met"] is True
    assert verdicts["whoosh_p95"]["met"] is True
    assert verdicts["tantivy_build_vs_recoll"]["met"] is None  # no Recoll in this run
    assert verdicts["tantivy_p95_30k"]["met"] is None and "--with-30k" in verdicts["tantivy_p95_30k"]["note"]


def test_one_size_end_to_end_with_a_short_mix(tmp_path, monkeypatch):
    """The whole harness for one tiny size: ingest, builds, re-index, interleaved rounds, end to end, report."""
    from bench import run

    monkeypatch.setattr(run, "QUERY_MIX", QUERY_MIX[:4])  # a prefix: the workers' query numbers stay right
    options = argparse.Namespace(seed=2, rounds=2, e2e_rounds=1, cli_rounds=1)
    systems = [BY_NAME[name] for name in ("tantivy", "raw-tantivy", "fts5")]
    result = run.bench_size(10, systems, tmp_path, options)

    assert result["paragraphs"] == sum(1 for _ in (tmp_path / "n10" / "paragraphs.jsonl").open())
    assert result["ingest"]["cpu_s"] > 0
    tantivy, raw = result["build"]["tantivy"], result["build"]["raw-tantivy"]
    assert tantivy["total_cpu_s"] == pytest.approx(tantivy["ingest_cpu_s"] + tantivy["engine_cpu_s"])
    assert raw["total_cpu_s"] == pytest.approx(result["ingest"]["cpu_s"] + raw["engine_cpu_s"])
    assert raw["analysis_cpu_s"] > 0 and all(row["index_mb"] > 0 for row in result["build"].values())
    assert set(result["reindex"]) == {"tantivy"}

    measured = result["in_process"]
    assert measured["reference"] == "tantivy"
    kept = len(run.QUERY_MIX) - len(measured["zero_hit_queries"])
    for name in ("tantivy", "raw-tantivy", "fts5"):
        row = measured["systems"][name]
        assert row["facets"]["cpu_ms"]["n"] == row["no_facets"]["cpu_ms"]["n"] == 2 * kept
        assert set(row["facets"]["per_query_cpu_ms"]) == {q.label for q in run.QUERY_MIX} - set(
            measured["zero_hit_queries"])
    for name in ("raw-tantivy", "fts5"):
        assert measured["agreement"][name]["totals_differ"] == []
        assert measured["agreement"][name]["facets_differ"] == []

    mix = result["end_to_end_mix"]
    assert set(mix["tantivy"]["no_hits"]) == set(measured["zero_hit_queries"])  # exit code 1, left out
    assert mix["tantivy"]["cpu_s"]["n"] == kept and mix["import tantivy"]["cpu_s"]["n"] == len(run.QUERY_MIX)
    for key in ("och", "rare"):
        for name in ("tantivy", "raw-tantivy", "fts5"):
            assert result["end_to_end"][key][name]["hits"] is True, (key, name)
            assert result["end_to_end"][key][name]["peak_rss_mib"] > 0

    results = {"schema": run.SCHEMA, "run": {"mode": "test", "rounds": 2, "cpus": 2, "versions": {}, "skipped": {},
                                             "systems": {s.name: {"label": s.label, "engine": s.engine} for s in systems}},
               "query_mix": [{"label": q.label} for q in run.QUERY_MIX], "sizes": {"10": result}}
    results["targets"] = targets.evaluate(results)
    text = report.render(json.loads(json.dumps(results)))
    for system in systems:
        assert system.label in text
    assert "tantivy engine in-process p95 with facets ÷ raw tantivy-py" in text

"""The tantivy engine against expectations computed in Python from the records themselves."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bigsearch.analysis.tokens import analyse
from bigsearch.engines import tantivy_schema as ts
from bigsearch.engines.interface import (
    FACET_KEYS,
    All,
    And,
    Constant,
    Not,
    Nothing,
    Or,
    Phrase,
    Range,
    Term,
)
from bigsearch.engines.records import paragraph_records, source_record
from bigsearch.engines.tantivy_engine import TantivyEngine
from bigsearch.errors import IndexBusyError, IndexCorruptError, IndexMissingError
from bigsearch.ingest.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SNOWBALL = Path(__file__).parent / "data" / "snowball-swedish"
EVERYTHING = 100_000


# -- the bundled corpus, indexed once -----------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    """(sources, paragraph records) of the bundled corpus."""
    sources, records = [], []
    for doc in ingest_paths([CORPUS]):
        key = str((CORPUS / doc.source).resolve())
        paragraphs = paragraph_records(doc, key)
        sources.append((source_record(doc, key, f"hash-{doc.source}", "1:2"), paragraphs))
        records += paragraphs
    assert len(sources) == 5 and len(records) > 50  # noqa: PLR2004
    # The bundled protocols are all dated: add one whose meeting date is unknown.
    undated_source, undated = make_source("undated-file", "odaterat", 4)
    for record in undated:
        record.update(date=None, year=None, persons=["Anna Andersson"], places=["Sätra"])
    sources.append((undated_source, undated))
    return sources, records + undated


@pytest.fixture(scope="module")
def engine(corpus, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("tantivy")
    engine = TantivyEngine(index_dir)
    writer = engine.writer()
    for source, paragraphs in corpus[0]:
        writer.replace_source(source, paragraphs)
    writer.commit()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def records(corpus):
    return corpus[1]


def field_text(record: dict, field: str) -> str:
    if field in ("text", "parts", "folded"):
        return record["text"] or ""
    if field == "doc_title":
        return record["title"] or ""
    if field == "attendee_words":
        return " ".join(record["attendees"]) if record["first"] else ""
    return record[field] or ""


def tokens(record: dict, field: str) -> list[tuple[str, int, int, int]]:
    return analyse(field, field_text(record, field))


def ids_with(records, field: str, term: str) -> set[str]:
    return {r["id"] for r in records if any(t == term for t, *_ in tokens(r, field))}


def ids_with_phrase(records, field: str, terms: tuple[str, ...]) -> set[str]:
    found = set()
    for record in records:
        at: dict[int, set[str]] = {}
        for term, position, *_ in tokens(record, field):
            at.setdefault(position, set()).add(term)
        if any(all(terms[i] in at.get(start + i, ()) for i in range(len(terms))) for start in at):
            found.add(record["id"])
    return found


def hit_ids(engine, query, **options) -> set[str]:
    result = engine.search(query, limit=EVERYTHING, **options)
    ids = [hit.record["id"] for hit in result.hits]
    assert len(ids) == len(set(ids)) == result.total
    return set(ids)


def sample_terms(records, field: str, count: int = 6) -> list[str]:
    """Common, middling and rare terms of a field, chosen from the records (not hard-coded)."""
    df = Counter(t for r in records for t in {t for t, *_ in tokens(r, field)})
    ranked = sorted(df, key=lambda t: (-df[t], t))
    if not ranked:
        return []
    picks = ranked[:2] + ranked[len(ranked) // 3: len(ranked) // 3 + 2] + ranked[-2:]
    return list(dict.fromkeys(picks))[:count]


# -- round trip and term semantics ---------------------------------------------------------------------


def test_every_record_comes_back_unchanged(engine, records):
    assert engine.count(All()) == len(records)
    for record in records:
        stored = engine.paragraph(record["id"])
        assert stored == record
        assert isinstance(stored["persons"], list) and (stored["year"] is None or isinstance(stored["year"], int))
    assert engine.paragraph("no-such-id") is None


@pytest.mark.parametrize("field", ["text", "parts", "folded", "section_title", "doc_title", "attendee_words"])
def test_terms_match_the_analysed_records(engine, records, field):
    terms = sample_terms(records, field)
    assert terms
    for term in terms:
        expected = ids_with(records, field, term)
        assert expected and hit_ids(engine, Term(field, term)) == expected, (field, term)
    assert hit_ids(engine, Term(field, "zzzqqq")) == set()


def test_attendance_is_searchable_once_per_meeting(engine, records):
    with_attendees = [r for r in records if r["first"] and r["attendees"]]
    assert with_attendees
    term = analyse("attendee_words", with_attendees[0]["attendees"][0])[0][0]
    hits = hit_ids(engine, Term("attendee_words", term))
    assert hits and all(engine.paragraph(i)["first"] for i in hits)


def test_phrases_match_consecutive_positions(engine, records):
    phrases = set()
    for record in records[::7]:
        stream = [t for t, *_ in tokens(record, "text")]
        if len(stream) >= 4:
            phrases.add(tuple(stream[1:3]))
            phrases.add(tuple(stream[-3:]))
    assert len(phrases) >= 5
    for terms in sorted(phrases):
        expected = ids_with_phrase(records, "text", terms)
        assert expected and hit_ids(engine, Phrase("text", terms)) == expected, terms
    # The same words out of order are not the phrase.
    first = sorted(phrases)[0]
    reversed_terms = tuple(reversed(first))
    assert hit_ids(engine, Phrase("text", reversed_terms)) == ids_with_phrase(records, "text", reversed_terms)


def test_coordinated_compound_shares_a_position(tmp_path):
    text = "Arbetet är drog- och brottsförebyggande i hela kommunen."
    stream = analyse("text", text)
    shared = [t for t in stream if sum(1 for u in stream if u[1] == t[1]) > 1]
    assert len(shared) == 2, stream  # the first member and its full form, at one position
    engine = TantivyEngine(tmp_path / "ix")
    writer = engine.writer()
    writer.replace_source({"source_key": "k"}, [{"id": "c1", "source_key": "k", "text": text, "first": True}])
    writer.commit()
    following = [t for t, p, *_ in stream if p > shared[0][1]][:2]
    for term, *_ in shared:
        assert hit_ids(engine, Term("text", term)) == {"c1"}
        assert hit_ids(engine, Phrase("text", (term, *following))) == {"c1"}
    before = [t for t, p, *_ in stream if p == shared[0][1] - 1]
    assert hit_ids(engine, Phrase("text", (before[0], shared[0][0], *following))) == {"c1"}


COORDINATED = ["Arbetet är drog- och brottsförebyggande.", "Fritids- och kulturnämnden", "a - b", "-", ""]


def test_streams_handed_to_tantivy_equal_each_fields_analysis(records):
    texts = [r["text"] for r in records] + COORDINATED
    shared = 0
    for text in texts:
        streams = ts.body_streams(text)
        for field in ("text", "folded", "parts"):
            assert ts.stream_terms(streams[field]) == [(t, p) for t, p, *_ in analyse(field, text)], (field, text)
        shared += not isinstance(streams["text"], str)
    assert shared >= 2  # the path with two terms at one position was taken
    for record in records:
        for field, (_, stream) in ts.analysed(record).items():
            assert ts.stream_terms(stream) == [(t, p) for t, p, *_ in tokens(record, field)], field


def test_snowball_reference_stems_reach_the_index(tmp_path):
    words = (SNOWBALL / "voc.txt").read_text("utf-8").split("\n")
    stems = (SNOWBALL / "output.txt").read_text("utf-8").split("\n")
    words, stems = [w for w in words if w], [s for s in stems if s]
    assert len(words) == len(stems) == 30_738
    chunk = 2_000
    paragraphs = [
        {"id": f"v{n}", "source_key": "voc", "text": " ".join(words[i: i + chunk]), "position": n, "first": n == 0}
        for n, i in enumerate(range(0, len(words), chunk))
    ]
    # The exact token stream handed to tantivy, pair by pair.
    handed = [t for p in paragraphs for t, _ in ts.stream_terms(ts.analysed(p)["text"][1])]
    mismatches = [(w, s, h) for w, s, h in zip(words, stems, handed, strict=True) if s != h]
    assert not mismatches, mismatches[:10]
    engine = TantivyEngine(tmp_path / "ix")
    writer = engine.writer()
    writer.replace_source({"source_key": "voc"}, paragraphs)
    writer.commit()
    # And what the index holds: exactly the reference stems, each findable.
    assert list(engine.lexicon().prefixed("text", "")) == sorted(set(stems))
    lexicon = engine.lexicon()
    assert all(lexicon.df("text", s) >= 1 for s in set(stems))


# -- keyword fields, ranges and boolean logic ---------------------------------------------------------


@pytest.mark.parametrize("field", ["principal", "persons", "attendees", "places", "doc_type", "section", "source_key"])
def test_keyword_terms(engine, records, field):
    values = Counter(v for r in records for v in (r[field] if isinstance(r[field], list) else [r[field]]) if v)
    assert values
    for value in sorted(values)[:8]:
        expected = {r["id"] for r in records if value in (r[field] if isinstance(r[field], list) else [r[field]])}
        assert hit_ids(engine, Term(field, value)) == expected, (field, value)


def test_id_and_undated_terms(engine, records):
    assert hit_ids(engine, Term("id", records[3]["id"])) == {records[3]["id"]}
    undated = {r["id"] for r in records if r["year"] is None}
    assert undated and hit_ids(engine, Term("undated", "1")) == undated


def test_year_and_date_ranges(engine, records):
    years = sorted({r["year"] for r in records if r["year"] is not None})
    dates = sorted({r["date"] for r in records if r["date"]})
    assert len(years) >= 3 and len(dates) >= 3
    mid = years[len(years) // 2]
    cases = [(mid, None), (None, mid), (years[0], years[1]), (mid, mid), (years[-1] + 1, None)]
    for low, high in cases:
        expected = {r["id"] for r in records if r["year"] is not None
                    and (low is None or r["year"] >= low) and (high is None or r["year"] <= high)}
        assert hit_ids(engine, Range("year", low, high)) == expected, (low, high)
    assert hit_ids(engine, Term("year", mid)) == {r["id"] for r in records if r["year"] == mid}
    for low, high in [(dates[1], None), (None, dates[1]), (dates[0], dates[-2]), (dates[1], dates[1])]:
        expected = {r["id"] for r in records if r["date"]
                    and (low is None or r["date"] >= low) and (high is None or r["date"] <= high)}
        assert hit_ids(engine, Range("date", low, high)) == expected, (low, high)
    # A bare year as a date bound covers the whole year.
    year = dates[0][:4]
    assert hit_ids(engine, Range("date", year, year)) == {r["id"] for r in records if (r["date"] or "")[:4] == year}
    # And a year-month covers the whole month, up to its last day.
    late = max((d for d in dates if d[8:] != "01"), key=lambda d: d[8:])
    month = late[:7]
    assert hit_ids(engine, Range("date", month, month)) == {r["id"] for r in records if (r["date"] or "")[:7] == month}
    assert hit_ids(engine, Range("date", None, month)) == {r["id"] for r in records if r["date"] and r["date"][:7] <= month}


def test_boolean_logic(engine, records):
    a, b = sample_terms(records, "text", 6)[2:4]
    ta, tb = ids_with(records, "text", a), ids_with(records, "text", b)
    everything = {r["id"] for r in records}
    assert ta and tb and ta != tb
    assert hit_ids(engine, And((Term("text", a), Term("text", b)))) == ta & tb
    assert hit_ids(engine, Or((Term("text", a), Term("text", b)))) == ta | tb
    assert hit_ids(engine, And((Term("text", a), Not(Term("text", b))))) == ta - tb
    assert hit_ids(engine, And((Not(Term("text", a)),))) == everything - ta
    assert hit_ids(engine, Or((Term("text", a), Nothing()))) == ta
    assert hit_ids(engine, And((Term("text", a), Nothing()))) == set()
    assert hit_ids(engine, And((Term("text", a), Not(Nothing())))) == ta
    assert hit_ids(engine, Or((Term("text", a), And((Term("text", b), Not(Term("text", a))))))) == ta | tb
    assert hit_ids(engine, All()) == everything
    assert hit_ids(engine, Nothing()) == set()
    assert hit_ids(engine, Term("text", a), filter=Term("text", b)) == ta & tb


def test_scores_constant_boost_and_filters(engine, records):
    term = sample_terms(records, "text", 6)[2]
    plain = {h.record["id"]: h.score for h in engine.search(Term("text", term), limit=EVERYTHING).hits}
    assert len(set(plain.values())) > 1  # BM25 tells the paragraphs apart
    constant = engine.search(Constant(Term("text", term), 2.5), limit=EVERYTHING).hits
    assert {h.record["id"] for h in constant} == set(plain) and {h.score for h in constant} == {2.5}
    boosted = {h.record["id"]: h.score for h in engine.search(Term("text", term, boost=3.0), limit=EVERYTHING).hits}
    assert all(boosted[i] == pytest.approx(3 * plain[i], rel=1e-4) for i in plain)
    year = next(r["year"] for r in records if r["id"] in plain and r["year"])
    filtered = engine.search(Term("text", term), filter=Term("year", year), limit=EVERYTHING).hits
    assert filtered and len(filtered) < len(plain) or all(engine.paragraph(i)["year"] == year for i in plain)
    for hit in filtered:
        assert hit.score == pytest.approx(plain[hit.record["id"]], rel=1e-5)
        assert hit.record["year"] == year


# -- facets, sorting, paging ------------------------------------------------------------------------------


def python_facets(matching: list[dict]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for name, key in FACET_KEYS.items():
        counter: Counter = Counter()
        for record in matching:
            value = record.get(key)  # a record may leave out a facet it has no value for
            if isinstance(value, list):
                counter.update({v for v in value if v})
            elif value is not None and value != "" or name == "year":
                counter[value] += 1
        counts[name] = counter
    return counts


def test_facets_count_every_match(engine, records):
    term = sample_terms(records, "text", 6)[0]
    year = sorted({r["year"] for r in records if r["year"]})[1]
    for query, filter_ in [(All(), None), (Term("text", term), None), (Term("text", term), Range("year", year, None)),
                           (Term("undated", "1"), None)]:
        result = engine.search(query, filter=filter_, limit=3, facets=tuple(FACET_KEYS))
        matching = [r for r in records if r["id"] in hit_ids(engine, query, filter=filter_)]
        assert len(result.hits) == 3 and result.total == len(matching) > 3
        expected = python_facets(matching)
        for name in FACET_KEYS:
            assert result.facets[name] == dict(expected[name]), name
    assert None in engine.search(All(), facets=("year",)).facets["year"]
    only = engine.search(All(), facets=("place",)).facets
    assert set(only) == {"place"}


def sort_key(record):
    return (record["date"] or "", record["position"])


def test_sort_by_date_then_position_with_paging(engine, records):
    for sort, reverse in (("date", False), ("-date", True)):
        pages = []
        for offset in range(0, len(records) + 7, 7):
            result = engine.search(All(), sort=sort, limit=7, offset=offset)
            assert result.total == len(records)
            pages += [h.record for h in result.hits]
        assert len(pages) == len(records) == len({r["id"] for r in pages})
        # A paragraph without a date sorts before every dated one, then by position (as in whoosh).
        keys = [sort_key(r) for r in pages]
        assert keys == sorted(keys, reverse=reverse)
        assert any(r["date"] is None for r in pages) and any(r["date"] for r in pages)


def test_relevance_order_and_paging(engine, records):
    term = sample_terms(records, "text", 6)[0]
    full = engine.search(Term("text", term), limit=EVERYTHING).hits
    scores = [h.score for h in full]
    assert scores == sorted(scores, reverse=True) and len(full) > 10
    paged = []
    for offset in range(0, len(full), 4):
        paged += engine.search(Term("text", term), limit=4, offset=offset).hits
    assert [h.score for h in paged] == pytest.approx(scores)
    assert {h.record["id"] for h in paged} == {h.record["id"] for h in full}
    empty = engine.search(Term("text", term), limit=0)
    assert empty.hits == [] and empty.total == len(full)


# -- lookups ----------------------------------------------------------------------------------------------


def test_values_sources_and_source_paragraphs(engine, corpus, records):
    for field in ("principal", "persons", "attendees", "places", "doc_type", "section"):
        expected = sorted({v for r in records for v in (r[field] if isinstance(r[field], list) else [r[field]]) if v})
        assert engine.values(field) == expected, field
    sources = engine.sources()
    assert sources == sorted((source for source, _ in corpus[0]), key=lambda s: s["source_key"])
    for source, paragraphs in corpus[0]:
        assert engine.source_paragraphs(source["source_key"]) == sorted(paragraphs, key=lambda r: r["position"])
    assert engine.source_paragraphs("/no/such/file") == []


def test_lexicon(engine, records):
    lexicon = engine.lexicon()
    for term in sample_terms(records, "text", 6):
        assert lexicon.df("text", term) == len(ids_with(records, "text", term))
    assert lexicon.df("text", "zzzqqq") == 0
    vocabulary = {t for r in records for t, *_ in tokens(r, "text")}
    for prefix in ("för", "s", "polis"):
        expected = sorted(t for t in vocabulary if t.startswith(prefix))
        assert expected and list(lexicon.prefixed("text", prefix)) == expected
    stream = lexicon.prefixed("text", "s")
    assert next(stream) == min(t for t in vocabulary if t.startswith("s"))


# -- writing ---------------------------------------------------------------------------------------------


def make_source(key: str, tag: str, count: int) -> tuple[dict, list[dict]]:
    paragraphs = [
        {"kind": "p", "id": f"{key}-{tag}-{n}", "source": key, "source_key": key, "doc_type": "protokoll",
         "date": "2021-05-0" + str(1 + n % 9), "year": 2021, "section": None, "section_title": None,
         "principal": None, "unit": None, "persons": [], "places": [], "attendees": [],
         "text": f"{tag} mötet behandlade ärende {n}", "position": n, "title": key, "first": n == 0}
        for n in range(count)
    ]
    return {"source_key": key, "source": key, "source_hash": tag, "paragraphs": count}, paragraphs


def all_ids(index_dir: Path) -> set[str]:
    engine = TantivyEngine(index_dir)
    try:
        return hit_ids(engine, All())
    finally:
        engine.close()


def test_replace_remove_commit_and_cancel(tmp_path):
    index_dir = tmp_path / "ix"
    engine = TantivyEngine(index_dir)
    writer = engine.writer()
    for key in ("a", "b", "c"):
        writer.replace_source(*make_source(key, "v1", 3))
    writer.commit()
    assert all_ids(index_dir) == {f"{k}-v1-{n}" for k in "abc" for n in range(3)}

    writer = engine.writer()
    writer.replace_source(*make_source("a", "v2", 2))
    writer.remove_source("b")
    # Uncommitted changes are invisible, to this engine and to another reader.
    assert all_ids(index_dir) == hit_ids(engine, All()) == {f"{k}-v1-{n}" for k in "abc" for n in range(3)}
    writer.commit()
    expected = {"a-v2-0", "a-v2-1"} | {f"c-v1-{n}" for n in range(3)}
    assert hit_ids(engine, All()) == all_ids(index_dir) == expected
    assert [s["source_key"] for s in engine.sources()] == ["a", "c"]
    assert engine.sources()[0]["source_hash"] == "v2"
    assert engine.values("source_key") == ["a", "c"]  # deleted documents' values are gone
    assert engine.values("doc_type") == ["protokoll"]
    assert [r["id"] for r in engine.source_paragraphs("a")] == ["a-v2-0", "a-v2-1"]
    assert engine.source_paragraphs("b") == []
    assert hit_ids(engine, Term("text", "v2")) == {"a-v2-0", "a-v2-1"}

    writer = engine.writer()
    writer.remove_source("a")
    writer.replace_source(*make_source("d", "v3", 1))
    writer.cancel()
    assert all_ids(index_dir) == expected
    assert [s["source_key"] for s in engine.sources()] == ["a", "c"]


def test_rebuild_replaces_the_whole_index(tmp_path):
    index_dir = tmp_path / "ix"
    engine = TantivyEngine(index_dir)
    writer = engine.writer()
    for key in ("a", "b"):
        writer.replace_source(*make_source(key, "old", 2))
    writer.commit()
    cancelled = engine.writer(rebuild=True)
    cancelled.replace_source(*make_source("x", "gone", 2))
    cancelled.cancel()
    assert all_ids(index_dir) == hit_ids(engine, All()) == {"a-old-0", "a-old-1", "b-old-0", "b-old-1"}
    writer = engine.writer(rebuild=True)
    writer.replace_source(*make_source("c", "new", 2))
    assert all_ids(index_dir) == {"a-old-0", "a-old-1", "b-old-0", "b-old-1"}
    writer.commit()
    assert all_ids(index_dir) == {"c-new-0", "c-new-1"}
    assert [s["source_key"] for s in engine.sources()] == ["c"]


def test_a_second_writer_waits_then_reports_busy_and_the_lock_is_released(tmp_path):
    index_dir = tmp_path / "ix"
    first = TantivyEngine(index_dir).writer()
    waits: list[str] = []
    second = TantivyEngine(index_dir, lock_wait_seconds=0.3, on_wait=waits.append)
    with pytest.raises(IndexBusyError, match="in progress"):
        second.writer()
    assert waits and "waiting" in waits[0]
    first.cancel()
    second.writer().commit()  # the lock went with the cancelled writer


CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_engine_tantivy import make_source
from bigsearch.engines.tantivy_engine import TantivyEngine
index_dir, tag, sources = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
writer = TantivyEngine(index_dir).writer(rebuild=True)
print("started", flush=True)
for number in range(sources):
    writer.replace_source(*make_source(f"s{{number}}", tag, 40))
print("committing", flush=True)
writer.commit()
print("done", flush=True)
"""
CHILD_SOURCES = 40


def run_child(index_dir: Path, tag: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(index_dir), tag,
                             str(CHILD_SOURCES)], stdout=subprocess.PIPE, text=True, cwd=ROOT)


def expected_ids(tag: str) -> set[str]:
    return {f"s{s}-{tag}-{n}" for s in range(CHILD_SOURCES) for n in range(40)}


def timed_lines(child: subprocess.Popen) -> dict[str, float]:
    return {line.strip(): time.monotonic() for line in child.stdout}


def test_sigkill_at_random_moments_leaves_old_or_new_state_and_no_lock(tmp_path):
    index_dir = tmp_path / "ix"
    child = run_child(index_dir, "t0")
    marks = timed_lines(child)
    assert child.wait(timeout=120) == 0 and "done" in marks
    # How long this machine takes to write and to commit: the kills land within those windows.
    windows = {"started": marks["done"] - marks["started"], "committing": marks["done"] - marks["committing"]}
    state = expected_ids("t0")
    assert all_ids(index_dir) == state
    rng = random.Random(14)
    mid_run = during_commit = advanced = 0
    for attempt in range(1, 9):
        tag = f"t{attempt}"
        child = run_child(index_dir, tag)
        # Half the kills aim at the commit itself, half anywhere while writing.
        marker = "committing" if attempt % 2 else "started"
        for line in child.stdout:
            if line.strip() == marker:
                break
        time.sleep(rng.uniform(0, windows[marker]))
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        if "done" not in rest:
            mid_run += 1
            during_commit += marker == "committing"
        found = all_ids(index_dir)
        assert found in (state, expected_ids(tag)), f"attempt {attempt}: {len(found)} ids, neither old nor new"
        advanced += found != state
        state = found
        TantivyEngine(index_dir).verify()  # every file the committed state names is intact
        TantivyEngine(index_dir, lock_wait_seconds=0).writer().cancel()  # no stale lock
    print(f"kills mid-run: {mid_run} of 8, {during_commit} during the commit; {advanced} left the new state")
    assert mid_run >= 2, f"only {mid_run} kills landed mid-run"


WRITER_LOOP = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_engine_tantivy import make_source
from bigsearch.engines.tantivy_engine import TantivyEngine
for number in range(30):
    writer = TantivyEngine(Path(sys.argv[1])).writer(rebuild=True)
    for source in range(5):
        writer.replace_source(*make_source(f"s{{source}}", f"r{{number}}", 20))
    writer.commit()
"""


def test_readers_during_commits_see_whole_states(tmp_path):
    index_dir = tmp_path / "ix"
    TantivyEngine(index_dir).writer().commit()
    child = subprocess.Popen([sys.executable, "-c", WRITER_LOOP.format(root=str(ROOT)), str(index_dir)], cwd=ROOT)
    states, reads = set(), 0
    while child.poll() is None or not reads:
        result = TantivyEngine(index_dir).search(All(), limit=1000)  # a fresh reader each time
        tags = {hit.record["id"].split("-")[1] for hit in result.hits}
        assert len(tags) <= 1 and result.total in (0, 100), (tags, result.total)
        states |= tags
        reads += 1
    assert child.returncode == 0
    assert len(states) >= 2, f"{reads} reads saw only {states}"


# -- errors ---------------------------------------------------------------------------------------------


def test_missing_index_names_the_fix(tmp_path):
    engine = TantivyEngine(tmp_path / "nothing-here")
    for call in (lambda: engine.search(All()), lambda: engine.count(All()), engine.sources,
                 lambda: engine.paragraph("x"), engine.lexicon):
        with pytest.raises(IndexMissingError, match="bigsearch index"):
            call()


@pytest.fixture()
def small_index(tmp_path, engine) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(engine.index_dir, copy)
    return copy


@pytest.mark.parametrize("extension", ["store", "idx", "term", "pos", "fast", "fieldnorm"])
@pytest.mark.parametrize("damage", ["truncate", "overwrite"])
def test_damaged_segment_file_is_named_with_the_fix(small_index, extension, damage):
    target = max(small_index.glob(f"*.{extension}"), key=lambda p: p.stat().st_size)
    data = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    else:
        middle = len(data) // 3
        target.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle: middle + 64]) + data[middle + 64:])
    engine = TantivyEngine(small_index)
    with pytest.raises(IndexCorruptError) as caught:
        engine.search(Term("text", "och"), facets=tuple(FACET_KEYS), limit=50)
        engine.search(All(), sort="date", limit=EVERYTHING)
        engine.sources()
        engine.verify()
    assert target.name in str(caught.value) and "--rebuild" in str(caught.value)


def test_damaged_meta_and_another_version_name_the_fix(small_index, monkeypatch):
    meta = small_index / "meta.json"
    text = meta.read_text()
    meta.write_text(text[: len(text) // 2])
    with pytest.raises(IndexCorruptError, match=r"meta\.json.*--rebuild"):
        TantivyEngine(small_index).search(All())
    meta.write_text(text)
    assert TantivyEngine(small_index).count(All()) > 0
    monkeypatch.setattr(ts, "SCHEMA_VERSION", ts.SCHEMA_VERSION + 1)
    with pytest.raises(IndexCorruptError, match="another version.*--rebuild"):
        TantivyEngine(small_index).count(All())
    writer = TantivyEngine(small_index).writer(rebuild=True)
    writer.replace_source(*make_source("a", "fresh", 2))
    writer.commit()
    assert all_ids(small_index) == {"a-fresh-0", "a-fresh-1"}


def test_rebuild_recovers_a_damaged_index(small_index):
    meta = small_index / "meta.json"
    meta.write_text("{not json")
    writer = TantivyEngine(small_index).writer(rebuild=True)
    writer.replace_source(*make_source("a", "fresh", 1))
    writer.commit()
    assert all_ids(small_index) == {"a-fresh-0"}
    assert json.loads(meta.read_text())["segments"]


def test_queries_the_engine_cannot_answer_say_what_to_do(engine):
    from bigsearch.errors import QueryError

    for query in (Term("nosuchfield", "x"), Phrase("principal", ("a", "b")), Range("text", "a", "b"),
                  Range("date", "7 mars", None), Term("year", "nittonhundra")):
        with pytest.raises(QueryError):
            engine.search(query)
    with pytest.raises(QueryError, match="relevance"):
        engine.search(All(), sort="title")
    with pytest.raises(QueryError, match="year"):
        engine.search(All(), facets=("colour",))
    with pytest.raises(QueryError):
        engine.values("text")


@contextlib.contextmanager
def read_only(folder: Path, tmp_path: Path):
    """The folder as a read-only file system (root: a read-only bind mount) or without write permission."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    mount = tmp_path / "read-only"
    mount.mkdir()
    if subprocess.run(["mount", "--bind", str(folder), str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a read-only folder here (no bind mounts)")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a read-only folder here (no read-only remount)")
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_read_only_index_is_searchable_and_refuses_writers(small_index, records, tmp_path):
    from bigsearch.errors import IndexReadOnlyError

    with read_only(small_index, tmp_path) as folder:
        engine = TantivyEngine(folder)
        assert engine.count(All()) == len(records)
        assert engine.paragraph(records[0]["id"]) == records[0]
        assert len(engine.sources()) == 6
        with pytest.raises(IndexReadOnlyError, match="read-only"):
            engine.writer()
        engine.close()
    writable = TantivyEngine(small_index)
    writable.writer().commit()  # the folder itself was never written while read-only
    assert writable.count(All()) == len(records)

"""The corpus generator and the benchmark harness, on a tiny corpus (correctness only, no timing)."""

from __future__ import annotations

import hashlib
import json

import pytest

from bench.engines import (
    EXACT_WORDS,
    BenchQuery,
    Bigsearch,
    Fts5,
    StockWhoosh,
    fts5_build,
    stock_whoosh_build,
)
from bench.make_corpus import write_corpus
from bench.run import export_paragraphs
from bigsearch.index.sync import sync
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


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    corpus = base / "corpus"
    write_corpus(12, corpus, seed=3)
    jsonl = base / "paragraphs.jsonl"
    count = export_paragraphs(corpus, jsonl)
    assert count == sum(1 for _ in jsonl.open())
    sync(base / "big", [corpus])
    assert fts5_build(jsonl, base / "fts.sqlite") == count
    assert stock_whoosh_build(jsonl, base / "stock") == count
    return Bigsearch(base / "big"), Fts5(base / "fts.sqlite"), StockWhoosh(base / "stock"), jsonl


def test_harness_bigsearch_and_fts5_agree_on_exact_words(engines):
    big, fts, _, jsonl = engines
    paragraphs = [json.loads(line) for line in jsonl.open()]
    checked = 0
    for word in EXACT_WORDS:
        for query in (BenchQuery(word), BenchQuery(word, principal="Polisen"), BenchQuery(word, year=(2005, 2015))):
            expected = big.all_ids(query)
            assert fts.all_ids(query) == expected, query
            checked += bool(expected)
    assert checked >= 3  # the words really occur in the tiny corpus
    assert any(word in p["text"] for p in paragraphs for word in EXACT_WORDS)


def test_harness_engines_answer_the_query_mix(engines):
    from bench.engines import QUERY_MIX

    big, fts, stock, _ = engines
    assert len(QUERY_MIX) >= 30
    for query in QUERY_MIX:
        hits, total, facets = big.search(query)
        assert len(hits) <= 10 and total >= len(hits)
        fts_hits, fts_total, fts_facets = fts.search(query)
        assert fts_total >= len(fts_hits)
        if total:
            assert sum(facets["year"].values()) == total
        stock_hits, stock_total = stock.search(query)
        assert len(stock_hits) <= 10 and stock_total >= len(stock_hits)


def test_harness_stock_whoosh_finds_what_fts5_finds(engines):
    _, fts, stock, _ = engines
    found = 0
    for word in EXACT_WORDS:
        fts_ids = fts.all_ids(BenchQuery(word))
        stock_hits, stock_total = stock.search(BenchQuery(word), limit=1000)
        assert bool(stock_total) == bool(fts_ids), word  # a baseline that answers nothing would flatter no one
        found += bool(stock_hits)
    assert found >= 3

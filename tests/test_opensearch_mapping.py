"""The generated index body, the pre-analysed documents and the bulk NDJSON (no server needed)."""

from __future__ import annotations

import json

import pytest

from bigsearch.analysis.tokens import analyse
from bigsearch.engines.interface import FACET_KEYS, TEXT_FIELDS
from bigsearch.engines.opensearch_docs import (
    SeenTerms,
    encode_tokens,
    ndjson_lines,
    paragraph_document,
    source_actions,
)
from bigsearch.engines.opensearch_mapping import decompound_words, index_body, mappings
from bigsearch.facets import FACETS


@pytest.fixture(scope="module")
def body():
    return index_body(shards=3, replicas=2, word_list=["våld", "brott", "förebyggande"])


def test_every_facet_of_the_registry_is_an_aggregatable_field(body):
    properties = body["mappings"]["properties"]
    for facet in FACETS.counted():
        kind = properties[facet.key]["type"]
        assert kind == ("short" if facet.name == "year" else "keyword"), facet.name
        assert properties[facet.key].get("doc_values", True)
    assert set(FACET_KEYS.values()) <= set(properties)


def test_analysed_fields_take_our_terms_and_keep_alternatives_at_one_position(body):
    analysed = body["mappings"]["properties"]["analysed"]["properties"]
    assert set(analysed) == set(TEXT_FIELDS)
    for spec in analysed.values():
        assert spec["analyzer"] == "bigsearch_preanalysed" and spec["search_analyzer"] == "bigsearch_terms"
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["bigsearch_preanalysed"] == {
        "type": "custom", "tokenizer": "bigsearch_groups", "filter": ["bigsearch_alternatives"]}
    # A group of alternatives is never cut in two (the whitespace tokenizer's default cuts at 255).
    assert analysis["tokenizer"]["bigsearch_groups"] == {"type": "whitespace", "max_token_length": 1024 * 1024}
    assert analysis["filter"]["bigsearch_alternatives"] == {
        "type": "pattern_capture", "preserve_original": False, "patterns": ["([^|]+)"]}
    assert analysis["analyzer"]["bigsearch_terms"]["filter"] == []
    assert body["mappings"]["_source"]["excludes"][0] == "analysed"


def test_lucenes_swedish_chain_is_in_sub_fields_named_for_it(body):
    analysis = body["settings"]["analysis"]
    assert analysis["filter"]["lucene_swedish_snowball"] == {"type": "snowball", "language": "Swedish"}
    assert analysis["filter"]["bigsearch_decompound"]["type"] == "dictionary_decompounder"
    assert analysis["filter"]["bigsearch_decompound"]["word_list"] == ["våld", "brott", "förebyggande"]
    assert analysis["analyzer"]["lucene_swedish_folded"]["filter"] == [
        "lowercase", "asciifolding", "lucene_swedish_snowball"]
    for name in ("text", "section_title", "title"):
        original = body["mappings"]["properties"][name]
        assert original["index"] is False  # kept as written; searched only through its analyses
        assert set(original["fields"]) == {"lucene_swedish", "lucene_swedish_parts", "lucene_swedish_folded"}
        assert original["fields"]["lucene_swedish"] == {
            "type": "text", "analyzer": "lucene_swedish", "index_options": "offsets"}
    assert body["settings"]["index"] == {"number_of_shards": 3, "number_of_replicas": 2, "max_result_window": 25_000}


def test_the_decompounder_word_list_comes_from_our_compound_data():
    from bigsearch.analysis.compounds import split_compound

    words = set(decompound_words())
    assert 1000 < len(words) < 100_000
    for compound in ("våldsförebyggande", "fritidsgård", "brottsförebyggande"):
        parts = split_compound(compound)
        assert parts, compound
        assert parts[0] in words, (compound, parts)  # the head our splitter finds is in the list
    assert not {"och", "för", "sam"} & words  # our splitter's non-parts are left out


def test_the_mapping_refuses_unknown_keys():
    assert mappings()["dynamic"] == "strict"


def test_tokens_are_encoded_by_position():
    tokens = analyse("text", "drog- och brottsförebyggande arbete")
    encoded = encode_tokens(tokens)
    groups = encoded.split(" ")
    assert len(groups) == 4  # one group per word position
    assert groups[0].split("|")[0] == "drog" and len(groups[0].split("|")) == 2  # the coordinated form shares it
    assert encode_tokens([("b", 1, 0, 1), ("a", 0, 0, 1), ("c", 1, 0, 1)]) == "a b|c"


def test_a_paragraph_document_holds_the_record_and_our_analysis(all_paragraphs, seed_docs):
    from bigsearch.engines.records import paragraph_records

    doc = next(iter(seed_docs.values()))
    records = paragraph_records(doc, "/archive/a.txt")
    at = next(i for i, record in enumerate(records) if record.get("first"))  # the attendance paragraph
    first, other = paragraph_document(records[at]), paragraph_document(records[at + 1])
    assert first["kind"] == "p" and first["doc_key"].startswith("p:") and first["id"] == records[at]["id"]
    assert first["analysed"]["text"].split(" ")[0].split("|")[0] == analyse("text", records[at]["text"])[0][0]
    assert first["analysed"]["attendee_words"] and not other["analysed"]["attendee_words"]
    allowed = set(mappings()["properties"])
    assert set(first) <= allowed, set(first) - allowed
    assert first["undated"] == ("1" if records[at]["year"] is None else None)


def test_source_actions_put_the_manifest_entry_last_and_send_each_term_once(seed_docs):
    from bigsearch.engines.records import paragraph_records, source_record

    doc = next(iter(seed_docs.values()))
    source = source_record(doc, "/archive/a.txt", "abc", "1:2")
    seen = SeenTerms()
    actions = list(source_actions(source, paragraph_records(doc, "/archive/a.txt"), seen, "ix"))
    assert actions[-1]["_source"]["kind"] == "f" and actions[-1]["_source"]["source_hash"] == "abc"
    kinds = [a["_source"]["kind"] for a in actions]
    assert kinds.count("p") == len(doc.paragraphs) and kinds.count("f") == 1
    vocabulary = [(a["_source"]["vocab_field"], a["_source"]["vocab_term"]) for a in actions if a["_source"]["kind"] == "v"]
    assert len(vocabulary) == len(set(vocabulary)) > 0
    allowed = set(mappings()["properties"])
    for action in actions:  # the mapping is strict: every key of every kind of document is mapped
        assert set(action["_source"]) <= allowed, set(action["_source"]) - allowed
    again = list(source_actions(source, paragraph_records(doc, "/archive/a.txt"), seen, "ix"))
    assert not [a for a in again if a["_source"]["kind"] == "v"]  # already sent in this run
    assert all(a["_index"] == "ix" for a in actions)


def test_bulk_ndjson_is_an_action_line_then_a_document_line():
    actions = [{"_op_type": "index", "_id": "p:1", "_source": {"kind": "p", "text": "Sätra"}},
               {"_op_type": "delete", "_id": "p:2"}]
    lines = list(ndjson_lines(actions))
    assert [json.loads(line) for line in lines] == [{"index": {"_id": "p:1"}}, {"kind": "p", "text": "Sätra"},
                                                   {"delete": {"_id": "p:2"}}]
    assert "Sätra" in lines[1]  # UTF-8, not \\u escapes


def test_export_format_opensearch_writes_loadable_bulk_lines(tmp_path, corpus_dir):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app

    result = CliRunner().invoke(app, ["export", "--format", "opensearch", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    actions, docs = lines[0::2], lines[1::2]
    assert all(list(a) == ["index"] and a["index"]["_id"] == d["doc_key"] for a, d in zip(actions, docs, strict=True))
    files = sorted(p for p in corpus_dir.iterdir() if p.suffix == ".txt")
    assert sum(d["kind"] == "f" for d in docs) == len(files)
    from bigsearch.ingest.pipeline import ingest_paths

    assert sum(d["kind"] == "p" for d in docs) == sum(len(doc.paragraphs) for doc in ingest_paths([corpus_dir]))


def test_mapping_command_prints_the_body(corpus_dir):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app

    result = CliRunner().invoke(app, ["opensearch", "mapping", "--shards", "4", "--replicas", "0"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["settings"]["index"] == {"number_of_shards": 4, "number_of_replicas": 0, "max_result_window": 25_000}
    assert body["mappings"] == mappings()


def test_mapping_command_runs_as_a_real_process():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "bigsearch", "opensearch", "mapping"], capture_output=True,
                          text=True, env=env, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mappings"]["properties"]["analysed"]["type"] == "object"
    bad = subprocess.run([sys.executable, "-m", "bigsearch", "opensearch", "mapping", "--shards", "0"],
                         capture_output=True, text=True, env=env, cwd=root, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr

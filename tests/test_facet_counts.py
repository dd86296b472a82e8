"""Facets cost what they show: each engine counts the values the caller shows (facet_limit) and what
the rest holds; counts are exact while the hits are no more than the sample size, and over a
sample of the hits (scaled, and said to be approximate) above it. Every test runs on every
embedded engine (the `searcher` fixture); the tantivy engine's ties and segments have their own."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from bigsearch.engines.interface import sample_bucket, sample_buckets
from bigsearch.facets import UNDATED
from bigsearch.search.results import Filters

QUERIES = ["och", "att", "mötet", "Andersberg", "polisen", "trygghet", "Jennehag", "fritids*"]


def ordered(values: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(values.items(), key=lambda item: (-item[1], item[0]))


def counts_of(hits) -> dict[str, Counter]:
    """Every counted facet's values over the hits, counted here from the hits themselves."""
    counts = {name: Counter() for name in ("year", "principal", "person", "attendee", "place", "doc_type", "body")}
    for hit in hits:
        counts["year"][str(hit.year) if hit.year else UNDATED] += 1
        for name, value in (("principal", hit.principal), ("doc_type", hit.doc_type), ("body", hit.body)):
            if value:
                counts[name][value] += 1
        for name, values in (("person", hit.persons), ("attendee", hit.attendees), ("place", hit.places)):
            counts[name].update(set(values))
    return counts


def every_hit(searcher, text, filters=None):
    total = searcher.search(text, filters, limit=0, facets=False).total
    return searcher.search(text, filters, limit=max(total, 1), facets=False).hits


@pytest.mark.parametrize("text", QUERIES)
def test_facet_counts_are_exact_while_the_hits_are_fewer_than_the_sample(searcher, text):
    result = searcher.search(text, limit=0, facet_limit=None)
    assert result.total <= searcher.facet_sample and not result.facets_approximate
    expected = counts_of(every_hit(searcher, text))
    for name, values in result.facets.items():
        assert values == dict(expected[name]), name
        if name != "year":
            assert list(values.items()) == ordered(values), f"{name}: most paragraphs first, ties by value"
    assert result.facets_other == {}


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [0, 1, 2, 3, 8])
def test_only_the_values_shown_are_counted_and_the_rest_is_summed(searcher, text, limit):
    everything = searcher.search(text, limit=0, facet_limit=None)
    shown = searcher.search(text, limit=0, facet_limit=limit)
    assert shown.total == everything.total
    for name, values in everything.facets.items():
        if name == "year":  # a ranged facet: every year, in order
            assert shown.facets[name] == values
            continue
        assert list(shown.facets[name].items()) == ordered(values)[:limit], name
        left_out = sum(count for _, count in ordered(values)[limit:])
        assert shown.facets_other.get(name, 0) == left_out, name


def test_huge_hit_sets_are_counted_over_a_sample_of_them_and_say_so(searcher):
    exact = searcher.search("och", limit=0, facet_limit=None)
    searcher.facet_sample = exact.total // 3
    sampled = searcher.search("och", limit=0, facet_limit=None)
    if searcher.engine.name == "opensearch":  # the cluster counts every hit, as fast: never a sample
        assert sampled.facets == exact.facets and not sampled.facets_approximate
        return
    assert sampled.total == exact.total and sampled.facets_approximate and not exact.facets_approximate
    # The sample: the hits in the first k hash buckets of their ids, the same in every engine.
    buckets = sample_buckets(exact.total, searcher.facet_sample)
    in_sample = [hit for hit in every_hit(searcher, "och") if sample_bucket(hit.id) < buckets]
    assert 0 < len(in_sample) < exact.total
    scale = exact.total / len(in_sample)
    for name, values in counts_of(in_sample).items():
        expected = {value: round(count * scale) for value, count in values.items()}
        assert sampled.facets[name] == expected, name
    data = sampled.to_json()
    assert data["facets_approximate"] is True and data["facets"] == sampled.facets


def test_a_sample_keeps_its_values_in_order_and_sums_the_rest(searcher):
    searcher.facet_sample = 40
    everything = searcher.search("och", limit=0, facet_limit=None)
    top = searcher.search("och", limit=0, facet_limit=2)
    if searcher.engine.name == "opensearch":  # exact counts (see above): the top two and the rest
        for name in ("person", "attendee", "place"):
            values = ordered(everything.facets[name])
            assert list(top.facets[name].items()) == values[:2]
            assert top.facets_other.get(name, 0) == sum(count for _, count in values[2:])
        return
    assert top.facets_approximate and everything.facets_approximate
    for name in ("person", "attendee", "place"):
        values = ordered(everything.facets[name])
        assert list(top.facets[name].items()) == values[:2]
        assert top.facets_other.get(name, 0) == pytest.approx(sum(count for _, count in values[2:]), abs=len(values))


def test_hits_within_the_sample_size_are_never_sampled(searcher):
    total = searcher.search("och", limit=0, facets=False).total
    searcher.facet_sample = total
    assert not searcher.search("och", limit=0).facets_approximate
    searcher.facet_sample = None
    assert not searcher.search("och", limit=0).facets_approximate


def test_filtered_and_browsed_facets_are_exact_too(searcher):
    filters = Filters(principal="polisen")
    result = searcher.search("och", filters, limit=0, facet_limit=None)
    assert result.facets["principal"] == {"Polisen": result.total}
    browsed = searcher.browse(Filters(year="2024"), limit=0, facet_limit=1)
    assert list(browsed.facets["year"]) == ["2024"] and len(browsed.facets["place"]) == 1


def test_a_timeline_counts_every_hit_even_when_searches_would_sample(searcher):
    expected = searcher.timeline("och")
    searcher.facet_sample = 10
    assert searcher.timeline("och") == expected


def test_a_negative_number_of_values_is_refused(searcher):
    from bigsearch.errors import QueryError

    with pytest.raises(QueryError):
        searcher.search("och", facet_limit=-1)


# -- the command line ---------------------------------------------------------------------------------


def test_the_command_line_shows_eight_values_the_rest_and_approximate_counts(built_index, monkeypatch):
    from bigsearch.cli.app import app
    from bigsearch.search import searcher as searcher_module

    runner = CliRunner()
    exact = runner.invoke(app, ["search", "och", "--json", "--index-dir", str(built_index)])
    data = json.loads(exact.stdout)
    assert data["facets_approximate"] is False
    assert all(len(values) <= 8 for name, values in data["facets"].items() if name != "year")
    assert data["facets_other"]["attendee"] > 0
    text = runner.invoke(app, ["search", "och", "--index-dir", str(built_index), "--no-pager"]).stdout
    assert "övriga (" in text and "≈" not in text
    monkeypatch.setattr(searcher_module, "FACET_SAMPLE", 50)
    approximate = runner.invoke(app, ["search", "och", "--index-dir", str(built_index), "--no-pager"]).stdout
    if "opensearch" in built_index.name:  # the cluster counts every hit: never a sample
        assert "≈" not in approximate
        return
    assert "(≈" in approximate
    data = json.loads(runner.invoke(app, ["search", "och", "--json", "--index-dir", str(built_index)]).stdout)
    assert data["facets_approximate"] is True


# -- tantivy: ties and segments ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tantivy_segments(corpus_dir, tmp_path_factory):
    """A tantivy index of several segments: the protocols added in three runs."""
    from bigsearch.index.sync import sync

    index_dir = tmp_path_factory.mktemp("tantivy-segments")
    files = sorted(corpus_dir.glob("*.txt"))
    for part in (files[:2], files[2:4], files[4:]):
        sync(index_dir, part, engine="tantivy")
    return index_dir


def test_tantivy_ties_and_segments_give_the_same_top_values_as_every_value(tantivy_segments):
    from bigsearch.engines.tantivy_engine import TantivyEngine
    from bigsearch.search.searcher import Searcher

    engine = TantivyEngine(tantivy_segments)
    assert engine._searcher().num_segments > 1
    with Searcher(tantivy_segments, engine=engine) as searcher:
        for text in QUERIES:
            everything = searcher.search(text, limit=0, facet_limit=None)
            for limit in (1, 3, 8):
                shown = searcher.search(text, limit=0, facet_limit=limit)
                for name, values in everything.facets.items():
                    if name != "year":
                        assert list(shown.facets[name].items()) == ordered(values)[:limit], (text, name, limit)


def test_tantivy_ties_at_the_last_value_shown_go_to_the_smallest_values(tmp_path):
    """Three values in two paragraphs, 297 in one: tantivy's own pick among those with one is no
    order (it passed over the first ones); ours is by value."""
    from bigsearch.engines.interface import All
    from bigsearch.engines.tantivy_engine import TantivyEngine

    names = [f"Person {n:03d}" for n in range(300)]
    twice = [names[250], names[100], names[7]]
    paragraphs = [{"kind": "p", "id": f"s-{n}", "source": "s", "source_key": "s", "doc_type": "protokoll",
                   "date": "2021-05-01", "year": 2021, "section": None, "section_title": None, "principal": None,
                   "unit": None, "persons": [name], "places": [], "attendees": [], "text": "mötet", "position": n,
                   "title": "s", "first": n == 0}
                  for n, name in enumerate(names + twice)]
    engine = TantivyEngine(tmp_path / "ix")
    writer = engine.writer()
    writer.replace_source({"source_key": "s", "source": "s", "source_hash": "h", "paragraphs": len(paragraphs)},
                          paragraphs)
    writer.commit()
    expected = sorted(twice) + [name for name in names if name not in twice]
    for limit in (1, 4, 5, 8, 12):
        result = engine.search(All(), limit=0, facets=("person",), facet_limit=limit)
        assert list(result.facets["person"]) == expected[:limit], limit
        assert result.facets_other["person"] == len(paragraphs) - sum(result.facets["person"].values())
    engine.close()

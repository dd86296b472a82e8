"""The tantivy engine compared with the whoosh engine, answer by answer.

The whole search suite runs on both engines already (conftest.py parametrises the shared index
over the engines); here the two engines' answers are compared with each other.
"""

from __future__ import annotations

import pytest

from bigsearch.search.results import Filters


@pytest.fixture(scope="module")
def tantivy_index(corpus_dir, tmp_path_factory):
    from bigsearch.index.sync import sync

    index_dir = tmp_path_factory.mktemp("tantivy")
    report = sync(index_dir, [corpus_dir], engine="tantivy")
    assert report.added == 5 and not report.failed
    return index_dir


@pytest.fixture()
def searcher(tantivy_index):
    from bigsearch.engines.tantivy_engine import TantivyEngine
    from bigsearch.search.searcher import Searcher

    with Searcher(tantivy_index, engine=TantivyEngine(tantivy_index)) as s:
        yield s


@pytest.fixture()
def whoosh(whoosh_index):
    from bigsearch.search.searcher import Searcher

    with Searcher(whoosh_index) as s:
        yield s


QUERIES = [
    "Andersberg", "Andersbergs", "Sätra", "Satra", "Brynas", "Bomhus", "våld", "fritidsgård", "polisen", "samverkan",
    "trygghet", "ungdomar", "och", "att", '"stolt och nykter"', '"det är"', "fritids*", "polis* NOT Bomhus",
    "Andersbrg~2", "skolorna", "drogförebyggande", "title:trygghet", "year:2019..2020 mötet",
    "date:2020-01-01..2020-06-30 mötet", "principal:polisen trygghet", "type:protokoll Bomhus", "-och",
    "Jennehag", "tillit OR narkotika", "(Bomhus OR Sätra) -Andersberg", "brott^2 våld",
]


@pytest.mark.parametrize("text", QUERIES)
def test_the_same_paragraphs_counts_and_facets_as_the_whoosh_engine(searcher, whoosh, text):
    mine, theirs = searcher.search(text, limit=500), whoosh.search(text, limit=500)
    assert mine.total == theirs.total
    assert {h.id for h in mine.hits} == {h.id for h in theirs.hits}
    assert mine.facets == theirs.facets
    assert mine.notes == theirs.notes


@pytest.mark.parametrize("filters", [Filters(year="2019..2023"), Filters(principal="polisen"), Filters(place="Sätra"),
                                     Filters(person="Caroline Engberg"), Filters(date_from="2020", date_to="2024-01"),
                                     Filters(facets={"year": "undated"})])
def test_filters_agree_with_the_whoosh_engine(searcher, whoosh, filters):
    mine, theirs = searcher.search("och OR att", filters, limit=500), whoosh.search("och OR att", filters, limit=500)
    assert {h.id for h in mine.hits} == {h.id for h in theirs.hits} and mine.total == theirs.total
    assert mine.undated_excluded == theirs.undated_excluded


def test_date_order_and_pages_agree_with_the_whoosh_engine(searcher, whoosh):
    for sort in ("date", "-date"):
        mine = [h.id for h in searcher.search("och", sort=sort, limit=400).hits]
        theirs = [h.id for h in whoosh.search("och", sort=sort, limit=400).hits]
        assert mine == theirs
    pages = [searcher.search("och", sort="date", limit=7, offset=k).hits for k in range(0, 35, 7)]
    ids = [h.id for page in pages for h in page]
    assert len(ids) == len(set(ids)) == 35
    assert ids == [h.id for h in searcher.search("och", sort="date", limit=35).hits]


def test_listings_stats_and_documents_agree_with_the_whoosh_engine(searcher, whoosh):
    for facet in ("principal", "place"):
        assert searcher.listing(facet) == whoosh.listing(facet)
    assert [(r.name, r.paragraphs, r.attended) for r in searcher.listing("person")] == [
        (r.name, r.paragraphs, r.attended) for r in whoosh.listing("person")]
    mine, theirs = searcher.stats(), whoosh.stats()
    assert (mine.documents, mine.paragraphs, mine.years, mine.undated) == (
        theirs.documents, theirs.paragraphs, theirs.years, theirs.undated)
    assert mine.engine == "tantivy" and mine.index_bytes > 0
    mine_attendance, theirs_attendance = searcher.attendance(), whoosh.attendance()
    assert {k: len(v) for k, v in mine_attendance.items()} == {k: len(v) for k, v in theirs_attendance.items()}
    for hit in whoosh.search("Andersberg", limit=3).hits:  # ids come from the index, not from here
        key = whoosh.source_key_of(hit.id)
        assert [h.id for h in searcher.document_paragraphs(key)] == [h.id for h in whoosh.document_paragraphs(key)]
        assert searcher.get(hit.id) == whoosh.get(hit.id)


def test_a_second_sync_changes_nothing_and_a_changed_file_is_replaced(corpus_dir, tmp_path):
    import shutil

    from bigsearch.engines.interface import All
    from bigsearch.engines.tantivy_engine import TantivyEngine
    from bigsearch.index.sync import sync as sync_index
    from bigsearch.ingest.pipeline import ingest_file

    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    index_dir = tmp_path / "ix"

    def sync(engine, paths):
        engine.close()
        return sync_index(index_dir, paths, engine="tantivy")

    engine = TantivyEngine(index_dir)
    assert sync(engine, [folder]).added == 5
    again = sync(engine, [folder])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    victim = sorted(folder.iterdir())[0]
    key = str(victim.resolve())
    old_texts = [r["text"] for r in engine.source_paragraphs(key)]
    opening = " ".join(old_texts[len(old_texts) // 2].split()[:3])  # a paragraph's first words, on one line
    content = victim.read_text("utf-8")
    assert opening in content
    victim.write_text(content.replace(opening, opening + " zebrakorsningar", 1), "utf-8")
    expected = [p.text for p in ingest_file(victim).paragraphs]
    assert expected != old_texts
    changed = sync(engine, [folder])
    assert (changed.updated, changed.unchanged) == (1, 4)
    assert [r["text"] for r in engine.source_paragraphs(key)] == expected
    total = engine.count(All())
    victim.unlink()
    gone = sync(engine, [folder])
    assert gone.removed == 1 and len(engine.sources()) == 4
    assert engine.source_paragraphs(key) == [] and engine.count(All()) == total - len(expected)

from __future__ import annotations

import pytest

from bigsearch.errors import QueryError
from bigsearch.search.results import Filters


def test_andersberg_three_hits_all_2024(searcher):
    result = searcher.search("Andersberg")
    assert result.total == 3
    assert {h.year for h in result.hits} == {2024}
    assert {h.principal for h in result.hits} == {"Social hållbarhet", "Polisen", "Livsmiljö Gävle"}
    assert result.facets["year"] == {"2024": 3}
    assert result.facets["place"]["Andersberg"] == 3


def test_principal_filter_accepts_alias_and_case(searcher):
    for name in ("Polisen", "polisen", "POLISEN"):
        result = searcher.search("samverkan OR tillit OR narkotika OR Andersberg", Filters(principal=name), limit=50)
        assert {h.principal for h in result.hits} == {"Polisen"}
        assert {h.year for h in result.hits} == {2023, 2024}
    result = searcher.search("Sätra", Filters(principal="Välfärd Gävle/socialtjänsten"))
    assert result.total == 2


def test_phrase_keeps_stopwords(searcher):
    result = searcher.search('"stolt och nykter"')
    assert {h.year for h in result.hits} == {2019, 2023, 2024}
    for hit in result.hits:
        assert [hit.text[a:b].lower() for a, b in hit.highlights] == ["stolt", "och", "nykter"]


def test_compounds_found_below_whole_words(searcher):
    result = searcher.search("våld", limit=10)
    words = {hit.text[a:b].lower() for hit in result.hits for a, b in hit.highlights}
    assert {"våld", "våldsförebyggande", "våldsbejakande"} <= words
    first = result.hits[0]
    assert "våld" in [first.text[a:b].lower() for a, b in first.highlights]


def test_highlights_show_the_inflected_form(searcher):
    result = searcher.search("fritidsgård")
    words = {hit.text[a:b] for hit in result.hits for a, b in hit.highlights}
    assert "fritidsgårdarna" in words


def test_folded_spelling_ranks_below_exact(searcher):
    exact = searcher.search("Sätra")
    folded = searcher.search("Satra")
    assert {h.id for h in folded.hits} == {h.id for h in exact.hits}
    assert folded.hits[0].score < exact.hits[0].score
    assert folded.hits[0].text[slice(*folded.hits[0].highlights[0])] == "Sätra"


def test_zero_hits_suggest_from_the_vocabulary(searcher):
    result = searcher.search("Andersbrg")
    assert result.total == 0
    assert result.suggestion == "Andersberg"


def test_not_minus_prefix_and_fuzzy(searcher):
    both = {h.id for h in searcher.search("Bomhus").hits}
    without = {h.id for h in searcher.search("Bomhus -Andersberg").hits}
    assert without == {h.id for h in searcher.search("Bomhus NOT Andersberg").hits}
    assert without < both
    assert searcher.search("visitation*").total == 1
    assert searcher.search("Andersbrg~2").total == 3


def test_filters_year_range_dates_person_place(searcher):
    assert {h.year for h in searcher.search("mötet", Filters(year="2019..2020"), limit=50).hits} == {2019, 2020}
    assert {h.date for h in searcher.search("mötet", Filters(date_from="2020-03-01", date_to="2020-03-31")).hits} == {
        "2020-03-06"
    }
    hits = searcher.search("rapporterade OR tackade", Filters(person="caroline engberg"), limit=50).hits
    assert hits and all("Caroline Engberg" in h.persons for h in hits)
    assert {h.id for h in searcher.search("oro", Filters(place="bomhus")).hits} == {"2024-02-09-ed0fa0-s6-p13"}


@pytest.mark.parametrize(
    "filters",
    [Filters(year="20x"), Filters(principal="Brandkåren"), Filters(date_from="igår"), Filters(person="Nobody Here"),
     Filters(place="Atlantis"), Filters(date_from="2021", date_to="2019")],
)
def test_bad_filters_raise_query_error(searcher, filters):
    with pytest.raises(QueryError):
        searcher.search("mötet", filters)


def test_sort_by_date(searcher):
    dates = [h.date for h in searcher.search("mötet", sort="date", limit=50).hits if h.date]
    assert len(set(dates)) >= 3
    assert dates == sorted(dates)
    newest = [h.date for h in searcher.search("mötet", sort="-date", limit=50).hits if h.date]
    assert newest == sorted(newest, reverse=True)


def test_show_and_neighbours(searcher):
    hit = searcher.get("2024-02-09-ed0fa0-s6-p13")
    assert hit.principal == "Polisen"
    neighbours = searcher.neighbours("2024-02-09-ed0fa0-s6-p13")
    assert [n.id for n in neighbours][:2] == ["2024-02-09-ed0fa0-s6-p1", "2024-02-09-ed0fa0-s6-p2"]
    assert hit.id in [n.id for n in neighbours]


def test_principal_report_groups_by_meeting_newest_first(searcher):
    name, grouped = searcher.principal_report("polisen")
    assert name == "Polisen"
    assert list(grouped) == ["2024-02-09", "2023-03-10"]
    assert all(h.principal == "Polisen" for hits in grouped.values() for h in hits)
    first = grouped["2024-02-09"]
    assert first[0].text.startswith("Ser samma sak")


def test_listings_and_stats(searcher):
    persons = {row.name: row for row in searcher.listing("person")}
    assert persons["Caroline Engberg"].first_year == 2019 and persons["Caroline Engberg"].last_year == 2020
    places = {row.name: row.paragraphs for row in searcher.listing("place")}
    assert places["Andersberg"] == 3
    stats = searcher.stats()
    assert stats.documents == 5
    assert stats.years == [2018, 2019, 2020, 2023, 2024]
    assert searcher.timeline("Andersberg").counts == {2024: 3}


def test_filters_that_match_nothing_give_nothing(searcher):
    result = searcher.search("Andersberg", Filters(year="1990"))
    assert result.total == 0 and result.hits == []


def test_document_sets_leave_out_deleted_paragraphs(tmp_path, corpus_dir):
    """Deleted paragraphs still in a segment are not counted in totals, facets or stats."""
    from whoosh.query import Term

    from bigsearch.engines import whoosh_store as store
    from bigsearch.engines.whoosh_docsets import Docsets
    from bigsearch.index.sync import sync
    from bigsearch.search.searcher import Searcher

    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    writer = store.open_for_writing(index_dir).writer()
    writer.delete_by_term("id", "2024-02-09-ed0fa0-s6-p13")  # Polisen's Andersberg paragraph
    writer.commit(merge=False)  # keep the deletion inside the segment
    with Searcher(index_dir) as fresh:
        whoosh_searcher = fresh.engine.searcher
        assert whoosh_searcher.reader().has_deletions()
        assert Docsets(whoosh_searcher).matching(Term("places", "Andersberg")).sum() == 2
        result = fresh.search("Andersberg")
        assert result.total == 2 and "Polisen" not in result.facets["principal"]
        assert fresh.stats().paragraphs == sum(1 for _ in whoosh_searcher.docs_for_query(Term("kind", "p")))


def test_stats_report_the_schema_version_of_the_engine_in_use(searcher):
    from bigsearch.engines import tantivy_schema, version
    from bigsearch.engines.opensearch_engine import OpenSearchEngine

    stats = searcher.stats()
    assert stats.engine == searcher.engine.name
    assert stats.schema_version == {"whoosh": version.SCHEMA_VERSION, "tantivy": tantivy_schema.SCHEMA_VERSION,
                                    "opensearch": OpenSearchEngine.schema_version}[stats.engine]

"""Ranking a first user notices: exact forms before other forms, a document's title once per meeting."""

from __future__ import annotations

import re

import pytest

from bigsearch.analysis.stemming import stem


def holds_exact_form(hit, word: str) -> bool:
    """The paragraph's text or § title holds a word with the query word's own stem."""
    words = re.findall(r"\w+", f"{hit.text} {hit.section_title or ''}".lower())
    return any(stem(w) == stem(word) for w in words)


@pytest.mark.parametrize("word", ["skolan", "skola", "kommun", "trygghet", "insatser", "ungdomar", "rapport"])
def test_exact_forms_rank_before_other_forms_of_a_word(searcher, word):
    from bigsearch.domain.parts import TEXT_PARTS

    hits = searcher.search(word, limit=500, facets=False).hits
    exact = [holds_exact_form(hit, word) for hit in hits]
    assert any(exact)
    # The minutes' own text first (header fields, signatures and captions after), and within each
    # the exact forms first.
    order = [(hit.extra.get("part") in TEXT_PARTS, e) for hit, e in zip(hits, exact, strict=True)]
    assert order == sorted(order, reverse=True), [(h.id, o) for h, o in zip(hits, order, strict=True)]


def test_a_word_of_the_documents_title_counts_once_per_meeting(searcher):
    """"protokoll" is in every meeting's title: each meeting once, not each of its paragraphs."""
    result = searcher.search("protokoll", limit=1000, facets=False)
    title_only: dict[str, int] = {}
    for hit in result.hits:
        if not hit.highlights and not hit.title_highlights:  # found by the document's title alone
            title_only[hit.source_key] = title_only.get(hit.source_key, 0) + 1
    assert title_only and set(title_only.values()) == {1}
    meetings = {source["source_key"] for source in searcher.engine.sources()
                if "protokoll" in (source.get("title") or "").lower()}
    assert set(title_only) == meetings  # every meeting with it in its title, once


def test_a_dnr_in_the_title_finds_its_meeting(searcher):
    """What only the document's title says is still found: on the meeting's first paragraph."""
    for source in searcher.engine.sources():
        title = source.get("title") or ""
        word = next((w for w in re.findall(r"\w+", title) if len(w) > 4 and not w.isdigit()), None)
        if not word:
            continue
        hits = searcher.search(f'"{word}"', limit=1000, facets=False).hits
        assert source["source_key"] in {hit.source_key for hit in hits}, (word, title)

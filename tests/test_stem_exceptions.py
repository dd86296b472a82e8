"""Words of different lemmas kept apart: the exception table (bigsearch/data/stem_exceptions.toml),
the definite -n rule of the inflection expansion, and what a search finds because of them.

Each table entry is checked against the Snowball reference vocabulary: the collision is real
without the entry (so the entry is not a guess) and gone with it.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from bigsearch.analysis import stemming
from bigsearch.analysis.stemming import snowball, stem
from bigsearch.search.expand import Budget, variant_stems

SNOWBALL = Path(__file__).parent / "data" / "snowball-swedish"
TABLE = tomllib.loads(resources.files("bigsearch.data").joinpath("stem_exceptions.toml").read_text("utf-8"))


class Lexicon:
    """A vocabulary of stems, each held once."""

    def __init__(self, words):
        self.stems = {stem(word) for word in words} | {snowball(word) for word in words}

    def df(self, field, term):
        return int(term in self.stems)


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    words = (SNOWBALL / "voc.txt").read_text("utf-8").split("\n")
    stems = (SNOWBALL / "output.txt").read_text("utf-8").split("\n")
    return dict(zip(words, stems, strict=True))


def reaches(word: str, others, lexicon) -> set[str]:
    return set(variant_stems(word, lexicon, "text", Budget())[1:]) & others


@pytest.fixture()
def no_exceptions(monkeypatch):
    """The analysis as it would be without the table."""
    monkeypatch.setattr(stemming, "exceptions", lambda: {"stems": {}, "apart": {}})
    stemming.stem.cache_clear()
    yield
    stemming.stem.cache_clear()


@pytest.mark.parametrize("entry", TABLE["stems"], ids=lambda e: e["stem"])
def test_a_stem_override_separates_a_real_snowball_collision(entry, reference):
    listed = [word for word in entry["words"] if word in reference]
    assert listed, "at least one of the words is in the reference vocabulary"
    for word in listed:
        assert reference[word] == reference.get(entry["other"], snowball(entry["other"]))  # Snowball joins them
    for word in entry["words"]:
        assert stem(word) == entry["stem"] != stem(entry["other"])


@pytest.mark.parametrize("entry", TABLE["stems"] + TABLE["apart"], ids=lambda e: e["words"][0])
def test_the_expansion_never_joins_the_words_of_an_entry(entry, request):
    others = entry["other"] if isinstance(entry["other"], list) else [entry["other"]]
    lexicon = Lexicon(entry["words"] + others)
    assert not any(reaches(word, {stem(o) for o in others}, lexicon) for word in entry["words"])
    assert not any(reaches(other, {stem(w) for w in entry["words"]}, lexicon) for other in others)
    # … which it would without the table: the entry is there for a reason.
    request.getfixturevalue("no_exceptions")
    lexicon = Lexicon(entry["words"] + others)
    joined = [word for word in entry["words"] if reaches(word, {snowball(o) for o in others}, lexicon)]
    joined += [o for o in others if reaches(o, {snowball(w) for w in entry["words"]}, lexicon)]
    assert joined or all(snowball(w) == snowball(o) for w in entry["words"][:1] for o in others)


def test_checked_pairs_that_are_not_exceptions(reference):
    # "fler"/"flera": one Snowball stem, and kept so ("more" and "several").
    assert reference["fler"] == reference["flera"] == stem("fler") == stem("flera")
    # "bra"/"brand": different stems, and neither's expansion reaches the other.
    lexicon = Lexicon(["bra", "brand", "branden", "bränder"])
    assert stem("bra") != stem("brand")
    assert not reaches("bra", {stem("brand")}, lexicon) and not reaches("brand", {stem("bra")}, lexicon)


@pytest.mark.parametrize("word, other", [("barn", "bar"), ("hann", "han"), ("finns", "fin"), ("hamn", "ham"),
                                         ("horn", "hor")])
def test_the_definite_n_follows_only_where_swedish_puts_it(word, other):
    """"barn" is no definite form of "bar" (nor "bara", "bars"): the -n follows a vowel or -el/-er/-or."""
    lexicon = Lexicon([word, other, other + "a", other + "s", word + "et", word + "en"])
    assert not reaches(word, {stem(other)}, lexicon)


@pytest.mark.parametrize("word, base", [("bastun", "bastu"), ("fågeln", "fågel"), ("doktorn", "doktor"),
                                        ("vintern", "vinter"), ("skolan", "skola"), ("barnet", "barn")])
def test_definite_forms_still_find_their_word(word, base):
    lexicon = Lexicon([word, base])
    assert stem(base) == stem(word) or reaches(word, {stem(base)}, lexicon)


def test_justeras_does_not_find_just_nu(searcher):
    """Before the table, the six paragraphs with "just nu" were the whole answer to "Justeras"."""
    assert searcher.search("just", limit=0).total >= 6
    for hit in searcher.search("Justeras", limit=100, facets=False).hits:
        words = re.findall(r"\w+", f"{hit.text} {hit.section_title or ''} {hit.doc_title or ''}".lower())
        assert any(stem(word) == stem("justeras") for word in words), hit.text

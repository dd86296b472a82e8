from __future__ import annotations

from pathlib import Path

import pytest

from bigsearch.analysis.analyzer import folded_analyzer, main_analyzer, parts_analyzer, terms
from bigsearch.analysis.compounds import split_compound
from bigsearch.analysis.stemming import stem

SNOWBALL = Path(__file__).parent / "data" / "snowball-swedish"


def test_stems_match_the_snowball_reference_vocabulary():
    """Snowball exactly, but for the words of the exception table (bigsearch/data/stem_exceptions.toml)."""
    from bigsearch.analysis.stemming import exceptions

    words = (SNOWBALL / "voc.txt").read_text("utf-8").split("\n")
    stems = (SNOWBALL / "output.txt").read_text("utf-8").split("\n")
    assert len(words) == len(stems) > 30_000
    table = exceptions()["stems"]
    wanted = [table.get(w, s) for w, s in zip(words, stems, strict=True)]
    wrong = [(w, s, stem(w)) for w, s in zip(words, wanted, strict=True) if w and stem(w) != s]
    assert wrong == []
    assert any(w in table for w in words)  # the table's words are in the reference too: both paths are read


def test_analyzer_stems_through_the_chain():
    assert terms(main_analyzer(), "Fritidsgårdarna") == terms(main_analyzer(), "fritidsgård")
    assert terms(main_analyzer(), "Andersbergs") == terms(main_analyzer(), "Andersberg")


def test_stopwords_and_one_letter_words_are_kept():
    assert terms(main_analyzer(), "Stolt och nykter på ö") == ["stolt", "och", "nykt", "på", "ö"]


def test_tokenizer_splits_slashes_keeps_swedish_letters_and_numbers():
    assert terms(main_analyzer(), "RF/SISU i Sätra 2024") == ["rf", "sisu", "i", "sätr", "2024"]


def test_folding():
    assert terms(folded_analyzer(), "Sätra Öster") == terms(folded_analyzer(), "Satra Oster")
    assert terms(main_analyzer(), "Sätra") != terms(main_analyzer(), "Satra")


@pytest.mark.parametrize(
    ("word", "part"),
    [("våldsförebyggande", "våld"), ("våldsbejakande", "våld"), ("fritidsgårdarna", "fritid"),
     ("brottsförebyggande", "brott"), ("myndighetsnärvaro", "myndighet")],
)
def test_compound_parts_are_indexed(word, part):
    indexed = terms(parts_analyzer(), word, mode="index")
    assert terms(parts_analyzer(), part, mode="query")[0] in indexed


@pytest.mark.parametrize("word", ["förebyggande", "kommunen", "samverkan", "utredning", "tillsammans"])
def test_common_words_are_not_over_split(word):
    assert split_compound(word) == ()

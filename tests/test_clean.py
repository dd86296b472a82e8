from __future__ import annotations

import unicodedata

from bigsearch.ingest import clean
from bigsearch.ingest.segment import should_join


def test_normalise_drops_invisible_characters_and_composes():
    text = "brotts\u00adförebyggande\u200b och " + unicodedata.normalize("NFD", "Sätra") + "\r\nrad"
    out = clean.normalise(text)
    assert out == "brottsförebyggande och Sätra\nrad"


def test_emphasis_markers_are_removed():
    assert clean.normalise("I *Kommunplanen* med *en* del") == "I Kommunplanen med en del"


def test_join_lines_rejoins_hyphenation_only_between_lowercase():
    assert clean.join_lines(["det brotts-", "förebyggande arbetet"]) == "det brottsförebyggande arbetet"
    assert clean.join_lines(["långsiktiga drog-", "och brottsförebyggande"]) == "långsiktiga drog- och brottsförebyggande"
    assert clean.join_lines(["barn-", "eller ungdomsfrågor"]) == "barn- eller ungdomsfrågor"
    assert clean.join_lines(["HBTQ-", "frågor"]) == "HBTQ-frågor"
    assert clean.join_lines(["ett", "två"]) == "ett två"


def test_furniture_lines_are_removed_wherever_they_stand():
    from bigsearch.ingest import furniture

    lines = ["Viktigt att", "BIG BROTTSFÖREBYGGARNA I GÄVLE", "803 25 Gävle. Besöksadress: X 2",
             "Tfn 026-17 80 00 (vx)", "www.gavle/big.se", "Sida 2 av 3", "bevaka att"]
    kept = [line for line in furniture.strip(lines) if line]
    assert kept == ["Viktigt att", "bevaka att"]


def test_double_spaced_extraction_is_detected_and_grouped():
    lines = []
    for paragraph in (["Första raden i", "stycket fortsätter här."], ["Andra stycket", "slutar här."]):
        for line in paragraph:
            lines += [line, ""]
        lines += [" ", ""]
    lines = lines * 3
    blocks, double = clean.blocks(lines)
    assert double
    assert blocks[0] == ["Första raden i", "stycket fortsätter här."]
    assert len(blocks) == 6


def test_single_line_paragraphs_are_not_double_spaced():
    lines = []
    for i in range(10):
        lines += [f"Stycke nummer {i} är en hel mening.", ""]
    blocks, double = clean.blocks(lines)
    assert not double
    assert len(blocks) == 10


def test_should_join():
    assert should_join("Viktigt att", "bevaka att Elins uppgifter")
    assert should_join("Charlotte bevakar att", "Jonas inte arbetar")
    assert should_join("samverkan med", "Polisen i Gävle")
    assert not should_join("Det var bra.", "bevaka att")
    assert not should_join("Upplever bra samverkan", "Välfärdsbrottsligheten; mkt händer")

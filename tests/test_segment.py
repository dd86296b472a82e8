from __future__ import annotations

from bigsearch.domain.principals import default_registry
from bigsearch.ingest.model import RawText
from bigsearch.ingest.pipeline import parse


def doc(text: str):
    return parse(RawText(source="t.txt", text=text))


MINUTES = """Protokoll fört vid ledningsgruppsmöte BIG 2021-05-07

Närvarande:
Eva Ek\tPolisen
Per Berg\tVälfärd Gävle

§ 1 Aktuellt från respektive huvudman

Polisen: Oroligt i Sätra under våren.

Välfärd Gävle/socialtjänsten
Fältgruppen är ute på kvällarna.

Per beskrev läget.

Vid protokollet
Eva Ek
"""


def test_principal_headings_inline_and_with_unit():
    d = doc(MINUTES)
    assert d.date == "2021-05-07"
    by_text = {p.text: p for p in d.text_paragraphs}
    assert by_text["Oroligt i Sätra under våren."].principal == "Polisen"
    assert by_text["Oroligt i Sätra under våren."].places == ["Sätra"]
    field = by_text["Fältgruppen är ute på kvällarna."]
    assert (field.principal, field.unit) == ("Välfärd Gävle", "socialtjänsten")
    assert by_text["Per beskrev läget."].persons == ["Per Berg"]
    assert "Eva Ek" not in " ".join(by_text)


def test_numbered_items_and_long_dates():
    d = doc(
        "Minnesanteckningar från ledningsgruppsmöte den 16 april 2018\n\nNärvarande:\nAnna Lind  Polisen\n\n"
        "1. Mötets öppnande\nAnna öppnade mötet.\n\n2. Trygghet i Bomhus\nOro kring Bomhus.\n"
    )
    assert d.date == "2018-04-16"
    assert [(p.section, p.section_title) for p in d.text_paragraphs] == [
        ("1", "Mötets öppnande"), ("2", "Trygghet i Bomhus")
    ]
    assert d.text_paragraphs[0].persons == ["Anna Lind"]
    assert d.text_paragraphs[1].places == ["Bomhus"]


def test_registry_resolves_aliases_units_and_rejects_lists():
    registry = default_registry()
    assert registry.resolve("Säkerhetsenheten").principal == "Styrning och stöd Gävle"
    assert registry.resolve("  Livsmiljö Gävle ").principal == "Livsmiljö Gävle"
    assert registry.resolve("Enheten för social hållbarhet").principal == "Social hållbarhet"
    match = registry.resolve("Styrning och stöd/säkerhetsavdelningen:")
    assert (match.principal, match.unit) == ("Styrning och stöd Gävle", "säkerhetsavdelningen")
    assert registry.resolve("Region Gävleborg, skola, fsk, MVC, BVC") is None
    assert registry.resolve("Rörelsesatsningen kommer att fortsätta") is None


def test_adding_a_principal_is_a_data_change():
    from bigsearch.domain.principals import Registry

    registry = Registry.from_toml('[[principal]]\nname = "Räddningstjänsten"\naliases = ["Gästrike Räddningstjänst"]\n')
    assert registry.resolve("Gästrike räddningstjänst:").principal == "Räddningstjänsten"

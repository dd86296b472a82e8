"""Golden facts about the five seed protocols, read off the files by a person."""

from __future__ import annotations

import re

import pytest


def paragraphs_with(docs, word):
    return [p for doc in docs.values() for p in doc.paragraphs if word in p.text]


@pytest.mark.parametrize(
    ("seed", "date", "doc_type"),
    [
        ("000", "2024-02-09", "protokoll"),
        ("001", "2023-03-10", "protokoll"),
        ("002", None, "yttrande"),
        ("003", "2020-03-06", "protokoll"),  # written 2020-03-09
        ("004", "2019-09-20", "protokoll"),  # written 2019-09-23
    ],
)
def test_meeting_dates_and_types(seed_docs, seed, date, doc_type):
    doc = seed_docs[seed]
    assert doc.date == date
    assert doc.doc_type == doc_type
    assert all(p.date == date and p.doc_type == doc_type for p in doc.paragraphs)


def test_statement_year_comes_from_registration_number(seed_docs):
    assert seed_docs["002"].year == 2018
    assert {p.year for p in seed_docs["002"].paragraphs} == {2018}


def test_next_meeting_is_not_the_meeting_date(seed_docs):
    closing = [p for p in seed_docs["003"].paragraphs if "Nästa ledningsgruppsmöte" in p.text]
    assert closing and closing[0].date == "2020-03-06"


def test_andersberg_2024_principals(seed_docs):
    hits = [p for p in paragraphs_with(seed_docs, "Andersberg")]
    assert len(hits) == 3
    assert {p.year for p in hits} == {2024}
    assert [p.principal for p in hits] == ["Social hållbarhet", "Polisen", "Livsmiljö Gävle"]
    assert all("Andersberg" in p.places for p in hits)


def test_satra_paragraphs_belong_to_valfard(seed_docs):
    hits = paragraphs_with(seed_docs, "Sätra")
    assert len(hits) == 2
    assert {p.principal for p in hits} == {"Välfärd Gävle"}
    assert {p.year for p in hits} == {2023, 2024}


def test_units(seed_docs):
    satra_2024 = next(p for p in seed_docs["000"].paragraphs if "Sätra" in p.text)
    assert satra_2024.unit == "socialtjänsten"
    satra_2023 = next(p for p in seed_docs["001"].paragraphs if "Sätra" in p.text)
    assert satra_2023.unit == "Förebyggande enheten"  # written "Förbyggande enheten:"
    strategy = next(p for p in seed_docs["000"].paragraphs if "strategi" in p.text)
    assert (strategy.principal, strategy.unit) == ("Styrning och stöd Gävle", "säkerhetsavdelningen")
    security = next(p for p in seed_docs["001"].paragraphs if "riksdagsbehandling" in p.text)
    assert security.principal == "Styrning och stöd Gävle"


def test_principal_blocks_of_2023(seed_docs):
    by_principal = {}
    for p in seed_docs["001"].paragraphs:
        by_principal.setdefault(p.principal, []).append(p)
    assert set(by_principal) == {
        None, "Välfärd Gävle", "Livsmiljö Gävle", "Polisen", "Utbildning Gävle",
        "Styrning och stöd Gävle", "Social hållbarhet",
    }
    assert any("LUPP 2022" in p.text for p in by_principal["Social hållbarhet"])
    assert any("Moskén" in p.text for p in by_principal["Polisen"])


def test_list_of_organisations_is_not_a_heading(seed_docs):
    paragraph = next(p for p in seed_docs["000"].paragraphs if "Region Gävleborg, skola" in p.text)
    assert paragraph.principal == "Social hållbarhet"
    assert paragraph.text.startswith("Rörelsesatsningen")


@pytest.mark.parametrize(
    ("seed", "fragment", "persons"),
    [
        ("003", "Caroline tackade", ["Caroline Engberg"]),
        ("004", "Caroline rapporterade", ["Caroline Engberg"]),
        ("000", "Lars och Pia beskriver", ["Lars Lodin", "Pia Pernu"]),
        ("000", "Nanny gick igenom", ["Nanny Hörnqvist"]),
        ("001", "Ny grundskolechef", ["Ola Johansson", "Eva Levin"]),
        ("001", "säkerhetskoordinator", ["Jimmy Wessman"]),
        ("001", "Charlotte bevakar", ["Charlotte Oster", "Elin Ivarsson"]),
        ("004", "Jim Bergman redogjorde", ["Jim Bergman"]),
        ("000", "Anna-Karin tackade", ["Anna-Karin Wågberg Sperring"]),
        ("000", "strateg Linn", ["Linn Cederholm von Schmalensee"]),
        ("004", "Andy betonade", ["Andy Tu vesson"]),
    ],
)
def test_persons_per_paragraph(seed_docs, seed, fragment, persons):
    paragraph = next(p for p in seed_docs[seed].paragraphs if fragment in p.text)
    assert paragraph.persons == persons


def test_attendees_in_all_three_layouts(seed_docs):
    spaced = {a.name: a.principal for a in seed_docs["000"].attendees}
    assert spaced["Anna-Karin Wågberg Sperring"] == "Styrning och stöd Gävle"  # single space before org
    assert spaced["Pernilla Dalborg"] == "Social hållbarhet"
    assert len(spaced) == 10
    tabbed = {a.name: a.principal for a in seed_docs["004"].attendees}
    assert tabbed["Jim Bergman"] == "Styrning och stöd Gävle"
    assert len(tabbed) == 8
    columns = [(a.name, a.organisation) for a in seed_docs["003"].attendees]
    assert columns[0] == ("Jonas Bentzer", "Välfärd Gävle")
    assert columns[-1] == ("Joakim Lindblad", "Livsmiljö Gävle")
    assert len(columns) == 7


LETTERHEAD = re.compile(r"BROTTSFÖREBYGGARNA I GÄVLE|Besöksadress|Tfn 026|www\.gavle|Fax 026", re.IGNORECASE)


def test_no_letterhead_anywhere(all_paragraphs):
    assert all_paragraphs
    for p in all_paragraphs:
        assert not LETTERHEAD.search(p.text), p.id
        assert not LETTERHEAD.search(p.section_title or ""), p.id


def test_letterhead_interrupted_paragraph_is_rejoined(seed_docs):
    hits = [p for p in seed_docs["001"].paragraphs if "Elins uppgifter" in p.text]
    assert len(hits) == 1
    assert "Viktigt att bevaka att Elins uppgifter inte blir" in hits[0].text


def test_no_empty_or_heading_only_paragraphs(all_paragraphs):
    headings = {"Polisen", "Livsmiljö Gävle", "Välfärd Gävle", "Utbildning Gävle", "Säkerhetsenheten", "Närvarande:"}
    assert all(p.text.strip() for p in all_paragraphs)
    for p in (p for p in all_paragraphs if p.part in ("item", "body")):
        assert p.text.strip()
        assert p.text.strip().rstrip(":") not in headings
        assert not p.text.startswith("§")
        assert "Vid protokollet" not in p.text and "Justeras" not in p.text
        assert not p.text.startswith(("Delges", "Protokollet delges"))


def test_header_and_signatures_are_their_own_paragraphs(seed_docs):
    """Every line a reader sees is searchable: the distribution list and the signatures are
    paragraphs of their own (parts that rank low), and their names are persons of the meeting."""
    doc = seed_docs["000"]
    parts = {p.text: p for p in doc.paragraphs if p.part in ("header", "signature")}
    distribution = next(p for text, p in parts.items() if text.startswith("Delges"))
    assert distribution.part == "header"
    assert distribution.persons == ["Charlotte Molarin", "Marie Olsson", "Anne Jäder"]
    signature = next(p for p in parts.values() if p.part == "signature")
    assert signature.text == "Vid protokollet Justeras Nanny Hörnqvist Anna-Karin Wågberg Sperring"
    assert doc.paragraphs[-1] is signature
    assert [p.part for p in doc.paragraphs[:3]] == ["header"] * 3  # title, attendance, distribution
    köhler = [p for d in seed_docs.values() for p in d.paragraphs if "Köhler" in p.text]
    assert {p.part for p in köhler} == {"header"}
    assert {p.date for p in köhler} == {"2023-03-10", "2020-03-06", "2019-09-20"}  # Malin Köhler, John Köhler


def test_who_kept_the_minutes_and_who_checked_them(seed_docs):
    """"Vid protokollet Nanny Hörnqvist" fills the role "kept the minutes"; "Justeras" the justerare."""
    roles = {a.name: a.role for a in seed_docs["000"].attendees}
    assert roles["Nanny Hörnqvist"] == "sekreterare"
    assert roles["Anna-Karin Wågberg Sperring"] == "justerare"
    assert {a.name: a.role for a in seed_docs["003"].attendees}["Pelle Matton"] == "sekreterare"
    assert {a.name: a.role for a in seed_docs["001"].attendees}["Jens Gagge"] == "justerare"
    assert len(seed_docs["000"].attendees) == 10  # the signers were on the list already


def test_double_spaced_pdf_text_keeps_paragraphs(seed_docs):
    texts = [p.text for p in seed_docs["000"].text_paragraphs]
    assert "Lars och Pia beskriver sitt uppdrag att utreda och förbereda inför den nya socialtjänstlagen." in texts[3]
    assert texts[3].endswith("(se bilaga)")
    section4 = next(p for p in seed_docs["000"].paragraphs if p.section == "4")
    assert section4.section_title == "Lars Lodin och Pia Pernu beskriver sitt arbete kring den nya socialtjänstlagen"
    livsmiljo = [p for p in seed_docs["000"].paragraphs if p.principal == "Livsmiljö Gävle"]
    assert livsmiljo[0].text.startswith("Att få in Jonas som samordnare")
    assert len(livsmiljo) == 5


def test_hyphenation_kept_before_och(seed_docs):
    text = " ".join(p.text for p in seed_docs["003"].paragraphs)
    assert "drog- och brottsförebyggande" in text


def test_statement_sections(seed_docs):
    doc = seed_docs["002"]
    titles = {p.section_title for p in doc.paragraphs}
    assert "Områdesgrupper" in titles
    assert not any(p.text == "BIGs ledningsgrupp" for p in doc.text_paragraphs)
    assert [p.part for p in doc.paragraphs if p.text == "BIGs ledningsgrupp"] == ["signature"]
    assert all(p.section is None for p in doc.paragraphs)


def test_ids_are_unique_stable_and_shell_safe(seed_docs):
    from bigsearch.ingest.pipeline import ingest_paths
    from tests.conftest import CORPUS

    ids = [p.id for doc in seed_docs.values() for p in doc.paragraphs]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", i) for i in ids)
    again = [p.id for doc in ingest_paths([CORPUS]) for p in doc.paragraphs]
    assert sorted(again) == sorted(ids)
    # "<meeting date>-<hash of the file name>-s<section>-p<n>"
    assert re.fullmatch(r"2024-02-09-[0-9a-f]{6}-s6-p3", next(i for i in ids if i.startswith("2024-02-09-") and i.endswith("-s6-p3")))


def test_attachment_labels_are_captions_not_item_text(seed_docs):
    texts = [p.text for p in seed_docs["004"].text_paragraphs]
    assert not any("sept-19.docx" in t for t in texts)
    assert not any(t.startswith("Skolprojektet 2019") for t in texts)
    captions = [(p.section, p.text) for p in seed_docs["004"].paragraphs if p.part == "caption"]
    assert captions == [("4", "Aktuellt sept-19.docx"), ("12", "Skolprojektet 2019, guide för Gävle kommun")]

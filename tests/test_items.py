"""Items as a sequence: candidates, titles, steps, chains — each function alone, then whole texts."""

from __future__ import annotations

import pytest

from bigsearch.ingest import items
from bigsearch.ingest.model import RawText
from bigsearch.ingest.pipeline import parse


def numbers(chains, kind="item"):
    return [c.printed for chain in chains if chain.kind == kind for c in chain.items]


def chains_of(text: str, inline: bool = False):
    lines = text.split("\n")
    return items.choose(items.candidates(lines, inline=inline), lines)


def sections(text: str):
    doc = parse(RawText(source="t.txt", text=text))
    return list(dict.fromkeys((p.section_prefix, p.section, p.section_title) for p in doc.paragraphs if p.part == "item"))


# -- one function at a time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "gap"),
    [((1,), (2,), 1), ((1,), (1, 1), 1), ((1, 2), (2,), 1), ((33,), (36,), 3), ((3, 12), (4, 1), 2),
     ((2,), (2,), None), ((5,), (3,), None), ((1, 1), (1, 3), 2), ((2,), (1, 1), None)],
)
def test_step(a, b, gap):
    assert items.step(a, b) == gap


@pytest.mark.parametrize(
    ("rest", "title", "after"),
    [
        (" Val av justerare", "Val av justerare", ""),
        (" DNR: KU.2018.6", "", ""),  # the registration number is not the title
        (" Dnr KS 2018/14 Information... 3", "Information", ""),
        (" Mötets öppnande. Ordföranden förklarade mötet öppnat och hälsade alla välkomna till dagens möte.",
         "Mötets öppnande.", "Ordföranden förklarade mötet öppnat och hälsade alla välkomna till dagens möte."),
    ],
)
def test_read_title_on_a_line(rest, title, after):
    assert items.read_title(rest, inline=False)[:2] == (title, after)


def test_read_title_in_flattened_text_stops_where_the_body_starts():
    title, after, _ = items.read_title("Mötets öppnande Mötet öppnas av ordföranden", inline=True)
    assert (title, after) == ("Mötets öppnande", "Mötet öppnas av ordföranden")
    title, _, _ = items.read_title("Godkännande av föredragningslistan Informationsärenden", inline=True)
    assert title == "Godkännande av föredragningslistan"  # a group heading is not part of the title


@pytest.mark.parametrize(
    ("title", "good"),
    [("Val av justerare", True), ("mars 17 maj", False), ("15:30", False), ("Justerare Justeringens plats och tid", False),
     ("Åke Liedberg (m)", False), ("", False)],
)
def test_title_quality(title, good):
    assert (items.title_quality(title) >= 0.5) is good


@pytest.mark.parametrize(
    ("line", "style", "prefix", "number"),
    [("§ 12 Lägesbild", "section-sign", None, "12"), ("KS § 33 Godkännande", "section-sign", "KS", "33"),
     ("Sn 49 Sammanträdets öppnande", "prefix", "Sn", "49"), ("3 Val av justerare", "outline", None, "3"),
     ("188 Motion om skolan", "outline", None, "188"), ("2.3 Inslaget", "outline", None, "2.3"),
     ("Punkt 4 Övrigt", "word", None, "4"), ("Ärende 3 Remiss", "word", None, "3"),
     (" • 1. Beslut om dagordning", "outline", None, "1"), (" 1. 4. Anmälan av beslut", "outline", None, "4"),
     ("Kf 88 a Föredragningslistan", "prefix", "Kf", "88 a")],
)
def test_candidate_styles(line, style, prefix, number):
    found = items.candidates([line])
    assert {(c.style, c.prefix, c.printed) for c in found} == {(style, prefix, number)}


@pytest.mark.parametrize("line", ["12 000 kronor", "8 mars 2018", "2016 Budget för året", "Kl 13 Kaffe", "15:30 Paus"])
def test_numbers_in_running_text_are_not_candidates(line):
    assert items.candidates([line]) == []


def test_mid_line_numbers_after_a_reference_are_not_candidates():
    line = "Marika Andersson, rektor, t.o.m. punkt 4 1. Mötets öppnande och godkännande av dagordning Ordföranden"
    assert [c.printed for c in items.candidates([line], inline=True)] == ["1"]


def test_abbreviation_of_the_body():
    assert items.abbreviates("KS", "Kommunstyrelsen")
    assert items.abbreviates("MBN", "Miljö- och byggnadsnämnden")
    assert items.abbreviates("FHR", "Folkhälsorådet")
    assert not items.abbreviates("BUN", "Kommunstyrelsen")


# -- chains ------------------------------------------------------------------------------------------


def test_the_rising_chain_wins_over_numbers_in_the_text():
    text = ("Protokoll\n\n1 Mötets öppnande\nOrdföranden öppnade.\n\n2 Budget\nBudgeten för 2019 ökar med 3 procent.\n"
            "5 personer deltog.\n\n3 Övrigt\nInget.")
    assert numbers(chains_of(text)) == ["1", "2", "3"]


def test_a_gap_the_excerpt_left_costs_but_does_not_break_the_chain():
    body = "Nämnden beslutar enligt förslaget och lägger rapporten till handlingarna."
    text = f"§ 33 Godkännande\n{body}\n\n§ 34 Ekonomi\n{body}\n\n§ 49 Information\n{body}"
    assert numbers(chains_of(text)) == ["33", "34", "49"]


def test_a_list_restarting_under_each_item_is_not_the_items():
    text = ("50 Fastställande av föredragningslista Föredragningslistan fastställs. 1. Ärende om mat tas upp. "
            "51 Landstingsdirektörens rapport Direktören rapporterar. 1. Snabbrapport om läget 2. Miljöcertifiering "
            "3. Budgetpropositionen 4. Styrdokument för förvaltningarna")
    assert numbers(chains_of(text, inline=True)) == ["50", "51"]


def test_an_agenda_before_the_minutes_is_their_agenda():
    text = ("Dagordning\n1. Mötets öppnande\n2. Val av justerare\n3. Övrigt\n\n"
            "77 Mötets öppnande\nMötet öppnas av ordföranden som hälsar alla välkomna.\n\n"
            "78 Val av justerare\nTill justerare väljs Eva Ek som justerar protokollet.\n")
    found = chains_of(text)
    assert numbers(found) == ["77", "78"]
    assert numbers(found, "agenda") == ["1", "2", "3"]


def test_a_table_of_contents_then_the_minutes_with_the_same_numbers():
    text = ("Innehållsförteckning\nFHR 29 Godkännande av dagordningen\nFHR 30 Information\nFHR 31 Övriga frågor\n\n"
            "FHR 29 Godkännande av dagordning\nDagordningen godkänns utan ändringar av rådet.\n\n"
            "FHR 30 Information\nRådet informeras om läget i kommunen.\n")
    found = chains_of(text)
    assert numbers(found) == ["29", "30"]
    assert numbers(found, "agenda") == ["29", "30", "31"]


def test_dotted_numbers_under_numbered_sections():
    text = ("1. Formalia\n1.1 Mötets öppnande\nÖppnat.\n1.2 Val av justerare\nEva.\n"
            "2. Rapporter\n2.1 Inkommen post\nIngen.\n3.1 Ekonomi\nBudget i balans.")
    assert numbers(chains_of(text)) == ["1", "1.1", "1.2", "2", "2.1", "3.1"]


def test_flattened_text_is_cut_at_its_items():
    text = ("Närvarande Anna Ek, Per Berg 1. Mötets öppnande Ordföranden hälsar alla välkomna. "
            "2. Föregående mötes protokoll Protokollet läggs till handlingarna. 3. Övriga frågor Inga frågor fanns.")
    assert sections(text) == [(None, "1", "Mötets öppnande"), (None, "2", "Föregående mötes protokoll"),
                              (None, "3", "Övriga frågor")]


def test_text_after_a_title_read_up_to_a_number_stays():
    text = ("Protokoll\n\n6 RAPPORTER 6A ORDFÖRANDEN Distriktet har årsmöte den 25 april i Ljungskile. 6B KASSÖREN "
            "Kassan är god. 6C MEDLEMMAR 234 medlemmar till antalet. 7 ÖVRIGT Inget.\n")
    doc = parse(RawText(source="t.txt", text=text))
    words = " ".join(p.text + " " + (p.section_title or "") for p in doc.paragraphs)
    assert "25 april i Ljungskile" in words and "234 medlemmar" in words


def test_a_title_on_the_line_after_a_registration_number():
    text = "Protokoll\n\nKS § 33 DNR: KU.2018.6\n\nGodkännande av dagordning\n\nDagordningen godkänns.\n"
    assert sections(text) == [("KS", "33", "Godkännande av dagordning")]


def test_items_with_a_title_and_no_body_are_items():
    doc = parse(RawText(source="t.txt", text="Kallelse\n\n1 Mötets öppnande\n2 Budget 2024\n3 Övriga frågor\n"))
    assert [(p.section, p.text, p.part) for p in doc.paragraphs if p.section] == [
        ("1", "Mötets öppnande", "item"), ("2", "Budget 2024", "item"), ("3", "Övriga frågor", "item")]


def test_group_headings_are_not_items():
    text = ("1 Godkännande av föredragningslistan Informationsärenden 2 Polisens arbete mot inbrott "
            "3 Tillsammans för Vårby Beslutsärenden 4 Verksamhetsplan för rådet")
    assert [title for _, _, title in sections(text)] == [
        "Godkännande av föredragningslistan", "Polisens arbete mot inbrott", "Tillsammans för Vårby",
        "Verksamhetsplan för rådet"]

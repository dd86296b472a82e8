"""Page furniture by its place on the page, never by repetition alone; and how a text keeps its lines."""

from __future__ import annotations

import pytest

from bigsearch.ingest import furniture, layout
from bigsearch.ingest.model import RawText
from bigsearch.ingest.pipeline import parse


@pytest.mark.parametrize("line", ["1 (8)", "2(40)", "Sida 3/10", "Sidan 2(30)", "(1)", "1 KALLELSE (32)", "- 2 -",
                                  "Sida 2 av 3"])
def test_page_markers(line):
    assert furniture.page_markers([line]) == {0}


@pytest.mark.parametrize("line", ["vid plattsättning, påbörjas arbetet onsdagen den 31/5",
                                  "Representanter närvarade på Koloniområdet den 3/5", "Kallelse 12/5"])
def test_a_date_at_a_line_s_end_is_no_page_number(line):
    assert furniture.page_markers([line]) == set()


def test_a_short_page_header_ending_in_its_page_number():
    lines = ["KIL KOMMUN\tSAMMANTRÄDESPROTOKOLL\t1(20)", "text", "VILHELMINA KOMMUN\tPROTOKOLL\t2", "text",
             "VILHELMINA KOMMUN\tPROTOKOLL\t3"]
    assert furniture.page_markers(lines) == {0, 2, 4}


def test_a_line_at_the_top_of_several_pages_is_furniture_a_repeated_decision_is_not():
    lines = []
    for page in range(1, 4):
        lines += [f"{page} (3)", "Kommunfullmäktige", f"§ {page} Ärende {page}", "Text om ärendet.",
                  "Beslut: Godkändes och lades till handlingarna.", "Eskilstuna – den stolta Fristaden"]
    kept = furniture.strip(lines)
    assert "Kommunfullmäktige" not in kept and "Eskilstuna – den stolta Fristaden" not in kept
    assert kept.count("Beslut: Godkändes och lades till handlingarna.") == 3
    assert [line for line in kept if line.startswith("§")] == ["§ 1 Ärende 1", "§ 2 Ärende 2", "§ 3 Ärende 3"]


def test_form_labels_go_wherever_they_stand_also_split_by_ocr():
    assert furniture.strip_inline_text("text J usterandes si gn Utdragsbestyrkande mer") == "text mer"
    assert furniture.strip_inline_text("Justerandes signum Anslagsdatum") == "Anslagsdatum"
    assert furniture.strip_inline_text("Sekreterare ________ Ordförande") == "Sekreterare Ordförande"


def test_inline_page_markers_of_a_flattened_transcript_keep_real_numbers():
    text = "slut på sidan 2 (14) Nästa sida börjar här. 2 2 (14) Ärende 12 (Dnr 44) gäller 3 (4) frågor"
    out = furniture.strip_inline_text(text, furniture.page_totals(text + " 3 (14)"))
    assert "(14)" not in out and "Ärende 12 (Dnr 44)" in out and "3 (4)" in out


def test_a_transcript_s_page_counters_and_letterhead():
    lines = ["1 VILHELMINA KOMMUN PROTOKOLL 1(54) Plats och tid", "2 VILHELMINA KOMMUN PROTOKOLL 2 Bevis",
             "3 VILHELMINA KOMMUN PROTOKOLL 3 Sn 49 Öppnande"]
    assert furniture.strip_page_lines(lines) == ["Plats och tid", "Bevis", "Sn 49 Öppnande"]
    assert furniture.strip_page_lines(["2 37 Innehåll", "3 38 FHR 29 Godkännande"]) == ["Innehåll", "FHR 29 Godkännande"]


def test_no_furniture_paragraph_survives_a_protocol_s_page():
    page = "KOMMUNSTYRELSEN\tSAMMANTRÄDESPROTOKOLL\t{n}(3)\n\n§ {n} Ärende {n}\n\nNämnden beslutar enligt förslaget.\n\n" \
           "Justerandes sign\tUtdragsbestyrkande\n_________________\n"
    doc = parse(RawText(source="t.txt", text="".join(page.format(n=n) for n in range(1, 4))))
    assert [p.text for p in doc.paragraphs] == ["Nämnden beslutar enligt förslaget."] * 3


@pytest.mark.parametrize(
    ("lines", "flat"),
    [(["PROTOKOLL " + "ord " * 100], True),
     ([("ord " * 24).strip()] * 12, True),  # wrapped anew at a page width: every line as long
     (["Protokoll", "", "§ 1 Öppnande", "", "Ordföranden öppnade mötet och hälsade alla välkomna.", "Kort rad."], False)],
)
def test_is_flat(lines, flat):
    assert layout.is_flat(lines) is flat


FULL = ("ord " * 20).strip()  # a line filled to the page width


def test_unwrap_joins_the_lines_a_page_width_wrapped():
    assert layout.unwrap([FULL + " brotts-", "förebyggande arbete", "", "f"]) == [
        FULL + " brottsförebyggande arbete", "", "f"]


def test_unwrap_keeps_a_break_where_the_next_word_would_have_fitted():
    """A line that ended early was ended by the writer: the transcript's next page starts there."""
    lines = [FULL, FULL, "slut på sidan.", "2 Kommunstyrelsen " + FULL[:59], FULL, "sista"]
    assert layout.unwrap(lines) == [f"{FULL} {FULL} slut på sidan.", f"2 Kommunstyrelsen {FULL[:59]} {FULL} sista"]

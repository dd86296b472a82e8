"""Layouts of Swedish minutes: golden facts of real minutes (tests/fixtures/minutes/, see its
README for the sources) and one small test per layout rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bigsearch.ingest.model import RawText
from bigsearch.ingest.pipeline import ingest_file, ingest_paths, parse

MINUTES = Path(__file__).parent / "fixtures" / "minutes"


def real(name: str):
    return ingest_file(MINUTES / name)


def doc(text: str):
    return parse(RawText(source="t.txt", text=text))


def sections(d):
    return list(dict.fromkeys((p.section_prefix, p.section, p.section_title) for p in d.paragraphs if p.part == "item"))


# --- real minutes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("bra_oster_2015-02-17.txt", "2015-02-17"),  # "Sammanträdesdag"
        ("sn_vilhelmina_2016-06-09.txt", "2016-06-09"),  # "torsdagen den 9 juni 2016"
        ("kf_kil_2011-01-27.txt", "2011-01-27"),  # not the signing's "fredagen den 4 februari 2011"
        ("socialutskottet_2011-10-12.txt", "2011-10-12"),  # title; not justering 2011-10-19
        ("san_2012-02-27.txt", "2012-02-27"),  # "Måndag den 27 februari 2012"; not "den 5 mars 2012"
        ("regionpolisradet_vast_2020-12-15.txt", "2020-12-15"),
        ("stockholm_sn_2011-11-24.txt", "2011-11-24"),
        ("sn_2016_undated.txt", None),  # only the signing date survives: no date beats a wrong one
    ],
)
@pytest.mark.usefixtures("english")
def test_real_meeting_dates(name, date):
    d = real(name)
    assert d.date == date
    if date is None:
        assert any("date" in w for w in d.warnings)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bra_oster_2015-02-17.txt", [(None, "1", "Mötets öppnande och godkännande av dagordning"),
                                      (None, "2", "Föregående mötes protokoll")]),
        ("sn_vilhelmina_2016-06-09.txt", [("Sn", "49", "Sammanträdets öppnande, formalia."),
                                          ("Sn", "50", "Budget och ekonomisk uppföljning")]),
        ("kf_kil_2011-01-27.txt", [("KF", "1", "Upprop")]),
        ("sn_2016_undated.txt", [("SN", "13", "Bidrag till fritidsstudier avseende utbildning inom förskolan")]),
        ("san_2012-02-27.txt", [(None, "6", "Informations- och frågestund (SÄN/2012:3)")]),  # not "§§ 6-21"
        # Dotted numbers are items too: "1.1" under "1".
        ("regionpolisradet_vast_2020-12-15.txt", [(None, "1", "Fastställande av dagordning"),
                                                  (None, "1.1", "Föregående protokoll"),
                                                  (None, "1.2", "Uttag av mötesjusterare"),
                                                  (None, "2", "Aktuella frågor"),
                                                  (None, "2.1", "Viktiga polisiära frågor i regionen, aktuella händelser, lägesbild, ärenden m.m.")]),
        # The agenda's "1 …", "2 …" above the minutes are header; the items are "§1 …".
        ("stockholm_sn_2011-11-24.txt", [(None, "1", "Sammanträdets öppnande och godkännande av föredragningslista")]),
    ],
)
def test_real_items_keep_number_and_prefix(name, expected):
    assert sections(real(name)) == expected


def test_real_attendees_with_organisation_and_role():
    bra = {a.name: a for a in real("bra_oster_2015-02-17.txt").attendees}
    assert (bra["Stefan Gustafsson"].organisation, bra["Stefan Gustafsson"].principal) == ("polisen", "Polisen")
    assert bra["Micael Johansson"].organisation == "AB Bostäder"
    assert bra["Gülsen Özdenkos"].role == "områdeschef skola"
    assert bra["Marika Andersson"].status == "adjungerad"
    assert "Henry Linnsén" not in bra  # "Anmält förhinder" is not attendance
    assert len(bra) == 9

    utskott = {a.name: a for a in real("socialutskottet_2011-10-12.txt").attendees}
    assert (utskott["Annelie Hägg"].organisation, utskott["Annelie Hägg"].role) == ("C", "ordförande")
    assert utskott["Diana Laitinen"].role == "tgj ers för Eva-Lena Österljung (S)"
    assert utskott["Helena Lyborg-Engström"].role == "ej tjg ers"  # "del av § 159" is attendance, dropped
    assert utskott["Petra Andersson"].role == "chef arbetsförmedlingen"

    san = {a.name: a for a in real("san_2012-02-27.txt").attendees}
    assert (san["Charlotte Rantanen"].organisation, san["Charlotte Rantanen"].role) == ("KD", "tjg ersättare")
    assert "Christina H Gardos" in san
    assert san["Magnus Åkesson"].status == "ersättare"
    assert san["Barbro Johansson"].organisation == "VV"
    assert len(san) == 16  # 9 beslutande, 2 ersättare, 5 övriga

    kil = real("kf_kil_2011-01-27.txt").attendees
    assert [(a.name, a.status) for a in kil if a.status == "tjänstgörande ersättare"] == [
        ("Fia Nyman", "tjänstgörande ersättare"), ("Eva Kjellberg", "tjänstgörande ersättare")]
    assert len(real("sn_vilhelmina_2016-06-09.txt").attendees) == 13
    party = {a.name: a.organisation for a in real("regionpolisradet_vast_2020-12-15.txt").attendees}
    assert party["Per-Håkan Eklund"] == "sd"


def test_real_letterhead_repeated_in_text_is_dropped():
    texts = [p.text for p in real("sn_vilhelmina_2016-06-09.txt").text_paragraphs]
    assert not any("VILHELMINA KOMMUN" in t for t in texts)
    assert texts[0].startswith("Ordförande Annika Wibrell öppnade sammanträdet")


def test_real_header_only_excerpt_is_still_indexed():
    d = real("socialutskottet_2011-10-12.txt")
    assert d.paragraphs  # nothing lost: text that is all header is indexed as body
    assert any("Förvaltningshuset" in p.text for p in d.paragraphs)


# --- one rule at a time -----------------------------------------------------------------------

HEAD = "Protokoll fört vid möte i trygghetsrådet 2022-03-04\n\n"


@pytest.mark.parametrize(
    ("marker", "prefix", "number"),
    [("§ 12", None, "12"), ("§12", None, "12"), ("KS § 33", "KS", "33"), ("KSAU § 7", "KSAU", "7"),
     ("Punkt 3", None, "3"), ("Ärende 4", None, "4")],
)
def test_item_markers(marker, prefix, number):
    nxt = marker.replace(number, str(int(number) + 1))
    d = doc(f"{HEAD}{marker} Trygghet i centrum\n\nLugnt i centrum.\n\n{nxt} Övrigt\n\nInget övrigt.\n")
    assert sections(d)[0] == (prefix, number, "Trygghet i centrum")
    assert sections(d)[1][1] == str(int(number) + 1)


@pytest.mark.parametrize("marker", ["Sn", "FHR"])
def test_body_abbreviation_without_paragraph_sign(marker):
    d = doc(f"{HEAD}{marker} 29 Lägesbild\n\nLugnt.\n\n{marker} 30 Övrigt\n\nInget.\n")
    assert sections(d) == [(marker, "29", "Lägesbild"), (marker, "30", "Övrigt")]


def test_bare_numbered_items():
    d = doc(f"{HEAD}1 Mötets öppnande\n\nOrdföranden öppnade.\n\n2 Lägesbild\n\nLugnt i stan.\n")
    assert sections(d) == [(None, "1", "Mötets öppnande"), (None, "2", "Lägesbild")]


def test_paragraph_range_in_attendance_is_not_an_item():
    d = doc(HEAD + "Närvarande\nAnna Ek (S), §§ 50-61\nPer Berg (M)\n\n§ 50 Lägesbild\n\nLugnt.\n")
    assert sections(d) == [(None, "50", "Lägesbild")]
    assert [(a.name, a.organisation) for a in d.attendees] == [("Anna Ek", "S"), ("Per Berg", "M")]


@pytest.mark.parametrize(
    ("header", "date"),
    [
        ("Protokoll BRÅ-möte BIG 2025-\n01-24", "2025-01-24"),  # wrapped inside the date
        ("Protokoll\nSammanträdesdatum\t7 mars 2018", "2018-03-07"),
        ("Minnesanteckningar\nDatum: den 16 april 2018", "2018-04-16"),
        ("Protokoll\nTid och plats\tStadshuset 17/11 2005 kl 13", "2005-11-17"),
        ("Protokoll 2019-05-02\nDatum 2019-05-03", None),  # evidence disagrees
        ("Protokoll 2019-05-02\nANSLAG/BEVIS\nAnslaget uppsatt 2019-05-09", "2019-05-02"),
        ("Protokoll\nJusteringens plats och tid\tStadshuset 2019-05-09", None),
    ],
)
def test_meeting_date_rules(header, date):
    d = doc(f"{header}\n\n§ 1 Lägesbild\n\nLugnt i stan.\n")
    assert d.date == date
    if date is None:
        assert d.warnings


def test_posting_date_alone_is_never_the_meeting_date():
    d = doc("Protokoll\n\nANSLAG/BEVIS\nDatum när anslaget sätts upp 2019-05-09\n\n§ 1 Lägesbild\n\nLugnt.\n")
    assert d.date is None


def test_principal_phrases_and_unknown_headings():
    d = doc(
        HEAD
        + "§ 1 Information från polisen\n\nFler inbrott i Bomhus.\n\n"
        + "§ 2 Rapport från socialtjänsten\n\nFältgruppen är ute.\n\n"
        + "§ 3 Aktuellt från respektive huvudman\n\nPolisen:\nLugnt i Sätra.\n\n"
        + "Gavlegårdarna:\nNy belysning i trapphusen.\n\nRäddningstjänsten: Två bränder i Hille.\n\n"
        + "§ 4 Övrigt\n\nPolisen informerar om ny kontaktpolis i Valbo.\n"
    )
    by_text = {p.text: p.principal for p in d.text_paragraphs}
    assert by_text["Fler inbrott i Bomhus."] == "Polisen"
    assert by_text["Fältgruppen är ute."] == "Välfärd Gävle"  # socialtjänsten is an alias in principals.toml
    assert by_text["Lugnt i Sätra."] == "Polisen"
    assert by_text["Ny belysning i trapphusen."] == "Gavlegårdarna"  # unknown, kept as written
    assert by_text["Två bränder i Hille."] == "Räddningstjänsten"  # never the previous principal
    assert by_text["Polisen informerar om ny kontaktpolis i Valbo."] == "Polisen"


def test_attendee_organisation_is_a_known_principal_of_the_document():
    d = doc(
        HEAD + "Närvarande\nLena Berg\tAB Bostäder\nEva Holm\tPolisen\n\n"
        "§ 1 Aktuellt från respektive huvudman\n\nab bostäder\nTrapphusen är renoverade.\n"
    )
    assert d.text_paragraphs[0].principal == "AB Bostäder"  # its spelling in the attendee list


def test_first_block_without_full_stop_never_swallows_the_body():
    d = doc("Anteckningar från trygghetsvandring\nSätra centrum och Andersberg\nVi gick runt i området och "
            "pratade med boende om belysningen och om trafiken kring skolan under kvällstid i veckan")
    assert d.paragraphs and "belysningen" in " ".join(p.text for p in d.paragraphs)


def test_libreoffice_text_with_one_line_per_paragraph():
    lines = [
        "Protokoll fört vid möte i trygghetsrådet 2022-03-04",
        "§ 1 Lägesbild",
        "Polisen berättade att antalet anmälda inbrott i Bomhus har minskat sedan förra mötet och att arbetet fortsätter.",
        "Fältgruppen har varit ute i Sätra under helgerna och mött många unga i centrum och vid skolan.",
        "§ 2 Övrigt",
        "Inga övriga frågor togs upp.",
    ]
    d = doc("\n".join(lines))
    assert [p.text for p in d.text_paragraphs] == [lines[2], lines[3], lines[5]]


def test_wrapped_lines_still_join():
    d = doc(HEAD + "§ 1 Lägesbild\n\nPolisen berättade att antalet anmälda\ninbrott i Bomhus har minskat sedan\n"
            "förra mötet.\n")
    assert [p.text for p in d.text_paragraphs] == ["Polisen berättade att antalet anmälda inbrott i Bomhus har minskat sedan förra mötet."]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400))
def test_parse_never_crashes_and_never_loses_text_silently(text):
    from bigsearch.errors import ReadError

    try:
        d = doc(text)
    except ReadError:
        return
    assert d.paragraphs


# --- ids ----------------------------------------------------------------------------------------


def test_ids_do_not_depend_on_order_or_on_the_other_files(corpus_dir, tmp_path):
    # Top-level files only: minutes/real/ holds the annotated evaluation set, not golden layouts.
    files = sorted(MINUTES.glob("*.txt")) + sorted(corpus_dir.glob("*.txt"))

    def ids_by_file(paths):
        return {doc.source: [p.id for p in doc.paragraphs] for doc in ingest_paths(paths)}

    together = ids_by_file(files)
    alone = {}
    for path in reversed(files):
        alone.update(ids_by_file([path]))
    assert together == alone
    # A second protocol of the same date keeps the first one's ids unchanged.
    twin = tmp_path / "twin.txt"
    twin.write_text((MINUTES / "kf_kil_2011-01-27.txt").read_text("utf-8"), "utf-8")
    with_twin = ids_by_file([*sorted(MINUTES.glob("*.txt")), twin])
    assert with_twin["kf_kil_2011-01-27.txt"] == together["kf_kil_2011-01-27.txt"]
    assert set(with_twin["twin.txt"]).isdisjoint(with_twin["kf_kil_2011-01-27.txt"])


@pytest.mark.parametrize(
    ("line", "principal"),
    [
        ("Information från polisen om läget i centrum", "Polisen"),
        ("Ordföranden informerar", None),
        ("Anna Ek informerar", None),
        ("Information från AB Bostäder", "AB Bostäder"),
        ("Rapport från mötet med skolan", None),
    ],
)
def test_who_a_report_phrase_names(line, principal):
    d = doc(f"{HEAD}§ 1 {line}\n\nLugnt i stan.\n")
    assert d.text_paragraphs[0].principal == principal


def test_reports_without_blank_lines_and_organisations_in_brackets():
    d = doc(
        "Minnesanteckningar trygghetsrådet\nTid: 2019-03-05 kl 13.00-15.00\nPlats: Stadshuset\n"
        "Närvarande: Anna Ek (Polisen), Per Berg (Socialtjänsten), Eva Lind (Räddningstjänsten)\n\n"
        "1. Inledning\nAnna hälsade välkomna.\n\n"
        "2. Aktuellt\nPolisen\nLugnt i Sätra.\nRäddningstjänsten\nTvå bränder i Hille.\n"
    )
    assert d.date == "2019-03-05"
    assert [(a.name, a.organisation, a.principal) for a in d.attendees] == [
        ("Anna Ek", "Polisen", "Polisen"), ("Per Berg", "Socialtjänsten", "Välfärd Gävle"),
        ("Eva Lind", "Räddningstjänsten", None)]
    assert [(p.principal, p.text) for p in d.text_paragraphs if p.section == "2"] == [
        ("Polisen", "Lugnt i Sätra."), ("Räddningstjänsten", "Två bränder i Hille.")]


def test_principal_heading_with_the_reporter_in_brackets():
    d = doc(HEAD + "§ 1 Aktuellt från respektive huvudman\n\nPolisen (Eva Holm):\nLugnt i Sätra.\n")
    assert d.text_paragraphs[0].principal == "Polisen"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("sn_vilhelmina_2016-06-09.txt", "Socialnämnden"),
        ("kf_kil_2011-01-27.txt", "Kommunfullmäktige"),
        ("san_2012-02-27.txt", "Social- och äldrenämnden"),
        ("bra_oster_2015-02-17.txt", "Brottsförebyggande rådet (BRÅ)"),
    ],
)
def test_body_that_met(name, body):
    assert real(name).body == body


def test_paragraphs_point_back_to_their_line():
    path = MINUTES / "sn_vilhelmina_2016-06-09.txt"
    lines = path.read_text("utf-8").splitlines()
    d = ingest_file(path)
    for paragraph in d.paragraphs:
        if paragraph.part == "signature":  # a signature's text leaves out the form's label ("Underskrift")
            assert paragraph.text.split()[0] in lines[paragraph.line - 1]
            continue
        words = lines[paragraph.line - 1].split()[:3]
        assert paragraph.text.split()[: len(words)] == words


# -- every file says what it got ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "doc_type", "missing"),
    [
        ("Kallelse till nämnden\n\nVälkomna till mötet. Handlingar skickas senare till alla ledamöter.\n",
         "kallelse", ["no meeting date found", "no numbered items"]),
        ("Föredragningslista 2019-03-05\n\nMötet handlar om budgeten och om lokalerna i skolan.\n",
         "föredragningslista", ["no numbered items"]),
        ("Minnesanteckningar\n\nNärvarande:\nsamtliga i gruppen\n\n§ 1 Lägesbild\n\nLugnt.\n",
         "minnesanteckningar", ["no meeting date found", "no attendee was read"]),
        ("Anteckningar om trygghetsvandringen i Sätra där vi gick runt och pratade med boende om belysning.\n",
         "dokument", ["no meeting date found", "no numbered items"]),
        ("BIGs yttrande över motionen dnr 18KS36\n\nVi tillstyrker motionen i sin helhet och ser fram emot arbetet.\n",
         "yttrande", ["no meeting date found", "no numbered items"]),
    ],
)
@pytest.mark.usefixtures("english")
def test_every_file_says_what_was_not_found_whatever_its_type(text, doc_type, missing):
    d = doc(text)
    assert d.doc_type == doc_type
    assert d.paragraphs  # indexed, never dropped
    for what in missing:
        assert any(what in warning for warning in d.warnings), (what, d.warnings)


def test_a_file_with_items_date_and_attendees_has_no_warning():
    d = doc(HEAD + "Närvarande:\nAnna Ek\tPolisen\n\n§ 1 Lägesbild\n\nLugnt i stan.\n")
    assert d.warnings == []


def test_a_page_counter_after_a_number_on_the_line_before_keeps_the_lines():
    """A flattened transcript's "2 2(15)" page line after a line ending in a number: the number
    stays on its line, the marker goes, and no line is lost (a page counter taken across the line
    break crashed the furniture stripping)."""
    from bigsearch.ingest import furniture

    lines = ["1 Protokoll Kl. 13:00 Konferensrum 1, Krondikesvägen 60", "", "2 2(15) Plats och tid Konferensrum 1",
             "", "3 3(15) Utses att justera Eva Ek", "", "4 4(15) Ärendelista 1 Kulturstrategi"]
    stripped = furniture.strip(lines, flat=True)
    assert len(stripped) == len(lines)
    assert stripped[0].endswith("Krondikesvägen 60")
    assert not any("(15)" in line for line in stripped)


def test_a_layout_the_ingester_fails_on_skips_that_file_with_the_reason(monkeypatch, tmp_path):
    from bigsearch.errors import ReadError
    from bigsearch.ingest import pipeline

    def broken(*args, **kwargs):
        raise ValueError("zip() argument 2 is shorter than argument 1")

    monkeypatch.setattr(pipeline, "parse", broken)
    path = tmp_path / "odd.txt"
    path.write_text("Protokoll 2020-01-01\n\n§ 1 Öppnande\n\nText.\n", "utf-8")
    with pytest.raises(ReadError, match=r"the ingester failed on its layout \(ValueError: zip"):
        pipeline.ingest_file(path)


@pytest.mark.parametrize(("notice", "date"), [
    ("Justeringen av nämndens protokoll från den 26 februari 2020 har tillkännagivits.", None),  # another day
    ("Justeringen av nämndens protokoll från den 26 februari 2019 har tillkännagivits.", "2019-02-26"),
])
def test_a_notice_that_restates_the_meeting_day_must_agree_with_it(notice, date):
    """No date beats a wrong date: when the justering notice names another meeting day than the
    header, the minutes have no date."""
    text = ("Protokoll\n\nPlats och tid Konferensrum 1, den 26 februari 2019 kl. 13:00-16:00\n\n"
            f"Utses att justera Eva Ek\n\n{notice}\n\n§ 1 Kulturstrategi\n\nNämnden beslutar att godkänna.\n")
    assert doc(text).date == date

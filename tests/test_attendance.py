"""Attendance as a block parser: where names start, one entry, a block, roles from signatures."""

from __future__ import annotations

import pytest

from bigsearch.domain.principals import default_registry
from bigsearch.ingest.attendance import name_spans, parse_block, parse_entry, rejoin_wrapped_names
from bigsearch.ingest.header import Header, apply_roles, fields, parse_header
from bigsearch.ingest.model import Attendee

REGISTRY = default_registry()


def names(text):
    return [text[s.start:s.end] for s in name_spans(text) if not s.absent]


def people(lines):
    return [(a.name, a.organisation, a.role) for a in parse_block(lines, REGISTRY).attendees]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kjell Alexandersson (S) ordförande, Eva Johansson (C)", ["Kjell Alexandersson", "Eva Johansson"]),
        ("Radovan Javurek Ewa Jakobsen Göran Svensson Margareta Melin", ["Radovan Javurek", "Ewa Jakobsen",
                                                                          "Göran Svensson", "Margareta Melin"]),
        ("Bo Lennart Danielsson Ann Norling Gustafsson", ["Bo Lennart Danielsson", "Ann Norling Gustafsson"]),
        ("Hans Jönsson Boliden Mattias Hedlund Boliden", ["Hans Jönsson", "Mattias Hedlund"]),
        ("stationschef polisen i Svalöv Uno Jonasson, försäkringskassan", ["Uno Jonasson"]),
        ("sjukvårdsnämnden östra Skaraborg Karlsborgs kommun kommunchef", []),  # an organisation, not a person
        ("Marianne Hagman, Tillväxtchef Upplands-Bro kommun", ["Marianne Hagman"]),
    ],
)
def test_where_names_start(text, expected):
    assert names(text) == expected


def test_the_person_replaced_is_named_absent():
    spans = name_spans("Kristian Seger (M), tjg ersättare för Kenneth Dådring (M)")
    assert [(s.absent) for s in spans] == [False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna Ek (S), ordförande", ("Anna Ek", "S", "ordförande")),
        ("Stefan Gustafsson, polisen", ("Stefan Gustafsson", "polisen", None)),
        ("Eva Holm\tPolisen", ("Eva Holm", "Polisen", None)),
        ("Per Berg\tM\tX", ("Per Berg", "M", None)),  # a presence mark
    ],
)
def test_one_entry(text, expected):
    entry = parse_entry(text, REGISTRY)
    assert (entry.name, entry.organisation, entry.role) == expected


def test_a_presence_mark_is_kept():
    assert parse_entry("Per Berg\tM\tX", REGISTRY).present is True


def test_several_people_on_one_line_and_a_whole_block_run_together():
    assert people(["Anneli Persson (S) Christer Laurell (C) t.o.m. kl. 11.00 Karl-Erik Kruse (S)"]) == [
        ("Anneli Persson", "S", None), ("Christer Laurell", "C", None), ("Karl-Erik Kruse", "S", None)]
    assert people(["Björn Svensson, fritidschef Karolina Larsson, nämndsekreterare"]) == [
        ("Björn Svensson", None, "fritidschef"), ("Karolina Larsson", None, "nämndsekreterare")]


def test_a_name_the_page_width_broke_is_one_name():
    assert rejoin_wrapped_names(["Niklas Frykman (L), 2:e vice ordförande Susann", "Karlsson (S)"]) == [
        "Niklas Frykman (L), 2:e vice ordförande", "Susann Karlsson (S)"]
    assert [p[0] for p in people(["Göte Widén, Kerstin Forsberg, Lasse", "Dammström, Helena Lindh, Ann-Gret Lundqvist."])] \
        == ["Göte Widén", "Kerstin Forsberg", "Lasse Dammström", "Helena Lindh", "Ann-Gret Lundqvist"]
    assert rejoin_wrapped_names(["Anna Ek", "Per Berg"]) == ["Anna Ek", "Per Berg"]  # a column of names stays


def test_a_column_of_names_then_a_column_of_organisations():
    block = ["Jonas Bentzer", "Kurt Hjalmarsson", "", "Välfärd Gävle", "Utbildning Gävle"]
    assert people(block) == [("Jonas Bentzer", "Välfärd Gävle", None), ("Kurt Hjalmarsson", "Utbildning Gävle", None)]


def test_labels_stacked_in_a_row_share_the_values_after_them():
    found = fields(["Beslutande Övriga deltagare Anneli Persson (S) Björn Svensson, fritidschef"], flat=True)
    attendance = [f for f in found if f.kind == "attendees"]
    assert len(attendance) == 1 and attendance[0].label.text == "Beslutande"
    assert [label.text for label in attendance[0].labels] == ["Beslutande", "Övriga deltagare"]


def test_signatures_give_roles_and_in_minutes_the_signers_were_there():
    header = parse_header(["Protokoll 2020-03-06", "Närvarande:", "Pelle Matton\tBIG"], REGISTRY,
                          "Protokoll 2020-03-06", True, signature=["Vid protokollet  Justeras", "",
                                                                    "Pelle Matton  Caroline Engberg"])
    apply_roles(header, is_minutes=True)
    assert [(a.name, a.role) for a in header.attendees] == [("Pelle Matton", "sekreterare"),
                                                             ("Caroline Engberg", "justerare")]


def test_the_sender_of_a_kallelse_is_not_an_attendee():
    header = Header(roles=[("Christian Ottosson", "ordförande")])
    assert apply_roles(header, is_minutes=False) == ["Christian Ottosson"]
    assert header.attendees == []


def test_absent_people_are_not_attendees():
    header = parse_header(["Protokoll 2020-03-06", "Närvarande", "Anna Ek (S)", "Frånvarande", "Per Berg (M)"],
                          REGISTRY, "", True)
    assert [a.name for a in header.attendees] == ["Anna Ek"]
    assert header.absent == ["Per Berg"]


def test_merging_a_role_into_an_attendee_keeps_the_printed_one():
    header = Header(attendees=[Attendee("Anna Ek", role="ordförande")], roles=[("Anna Ek", "justerare")])
    apply_roles(header, is_minutes=True)
    assert header.attendees[0].role == "ordförande, justerare"

"""The meeting date as evidence: each kind of mention alone, then the decision. No date beats a wrong date."""

from __future__ import annotations

import datetime as dt

import pytest

from bigsearch.domain.dates import find_dates
from bigsearch.ingest.meeting_date import decide, header_mentions, labelled, meeting_date


def kinds(lines):
    return [(m.date.isoformat(), m.kind) for m in header_mentions(lines)]


def test_a_meeting_date_label_counts_wherever_it_stands():
    text = "ANSLAG/BEVIS\nOrgan Kommunstyrelsen\nSammanträdesdatum 2016-05-25\nDatum för anslags uppsättande 2016-06-01"
    assert [(m.date.isoformat(), m.kind) for m in labelled(text)] == [("2016-05-25", "label")]


def test_a_label_reaches_over_a_table_s_other_label_but_not_over_another_day():
    assert labelled("Sammanträdesdatum\n\nParagrafnummer\n\n2007-12-03")[0].date == dt.date(2007, 12, 3)
    assert labelled("Sammanträdesdatum Anslag under tiden 2014-02-24") == []


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Protokoll fört vid ledningsgruppsmöte BIG 2024-02-09"], [("2024-02-09", "title")]),
        (["Protokoll 180414"], [("2018-04-14", "title")]),
        (["SPF Seniorerna Protokoll Styrelsemöte 24-04-23"], [("2024-04-23", "title")]),
        (["Plats och tid Stadshuset, den 18 december 2003 kl 18.00"], [("2003-12-18", "field")]),
        (["Onsdagen den 24 april 2019"], [("2019-04-24", "weekday")]),
        (["2020-03-09", "Protokoll fört vid ledningsgruppsmöte BIG 2020-03-06"],
         [("2020-03-09", "loose"), ("2020-03-06", "title")]),
        (["Tid och plats för justering Tisdagen den 20 mars 2018 kl 16.00"], [("2018-03-20", "other")]),
        (["Utses att justera Eva Ek", "Plats och tid Kommunhuset den 5 mars 2012"], [("2012-03-05", "other")]),
        (["Sista datum för överklagande 2018-04-24"], [("2018-04-24", "other")]),
        (["Tid: Plats: 30 maj 2013 kl Norabostäders kontor"], [("2013-05-30", "field")]),
        (["Ärendelista 11 maj 2015"], [("2015-05-11", "field")]),
    ],
)
def test_each_mention_has_the_evidence_its_place_gives(lines, expected):
    assert kinds(lines) == expected


def test_labels_in_a_row_give_their_dates_in_order():
    lines = ["Plats och tid", "Beslutande", "Justerare", "Plats och tid Gillesalen måndagen den 20 november 1989, kl "
             "Stadshuset torsdagen den 23 november 1989"]
    assert kinds(lines) == [("1989-11-20", "field"), ("1989-11-23", "other")]


def test_a_two_day_meeting_is_dated_by_its_first_day():
    assert [d for _, d in find_dates("Möte med styrelsen den 26-27 januari 2002")] == [dt.date(2002, 1, 26)]


@pytest.mark.parametrize(
    ("header", "date"),
    [
        (["Protokoll 2019-05-02", "Datum 2019-05-03"], None),  # the evidence disagrees
        (["2019-05-09"], None),  # a lone date with no label: a writing date as often as a meeting's
        (["Protokoll", "2019-05-02"], "2019-05-02"),  # the title's date on its next line
        (["Protokoll", "Justeringens plats och tid Stadshuset 2019-05-09"], None),
    ],
)
def test_the_decision(header, date):
    found, why = meeting_date(header, "\n".join(header))
    assert (found.isoformat() if found else None) == date
    assert (why is None) == (date is not None)


def test_decide_names_the_dates_it_could_not_choose_between():
    from bigsearch.ingest.meeting_date import Mention

    _, why = decide([Mention(dt.date(2019, 5, 2), "title", ""), Mention(dt.date(2019, 5, 3), "field", "")])
    assert "2019-05-02" in why and "2019-05-03" in why

"""The ingester on real annotated minutes of many bodies (tests/fixtures/minutes/real, read by hand
before any ingester ran on them), scored the way bench/ingest_eval.py scores them: the issue's
targets hold as a floor, and no date is ever wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ingest_eval import annotated, export_rows, is_flat, score_rows

REAL = Path(__file__).parent / "fixtures" / "minutes" / "real"


@pytest.fixture(scope="module")
def scores():
    found = annotated([REAL])
    if not found:
        pytest.skip(f"no annotated minutes in {REAL}")
    out = []
    for txt, expected in found:
        rows, warned, _ = export_rows(txt)
        out.append(score_rows(txt.name, rows, warned, expected, is_flat(txt)))
    return out


def share(results, have, of):
    total = sum(r[of] for r in results)
    return sum(r[have] for r in results) / total if total else 1.0


def test_no_date_is_ever_wrong(scores):
    assert [r["name"] for r in scores if r["date"] == "WRONG"] == []


def test_numbered_items_become_sections_with_their_number(scores):
    lined = [r for r in scores if not r["flat"]]
    flat = [r for r in scores if r["flat"]]
    assert share(lined, "found", "numbered") >= 0.9
    assert share(flat, "found", "numbered") >= 0.6


def test_printed_meeting_dates_are_read(scores):
    for group, floor in (([r for r in scores if not r["flat"]], 0.9), ([r for r in scores if r["flat"]], 0.6)):
        dated = [r for r in group if r["dated"]]
        assert sum(r["date"] == "right" for r in dated) >= floor * len(dated)


def test_attendees_are_read(scores):
    assert share([r for r in scores if not r["flat"]], "att_hit", "att_want") >= 0.8


def test_nothing_lost_no_furniture_no_unsupported_principal(scores):
    assert [r["name"] for r in scores if r["lost"]] == []
    assert [(r["name"], r["furniture"]) for r in scores if r["furniture"]] == []
    assert [(r["name"], r["bad_pr"]) for r in scores if r["bad_pr"]] == []

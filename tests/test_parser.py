"""bigsearch's own query language: the tree it builds, its errors, and parse → print → parse."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bigsearch.errors import QueryError
from bigsearch.search import ast
from bigsearch.search.parser import MAX_EDITS, parse

pytestmark = pytest.mark.usefixtures("english")  # the messages' English wording is what these tests read


def tree(text: str):
    return parse(text).tree


def test_words_are_anded_and_or_binds_looser():
    assert tree("a b OR c") == ast.Or((ast.And((ast.Word("a"), ast.Word("b"))), ast.Word("c")))
    assert tree("a AND (b OR c)") == ast.And((ast.Word("a"), ast.Or((ast.Word("b"), ast.Word("c")))))


def test_negation_phrases_fields_and_marks():
    assert tree('-Bomhus "stolt och nykter"') == ast.And(
        (ast.Not(ast.Word("Bomhus")), ast.Phrase(("stolt", "och", "nykter")))
    )
    assert tree("NOT polis*") == ast.Not(ast.Word("polis", prefix=True))
    assert tree("Andersbrg~1") == ast.Word("Andersbrg", fuzzy=1)
    assert tree("Andersbrg~") == ast.Word("Andersbrg", fuzzy=1)
    assert tree("Sätra^2") == ast.Word("Sätra", boost=2.0)
    assert tree('"rädda barnen"^3') == ast.Phrase(("rädda", "barnen"), boost=3.0)
    assert tree("huvudman:polisen") == ast.Word("polisen", field="principal")
    assert tree('plats:"Gamla Gefle"') == ast.Phrase(("Gamla", "Gefle"), field="place")
    assert tree("covid-19") == ast.Word("covid-19")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("year:2019", ast.Range("year", "2019", "2019")),
        ("år:2019..2022", ast.Range("year", "2019", "2022")),
        ("year:[2019 TO 2022]", ast.Range("year", "2019", "2022")),
        ("year:2019..", ast.Range("year", "2019", None)),
        ("date:2020-01-01..2020-06-30", ast.Range("date", "2020-01-01", "2020-06-30")),
    ],
)
def test_ranges(text, expected):
    assert tree(text) == expected


def test_fuzzy_edits_are_capped_with_a_note():
    parsed = parse("Andersberg~99")
    assert parsed.tree == ast.Word("Andersberg", fuzzy=MAX_EDITS)
    assert parsed.notes and "at most 2 edits" in parsed.notes[0]


@pytest.mark.parametrize(
    "text, position, hint",
    [
        ('"stolt och', 1, 'close the phrase with "'),
        ("(Andersberg", 1, "add the ')'"),
        ("Andersberg)", 11, "remove it"),
        ("a OR", 3, "put a word after OR"),
        ("foo:bar", 1, "principal:"),
        ("year:20x9", 6, "year:2019"),
        ("year:2022..2019", 6, "year:2019..2022"),
        ("*a", 1, "polis*"),
        ("a~2*", 1, "not both"),
        ("principal:", 1, "principal:polisen"),
        ("year:[2019 TO", 6, "[2019 TO 2022]"),
        ("date:2020-13-45", 6, "date:2020-01-01"),
        ("Bomhus datum:2020-02-30..2020-06-30", 14, "datum:2020-01-01"),
    ],
)
def test_errors_say_where_and_what_to_type(text, position, hint):
    with pytest.raises(QueryError) as caught:
        parse(text)
    message = str(caught.value)
    assert f"position {position}" in message and hint in message and "\n" not in message


def test_too_long_and_empty_queries():
    with pytest.raises(QueryError, match="at most 1000"):
        parse("a " * 600)
    with pytest.raises(QueryError, match="empty query"):
        parse('  "" ')
    with pytest.raises(QueryError, match="at most 64"):
        parse(" ".join(f"w{n}" for n in range(65)))


WORDS = st.sampled_from(["Andersberg", "polisen", "våld", "Sätra", "18KS36", "covid-19", "fritid", "och", "a"])
FIELDS = st.sampled_from([None, "principal", "place", "title", "text", "body", "person", "attendee", "type"])


def leaves():
    word = st.builds(ast.Word, WORDS, FIELDS, st.booleans(), st.just(0), st.sampled_from([None, 2.0, 0.5]))
    fuzzy = st.builds(ast.Word, WORDS, st.just(None), st.just(False), st.integers(1, 2), st.just(None))
    phrase = st.builds(ast.Phrase, st.lists(WORDS, min_size=1, max_size=3).map(tuple), FIELDS,
                       st.sampled_from([None, 3.0]))
    years = st.sampled_from(["2019", "2020", None])
    year = st.builds(ast.Range, st.just("year"), years, years).filter(
        lambda r: (r.low or r.high) and not (r.low and r.high and r.low > r.high)
    )
    return st.one_of(word, fuzzy, phrase, year)


def trees():
    return st.recursive(
        leaves(),
        lambda children: st.one_of(
            st.builds(ast.Not, children),
            st.lists(children, min_size=2, max_size=3).map(lambda c: ast.And(tuple(c))),
            st.lists(children, min_size=2, max_size=3).map(lambda c: ast.Or(tuple(c))),
        ),
        max_leaves=12,
    )


@settings(max_examples=400, deadline=None)
@given(trees())
def test_print_then_parse_gives_the_same_tree(node):
    text = ast.to_text(node)
    assert tree(text) == node, text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "()-*~:^ORNDTyear:[]2019.')), max_size=40))
def test_parse_print_parse_round_trips_on_any_input(text):
    try:
        first = tree(text)
    except QueryError:
        return
    assert tree(ast.to_text(first)) == first, text

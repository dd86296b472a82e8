"""Property-based: any string at search and every filter gives results or a QueryError, with the
work bounded by construction (vocabulary entries scanned and terms expanded are counted, not timed)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.errors import QueryError
from bigsearch.search import expand
from bigsearch.search.results import Filters

SYNTAX = ['"', "(", ")", "AND", "OR", "NOT", "-", "*", "~", ":", "^", "[", "]", "{", "}", "TO", "\\", "/",
          "principal:", "person:", "year:", "place:", "type:", "Andersberg", "våld", "Sätra", "\x00", "\x1b[2J",
          "\u200b", "\u00ad", " ", "\t", "\n"]

queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(SYNTAX), max_size=30).map(" ".join),
    st.lists(st.sampled_from(SYNTAX), max_size=30).map("".join),
    st.text(alphabet=st.characters(max_codepoint=0x3000), min_size=500, max_size=3000),
)
FILTERS = ("year", "date_from", "date_to", "principal", "person", "place", "doc_type")


class CountingBudget(expand.Budget):
    """Every Budget the search makes, kept to check the bounds afterwards."""

    made: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        CountingBudget.made.append(self)


@pytest.fixture(autouse=True)
def _count_work(monkeypatch):
    CountingBudget.made = []
    monkeypatch.setattr("bigsearch.search.compile.Budget", CountingBudget)
    monkeypatch.setattr("bigsearch.search.searcher.Budget", CountingBudget)


# Per query: 64 leaves at most, each scanning at most MAX_SCAN entries twice (edit distance 1, then 2).
MAX_WORK = 64 * 2 * expand.MAX_SCAN


def run_bounded(searcher, text, filters=None):
    CountingBudget.made = []
    try:
        result = searcher.search(text, filters, limit=5)
        assert isinstance(result.total, int) and len(result.hits) <= min(5, result.total)
    except QueryError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
    for budget in CountingBudget.made:
        assert budget.scanned <= MAX_WORK, repr(text)[:80]
        assert budget.expanded <= 64 * expand.MAX_EXPANSIONS, repr(text)[:80]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=queries)
def test_any_query_gives_results_or_a_message(searcher, text):
    run_bounded(searcher, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FILTERS), value=queries)
def test_any_filter_value_gives_results_or_a_message(searcher, field, value):
    run_bounded(searcher, "mötet", Filters(**{field: value}))


@pytest.mark.parametrize(
    "query", ['"unbalanced', "((((", "))", "OR", "NOT", "AND OR NOT", "-", "*", "~", "x" * 100_000, "\x00\x01\x02",
              "principal:", "year:[2019 TO", "title:", "fritid~9", "*a*", "a" * 300 + "*", "year:2019", "år:2019 Andersberg",
              "year:2019..2022", "year:[2019 TO 2022]", "[a TO]", "a~2*", "a" * 999, "Andersberg~99"],
)
def test_cli_never_tracebacks(built_index, query):
    result = CliRunner().invoke(app, ["search", query, "--index-dir", str(built_index)])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=queries, flag=st.sampled_from([None, "--year", "--principal", "--person", "--place", "--from", "--sort"]),
       value=st.text(max_size=30))
def test_fuzz_through_the_cli_entry_point_never_tracebacks_and_bounds_work(built_index, text, flag, value):
    """Thousands of odd queries and filter values through `bigsearch search` as the console script runs it."""
    import contextlib
    import io

    from bigsearch.cli.entry import fast_search

    argv = ["search", "--index-dir", str(built_index), "--limit", "3"]
    if flag:
        argv += [flag, value]
    argv += ["--", text]
    out, err = io.StringIO(), io.StringIO()
    CountingBudget.made = []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = fast_search(argv)
        if code is None:  # what the quick path leaves to typer
            result = CliRunner().invoke(app, argv)
            code, errors = result.exit_code, result.stderr
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        else:
            errors = err.getvalue()
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in errors
    if code == 2:  # one line of ours, or the option parser's usage note (Usage / Try --help / Error)
        lines = [line for line in errors.splitlines() if line.strip()]
        assert lines and "error" in errors.lower() and len(lines) <= 3, errors
    for budget in CountingBudget.made:
        assert budget.scanned <= MAX_WORK and budget.expanded <= 64 * expand.MAX_EXPANSIONS

"""The fast start-up path of `bigsearch search` prints exactly what the typer command prints."""

from __future__ import annotations

import contextlib
import io

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.cli.entry import fast_search


@pytest.mark.parametrize(
    "args",
    [
        ["search", "Andersberg"],
        ["search", "fritidsgård", "--principal", "livsmiljö", "--limit", "2", "--sort", "-date"],
        ["search", '"stolt och nykter"', "--json"],
        ["search", "mötet", "--year", "2019..2020", "--type", "protokoll", "--offset", "1"],
        ["search", "Andersbrg"],
        ["search", "x", "--from", "inte ett datum"],
        ["search", "oro", "--place", "bomhus", "--person", "Caroline Engberg"],
        ["search", "mötet", "--attendee", "jennehag", "--to", "2020-12-31"],
    ],
)
def test_fast_path_matches_typer(built_index, args):
    argv = [*args, "--index-dir", str(built_index)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = fast_search(argv)
    assert code is not None
    typer_result = CliRunner().invoke(app, argv)
    assert code == typer_result.exit_code
    assert out.getvalue() == typer_result.stdout
    assert err.getvalue() == typer_result.stderr


@pytest.mark.parametrize(
    "argv",
    [["search", "--help"], ["search", "x", "--limit", "-1"], ["search", "x", "--sort", "bogus"], ["search"],
     ["search", "x", "--unknown"], ["index"], []],
)
def test_anything_unusual_goes_to_typer(argv):
    assert fast_search(argv) is None


def test_both_parsers_take_every_declared_filter():
    from bigsearch.cli.entry import _parser
    from bigsearch.cli.options import filter_flags

    help_text = CliRunner().invoke(app, ["search", "--help"], terminal_width=200).stdout
    quick = _parser()
    for option in filter_flags():
        assert option.flag in help_text
        if option.switch:  # --ocr / --no-ocr
            assert f"--no-{option.flag[2:]}" in help_text
            assert getattr(quick.parse_args(["q", option.flag]), option.name) is True
            assert getattr(quick.parse_args(["q", f"--no-{option.flag[2:]}"]), option.name) is False
            assert getattr(quick.parse_args(["q"]), option.name) is None
            continue
        value = option.choices[-1] if option.choices else "v"
        assert getattr(quick.parse_args(["q", option.flag, value]), option.name) == value

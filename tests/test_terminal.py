"""The CLI and the browser on a real pseudo-terminal, at 80×24 and 140×40, colour on and off.

These are the runs a user makes first; pipes and CliRunner never take the paths a terminal does
(the pager, colour, the screen size, Textual's full screen). Each asserts no traceback, no
colour codes shown as raw text, and the lines a reader looks for.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.pty_run import console_script, run_on_terminal, terminal_env

SIZES = [(24, 80), (40, 140)]
COLOURS = [True, False]


def first_hit_id(index_dir, query: str) -> str:
    env = terminal_env(index_dir, color=False)
    out = subprocess.run(console_script() + ["search", query, "--json", "--limit", "1"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["hits"][0]["id"]


def assert_clean(run) -> str:
    text = run.screen_text
    assert "Traceback" not in text, text[-2000:]
    # less without -R shows colour codes as the text "ESC[1;36m"; a pager that cannot take
    # colour shows "^[[": neither may reach the screen.
    assert b"ESC[" not in run.raw and b"^[[" not in run.raw, text[-2000:]
    assert run.exit_code in (0, 1), (run.exit_code, text[-2000:])
    return text


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "140x40"])
@pytest.mark.parametrize("color", COLOURS, ids=["colour", "no-colour"])
@pytest.mark.parametrize("command, key_line", [
    (["search", "skola"], "träffar för 'skola'"),
    (["search", "Andersberg", "--limit", "50"], "Andersberg"),
    (["meeting", "2024-02-09"], "Mötets öppnande"),
    (["person", "jennehag"], "Måns Jennehag"),
], ids=["search", "search-long", "meeting", "person"])
def test_commands_on_a_terminal(built_index, size, color, command, key_line):
    run = run_on_terminal(command, terminal_env(built_index, color), size=size)
    assert key_line in assert_clean(run)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "140x40"])
def test_show_on_a_terminal(built_index, size):
    hit = first_hit_id(built_index, "Andersberg")
    run = run_on_terminal(["show", hit, "-C", "3"], terminal_env(built_index, True), size=size)
    assert hit in assert_clean(run)


@pytest.mark.parametrize("pager", [None, "", "less", "less -S", "cat", "more", "no-such-pager-here"])
def test_paging_with_any_pager_setting(built_index, pager):
    extra = {} if pager is None else {"PAGER": pager}
    run = run_on_terminal(["meeting", "2024-02-09"], terminal_env(built_index, True, **extra), size=(24, 80))
    text = assert_clean(run)
    assert "Mötets öppnande" in text


@pytest.mark.parametrize("less_options", ["", "S", "FRX", "-X"])
def test_less_shows_colours_whatever_LESS_says(built_index, less_options):
    run = run_on_terminal(["search", "skola"], terminal_env(built_index, True, LESS=less_options), size=(24, 80))
    assert "träffar för 'skola'" in assert_clean(run)
    assert b"\x1b[" in run.raw  # colour still reaches the terminal


def test_no_less_installed_prints_the_text(built_index, tmp_path):
    run = run_on_terminal(["search", "skola"], terminal_env(built_index, True, PATH=str(tmp_path)), size=(24, 80))
    assert "träffar för 'skola'" in assert_clean(run)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "140x40"])
@pytest.mark.parametrize("color", COLOURS, ids=["colour", "no-colour"])
def test_browser_on_a_terminal(built_index, size, color):
    run = run_on_terminal(["browse", "Andersberg"], terminal_env(built_index, color), size=size,
                          wait_for=b"Andersberg", quit_key=b"q")
    text = assert_clean(run)
    assert "Andersberg" in text
    assert run.exit_code == 0


@pytest.mark.parametrize("language, labels", [("sv", ["läser", "analyserar", "skriver indexet", "5 tillagda"]),
                                              ("en", ["reading", "analysing", "committing", "5 added"])])
def test_indexing_on_a_terminal_names_each_stage(tmp_path, corpus_dir, language, labels):
    """The bar says what it is doing at every stage; it never sits full and silent through the commit."""
    env = terminal_env(tmp_path / "ix", color=True, BIGSEARCH_LANG=language)
    run = run_on_terminal(["index", str(corpus_dir)], env, size=(24, 80))
    text = assert_clean(run)
    assert run.exit_code == 0
    positions = [text.find(label) for label in labels]
    assert all(position >= 0 for position in positions), (labels, text[-2000:])
    assert positions == sorted(positions)  # reading, then analysing, then committing, then the summary


ESC, TAB, BACKTAB, DOWN, ENTER = b"\x1b", b"\t", b"\x1b[Z", b"\x1b[B", b"\r"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "140x40"])
def test_browser_keys_on_a_terminal(built_index, size):
    """A starting filter toggled off in the sidebar, a protocol opened and closed, Esc on the main
    screen (it stays, and says q quits), help, q. Each key is typed once the screen shows what the
    last one did (an Esc never shares a write with the next key: it would read as Alt+key)."""
    script = [
        (b"1 tr\xc3\xa4ff", TAB + DOWN + ENTER),  # "1 träff"; the filter pane, Polisen's row: off
        (b"3 tr\xc3\xa4ffar", BACKTAB + ENTER),  # every hit again; back to the hits, open the first
        (b"N\xc3\xa4rvarande:", ESC),  # the protocol with who was there; back
        (b"Rensa filter", ESC),  # the main screen's keys again; Esc there must not quit ...
        (b"q avslutar", b"?"),  # ... it says so; help
        (b"Fr\xc3\xa5gespr\xc3\xa5k", ESC),
        (b"Rensa filter", b"q"),
    ]
    run = run_on_terminal(["browse", "Andersberg", "--principal", "polisen"], terminal_env(built_index, True),
                          size=size, script=script, quit_key=None)
    text = assert_clean(run)
    assert not run.unmet, (run.unmet[0], text[-3000:])
    assert run.exit_code == 0
    assert "Huvudman=Polisen" in text and "1 träffar" not in text

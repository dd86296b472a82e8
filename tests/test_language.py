"""One language per run: what bigsearch says comes from one catalogue (bigsearch/messages), Swedish
or English, chosen by --lang, $BIGSEARCH_LANG or the locale; counts agree with their nouns.

The scan runs the main commands in each language and looks for words of the other language among
what bigsearch says (the minutes' own words, names, paths, ids and `commands` are left out: data
is never translated)."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.messages import en, from_locale, sv, t

ROOT = Path(__file__).resolve().parent.parent

# Words that only a message in the other language would bring. None is a word of the minutes
# (checked below): a hit's text never trips the scan.
ENGLISH = set("""hits hit found saved building built added updated removed unchanged failed paragraph paragraphs
meeting meetings present mentioned reported chaired undated showing principal principals persons places year
years query mean missing new error warning note the with and from not yet now did you source type unit same
section marked kept minutes file files read skipped exported size engine documents body name interrupted""".split())
SWEDISH = set("""möte stycke stycken sparade sparad odaterat odaterade personer platser fråga saknas källa typ
avsnitt markerade markerad förde nämnd analyserar indexet tillagda uppdaterade borttagna oförändrade misslyckade
indexerade fel varning obs avbrutet menade du tog bort bygger byggt namn motor organ schemaversion indexstorlek
täckning lästa överhoppade kända""".split())


def said_words(output: str) -> set[str]:
    """The words of what bigsearch said: without `commands`, paths, flags, ids, numbers and quoted values."""
    words: set[str] = set()
    for line in output.splitlines():
        line = re.sub(r"`[^`]*`", " ", line)
        for token in line.split():
            if "/" in token or token.startswith(("-", "[", "'")) or re.search(r"\d", token):
                continue
            # words in capitals are the query language's (AND, OR, TO) or abbreviations (BIG, KS)
            words.update(word.lower() for word in re.findall(r"[^\W\d_]+", token) if not word.isupper())
    return words


def minutes_words() -> set[str]:
    words: set[str] = set()
    for path in (ROOT / "corpus").iterdir():
        words.update(word.lower() for word in re.findall(r"\w+", path.read_text("utf-8")))
    return words


def test_the_giveaway_words_are_no_words_of_the_minutes():
    assert not (ENGLISH | SWEDISH) & minutes_words()
    assert not ENGLISH & SWEDISH


def test_both_catalogues_say_the_same_things():
    assert set(sv.MESSAGES) == set(en.MESSAGES)
    fields = string.Formatter()
    for key, english in en.MESSAGES.items():
        swedish = sv.MESSAGES[key]
        assert type(english) is type(swedish), key
        pairs = zip(english, swedish, strict=True) if isinstance(english, tuple) else [(english, swedish)]
        for a, b in pairs:
            assert {f for _, f, _, _ in fields.parse(a) if f} == {f for _, f, _, _ in fields.parse(b) if f}, key


@pytest.mark.parametrize("key, one, many", [("count.hits", "1 träff", "2 träffar"), ("count.meetings", "1 möte", "2 möten"),
                                            ("count.sections", "1 paragraf", "2 paragrafer"),
                                            ("count.paragraphs", "1 stycke", "2 stycken")])
def test_counts_agree_with_their_nouns(key, one, many):
    assert (t(key, n=1), t(key, n=2)) == (one, many)


@pytest.mark.parametrize("environ, language", [
    ({}, "sv"), ({"LANG": "C.UTF-8"}, "sv"), ({"LANG": "POSIX"}, "sv"), ({"LANG": "sv_SE.UTF-8"}, "sv"),
    ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "de_DE.UTF-8"}, "en"), ({"LC_ALL": "en_GB", "LANG": "sv_SE"}, "en"),
    ({"LANGUAGE": "sv:en", "LANG": "en_US"}, "sv"), ({"LC_MESSAGES": "sv_FI.UTF-8"}, "sv"),
])
def test_the_locale_chooses_the_language(environ, language):
    assert from_locale(environ) == language


def run_script(args: list[str], env: dict) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "bigsearch"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bigsearch"]
    return subprocess.run(command + args, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("how, language", [(["--lang", "en"], "en"), (["--lang=sv"], "sv"), ([], "en"), ([], "sv")])
def test_flag_environment_and_locale_each_choose(built_index, how, language):
    env = {**os.environ, "BIGSEARCH_INDEX": str(built_index), "LANG": "en_US.UTF-8" if language == "en" else "sv_SE.UTF-8"}
    env.pop("BIGSEARCH_LANG")
    if how:  # the flag beats both: a locale of the other language
        env["LANG"] = "sv_SE.UTF-8" if language == "en" else "en_US.UTF-8"
    for args in (["search", "Andersberg", *how], [*how, "search", "Andersberg", "--color", "never"]):
        out = run_script(args, env).stdout
        assert ("3 hits for 'Andersberg'" if language == "en" else "3 träffar för 'Andersberg'") in out, out


def test_one_hit_is_one_hit(built_index):
    result = CliRunner().invoke(app, ["search", "Andersberg", "--principal", "polisen", "--index-dir", str(built_index)])
    assert "1 träff för 'Andersberg'" in result.stdout and "träffar" not in result.stdout.split("\n")[0]


def outputs(index_dir: Path, tmp_path: Path, language: str) -> dict[str, str]:
    """What the main commands say, stdout and stderr, in one language."""
    runner = CliRunner()
    first_id = json.loads(runner.invoke(app, ["search", "Andersberg", "--json", "--index-dir", str(index_dir)]).stdout)
    first_id = first_id["hits"][0]["id"]
    commands = {
        "search": ["search", "skola"], "search-one": ["search", "Andersberg", "--principal", "polisen"],
        "search-none": ["search", "Andersbrg"], "search-bad": ["search", "skola AND"],
        "search-md": ["search", "skola", "--format", "md"], "show": ["show", first_id, "-C", "1"],
        "meetings": ["meetings"], "meeting": ["meeting", "2024-02-09", "Andersberg", "--no-pager"],
        "person": ["person", "wagberg sperring"], "person-unknown": ["person", "Okänd Person"],
        "principal": ["principal", "polisen"], "principals": ["principals"], "persons": ["persons"],
        "timeline": ["timeline", "Andersberg"], "stats": ["stats"], "eval": ["eval"],
        "bad-filter": ["search", "skola", "--principal", "Brandkåren"],
    }
    said = {}
    for name, args in commands.items():
        result = runner.invoke(app, ["--lang", language, *args, "--index-dir", str(index_dir)], terminal_width=200)
        assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
        said[name] = result.stdout + result.stderr
    watch_dir = tmp_path / f"watch-{language}"
    for name, args in {"watch-add": ["watch", "add", "skola", "--name", "ab"], "watch": ["watch"],
                       "watch-remove": ["watch", "remove", "ab"], "watch-none": ["watch"]}.items():
        result = runner.invoke(app, ["--lang", language, *args, "--index-dir", str(watch_dir)], terminal_width=200)
        said[name] = result.stdout + result.stderr
    # The console script: the quick search path, a first build, indexing and exporting.
    env = {**os.environ, "BIGSEARCH_INDEX": str(tmp_path / f"fresh-{language}"), "BIGSEARCH_LANG": language}
    first = run_script(["search", "skola"], env)
    said["first-search"] = first.stdout + first.stderr
    said["index"] = run_script(["index"], env).stderr
    said["export"] = run_script(["export", str(ROOT / "corpus")], env).stderr
    return said


@pytest.mark.parametrize("language, other", [("sv", ENGLISH), ("en", SWEDISH)])
def test_each_command_speaks_one_language(built_index, tmp_path, language, other):
    for name, output in outputs(built_index, tmp_path, language).items():
        assert output.strip(), name
        mixed = said_words(output) & other
        assert not mixed, (name, sorted(mixed), output[-1500:])

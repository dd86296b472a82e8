"""What a first user meets before any search: --help naming the index it will use, indexing that
says which stage it is in, and `eval` on an index the relevance set does not belong to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def script() -> list[str]:
    found = Path(sys.executable).parent / "bigsearch"
    return [str(found)] if found.exists() else [sys.executable, "-m", "bigsearch"]


def help_text(args: list[str], cwd: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("BIGSEARCH_INDEX", "BIGSEARCH_CORPUS")}
    environ.update(env)
    out = subprocess.run(script() + args, cwd=cwd, env=environ, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return "".join(out.stdout.split())  # as printed, without the wrapping


@pytest.fixture()
def short_dir():
    """A folder with a short path, so that --help does not wrap it mid-name."""
    folder = Path(tempfile.mkdtemp(prefix="bs", dir="/tmp"))
    yield folder
    shutil.rmtree(folder)


@pytest.mark.parametrize("args", [["search", "--help"], ["stats", "--help"], ["--help"]])
def test_help_names_the_per_user_index_outside_a_checkout(short_dir, args):
    (short_dir / "work").mkdir()
    shown = help_text(args, short_dir / "work", XDG_DATA_HOME=str(short_dir / "data"))
    assert str(short_dir / "data" / "bigsearch" / "index") in shown


def test_help_names_the_checkouts_index_inside_one(short_dir):
    (short_dir / "pyproject.toml").write_text('[project]\nname = "bigsearch"\n', "utf-8")
    shown = help_text(["search", "--help"], short_dir, XDG_DATA_HOME=str(short_dir / "data"))
    assert f"[default:{short_dir / 'index'}:" in shown


def test_help_names_the_index_the_environment_gives(short_dir):
    shown = help_text(["meetings", "--help"], short_dir, BIGSEARCH_INDEX=str(short_dir / "mine"))
    assert f"[default:{short_dir / 'mine'}:" in shown


def test_the_sync_reports_every_stage_commit_last(tmp_path, corpus_dir):
    from bigsearch.index.sync import ANALYSING, COMMITTING, READING, sync

    seen: list[tuple[str, int, int | None]] = []
    files: list[int] = []
    sync(tmp_path / "ix", [corpus_dir], stages=lambda *event: seen.append(event),
         progress=lambda done, total, name: files.append(done))
    stages = [stage for stage, _, _ in seen]
    assert stages[0] == READING and stages[-1] == COMMITTING
    assert stages == sorted(stages, key=[READING, ANALYSING, COMMITTING].index)  # in order, none twice
    assert [done for stage, done, _ in seen if stage == READING] == [1, 2, 3, 4, 5]
    assert [done for stage, done, _ in seen if stage == ANALYSING] == [0, *files] == [0, 1, 2, 3, 4, 5]
    assert seen[-1] == (COMMITTING, 0, None)
    seen.clear()
    sync(tmp_path / "ix", [corpus_dir], stages=lambda *event: seen.append(event))  # nothing changed: nothing to commit
    assert {stage for stage, _, _ in seen} == {READING}


def test_eval_on_another_corpus_says_whose_the_relevance_set_is(tmp_path, corpus_dir):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(corpus_dir / "000_abf7e5c094538042.txt", other / "protokoll.txt")
    runner = CliRunner()
    assert runner.invoke(app, ["index", str(other), "--index-dir", str(tmp_path / "ix")]).exit_code == 0
    result = runner.invoke(app, ["eval", "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 2
    assert "relevansmängden hör till den medföljande korpusen" in result.stderr and "0.000" not in result.stdout
    english = runner.invoke(app, ["--lang", "en", "eval", "--index-dir", str(tmp_path / "ix")])
    assert "the relevance set belongs to the bundled corpus" in english.stderr
    judged = tmp_path / "mine.toml"
    judged.write_text('[[query]]\nq = "Andersberg"\nrelevant = ["x-1"]\n', "utf-8")
    own = runner.invoke(app, ["--lang", "en", "eval", "--queries", str(judged), "--index-dir", str(tmp_path / "ix")])
    assert own.exit_code == 2 and f"the judgments in {judged} are about another corpus" in own.stderr


def test_eval_on_the_bundled_corpus_keeps_its_figures(built_index):
    result = CliRunner().invoke(app, ["eval", "--json", "--index-dir", str(built_index)])
    assert result.exit_code == 0 and result.stderr == ""
    mean = json.loads(result.stdout)["mean"]
    assert mean["recall"] == 1.0 and mean["ndcg_at_10"] >= 0.99

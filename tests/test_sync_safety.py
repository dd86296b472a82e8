"""The sync on both embedded engines: two runs at once (the lock is taken before the manifest is
read)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines import interface as i
from bigsearch.engines.registry import ENGINES, open_engine
from bigsearch.index.sync import sync
from tests.index_helpers import ROOT, make_corpus

EMBEDDED = tuple(name for name, entry in ENGINES.items() if entry.embedded)

# `bigsearch ARGS…` released by a barrier (a file the test creates), so that two runs start together.
BARRIER_CHILD = """
import os, sys, time
barrier = sys.argv[1]
while not os.path.exists(barrier):
    time.sleep(0.001)
sys.argv = ["bigsearch", *sys.argv[2:]]
from bigsearch.cli.entry import main
main()
"""


def _run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def _ids(index_dir: Path) -> list[str]:
    engine = open_engine(index_dir)
    try:
        return [hit.record["id"] for hit in engine.search(i.All(), limit=100_000).hits]
    finally:
        engine.close()


def _sources(index_dir: Path) -> set[str]:
    engine = open_engine(index_dir)
    try:
        return {Path(source["source_key"]).name for source in engine.sources()}
    finally:
        engine.close()


def _together(barrier: Path, *runs: list[str]) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", BARRIER_CHILD, str(barrier), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for args in runs]
    barrier.touch()
    done = []
    for proc, args in zip(procs, runs, strict=True):
        out, err = proc.communicate(timeout=600)
        done.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return done


# -- (2) two runs at once -----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", EMBEDDED)
def test_two_runs_at_once_on_two_folders_give_every_paragraph_its_own_id(tmp_path, corpus_dir, engine):
    """Two folders holding files of the same names: their ids collide unless the second run plans
    with the first one's files in the manifest — which it can only when it reads it under the lock."""
    first = make_corpus(tmp_path / "a", corpus_dir, 4)
    second = make_corpus(tmp_path / "b", corpus_dir, 4)
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir], engine=engine)  # an index to update, its engine remembered
    reference = tmp_path / "reference"
    sync(reference, [corpus_dir], engine=engine)
    sync(reference, [first])
    sync(reference, [second])
    runs = _together(tmp_path / "go", ["index", str(first), "--index-dir", str(index_dir)],
                     ["index", str(second), "--index-dir", str(index_dir)])
    for run in runs:
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    ids = _ids(index_dir)
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} paragraph ids used twice"
    assert len(ids) == len(_ids(reference))


@pytest.mark.parametrize("engine", EMBEDDED)
def test_two_runs_at_once_on_one_folder_do_the_work_once(tmp_path, corpus_dir, engine):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 4)
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir], engine=engine)
    runs = _together(tmp_path / "go", ["index", str(docs), "--index-dir", str(index_dir)],
                     ["index", str(docs), "--index-dir", str(index_dir)])
    for run in runs:
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    summaries = sorted(run.stderr.strip().splitlines()[-1] for run in runs)
    assert "20 added" in summaries[0] + summaries[1] and "20 unchanged" in summaries[0] + summaries[1], summaries
    ids = _ids(index_dir)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("engine", EMBEDDED)
def test_a_run_that_finds_the_index_busy_says_so_in_one_line_and_writes_nothing(tmp_path, corpus_dir, engine,
                                                                               monkeypatch):
    from bigsearch.engines import run_lock

    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir], engine=engine)
    before = sorted(os.listdir(index_dir))
    monkeypatch.setattr(run_lock, "WAIT_SECONDS", 0.3)
    with run_lock.write_lock(index_dir):  # another run holds the index
        result = _run("index", str(docs), "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "waiting for it to finish" in result.stderr
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert f"an index run is in progress on {index_dir}" in error
    assert sorted(os.listdir(index_dir)) == before
    assert _sources(index_dir) == {path.name for path in corpus_dir.iterdir()}


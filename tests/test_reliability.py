"""Crash safety and concurrency of the index."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli import app
from bigsearch.index import store
from bigsearch.index.writer import sync
from bigsearch.search.searcher import Searcher


def make_corpus(folder: Path, seeds: Path, copies: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for seed in sorted(seeds.iterdir()):
            text = seed.read_text("utf-8").replace("Dagordningen godkändes.", f"Dagordningen godkändes (kopia {i}).")
            (folder / f"c{i:03d}_{seed.name}").write_text(text, "utf-8")
    return folder


def index_state(index_dir: Path) -> tuple[int, int]:
    with Searcher(index_dir) as searcher:
        stats = searcher.stats()
        # Every paragraph must belong to a file record: no half-written documents.
        assert searcher.search("mötet", limit=1).total >= 0
        return stats.documents, stats.paragraphs


def bigsearch(*args: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bigsearch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_sigkill_at_random_moments_never_corrupts_nor_locks(tmp_path, corpus_dir):
    small = make_corpus(tmp_path / "small", corpus_dir, 1)
    large = make_corpus(tmp_path / "large", corpus_dir, 4)
    pristine = tmp_path / "pristine"
    sync(pristine, [small])
    old_state = index_state(pristine)
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    sync(reference, [large])
    new_state = index_state(reference)
    assert old_state != new_state

    start = time.monotonic()
    proc = bigsearch("index", str(large), "--index-dir", str(tmp_path / "timing"))
    proc.wait(timeout=120)
    full = time.monotonic() - start

    rng = random.Random(20261123)
    seen = set()
    for attempt in range(20):
        target = tmp_path / f"ix{attempt}"
        shutil.copytree(pristine, target)
        proc = bigsearch("index", str(large), "--index-dir", str(target))
        time.sleep(rng.uniform(0.05, full * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = index_state(target)
        assert state in (old_state, new_state), f"attempt {attempt}: mixed index {state}"
        seen.add(state)
        # No stale lock: the next run goes straight through and finishes the job.
        rerun = subprocess.run([sys.executable, "-m", "bigsearch", "index", str(large), "--index-dir", str(target)],
                               capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        assert "waiting" not in rerun.stderr
        assert index_state(target) == new_state
        shutil.rmtree(target)
    assert seen, "no kill landed"


def test_search_while_indexing_sees_last_committed_state(tmp_path, corpus_dir):
    small = make_corpus(tmp_path / "small", corpus_dir, 1)
    large = make_corpus(tmp_path / "large", corpus_dir, 6)
    index_dir = tmp_path / "ix"
    sync(index_dir, [small])
    assert index_state(index_dir)[0] == 5
    proc = bigsearch("index", str(large), "--index-dir", str(index_dir))
    searches = 0
    while proc.poll() is None:
        with Searcher(index_dir) as searcher:
            result = searcher.search("Andersberg")
            assert result.total in (3, 18)  # before or after the commit, nothing in between
        searches += 1
    assert proc.returncode == 0, proc.stderr.read()
    assert searches > 0
    with Searcher(index_dir) as searcher:
        assert searcher.search("Andersberg").total == 18


def test_two_index_runs_at_once_wait_and_do_not_corrupt(tmp_path, corpus_dir):
    large = make_corpus(tmp_path / "large", corpus_dir, 4)
    index_dir = tmp_path / "ix"
    first = bigsearch("index", str(large), "--index-dir", str(index_dir))
    deadline = time.monotonic() + 30
    while not (index_dir / store.LOCK_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    second = bigsearch("index", str(large), "--index-dir", str(index_dir))
    out_first, err_first = first.communicate(timeout=180)
    out_second, err_second = second.communicate(timeout=180)
    assert first.returncode == 0 and second.returncode == 0, (err_first, err_second)
    assert "Traceback" not in err_first + err_second
    assert index_state(index_dir)[0] == 20
    # Whichever ran second found nothing left to do.
    assert "20 unchanged" in err_first + err_second


def test_read_only_index_directory(tmp_path, corpus_dir, monkeypatch):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    before = sorted(p.name for p in index_dir.iterdir())
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode))
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    assert result.exit_code == 2
    assert "read-only" in result.output and "Traceback" not in result.output
    found = runner.invoke(app, ["search", "Andersberg", "--index-dir", str(index_dir)])
    assert found.exit_code == 0 and "3 träffar" in found.stdout
    assert sorted(p.name for p in index_dir.iterdir()) == before  # searching wrote nothing


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_read_only_by_permissions(tmp_path, corpus_dir):  # pragma: no cover - runs for non-root users
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    index_dir.chmod(0o555)
    try:
        result = CliRunner().invoke(app, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
        assert result.exit_code == 2 and "read-only" in result.output
    finally:
        index_dir.chmod(0o755)


def test_index_files_open_without_copying(tmp_path, corpus_dir):
    """The mapped-segment reader: reads, seeks and lines behave like a file."""
    from bigsearch.index.whoosh_patches import _MemoryReader

    reader = _MemoryReader(memoryview(b"ett\ntv\xc3\xa5\ntre"))
    assert reader.readline() == b"ett\n"
    assert reader.tell() == 4
    assert list(reader) == [b"tv\xc3\xa5\n", b"tre"]
    reader.seek(-3, 2)
    assert reader.read() == b"tre"
    reader.seek(1)
    assert reader.read(2) == b"tt"
    with pytest.raises(OSError):
        reader.write(b"x")

"""Crash safety and concurrency of the index."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines import whoosh_store as store
from bigsearch.index.sync import sync
from bigsearch.search.searcher import Searcher
from tests.index_helpers import Lines, index_state, make_corpus, sync_child


def bigsearch(*args: str, env=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bigsearch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_sigkill_mid_run_leaves_the_old_or_the_new_index_exactly(tmp_path, corpus_dir):
    """Kills land after a random number of files has been written and before the run ends; each
    leaves exactly the old or exactly the new index, and never a lock."""
    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    pristine = tmp_path / "pristine"
    sync(pristine, [docs])
    old_state = index_state(pristine)
    originals = sorted(docs.iterdir())
    make_corpus(docs, corpus_dir, 4)  # 15 new files …
    for path in originals:  # … and the 5 indexed ones change: 20 files to write
        path.write_text(path.read_text("utf-8") + "\nÄndrad.\n", "utf-8")
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    sync(reference, [docs])
    new_state = index_state(reference)
    assert old_state != new_state and len(new_state) > len(old_state)

    rng = random.Random(20261123)
    trials, landed, states = 8, 0, set()
    for trial in range(trials):
        target = tmp_path / f"ix{trial}"
        shutil.copytree(pristine, target)
        proc = sync_child(target, docs, parallel_from=10**9)  # one process: the worker case is in test_faults
        lines = Lines(proc.stdout)
        kill_after, seen = rng.randint(1, 20), 0
        while (line := lines.next()) is not None:
            seen += line.startswith("progress")
            if seen == kill_after:
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        rest = lines.rest()
        if proc.returncode != -signal.SIGKILL or "done" in rest:
            continue  # it finished first: this kill did not land mid-run
        landed += 1
        state = index_state(target)
        assert state in (old_state, new_state), f"trial {trial}: an index that is neither the old nor the new"
        states.add(state)
        with open(target / store.LOCK_NAME, "a+") as handle:  # free at once: no wait for the next run
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    # A kill misses only when it comes after the last file and the commit was quicker.
    assert landed >= trials - 2, f"only {landed} of {trials} kills landed mid-run"
    assert old_state in states  # kills before the commit keep the old index

    rerun = subprocess.run([sys.executable, "-m", "bigsearch", "index", str(docs), "--index-dir", str(target)],
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert "waiting" not in rerun.stderr
    assert index_state(target) == new_state


def test_search_while_indexing_sees_last_committed_state(tmp_path, corpus_dir):
    small = make_corpus(tmp_path / "small", corpus_dir, 1)
    large = make_corpus(tmp_path / "large", corpus_dir, 6)
    index_dir = tmp_path / "ix"
    sync(index_dir, [small])
    assert len({key for _, key, _ in index_state(index_dir)}) == 5
    proc = bigsearch("index", str(large), "--index-dir", str(index_dir))
    searches = 0
    while proc.poll() is None:
        with Searcher(index_dir) as searcher:
            result = searcher.search("Andersberg")
            # Before or after the commit, nothing in between (small's 3 stay: it is not under `large`).
            assert result.total in (3, 21)
        searches += 1
    assert proc.returncode == 0, proc.stderr.read()
    assert searches > 0
    with Searcher(index_dir) as searcher:
        assert searcher.search("Andersberg").total == 21


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
    assert len({key for _, key, _ in index_state(index_dir)}) == 20
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
    from bigsearch.engines.whoosh_patches import _MemoryReader

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


def test_segments_are_opened_through_the_mapped_reader(whoosh_index):
    """The patch is in force: a real index's segment parts are read through _MemoryReader (an
    unpatched Whoosh copies them into a BytesIO)."""
    from bigsearch.engines.whoosh_patches import _MemoryReader

    ix = store.open_for_reading(whoosh_index)
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage)
    try:
        part = storage.open_file(storage.list()[0])
        assert isinstance(part.file, _MemoryReader)
        part.close()
    finally:
        storage.close()


def test_missing_length_columns_are_looked_up_once(whoosh_index, monkeypatch):
    """The patch is in force: asking twice for a field without a length column asks the segment once."""
    from whoosh.codec import whoosh3

    calls = []
    real = whoosh3.W3PerDocReader.has_column
    monkeypatch.setattr(whoosh3.W3PerDocReader, "has_column",
                        lambda self, name: calls.append(name) or real(self, name))
    ix = store.open_for_reading(whoosh_index)
    with ix.reader() as reader:
        per_doc = reader._perdoc
        assert per_doc.doc_field_length(0, "persons") == 0  # persons is not scored: no length column
        assert per_doc.doc_field_length(1, "persons") == 0
    assert calls.count("_persons_len") == 1


def test_a_column_over_segments_where_some_have_no_values_is_whole(tmp_path, corpus_dir):
    """The patch is in force: an index of a folder without principals (a yttrande) plus one with
    them has two segments, one without a principal column; the column still covers every doc."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(corpus_dir / "004_943a0a2b978b1b13.txt", first)  # a yttrande: no principals
    shutil.copy(corpus_dir / "000_abf7e5c094538042.txt", second)
    index_dir = tmp_path / "ix"
    sync(index_dir, [first])
    sync(index_dir, [second])
    ix = store.open_for_reading(index_dir)
    with ix.reader() as reader:
        segments = [leaf for leaf, _ in reader.leaf_readers()]
        assert [leaf.has_column("principal") for leaf in segments] == [False, True]
        values = list(reader.column_reader("principal"))
        assert len(values) == reader.doc_count_all()
        assert "Polisen" in values[segments[0].doc_count_all():]
    with Searcher(index_dir) as searcher:
        assert searcher.search("Andersberg").facets["principal"]["Polisen"] == 1


def test_whoosh_patches_refuse_an_unknown_whoosh():
    from bigsearch.engines import whoosh_patches
    from bigsearch.errors import ConfigError

    whoosh_patches.check_version((2, 7, 5))
    with pytest.raises(ConfigError, match="whoosh-reloaded==2.7.5"):
        whoosh_patches.check_version((2, 8, 0))

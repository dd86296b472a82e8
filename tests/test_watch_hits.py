"""Saved-search hits are never lost: marked seen only after they were written out; a killed or
failing report leaves them new; a full disk, a read-only file or a race give one clear line."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.index.sync import sync
from bigsearch.search.watch import watch_file
from tests.index_helpers import ROOT

# What these tests read is what bigsearch says in English (the Swedish twins: test_language.py).
pytestmark = pytest.mark.usefixtures("english")


ENGINES = ("whoosh", "tantivy")
WATCHES = {"ab": "Andersberg", "fg": "fritidsgård", "bh": "Bomhus"}  # none in 004, each in 000

# A `bigsearch` child that stops at the moment it starts to mark hits as seen: the n-th marking
# transaction (a statement that inserts into `seen` or sets `shown`) writes "MARK n" to stderr
# and waits for a line on stdin before it runs. Marks before the n-th go through at once.
CHILD = r"""
import os, re, sqlite3, sys
stop_at = int(os.environ["STOP_AT_MARK"])
marks = 0
in_mark = False
real_connect = sqlite3.connect

def connect(*args, **kwargs):
    db = real_connect(*args, **kwargs)

    def trace(sql):
        global marks, in_mark
        if re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", sql):
            in_mark = False
            return
        if re.match(r"\s*(INSERT OR IGNORE INTO seen|UPDATE watch SET shown)", sql) and not in_mark:
            in_mark = True
            marks += 1
            if marks == stop_at:
                os.write(2, f"MARK {marks}\n".encode())
                sys.stdin.readline()

    db.set_trace_callback(trace)
    return db

sqlite3.connect = connect
sys.argv = ["bigsearch", *sys.argv[1:]]
from bigsearch.cli.entry import main
main()
"""


def _bs(index_dir: Path, *args: str):
    return CliRunner().invoke(app, [*args, "--index-dir", str(index_dir)], terminal_width=200)


def _with_watches(tmp_path: Path, engine: str) -> Path:
    """An index of one protocol with three saved searches, then a second protocol that gives each new hits."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "004_943a0a2b978b1b13.txt", corpus)
    index_dir = tmp_path / "index"
    sync(index_dir, [corpus], engine=engine)
    for name, query in WATCHES.items():
        added = _bs(index_dir, "watch", "add", query, "--name", name)
        assert added.exit_code == 0, added.output
    shutil.copy(ROOT / "corpus" / "000_abf7e5c094538042.txt", corpus)
    sync(index_dir, [corpus])
    return index_dir


def _new_ids(index_dir: Path) -> dict[str, list[str]]:
    """What `watch --json` shows as new, per saved search, read on a copy (so nothing is marked here)."""
    copy = index_dir.parent / "copy" / "index"
    if copy.parent.exists():
        shutil.rmtree(copy.parent)
    copy.parent.mkdir()
    shutil.copytree(index_dir, copy)
    shutil.copy(watch_file(index_dir), watch_file(copy))
    result = _bs(copy, "watch", "--json")
    assert result.exit_code == 0, result.output
    return {report["name"]: [hit["id"] for hit in report["new"]] for report in json.loads(result.stdout)}


def _read_available(fd: int) -> bytes:
    chunks = []
    while select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _run_until_mark(index_dir: Path, stop_at: int, *args: str) -> tuple[subprocess.Popen, str]:
    """The child, stopped at its `stop_at`-th mark; returns it and what it had written to stdout by then."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STOP_AT_MARK": str(stop_at)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, "watch", *args, "--index-dir", str(index_dir)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    line = proc.stderr.readline().decode()  # blocks until the child marks (or ends)
    assert line == f"MARK {stop_at}\n", (line, proc.stderr.read().decode())
    return proc, _read_available(proc.stdout.fileno()).decode()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("args", [("--json",), ()], ids=["json", "text"])
def test_hits_are_written_out_before_they_are_marked_and_a_kill_there_loses_none(tmp_path, engine, args):
    index_dir = _with_watches(tmp_path, engine)
    expected = _new_ids(index_dir)
    names = list(WATCHES)
    assert all(expected[name] for name in names)
    for stop_at in (1, 2):  # killed while marking the first saved search, then the second
        proc, written = _run_until_mark(index_dir, stop_at, *args)
        try:
            # Every saved search up to the one being marked is already written out in full.
            for name in names[:stop_at]:
                if args:
                    assert all(paragraph_id in written for paragraph_id in expected[name]), (stop_at, name, written)
                else:
                    assert f"{name}: {len(expected[name])} new" in written, (stop_at, name, written)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        now = _new_ids(index_dir)
        # The kill came before the stop_at-th transaction: that search and the later ones keep their hits new.
        assert {name: now[name] for name in names[stop_at - 1:]} == {name: expected[name] for name in names[stop_at - 1:]}
        assert all(now[name] == [] for name in names[: stop_at - 1])
    shown = json.loads(_bs(index_dir, "watch", "--json").stdout)
    assert {report["name"]: [hit["id"] for hit in report["new"]] for report in shown} == {
        "ab": [], "fg": expected["fg"], "bh": expected["bh"]}
    assert all(report["new"] == [] for report in json.loads(_bs(index_dir, "watch", "--json").stdout))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_report_that_cannot_be_written_leaves_the_hits_new(tmp_path, engine):
    """The reader went away (a closed pipe): nothing was shown, so nothing counts as seen."""
    index_dir = _with_watches(tmp_path, engine)
    expected = _new_ids(index_dir)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "bigsearch", "watch", "--index-dir", str(index_dir)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr
    assert _new_ids(index_dir) == expected


def _watch_db_full(monkeypatch) -> None:
    """SQLite reports a full disk: the database may not grow by a single page."""
    real = sqlite3.connect

    def connect(*args, **kwargs):
        db = real(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)


def _watch_db_read_only(monkeypatch) -> None:
    """SQLite opens the file read-only (as on a read-only mount or without write permission)."""
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        return real(f"file:{database}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


FAULTS = {"full disk": (_watch_db_full, "the disk is full: free space and run again"),
          "read-only": (_watch_db_read_only, "the file is read-only")}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_full_disk_or_read_only_watch_file_gives_a_clear_message(tmp_path, engine, fault, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "004_943a0a2b978b1b13.txt", corpus)
    index_dir = tmp_path / "index"
    sync(index_dir, [corpus], engine=engine)
    # A long name: every row saved for it needs pages of its own, which a full disk does not have.
    long_name = "Andersberg " + "x" * 5000
    assert _bs(index_dir, "watch", "add", "Andersberg", "--name", long_name).exit_code == 0
    shutil.copy(ROOT / "corpus" / "000_abf7e5c094538042.txt", corpus)
    sync(index_dir, [corpus])
    expected = _new_ids(index_dir)
    assert len(expected[long_name]) == 3
    break_it, message = FAULTS[fault]
    break_it(monkeypatch)
    added = _bs(index_dir, "watch", "add", "Sätra", "--name", "Sätra " + "y" * 5000)
    shown = _bs(index_dir, "watch", "--json")
    monkeypatch.undo()
    monkeypatch.setenv("BIGSEARCH_LANG", "en")  # undo took the language back too
    for result in (added, shown):
        assert result.exit_code == 2, result.output
        assert message in result.stderr and str(watch_file(index_dir)) in result.stderr
        assert "Traceback" not in result.output and "sqlite3" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert len(result.stderr.strip().splitlines()) == 1
    assert [w["name"] for w in json.loads(_bs(index_dir, "watch", "list", "--json").stdout)] == [long_name]
    assert _new_ids(index_dir) == expected  # a report that could not be marked stays new


def test_a_new_watch_file_on_a_full_disk(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    sync(index_dir, [ROOT / "corpus"])
    real = sqlite3.connect

    def connect(*args, **kwargs):
        db = real(*args, **kwargs)
        db.execute("PRAGMA max_page_count = 1")  # not even room for the tables
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = _bs(index_dir, "watch", "list")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "the disk is full: free space and run again" in result.stderr


@contextlib.contextmanager
def _small_disk(path: Path, size: str):
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting a tmpfs needs root")
@pytest.mark.parametrize("engine", ENGINES)
def test_saved_searches_on_a_really_full_disk(tmp_path, engine):
    with _small_disk(tmp_path / "disk", "4m") as disk:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "000_abf7e5c094538042.txt", corpus)
        index_dir = disk / "index"
        sync(index_dir, [corpus], engine=engine)
        assert _bs(index_dir, "watch", "add", "Andersberg", "--name", "ab").exit_code == 0
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:  # fill the disk
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        many = "Andersberg OR " + " OR ".join(f"ord{i}" for i in range(40))
        results = [_bs(index_dir, "watch", "add", many, "--name", f"n{i}") for i in range(30)]
        failed = [result for result in results if result.exit_code != 0]
        assert failed, "the disk never filled"
        for result in failed:
            assert result.exit_code == 2, result.output
            assert "the disk is full: free space and run again" in result.stderr
            assert "Traceback" not in result.output


def test_two_adds_of_one_name_racing_give_one_saved_search_and_a_message(tmp_path, monkeypatch):
    """The other run saves the name after this one checked it and before it saves: the database
    decides, and the loser says the name is taken."""
    from bigsearch.search.searcher import Searcher

    index_dir = tmp_path / "index"
    sync(index_dir, [ROOT / "corpus"])
    real = Searcher.search_every
    raced = []

    def search_every(self, *args, **kwargs):
        if not raced:  # between this run's check of the name and its insert
            raced.append(subprocess.run(
                [sys.executable, "-m", "bigsearch", "watch", "add", "Bomhus", "--name", "X", "--index-dir",
                 str(index_dir)], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=300))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Searcher, "search_every", search_every)
    result = _bs(index_dir, "watch", "add", "Andersberg", "--name", "X")
    monkeypatch.undo()
    monkeypatch.setenv("BIGSEARCH_LANG", "en")  # undo took the language back too
    assert raced and raced[0].returncode == 0, raced[0].stderr
    assert result.exit_code == 2, result.output
    assert "a saved search named 'X' exists" in result.stderr and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    saved = json.loads(_bs(index_dir, "watch", "list", "--json").stdout)
    assert [(w["name"], w["query"]) for w in saved] == [("X", "Bomhus")]


def test_many_adds_of_one_name_at_once(tmp_path):
    """Processes released together by a barrier: exactly one saves, every other says why not."""
    index_dir = tmp_path / "index"
    sync(index_dir, [ROOT / "corpus"])
    barrier = tmp_path / "go"
    start = (f"import os, sys, time\nwhile not os.path.exists({str(barrier)!r}): time.sleep(0.001)\n"
             "sys.argv = ['bigsearch', *sys.argv[1:]]\nfrom bigsearch.cli.entry import main\nmain()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", start, "watch", "add", f"Andersberg{i}", "--name", "X",
                               "--index-dir", str(index_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for i in range(4)]
    time.sleep(0.5)  # not a timing assumption: only lets them get to the barrier; any order is checked
    barrier.touch()
    outcomes = [(proc.wait(timeout=300), proc.stderr.read()) for proc in procs]
    assert sorted(code for code, _ in outcomes) == [0, 2, 2, 2], outcomes
    for code, err in outcomes:
        assert "Traceback" not in err
        if code:
            assert "a saved search named 'X' exists" in err

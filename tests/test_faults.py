"""Faults around an index run: killed and interrupted runs with two workers, a full disk, damaged
index files, and what failed runs leave behind."""

from __future__ import annotations

import contextlib
import errno
import fcntl
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

from bigsearch import processes
from bigsearch.cli.app import app
from bigsearch.engines import whoosh_store as store
from bigsearch.index import sync as index_sync
from bigsearch.index.sync import sync
from tests.index_helpers import (
    ROOT,
    Lines,
    alive,
    children,
    index_state,
    make_corpus,
    processes_of_run,
    sync_child,
    unreferenced_files,
)

needs_workers = pytest.mark.skipif(not processes.supported(), reason="worker processes are used on Linux only")


def lock_is_free(index_dir: Path) -> bool:
    """Both locks a run takes (bigsearch's and Whoosh's) can be taken at once."""
    handles = []
    try:
        for name in (store.LOCK_NAME, f"{store.index_name()}_WRITELOCK"):
            path = index_dir / name
            if not path.exists():
                continue
            fd = os.open(path, os.O_RDWR)
            handles.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
        return True
    finally:
        for fd in handles:
            os.close(fd)


def wait_until_gone(pids: set[int], limit: float = 60.0) -> set[int]:
    """The processes still alive after they had `limit` seconds to die (a liveness bound, not a timing).

    Survivors are then killed, so that a failing test leaves no stray workers behind.
    """
    deadline = time.monotonic() + limit
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    survivors = {pid for pid in pids if alive(pid)}
    for pid in survivors:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return survivors


# -- killed and interrupted runs ----------------------------------------------------------------


@needs_workers
def test_sigkill_of_a_two_worker_run_kills_its_workers_and_frees_the_lock(tmp_path, corpus_dir):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    pristine = tmp_path / "pristine"
    sync(pristine, [docs])
    old_state = index_state(pristine)
    make_corpus(docs, corpus_dir, 8)  # the folder grows: 35 new files
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    sync(reference, [docs])
    new_state = index_state(reference)
    assert old_state < new_state

    rng = random.Random(20261125)
    trials, landed, with_workers = 6, 0, 0
    for trial in range(trials):
        target = tmp_path / f"ix{trial}"
        shutil.copytree(pristine, target)
        proc = sync_child(target, docs, parallel_from=2)
        kill_after = rng.randint(1, 35)
        lines = Lines(proc.stdout)
        seen = 0
        while (line := lines.next()) is not None:
            if line.startswith("progress"):
                seen += 1
                if seen == kill_after:
                    break
        workers_now = children(proc.pid)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.returncode != -signal.SIGKILL or "done" in lines.rest():
            continue  # finished before the kill: not a kill mid-run
        landed += 1
        with_workers += bool(workers_now)
        lock_free = lock_is_free(target)  # at once: before the workers had any time to go
        assert not wait_until_gone(workers_now), f"trial {trial}: workers outlived their parent"
        assert not wait_until_gone(processes_of_run(str(target))), f"trial {trial}: a process of the run lives on"
        assert lock_free, f"trial {trial}: the lock outlived the killed run"
        state = index_state(target)
        assert state in (old_state, new_state), f"trial {trial}: a state that is neither old nor new"
    # A kill misses only when it comes after the last file and the commit was quicker.
    assert landed >= trials - 2, f"only {landed} of {trials} kills landed mid-run"
    assert with_workers >= 1, "no kill landed while workers were running"

    # The next run goes straight through, finishes the job and leaves no files of the killed one.
    target = tmp_path / f"ix{trials - 1}"
    report = sync(target, [docs], warn=pytest.fail)
    assert index_state(target) == new_state and report.failed == []
    assert unreferenced_files(target) == []


CLI_CHILD = """
import sys
from bigsearch.index import sync as index_sync
index_sync.PARALLEL_FROM = 2
sys.argv = ["bigsearch", *sys.argv[1:]]
from bigsearch.cli.entry import main
main()
"""


@needs_workers
def test_ctrl_c_of_a_two_worker_run_ends_quietly(tmp_path, corpus_dir):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs])
    old_state = index_state(index_dir)
    make_corpus(docs, corpus_dir, 12)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CLI_CHILD, "index", str(docs), "--index-dir", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    seen: set[int] = set()
    while proc.poll() is None and len(seen) < 2:
        seen |= children(proc.pid)
        time.sleep(0.005)  # leave the two cores to the run
    assert len(seen) == 2, f"the run ended before both workers started: {proc.communicate()}"
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group
    out, err = proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip() == "interrupted"
    assert not wait_until_gone(seen)
    assert lock_is_free(index_dir)
    assert index_state(index_dir) == old_state


def test_a_killed_first_build_is_no_index_and_search_builds_it(tmp_path, corpus_dir):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 2)
    index_dir = tmp_path / "ix"
    proc = sync_child(index_dir, docs, parallel_from=10**9)
    lines = Lines(proc.stdout)
    while (line := lines.next()) is not None and not line.startswith("progress 3/"):
        pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and "done" not in lines.rest()
    assert store.latest_generation(index_dir) == 0  # Whoosh's empty table of contents is there …
    assert not store.exists(index_dir)  # … but nothing was committed: no index
    result = CliRunner().invoke(app, ["search", "Andersberg", "--json", "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "does not exist yet" in result.stderr
    assert '"total": 3' in result.stdout
    assert unreferenced_files(index_dir) == []  # the killed build's segments are gone


# -- a full disk ----------------------------------------------------------------------------------


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _full_while_writing_segment(segment, storage):
    handle = segment.create_file(storage, segment.COMPOUND_EXT)  # a partial file, as a full disk leaves
    handle.write(b"\0" * 4096)
    handle.close()
    _disk_full()


def _full_while_writing_toc(toc, storage, indexname):
    handle = storage.create_file(f"_{indexname}_{toc.generation}.toc.{time.time()}")
    handle.write(b"\0" * 100)
    handle.close()
    _disk_full()


@pytest.mark.parametrize("procs", [1, pytest.param(2, marks=needs_workers)])
@pytest.mark.parametrize("where", ["segment", "toc"])
def test_full_disk_says_so_keeps_the_index_and_cleans_up(tmp_path, corpus_dir, monkeypatch, where, procs):
    from whoosh.codec.base import Segment
    from whoosh.index import TOC

    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs])
    old_state = index_state(index_dir)
    files_before = sorted(os.listdir(index_dir))
    make_corpus(docs, corpus_dir, 4)
    monkeypatch.setattr(index_sync, "PARALLEL_FROM", 2 if procs == 2 else 10**9)
    if where == "segment":  # in a worker when there are workers
        monkeypatch.setattr(Segment, "create_compound_file", _full_while_writing_segment)
    else:
        monkeypatch.setattr(TOC, "write", _full_while_writing_toc)
    result = CliRunner().invoke(app, ["index", str(docs), "--index-dir", str(index_dir)])
    assert result.exit_code == 2, result.output
    assert f"the disk is full at {index_dir}: free space and run again; the previous index is kept" in result.output
    assert "Traceback" not in result.output and "Errno" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    monkeypatch.undo()
    assert sorted(os.listdir(index_dir)) == files_before  # the partial files are gone
    assert index_state(index_dir) == old_state
    assert lock_is_free(index_dir)


@contextlib.contextmanager
def small_disk(path: Path, size: str):
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
@pytest.mark.parametrize("procs", [1, pytest.param(2, marks=needs_workers)])
def test_full_disk_on_a_real_small_filesystem(tmp_path, corpus_dir, procs):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    sync(tmp_path / "measure", [docs])
    # Room for building the index of 5 files (its parts and then the compound file: twice its
    # size, and a margin), not for the index of 50.
    room = store.index_size(tmp_path / "measure") * 3
    with small_disk(tmp_path / "disk", f"{room // 1024 + 256}k") as disk:
        index_dir = disk / "ix"
        sync(index_dir, [docs])
        old_state = index_state(index_dir)
        files_before = sorted(os.listdir(index_dir))
        used_before = shutil.disk_usage(disk).used
        make_corpus(docs, corpus_dir, 10)  # needs several MB of index: more than the disk has
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(
            [sys.executable, "-c", CLI_CHILD.replace("= 2", f"= {2 if procs == 2 else 10**9}"),
             "index", str(docs), "--index-dir", str(index_dir)],
            capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 2, proc.stderr
        assert "the disk is full at" in proc.stderr and "the previous index is kept" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert sorted(os.listdir(index_dir)) == files_before
        assert shutil.disk_usage(disk).used == used_before  # the space the run took is free again
        assert index_state(index_dir) == old_state


# -- damaged index files --------------------------------------------------------------------------


def _segment(index_dir: Path) -> Path:
    (segment,) = index_dir.glob("*.seg")
    return segment


def _toc(index_dir: Path) -> Path:
    return index_dir / f"_{store.index_name()}_{store.latest_generation(index_dir)}.toc"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(path.stat().st_size))


def _overwrite_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 + 123
    data[middle : middle + 16] = bytes(16)  # a small damage inside, the file's structure intact
    path.write_bytes(bytes(data))


DAMAGE = {
    "truncated segment": (_segment, _truncate),
    "garbage segment": (_segment, _garbage),
    "overwritten inside a segment": (_segment, _overwrite_middle),
    "missing segment": (_segment, Path.unlink),
    "garbage table of contents": (_toc, _garbage),
    "empty table of contents": (_toc, lambda path: path.write_bytes(b"")),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_named_and_rebuild_repairs_it(tmp_path, corpus_dir, damage):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    healthy = index_state(index_dir)
    pick, spoil = DAMAGE[damage]
    damaged = pick(index_dir)
    spoil(damaged)
    runner = CliRunner()
    for args in (["search", "Andersberg"], ["stats"], ["show", "2024-02-09-s6-p13"], ["index", str(corpus_dir)]):
        result = runner.invoke(app, [*args, "--index-dir", str(index_dir)])
        assert result.exit_code == 2, (args, result.output)
        assert f"the index file {damaged} is damaged" in result.stderr, (args, result.output)
        assert "`bigsearch index --rebuild` repairs it" in result.stderr
        assert "Traceback" not in result.output and "Aborted" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    repaired = runner.invoke(app, ["index", str(corpus_dir), "--rebuild", "--index-dir", str(index_dir)])
    assert repaired.exit_code == 0, repaired.output
    assert index_state(index_dir) == healthy
    assert unreferenced_files(index_dir) == []
    found = runner.invoke(app, ["search", "Andersberg", "--json", "--index-dir", str(index_dir)])
    assert found.exit_code == 0 and '"total": 3' in found.stdout


def test_damaged_index_through_the_fast_search_path(tmp_path, corpus_dir):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    _truncate(_segment(index_dir))
    proc = subprocess.run([sys.executable, "-m", "bigsearch", "search", "Andersberg", "--index-dir", str(index_dir)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: the index file ") and "--rebuild" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


# -- what failed runs leave behind ----------------------------------------------------------------


def test_leftovers_of_failed_runs_go_with_the_next_run(tmp_path, corpus_dir):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    name = store.index_name()
    leftovers = [f"{name}_deadbeef0000aaaa.seg", f"{name}_deadbeef0000aaaa.trm", f"_{name}_7.toc.1732000000.5",
                 f"_{name}_0.toc"]
    for leftover in leftovers:
        (index_dir / leftover).write_bytes(b"x" * 100)
    (index_dir / f"{name}.tmp").mkdir()
    (index_dir / f"{name}.tmp" / "run.doclist").write_bytes(b"x")
    (index_dir / "notes.txt").write_text("not the index's", "utf-8")  # not ours: never touched
    assert len(unreferenced_files(index_dir)) == len(leftovers) + 2
    report = sync(index_dir, [corpus_dir])  # nothing to do for the index, but the leftovers go
    assert report.unchanged == 5
    assert unreferenced_files(index_dir) == ["notes.txt"]


def test_leftover_cleanup_spares_files_newer_than_the_run(tmp_path, corpus_dir):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    fresh = index_dir / f"{store.index_name()}_0000newer0000000.seg"
    fresh.write_bytes(b"x")
    written = 2_000_000_000  # a fixed modification time: the test does not depend on the clock
    os.utime(fresh, (written, written))
    assert store.remove_leftovers(index_dir, older_than=written) == []  # written since the run started: spared
    assert fresh.exists()
    os.utime(fresh, (written - 10, written - 10))  # written before the run started: a leftover
    assert store.remove_leftovers(index_dir, older_than=written) == [fresh.name]
    fresh.write_bytes(b"x")
    assert store.remove_leftovers(index_dir) == [fresh.name]  # without a start time, every leftover goes


@pytest.mark.parametrize(("code", "message"), [
    (errno.ENOSPC, "the disk is full at {ix}: free space and run again; no index was written"),
    (errno.EIO, "cannot write the index at {ix} (Input/output error); no index was written"),
])
def test_a_failed_first_build_says_what_happened_and_leaves_no_index(tmp_path, corpus_dir, monkeypatch, code,
                                                                     message):
    from whoosh.codec.base import Segment

    def fail(segment, storage):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(Segment, "create_compound_file", fail)
    index_dir = tmp_path / "ix"
    result = CliRunner().invoke(app, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert message.format(ix=index_dir) in result.stderr
    assert not store.exists(index_dir)
    assert unreferenced_files(index_dir) == []


def test_damage_found_only_while_reading_is_reported_and_rebuild_repairs_it(tmp_path, corpus_dir, monkeypatch):
    """Damage the open-time checks miss (a segment larger than what they hash whole) can make
    Whoosh fail anywhere while the run reads the index: reported as damage, repaired by --rebuild."""
    import struct

    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir])
    healthy = index_state(index_dir)

    from whoosh.searching import Searcher

    def damaged(searcher, **kw):
        raise struct.error("unpack requires a buffer of 8 bytes")

    monkeypatch.setattr(Searcher, "documents", damaged)
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"the index at {index_dir} cannot be read" in result.stderr and "--rebuild` repairs it" in result.stderr
    repaired = runner.invoke(app, ["index", str(corpus_dir), "--rebuild", "--index-dir", str(index_dir)])
    assert repaired.exit_code == 0, repaired.output
    monkeypatch.undo()
    assert index_state(index_dir) == healthy


@needs_workers
@pytest.mark.parametrize("failure", ["error", "crash"])
def test_a_failing_worker_neither_hangs_the_run_nor_loses_documents_silently(tmp_path, corpus_dir, monkeypatch,
                                                                             failure):
    from whoosh.codec.base import Segment

    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs])
    old_state = index_state(index_dir)
    make_corpus(docs, corpus_dir, 4)
    parent = os.getpid()
    real = Segment.create_compound_file

    def fail_in_worker(segment, storage):
        if os.getpid() == parent:
            return real(segment, storage)
        if failure == "crash":
            os.kill(os.getpid(), signal.SIGKILL)  # dies without a word
        raise ValueError("a bug in a worker")

    monkeypatch.setattr(index_sync, "PARALLEL_FROM", 2)
    monkeypatch.setattr(Segment, "create_compound_file", fail_in_worker)
    result = CliRunner().invoke(app, ["index", str(docs), "--index-dir", str(index_dir)])
    assert result.exit_code == 2, result.output
    assert "writing the index failed: " in result.stderr and "the previous index is kept" in result.stderr
    assert ("ValueError: a bug in a worker" in result.stderr) == (failure == "error")
    assert "Traceback" not in result.output
    monkeypatch.undo()
    assert index_state(index_dir) == old_state
    assert unreferenced_files(index_dir) == []


@needs_workers
def test_a_two_worker_run_from_a_thread(tmp_path, corpus_dir, monkeypatch):
    """An application may index from a thread (the browser's workers are threads): only the main
    thread may touch signal handlers, and the run must not need to."""
    import threading

    docs = make_corpus(tmp_path / "docs", corpus_dir, 4)
    monkeypatch.setattr(index_sync, "PARALLEL_FROM", 2)
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(sync(tmp_path / "ix", [docs])))
    thread.start()
    thread.join()
    assert outcome and outcome[0].added == 20
    assert len({key for _, key, _ in index_state(tmp_path / "ix")}) == 20


def test_a_disk_too_full_for_the_lock_file(tmp_path, corpus_dir, monkeypatch):
    import builtins

    real_open = builtins.open

    def no_room_for_the_lock(path, *args, **kwargs):
        if str(path).endswith(store.LOCK_NAME):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_room_for_the_lock)
    index_dir = tmp_path / "ix"
    result = CliRunner().invoke(app, ["index", str(corpus_dir), "--index-dir", str(index_dir)])
    monkeypatch.undo()
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"the disk is full at {index_dir}: free space and run again" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting a tmpfs needs root")
def test_full_disk_with_the_tantivy_engine(tmp_path, corpus_dir):
    from bigsearch.search.searcher import Searcher

    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    with small_disk(tmp_path / "disk", "600k") as disk:
        index_dir = disk / "ix"
        sync(index_dir, [docs], engine="tantivy")
        with Searcher(index_dir) as searcher:
            before = searcher.search("Dagordningen", limit=100).total
        used_before = shutil.disk_usage(disk).used
        make_corpus(docs, corpus_dir, 20)  # needs more room than the disk has
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-m", "bigsearch", "index", str(docs), "--index-dir", str(index_dir)],
                              capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 2, proc.stderr
        assert "the disk is full at" in proc.stderr and "the previous index is kept" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert shutil.disk_usage(disk).used <= used_before + 64 * 1024  # what the run wrote is gone again
        with Searcher(index_dir) as searcher:
            assert searcher.search("Dagordningen", limit=100).total == before


# -- a run that is reading scans by OCR ---------------------------------------------------------------


def _ocr_ready() -> str | None:
    """Why runs that OCR cannot be tested here, or None."""
    from bench.scans import font_path
    from bigsearch.ingest.ocr.available import ocr_status

    status = ocr_status()
    if not status.available:
        return f"OCR not available here: {status.reason}"
    return None if font_path() is not None else "no DejaVu font to draw scans with — apt-get install fonts-dejavu-core"


needs_ocr = pytest.mark.skipif(_ocr_ready() is not None, reason=str(_ocr_ready()))


def ocr_helpers(pid: int) -> set[int]:
    """The OCR helper processes under a run: its children, or its ingest worker's."""
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            todo.append(child)
            try:
                if b"bigsearch.ingest.ocr.worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.add(child)
            except OSError:
                pass
    return found


def _scan_pdf(corpus_dir: Path, pages: int) -> bytes:
    from bench import scans

    text = (corpus_dir / "000_abf7e5c094538042.txt").read_text("utf-8")
    return scans.pdf_of([scans.degrade(page.image, seed=n, speckle=0.02) for n, page in
                         enumerate(scans.scan_pages(text)[:pages])])


def _wait_for_helpers(proc, limit: float = 120.0) -> set[int]:
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        helpers = ocr_helpers(proc.pid)
        if helpers:
            return helpers
        time.sleep(0.01)
    return set()


OCR_SYNC_CHILD = """
import sys
from pathlib import Path
from bigsearch.index import sync as index_sync
index_sync.PARALLEL_FROM = 2  # even a small run ingests in the worker process (engines that use one)
def progress(done, total, name):
    print(f"progress {done}/{total}", flush=True)
report = index_sync.sync(Path(sys.argv[1]), [Path(sys.argv[2])], progress=progress, engine=sys.argv[3])
print("done", report.summary(), flush=True)
"""


@needs_ocr
@needs_workers
@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])  # OCR helpers of the run itself, of its ingest worker
def test_sigkill_of_a_run_that_is_ocring_kills_its_ocr_helpers_and_keeps_the_index(tmp_path, corpus_dir, engine):
    from bigsearch.search.searcher import Searcher

    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs], engine=engine)
    with Searcher(index_dir) as searcher:
        before = searcher.search("Andersberg", limit=0).total
    (docs / "zz-scan.pdf").write_bytes(_scan_pdf(corpus_dir, 2))  # sorted last: read after the text files
    (docs / "c000_001_15d56eff24d3047a.txt").write_text("Protokoll BIG 2024-03-01\n\n§ 1 Nytt\n\nText.", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", OCR_SYNC_CHILD, str(index_dir), str(docs), engine],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    helpers = _wait_for_helpers(proc)
    assert helpers, f"no OCR helper started: {proc.communicate()}"
    if engine == "tantivy":
        assert not helpers & children(proc.pid), "the helpers should belong to the ingest worker"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not wait_until_gone(helpers), "OCR helpers outlived the killed run"
    with Searcher(index_dir) as searcher:  # the previous index, whole
        assert searcher.search("Andersberg", limit=0).total == before
        assert searcher.search("Nytt", limit=0).total == 0
    if engine == "whoosh":
        assert lock_is_free(index_dir)
    # The next run reads the scan (what the killed run OCRed is in the cache) and leaves nothing behind.
    report = sync(index_dir, [docs])
    assert report.updated == 1 and report.added == 1 and report.ocr_read + report.ocr_cached == 2
    from bigsearch.search.results import Filters

    with Searcher(index_dir) as searcher:
        assert searcher.search("välkommen", Filters(ocr=True), limit=0).total == 1
        assert searcher.search("Andersberg", Filters(ocr=False), limit=0).total == before
    if engine == "whoosh":
        assert unreferenced_files(index_dir) == []


@needs_ocr
def test_ctrl_c_of_a_run_that_is_ocring_ends_quietly(tmp_path, corpus_dir):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs])
    old_state = index_state(index_dir)
    (docs / "zz-scan.pdf").write_bytes(_scan_pdf(corpus_dir, 3))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CLI_CHILD, "index", str(docs), "--index-dir", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    helpers = _wait_for_helpers(proc)
    assert helpers, f"no OCR helper started: {proc.communicate()}"
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group (helpers have their own)
    out, err = proc.communicate()
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted", err
    assert not wait_until_gone(helpers)
    assert lock_is_free(index_dir)
    assert index_state(index_dir) == old_state

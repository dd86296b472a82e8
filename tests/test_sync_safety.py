"""The sync on both embedded engines: two runs at once (the lock is taken before the manifest is
read), no silent wipes (an empty or missing folder removes nothing; a run that would remove most
of the index asks on a terminal and refuses in a pipe unless --yes), a killed first build's
engine choice and leftovers, and first builds that fail saying no index was written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines import interface as i
from bigsearch.engines.registry import ENGINE_FILE, ENGINES, open_engine
from bigsearch.index import sync as index_sync
from bigsearch.index.sync import sync
from tests.index_helpers import ROOT, make_corpus
from tests.pty_run import run_on_terminal, terminal_env

# What these tests read is what bigsearch says in English (the Swedish twins: test_language.py).
pytestmark = pytest.mark.usefixtures("english")


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


# -- (6) wipes ----------------------------------------------------------------------------------------


def _indexed_folder(tmp_path: Path, corpus_dir: Path, engine: str, copies: int = 1) -> tuple[Path, Path]:
    docs = make_corpus(tmp_path / "docs", corpus_dir, copies)
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs], engine=engine)
    return docs, index_dir


@pytest.mark.parametrize("engine", EMBEDDED)
@pytest.mark.parametrize("how", [[], ["--prune"], ["--rebuild"]])
def test_a_folder_that_went_empty_removes_nothing_unasked(tmp_path, corpus_dir, engine, how):
    """An unmounted share looks like an empty folder: that is not "every file was deleted"."""
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine, copies=2)
    other = make_corpus(tmp_path / "other", corpus_dir, 2)  # 10 more: the empty folder is under half the index
    sync(index_dir, [other])
    before = _sources(index_dir)
    for path in docs.iterdir():
        path.unlink()
    result = _run("index", str(docs), *how, "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert f"{docs} holds no protocol files now" in result.stderr, result.stderr
    assert "nothing was changed" in result.stderr and "--yes" in result.stderr
    assert _sources(index_dir) == before
    agreed = _run("index", str(docs), *how, "--yes", "--index-dir", str(index_dir))
    assert agreed.exit_code == 0, agreed.output
    assert len(_sources(index_dir)) == (0 if how else 10)


@pytest.mark.parametrize("engine", EMBEDDED)
def test_one_emptied_folder_among_others_asks_even_for_few_files(tmp_path, corpus_dir, engine):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 4)
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(sorted(docs.iterdir())[0], small / "en.txt")
    index_dir = tmp_path / "ix"
    sync(index_dir, [docs, small], engine=engine)
    (small / "en.txt").unlink()
    result = _run("index", str(docs), str(small), "--index-dir", str(index_dir))
    assert result.exit_code == 2 and f"{small} holds no protocol files now" in result.stderr, result.output
    assert "would remove 1 of the 21 indexed protocols" in result.stderr
    assert len(_sources(index_dir)) == 21


@pytest.mark.parametrize("engine", EMBEDDED)
def test_a_missing_folder_removes_nothing(tmp_path, corpus_dir, engine):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine)
    before = _sources(index_dir)
    shutil.rmtree(docs)
    for args in (["index", str(docs)], ["index", str(docs), "--prune", "--yes"], ["index", str(docs), "--rebuild"]):
        result = _run(*args, "--index-dir", str(index_dir))
        assert result.exit_code == 2 and "no such file or directory" in result.stderr, result.output
        assert _sources(index_dir) == before


@pytest.mark.parametrize("engine", EMBEDDED)
@pytest.mark.parametrize("how", ["--prune", "--rebuild"])
def test_a_run_that_would_remove_most_of_the_index_refuses_in_a_pipe(tmp_path, corpus_dir, engine, how):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine)
    before = _sources(index_dir)
    one = sorted(docs.iterdir())[0]
    result = _run("index", str(one), how, "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "would remove 4 of the 5 indexed protocols" in result.stderr and "--yes" in result.stderr
    assert _sources(index_dir) == before
    agreed = _run("index", str(one), how, "--yes", "--index-dir", str(index_dir))
    assert agreed.exit_code == 0, agreed.output
    assert _sources(index_dir) == {one.name}


@pytest.mark.parametrize("engine", EMBEDDED)
def test_most_files_deleted_from_a_folder_ask_first(tmp_path, corpus_dir, engine):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine)
    before = _sources(index_dir)
    for path in sorted(docs.iterdir())[:3]:
        path.unlink()
    result = _run("index", str(docs), "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "would remove 3 of the 5 indexed protocols" in result.stderr, result.output
    assert _sources(index_dir) == before
    assert _run("index", str(docs), "--yes", "--index-dir", str(index_dir)).exit_code == 0
    assert len(_sources(index_dir)) == 2


@pytest.mark.parametrize("engine", EMBEDDED)
def test_a_few_files_deleted_go_without_a_question(tmp_path, corpus_dir, engine):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine)
    gone = sorted(docs.iterdir())[0]
    gone.unlink()
    result = _run("index", str(docs), "--index-dir", str(index_dir))
    assert result.exit_code == 0 and f"removed {gone}" in result.stderr, result.output
    assert gone.name not in _sources(index_dir)


@pytest.mark.parametrize("engine", EMBEDDED)
def test_more_than_n_removals_ask_even_under_half_the_index(tmp_path, corpus_dir, engine, monkeypatch):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine, copies=2)  # 10 files
    monkeypatch.setattr(index_sync, "MAX_QUIET_REMOVALS", 2)
    for path in sorted(docs.iterdir())[:3]:
        path.unlink()
    result = _run("index", str(docs), "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "would remove 3 of the 10 indexed protocols" in result.stderr, result.output
    assert len(_sources(index_dir)) == 10


@pytest.mark.parametrize("answer", ["n", "y"])
def test_on_a_terminal_a_large_removal_asks(tmp_path, corpus_dir, answer):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, "whoosh")
    one = sorted(docs.iterdir())[0]
    run = run_on_terminal(["index", str(one), "--prune", "--index-dir", str(index_dir)],
                          terminal_env(index_dir, color=False), keys=[answer.encode() + b"\r"],
                          wait_for=b"indexed protocols?")
    screen = run.screen_text
    assert "remove 4 of the 5 indexed protocols?" in screen and "Traceback" not in screen, screen
    if answer == "y":
        assert run.exit_code == 0, screen
        assert _sources(index_dir) == {one.name}
    else:
        assert run.exit_code == 2 and "nothing was changed" in screen, screen
        assert len(_sources(index_dir)) == 5


def test_the_python_api_never_removes_most_of_the_index_unasked(tmp_path, corpus_dir):
    from bigsearch.errors import RemovalRefusedError

    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, "whoosh")
    one = sorted(docs.iterdir())[0]
    with pytest.raises(RemovalRefusedError, match="would remove 4 of the 5"):
        sync(index_dir, [one], prune=True)
    assert len(_sources(index_dir)) == 5
    asked = []
    assert sync(index_dir, [one], prune=True, confirm=lambda question: asked.append(question) or True).removed == 4
    assert asked == ["remove 4 of the 5 indexed protocols?"]


# -- (7) a killed first build ------------------------------------------------------------------------

KILLED_CHILD = """
import os, signal, sys
from pathlib import Path
from bigsearch.index import sync as index_sync
real = index_sync.write_document
written = []
def write_then_die(writer, doc, change, report, warn):
    real(writer, doc, change, report, warn)
    written.append(change)
    if len(written) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # mid-build, before any commit
index_sync.write_document = write_then_die
index_sync.sync(Path(sys.argv[1]), [Path(sys.argv[2])], engine=sys.argv[3])
"""


@pytest.mark.parametrize("engine", EMBEDDED)
def test_a_rerun_after_a_killed_first_build_keeps_its_engine_and_cleans_up(tmp_path, corpus_dir, engine):
    docs = make_corpus(tmp_path / "docs", corpus_dir, 2)
    index_dir = tmp_path / "ix"
    killed = subprocess.run([sys.executable, "-c", KILLED_CHILD, str(index_dir), str(docs), engine],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rerun = _run("index", str(docs), "--index-dir", str(index_dir))  # no --engine: the folder knows
    assert rerun.exit_code == 0 and "10 added" in rerun.stderr, rerun.output
    assert f"building a new {engine} index (an earlier {engine} build did not finish" in rerun.stderr
    assert (index_dir / ENGINE_FILE).read_text("utf-8").count(engine) == 1
    assert _of_other_engines(index_dir, engine) == []
    check = _run("check", "--index-dir", str(index_dir))
    assert check.exit_code == 0, check.output
    assert _leftovers(index_dir, engine) == []


def _of_other_engines(index_dir: Path, keep: str) -> list[str]:
    """Files (lock files too) of every engine but `keep`."""
    return [name for name in os.listdir(index_dir) for entry in ENGINES.values()
            if entry.name != keep and (entry.owns(name) or entry.locks_with(name))]


@pytest.mark.parametrize(("killed", "then"), [("tantivy", "whoosh"), ("whoosh", "tantivy")])
def test_another_engine_after_a_killed_first_build_needs_no_rebuild(tmp_path, corpus_dir, killed, then):
    """Nothing was committed: the engine the user names now is simply the first one."""
    docs = make_corpus(tmp_path / "docs", corpus_dir, 1)
    index_dir = tmp_path / "ix"
    subprocess.run([sys.executable, "-c", KILLED_CHILD, str(index_dir), str(docs), killed], capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600, check=False)
    rerun = _run("index", str(docs), "--engine", then, "--index-dir", str(index_dir))
    assert rerun.exit_code == 0 and "5 added" in rerun.stderr, rerun.output
    assert f"an earlier {killed} build did not finish" in rerun.stderr
    assert _of_other_engines(index_dir, then) == []
    assert _run("check", "--index-dir", str(index_dir)).exit_code == 0


def _leftovers(index_dir: Path, engine: str) -> list[str]:
    """Index files no commit names."""
    if engine == "tantivy":
        from bigsearch.engines.tantivy_check import committed_files

        named = {path.name for path in committed_files(index_dir)} | {"meta.json", ".managed.json"}
        return sorted(n for n in os.listdir(index_dir) if ENGINES["tantivy"].owns(n) and n not in named)
    from tests.index_helpers import unreferenced_files

    return unreferenced_files(index_dir)


def test_a_build_with_another_engine_says_so_first_and_leaves_no_files_of_the_old_one(tmp_path, corpus_dir):
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir], engine="whoosh")
    for old, new in (("whoosh", "tantivy"), ("tantivy", "whoosh")):
        said = []
        sync(index_dir, [corpus_dir], engine=new, rebuild=True, notify=said.append)
        assert said and said[0].startswith(f"the index at {index_dir} is a {old} index — rebuilding it with {new}")
        assert _of_other_engines(index_dir, new) == []
        assert _run("check", "--index-dir", str(index_dir)).exit_code == 0


def test_an_engine_change_counts_what_the_old_index_held(tmp_path, corpus_dir):
    """A rebuild with another engine starts from an empty index: the sources the old one held and
    this run does not index again are removals, and asked for like any other."""
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, "whoosh")
    one = sorted(docs.iterdir())[0]
    result = _run("index", str(one), "--engine", "tantivy", "--rebuild", "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "would remove 4 of the 5 indexed protocols" in result.stderr, result.output
    assert _sources(index_dir) == {path.name for path in docs.iterdir()}  # still the whoosh index
    assert "whoosh" in (index_dir / ENGINE_FILE).read_text("utf-8")
    agreed = _run("index", str(one), "--engine", "tantivy", "--rebuild", "--yes", "--index-dir", str(index_dir))
    assert agreed.exit_code == 0 and "1 added" in agreed.stderr and "4 removed" in agreed.stderr, agreed.output
    assert _sources(index_dir) == {one.name}


def test_a_first_build_says_what_it_does(tmp_path, corpus_dir):
    index_dir = tmp_path / "ix"
    first = _run("index", str(corpus_dir), "--index-dir", str(index_dir))
    assert first.exit_code == 0 and f"no index at {index_dir} yet — building a new whoosh index" in first.stderr
    again = _run("index", str(corpus_dir), "--index-dir", str(index_dir))
    assert again.exit_code == 0 and "building" not in again.stderr, again.output


# -- (8) a failed first build ------------------------------------------------------------------------


class _FullDiskWriter:
    """A tantivy writer whose indexing thread died of a full disk (the error tantivy passes on)."""

    def add_document(self, document):
        raise ValueError("An IO error occurred: 'No space left on device (os error 28)'")

    def delete_documents_by_term(self, field, value):
        return 0

    def delete_all_documents(self):
        pass

    def rollback(self):
        pass


def _fill_the_disk(engine: str, monkeypatch) -> None:
    """The engine's next commit fails as on a full disk (tantivy's writer thread, Whoosh's segment file)."""
    if engine == "tantivy":
        from bigsearch.engines import tantivy_engine

        real = tantivy_engine.TantivyEngine.writer

        def failing(self, rebuild=False, parallel=False):
            writer = real(self, rebuild, parallel)
            writer._writer.rollback()
            writer._writer = _FullDiskWriter()
            return writer

        monkeypatch.setattr(tantivy_engine.TantivyEngine, "writer", failing)
    else:
        import errno

        from whoosh.codec.base import Segment

        def failing(segment, storage):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(Segment, "create_compound_file", failing)


@pytest.mark.parametrize("engine", EMBEDDED)
def test_a_failed_first_build_says_no_index_was_written(tmp_path, corpus_dir, engine, monkeypatch):
    _fill_the_disk(engine, monkeypatch)
    index_dir = tmp_path / "ix"
    result = _run("index", str(corpus_dir), "--engine", engine, "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "the disk is full" in result.stderr and "no index was written" in result.stderr, result.stderr
    assert "previous index" not in result.stderr
    monkeypatch.undo()
    monkeypatch.setenv("BIGSEARCH_LANG", "en")  # undo took the language back too
    later = _run("search", "Andersberg", "--json", "--index-dir", str(index_dir))  # nothing there: built now
    assert later.exit_code == 0 and "does not exist yet" in later.stderr, later.output


@pytest.mark.parametrize("engine", EMBEDDED)
def test_a_failed_update_says_the_previous_index_is_kept(tmp_path, corpus_dir, engine, monkeypatch):
    docs, index_dir = _indexed_folder(tmp_path, corpus_dir, engine)
    make_corpus(docs, corpus_dir, 2)
    _fill_the_disk(engine, monkeypatch)
    result = _run("index", str(docs), "--index-dir", str(index_dir))
    assert result.exit_code == 2 and "the previous index is kept" in result.stderr, result.output
    assert "no index was written" not in result.stderr


@pytest.mark.parametrize("engine", EMBEDDED)
def test_an_index_inside_the_indexed_folder_is_never_read_as_protocols(tmp_path, corpus_dir, engine):
    """`bigsearch index . --index-dir ./ix`: the index's own files are bigsearch's, not protocols
    to index or to report as unknown types."""
    docs = make_corpus(tmp_path / "docs", corpus_dir, 2)
    files = len(list(docs.iterdir()))
    index_dir = docs / "ix"
    first = sync(index_dir, [docs], engine=engine)
    again = sync(index_dir, [docs])
    assert first.added == files and not first.ignored and not first.failed
    assert again.unchanged == files and again.added == 0 and not again.ignored and not again.failed

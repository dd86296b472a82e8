"""Damaged indexes on both embedded engines: a folder of index files is never taken for "no index
yet", every read turns damage into one line that names the file and the fix, `bigsearch check`
reads every byte, and `index --rebuild` always repairs (moving the damaged files aside)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines.verified import VerifiedFiles
from bigsearch.index.sync import sync
from tests.index_helpers import make_corpus

# What these tests read is what bigsearch says in English (the Swedish twins: test_language.py).
pytestmark = pytest.mark.usefixtures("english")


ENGINES = ("whoosh", "tantivy")
READS = (["search", "Andersberg"], ["search", "polis*", "--principal", "polisen"], ["stats"], ["meetings"],
         ["principals"], ["timeline", "trygghet"])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, corpus_dir) -> dict[str, Path]:
    """Per engine, an index of 40 protocols: its Whoosh segment is over 1 MiB, past the size an
    earlier bigsearch hashed whole at each open (it sampled blocks of larger files)."""
    root = tmp_path_factory.mktemp("damage")
    docs = make_corpus(root / "docs", corpus_dir, 8)
    built = {}
    for engine in ENGINES:
        built[engine] = root / engine
        sync(built[engine], [docs], engine=engine)
    return built


def _copy(pristine: dict[str, Path], engine: str, tmp_path: Path) -> Path:
    target = tmp_path / "ix"
    shutil.copytree(pristine[engine], target)
    return target


def _run(index_dir: Path, *args: str):
    return CliRunner().invoke(app, [*args, "--index-dir", str(index_dir)])


def _segment_files(index_dir: Path, engine: str) -> list[Path]:
    if engine == "whoosh":
        return sorted(index_dir.glob("*.seg"))
    return sorted(p for p in index_dir.iterdir() if len(p.name.split(".", 1)[0]) == 32 and not p.name.endswith(".lock"))


def _flip(path: Path, rng: random.Random) -> int:
    """One byte XOR-ed in the middle of the file (10 %–90 % of its length); returns its offset."""
    data = bytearray(path.read_bytes())
    offset = rng.randrange(len(data) // 10, len(data) * 9 // 10)
    data[offset] ^= rng.randrange(1, 256)
    path.write_bytes(bytes(data))
    return offset


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def _damaged_once(result, named: str | None = None) -> None:
    """Exit 2 with the one line that says the index is damaged and names the fix."""
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "damaged" in lines[0], result.stderr
    assert "index --rebuild" in lines[0], result.stderr
    if named:
        assert named in lines[0], (named, result.stderr)


# -- damage to the folder's bookkeeping: never "no index yet" -----------------------------------------


def _toc_deleted(index_dir: Path) -> str:
    for toc in index_dir.glob("_*.toc"):
        toc.unlink()
    return "no table of contents"


def _engine_json_garbage(index_dir: Path) -> str:
    (index_dir / "engine.json").write_text("{garbage", "utf-8")
    return str(index_dir / "engine.json")


def _meta_json_garbage(index_dir: Path) -> str:
    (index_dir / "meta.json").write_text('{"segments": [', "utf-8")
    return str(index_dir / "meta.json")


def _meta_json_deleted(index_dir: Path) -> str:
    (index_dir / "meta.json").unlink()
    return "no meta.json"


def _managed_json_garbage(index_dir: Path) -> str:
    (index_dir / ".managed.json").write_text("[garbage", "utf-8")
    return str(index_dir / ".managed.json")


FOLDER_DAMAGE = {
    "whoosh": {"toc deleted": _toc_deleted, "engine.json garbage": _engine_json_garbage},
    "tantivy": {"engine.json garbage": _engine_json_garbage, "meta.json garbage": _meta_json_garbage,
                "meta.json deleted": _meta_json_deleted, ".managed.json garbage": _managed_json_garbage},
}


@pytest.mark.parametrize(("engine", "damage"), [(e, d) for e in ENGINES for d in FOLDER_DAMAGE[e]])
def test_a_damaged_folder_is_reported_never_rebuilt_silently_and_rebuild_repairs_it(pristine, tmp_path, corpus_dir,
                                                                                    engine, damage):
    index_dir = _copy(pristine, engine, tmp_path)
    named = FOLDER_DAMAGE[engine][damage](index_dir)
    files = sorted(p.name for p in index_dir.iterdir())
    for args in [*READS, ["index", str(corpus_dir)]]:
        result = _run(index_dir, *args)
        _damaged_once(result, named)
        assert "building it" not in result.stderr
    assert sorted(p.name for p in index_dir.iterdir()) == files  # nothing was built, nothing removed
    checked = _run(index_dir, "check")
    assert checked.exit_code == 2 and "Traceback" not in checked.output and "--rebuild" in checked.stderr

    rebuilt = _run(index_dir, "index", str(corpus_dir), "--rebuild", "--engine", engine)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "is damaged" in rebuilt.stderr and "its files are moved to" in rebuilt.stderr
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("ix.damaged-")]
    assert len(aside) == 1 and any(aside[0].iterdir())  # kept for a look, out of the way
    found = _run(index_dir, "search", "Andersberg", "--json")
    assert found.exit_code == 0 and '"total": 3' in found.stdout
    assert _run(index_dir, "check").exit_code == 0


def test_a_folder_of_other_files_is_not_taken_for_an_empty_index(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("not an index", "utf-8")
    result = _run(folder, "search", "Andersberg")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "is not a bigsearch index" in result.stderr and "letter.txt" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_missing_or_empty_folder_is_built(tmp_path, engine, monkeypatch):
    monkeypatch.setenv("BIGSEARCH_ENGINE", engine)
    empty = tmp_path / "empty"
    empty.mkdir()
    for index_dir in (tmp_path / "missing", empty):
        result = _run(index_dir, "search", "Andersberg", "--json")
        assert result.exit_code == 0 and "does not exist yet" in result.stderr and '"total": 3' in result.stdout
        assert _run(index_dir, "check").exit_code == 0


# -- damage inside the files ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_flips_in_the_middle_of_a_segment_are_noticed_by_every_read_and_by_check(pristine, tmp_path, engine):
    rng = random.Random(f"flips-{engine}")
    for trial in range(10):
        index_dir = _copy(pristine, engine, tmp_path / str(trial))
        flipped = rng.choice(_segment_files(index_dir, engine))
        _flip(flipped, rng)
        for args in READS:
            _damaged_once(_run(index_dir, *args), str(flipped))
        checked = _run(index_dir, "check")
        _damaged_once(checked, str(flipped))


@pytest.mark.parametrize("engine", ENGINES)
def test_flips_after_verification_never_give_a_traceback_and_check_finds_every_one(pristine, tmp_path, engine):
    """Damage that keeps a file's identity (failing media, after the file was verified): an open
    does not read the file again, so reads find it only where they decode damaged data — then they
    say so, in one line, naming the file; `check` reads every byte and always finds it."""
    rng = random.Random(f"rot-{engine}")
    for trial in range(20):
        index_dir = _copy(pristine, engine, tmp_path / str(trial))
        assert _run(index_dir, "check").exit_code == 0  # every file verified and recorded
        flipped = rng.choice(_segment_files(index_dir, engine))
        _flip(flipped, rng)
        record = VerifiedFiles(index_dir)
        record.add(flipped)  # as if the media changed the byte without the file system knowing
        record.save()
        for args in READS:
            result = _run(index_dir, *args)
            _no_traceback(result)
            if result.exit_code == 2:
                _damaged_once(result, str(flipped))
            else:
                assert result.exit_code in (0, 1), result.output
        _damaged_once(_run(index_dir, "check"), str(flipped))


@pytest.mark.parametrize("engine", ENGINES)
def test_check_reads_every_file_of_a_whole_index(pristine, tmp_path, engine):
    index_dir = _copy(pristine, engine, tmp_path)
    result = _run(index_dir, "check", "--json")
    assert result.exit_code == 0, result.output
    import json

    found = json.loads(result.stdout)
    size = sum(p.stat().st_size for p in _segment_files(index_dir, engine))
    assert found["whole"] and found["engine"] == engine and found["bytes_read"] >= size


def test_check_without_an_index_says_so(tmp_path):
    result = _run(tmp_path / "none", "check")
    assert result.exit_code == 2 and "no index at" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "none").exists()  # check never builds


def test_a_read_failure_of_a_whole_index_is_not_called_damage(pristine, tmp_path, monkeypatch):
    """Not every failure is damage: when every file verifies, the failure is raised as it is."""
    from bigsearch.engines import whoosh_engine

    index_dir = _copy(pristine, "whoosh", tmp_path)

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("a bug, not damage")

    monkeypatch.setattr(whoosh_engine.WhooshEngine, "count", whoosh_engine._reads_index(broken))
    from bigsearch.search.searcher import Searcher

    with Searcher(index_dir) as searcher, pytest.raises(ZeroDivisionError):
        searcher.engine.count(None)


# -- power loss ----------------------------------------------------------------------------------------


def test_a_whoosh_commit_puts_its_segments_on_disk_before_the_table_of_contents_names_them(tmp_path, corpus_dir,
                                                                                          monkeypatch):
    """Whoosh never fsyncs: without ours a power loss could keep the new table of contents and lose
    the segment it names. Order of what reaches the disk: segments, the rename, the table, the folder."""
    import os

    events: list[tuple[str, str]] = []
    real_fsync, real_rename, real_replace = os.fsync, os.rename, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def rename(source, target, *args, **kwargs):
        events.append(("rename", str(target)))
        return real_rename(source, target, *args, **kwargs)

    def replace(source, target, *args, **kwargs):
        events.append(("rename", str(target)))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "replace", replace)
    index_dir = tmp_path / "ix"
    sync(index_dir, [corpus_dir], engine="whoosh")
    monkeypatch.undo()
    monkeypatch.setenv("BIGSEARCH_LANG", "en")  # undo took the language back too
    (segment,) = index_dir.glob("*.seg")
    (toc,) = index_dir.glob("_*_1.toc")
    order = [(kind, Path(target).name) for kind, target in events if Path(target).parent == index_dir or
             Path(target) == index_dir]
    toc_named = order.index(("rename", toc.name))
    assert order.index(("fsync", segment.name)) < toc_named
    assert order.index(("fsync", toc.name)) > toc_named
    assert ("fsync", index_dir.name) in order[toc_named:]
    assert ("fsync", "engine.json.tmp") in order or ("fsync", "engine.tmp") in order  # engine.json too

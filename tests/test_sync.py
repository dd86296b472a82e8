"""What an index run adds, updates and removes: nothing outside the given paths goes silently."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.engines import records as index_records
from bigsearch.index import sync as index_sync
from bigsearch.index.sync import source_key, sync
from tests.index_helpers import index_state, make_corpus


def sources(index_dir: Path) -> set[str]:
    return {key for _, key, _ in index_state(index_dir)}


@pytest.fixture()
def folder(tmp_path, corpus_dir) -> Path:
    return make_corpus(tmp_path / "docs", corpus_dir, 1)


def index(index_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["index", *args, "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stderr


def test_indexing_one_file_keeps_the_others(tmp_path, folder):
    index_dir = tmp_path / "ix"
    index(index_dir, str(folder))
    before = index_state(index_dir)
    one = sorted(folder.iterdir())[0]
    output = index(index_dir, str(one))
    assert index_state(index_dir) == before
    assert "0 removed" in output and "1 unchanged" in output and "4 kept (not among this run's files)" in output
    assert "removed " not in output.replace("0 removed", "")

    one.write_text(one.read_text("utf-8").replace("Dagordningen godkändes", "Oro kring Hemlingby"), "utf-8")
    output = index(index_dir, str(one))
    assert "1 updated" in output and "0 removed" in output
    assert sources(index_dir) == {source_key(path) for path in folder.iterdir()}


def test_a_file_deleted_from_an_indexed_folder_leaves_and_is_listed(tmp_path, folder):
    index_dir = tmp_path / "ix"
    index(index_dir, str(folder))
    first, second, *rest = sorted(folder.iterdir())
    second.unlink()
    # Indexing another file of the folder does not look at the folder: the deleted file stays.
    output = index(index_dir, str(first))
    assert "0 removed" in output and source_key(second) in sources(index_dir)
    output = index(index_dir, str(folder))
    assert output.splitlines()[0] == f"removed {source_key(second)}"
    assert "1 removed" in output and "4 unchanged" in output
    assert sources(index_dir) == {source_key(path) for path in [first, *rest]}


def test_another_folder_is_not_touched(tmp_path, corpus_dir):
    a = make_corpus(tmp_path / "a", corpus_dir, 1)
    b = tmp_path / "b"
    b.mkdir()
    shutil.copy(sorted(a.iterdir())[0], b / "kopia.txt")  # same date: its ids must not clash with a's
    index_dir = tmp_path / "ix"
    index(index_dir, str(a))
    output = index(index_dir, str(b))
    assert "1 added" in output and "5 kept" in output
    assert len(sources(index_dir)) == 6  # index_state also checks that no paragraph id is used twice
    (b / "kopia.txt").unlink()
    output = index(index_dir, str(b))
    assert "1 removed" in output and len(sources(index_dir)) == 5


def test_prune_removes_every_source_not_under_the_paths_and_lists_each(tmp_path, folder):
    index_dir = tmp_path / "ix"
    index(index_dir, str(folder))
    keep, *others = sorted(folder.iterdir())
    output = index(index_dir, str(keep), "--prune")
    listed = [line.removeprefix("removed ") for line in output.splitlines() if line.startswith("removed ")]
    assert listed == sorted(source_key(path) for path in others)
    assert "4 removed" in output and "1 unchanged" in output
    assert sources(index_dir) == {source_key(keep)}


def test_rebuild_keeps_only_the_given_paths_and_lists_the_rest(tmp_path, folder):
    index_dir = tmp_path / "ix"
    index(index_dir, str(folder))
    keep, *others = sorted(folder.iterdir())
    output = index(index_dir, str(keep), "--rebuild")
    assert sum(line.startswith("removed ") for line in output.splitlines()) == 4
    assert "1 added" in output and "4 removed" in output
    assert sources(index_dir) == {source_key(keep)}


def test_removed_names_are_printed_on_one_safe_line(tmp_path, corpus_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    odd = folder / "möte\n\x1b[31mröd.txt"
    shutil.copy(sorted(corpus_dir.iterdir())[0], odd)
    index_dir = tmp_path / "ix"
    index(index_dir, str(folder))
    odd.unlink()
    output = index(index_dir, str(folder))
    assert "\x1b" not in output
    (line,) = [line for line in output.splitlines() if line.startswith("removed ")]
    assert line.endswith("möte\\n\\x1b[31mröd.txt")


def test_every_outcome_is_counted(tmp_path, folder):
    index_dir = tmp_path / "ix"
    index(index_dir, str(folder))
    changed, deleted, *_ = sorted(folder.iterdir())
    changed.write_text(changed.read_text("utf-8") + "\nTillägg.\n", "utf-8")
    deleted.unlink()
    (folder / "ny.txt").write_text((sorted(folder.iterdir())[-1]).read_text("utf-8") + "\nNy.\n", "utf-8")
    (folder / "tom.txt").write_text("   \n", "utf-8")
    report = sync(index_dir, [folder])
    assert (report.added, report.updated, report.removed, report.unchanged, len(report.failed)) == (1, 1, 1, 3, 1)
    assert report.summary().startswith("1 added, 1 updated, 1 removed, 3 unchanged, 1 failed;")


def test_files_are_read_one_at_a_time_as_they_are_written(tmp_path, folder, monkeypatch):
    """A run streams: a file's bytes are read when its turn comes, not all before the first is written."""
    events: list[str] = []
    real_ingest, real_records, real_read = index_sync.ingest_file, index_records.paragraph_records, Path.read_bytes
    ingesting = []

    def ingest(path, ocr=None):
        events.append(f"read {path.name}")
        ingesting.append(path)
        try:
            return real_ingest(path, ocr)
        finally:
            ingesting.pop()

    def read_bytes(path):
        assert ingesting == [path], f"{path.name} read whole outside its turn"
        return real_read(path)

    def records(doc, key):
        events.append(f"write {Path(key).name}")
        return real_records(doc, key)

    monkeypatch.setattr(index_sync, "ingest_file", ingest)
    monkeypatch.setattr(index_records, "paragraph_records", records)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    sync(tmp_path / "ix", [folder])
    names = sorted(path.name for path in folder.iterdir())
    assert events == [event for name in names for event in (f"read {name}", f"write {name}")]


def test_file_digest_is_streamed_and_exact(tmp_path):
    import hashlib

    big = tmp_path / "big.txt"
    data = b"0123456789abcdef" * (1 << 17) + b"tail"  # 2 MiB and a bit: more than one block
    big.write_bytes(data)
    assert index_records.file_digest(big) == hashlib.sha256(data).hexdigest()


def test_a_file_name_that_is_not_utf8_does_not_stop_the_run(tmp_path, corpus_dir):
    folder = make_corpus(tmp_path / "docs", corpus_dir, 1)
    latin1 = os.fsencode(folder) + b"/m\xf6te.txt"  # "möte.txt" written in Latin-1
    with open(latin1, "wb") as handle:
        handle.write(sorted(folder.iterdir())[0].read_bytes())
    index_dir = tmp_path / "ix"
    output = index(index_dir, str(folder))
    assert "0 failed" in output or "skipped" in output  # indexed, or skipped with a reason
    keys = sources(index_dir)
    assert {source_key(path) for path in folder.iterdir() if path.name.isascii()} <= keys
    odd = [key for key in keys if not Path(key).name.startswith("c0")]
    assert odd in ([], [str(folder.resolve() / "m\\xf6te.txt")])
    os.remove(latin1)
    output = index(index_dir, str(folder))
    assert ("removed " + str(folder.resolve() / "m\\xf6te.txt") in output) == bool(odd)


def test_a_file_over_the_size_cap_is_not_read_to_plan_the_run(tmp_path, folder, monkeypatch):
    from bigsearch.ingest import limits

    big = folder / "stor.txt"
    with open(big, "wb") as handle:  # sparse: takes no disk space
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    hashed: list[str] = []
    real = index_sync.file_digest
    monkeypatch.setattr(index_sync, "file_digest", lambda path: hashed.append(path.name) or real(path))
    report = sync(tmp_path / "ix", [folder])
    assert "stor.txt" not in hashed and len(hashed) == 5
    assert report.added == 5 and [Path(path).name for path, _ in report.failed] == ["stor.txt"]


def test_a_file_still_there_but_no_longer_found_is_kept_with_a_warning(tmp_path, folder, monkeypatch):
    """Only a deleted file leaves on its own: one that discovery stops taking (a rule of the
    readers changed, say) stays, with a warning that --prune removes it."""
    index_dir = tmp_path / "ix"
    sync(index_dir, [folder])
    left_out = sorted(folder.iterdir())[0]
    real = index_sync.discover
    monkeypatch.setattr(index_sync, "discover", lambda paths, **kw: [p for p in real(paths, **kw) if p != left_out])
    warnings: list[str] = []
    report = sync(index_dir, [folder], warn=warnings.append)
    assert report.removed == 0 and report.kept == 1 and source_key(left_out) in sources(index_dir)
    assert warnings == [f"kept {source_key(left_out)} in the index: it is no longer indexed from its folder — "
                        "`bigsearch index --prune` removes it"]
    report = sync(index_dir, [folder], prune=True)
    assert report.removed_sources == [source_key(left_out)]

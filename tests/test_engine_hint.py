"""A whoosh index that grows past the size the engine serves well says so once, with the exact command
that rebuilds it with the tantivy engine (the size is the engine table's; 3 protocols here)."""

from __future__ import annotations

import dataclasses
import shlex
import shutil

import pytest
from typer.testing import CliRunner

from bigsearch.engines import registry
from bigsearch.index.sync import sync


@pytest.fixture()
def small_threshold(monkeypatch):
    entry = registry.ENGINES["whoosh"]
    monkeypatch.setitem(registry.ENGINES, "whoosh", dataclasses.replace(entry, outgrown=(3, *entry.outgrown[1:])))


def folder_of(tmp_path, corpus_dir, names):
    folder = tmp_path / "protocols"
    folder.mkdir(exist_ok=True)
    for path in names:
        shutil.copy(path, folder)
    return folder


def test_the_run_that_passes_the_size_says_it_once(tmp_path, corpus_dir, small_threshold):
    files = sorted(corpus_dir.glob("*.txt"))
    index_dir = tmp_path / "ix"
    folder = folder_of(tmp_path, corpus_dir, files[:2])
    assert sync(index_dir, [folder]).hints == []
    folder_of(tmp_path, corpus_dir, files[2:4])
    (hint,) = sync(index_dir, [folder]).hints
    assert "4 protocols" in hint and "builds ~6× faster and searches ~10–20× faster" in hint
    command = hint.split(" — ", 1)[1]
    assert shlex.split(command) == ["bigsearch", "index", "--engine", "tantivy", "--rebuild", str(folder),
                                    "--index-dir", str(index_dir)]
    folder_of(tmp_path, corpus_dir, files[4:])
    assert sync(index_dir, [folder]).hints == []  # past it already: said once
    from bigsearch.cli.app import app

    result = CliRunner().invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert registry.remembered_engine(index_dir) == "tantivy"


def test_the_command_line_prints_the_hint(tmp_path, corpus_dir, small_threshold):
    from bigsearch.cli.app import app

    result = CliRunner().invoke(app, ["index", str(corpus_dir), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "note: the index now holds 5 protocols: --engine tantivy" in result.stderr


def test_the_fast_engine_never_hears_it(tmp_path, corpus_dir, small_threshold):
    assert sync(tmp_path / "ix", [corpus_dir], engine="tantivy").hints == []


def test_a_rebuild_that_keeps_other_folders_out_says_how_not_to_lose_them(tmp_path, corpus_dir, small_threshold):
    files = sorted(corpus_dir.glob("*.txt"))
    index_dir = tmp_path / "ix"
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(files[0], first)
    for path in files[1:]:
        shutil.copy(path, second)
    sync(index_dir, [first])
    (hint,) = sync(index_dir, [second]).hints
    assert "name every folder the index holds" in hint

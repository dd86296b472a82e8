"""Incremental sync through the EngineWriter interface (the opensearch engine's), and the remembered engine."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest

from bigsearch.index.sync import sync_engine as sync


class RecordingWriter:
    def __init__(self, engine, rebuild):
        self.engine, self.rebuild = engine, rebuild
        self.failed_sources = {}
        self.replaced: list[str] = []
        self.removed: list[str] = []
        self.committed = self.cancelled = False

    def replace_source(self, source, paragraphs):
        assert paragraphs and all(p["source_key"] == source["source_key"] for p in paragraphs)
        self.engine.manifest[source["source_key"]] = source
        self.replaced.append(source["source_key"])

    def remove_source(self, key):
        self.engine.manifest.pop(key, None)
        self.removed.append(key)

    def commit(self):
        self.committed = True

    def cancel(self):
        self.cancelled = True


class ManifestEngine:
    """Just enough of an engine for sync: a manifest and a recording writer."""

    def __init__(self):
        self.manifest: dict[str, dict] = {}
        self.writers: list[RecordingWriter] = []

    def sources(self):
        return list(self.manifest.values())

    def write_lock(self):
        return contextlib.nullcontext()

    def writer(self, rebuild=False, parallel=False):
        self.writers.append(RecordingWriter(self, rebuild))
        return self.writers[-1]


@pytest.fixture()
def archive(tmp_path, corpus_dir) -> Path:
    root = tmp_path / "archive"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    files = sorted(p for p in corpus_dir.iterdir() if p.suffix == ".txt")
    for k, path in enumerate(files[:4]):
        shutil.copy(path, root / ("a" if k < 2 else "b") / path.name)
    return root


def test_sync_adds_skips_updates_and_removes_like_the_embedded_engines(archive):
    engine = ManifestEngine()
    first = sync(engine, [archive])
    assert (first.added, first.updated, first.unchanged, first.removed) == (4, 0, 0, 0)
    assert first.paragraphs > 0 and engine.writers[-1].committed

    again = sync(engine, [archive])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)

    changed = next((archive / "a").iterdir())
    changed.write_text(changed.read_text(encoding="utf-8") + "\n§ 99 Övrigt\nInga övriga frågor.\n", encoding="utf-8")
    gone = next((archive / "b").iterdir())
    gone.unlink()
    third = sync(engine, [archive])
    assert (third.updated, third.removed, third.unchanged) == (1, 1, 2)
    assert engine.writers[-1].replaced == [str(changed.resolve())]
    assert engine.writers[-1].removed == [str(gone.resolve())]


def test_touching_a_file_without_changing_it_is_not_a_change(archive):
    engine = ManifestEngine()
    sync(engine, [archive])
    path = next((archive / "a").iterdir())
    os.utime(path, ns=(1, 1))
    writers = len(engine.writers)
    report = sync(engine, [archive])
    assert report.unchanged == 4
    assert len(engine.writers) == writers or not engine.writers[-1].replaced  # nothing written


def test_indexing_one_folder_never_removes_another(archive):
    engine = ManifestEngine()
    sync(engine, [archive])
    report = sync(engine, [archive / "a"])
    assert report.removed == 0 and len(engine.manifest) == 4


def test_an_unreadable_file_is_reported_and_its_old_paragraphs_go(archive):
    engine = ManifestEngine()
    sync(engine, [archive])
    broken = next((archive / "a").iterdir())
    broken.write_bytes(b"\x00\x01" * 10)
    warnings = []
    report = sync(engine, [archive], warn=warnings.append)
    assert [path for path, _ in report.failed] == [str(broken)]
    assert engine.writers[-1].removed == [str(broken.resolve())]
    assert warnings and str(broken) in warnings[0]


def test_a_failing_run_cancels_its_writer(archive, monkeypatch):
    engine = ManifestEngine()

    def explode(self, source, paragraphs):
        raise RuntimeError("cluster gone")

    monkeypatch.setattr(RecordingWriter, "replace_source", explode)
    with pytest.raises(RuntimeError):
        sync(engine, [archive])
    assert engine.writers[-1].cancelled and not engine.writers[-1].committed


def test_the_engine_is_remembered_with_its_connection_but_no_credentials(tmp_path, monkeypatch):
    from bigsearch.engines.opensearch_engine import OpenSearchEngine
    from bigsearch.engines.registry import open_engine, remember_engine

    monkeypatch.setenv("BIGSEARCH_OPENSEARCH_USER", "bigsearch")
    monkeypatch.setenv("BIGSEARCH_OPENSEARCH_PASSWORD", "s3cret")
    remember_engine(tmp_path, "opensearch", url="https://search.example.org:9200", index_name="minutes")
    stored = (tmp_path / "engine.json").read_text()
    assert json.loads(stored) == {"engine": "opensearch", "url": "https://search.example.org:9200", "index_name": "minutes"}
    engine = open_engine(tmp_path)  # no request is made by opening
    assert isinstance(engine, OpenSearchEngine) and engine.alias == "minutes"
    assert "s3cret" not in stored


def test_a_remembered_opensearch_engine_without_its_url_says_how_to_fix_it(tmp_path):
    from bigsearch.engines.registry import open_engine, remember_engine
    from bigsearch.errors import ConfigError

    remember_engine(tmp_path, "opensearch")
    with pytest.raises(ConfigError, match="--url URL --index-name"):
        open_engine(tmp_path)

"""The public Python API, as the README shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bigsearch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.usefixtures("english")
def test_open_index_builds_searches_and_reads_paragraphs(tmp_path):
    messages: list[str] = []
    with bigsearch.open_index(tmp_path / "ix", corpus=ROOT / "corpus", notify=messages.append) as ix:
        assert any("building it" in m for m in messages)
        result = ix.search("Andersberg", principal="polisen", year="2024")
        assert result.total == 1 and result.hits[0].principal == "Polisen"
        paragraph = ix.paragraph(result.hits[0].id)
        assert "Andersberg" in paragraph.text and ix.engine == "whoosh"
        before, after = ix.context(paragraph.id, 1)
        assert len(before) == 1 and len(after) == 1
        with pytest.raises(TypeError, match="unknown filter"):
            ix.search("x", colour="red")


def test_index_adds_without_removing_others(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(ROOT / "corpus" / "004_943a0a2b978b1b13.txt", first)
    shutil.copy(ROOT / "corpus" / "000_abf7e5c094538042.txt", second)
    with bigsearch.open_index(tmp_path / "ix", corpus=first) as ix:
        assert ix.stats().documents == 1
        ix.index([second])
        assert ix.stats().documents == 2
        assert ix.search("Andersberg").total == 3

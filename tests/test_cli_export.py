from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from bigsearch.cli.app import app

KEYS = ["id", "source", "doc_type", "date", "year", "section", "section_title", "principal", "unit",
        "persons", "places", "text", "section_prefix", "attendees", "body", "ocr", "ocr_confidence"]


def test_export_jsonl_has_exactly_the_keys(corpus_dir):
    result = CliRunner().invoke(app, ["export", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(rows) > 50
    assert all(list(row) == KEYS for row in rows)
    assert {row["source"]["file"][:3] for row in rows} == {"000", "001", "002", "003", "004"}
    assert all(row["source"]["page"] is None for row in rows)  # text files have no pages
    assert all(isinstance(row["source"]["line"], int) and row["source"]["line"] >= 1 for row in rows)
    spaced = next(row for row in rows if row["source"]["file"].startswith("000"))
    assert {"name": "Pernilla Dalborg", "organisation": "Social hållbarhet", "role": None,
            "principal": "Social hållbarhet", "status": "närvarande"} in spaced["attendees"]


def test_export_missing_path_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["export", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_broken_file_is_named_and_skipped(tmp_path, corpus_dir):
    (tmp_path / "good.txt").write_text((corpus_dir / "004_943a0a2b978b1b13.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "bigsearch", "export", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert any("broken.pdf" in w for w in warnings) and any("empty.txt" in w for w in warnings)
    assert "1 files read, 2 skipped" in proc.stderr
    (tmp_path / "notes.xlsx").write_bytes(b"PK\x03\x04 not really")
    again = subprocess.run(
        [sys.executable, "-m", "bigsearch", "export", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert any("notes.xlsx" in line and "unknown file type" in line for line in again.stderr.splitlines())
    assert "1 of unknown type" in again.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stdout.splitlines()) >= 10

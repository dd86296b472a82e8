"""Hostile and unlucky input: huge and sparse files, zip bombs, endless PDFs, odd names, links.

Caps are checked by construction: the tests spy on the reading functions and assert they are
never asked for more than the cap (or not called at all), never on time.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bigsearch.cli.app import app
from bigsearch.errors import ReadError
from bigsearch.ingest import limits, readers
from bigsearch.ingest.pipeline import ingest_file, ingest_paths
from bigsearch.textsafe import printable

MINUTES = "Protokoll fört vid möte 2021-05-07\n\n§ 1 Aktuellt\n\nLugnt i Brynäs under våren.\n"


@pytest.fixture()
def read_spy(monkeypatch):
    calls: list[int] = []
    original = readers._read_chunk

    def spy(fd, size):
        calls.append(size)
        return original(fd, size)

    monkeypatch.setattr(readers, "_read_chunk", spy)
    return calls


def test_sparse_multi_gigabyte_file_is_refused_before_any_read(tmp_path, read_spy):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GiB on paper, nothing on disk
    with pytest.raises(ReadError, match="larger than 50 MB"):
        ingest_file(huge)
    assert read_spy == []


def test_reads_are_bounded_by_the_cap(tmp_path, read_spy, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", len(MINUTES.encode()) + 10)
    ok = tmp_path / "ok.txt"
    ok.write_text(MINUTES, "utf-8")
    assert ingest_file(ok).paragraphs
    assert sum(read_spy) <= limits.MAX_FILE_BYTES + 1 + 1024 * 1024
    assert max(read_spy) <= limits.MAX_FILE_BYTES + 1
    big = tmp_path / "big.txt"
    big.write_text(MINUTES * 3, "utf-8")
    read_spy.clear()
    with pytest.raises(ReadError, match="larger than"):
        ingest_file(big)
    assert read_spy == []


def _docx_with_bomb(padding: int) -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(MINUTES)
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        with bomb.open("word/media/zeros.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(padding // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def test_docx_zip_bomb_is_refused_before_decompressing(monkeypatch):
    import docx

    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 2 * 1024 * 1024)
    data = _docx_with_bomb(8 * 1024 * 1024)
    assert len(data) < 100_000  # small on disk, large when inflated

    def never(*args, **kwargs):
        raise AssertionError("the document was opened despite the bomb")

    monkeypatch.setattr(docx, "Document", never)
    with pytest.raises(ReadError, match="zip bomb"):
        readers.read_bytes("bomb.docx", data, ".docx")


def test_odt_member_read_is_bounded(monkeypatch):
    from bigsearch.ingest import zipsafe

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>" + " " * 4000)
    requested: list[int] = []
    real_open = zipfile.ZipFile.open

    def spy_open(self, name, *args, **kwargs):
        handle = real_open(self, name, *args, **kwargs)
        real_read = handle.read

        def read(size=-1):
            requested.append(size)
            return real_read(size)

        handle.read = read
        return handle

    monkeypatch.setattr(zipfile.ZipFile, "open", spy_open)
    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 1000)
    with pytest.raises(ReadError):
        with zipsafe.open_zip(buffer.getvalue()):
            pass
    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 10_000)
    with zipsafe.open_zip(buffer.getvalue()) as archive:
        zipsafe.read_member(archive, "content.xml")
    assert requested and all(0 < size <= 10_001 for size in requested)


def test_pdf_pages_are_capped_with_a_warning(tmp_path, monkeypatch):
    from fpdf import FPDF

    from bigsearch.ingest import pdf_reader

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    words = ["Brynäs", "Sätra", "Bomhus", "Hille", "Valbo", "Söder", "Öster", "Väster", "Norr", "Kastet"]
    for number, word in enumerate(words, start=1):
        pdf.add_page()
        heading = "Protokoll 2021-05-07\n\n" if number == 1 else ""
        pdf.multi_cell(0, 6, f"{heading}§ {number} Om {word}\n\nLugnt i {word} under våren enligt polisen.")
    path = tmp_path / "long.pdf"
    pdf.output(str(path))
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 3)
    seen: list[object] = []
    real = pdf_reader._page_lines
    monkeypatch.setattr(pdf_reader, "_page_lines", lambda page: seen.append(page) or real(page))
    doc = ingest_file(path)
    assert len(seen) == 3
    assert any("only the first 3 of 10 pages" in w for w in doc.warnings)
    assert {p.section for p in doc.paragraphs} == {"1", "2", "3"}
    assert [p.page for p in doc.paragraphs] == [1, 2, 3]


def test_printable_escapes_everything_that_could_break_a_line():
    name = os.fsdecode(b"m\xf6te\n\x1b[31mred\tx.txt")
    shown = printable(name)
    assert shown == "m\\xf6te\\n\\x1b[31mred\\tx.txt"
    assert shown.isprintable()


def test_non_utf8_file_name_is_indexed_like_any_other(tmp_path, corpus_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    odd = Path(os.fsdecode(os.fsencode(str(folder)) + b"/m\xf6te.txt"))
    try:
        odd.write_text(MINUTES, "utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system refuses names that are not UTF-8")
    (folder / "good.txt").write_text(MINUTES.replace("Brynäs", "Sätra"), "utf-8")
    index = tmp_path / "ix"
    result = CliRunner().invoke(app, ["index", str(folder), "--index-dir", str(index)])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.stderr
    found = CliRunner().invoke(app, ["search", "Brynäs", "--json", "--index-dir", str(index)])
    assert found.exit_code == 0, found.output
    assert "m\\\\xf6te.txt" in found.stdout  # the escaped name, JSON-quoted
    exported = CliRunner().invoke(app, ["export", str(folder)])
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {row["source"]["file"] for row in rows} == {"m\\xf6te.txt", "good.txt"}


def test_newline_and_escape_in_a_name_never_reach_the_terminal_raw(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\n\x1b[2Jname.txt").write_bytes(b"")
    (folder / "good.txt").write_text(MINUTES, "utf-8")
    result = CliRunner().invoke(app, ["export", str(folder)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "evil\\n\\x1b[2Jname.txt" in warnings[0] and "empty" in warnings[0]


def test_links_out_of_the_folder_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(MINUTES.replace("Brynäs", "nologin"), "utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(MINUTES, "utf-8")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "inside.txt").symlink_to(folder / "good.txt")
    messages: list[str] = []
    docs = list(ingest_paths([folder], warn=messages.append))
    assert sorted(doc.source for doc in docs) == ["good.txt", "inside.txt"]
    assert not any("nologin" in p.text for doc in docs for p in doc.paragraphs)
    assert any("passwd.txt" in m and "outside the indexed folder — not followed" in m for m in messages)
    assert any("elsewhere" in m and "outside the indexed folder — not followed" in m for m in messages)
    result = CliRunner().invoke(app, ["index", str(folder), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "not followed" in result.stderr
    hits = CliRunner().invoke(app, ["search", "nologin", "--json", "--index-dir", str(tmp_path / "ix")])
    assert '"total": 0' in hits.stdout


def test_many_files_of_unknown_type_are_counted_and_summarised(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(MINUTES, "utf-8")
    for number in range(30):
        (folder / f"clip{number:02}.mp3").write_bytes(b"ID3\x03")  # images are scans now (OCR); sound is not
    messages: list[str] = []
    from bigsearch.ingest.pipeline import IngestReport

    report = IngestReport()
    assert len(list(ingest_paths([folder], report, warn=messages.append))) == 1
    assert len(report.unknown) == 30
    assert sum("unknown file type (.mp3)" in m for m in messages) == 20
    assert any("only the first 20 are named" in m for m in messages)
    assert "30 of unknown type" in report.summary()


def test_every_file_ends_in_one_outcome_with_a_summary(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(MINUTES, "utf-8")
    (folder / "undated.txt").write_text(MINUTES.replace(" 2021-05-07", ""), "utf-8")
    (folder / "broken.pdf").write_bytes(b"not a pdf")
    (folder / "header_only.txt").write_text("Protokoll 2021-05-07\n\nVid protokollet\nAnna Ek\n", "utf-8")
    (folder / "signature_only.txt").write_text("Vid protokollet\nAnna Ek\n", "utf-8")
    (folder / "notes.xlsx").write_bytes(b"PK\x03\x04")
    result = CliRunner().invoke(app, ["index", str(folder), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any("undated.txt: indexed with a warning: no meeting date found" in line for line in lines)
    assert any("skipped" in line and "broken.pdf" in line for line in lines)
    assert any("header_only.txt: indexed with a warning: no text apart from the header" in line for line in lines)
    assert any("skipped" in line and "signature_only.txt" in line for line in lines)  # no paragraph: never "read"
    assert any("skipped" in line and "notes.xlsx" in line and "unknown file type" in line for line in lines)
    assert "3 added" in result.stderr and "2 failed, 2 with a warning, 1 not protocols" in result.stderr
    exported = CliRunner().invoke(app, ["export", str(folder)])
    assert "3 files read, 2 skipped, 2 read with a warning, 1 of unknown type" in exported.stderr

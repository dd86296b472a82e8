"""The same meeting in every office format gives the same document (type told by content)."""

from __future__ import annotations

import io
import zipfile

import pytest

from bigsearch.errors import ReadError
from bigsearch.ingest.pipeline import ingest_file
from bigsearch.ingest.readers import read_bytes, sniff_format
from tests.fixtures.make_fixtures import OFFICE_ATTENDEES, OFFICE_DIR, OFFICE_PARAGRAPHS, write_office_files

FORMATS = {
    "office.docx": "docx", "office.doc": "doc", "office.odt": "odt", "office.rtf": "rtf", "office.html": "html",
    "rtf_named.txt": "rtf", "html_named.txt": "html",
}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return write_office_files(tmp_path_factory.mktemp("office"))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_gives_the_same_meeting(office, name):
    doc = ingest_file(office[name])
    assert doc.kind == FORMATS[name]
    assert doc.date == "2023-11-08"
    assert [(a.name, a.organisation, a.role) for a in doc.attendees] == OFFICE_ATTENDEES
    by_text = {p.text: p for p in doc.paragraphs}
    police = by_text[OFFICE_PARAGRAPHS["police"]]
    assert (police.section_prefix, police.section, police.principal) == ("KS", "31", "Polisen")
    assert police.places == ["Andersberg"]
    # An unknown heading starts its own principal, kept as written, never the previous one's.
    assert by_text[OFFICE_PARAGRAPHS["housing"]].principal == "Gavlegårdarna"
    assert by_text[OFFICE_PARAGRAPHS["closing"]].section == "32"
    everything = " ".join(p.text for p in doc.paragraphs).lower()
    for furniture in ("sidhuvud", "sidfot", "fonttbl", "do not index", "color: red", "<p>"):
        assert furniture not in everything


def test_doc_is_read_without_any_system_tool(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    raw = read_bytes("office.doc", (OFFICE_DIR / "office.doc").read_bytes(), ".doc")
    assert OFFICE_PARAGRAPHS["police"] in raw.text
    assert "Eva Holm, kommunpolis\tPolisen" in raw.text  # table cells in reading order


def test_unreadable_doc_says_what_to_install(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    data = bytearray((OFFICE_DIR / "office.doc").read_bytes())
    broken = bytes(data).replace(b"\xec\xa5", b"\x00\x00", 1)  # the FIB's Word magic number
    with pytest.raises(ReadError, match="install antiword .* or LibreOffice"):
        read_bytes("old.doc", broken, ".doc")


def test_excel_file_named_doc_is_not_a_word_document():
    import olefile  # noqa: F401 - the check needs it

    data = (OFFICE_DIR / "office.doc").read_bytes().replace("WordDocument".encode("utf-16-le"),
                                                             "WorkBookXXXXX"[:12].encode("utf-16-le"))
    with pytest.raises(ReadError, match="not a Word document|not a readable"):
        read_bytes("sheet.doc", data, ".doc")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"{\\rtf1\\ansi hello}", "rtf"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"<p>Protokoll</p><p>\xc2\xa7 1</p>", "html"),
        (b"Protokoll 2021-01-01 <kl 10>", "txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "doc"),
    ],
)
def test_type_is_told_by_content(data, kind):
    assert sniff_format(data) == kind


def test_zip_that_is_neither_docx_nor_odt_is_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
    with pytest.raises(ReadError, match="not a Word or OpenDocument"):
        read_bytes("book.zip.txt", buffer.getvalue(), ".txt")


def test_odt_headers_in_styles_are_left_out(office):
    with zipfile.ZipFile(office["office.odt"]) as archive:
        assert "sidhuvud" in archive.read("styles.xml").decode("utf-8").lower()  # the fixture has one
    doc = ingest_file(office["office.odt"])
    assert not any("sidhuvud" in p.text.lower() for p in doc.paragraphs)


def test_pdf_page_furniture_and_source_pages(tmp_path):
    import json

    from typer.testing import CliRunner

    from bigsearch.cli.app import app
    from tests.fixtures.make_fixtures import MINUTES_PDF_ITEMS, write_minutes_pdf

    path = write_minutes_pdf(tmp_path / "minutes.pdf")
    doc = ingest_file(path)
    assert (doc.date, doc.doc_type) == ("2019-11-21", "protokoll")
    assert [(a.name, a.organisation, a.role) for a in doc.attendees] == [("Anna Ek", "S", "ordförande"), ("Per Berg", "M", None)]
    assert [(p.section, p.section_title, p.text, p.page) for p in doc.paragraphs] == [
        (marker[2:], title, body, page) for page, (marker, title, body) in enumerate(MINUTES_PDF_ITEMS, start=1)
    ]
    assert doc.paragraphs[0].principal == "Polisen"  # "Information från polisen"
    result = CliRunner().invoke(app, ["export", str(path)])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["source"] for row in rows] == [{"file": "minutes.pdf", "page": n, "line": None} for n in (1, 2, 3)]
    assert rows[0]["attendees"][0] == {"name": "Anna Ek", "organisation": "S", "role": "ordförande",
                                       "principal": None, "status": "beslutande"}


PREFIXES = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1 ", b"%PDF-1.4\n", b"<html><body>"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_garbage_in_any_format_is_a_read_error_never_a_crash(prefix):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bigsearch.ingest.pipeline import ingest_bytes

    @settings(max_examples=60, deadline=None)
    @given(st.binary(max_size=600))
    def check(tail):
        try:
            ingest_bytes("x.bin", prefix + tail, ".txt")
        except ReadError:
            pass

    check()


@pytest.mark.parametrize("name", ["office.doc", "office.odt", "office.rtf"])
def test_truncated_office_files_are_read_errors(name):
    data = (OFFICE_DIR / name).read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 100):
        try:
            read_bytes(name, data[:cut], "." + name.rsplit(".", 1)[1])
        except ReadError:
            pass


def test_docx_text_inside_content_controls_is_read(tmp_path):
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    document = docx.Document()
    document.add_paragraph("Protokoll 2023-11-08")
    document.add_paragraph("§ 1 Lägesbild")
    inner = document.add_paragraph("Lugnt i Sätra enligt polisen.")._p
    sdt = etree.SubElement(document.element.body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    inner.addprevious(sdt)
    content.append(inner)
    path = tmp_path / "template.docx"
    document.save(path)
    assert [p.text for p in ingest_file(path).paragraphs] == ["Lugnt i Sätra enligt polisen."]

from __future__ import annotations

import codecs
import unicodedata

import pytest

from bigsearch.errors import ReadError
from bigsearch.ingest.readers import read_bytes

TEXT = "Protokoll fört vid ledningsgruppsmöte BIG 2019-09-20\n\n§ 1 Mötets öppnande\n\nÖppnades i Sätra och Brynäs.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        TEXT.replace("\n", "\r\n").encode("cp1252"),
        TEXT.encode("latin-1"),
        unicodedata.normalize("NFD", TEXT).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "cp1252-crlf", "latin1", "nfd"],
)
def test_encodings_give_the_same_document(data):
    from bigsearch.ingest.pipeline import parse

    doc = parse(read_bytes("x.txt", data, ".txt"))
    assert doc.date == "2019-09-20"
    assert [p.text for p in doc.text_paragraphs] == ["Öppnades i Sätra och Brynäs."]
    assert doc.text_paragraphs[0].places == ["Sätra", "Brynäs"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("nul.txt", b"abc\x00def\x00\x01\x02ghi" * 3, "NUL"),
        ("fake.pdf", b"hello", "not a PDF"),
        ("fake.docx", b"hello", "not a Word document"),
        ("long.txt", b"a" * 200_001, "line longer"),
    ],
)
def test_broken_files_raise_read_error_with_reason(name, data, reason):
    with pytest.raises(ReadError, match=reason):
        read_bytes(name, data, "." + name.rsplit(".", 1)[1])

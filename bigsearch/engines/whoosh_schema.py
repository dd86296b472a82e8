"""The whoosh engine's schema, and records (engines/records.py) as its documents.

Keyword facets come from the facet registry (bigsearch/facets.py): one value per paragraph is an
ID field (sortable, so counted from its column), several are a comma KEYWORD field with a byte
column beside it for counting. SCHEMA_VERSION (version.py) is bumped whenever the fixed fields or
the analysis change; a change of facets changes the index's name (whoosh_store.index_name).
"""

from __future__ import annotations

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from bigsearch.analysis.analyzer import folded_analyzer, main_analyzer, parts_analyzer
from bigsearch.engines import whoosh_patches
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.engines.version import SCHEMA_VERSION  # noqa: F401 - re-exported for the Whoosh store
from bigsearch.facets import FACETS

whoosh_patches.apply()  # before any Whoosh index is opened or written


def facet_column(facet) -> str:
    """The per-document column a facet is counted from."""
    return f"{facet.key}_facet" if facet.multi else facet.key


def make_schema() -> Schema:
    fields = dict(
        kind=ID(),
        id=ID(stored=True, unique=True),
        source=ID(stored=True),
        source_key=ID(stored=True),
        source_hash=STORED(),
        source_stat=STORED(),  # size and mtime: an unchanged file is recognised without reading it
        id_prefix=STORED(),
        named_body=STORED(),  # on file records: the body named with `index --body`
        date=ID(stored=True, sortable=True),
        # One term per year (no tiered range terms): ranges span a few dozen years at most.
        year=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False, shift_step=0),
        undated=ID(),  # "1" on paragraphs whose meeting date is unknown: they have no year
        section_title=TEXT(analyzer=main_analyzer(), stored=True, phrase=True),
        unit=STORED(),
        text=TEXT(analyzer=main_analyzer(), stored=True, phrase=True),
        parts=TEXT(analyzer=parts_analyzer(), phrase=True),
        folded=TEXT(analyzer=folded_analyzer(), phrase=True),
        position=COLUMN(NumericColumn("I")),  # order within the protocol: sorting only, never searched
        order=STORED(),  # the same, returned with the paragraph
        page=STORED(),  # where in the original, for citations: a PDF's page, a text file's line
        line=STORED(),
        ocr_confidence=STORED(),  # a page read by OCR: its mean word confidence
        section_prefix=STORED(),
        # The document's title with its dnr, and who attended: searchable on every paragraph.
        title=STORED(),
        doc_title=TEXT(analyzer=main_analyzer(), phrase=False),
        attendee_words=TEXT(analyzer=main_analyzer(), phrase=False),
        attendee_records=STORED(),  # on file records: name, organisation, role as JSON
        paragraphs=STORED(),
    )
    for facet in FACETS.keyword():
        if facet.multi:
            fields[facet.key] = KEYWORD(stored=True, commas=True, scorable=False)
            if facet.counted:  # counted over many hits without reading stored fields
                fields[facet_column(facet)] = COLUMN(VarBytesColumn())
        else:
            fields[facet.key] = ID(stored=True, sortable=facet.counted)
    return Schema(**fields)


def paragraph_document(record: dict) -> dict:
    """An engine record as the schema's fields."""
    names = record.get("attendees") or []
    document = {
        "kind": KIND_PARAGRAPH,
        "id": record["id"],
        "source": record["source"],
        "source_key": record["source_key"],
        "section_title": record.get("section_title") or "",
        "text": record["text"],
        "parts": record["text"],
        "folded": record["text"],
        "position": record["position"],
        "order": record["position"],
        "page": record.get("page"),
        "line": record.get("line"),
        "ocr_confidence": record.get("ocr_confidence"),
        "section_prefix": record.get("section_prefix"),
        "title": record.get("title") or "",
        "doc_title": record.get("title") or "",
        # Attendance is searchable once per meeting (on its first paragraph), not on every paragraph.
        "attendee_words": " ".join(names) if record.get("first") else "",
    }
    for name in ("date", "unit"):
        if record.get(name):
            document[name] = record[name]
    if record.get("year") is not None:
        document["year"] = record["year"]
    else:
        document["undated"] = "1"
    for facet in FACETS.keyword():
        value = record.get(facet.key)
        if facet.multi:
            values = list(value or ())
            document[facet.key] = ",".join(values)
            if facet.counted:
                document[facet_column(facet)] = "\n".join(values).encode("utf-8")
        elif value:
            document[facet.key] = str(value)
    return {key: value for key, value in document.items() if value is not None}


def source_document(source: dict) -> dict:
    """The engine source record (the manifest entry) as a Whoosh file record. It has no indexed
    date, year, doc_type or text: no paragraph query or filter can ever match it."""
    return {**{key: value for key, value in source.items() if value is not None},
            "kind": KIND_SOURCE, "id": f"file:{source['source_key']}", "title": source.get("title") or ""}

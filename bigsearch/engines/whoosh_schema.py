"""The whoosh engine's schema (SCHEMA_VERSION in version.py: bump it whenever fields or analysis change)."""

from __future__ import annotations

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from bigsearch.analysis.analyzer import folded_analyzer, main_analyzer, parts_analyzer
from bigsearch.engines import whoosh_patches
from bigsearch.engines.version import SCHEMA_VERSION  # noqa: F401 - re-exported for the Whoosh store

whoosh_patches.apply()  # before any Whoosh index is opened or written


KIND_PARAGRAPH = "p"
KIND_FILE = "f"  # one record per source file: the sync manifest, committed with the paragraphs


def make_schema() -> Schema:
    return Schema(
        kind=ID(),
        id=ID(stored=True, unique=True),
        source=ID(stored=True),
        source_key=ID(stored=True),
        source_hash=STORED(),
        source_stat=STORED(),  # size and mtime: an unchanged file is recognised without reading it
        id_prefix=STORED(),
        doc_type=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        # One term per year (no tiered range terms): ranges span a few dozen years at most.
        year=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False, shift_step=0),
        undated=ID(),  # "1" on paragraphs whose meeting date is unknown: they have no year
        section=ID(stored=True),
        section_title=TEXT(analyzer=main_analyzer(), stored=True, phrase=True),
        principal=ID(stored=True, sortable=True),
        unit=STORED(),
        persons=KEYWORD(stored=True, commas=True, scorable=False),
        places=KEYWORD(stored=True, commas=True, scorable=False),
        # Per-document facet values for counting over many hits without reading stored fields.
        persons_facet=COLUMN(VarBytesColumn()),
        places_facet=COLUMN(VarBytesColumn()),
        text=TEXT(analyzer=main_analyzer(), stored=True, phrase=True),
        parts=TEXT(analyzer=parts_analyzer(), phrase=True),
        folded=TEXT(analyzer=folded_analyzer(), phrase=True),
        position=COLUMN(NumericColumn("I")),  # order within the protocol: sorting only, never searched
        order=STORED(),  # the same, returned with the paragraph
        body=STORED(),  # the body that met, page (PDF) and line (text): for citations
        page=STORED(),
        line=STORED(),
        ocr=ID(stored=True),  # "1": read by OCR from a scan, "0": from a text (--ocr/--no-ocr filter on it)
        ocr_confidence=STORED(),
        # The document's title with its dnr, and who attended: searchable on every paragraph.
        title=STORED(),
        doc_title=TEXT(analyzer=main_analyzer(), phrase=False),
        attendees=KEYWORD(stored=True, commas=True, scorable=False),
        attendee_words=TEXT(analyzer=main_analyzer(), phrase=False),
        attendees_facet=COLUMN(VarBytesColumn()),
        attendee_records=STORED(),  # on file records: name, organisation, role as JSON
        paragraphs=STORED(),
    )

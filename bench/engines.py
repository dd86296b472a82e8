"""The engines the benchmark compares over the same paragraphs: bigsearch, SQLite FTS5, stock Whoosh.

Each engine builds from a JSONL file of ingested paragraphs (FTS5, stock Whoosh) or from the
protocol files themselves (bigsearch, which ingests as part of its build), and answers the
same query mix in-process with a warm searcher.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bigsearch.analysis.stemming import stem


@dataclass(frozen=True)
class BenchQuery:
    text: str  # bigsearch query language
    year: tuple[int, int] | None = None
    principal: str | None = None
    kind: str = "word"  # word, common, inflected, compound, phrase, prefix, folded, filtered

    @property
    def label(self) -> str:
        extra = []
        if self.year:
            extra.append(f"year {self.year[0]}..{self.year[1]}")
        if self.principal:
            extra.append(f"principal {self.principal}")
        return self.text + (f" [{', '.join(extra)}]" if extra else "")


def read_paragraphs(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


_WORD = re.compile(r"\w+")


def stemmed(text: str) -> str:
    """The same Snowball-stemmed words bigsearch's main field indexes, as plain text for FTS5."""
    return " ".join(stem(word) for word in _WORD.findall(text.lower()))


# -- SQLite FTS5 ----------------------------------------------------------------------------------


def fts5_build(jsonl: Path, db_path: Path) -> int:
    if db_path.exists():
        db_path.unlink()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(text, title, id UNINDEXED, year UNINDEXED, principal UNINDEXED,"
        " doc_type UNINDEXED, tokenize='unicode61')"
    )
    for table in MULTI_FACETS:
        db.execute(f"CREATE TABLE {table}(docid INTEGER, name TEXT)")
    count = 0
    rows: list = []
    multi: dict[str, list] = {table: [] for table in MULTI_FACETS}
    for count, paragraph in enumerate(read_paragraphs(jsonl), start=1):
        rows.append((count, stemmed(paragraph["text"]), stemmed(paragraph["section_title"] or ""), paragraph["id"],
                     paragraph["year"], paragraph["principal"], paragraph.get("doc_type")))
        for table, key in MULTI_FACETS.items():
            multi[table] += [(count, name) for name in paragraph.get(key) or []]
        if len(rows) >= 5000:
            _flush(db, rows, multi)
    _flush(db, rows, multi)
    for table in MULTI_FACETS:
        db.execute(f"CREATE INDEX {table}_doc ON {table}(docid)")
    db.commit()
    db.close()
    return count


# The multi-valued facets every engine counts (as bigsearch does: person, attendee, place).
MULTI_FACETS = {"person": "persons", "attendee": "attendees", "place": "places"}


def _flush(db, rows, multi) -> None:
    db.executemany("INSERT INTO fts(rowid, text, title, id, year, principal, doc_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   rows)
    for table, values in multi.items():
        db.executemany(f"INSERT INTO {table} VALUES (?, ?)", values)
        values.clear()
    rows.clear()


def fts5_match(query: str) -> str:
    """bigsearch's query language (words, "phrases", prefix*) as an FTS5 MATCH over stemmed text."""
    parts = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query):
        if phrase:
            parts.append('"' + stemmed(phrase) + '"')
        elif word.endswith("*"):
            parts.append(word[:-1].lower() + "*")
        else:
            parts.extend(f'"{stem(w)}"' for w in _WORD.findall(word.lower()))
    return " AND ".join(parts)


class Fts5:
    def __init__(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path)

    def _where(self, query: BenchQuery) -> tuple[str, list]:
        clauses, params = ["fts MATCH ?"], [fts5_match(query.text)]
        if query.year:
            clauses.append("year BETWEEN ? AND ?")
            params += list(query.year)
        if query.principal:
            clauses.append("principal = ?")
            params.append(query.principal)
        return " AND ".join(clauses), params

    def search(self, query: BenchQuery, limit: int = 10, facets: bool = True) -> tuple[list[str], int, dict]:
        """One MATCH into a temporary set (with the bm25 score), then top-k, total and facets from it."""
        where, params = self._where(query)
        self.db.execute("DROP TABLE IF EXISTS temp.hit")
        self.db.execute(f"CREATE TEMP TABLE hit AS SELECT rowid AS docid, id, year, principal, doc_type, "
                        f"bm25(fts) AS score FROM fts WHERE {where}", params)
        hits = [row[0] for row in self.db.execute("SELECT id FROM temp.hit ORDER BY score LIMIT ?", (limit,))]
        total = self.db.execute("SELECT count(*) FROM temp.hit").fetchone()[0]
        counts: dict = {}
        if facets:
            counts["year"] = dict(self.db.execute("SELECT year, count(*) FROM temp.hit GROUP BY year"))
            counts["principal"] = dict(self.db.execute(
                "SELECT principal, count(*) FROM temp.hit WHERE principal IS NOT NULL GROUP BY principal"))
            counts["doc_type"] = dict(self.db.execute("SELECT doc_type, count(*) FROM temp.hit GROUP BY doc_type"))
            for table in MULTI_FACETS:
                counts[table] = dict(self.db.execute(
                    f"SELECT name, count(*) FROM {table} JOIN temp.hit USING (docid) GROUP BY name"))
        return hits, total, counts

    def all_ids(self, query: BenchQuery) -> set[str]:
        where, params = self._where(query)
        return {row[0] for row in self.db.execute(f"SELECT id FROM fts WHERE {where}", params)}


# -- raw tantivy-py -----------------------------------------------------------------------------------
# The same Snowball-stemmed words, through tantivy's own whitespace tokenizer, with fast fields
# for the facets: what tantivy itself does with no bigsearch code between.


def raw_tantivy_build(jsonl: Path, index_dir: Path) -> int:
    import tantivy

    if index_dir.exists():
        import shutil

        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("title", tokenizer_name="whitespace", index_option="position")
    builder.add_integer_field("year", indexed=True, fast=True)
    for name in ("principal", "doc_type", *MULTI_FACETS):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    index = tantivy.Index(builder.build(), path=str(index_dir))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    count = 0
    for count, paragraph in enumerate(read_paragraphs(jsonl), start=1):  # noqa: B007
        doc = tantivy.Document()
        doc.add_text("id", paragraph["id"])
        doc.add_text("text", stemmed(paragraph["text"]))
        doc.add_text("title", stemmed(paragraph["section_title"] or ""))
        if paragraph["year"] is not None:
            doc.add_integer("year", paragraph["year"])
        if paragraph["principal"]:
            doc.add_text("principal", paragraph["principal"])
        if paragraph.get("doc_type"):
            doc.add_text("doc_type", paragraph["doc_type"])
        for field, key in MULTI_FACETS.items():
            for name in paragraph.get(key) or []:
                doc.add_text(field, name)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return count  # noqa: B007 - the loop's last count is the number added


class RawTantivy:
    # The same six facets bigsearch counts.
    FACET_FIELDS = {"year": "year", "principal": "principal", "doc_type": "doc_type", "person": "person",
                    "attendee": "attendee", "place": "place"}

    def __init__(self, index_dir: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(index_dir))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema

    def _query(self, query: BenchQuery):
        t = self.tantivy
        def either(make):  # text or § title, as FTS5 matches every column
            return t.Query.boolean_query([(t.Occur.Should, make(field)) for field in ("text", "title")])

        must = []
        for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query.text):
            if phrase:
                must.append(either(lambda f, p=phrase: t.Query.phrase_query(self.schema, f, stemmed(p).split())))
            elif word.endswith("*"):
                prefix = re.escape(word[:-1].lower()) + ".*"
                must.append(either(lambda f, p=prefix: t.Query.regex_query(self.schema, f, p)))
            else:
                for w in _WORD.findall(word.lower()):
                    must.append(either(lambda f, w=w: t.Query.term_query(self.schema, f, stem(w))))
        if query.year:
            must.append(t.Query.range_query(self.schema, "year", t.FieldType.Integer, query.year[0], query.year[1]))
        if query.principal:
            must.append(t.Query.term_query(self.schema, "principal", query.principal))
        return t.Query.boolean_query([(t.Occur.Must, q) for q in must])

    def search(self, query: BenchQuery, limit: int = 10, facets: bool = True) -> tuple[list[str], int, dict]:
        native = self._query(query)
        result = self.searcher.search(native, limit=limit, count=True)
        hits = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        counts: dict = {}
        if facets:
            aggs = {name: {"terms": {"field": field, "size": 1000}} for name, field in self.FACET_FIELDS.items()}
            answer = self.searcher.aggregate(native, aggs)
            counts = {name: {b["key"]: b["doc_count"] for b in answer[name]["buckets"]} for name in aggs}
        return hits, result.count, counts


# -- stock Whoosh -----------------------------------------------------------------------------------


def stock_whoosh_build(jsonl: Path, index_dir: Path) -> int:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, NUMERIC, TEXT, Schema

    index_dir.mkdir(parents=True, exist_ok=True)
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=StemmingAnalyzer()), year=NUMERIC(int, stored=True),
                    principal=ID(stored=True))
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer(limitmb=256)
    count = 0
    for paragraph in read_paragraphs(jsonl):
        count += 1
        record = {"id": paragraph["id"], "text": paragraph["text"]}
        if paragraph["year"] is not None:
            record["year"] = paragraph["year"]
        if paragraph["principal"]:
            record["principal"] = paragraph["principal"]
        writer.add_document(**record)
    writer.commit()
    return count


class StockWhoosh:
    def __init__(self, index_dir: Path) -> None:
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)

    def search(self, query: BenchQuery, limit: int = 10) -> tuple[list[str], int]:
        from whoosh import query as q

        parsed = self.parser.parse(query.text)
        filters = []
        if query.year:
            filters.append(q.NumericRange("year", *query.year))
        if query.principal:
            filters.append(q.Term("principal", query.principal))
        results = self.searcher.search(parsed, limit=limit, filter=q.And(filters) if filters else None)
        return [hit["id"] for hit in results], len(results)


# -- bigsearch ------------------------------------------------------------------------------------------


class Bigsearch:
    def __init__(self, index_dir: Path) -> None:
        from bigsearch.search.searcher import Searcher

        self.searcher = Searcher(index_dir)

    @staticmethod
    def filters(query: BenchQuery):
        from bigsearch.search.results import Filters

        return Filters(year=f"{query.year[0]}..{query.year[1]}" if query.year else None, principal=query.principal)

    def search(self, query: BenchQuery, limit: int = 10, facets: bool = True):
        result = self.searcher.search(query.text, self.filters(query), limit=limit, facets=facets)
        return [hit.id for hit in result.hits], result.total, result.facets

    def all_ids(self, query: BenchQuery) -> set[str]:
        result = self.searcher.search(query.text, self.filters(query), limit=100_000, facets=False)
        return {hit.id for hit in result.hits}


QUERY_MIX: list[BenchQuery] = [
    # rare and mid-frequency words
    BenchQuery("Andersberg"), BenchQuery("Hemlingby"), BenchQuery("Strömsbro"), BenchQuery("polisen"),
    BenchQuery("samverkan"), BenchQuery("trygghet"), BenchQuery("ungdomar"), BenchQuery("kommunen"),
    BenchQuery("narkotika"), BenchQuery("protokoll"),
    # common words
    BenchQuery("och", kind="common"), BenchQuery("att", kind="common"), BenchQuery("jag", kind="common"),
    BenchQuery("det är", kind="common"),
    # inflected forms
    BenchQuery("fritidsgården", kind="inflected"), BenchQuery("utredningen", kind="inflected"),
    BenchQuery("skolorna", kind="inflected"), BenchQuery("Andersbergs", kind="inflected"),
    # compound parts
    BenchQuery("våld", kind="compound"), BenchQuery("fritid", kind="compound"), BenchQuery("brott", kind="compound"),
    # phrases
    BenchQuery('"stolt och nykter"', kind="phrase"), BenchQuery('"rädda barnen"', kind="phrase"),
    BenchQuery('"det är"', kind="phrase"), BenchQuery('"i samverkan med"', kind="phrase"),
    # prefix and folded spellings
    BenchQuery("fritids*", kind="prefix"), BenchQuery("Satra", kind="folded"), BenchQuery("Brynas", kind="folded"),
    # with filters
    BenchQuery("polisen", year=(2010, 2015), kind="filtered"),
    BenchQuery("trygghet", principal="Polisen", kind="filtered"),
    BenchQuery("och", principal="Välfärd Gävle", kind="filtered"),
    BenchQuery("skolan", year=(2020, 2020), kind="filtered"),
    BenchQuery("Andersberg", year=(2005, 2012), principal="Livsmiljö Gävle", kind="filtered"),
]

# Queries whose hits are the same in every engine that stems the same way (no compounds, no folding).
EXACT_WORDS = ["Hemlingby", "Valbo", "Hille", "Bomhus", "Andersberg", "Skogmur", "Lexe"]

"""Baseline: SQLite FTS5 over the same analysed fields, like for like.

A contentless FTS5 table holds the six analysed fields bigsearch indexes (the same terms, from
swedish.analysed_fields) plus the principal as one token; a plain table holds each paragraph's
record (for display and highlights) and the single-valued facets; one table per multi-valued
facet. The tokenizer is unicode61 keeping å ä ö (our terms are already lowercased stems). A
prefix index serves prefix queries. Ranking is bm25 with bigsearch's field weights as column
weights (FTS5 cannot weight single terms, so inflected variants count fully).

Without facets a search never materialises its hits in a table: one statement gives the top-k
by `ORDER BY rank LIMIT` with the count as a window over the same matches (faster here than a
second counting statement for all but the rarest words). With facets the matches go once into a temporary table that the top-k, the count and
one GROUP BY per facet read.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from bench import swedish
from bench.ingest import read_records

COLUMNS = (*swedish.ANALYSED_FIELDS, "principal_key")
WEIGHTS = (*(swedish.WEIGHTS[name] for name in swedish.ANALYSED_FIELDS), swedish.PRINCIPAL_SCORE)
PREFIX_INDEX = "3 4 5 6 7 8"  # the prefixes people type; FTS5 uses one only for its exact length
MULTI = {name: swedish.FACETS[name] for name in swedish.MULTI_FACETS}  # facet -> its table; record key
SINGLE = [swedish.FACETS[name] for name in ("year", *swedish.SINGLE_FACETS)]  # para's columns
BATCH = 2000


def build(jsonl: Path, db_path: Path) -> dict:
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    columns = ", ".join(f"{key} {'INTEGER' if key == 'year' else 'TEXT'}" for key in SINGLE)
    db.execute(f"CREATE TABLE para(rowid INTEGER PRIMARY KEY, {columns}, record TEXT)")
    db.execute(f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(COLUMNS)}, content='', prefix='{PREFIX_INDEX}', "
               "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")")
    db.execute(f"INSERT INTO fts(fts, rank) VALUES('rank', 'bm25({', '.join(map(str, WEIGHTS))})')")
    for table in MULTI:
        db.execute(f"CREATE TABLE {table}(docid INTEGER, name TEXT)")
    analysis = 0.0
    paras, texts, multi = [], [], {table: [] for table in MULTI}
    count = 0
    for count, record in enumerate(read_records(jsonl), start=1):
        start = time.thread_time()
        fields = swedish.analysed_fields(record)
        analysis += time.thread_time() - start
        texts.append((count, *(fields[name] for name in swedish.ANALYSED_FIELDS),
                      swedish.principal_key(record["principal"])))
        paras.append((count, *(record.get(key) for key in SINGLE), json.dumps(record, ensure_ascii=False)))
        for table, key in MULTI.items():
            multi[table].extend((count, name) for name in dict.fromkeys(record.get(key) or ()))
        if len(paras) >= BATCH:
            _flush(db, paras, texts, multi)
    _flush(db, paras, texts, multi)
    for table in MULTI:
        db.execute(f"CREATE INDEX {table}_doc ON {table}(docid)")
    db.execute("INSERT INTO fts(fts) VALUES('optimize')")
    db.commit()
    db.close()
    return {"paragraphs": count, "analysis_cpu_s": analysis}


def _flush(db, paras, texts, multi) -> None:
    db.executemany(f"INSERT INTO para VALUES ({', '.join('?' * (len(SINGLE) + 2))})", paras)
    db.executemany(f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                   texts)
    for table, rows in multi.items():
        db.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
        rows.clear()
    paras.clear()
    texts.clear()


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(plan: swedish.Plan) -> str:
    """The plan as an FTS5 MATCH expression: AND of groups, each an OR of column-filtered terms."""
    groups = []
    for group in plan.groups:
        parts = []
        for clause in group:
            if isinstance(clause, swedish.Term):
                parts.append(f"{clause.field}:{_quoted(clause.value)}")
            elif isinstance(clause, swedish.Phrase):
                parts.append(f"{clause.field}:{_quoted(' '.join(clause.terms))}")
            elif isinstance(clause, swedish.Principal):
                parts.append(f"principal_key:{_quoted(swedish.principal_key(clause.name))}")
            else:  # FTS5's own prefix query, served by the prefix index
                parts.append(f"{{{' '.join(swedish.MAIN_FIELDS)}}}:{_quoted(clause.prefix)}*")
        groups.append("(" + " OR ".join(parts) + ")")
    return " AND ".join(groups)


class Lexicon:
    def __init__(self, db: sqlite3.Connection, principals: set[str]) -> None:
        self.db = db
        self._principals = principals

    def df(self, field: str, term: str) -> int:
        row = self.db.execute("SELECT doc FROM vocab WHERE term = ? AND col = ?", (term, field)).fetchone()
        return row[0] if row else 0

    def prefixed(self, field: str, prefix: str):
        rows = self.db.execute("SELECT term FROM vocab WHERE term >= ? AND term < ? AND col = ?",
                               (prefix, prefix + "\U0010ffff", field))
        for (term,) in rows:
            yield term

    def principals(self) -> set[str]:
        return self._principals


class Searcher:
    def __init__(self, db_path: Path) -> None:
        self.db = sqlite3.connect(db_path)
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, 'col')")
        principals = {row[0] for row in self.db.execute("SELECT DISTINCT principal FROM para WHERE principal IS NOT NULL")}
        self.lexicon = Lexicon(self.db, principals)

    def close(self) -> None:
        self.db.close()

    def search(self, text: str, year=None, principal=None, limit: int = 10, facets: bool = True) -> dict:
        plan = swedish.plan(text, self.lexicon, year, principal)
        if plan.empty:
            return {"total": 0, "hits": [], "facets": {name: {} for name in swedish.FACETS} if facets else {}}
        source, where, params = "fts", ["fts MATCH ?"], [match_expression(plan)]
        if plan.year or plan.principal:
            source = "fts CROSS JOIN para ON para.rowid = fts.rowid"  # FTS5 drives, para is looked up
            if plan.year:
                where.append("para.year BETWEEN ? AND ?")
                params += list(plan.year)
            if plan.principal:
                where.append("para.principal = ?")
                params.append(plan.principal)
        condition = " AND ".join(where)
        counts: dict = {}
        if not facets:
            rows = self.db.execute(f"SELECT fts.rowid, count(*) OVER () FROM {source} WHERE {condition} "
                                   "ORDER BY fts.rank LIMIT ?", (*params, limit)).fetchall()
            top = [row[0] for row in rows]
            total = rows[0][1] if rows else 0
        else:
            self.db.execute("DROP TABLE IF EXISTS temp.hit")
            self.db.execute(f"CREATE TEMP TABLE hit AS SELECT fts.rowid AS docid, fts.rank AS score FROM {source} "
                            f"WHERE {condition}", params)
            top = [row[0] for row in self.db.execute("SELECT docid FROM temp.hit ORDER BY score LIMIT ?", (limit,))]
            total = self.db.execute("SELECT count(*) FROM temp.hit").fetchone()[0]
            for name in ("year", *swedish.SINGLE_FACETS):
                counts[name] = dict(self.db.execute(f"SELECT para.{swedish.FACETS[name]}, count(*) FROM temp.hit "
                                                    "JOIN para ON para.rowid = hit.docid GROUP BY 1"))
                if name != "year":
                    counts[name].pop(None, None)
            for name in MULTI:
                counts[name] = dict(self.db.execute(
                    f"SELECT name, count(*) FROM temp.hit JOIN {name} USING (docid) GROUP BY name"))
        records = {}
        if top:
            marks = ", ".join("?" * len(top))
            records = dict(self.db.execute(f"SELECT rowid, record FROM para WHERE rowid IN ({marks})", top))
        hits = [swedish.highlight(json.loads(records[docid]), plan.matched) for docid in top]
        return {"total": total, "hits": hits, "facets": counts}

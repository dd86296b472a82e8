"""Baselines: Whoosh as shipped (Whoosh-Reloaded, none of bigsearch's patches), two ways.

- "swedish" (like for like): bigsearch's own Swedish analyzers on the same six analysed fields,
  the same query plan (swedish.plan) as Whoosh query objects, the same highlights, and the same
  facets counted by Whoosh's own grouping (`groupedby` with FieldFacets; the multi-valued ones
  with allow_overlap, which reads each segment's postings of the field into per-document lists
  on every search — term vectors would avoid that, but Whoosh 2.7.5 fails on a document that has
  no value in a vector field).
- "plain": what a Whoosh user writes first — text and § title through Whoosh's StemmingAnalyzer
  with its own Swedish Snowball stemmer (stopwords kept), the query through Whoosh's
  MultifieldParser, Whoosh's own highlighter, no facets. Not like for like: no compound parts,
  no folding, no inflected variants, so its hits differ.

Searches run in a process that never imports bigsearch's Whoosh patches (checked on opening).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import swedish
from bench.ingest import read_records

MULTI_FIELDS = {name: swedish.FACETS[name] for name in swedish.MULTI_FACETS}
SINGLE_FIELDS = {name: swedish.FACETS[name] for name in ("year", *swedish.SINGLE_FACETS)}
PATCHES = "bigsearch.engines.whoosh_patches"


def _unpatched() -> None:
    if PATCHES in sys.modules:
        raise RuntimeError("stock Whoosh must run without bigsearch's patches, but they are imported")


def swedish_schema():
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    from bigsearch.analysis.analyzer import folded_analyzer, main_analyzer, parts_analyzer

    keywords = {key: ID(sortable=True) for name, key in SINGLE_FIELDS.items() if name != "year"}
    keywords.update({key: KEYWORD(commas=True, scorable=False) for key in MULTI_FIELDS.values()})
    return Schema(
        id=ID(stored=True), record=STORED(), **keywords,
        text=TEXT(analyzer=main_analyzer(), phrase=True),
        section_title=TEXT(analyzer=main_analyzer(), phrase=True),
        doc_title=TEXT(analyzer=main_analyzer(), phrase=False),
        parts=TEXT(analyzer=parts_analyzer(), phrase=True),
        folded=TEXT(analyzer=folded_analyzer(), phrase=True),
        attendee_words=TEXT(analyzer=main_analyzer(), phrase=False),
        year=NUMERIC(int, bits=32, signed=False, sortable=True),
    )


def plain_schema():
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
    from whoosh.lang import stemmer_for_language

    analyzer = StemmingAnalyzer(stemfn=stemmer_for_language("sv"), stoplist=None, minsize=1)
    return Schema(id=ID(stored=True), record=STORED(), text=TEXT(analyzer=analyzer),
                  section_title=TEXT(analyzer=analyzer), principal=ID(), year=NUMERIC(int, bits=32, signed=False))


def build(jsonl: Path, index_dir: Path, variant: str) -> dict:
    _unpatched()
    import shutil

    from whoosh import index

    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    ix = index.create_in(str(index_dir), swedish_schema() if variant == "swedish" else plain_schema())
    writer = ix.writer(limitmb=256)
    count = 0
    for record in read_records(jsonl):
        count += 1
        fields = {"id": record["id"], "record": json.dumps(record, ensure_ascii=False), "text": record["text"] or "",
                  "section_title": record.get("section_title") or ""}
        if record.get("year") is not None:
            fields["year"] = int(record["year"])
        if record.get("principal"):
            fields["principal"] = record["principal"]
        if variant == "swedish":
            fields["doc_title"] = record.get("title") or ""
            fields["parts"] = fields["folded"] = fields["text"]
            fields["attendee_words"] = " ".join(record.get("attendees") or ()) if record.get("first") else ""
            for name, key in SINGLE_FIELDS.items():
                if name != "year" and record.get(key):
                    fields[key] = record[key]
            for key in MULTI_FIELDS.values():
                values = [v.replace(",", " ") for v in dict.fromkeys(record.get(key) or ())]
                if values:
                    fields[key] = ",".join(values)
        writer.add_document(**fields)
    writer.commit()
    # Whoosh analyses inside its writer: the analysis share of the build is not separable here.
    return {"paragraphs": count, "analysis_cpu_s": None}


class Lexicon:
    def __init__(self, reader) -> None:
        self.reader = reader
        self._principals = {t.decode() if isinstance(t, bytes) else t for t in reader.field_terms("principal")}

    def df(self, field: str, term: str) -> int:
        return self.reader.doc_frequency(field, term)

    def prefixed(self, field: str, prefix: str):
        for term in self.reader.expand_prefix(field, prefix):
            yield term.decode("utf-8") if isinstance(term, bytes) else term

    def principals(self) -> set[str]:
        return self._principals


class Searcher:
    def __init__(self, index_dir: Path, variant: str) -> None:
        _unpatched()
        from whoosh import index

        self.variant = variant
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.lexicon = Lexicon(self.searcher.reader())
        if variant == "plain":
            from whoosh.qparser import AndGroup, MultifieldParser

            self.parser = MultifieldParser(["text", "section_title"], self.ix.schema, group=AndGroup)

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()

    def _filter(self, year, principal):
        from whoosh import query as wq

        filters = []
        if year:
            filters.append(wq.NumericRange("year", year[0], year[1]))
        if principal:
            match = swedish.default_registry().resolve(principal)
            filters.append(wq.Term("principal", match.principal if match else principal))
        return wq.And(filters) if filters else None

    def query(self, plan: swedish.Plan):
        from whoosh import query as wq

        groups = []
        for group in plan.groups:
            clauses = []
            for clause in group:
                if isinstance(clause, swedish.Term):
                    clauses.append(wq.Term(clause.field, clause.value, boost=clause.boost))
                elif isinstance(clause, swedish.Phrase):
                    clauses.append(wq.Phrase(clause.field, list(clause.terms), boost=clause.boost))
                elif isinstance(clause, swedish.Principal):
                    clauses.append(wq.ConstantScoreQuery(wq.Term("principal", clause.name), clause.score))
                else:
                    clauses += [wq.Term(field, term, boost=swedish.WEIGHTS[field])
                                for field in swedish.MAIN_FIELDS for term in clause.terms]
            groups.append(wq.Or(clauses))
        return wq.And(groups)

    def search(self, text: str, year=None, principal=None, limit: int = 10, facets: bool = True) -> dict:
        if self.variant == "plain":
            return self._plain(text, year, principal, limit)
        from whoosh import sorting

        plan = swedish.plan(text, self.lexicon, year, principal)
        if plan.empty:
            return {"total": 0, "hits": [], "facets": {name: {} for name in swedish.FACETS} if facets else {}}
        options = {}
        if facets:
            groups = {name: sorting.FieldFacet(field) for name, field in SINGLE_FIELDS.items()}
            groups.update({name: sorting.FieldFacet(field, allow_overlap=True) for name, field in MULTI_FIELDS.items()})
            options = {"groupedby": groups, "maptype": sorting.Count}
        results = self.searcher.search(self.query(plan), limit=limit, filter=self._filter(year, principal), **options)
        hits = [swedish.highlight(json.loads(hit["record"]), plan.matched) for hit in results[:limit]]
        counts = {}
        if facets:
            for name in swedish.FACETS:
                values = {}
                for key, count in results.groups(name).items():
                    key = key.decode("utf-8") if isinstance(key, bytes) else key
                    if name == "year":
                        key = key if isinstance(key, int) and 1000 <= key <= 2999 else None
                    if key or name == "year":  # Whoosh's column default ("") is "no value"
                        values[key] = values.get(key, 0) + count
                counts[name] = values
        return {"total": len(results), "hits": hits, "facets": counts}

    def _plain(self, text: str, year, principal, limit: int) -> dict:
        results = self.searcher.search(self.parser.parse(text), limit=limit, filter=self._filter(year, principal))
        hits = []
        for hit in results[:limit]:
            record = json.loads(hit["record"])
            hits.append({"id": record["id"], "snippet": hit.highlights("text", text=record["text"] or "")})
        return {"total": len(results), "hits": hits, "facets": {}}

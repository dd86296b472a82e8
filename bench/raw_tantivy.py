"""Baseline: raw tantivy-py over the same analysed fields, like for like.

What tantivy does with no bigsearch code between: the six analysed fields hold the same terms
(from swedish.analysed_fields, split by tantivy's whitespace tokenizer), the facet fields are raw
fast fields, each paragraph's record is stored as JSON. A search is one boolean query with
bigsearch's boosts, top-k with a count, the stored records of the top-k highlighted, and the
same facets counted by one terms aggregation each (every value, as bigsearch asks today).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import tantivy
from tantivy import Occur

from bench import swedish
from bench.ingest import read_records

SINGLE = [swedish.FACETS[name] for name in swedish.SINGLE_FACETS]  # raw fast fields, one value
MULTI = [swedish.FACETS[name] for name in swedish.MULTI_FACETS]  # raw fast fields, several values
FACET_VALUES = 65_000  # every value: what bigsearch's tantivy engine asks for today


def build(jsonl: Path, index_dir: Path, threads: int = 1) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    builder = tantivy.SchemaBuilder()
    for name in swedish.ANALYSED_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in (*SINGLE, *MULTI):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_bytes_field("record", stored=True)
    index = tantivy.Index(builder.build(), path=str(index_dir))
    # One indexing thread, as bigsearch's tantivy engine uses.
    writer = index.writer(heap_size=192_000_000, num_threads=threads)
    analysis, count = 0.0, 0
    for record in read_records(jsonl):
        count += 1
        start = time.thread_time()
        fields = swedish.analysed_fields(record)
        analysis += time.thread_time() - start
        doc = tantivy.Document()
        for name, terms in fields.items():
            if terms:
                doc.add_text(name, terms)
        for name in SINGLE:
            if record.get(name):
                doc.add_text(name, record[name])
        for name in MULTI:
            for value in dict.fromkeys(record.get(name) or ()):
                doc.add_text(name, value)
        if record.get("year") is not None:
            doc.add_integer("year", int(record["year"]))
        doc.add_bytes("record", json.dumps(record, ensure_ascii=False).encode("utf-8"))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return {"paragraphs": count, "analysis_cpu_s": analysis}


class Lexicon:
    def __init__(self, searcher: tantivy.Searcher, principals: set[str]) -> None:
        self.searcher = searcher
        self._principals = principals

    def df(self, field: str, term: str) -> int:
        return self.searcher.doc_freq(field, term)

    def prefixed(self, field: str, prefix: str):
        yield from sorted(term for term, _ in self.searcher.terms_with_prefix(field, prefix))

    def principals(self) -> set[str]:
        return self._principals


class Searcher:
    def __init__(self, index_dir: Path) -> None:
        self.index = tantivy.Index.open(str(index_dir))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        answer = self.searcher.aggregate(tantivy.Query.all_query(),
                                         {"p": {"terms": {"field": "principal", "size": FACET_VALUES}}})
        self.lexicon = Lexicon(self.searcher, {b["key"] for b in answer["p"]["buckets"]})

    def close(self) -> None:
        self.searcher = None

    def _term(self, field: str, value: str, boost: float) -> tantivy.Query:
        query = tantivy.Query.term_query(self.schema, field, value)
        return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)

    def _clause(self, clause: swedish.Clause) -> list[tantivy.Query]:
        if isinstance(clause, swedish.Term):
            return [self._term(clause.field, clause.value, clause.boost)]
        if isinstance(clause, swedish.Phrase):
            phrase = tantivy.Query.phrase_query(self.schema, clause.field, list(clause.terms))
            return [phrase if clause.boost == 1.0 else tantivy.Query.boost_query(phrase, clause.boost)]
        if isinstance(clause, swedish.Principal):
            term = tantivy.Query.term_query(self.schema, "principal", clause.name)
            return [tantivy.Query.const_score_query(term, clause.score)]
        return [self._term(field, term, swedish.WEIGHTS[field]) for field in swedish.MAIN_FIELDS
                for term in clause.terms]

    def query(self, plan: swedish.Plan) -> tantivy.Query:
        musts = []
        for group in plan.groups:
            clauses = [query for clause in group for query in self._clause(clause)]
            musts.append(clauses[0] if len(clauses) == 1 else
                         tantivy.Query.boolean_query([(Occur.Should, c) for c in clauses]))
        filters = []
        if plan.year:
            filters.append(tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, *plan.year))
        if plan.principal:
            filters.append(tantivy.Query.term_query(self.schema, "principal", plan.principal))
        clauses = [(Occur.Must, q) for q in musts]
        clauses += [(Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        return tantivy.Query.boolean_query(clauses)

    def search(self, text: str, year=None, principal=None, limit: int = 10, facets: bool = True) -> dict:
        plan = swedish.plan(text, self.lexicon, year, principal)
        if plan.empty:
            return {"total": 0, "hits": [], "facets": {name: {} for name in swedish.FACETS} if facets else {}}
        query = self.query(plan)
        result = self.searcher.search(query, limit=limit, count=True)
        hits = [swedish.highlight(json.loads(bytes(self.searcher.doc(address).get_first("record"))), plan.matched)
                for _, address in result.hits]
        counts: dict = {}
        if facets and result.count:
            request = {name: {"terms": {"field": field, "size": FACET_VALUES}} for name, field in swedish.FACETS.items()}
            answer = self.searcher.aggregate(query, request)
            counts = {name: {b["key"]: b["doc_count"] for b in answer[name]["buckets"]} for name in request}
            undated = result.count - sum(counts["year"].values())
            counts["year"] = {int(k): v for k, v in counts["year"].items()}
            if undated:
                counts["year"][None] = undated
        elif facets:
            counts = {name: {} for name in swedish.FACETS}
        return {"total": result.count, "hits": hits, "facets": counts}

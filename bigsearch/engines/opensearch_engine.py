"""The opensearch engine: the Engine interface on an OpenSearch cluster, for archives past one machine.

Readers always query an alias (the --index-name); the alias points at one concrete index
`<name>-<timestamp>`. A rebuild (or the first build) writes a new concrete index and then moves
the alias in one `_aliases` request, so readers never see a half-built index; an incremental run
writes through the alias, source by source (see OpenSearchWriter).

The index holds three kinds of documents (field `kind`): paragraphs "p", the sync manifest "f"
(one per source file, as in the embedded engines) and the vocabulary "v" (one per analysed term).

Lexicon (what prefix*, fuzzy~ and did-you-mean read, in the search core): `prefixed` lists the
vocabulary documents in term order (a prefix filter on a keyword), and `df` counts the
paragraphs a term query matches; both are batched into one `_msearch` per lookahead round
(search/lookahead.py), so a search costs at most three requests. Why not the alternatives: a
terms aggregation with an `include` regex needs fielddata on a text field (heap the size of the
vocabulary on every node), `_terms_enum` exists in Elasticsearch but not in OpenSearch, and the
term suggester answers "words within N edits", not the ordered prefix listing the core's
bounded expansions need. The cost: one small document per distinct term, written once per run
and pruned when no paragraph holds the term any more.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bigsearch.engines import interface as i
from bigsearch.engines import opensearch_dsl as dsl
from bigsearch.engines.opensearch_bulk import BulkReport, Failure, send
from bigsearch.engines.opensearch_client import check_index_name, check_url, make_client, redact
from bigsearch.engines.opensearch_docs import (
    ANALYSED_FROM,
    SeenTerms,
    analysed_terms,
    source_actions,
    source_doc_id,
    vocabulary_doc_id,
)
from bigsearch.engines.opensearch_mapping import KIND_SOURCE, KIND_VOCABULARY, analysed_field, index_body
from bigsearch.errors import BigsearchError, ConfigError, IndexMissingError, QueryError

DEFAULT_INDEX_NAME = "bigsearch"
PAGE = 1000  # documents per request when reading many (search_after paging)
LISTING_PAGE = 1_000  # vocabulary terms read per listing (a prefix needs 129)
WIDE_LISTING = 20_001  # a one-letter listing, read whole: what fuzzy~ and did-you-mean scan (expand.MAX_SCAN + 1)
LOOKUP_ROUNDS = 3  # dry runs (and so _msearch requests) before a query's remaining lookups go one by one
COUNTS_PER_REQUEST = 2_000  # term counts per _msearch when pruning the vocabulary
PIT_KEEP_ALIVE = "2m"  # how long a point in time outlives each page request
BUSY_WAITS = (1.0, 2.0, 4.0, 8.0, 16.0)  # seconds between asking a busy (429) cluster again
DELETE_ATTEMPTS = 4  # a delete_by_query that leaves documents behind is run again this often
DEFAULT_LAYOUT = (1, 1)  # shards, replicas of a first index
MAX_WINDOW = 10_000  # OpenSearch's default index.max_result_window: deeper pages use search_after
FLUSH_ACTIONS = 5_000  # a writer sends its buffered actions in bulk once it holds this many
_INTERNAL = ("doc_key", "undated")


class OpenSearchError(BigsearchError):
    """The cluster refused or failed a request."""


def _record(source: dict) -> dict:
    return {key: value for key, value in source.items() if key not in _INTERNAL}


def _timestamp() -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{time.time_ns() // 1000 % 1000000:06d}"


class OpenSearchEngine:
    name = "opensearch"
    schema_version = 2  # of the mapping (opensearch_mapping.py): bump it when the mapping changes

    def __init__(self, url: str, index_name: str, client=None, clock: Callable[[], str] = _timestamp,
                 shards: int | None = None, replicas: int | None = None, word_list: list[str] | None = None):
        self.url = check_url(url)
        self.alias = check_index_name(index_name)
        self._own_client = client is None
        self.client = client if client is not None else make_client(url)
        self.clock = clock
        # None: as the index the alias points at (a rebuild keeps its layout), else DEFAULT_LAYOUT.
        self.shards, self.replicas = shards, replicas
        self.word_list = word_list

    # -- the registry's table (engines/registry.py) -----------------------------------------

    @staticmethod
    def exists(index_dir: Path) -> bool:
        return True  # taken on trust: the engine reports a missing index when asked

    @staticmethod
    def outdated(index_dir: Path) -> bool:
        return False

    @classmethod
    def open(cls, index_dir: Path, settings: dict, notify: Callable[[str], None] | None = None) -> OpenSearchEngine:
        if not settings.get("url"):
            raise ConfigError(f"no OpenSearch cluster is known for {index_dir} — run "
                              "`bigsearch index --engine opensearch --url URL --index-name NAME`")
        return cls(settings["url"], settings.get("index_name") or DEFAULT_INDEX_NAME,
                   shards=settings.get("shards"), replicas=settings.get("replicas"))

    def settings(self) -> dict:
        return {"url": self.url, "index_name": self.alias}

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, what: str, function, *args, missing_ok: bool = False, **kwargs):
        """A client call whose failure becomes a one-line error naming the cluster (never its credentials).

        A busy cluster (429) is asked again, waiting longer each time (BUSY_WAITS); with
        missing_ok, a 404 answers None (the caller handles "not there").
        """
        from opensearchpy.exceptions import NotFoundError, OpenSearchException, TransportError

        for attempt in range(len(BUSY_WAITS) + 1):
            try:
                return function(*args, **kwargs)
            except NotFoundError as exc:
                if missing_ok:
                    return None
                raise IndexMissingError(
                    f"no index {self.alias!r} at {redact(self.url)} — run `bigsearch index --engine opensearch`"
                ) from exc
            except TransportError as exc:
                status = exc.status_code if isinstance(exc.status_code, int) else "no answer"
                if status == 429 and attempt < len(BUSY_WAITS):
                    time.sleep(BUSY_WAITS[attempt])
                    continue
                raise self._failure(what, status, _reason(exc)) from exc
            except OpenSearchException as exc:
                raise OpenSearchError(f"OpenSearch at {redact(self.url)} failed to {what} ({type(exc).__name__})") from exc

    def _failure(self, what: str, status, reason: str) -> BigsearchError:
        where = f"OpenSearch at {redact(self.url)} failed to {what} ({status}: {_short(reason)})"
        if "maxClauseCount" in reason or (status == 400 and what in ("search", "count")):
            return QueryError(f"{where} — simplify the query (fewer prefix* or fuzzy~ words)")
        if status in (401, 403):
            return OpenSearchError(
                f"{where} — check BIGSEARCH_OPENSEARCH_USER/BIGSEARCH_OPENSEARCH_PASSWORD or ~/.netrc "
                "and the user's permissions on the index")
        if status == 429:
            return OpenSearchError(f"{where} — the cluster is too busy; try again later")
        return OpenSearchError(f"{where} — check that the cluster is up and reachable")

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def concrete_indices(self) -> list[str]:
        """The indices the alias points at (none when it does not exist yet)."""
        found = self._call("read the alias", self.client.indices.get_alias, name=self.alias, missing_ok=True)
        if found is None:
            if self._call("check the index", self.client.indices.exists, index=self.alias):
                raise ConfigError(
                    f"{self.alias!r} at {redact(self.url)} is an index, not an alias — bigsearch keeps its data "
                    f"behind an alias; choose another --index-name"
                )
            return []
        return sorted(found)

    def unfinished_indices(self, current: list[str]) -> list[str]:
        """Indices `<alias>-<timestamp>` that the alias does not point at: builds of runs that were killed."""
        pattern = re.compile(re.escape(self.alias) + r"-\d{20}")
        found = self._call("list the indices", self.client.indices.get, index=f"{self.alias}-*",
                           expand_wildcards="open,closed", ignore_unavailable=True, allow_no_indices=True)
        return sorted(name for name in found or {} if pattern.fullmatch(name) and name not in current)

    def _search(self, body: dict) -> dict:
        return self._call("search", self.client.search, index=self.alias, body=body)

    def _scan(self, query: dict, sort: list, size: int = PAGE) -> Iterator[dict]:
        """Every matching document's _source, in `sort` order (search_after paging, no window limit)."""
        after = None
        while True:
            body: dict = {"query": query, "size": size, "sort": sort}
            if after is not None:
                body["search_after"] = after
            hits = self._search(body)["hits"]["hits"]
            for hit in hits:
                yield hit["_source"]
            if len(hits) < size:
                return
            after = hits[-1]["sort"]

    # -- reading ----------------------------------------------------------------------------

    def search(self, query: i.Q, filter: i.Q | None = None, sort: str = "relevance", limit: int = 10,
               offset: int = 0, facets: tuple[str, ...] = (), facet_limit: int | None = None,
               facet_sample: int | None = None) -> i.EngineResult:
        """The cluster counts facets exactly (facet_sample is not needed there)."""
        if sort not in i.SORTS:
            raise QueryError(f"--sort {sort!r}: use one of {', '.join(i.SORTS)}")
        if offset + limit > MAX_WINDOW:
            return self._deep_search(query, filter, sort, limit, offset, facets, facet_limit)
        answer = self._search(dsl.search_body(query, filter, sort, limit, offset, facets, facet_limit))
        hits = [(hit["_source"], hit.get("_score")) for hit in answer["hits"]["hits"]]
        return self._result(answer, hits, sort, facets, facet_limit)

    def _result(self, answer: dict, hits: list[tuple[dict, float | None]], sort: str,
                facets: tuple[str, ...], facet_limit: int | None = None) -> i.EngineResult:
        total = answer["hits"]["total"]["value"]
        aggregations = answer.get("aggregations", {})
        counts = dsl.read_facets(aggregations, facets, facet_limit) if facets else {}
        scored = sort == "relevance"
        return i.EngineResult(
            total,
            [i.EngineHit(_record(source), round(float(score or 0.0), 4) if scored else 0.0) for source, score in hits],
            counts,
            dsl.facets_other(aggregations, facets, facet_limit),
        )

    def _deep_search(self, query: i.Q, filter: i.Q | None, sort: str, limit: int, offset: int,
                     facets: tuple[str, ...], facet_limit: int | None = None) -> i.EngineResult:
        """Past the first window: search_after pages over one point in time (PIT), so that writes
        meanwhile, and replicas refreshed at other moments, neither shift nor repeat hits."""
        pit = self._call("open a point in time", self.client.create_pit, index=self.alias, keep_alive=PIT_KEEP_ALIVE)
        pit_id = pit["pit_id"]
        try:
            body = dsl.search_body(query, filter, sort, PAGE, 0, facets, facet_limit)
            first: dict | None = None
            out: list[tuple[dict, float | None]] = []
            seen = 0
            while len(out) < limit:
                body["pit"] = {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE}
                answer = self._call("search", self.client.search, body=body)
                pit_id = answer.get("pit_id", pit_id)
                if first is None:  # total and facets from the same point in time, with the first page
                    first = answer
                    body = {key: value for key, value in body.items() if key not in ("aggs", "from")}
                    body["track_total_hits"] = False
                hits = answer["hits"]["hits"]
                for hit in hits:
                    if offset <= seen < offset + limit:
                        out.append((hit["_source"], hit.get("_score")))
                    seen += 1
                if len(hits) < PAGE:
                    break
                body["search_after"] = hits[-1]["sort"]
        finally:
            self._call("close the point in time", self.client.delete_pit, body={"pit_id": [pit_id]}, missing_ok=True)
        return self._result(first, out, sort, facets, facet_limit)

    def msearch(self, searches: list[dict]) -> list[dict]:
        """Several searches in one request; their answers in order. A search the cluster was too busy
        for (429) is sent again with the back-off of _call; any other refusal raises."""
        answers: list[dict | None] = [None] * len(searches)
        pending = list(range(len(searches)))
        for attempt in range(len(BUSY_WAITS) + 1):
            if not pending:
                break
            if attempt:
                time.sleep(BUSY_WAITS[attempt - 1])
            body: list[dict] = []
            for number in pending:
                body += [{}, searches[number]]
            got = self._call("search", self.client.msearch, index=self.alias, body=body)["responses"]
            busy = []
            for number, answer in zip(pending, got, strict=True):
                if "error" not in answer:
                    answers[number] = answer
                elif answer.get("status") == 429 and attempt < len(BUSY_WAITS):
                    busy.append(number)
                elif "max_result_window" in _error_reason(answer["error"]):
                    raise ConfigError(f"the index {self.alias!r} was made by an older bigsearch (its result window is "
                                      "too small for vocabulary listings) — run `bigsearch index --rebuild`")
                else:
                    raise self._failure("search", answer.get("status"), _error_reason(answer["error"]))
            pending = busy
        return answers

    def delete_matching(self, query: dict, what: str) -> int:
        """Deletes every document the query matches and checks that none is left.

        A delete that meets a write it conflicts with (version_conflicts), or shards that failed,
        is run again; documents that still remain make it an error — never a silent success.
        """
        left, problems = 0, ""
        for attempt in range(DELETE_ATTEMPTS):
            if attempt:
                time.sleep(BUSY_WAITS[min(attempt - 1, len(BUSY_WAITS) - 1)])
            # What this run wrote must be searchable, or the delete (a search, then deletes) misses it.
            self._call("refresh", self.client.indices.refresh, index=self.alias)
            answer = self._call(what, self.client.delete_by_query, index=self.alias, body={"query": query},
                                conflicts="proceed", refresh=True)
            conflicts, failures = answer.get("version_conflicts", 0), answer.get("failures") or []
            left = int(self._call("count", self.client.count, index=self.alias, body={"query": query})["count"])
            if not left:
                return int(answer.get("deleted", 0))
            problems = f"{conflicts} version conflicts, {len(failures)} failures" + (
                f": {_short(_error_reason(failures[0].get('cause') or failures[0]))}" if failures else "")
        raise OpenSearchError(
            f"OpenSearch at {redact(self.url)} could not {what}: {left} documents remain after {DELETE_ATTEMPTS} "
            f"attempts ({problems}) — run `bigsearch index` again when nothing else writes to {self.alias!r}"
        )

    def count(self, query: i.Q) -> int:
        answer = self._call("count", self.client.count, index=self.alias, body={"query": dsl.paragraph_query(query)})
        return int(answer["count"])

    def lexicon(self) -> OpenSearchLexicon:
        return OpenSearchLexicon(self)

    def values(self, field: str) -> list[str]:
        """Every value of a keyword field, in term order (a composite aggregation, paged)."""
        if field not in i.KEYWORD_FIELDS:
            return []
        out: list[str] = []
        after = None
        while True:
            composite: dict = {"size": PAGE, "sources": [{"value": {"terms": {"field": field}}}]}
            if after is not None:
                composite["after"] = after
            answer = self._search({"size": 0, "query": dsl.PARAGRAPHS_ONLY, "aggs": {"values": {"composite": composite}}})
            values = answer["aggregations"]["values"]
            out.extend(str(bucket["key"]["value"]) for bucket in values["buckets"])
            after = values.get("after_key")
            if not values["buckets"] or after is None:
                return out

    def paragraph(self, paragraph_id: str) -> dict | None:
        query = {"bool": {"filter": [dsl.PARAGRAPHS_ONLY, {"term": {"id": paragraph_id}}]}}
        hits = self._search({"query": query, "size": 1, "sort": [{"doc_key": "asc"}]})["hits"]["hits"]
        return _record(hits[0]["_source"]) if hits else None

    def source_paragraphs(self, source_key: str) -> list[dict]:
        query = {"bool": {"filter": [dsl.PARAGRAPHS_ONLY, {"term": {"source_key": source_key}}]}}
        return [_record(s) for s in self._scan(query, [{"position": "asc"}, {"doc_key": "asc"}])]

    def sources(self) -> list[dict]:
        query = {"term": {"kind": KIND_SOURCE}}
        return [{k: v for k, v in s.items() if k not in ("kind", "doc_key")} for s in self._scan(query, [{"doc_key": "asc"}])]

    def indexed_paragraphs(self, source_key: str) -> list[dict]:
        """A source's paragraphs as indexed: their ids and what their terms were analysed from."""
        query = {"bool": {"filter": [dsl.PARAGRAPHS_ONLY, {"term": {"source_key": source_key}}]}}
        return list(self._scan_fields(query, ["doc_key", *ANALYSED_FROM]))

    def term_counts(self, terms: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """(field, term) -> the paragraphs holding it, a few thousand per `_msearch`."""
        lexicon = OpenSearchLexicon(self)
        batch: list[tuple[str, str]] = []
        for key in terms:
            batch.append(key)
            if len(batch) == COUNTS_PER_REQUEST:
                lexicon.fetch(batch, [])
                batch = []
        lexicon.fetch(batch, [])
        return lexicon.counts

    def _scan_fields(self, query: dict, fields: list[str]) -> Iterator[dict]:
        after = None
        while True:
            body: dict = {"query": query, "size": PAGE, "sort": [{"doc_key": "asc"}], "_source": fields}
            if after is not None:
                body["search_after"] = after
            hits = self._search(body)["hits"]["hits"]
            for hit in hits:
                yield hit["_source"]
            if len(hits) < PAGE:
                return
            after = hits[-1]["sort"]

    def size_bytes(self) -> int:
        stats = self._call("read index stats", self.client.indices.stats, index=self.alias, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    # -- writing ----------------------------------------------------------------------------

    def write_lock(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()  # no lock on a cluster: one `bigsearch index` per index at a time

    def writer(self, rebuild: bool = False, parallel: bool = False) -> OpenSearchWriter:
        return OpenSearchWriter(self, rebuild)

    def layout(self, previous: list[str]) -> tuple[int, int]:
        """(shards, replicas) for a new index: as given, else as the current index's, else the default."""
        shards, replicas = self.shards, self.replicas
        if previous and (shards is None or replicas is None):
            answer = self._call("read the index settings", self.client.indices.get_settings, index=previous[0])
            current = answer[previous[0]]["settings"]["index"]
            shards = int(current["number_of_shards"]) if shards is None else shards
            replicas = int(current["number_of_replicas"]) if replicas is None else replicas
        default_shards, default_replicas = DEFAULT_LAYOUT
        return (default_shards if shards is None else shards), (default_replicas if replicas is None else replicas)

    def create_index(self, name: str, shards: int, replicas: int) -> None:
        body = index_body(shards, replicas, self.word_list)
        body["settings"]["index"]["refresh_interval"] = "-1"  # restored before the alias moves to it
        self._call("create the index", self.client.indices.create, index=name, body=body)


def _reason(exc) -> str:
    """The cluster's own reason (error.root_cause/reason) when it gave one, else the error text."""
    info = exc.info if isinstance(getattr(exc, "info", None), dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        return _error_reason(error) or str(exc.error)
    return str(exc.error)


def _error_reason(error) -> str:
    if not isinstance(error, dict):
        return str(error)
    causes = error.get("root_cause") or []
    cause = causes[0] if causes and isinstance(causes[0], dict) else error
    return str(cause.get("reason") or cause.get("type") or "")


def _short(error) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:200] + "…"


class OpenSearchLexicon:
    """The vocabulary of the analysed fields: listings from the vocabulary documents, df by counting.

    Every answer is kept for the lexicon's life (one search). Asked directly, each missing answer
    costs a request; in `rounds()` (search/lookahead.py) the core's dry runs note what they lack
    and each round fetches all of it in one `_msearch` — a query's lookups take two round trips
    (words and listings, then the counts of a prefix's or fuzzy word's expansions).
    """

    def __init__(self, engine: OpenSearchEngine):
        self.engine = engine
        self.counts: dict[tuple[str, str], int] = {}
        self.listings: dict[tuple[str, str], _Listing] = {}

    def df(self, field: str, term: str) -> int:
        key = (field, term)
        if key not in self.counts:
            self.fetch([key], [])
        return self.counts[key]

    def prefixed(self, field: str, prefix: str) -> Iterator[str]:
        key = (field, prefix)
        position = 0
        while True:
            listing = self.listings.get(key)
            if listing is None or (position == len(listing.terms) and not listing.complete):
                self.fetch([], [key])
                listing = self.listings[key]
            while position < len(listing.terms):
                yield listing.terms[position]
                position += 1
            if listing.complete:
                return

    def rounds(self, limit: int = LOOKUP_ROUNDS) -> Iterator[_Plan]:
        """Dry-run lexicons; after each, what it lacked is fetched in one request (at most `limit` rounds)."""
        for _ in range(limit):
            plan = _Plan(self)
            yield plan
            if not (plan.counts or plan.listings):
                return
            self.fetch(list(plan.counts), list(plan.listings))

    def fetch(self, counts: list[tuple[str, str]], listings: list[tuple[str, str]]) -> None:
        """Counts and (more of) listings, all in one `_msearch`."""
        searches: list[dict] = []
        for field, term in counts:
            searches.append({"size": 0, "track_total_hits": True, "query": {"term": {analysed_field(field): term}}})
        for key in listings:
            searches.append(self._listing_search(key))
        answers = self.engine.msearch(searches)
        for key, answer in zip(counts, answers, strict=False):
            self.counts[key] = int(answer["hits"]["total"]["value"])
        for key, answer, search in zip(listings, answers[len(counts):], searches[len(counts):], strict=True):
            listing = self.listings.setdefault(key, _Listing())
            hits = answer["hits"]["hits"]
            listing.terms.extend(str(hit["sort"][0]) for hit in hits)
            listing.complete = len(hits) < search["size"]

    def _listing_search(self, key: tuple[str, str]) -> dict:
        field, prefix = key
        listing = self.listings.get(key)
        have = len(listing.terms) if listing else 0
        # A one-letter listing is what fuzzy matching and suggestions scan: read it whole at once.
        size = WIDE_LISTING - have if len(prefix) <= 1 else LISTING_PAGE
        search = {
            "size": max(size, LISTING_PAGE), "_source": False, "track_total_hits": False,
            "sort": [{"vocab_term": "asc"}],
            "query": {"bool": {"filter": [{"term": {"kind": KIND_VOCABULARY}}, {"term": {"vocab_field": field}},
                                          {"prefix": {"vocab_term": prefix}}]}},
        }
        if have:
            search["search_after"] = [listing.terms[-1]]
        return search


@dataclasses.dataclass
class _Listing:
    terms: list[str] = dataclasses.field(default_factory=list)
    complete: bool = False


class _Plan:
    """A dry-run lexicon: answers from what the lexicon holds, notes the rest (an unknown count is 0)."""

    def __init__(self, lexicon: OpenSearchLexicon):
        self.lexicon = lexicon
        self.counts: dict[tuple[str, str], None] = {}
        self.listings: dict[tuple[str, str], None] = {}

    def df(self, field: str, term: str) -> int:
        known = self.lexicon.counts.get((field, term))
        if known is None:
            self.counts[(field, term)] = None
            return 0
        return known

    def prefixed(self, field: str, prefix: str) -> Iterator[str]:
        listing = self.lexicon.listings.get((field, prefix))
        if listing is not None:
            yield from listing.terms
        if listing is None or not listing.complete:  # reached only when the caller wanted more
            self.listings[(field, prefix)] = None


class OpenSearchWriter:
    """Writes sources as bulk actions with deterministic ids.

    replace_source: the source's paragraphs are (over)written, paragraphs it no longer has are
    deleted, its vocabulary added, and its manifest document written last. A source with any
    failed document gets its manifest hash cleared at commit, so the next run sends it again.
    commit: with rebuild (or when the alias does not exist yet) the new index gets its replicas and
    a refresh, then the alias moves to it in one request and the old index is deleted. An
    incremental run then prunes the vocabulary: each term that a replaced or removed paragraph
    held and no paragraph holds any more loses its vocabulary document (prefix* and fuzzy~ would
    otherwise spend their expansions on words that find nothing).
    """

    def __init__(self, engine: OpenSearchEngine, rebuild: bool, send_actions=send):
        self.engine = engine
        self.send_actions = send_actions
        self.report = BulkReport()
        self.failed_sources: dict[str, list[Failure]] = {}
        self._pending: list[dict] = []
        self._owner: dict[str, str] = {}  # doc id -> source_key, to map failures to sources
        self._seen = SeenTerms()
        self._maybe_dead: set[tuple[str, str]] = set()  # (field, term) of paragraphs replaced or removed
        self._closed = False
        self.previous = engine.concrete_indices()
        # One run per index at a time (README): an index no alias points at is a killed run's unfinished build.
        for unfinished in engine.unfinished_indices(self.previous):
            engine._call("delete an unfinished index", engine.client.indices.delete, index=unfinished, missing_ok=True)
        self.swap = rebuild or not self.previous
        if not self.swap and len(self.previous) > 1:
            raise ConfigError(
                f"the alias {engine.alias!r} points at {len(self.previous)} indices ({', '.join(self.previous)}) — "
                "bigsearch writes to one; run `bigsearch index --rebuild` to build a single new one"
            )
        if self.swap:
            self.target = f"{engine.alias}-{engine.clock()}"
            self.shards, self.replicas = engine.layout(self.previous)
            engine.create_index(self.target, self.shards, 0)
        else:
            self.target = engine.alias

    def replace_source(self, source: dict, paragraphs: list[dict]) -> None:
        key = source["source_key"]
        stale = set() if self.swap else self._forget(key)
        for action in source_actions(source, paragraphs, self._seen, self.target):
            self._owner[action["_id"]] = key
            stale.discard(action["_id"])
            if action["_source"]["kind"] == KIND_SOURCE:  # stale paragraphs go before the manifest entry
                for doc_id in sorted(stale):
                    self._pending.append({"_op_type": "delete", "_id": doc_id, "_index": self.target})
                    self._owner[doc_id] = key
            self._pending.append(action)
        if len(self._pending) >= FLUSH_ACTIONS:
            self.flush()

    def _forget(self, source_key: str) -> set[str]:
        """The ids of a source's indexed paragraphs; their terms become candidates for pruning."""
        ids = set()
        for record in self.engine.indexed_paragraphs(source_key):
            ids.add(record["doc_key"])
            for field, tokens in analysed_terms(record).items():
                self._maybe_dead.update((field, token[0]) for token in tokens)
        return ids

    def remove_source(self, source_key: str) -> None:
        if self.swap:
            return  # the new index never held it
        self._forget(source_key)
        self.flush()
        # Its paragraphs and its manifest entry; a partial delete raises, so the run fails, not succeeds.
        self.engine.delete_matching({"term": {"source_key": source_key}}, f"remove {source_key}")

    def flush(self) -> None:
        if not self._pending:
            return
        actions, self._pending = self._pending, []
        report = self.send_actions(self.engine.client, actions)
        self.report.add(report)
        for failure in report.failures:
            key = self._owner.get(failure.doc_id)
            self.failed_sources.setdefault(key or "?", []).append(failure)
        self._owner.clear()

    def commit(self) -> None:
        try:
            self.flush()
            self._reopen_failed()
            if self.swap:
                self._swap()
            else:
                self.engine._call("refresh", self.engine.client.indices.refresh, index=self.target)
                self._prune_vocabulary()
        except BaseException:
            self.cancel()
            raise
        self._closed = True

    def _prune_vocabulary(self) -> None:
        counts = self.engine.term_counts(sorted(self._maybe_dead))
        dead = [{"_op_type": "delete", "_id": vocabulary_doc_id(field, term), "_index": self.target}
                for (field, term), count in counts.items() if count == 0]
        self._maybe_dead.clear()
        if dead:
            report = self.send_actions(self.engine.client, dead)
            self.report.add(report)  # a vocabulary document that stays only costs an expansion: counted, not fatal
            self.engine._call("refresh", self.engine.client.indices.refresh, index=self.target)

    def _reopen_failed(self) -> None:
        """A source with a failed document must not look up to date: its manifest hash is cleared."""
        for key in self.failed_sources:
            if key == "?":
                continue
            self.engine._call("mark a failed source", self.engine.client.update, index=self.target,
                              id=source_doc_id(key), body={"doc": {"source_hash": "", "source_stat": ""}},
                              missing_ok=True)

    def _swap(self) -> None:
        client, alias = self.engine.client, self.engine.alias
        settings = {"index": {"number_of_replicas": self.replicas, "refresh_interval": None}}
        self.engine._call("configure the new index", client.indices.put_settings, index=self.target, body=settings)
        self.engine._call("refresh", client.indices.refresh, index=self.target)
        actions = [{"remove": {"index": old, "alias": alias}} for old in self.previous]
        actions.append({"add": {"index": self.target, "alias": alias}})
        self.engine._call("move the alias", client.indices.update_aliases, body={"actions": actions})
        for old in self.previous:
            self.engine._call("delete the old index", client.indices.delete, index=old)

    def cancel(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._pending = []
        if self.swap:
            # The half-built index goes; the alias still points at the previous one.
            self.engine._call("delete the unfinished index", self.engine.client.indices.delete,
                              index=self.target, missing_ok=True)


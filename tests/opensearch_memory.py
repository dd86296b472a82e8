"""An in-memory stand-in for an OpenSearch cluster, answering the requests the opensearch engine makes.

It evaluates the subset of the Query DSL the engine sends (bool, term, terms, match_phrase, range,
exists, prefix, constant_score, match_all, match_none), sorts with search_after, _msearch, terms /
missing / composite aggregations, bulk, aliases and _source excludes, and analyses the
pre-analysed fields the way the mapping tells OpenSearch to (whitespace split; "|" alternatives
at one position). Scores are simplified (sums of boosts), so tests compare sets, counts and
sorted orders, not relevance order. A live cluster checks the rest (test_opensearch_live.py).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from tests.opensearch_fake import FakeCluster

ANALYSED = "analysed"


def _positions(encoded: str) -> list[set[str]]:
    return [set(group.split("|")) for group in encoded.split(" ") if group]


def _values(doc: dict, field: str) -> list:
    if field.startswith(ANALYSED + "."):
        return []
    value = doc.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def evaluate(query: dict, doc: dict) -> float | None:
    """The document's score for the query, or None when it does not match."""
    (kind, spec), = query.items()
    if kind == "match_all":
        return 1.0
    if kind == "match_none":
        return None
    if kind == "term":
        (field, body), = spec.items()
        value, boost = (body["value"], body.get("boost", 1.0)) if isinstance(body, dict) else (body, 1.0)
        if field.startswith(ANALYSED + "."):
            encoded = (doc.get(ANALYSED) or {}).get(field.split(".", 1)[1]) or ""
            return boost if any(value in group for group in _positions(encoded)) else None
        return boost if value in _values(doc, field) else None
    if kind == "terms":
        boost = spec.get("boost", 1.0)
        (field, values), = ((f, v) for f, v in spec.items() if f != "boost")
        return next((boost for value in values if evaluate({"term": {field: value}}, doc) is not None), None)
    if kind == "match_phrase":
        (field, body), = spec.items()
        terms = body["query"].split()
        positions = _positions((doc.get(ANALYSED) or {}).get(field.split(".", 1)[1]) or "")
        for start in range(len(positions) - len(terms) + 1):
            if all(term in positions[start + k] for k, term in enumerate(terms)):
                return body.get("boost", 1.0)
        return None
    if kind == "prefix":
        (field, prefix), = spec.items()
        return 1.0 if any(str(v).startswith(prefix) for v in _values(doc, field)) else None
    if kind == "exists":
        return 1.0 if _values(doc, spec["field"]) else None
    if kind == "range":
        (field, bounds), = spec.items()
        values = _values(doc, field)
        ok = [v for v in values if ("gte" not in bounds or v >= bounds["gte"]) and ("lte" not in bounds or v <= bounds["lte"])]
        return 1.0 if ok else None
    if kind == "constant_score":
        return spec.get("boost", 1.0) if evaluate(spec["filter"], doc) is not None else None
    if kind == "bool":
        score = 0.0
        for clause in spec.get("must", []):
            s = evaluate(clause, doc)
            if s is None:
                return None
            score += s
        for clause in spec.get("filter", []):
            if evaluate(clause, doc) is None:
                return None
        for clause in spec.get("must_not", []):
            if evaluate(clause, doc) is not None:
                return None
        should = [s for s in (evaluate(c, doc) for c in spec.get("should", [])) if s is not None]
        if spec.get("should") and len(should) < spec.get("minimum_should_match", 1):
            return None
        return (score + sum(should)) * spec.get("boost", 1.0)
    raise AssertionError(f"the engine sent a query this stand-in does not know: {kind}")


class _Missing:
    """Sorts after everything (asc) — OpenSearch's "_last"."""


def _sort_key(hit: tuple[float, dict], sort: list) -> tuple:
    score, doc = hit
    key = []
    for spec in sort:
        (field, how), = spec.items()
        order = how if isinstance(how, str) else how.get("order", "asc")
        missing = "_last" if isinstance(how, str) else how.get("missing", "_last")
        value = score if field == "_score" else (_values(doc, field) or [None])[0]
        descending = order == "desc"
        if value is None:
            first = missing == "_first"
            key.append((0 if first else 2, 0))
            continue
        if isinstance(value, str):
            comparable = tuple(-ord(c) for c in value) + (1,) if descending else tuple(ord(c) for c in value)
        else:
            comparable = -value if descending else value
        key.append((1, comparable))
    return tuple(key)


def _source(doc: dict, fields=None) -> dict:
    out = {k: v for k, v in doc.items() if k != ANALYSED}  # the mapping's _source excludes
    if isinstance(fields, list):
        out = {k: v for k, v in out.items() if k in fields}
    return out


class _Body:
    def __init__(self, body):
        self.body = body


class MemoryCluster(FakeCluster):
    def __init__(self):
        super().__init__()
        self.indices: dict[str, dict[str, dict]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.settings: dict[str, dict] = {}  # index -> its index settings, as created
        self.pits: dict[str, list[dict]] = {}  # point in time id -> the documents it saw
        for method, pattern, handler in (
            ("GET", r"/_alias/([^/]+)", self._get_alias),
            ("GET", r"/([^/_][^/]*\*)", self._get_indices),
            ("HEAD", r"/([^/_][^/]*)", self._exists),
            ("PUT", r"/([^/_][^/]*)", self._create),
            ("DELETE", r"/([^/_][^/]*)", self._delete),
            ("PUT", r"/([^/]+)/_settings", self._ok),
            ("GET", r"/([^/]+)/_settings", self._get_settings),
            ("POST", r"/([^/]+)/_refresh", self._ok),
            ("POST", r"/_aliases", self._update_aliases),
            ("POST", r"/_bulk", self._bulk),
            ("POST", r"/([^/]+)/_search/point_in_time", self._create_pit),
            ("DELETE", r"/_search/point_in_time", self._delete_pit),
            ("POST", r"/_search", self._search_pit),
            ("POST", r"/([^/]+)/_search", self._search),
            ("POST", r"/([^/]+)/_count", self._count),
            ("POST", r"/([^/]+)/_msearch", self._msearch),
            ("POST", r"/([^/]+)/_delete_by_query", self._delete_by_query),
            ("POST", r"/([^/]+)/_update/(.+)", self._update),
            ("GET", r"/([^/]+)/_stats/store", self._stats),
        ):
            self.on(method, pattern, self._route(pattern, handler))

    def _route(self, pattern, handler):
        compiled = re.compile(pattern)

        def answer(request):
            groups = [unquote(g) for g in compiled.fullmatch(request.path).groups()]
            return handler(request, *groups)

        return answer

    def _resolve(self, name: str) -> list[str]:
        if name in self.aliases:
            return sorted(self.aliases[name])
        if name in self.indices:
            return [name]
        return []

    def _docs(self, name: str):
        if name in self.pits:
            return list(self.pits[name])
        names = self._resolve(name)
        if not names:
            return None
        return [doc for index in names for doc in self.indices[index].values()]

    @staticmethod
    def _missing(name):
        return 404, {"error": {"type": "index_not_found_exception", "reason": f"no such index [{name}]"}, "status": 404}

    def _ok(self, request, *names):
        return 200, {"acknowledged": True}

    def _get_alias(self, request, name):
        if name not in self.aliases:
            return 404, {"error": f"alias [{name}] missing", "status": 404}
        return 200, {index: {"aliases": {name: {}}} for index in self.aliases[name]}

    def _get_indices(self, request, pattern):
        import fnmatch

        return 200, {name: {} for name in self.indices if fnmatch.fnmatchcase(name, pattern)}

    def _exists(self, request, name):
        return (200, None) if name in self.indices else (404, None)

    def _create(self, request, name):
        assert name not in self.indices and name not in self.aliases
        self.indices[name] = {}
        index = ((request.body or {}).get("settings") or {}).get("index") or {}
        self.settings[name] = {key: str(value) for key, value in index.items()}
        return 200, {"acknowledged": True, "index": name}

    def _get_settings(self, request, name):
        names = self._resolve(name)
        if not names:
            return self._missing(name)
        return 200, {index: {"settings": {"index": self.settings.get(index, {})}} for index in names}

    def _delete(self, request, name):
        if name not in self.indices:
            return self._missing(name)
        del self.indices[name]
        for members in self.aliases.values():
            members.discard(name)
        return 200, {"acknowledged": True}

    def _update_aliases(self, request):
        for action in request.body["actions"]:
            (kind, spec), = action.items()
            if kind == "add":
                self.aliases.setdefault(spec["alias"], set()).add(spec["index"])
            elif kind == "remove":
                self.aliases[spec["alias"]].discard(spec["index"])
        return 200, {"acknowledged": True}

    def _bulk(self, request):
        lines, items, k = request.body, [], 0
        while k < len(lines):
            (op, meta), = lines[k].items()
            index = self._resolve(meta["_index"])
            assert len(index) == 1, meta
            store = self.indices[index[0]]
            if op == "delete":
                found = store.pop(meta["_id"], None)
                items.append({op: {"_id": meta["_id"], "status": 200 if found else 404}})
                k += 1
            else:
                store[meta["_id"]] = json.loads(json.dumps(lines[k + 1]))
                items.append({op: {"_id": meta["_id"], "status": 201}})
                k += 2
        return 200, {"took": 1, "errors": False, "items": items}

    def _matching(self, name, query):
        docs = self._docs(name)
        if docs is None:
            return None
        out = []
        for doc in docs:
            score = evaluate(query, doc)
            if score is not None:
                out.append((score, doc))
        return out

    def _search(self, request, name):
        body = request.body or {}
        hits = self._matching(name, body.get("query", {"match_all": {}}))
        if hits is None:
            return self._missing(name)
        sort = body.get("sort", [{"_score": {"order": "desc"}}])
        hits.sort(key=lambda hit: _sort_key(hit, sort))
        keyed = [(_sort_key(hit, sort), hit) for hit in hits]
        if "search_after" in body:
            after = [k for k, (key, hit) in enumerate(keyed) if self._sort_values(hit, sort) == body["search_after"]]
            assert after, "search_after must name a hit of the previous page"
            keyed = keyed[after[0] + 1:]
        start = body.get("from", 0)
        page = keyed[start:start + body.get("size", 10)]
        answer = {
            "hits": {
                "total": {"value": len(hits), "relation": "eq"},
                "hits": [{"_id": hit[1]["doc_key"], "_score": hit[0], "_source": _source(hit[1], body.get("_source")),
                          "sort": self._sort_values(hit, sort)} for _, hit in page],
            },
        }
        if body.get("aggs"):
            answer["aggregations"] = {name: self._aggregate(spec, [doc for _, doc in hits])
                                      for name, spec in body["aggs"].items()}
        return 200, answer

    def _create_pit(self, request, name):
        docs = self._docs(name)
        if docs is None:
            return self._missing(name)
        pit_id = f"pit-{len(self.pits) + 1}"
        self.pits[pit_id] = [json.loads(json.dumps(doc)) for doc in docs]
        return 200, {"pit_id": pit_id}

    def _delete_pit(self, request):
        for pit_id in request.body["pit_id"]:
            self.pits.pop(pit_id, None)
        return 200, {"pits": [{"pit_id": pit_id, "successful": True} for pit_id in request.body["pit_id"]]}

    def _search_pit(self, request):
        pit_id = request.body["pit"]["id"]
        body = {key: value for key, value in request.body.items() if key != "pit"}
        status, answer = self._search(_Body(body), pit_id)
        answer["pit_id"] = pit_id
        return status, answer

    def _msearch(self, request, name):
        lines = request.body
        answers = []
        for header, body in zip(lines[0::2], lines[1::2], strict=True):
            status, answer = self._search(_Body(body), header.get("index", name))
            answers.append(answer if status == 200 else {**answer, "status": status})
        return 200, {"responses": answers}

    @staticmethod
    def _sort_values(hit, sort):
        score, doc = hit
        out = []
        for spec in sort:
            (field, _), = spec.items()
            out.append(score if field == "_score" else (_values(doc, field) or [None])[0])
        return out

    @staticmethod
    def _aggregate(spec, docs):
        (kind, body), = spec.items()
        if kind == "missing":
            return {"doc_count": sum(1 for doc in docs if not _values(doc, body["field"]))}
        counts: dict = {}
        for doc in docs:
            for value in set(_values(doc, body["field"]) if kind == "terms" else
                             _values(doc, body["sources"][0]["value"]["terms"]["field"])):
                counts[value] = counts.get(value, 0) + 1
        if kind == "terms":
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            kept, rest = ordered[: body["size"]], ordered[body["size"]:]
            return {"buckets": [{"key": k, "doc_count": v} for k, v in kept],
                    "sum_other_doc_count": sum(v for _, v in rest)}
        keys = sorted(counts)
        if "after" in body:
            keys = [k for k in keys if k > body["after"]["value"]]
        keys = keys[: body["size"]]
        answer = {"buckets": [{"key": {"value": k}, "doc_count": counts[k]} for k in keys]}
        if keys:
            answer["after_key"] = {"value": keys[-1]}
        return answer

    def _count(self, request, name):
        hits = self._matching(name, request.body["query"])
        return self._missing(name) if hits is None else (200, {"count": len(hits)})

    def _delete_by_query(self, request, name):
        hits = self._matching(name, request.body["query"])
        if hits is None:
            return self._missing(name)
        for index in self._resolve(name):
            store = self.indices[index]
            for _, doc in hits:
                store.pop(doc["doc_key"], None)
        return 200, {"deleted": len(hits)}

    def _update(self, request, name, doc_id):
        for index in self._resolve(name):
            if doc_id in self.indices[index]:
                self.indices[index][doc_id].update(request.body["doc"])
                return 200, {"result": "updated"}
        return 404, {"error": {"type": "document_missing_exception"}, "status": 404}

    def _stats(self, request, name):
        size = sum(len(json.dumps(doc)) for doc in self._docs(name) or [])
        return 200, {"_all": {"primaries": {"store": {"size_in_bytes": size}}}}

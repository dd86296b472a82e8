"""A recorded-response OpenSearch at the HTTP level: a connection class for the real client.

The client (opensearch-py) builds its requests, serialises them, retries and raises exactly as
against a cluster; only the socket is replaced. Each request is recorded with its headers, and
every answer comes from a scripted route.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from opensearchpy.connection import Urllib3HttpConnection


@dataclass
class Request:
    method: str
    path: str
    params: dict
    body: object  # parsed JSON, a list of parsed NDJSON lines, or None
    headers: dict = field(repr=False, default_factory=dict)

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


def _parse(raw):
    if raw is None:
        return None
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text)
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class FakeCluster:
    def __init__(self):
        self.requests: list[Request] = []
        self.routes: list[list] = []

    def on(self, method: str, pattern: str, *responses) -> FakeCluster:
        """Answers for METHOD PATH (a regex): each (status, body) or callable(request) -> (status, body),
        used in order, the last one repeatedly."""
        self.routes.append([method, re.compile(pattern), list(responses)])
        return self

    def answer(self, request: Request):
        for method, pattern, responses in self.routes:
            if method == request.method and pattern.fullmatch(request.path):
                response = responses.pop(0) if len(responses) > 1 else responses[0]
                return response(request) if callable(response) else response
        raise AssertionError(f"unexpected request {request.line}")

    def lines(self) -> list[str]:
        return [r.line for r in self.requests]

    def connection_class(self):
        cluster = self

        class RecordedConnection(Urllib3HttpConnection):
            def perform_request(self, method, url, params=None, body=None, timeout=None, ignore=(), headers=None):
                path = self.url_prefix + url
                full_url = self.host + path + (f"?{urlencode(params)}" if params else "")
                request = Request(method, path, dict(params or {}), _parse(body), {**self.headers, **(headers or {})})
                cluster.requests.append(request)
                status, payload = cluster.answer(request)
                data = json.dumps(payload) if payload is not None else ""
                if not (200 <= status < 300) and status not in ignore:
                    self.log_request_fail(method, full_url, path, body, 0.001, status, data)
                    self._raise_error(status, data, "application/json")
                self.log_request_success(method, full_url, path, body, status, data, 0.001)
                return status, {"content-type": "application/json"}, data

        return RecordedConnection

    def client(self, url: str = "https://search.example.org:9200", environ: dict | None = None, **overrides):
        from bigsearch.engines.opensearch_client import make_client

        overrides.setdefault("max_retries", 0)
        return make_client(url, environ=environ if environ is not None else {}, connection_class=self.connection_class(),
                           **overrides)


def bulk_answer(request: Request, statuses: dict[str, int] | None = None, reasons: dict[str, str] | None = None):
    """A _bulk response: every action ok, except ids listed in `statuses` (with an error reason)."""
    statuses = statuses or {}
    items = []
    lines = request.body
    i = 0
    while i < len(lines):
        op_type, meta = next(iter(lines[i].items()))
        i += 1 if op_type == "delete" else 2
        status = statuses.get(meta["_id"], 200 if op_type != "index" else 201)
        item = {"_index": meta.get("_index", "x"), "_id": meta["_id"], "status": status}
        if status >= 300:
            item["error"] = {"type": "mapper_parsing_exception", "reason": (reasons or {}).get(meta["_id"], "failed to parse")}
        items.append({op_type: item})
    return 200, {"took": 1, "errors": any(s >= 300 for s in statuses.values()), "items": items}


def bulk_ids(request: Request) -> list[str]:
    return [next(iter(line.values()))["_id"] for line in request.body if next(iter(line)) in ("index", "delete", "create")
            and isinstance(next(iter(line.values())), dict) and "_id" in next(iter(line.values()))]

"""Sending bulk actions with the client's streaming bulk helper: batches, retries, every failure counted.

- 429 (the cluster is busy), per document or for a whole request: retried by the helper itself
  with exponential back-off (max_retries, initial_backoff);
- 5xx and connection failures: what the helper reports failed is sent again in further rounds,
  with the same back-off;
- anything else (a mapping error, a bad document): a per-document failure, reported with its
  reason and counted — never dropped silently.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CHUNK_SIZE = 500
MAX_CHUNK_BYTES = 20 * 1024 * 1024
MAX_RETRIES = 4
INITIAL_BACKOFF = 2.0  # seconds; doubles per retry
MAX_BACKOFF = 120.0


@dataclass
class Failure:
    doc_id: str
    status: int | None
    reason: str


@dataclass
class BulkReport:
    sent: int = 0
    succeeded: int = 0
    failures: list[Failure] = field(default_factory=list)
    retried: int = 0  # documents sent again after a 5xx or connection failure

    def add(self, other: BulkReport) -> None:
        self.sent += other.sent
        self.succeeded += other.succeeded
        self.failures.extend(other.failures)
        self.retried += other.retried


def retryable(status) -> bool:
    return not isinstance(status, int) or status == 429 or status >= 500


def _reason(info: dict) -> str:
    error = info.get("error")
    if isinstance(error, dict):
        text = error.get("reason") or error.get("type") or "error"
        caused = error.get("caused_by")
        if isinstance(caused, dict) and caused.get("reason"):
            text = f"{text}: {caused['reason']}"
        return str(text)
    return str(error or info.get("result") or "failed")


def send(
    client,
    actions: Iterable[dict],
    chunk_size: int = CHUNK_SIZE,
    max_retries: int = MAX_RETRIES,
    initial_backoff: float = INITIAL_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> BulkReport:
    """Sends every action; the report lists each document that still failed after the retries."""
    from opensearchpy.helpers import streaming_bulk

    report = BulkReport()
    pending = list(actions)
    report.sent = len(pending)
    by_id = {action["_id"]: action for action in pending}
    for round_number in range(max_retries + 1):
        if round_number:
            sleep(min(MAX_BACKOFF, initial_backoff * 2 ** (round_number - 1)))
            report.retried += len(pending)
        again: list[dict] = []
        results = streaming_bulk(
            client, pending, chunk_size=chunk_size, max_chunk_bytes=MAX_CHUNK_BYTES,
            raise_on_error=False, raise_on_exception=False,
            max_retries=max_retries, initial_backoff=initial_backoff, max_backoff=MAX_BACKOFF,
        )
        for ok, item in results:
            op_type, info = next(iter(item.items()))
            if ok or (op_type == "delete" and info.get("status") == 404):  # already gone is done
                report.succeeded += 1
                continue
            doc_id = str(info.get("_id"))
            status = info.get("status")
            if retryable(status) and round_number < max_retries and doc_id in by_id:
                again.append(by_id[doc_id])
            else:
                report.failures.append(Failure(doc_id, status if isinstance(status, int) else None, _reason(info)))
        if not again:
            break
        pending = again
    return report

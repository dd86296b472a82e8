"""One system answering the query mix in a long-lived process, for run.py's interleaved rounds.

    python -m bench.worker SYSTEM INDEX

Reads one request per line ({"query": i, "facets": bool}) and answers each with one JSON line:
the wall and CPU milliseconds of the search alone (timed here, in the process that searches),
the total, the top-10 ids and the facet counts. "stats" answers with the process's peak memory.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from bench.queries import QUERY_MIX
from bench.systems import BY_NAME, open_searcher


def peak_rss_mib() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    system, index = BY_NAME[sys.argv[1]], Path(sys.argv[2])
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything else printed goes to stderr
    start, cpu = time.perf_counter(), time.process_time()
    searcher = open_searcher(system, index)
    opened = {"open_wall_ms": (time.perf_counter() - start) * 1000, "open_cpu_ms": (time.process_time() - cpu) * 1000}
    answers.write(json.dumps(opened) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("stats"):
            reply = {"peak_rss_mib": peak_rss_mib()}
        else:
            query = QUERY_MIX[request["query"]]
            start, cpu = time.perf_counter(), time.process_time()
            answer = searcher.search(query, facets=request["facets"])
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            reply = {"wall_ms": wall * 1000, "cpu_ms": cpu * 1000, "total": answer["total"], "ids": answer["ids"],
                     "facets": answer["facets"] if request.get("details") else None}
        answers.write(json.dumps(reply, ensure_ascii=False) + "\n")
        answers.flush()
    searcher.close()


if __name__ == "__main__":
    main()

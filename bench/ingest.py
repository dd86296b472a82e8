"""The ingest step every baseline builds from: bigsearch's own ingest of the protocol files, written
as the paragraph records its engines index (one JSON object per line).

    python -m bench.ingest CORPUS_DIR OUT.jsonl

Run as its own process so that its CPU-seconds are the "ingest" share of every build: the
baselines add their "engine" share (analysis and indexing) on top, and bigsearch's `index`
command does both in one run. Uses bigsearch's ingest pipeline and record builder (the same two
functions `bigsearch index` uses); `bigsearch export` prints the same paragraphs but without the
document title and attendance the engines index, so it would let the baselines do less.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bigsearch.engines.records import paragraph_records
from bigsearch.facets import FACETS
from bigsearch.ingest.pipeline import ingest_paths

# The record keys the baselines use (the rest are bigsearch's own bookkeeping), every facet's among them.
KEYS = tuple(dict.fromkeys(("id", "source", "date", "section", "section_title", "attendees", "text", "title", "first",
                            *(facet.key for facet in FACETS))))


def write_records(corpus: Path, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for doc in ingest_paths([corpus]):
            for record in paragraph_records(doc, doc.source):  # the key is bookkeeping the baselines need not
                handle.write(json.dumps({k: record.get(k) for k in KEYS}, ensure_ascii=False) + "\n")
                count += 1
    return count


def read_records(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    count = write_records(corpus, out)
    print(json.dumps({"paragraphs": count}))


if __name__ == "__main__":
    main()

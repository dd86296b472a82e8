"""Builds one baseline's index from the ingested paragraphs (run as its own process, timed by run.py).

    python -m bench.build SYSTEM PARAGRAPHS.jsonl OUT

Prints {"paragraphs": N, "analysis_cpu_s": S}: the build's analysis share where it is separable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def build(system: str, jsonl: Path, out: Path) -> dict:
    if system == "fts5":
        from bench.fts5 import build
    elif system == "raw-tantivy":
        from bench.raw_tantivy import build
    elif system in ("stock-whoosh", "stock-whoosh-plain"):
        from bench.stock_whoosh import build as whoosh_build

        return whoosh_build(jsonl, out, "plain" if system.endswith("plain") else "swedish")
    else:
        raise SystemExit(f"no baseline {system!r}")
    return build(jsonl, out)


def main() -> None:
    system, jsonl, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(build(system, jsonl, out)))


if __name__ == "__main__":
    main()

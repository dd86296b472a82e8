"""A baseline's end-to-end search, the counterpart of `bigsearch search`: a fresh process opens the
index, searches (with the facets where the baseline counts them), prints the top 10 with
their snippets and the first eight values of each facet. Exit code 1 when nothing is found.

    python -m bench.cli SYSTEM INDEX QUERY [--year A..B] [--principal NAME] [--no-facets]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.queries import BenchQuery
from bench.systems import BY_NAME, open_searcher

SHOWN_FACET_VALUES = 8  # as bigsearch's CLI shows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("system")
    parser.add_argument("index", type=Path)
    parser.add_argument("query")
    parser.add_argument("--year")
    parser.add_argument("--principal")
    parser.add_argument("--no-facets", action="store_true")
    args = parser.parse_args()
    system = BY_NAME[args.system]
    year = tuple(int(y) for y in args.year.split("..")) if args.year else None
    searcher = open_searcher(system, args.index)
    answer = searcher.search(BenchQuery(args.query, year, args.principal), facets=system.facets and not args.no_facets)
    out = [f"{answer['total']} hits"]
    for hit in answer["hits"]:
        out.append(f"[{hit['id']}] {hit['snippet']}")
    for name, values in (answer["facets"] or {}).items():
        top = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN_FACET_VALUES]
        out.append(f"{name}: " + ", ".join(f"{value} ({count})" for value, count in top))
    sys.stdout.write("\n".join(out) + "\n")
    searcher.close()
    return 0 if answer["total"] else 1


if __name__ == "__main__":
    sys.exit(main())

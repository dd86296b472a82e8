"""`bigsearch search` loads only what a search needs (start-up is most of a search's time): no
browser, no typer or rich, no readers or ingest pipeline, no sync, no OpenSearch client, and on
the tantivy engine neither Whoosh nor numpy. Checked in a fresh process running the console
entry, by the modules it has loaded when it exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CHILD = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "bigsearch"
from bigsearch.cli.entry import main
main()
"""

NEVER = ("textual", "bigsearch.tui", "typer", "click", "rich", "bigsearch.cli.app", "bigsearch.cli.commands",
         "bigsearch.ingest", "bigsearch.index", "opensearchpy", "bigsearch.engines.opensearch", "docx", "pypdf",
         "striprtf", "olefile", "charset_normalizer", "wordfreq", "bigsearch.engines.tantivy_documents",
         "bigsearch.search.reports", "bigsearch.search.watch")
# Whoosh itself loads these; the fast engine's path does without them.
NOT_ON_TANTIVY = ("whoosh", "numpy", "bigsearch.engines.whoosh", "subprocess", "hashlib", "multiprocessing")


def loaded_by(tmp_path, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    out = tmp_path / "modules.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith("BIGSEARCH_")}
    result = subprocess.run([sys.executable, "-c", CHILD, str(out), *args], capture_output=True, text=True, env=env,
                            timeout=120)
    return set(json.loads(out.read_text("utf-8"))), result


def offending(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for p in prefixes if p and (m == p or m.startswith(p + ".")))


@pytest.mark.parametrize("output", [[], ["--json"], ["--year", "2024", "--principal", "polisen"]])
def test_a_search_loads_only_what_searching_needs(built_index, tmp_path, output):
    from bigsearch.engines.registry import remembered_engine

    modules, result = loaded_by(tmp_path, "search", "Andersberg", "--index-dir", str(built_index), *output)
    assert result.returncode == 0, result.stderr
    assert "Andersberg" in result.stdout
    assert "bigsearch.search.searcher" in modules and "bigsearch.cli.render" in modules  # it did search and print
    engine = remembered_engine(built_index)
    # A search on a cluster needs its client (and what the client loads); nothing else of the list.
    client = ("opensearchpy", "bigsearch.engines.opensearch", "charset_normalizer")
    never = tuple(name for name in NEVER if engine != "opensearch" or name not in client)
    assert offending(modules, never) == []
    if engine == "tantivy":
        assert offending(modules, NOT_ON_TANTIVY) == []


def test_other_commands_still_load_the_full_command_line(built_index, tmp_path):
    modules, result = loaded_by(tmp_path, "stats", "--index-dir", str(built_index))
    assert result.returncode == 0, result.stderr
    assert "typer" in modules

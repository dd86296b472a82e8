"""`bigsearch index`, `export`, `stats` and `eval`: building the index, and what it holds and finds."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.cli.output import emit
from bigsearch.cli.params import AsJson, CorpusDir, IndexDir, open_searcher, printable, warn
from bigsearch.engines.registry import ENGINES
from bigsearch.ingest.ocr import MODES as OCR_MODES


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    text = "text"
    opensearch = "opensearch"  # bulk NDJSON for the cluster's _bulk API


EngineChoice = StrEnum("EngineChoice", {name: name for name in ENGINES})
OcrMode = StrEnum("OcrMode", {name: name for name in OCR_MODES})
ENGINE_HELP = "; ".join(f"{entry.name}: {entry.help}" for entry in ENGINES.values()) + " (default whoosh; remembered by the index)."


def index(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-ingest everything from scratch (repairs a damaged "
                                          "index); only the given paths stay indexed.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Also remove indexed files that are not under the given "
                                        "paths.")] = False,
    engine: Annotated[EngineChoice | None, typer.Option("--engine", help=ENGINE_HELP)] = None,
    url: Annotated[str | None, typer.Option("--url", help="opensearch: the cluster, https://host:9200 (credentials "
                   "from BIGSEARCH_OPENSEARCH_USER/_PASSWORD or ~/.netrc).")] = None,
    index_name: Annotated[str | None, typer.Option("--index-name", help="opensearch: the index (alias) name.")] = None,
    shards: Annotated[int | None, typer.Option("--shards", min=1, help="opensearch: primary shards of a new index "
                      "(default: those of the index it replaces, else 1).")] = None,
    replicas: Annotated[int | None, typer.Option("--replicas", min=0, help="opensearch: replicas of each shard of a "
                        "new index (default: as the index it replaces, else 1).")] = None,
    body: Annotated[str | None, typer.Option("--body", help="The body that met, for every document under PATHS "
                    "(a folder that is one body's archive): kept for them in later runs.")] = None,
    watch_report: Annotated[bool, typer.Option("--watch-report", help="Then show what is new for the saved "
                            "searches (bigsearch watch).")] = False,
    ocr: Annotated[OcrMode, typer.Option("--ocr", help="Scanned pages: auto (OCR pages without a usable text "
                   "layer, and images), never, or force (OCR every page, for PDFs with a bad text layer). "
                   "Needs bigsearch[ocr]; OCR text is cached in <index>/ocr-cache.")] = OcrMode("auto"),
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Build or update the index: new and changed files are ingested; files gone from an indexed folder are removed.

    Documents of files outside the given paths stay in the index unless --prune or --rebuild.
    """
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.index.sync import sync

    target = resolve_index(index_dir)
    sources = paths or [resolve_corpus(corpus)]
    options = {"engine": engine.value if engine else None, "ocr": ocr.value,
               "settings": {"url": url, "index_name": index_name, "shards": shards, "replicas": replicas}}
    if sys.stderr.isatty():
        from rich.progress import Progress

        from bigsearch.cli.render import console

        with Progress(console=console(stderr=True), transient=True) as bar:
            task = bar.add_task("indexing", total=None)

            def progress(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=printable(name)[:40])

            report = sync(target, sources, rebuild=rebuild, prune=prune, warn=warn, progress=progress, body=body,
                          **options)
    else:
        report = sync(target, sources, rebuild=rebuild, prune=prune, warn=warn, body=body, **options)
    for source in report.removed_sources:  # source keys are stored printable
        print(f"removed {source}", file=sys.stderr)
    print(f"{printable(str(target))}: {report.summary()}", file=sys.stderr)
    if watch_report:
        from bigsearch.cli.commands.watch import report_new

        report_new(index_dir, corpus, as_json=False)


def export(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl, text or opensearch (bulk NDJSON).")] = ExportFormat.jsonl,
    corpus: CorpusDir = None,
) -> None:
    """Ingest protocols and print their paragraphs (one JSON object per line)."""
    from bigsearch.config import resolve_corpus

    targets = paths or [resolve_corpus(corpus)]
    out = sys.stdout
    if format == ExportFormat.opensearch:
        from bigsearch.api import export_opensearch

        done = export_opensearch(targets, lambda line: out.write(line + "\n"), warn=warn)
        print(f"{done.added} files exported, {len(done.failed)} skipped; {done.paragraphs} paragraphs", file=sys.stderr)
        return
    from bigsearch.cli.render import export_lines
    from bigsearch.ingest.pipeline import IngestReport, ingest_paths

    report = IngestReport()
    for doc in ingest_paths(targets, report, warn=warn):
        for line in export_lines(doc, format.value):
            out.write(line + "\n")
    print(report.summary(), file=sys.stderr)


def stats(as_json: AsJson = False, index_dir: IndexDir = None, corpus: CorpusDir = None) -> None:
    """Documents, paragraphs, years, index size and schema version."""
    with open_searcher(index_dir, corpus) as searcher:
        result = searcher.stats()
    from bigsearch.cli import render

    emit(as_json, result, lambda out: render.print_stats(result, out))


def evaluate(
    queries: Annotated[
        Path | None, typer.Option("--queries", help="Relevance judgments (TOML; default: the set shipped with bigsearch).")
    ] = None,
    as_json: AsJson = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Precision@5, recall and nDCG@10 of the search over judged queries."""
    from bigsearch.config import RELEVANCE_SET
    from bigsearch.search.evaluate import evaluate as run
    from bigsearch.search.evaluate import load_judgments

    judgments = load_judgments(queries or RELEVANCE_SET)
    with open_searcher(index_dir, corpus) as searcher:
        evaluation = run(searcher, judgments)
    from bigsearch.cli import render

    data = {"queries": evaluation.scores,
            "mean": {name: evaluation.mean(name) for name in ("precision_at_5", "recall", "ndcg_at_10")}}
    emit(as_json, data, lambda out: render.print_evaluation(evaluation, out))


def doctor(as_json: AsJson = False) -> None:
    """What this installation can do: the version, and whether OCR of scans is available with which language data."""
    import platform

    from bigsearch import __version__
    from bigsearch.ingest.ocr.available import describe

    ocr = describe()
    report = {"bigsearch": __version__, "python": platform.python_version(), "ocr": ocr}

    def show(out) -> None:
        out.print(f"bigsearch {__version__} (Python {report['python']})", markup=False)
        if ocr["available"]:
            out.print(f"OCR: available — Tesseract {ocr['tesseract']} (tesserocr {ocr['tesserocr']}), language "
                      f"data {ocr['language']} in {ocr['tessdata']}", markup=False)
        else:
            out.print(f"OCR: not available — {ocr['reason']}; scanned files are skipped", markup=False)

    emit(as_json, report, show)


COMMANDS = {"index": index, "export": export, "stats": stats, "eval": evaluate, "doctor": doctor}

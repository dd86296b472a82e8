"""`bigsearch index`, `check`, `export`, `stats` and `eval`: building the index, checking its files, and what it
holds and finds."""

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
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Remove without asking when a run would remove more than "
                   "half of the index, more than 100 protocols, or those of a folder that went empty (asked on a "
                   "terminal, refused elsewhere).")] = False,
    index_dir: IndexDir = None,
    corpus: CorpusDir = None,
) -> None:
    """Build or update the index: new and changed files are ingested; files gone from an indexed folder are removed.

    Documents of files outside the given paths stay in the index unless --prune or --rebuild. A run
    that would remove more than half of the index, or the protocols of a folder that went empty (an
    unmounted share), asks first on a terminal and is refused elsewhere unless --yes.
    """
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.index.sync import sync

    target = resolve_index(index_dir)
    sources = paths or [resolve_corpus(corpus)]
    options = {"engine": engine.value if engine else None, "ocr": ocr.value,
               "settings": {"url": url, "index_name": index_name, "shards": shards, "replicas": replicas},
               "notify": _say}
    asking = sys.stdin.isatty() and sys.stderr.isatty()
    if sys.stderr.isatty():
        from bigsearch.cli.progress import StageBar

        with StageBar() as bar:

            def ask(question: str) -> bool:
                bar.bar.stop()
                try:
                    return _ask_removal(question)
                finally:
                    bar.bar.start()

            report = sync(target, sources, rebuild=rebuild, prune=prune, warn=warn, progress=bar.file,
                          stages=bar.stage, body=body, confirm=_yes if yes else ask if asking else None, **options)
    else:
        report = sync(target, sources, rebuild=rebuild, prune=prune, warn=warn, body=body,
                      confirm=_yes if yes else None, **options)
    from bigsearch.messages import t

    for source in report.removed_sources:  # source keys are stored printable
        print(t("index.removed", source=source), file=sys.stderr)
    print(f"{printable(str(target))}: {report.summary()}", file=sys.stderr)
    for hint in report.hints:
        print(f"note: {printable(hint)}", file=sys.stderr)
    if watch_report:
        from bigsearch.cli.commands.watch import report_new

        report_new(index_dir, corpus, as_json=False)


def _say(message: str) -> None:
    print(printable(message), file=sys.stderr)


def _yes(question: str) -> bool:
    return True


def _ask_removal(question: str) -> bool:
    """On a terminal: the user says whether a run may remove this much (no answer is no)."""
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:
        return False


def check(as_json: AsJson = False, index_dir: IndexDir = None) -> None:
    """Read every file of the index in full against its checksum. Exit 0 when whole, 2 naming the damaged file."""
    from bigsearch.api import check_index
    from bigsearch.config import resolve_index

    result = check_index(resolve_index(index_dir))
    if as_json:
        emit(True, result)
    elif result.whole:
        print(f"{printable(result.index_dir)}: whole — {result.files} files, {result.bytes_read:,} bytes read in full "
              f"({result.engine})")
    if not result.whole:
        print(f"error: the index file {printable(result.damaged)} is damaged ({result.problem.removeprefix('is ')}) — "
              "run `bigsearch index --rebuild`", file=sys.stderr)
        raise typer.Exit(2)


def export(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl, text or opensearch (bulk NDJSON).")] = ExportFormat.jsonl,
    corpus: CorpusDir = None,
) -> None:
    """Ingest protocols and print their paragraphs (one JSON object per line)."""
    from bigsearch.config import resolve_corpus
    from bigsearch.messages import t

    targets = paths or [resolve_corpus(corpus)]
    out = sys.stdout
    if format == ExportFormat.opensearch:
        from bigsearch.api import export_opensearch

        done = export_opensearch(targets, lambda line: out.write(line + "\n"), warn=warn)
        print(t("export.bulk_summary", files=t("count.files", n=done.added), skipped=len(done.failed),
                paragraphs=t("count.paragraphs", n=done.paragraphs)), file=sys.stderr)
        return
    from bigsearch.cli.render import export_lines
    from bigsearch.index.names import naming
    from bigsearch.ingest.pipeline import IngestReport, ingest_paths

    report = IngestReport()
    for doc in ingest_paths(targets, report, warn=warn, named=naming(targets)):  # named as `index` names them
        for line in export_lines(doc, format.value):
            out.write(line + "\n")
    print(export_summary(report), file=sys.stderr)


def export_summary(report) -> str:
    """What an export read, skipped and left out, in the current language."""
    from bigsearch.messages import t

    counts = [t("export.read", n=report.read), t("export.skipped", n=len(report.skipped))]
    if report.warned:
        counts.append(t("export.warned", n=len({name for name, _ in report.warned})))
    if report.unknown:
        counts.append(t("export.unknown", n=len(report.unknown)))
    return t("export.summary", counts=", ".join(counts), paragraphs=t("count.paragraphs", n=report.paragraphs))


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
    from bigsearch.errors import ConfigError
    from bigsearch.messages import labelled, t
    from bigsearch.search.evaluate import evaluate as run
    from bigsearch.search.evaluate import load_judgments

    judgments = load_judgments(queries or RELEVANCE_SET)
    with open_searcher(index_dir, corpus) as searcher:
        evaluation = run(searcher, judgments)
    if evaluation.other_corpus:  # every figure would be 0.000, and say nothing about the search
        if queries is None:
            raise ConfigError(t("eval.bundled_set", index=searcher.index_dir, judged=evaluation.judged))
        raise ConfigError(t("eval.other_set", index=searcher.index_dir, path=queries, judged=evaluation.judged))
    if evaluation.absent:
        print(labelled("note", t("eval.some_absent", n=len(evaluation.absent), judged=evaluation.judged)), file=sys.stderr)
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


COMMANDS = {"index": index, "check": check, "export": export, "stats": stats, "eval": evaluate, "doctor": doctor}

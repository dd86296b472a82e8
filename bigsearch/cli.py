"""The command line: parse arguments, call the library, render. No logic lives here."""

from __future__ import annotations

import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.errors import BigsearchError

app = typer.Typer(
    name="bigsearch",
    help="Search the minutes of BIG – Brottsförebyggarna i Gävle.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

IndexDir = Annotated[
    Path | None,
    typer.Option("--index-dir", help="Index directory (default: $BIGSEARCH_INDEX or ./index)."),
]
CorpusDir = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus directory (default: $BIGSEARCH_CORPUS or ./corpus)."),
]
Year = Annotated[str | None, typer.Option("--year", help="A year (2024) or a range (2019..2023).")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    text = "text"


class SortOrder(StrEnum):
    relevance = "relevance"
    date = "date"
    newest = "-date"


class DocType(StrEnum):
    protokoll = "protokoll"
    yttrande = "yttrande"
    dokument = "dokument"


def command(*args, **kwargs):
    """app.command() whose BigsearchError becomes a one-line message and exit 2, never a traceback."""

    def decorate(function):
        @functools.wraps(function)
        def run(*a, **kw):
            try:
                return function(*a, **kw)
            except BigsearchError as exc:
                print(f"error: {exc}", file=sys.stderr)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                print("interrupted", file=sys.stderr)
                raise typer.Exit(130) from None

        return app.command(*args, **kwargs)(run)

    return decorate


@app.callback()
def _root() -> None:
    """Search the minutes of BIG – Brottsförebyggarna i Gävle."""


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _console():
    from bigsearch.render import console

    return console()


@command()
def export(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: the corpus).")] = None,
    format: Annotated[ExportFormat, typer.Option("--format", help="jsonl or text.")] = ExportFormat.jsonl,
    corpus: CorpusDir = None,
) -> None:
    """Ingest protocols and print their paragraphs (one JSON object per line)."""
    from bigsearch.config import resolve_corpus
    from bigsearch.ingest.pipeline import IngestReport, ingest_paths
    from bigsearch.render import export_lines

    report = IngestReport()
    targets = paths or [resolve_corpus(corpus)]
    out = sys.stdout
    for doc in ingest_paths(targets, report, warn=_warn):
        for line in export_lines(doc, format.value):
            out.write(line + "\n")
    print(f"{report.read} files read, {len(report.skipped)} skipped", file=sys.stderr)


def main() -> None:
    """Entry point for the console script and `python -m bigsearch`."""
    app()

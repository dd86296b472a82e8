"""What every typer command shares: its parameter types, the filter flags generated from
cli/options.py, the error handling, and opening the index.

Typer has no parameter groups, so `filter_options` writes the filter flags into a command's
signature (as sqlite-utils' `output_options` decorator does for its output flags): a command
takes one `filters` parameter and gets a Filters built from the flags it was given.
"""

from __future__ import annotations

import functools
import inspect
import sys
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.cli.options import COLORS, FILTER_OPTIONS, FORMATS, SORTS, FilterOption
from bigsearch.errors import BigsearchError

IndexDir = Annotated[
    Path | None,
    typer.Option("--index-dir", help="Index directory (default: $BIGSEARCH_INDEX or ./index)."),
]
CorpusDir = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus directory (default: $BIGSEARCH_CORPUS or ./corpus)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
SortOrder = StrEnum("SortOrder", {name.strip("-") + ("_desc" if name.startswith("-") else ""): name for name in SORTS})
OutputFormat = StrEnum("OutputFormat", {name: name for name in FORMATS})
ColorChoice = StrEnum("ColorChoice", {name: name for name in COLORS})
Color = Annotated[ColorChoice, typer.Option("--color", help="Colour: auto (a terminal without NO_COLOR), always, never.")]
NoPager = Annotated[bool, typer.Option("--no-pager", help="Never page long output through less.")]
Context = Annotated[int, typer.Option("-C", "--context", min=0, max=50, help="Show N paragraphs around each hit.")]


def guarded(function):
    """A command whose BigsearchError becomes a one-line message and its exit code, never a traceback."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except BigsearchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            raise typer.Exit(130) from None

    return run


def _annotation(option: FilterOption):
    kind = StrEnum(option.field.title(), {name: name for name in option.choices}) if option.choices else str
    return Annotated[kind | None, typer.Option(option.flag, help=option.help)]


def filter_options(only: tuple[str, ...] | None = None):
    """Gives a command the filter flags (all, or those named in `only`) in place of its `filters`
    parameter, which receives them as one Filters."""
    chosen = [option for option in FILTER_OPTIONS if only is None or option.field in only]

    def decorate(function):
        signature = inspect.signature(function, eval_str=True)
        parameters = []
        for parameter in signature.parameters.values():
            if parameter.name != "filters":
                parameters.append(parameter)
                continue
            parameters.extend(inspect.Parameter(option.field, parameter.kind, default=None,
                                                annotation=_annotation(option)) for option in chosen)

        @functools.wraps(function)
        def run(*args, **kwargs):
            given = {option.field: kwargs.pop(option.field, None) for option in chosen}
            return function(*args, filters=make_filters(**given), **kwargs)

        run.__signature__ = signature.replace(parameters=parameters)
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def make_filters(**given):
    from bigsearch.search.results import Filters

    return Filters(**{name: value.value if isinstance(value, Enum) else value for name, value in given.items()})


def notify(message: str) -> None:
    print(message, file=sys.stderr)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def printable(text: str) -> str:
    from bigsearch.textsafe import printable as escaped

    return escaped(text)


def open_searcher(index_dir: Path | None, corpus: Path | None = None):
    """The index for reading; built from the corpus first when it does not exist yet."""
    from bigsearch.config import resolve_corpus, resolve_index
    from bigsearch.session import open_searcher as opened

    return opened(resolve_index(index_dir), resolve_corpus(corpus), notify=notify)

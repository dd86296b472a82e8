"""What every typer command shares: its parameter types, the filter flags generated from the
facet registry (cli/options.py), the error handling, and opening the index.

Typer has no parameter groups, so `with_filters` writes the filter flags into a command's
signature when the app is built (as sqlite-utils' `output_options` decorator does for its output
flags): a command marked with `filter_options` takes one `filters` parameter and gets a Filters
built from the flags it was given.
"""

from __future__ import annotations

import functools
import inspect
import sys
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bigsearch.cli.options import COLORS, FORMATS, SORTS, filter_flags, period_options
from bigsearch.errors import BigsearchError
from bigsearch.facets import Option

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


def _annotation(option: Option):
    if option.switch:  # --ocr/--no-ocr: True, False, or None when neither is given
        return Annotated[bool | None, typer.Option(f"{option.flag}/--no-{option.flag[2:]}", help=option.help)]
    kind = StrEnum(option.name.title(), {name: name for name in option.choices}) if option.choices else str
    return Annotated[kind | None, typer.Option(option.flag, help=option.help)]


def filter_options(period: bool = False):
    """Marks a command that takes the filter flags (all of them, or with `period` only --year,
    --from and --to) in place of its `filters` parameter; `with_filters` writes them in."""

    def mark(function):
        function.filter_scope = "period" if period else "all"
        return function

    return mark


def with_filters(function):
    """A marked command with the filter flags in its signature, read from the facet registry now,
    and a Filters built from them handed to its `filters` parameter. Unmarked commands pass as they are."""
    if not hasattr(function, "filter_scope"):
        return function
    scope = period_options() if function.filter_scope == "period" else None
    chosen = [option for option in filter_flags() if scope is None or option.name in scope]
    signature = inspect.signature(function, eval_str=True)
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.name != "filters":
            parameters.append(parameter)
            continue
        parameters.extend(inspect.Parameter(option.name, parameter.kind, default=None, annotation=_annotation(option))
                          for option in chosen)

    @functools.wraps(function)
    def run(*args, **kwargs):
        given = {option.name: kwargs.pop(option.name, None) for option in chosen}
        return function(*args, filters=make_filters(**given), **kwargs)

    del run.filter_scope  # copied by functools.wraps: this one is expanded
    run.__signature__ = signature.replace(parameters=parameters)
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


def command(group: typer.Typer, name: str, function) -> None:
    """Registers `function` on `group` as `name`, with its filter flags and under `guarded`."""
    group.command(name=name)(guarded(with_filters(function)))


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

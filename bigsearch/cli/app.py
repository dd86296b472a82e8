"""The typer app: every command but the quick `search` path (cli/entry.py) starts here.

Commands live in cli/commands/, one module per group; this module only gathers them (make_app).
Each runs under `guarded`: a BigsearchError is one line on stderr and its exit code, never a
traceback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from bigsearch.cli.commands import browse, index, opensearch, reports, search, serve, watch
from bigsearch.cli.params import command, describe_defaults, printable


def _version(value: bool) -> None:
    if value:
        from bigsearch import __version__

        print(f"bigsearch {__version__}")
        raise typer.Exit()


class Language(StrEnum):
    sv = "sv"
    en = "en"


def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
    lang: Annotated[Language | None, typer.Option("--lang", help="The language of what bigsearch says: sv or en "
                    "(default: $BIGSEARCH_LANG, else from the locale: sv for a Swedish one or none, en otherwise). "
                    "Works before or after the command.")] = None,
) -> None:
    """Search the minutes of BIG – Brottsförebyggarna i Gävle."""
    from bigsearch.messages import set_language

    set_language(lang.value if lang else None)


class App(typer.Typer):
    """The typer app, whose help names the index and corpus a command will use, resolved when it runs."""

    def __call__(self, *args, **kwargs):
        index, corpus = describe_defaults()
        self.info.epilog = f"Index: {printable(str(index))}   Corpus: {printable(str(corpus))}   (see --index-dir, --corpus)"
        return super().__call__(*args, **kwargs)


def make_app() -> typer.Typer:
    """The app, its options read from the facet registry and the engine table as they are now."""
    app = App(name="bigsearch", help="Search the minutes of BIG – Brottsförebyggarna i Gävle.",
              no_args_is_help=True, add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None)
    app.callback()(_root)
    for group in (search, reports, browse, index, serve):
        for name, function in group.COMMANDS.items():
            command(app, name, function)
    app.add_typer(watch.group(), name="watch")
    app.add_typer(opensearch.group(), name="opensearch")
    return app


app = make_app()

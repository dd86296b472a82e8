"""The console entry point (the `bigsearch` script).

`bigsearch search …` is answered without importing typer and rich (about 100 ms of start-up
here). The quick parser is generated from the same declarations as the typer command
(cli/options.py); anything it does not fully understand, and every other command, goes to the
typer app (cli/app.py), which owns help texts and error messages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bigsearch.cli.options import DEFAULT_LIMIT, MAX_LIMIT, SORTS, filter_flags


class _NotForUs(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # defer to typer's own message
        raise _NotForUs(message)


def _parser() -> _Parser:
    parser = _Parser(prog="bigsearch search", add_help=False, allow_abbrev=False)
    parser.add_argument("query")
    for option in filter_flags():
        if option.switch:
            parser.add_argument(option.flag, dest=option.name, action=argparse.BooleanOptionalAction)
        else:
            parser.add_argument(option.flag, dest=option.name, choices=option.choices)
    parser.add_argument("--sort", choices=SORTS, default=SORTS[0])
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--corpus", type=Path)
    return parser


def fast_search(argv: list[str]) -> int | None:
    """Exit code of a `search` handled here, or None to hand the command to typer."""
    if not argv or argv[0] != "search" or any(a in ("--help", "-h") for a in argv[1:]):
        return None
    # "--sort -date": a value that starts with a dash, which argparse would take for an option.
    joined: list[str] = []
    for arg in argv:
        if joined and joined[-1] == "--sort" and arg.startswith("-"):
            joined[-1] = f"--sort={arg}"
        else:
            joined.append(arg)
    argv = joined
    try:
        ns = _parser().parse_args(argv[1:])
    except _NotForUs:
        return None
    if not 0 <= ns.limit <= MAX_LIMIT or ns.offset < 0 or ns.query.startswith("-"):
        return None
    from bigsearch.cli.searching import SearchArgs, run_search
    from bigsearch.errors import BigsearchError
    from bigsearch.search.results import Filters

    filters = Filters(**{option.name: getattr(ns, option.name) for option in filter_flags()})
    try:
        return run_search(SearchArgs(ns.query, filters, ns.sort, ns.limit, ns.offset, ns.json, ns.index_dir, ns.corpus))
    except BigsearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _quiet_broken_pipe() -> None:
    """The reader went away (`bigsearch search x | head -1`): stop quietly, as grep does."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main() -> None:
    try:
        code = fast_search(sys.argv[1:])
        if code is None:
            from bigsearch.cli.app import app

            try:
                app(prog_name="bigsearch", standalone_mode=True)
            except SystemExit as exc:
                code = exc.code
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)
    sys.exit(code)

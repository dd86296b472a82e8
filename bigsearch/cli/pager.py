"""Long output on a terminal goes through a pager; pipes and short output are printed as they are.

The pager is `$PAGER` when it is set (an empty `PAGER=` means no pager), else `less` when it is
installed, else none. `less` always gets `-R` so colours show as colours whatever `$LESS` says,
and `$LESS` defaults to `FRX` (quit when the text fits, keep the screen). Other pagers may not
understand colour codes, so they get the text without them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def pager_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """The pager's argument list, or None for no pager."""
    environ = os.environ if environ is None else environ
    if "PAGER" in environ:
        try:
            argv = shlex.split(environ["PAGER"])
        except ValueError:  # unbalanced quotes: not a command we can run
            return None
        if not argv:
            return None
    else:
        less = shutil.which("less")
        if less is None:
            return None
        argv = [less]
    if _is_less(argv):
        argv = [*argv, "-R"]
    return argv


def _is_less(argv: list[str]) -> bool:
    return os.path.basename(argv[0]) == "less"


def fits_screen(text: str) -> bool:
    try:
        size = os.get_terminal_size(sys.stdout.fileno())
    except OSError:
        return True
    lines = 0
    width = max(size.columns, 1)
    for line in ANSI_ESCAPE.sub("", text).split("\n"):
        lines += max(1, -(-len(line) // width))
    return lines <= size.lines - 2


def page(text: str, wanted: bool = True) -> None:
    """Prints `text` (which may hold colour codes), through the pager when it does not fit a terminal."""
    if not (wanted and sys.stdout.isatty()) or fits_screen(text):
        _print(text)
        return
    argv = pager_command()
    if argv is None:
        _print(text)
        return
    if not _is_less(argv):
        text = ANSI_ESCAPE.sub("", text)
    environ = dict(os.environ)
    environ.setdefault("LESS", "FRX")
    encoding = sys.stdout.encoding or "utf-8"
    sys.stdout.flush()
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=environ)
    except OSError:  # $PAGER names a program that is not there: show the text anyway
        _print(text)
        return
    # Ctrl-C belongs to the pager while it runs (less uses it to stop a search), as in git.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process.communicate(text.encode(encoding, errors="replace") + b"\n")
    finally:
        signal.signal(signal.SIGINT, previous)


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")

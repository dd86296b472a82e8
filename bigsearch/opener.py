"""Opening a paragraph's original file with the system's opener, at its page where the viewer can.

$BIGSEARCH_OPEN names the program (it gets the file, and `--page N` style arguments only for
viewers known to take them); otherwise xdg-open (Linux), open (macOS) or the Windows shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from bigsearch.errors import ConfigError

# Viewers that open a PDF at a page, and how they are told.
PAGE_ARGS = {"evince": ["-p", "{page}"], "okular": ["-p", "{page}"], "zathura": ["-P", "{page}"],
             "qpdfview": [], "mupdf": [], "xpdf": []}


def command_for(path: Path, page: int | None = None) -> list[str]:
    chosen = os.environ.get("BIGSEARCH_OPEN")
    if chosen:
        program = shlex.split(chosen)
    elif sys.platform == "darwin":
        program = ["open"]
    elif sys.platform.startswith("win"):
        program = ["cmd", "/c", "start", ""]
    else:
        found = shutil.which("xdg-open")
        if not found:
            raise ConfigError(f"no program to open {path} — install xdg-utils or set BIGSEARCH_OPEN to a viewer")
        program = [found]
    name = Path(program[0]).name
    extra: list[str] = []
    if page and path.suffix.lower() == ".pdf" and name in PAGE_ARGS:
        extra = [arg.format(page=page) for arg in PAGE_ARGS[name]]
    return [*program, *extra, str(path)]


def open_original(path: Path, page: int | None = None) -> list[str]:
    """Starts the viewer without waiting for it; returns the command used."""
    if not path.is_file():
        raise ConfigError(f"the original {path} is gone — it was indexed from there; re-index or restore the file")
    command = command_for(path, page)
    try:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError as exc:
        raise ConfigError(f"cannot start {command[0]} ({exc.strerror}) — set BIGSEARCH_OPEN to a viewer") from exc
    return command

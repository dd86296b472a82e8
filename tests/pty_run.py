"""Runs the bigsearch console script on a real pseudo-terminal, as a user at a terminal would.

Pipes and CliRunner never see what only a terminal triggers (the pager, colour, screen size,
the browser's full-screen mode); these helpers do. Work is bounded by output, not by the clock:
a run ends when the program exits; the limits below only stop a hung program from hanging the
suite.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78MDEc])")
GIVE_UP_SECONDS = 120  # a liveness bound for a hung program, not a speed assertion


def console_script() -> list[str]:
    script = Path(sys.executable).parent / "bigsearch"
    if script.exists():
        return [str(script)]
    found = shutil.which("bigsearch")
    return [found] if found else [sys.executable, "-m", "bigsearch"]


@dataclass
class TerminalRun:
    raw: bytes
    exit_code: int | None
    unmet: tuple[bytes, ...] = ()  # the scripted texts that never appeared (the first one stopped it)

    @property
    def screen_text(self) -> str:
        """What the terminal showed, with the control sequences taken out."""
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")


def run_on_terminal(args: list[str], env: dict[str, str], size: tuple[int, int] = (24, 80),
                    keys: list[bytes] | tuple[bytes, ...] = (), quit_key: bytes | None = b"q",
                    wait_for: bytes | None = None,
                    script: list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...] = ()) -> TerminalRun:
    """Runs `bigsearch ARGS` on a pty of `size` (rows, columns).

    `keys` are typed one at a time, each once the output has gone quiet (or once `wait_for`
    has appeared, for the first); whenever the program sits waiting for input after that
    (a pager, the browser), `quit_key` is typed (None: never). Returns everything the terminal
    received.

    `script` drives a program by what it shows: each (text, key) types `key` once `text` has
    appeared in the output since the previous key and the output has paused. The script's last
    key should end the program; with `quit_key` None nothing else is typed.
    """
    rows, columns = size
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of the asked size, then the program
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        argv = console_script() + args
        os.execve(argv[0], argv, env)
    out = b""
    pending = list(keys)
    steps = list(script)
    since = 0  # where the output after the last scripted key starts
    started = time.monotonic()
    quiet_rounds = 0
    try:
        while time.monotonic() - started < GIVE_UP_SECONDS:
            ready, _, _ = select.select([fd], [], [], 0.4)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the program exited and its side of the pty closed
                    break
                if not chunk:
                    break
                out += chunk
                quiet_rounds = 0
                continue
            quiet_rounds += 1
            if steps:
                # Typed once the text is there and the screen has stopped changing, so the rest
                # of the same frame never counts as what the key did.
                if steps[0][0] in ANSI.sub(b"", out[since:]):
                    since = len(out)
                    try:
                        os.write(fd, steps.pop(0)[1])
                    except OSError:
                        break
                continue
            if quit_key is None:
                continue
            if wait_for is not None and wait_for not in ANSI.sub(b"", out):
                continue
            if quiet_rounds < 2:
                continue
            key = pending.pop(0) if pending else quit_key
            quiet_rounds = 0
            try:
                os.write(fd, key)
            except OSError:
                break
    finally:
        code = _reap(pid)
        os.close(fd)
    return TerminalRun(out, code, tuple(text for text, _ in steps))


def _reap(pid: int) -> int | None:
    for _ in range(50):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def terminal_env(index_dir: Path, color: bool, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PAGER", "LESS", "NO_COLOR", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", BIGSEARCH_INDEX=str(index_dir), LANG="C.UTF-8")
    if not color:
        env["NO_COLOR"] = "1"
    env.update(extra)
    return env

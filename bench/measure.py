"""Measuring a command (CPU-seconds, wall time, peak memory of its whole process tree) and
summarising samples (percentiles and spread).

CPU comes from the kernel's accounting of the finished process and every child it waited for
(wait4): it grows far less than wall time when other work shares the machine (caches and
memory bandwidth are shared, so it does grow: compare within one run); wall time is shown beside it.
Peak memory is the largest single process's own peak (ru_maxrss, exact; commands start from a
small process, see spawner.py), and for commands that run workers at once (builds) the largest
sum over the live process tree seen by sampling /proc every 50 ms.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass

PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20


@dataclass
class Run:
    args: list[str]
    exit_code: int
    cpu_s: float
    wall_s: float
    peak_rss_mib: float
    stdout: bytes
    stderr: bytes

    def as_dict(self) -> dict:
        return {"cpu_s": self.cpu_s, "wall_s": self.wall_s, "peak_rss_mib": self.peak_rss_mib}


class CommandFailed(RuntimeError):
    pass


def _parents() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants now."""
    children, total, todo = _parents(), 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo.extend(children.get(pid, []))
    return total


class _Spawner:
    """The small process every measured command is started from (see spawner.py)."""

    def __init__(self) -> None:
        import sys

        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spawner.py")
        self.proc = subprocess.Popen([sys.executable, "-I", "-S", script], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.folder = tempfile.mkdtemp(prefix="bench-spawn-")

    def start(self, args: list[str], env: dict | None, cwd: str | None) -> int:
        request = {"args": [str(a) for a in args], "env": dict(os.environ if env is None else env), "cwd": cwd,
                   "stdout": os.path.join(self.folder, "out"), "stderr": os.path.join(self.folder, "err")}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())["pid"]

    def finished(self, timeout: float) -> dict | None:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return json.loads(self.proc.stdout.readline()) if ready else None

    def output(self) -> tuple[bytes, bytes]:
        with open(os.path.join(self.folder, "out"), "rb") as out, open(os.path.join(self.folder, "err"), "rb") as err:
            return out.read(), err.read()


_spawner: _Spawner | None = None


def run(args: list[str], env: dict | None = None, ok: tuple[int, ...] = (0,), tree: bool = False,
        sample_every: float = 0.05, cwd: str | None = None) -> Run:
    """Runs `args` to the end; raises CommandFailed (with its stderr) when the exit code is not in `ok`.

    `tree`: also sample the memory of the whole process tree (for commands that run workers at
    the same time); otherwise the peak is the largest single process's, which is exact.
    """
    global _spawner
    if _spawner is None or _spawner.proc.poll() is not None:
        _spawner = _Spawner()
    start = time.perf_counter()
    pid = _spawner.start(args, env, cwd)
    peak = 0
    while True:
        done = _spawner.finished(sample_every if tree else 3600.0)
        if done is not None:
            break
        peak = max(peak, tree_rss(pid))
    wall = time.perf_counter() - start
    stdout, stderr = _spawner.output()
    if done["status"] not in ok:
        raise CommandFailed(f"{' '.join(map(str, args))} exited {done['status']}:\n"
                            f"{stderr.decode('utf-8', 'replace')[-3000:]}")
    peak = max(peak, done["maxrss_kib"] * 1024)
    return Run([str(a) for a in args], done["status"], done["cpu_s"], wall, peak / MIB, stdout, stderr)


# -- summaries ------------------------------------------------------------------------------------


def quantile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: list[float]) -> dict:
    """p50, p95, min, max and the interquartile range of a list of samples."""
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": quantile(values, 0.5), "p95": quantile(values, 0.95),
            "min": min(values), "max": max(values), "iqr": quantile(values, 0.75) - quantile(values, 0.25)}


def median(values: list[float]) -> float:
    return quantile(values, 0.5)

"""Worker processes tied to their parent's life: they die with it, leave Ctrl-C to it, and hold
none of its locks.

Used by the whoosh engine's multiprocessing writer (engines/whoosh_writer.py) and by the sync's
ingest worker (index/ingest_worker.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1

# Lock descriptors this process holds: a forked worker closes its copies, so that only this
# process holds the lock and it is free the moment this process dies.
HELD_LOCK_FDS: set[int] = set()


def supported() -> bool:
    """Worker processes are used only where they can be tied to their parent's life."""
    return sys.platform.startswith("linux")


def die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def close_inherited_locks(fds: tuple[int, ...]) -> None:
    """In a worker: closing a copy keeps the parent's lock; it no longer outlives the parent."""
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


@contextlib.contextmanager
def ctrl_c_held():
    """Around a fork: the child starts with Ctrl-C blocked (so it never sees one before it ignores
    them), and a Ctrl-C in the parent waits until the fork is over. Raised inside the fork's
    own handlers, it would be swallowed there ("Exception ignored") and the run would go on."""
    pressed: list[int] = []
    in_main = threading.current_thread() is threading.main_thread()  # only it may set handlers
    previous = signal.signal(signal.SIGINT, lambda number, frame: pressed.append(number)) if in_main else None
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        if in_main:
            signal.signal(signal.SIGINT, previous)
    if pressed:
        if callable(previous):
            previous(signal.SIGINT, None)  # the default handler raises KeyboardInterrupt
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

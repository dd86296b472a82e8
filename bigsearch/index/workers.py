"""Whoosh's multiprocessing writer, made safe to kill, interrupt and run out of disk.

Whoosh's MpWriter forks worker processes that each write a segment. As shipped, a killed parent
left its workers running (holding the index locks they inherited), Ctrl-C printed a traceback
per worker, a worker that failed (a full disk) made the parent wait forever or, worse, lose the
worker's documents silently, and cancel() never reached the workers. Here:

- a worker dies with its parent (Linux PR_SET_PDEATHSIG) and closes its copies of the lock
  descriptors, so the lock is free the moment the parent dies;
- workers ignore Ctrl-C; the parent cancels them;
- a worker's error travels back to the parent and is raised there, never waited for in vain;
- cancel() kills the workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import sys
import threading

from whoosh.multiproc import MpWriter, SubWriterTask

from bigsearch.engines import whoosh_store as store
from bigsearch.errors import IndexWriteError

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.2
_LATE_REPORTS = 3  # polls for the report of a worker that has exited (written before it exits)


def supported() -> bool:
    """Worker processes are used only where they can be tied to their parent's life."""
    return sys.platform.startswith("linux")


def _die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


@contextlib.contextmanager
def _ctrl_c_held():
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


class WorkerFailed(IndexWriteError):
    """A worker ended without delivering its segment."""

    def __init__(self, what: str) -> None:
        super().__init__(f"writing the index failed: {what}; the previous index is kept")


class _Worker(SubWriterTask):
    def __init__(self, *args, lock_fds: tuple[int, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._parent = os.getpid()
        self._lock_fds = lock_fds

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        try:
            _die_with_parent(self._parent)
            for fd in self._lock_fds:
                with contextlib.suppress(OSError):
                    os.close(fd)  # closing a copy keeps the parent's lock; it no longer outlives it
            super().run()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            with contextlib.suppress(Exception):
                self.resultqueue.put(("error", getattr(exc, "errno", None), f"{type(exc).__name__}: {exc}"))
                self.resultqueue.close()
                self.resultqueue.join_thread()
            os._exit(1)  # no traceback on the terminal; the parent reports the error


class SafeMpWriter(MpWriter):
    """MpWriter whose workers cannot outlive it, hang it or fail silently (multisegment only)."""

    def __init__(self, ix, procs: int, **kwargs) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)
        self._results: list = []

    def _new_task(self):
        lock_fds = set(store.HELD_LOCK_FDS)
        if self.writelock is not None and getattr(self.writelock, "fd", None) is not None:
            lock_fds.add(self.writelock.fd)
        task = _Worker(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                       self.multisegment, lock_fds=tuple(lock_fds))
        self.tasks.append(task)
        with _ctrl_c_held():
            task.start()
        return task

    def _enqueue(self):
        # As MpWriter's, but a full job queue is waited on while watching the workers.
        import pickle

        from whoosh.util import random_name

        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as handle:
            for item in self.docbuffer:
                pickle.dump(item, handle, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put(self, job) -> None:
        while True:
            try:
                self.jobqueue.put(job, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                self._check_workers()

    def _collect(self, block: bool) -> None:
        while True:
            try:
                result = self.resultqueue.get(timeout=_POLL_SECONDS) if block else self.resultqueue.get_nowait()
            except queue.Empty:
                return
            if result and result[0] == "error":
                _, errno_, message = result
                if errno_ is not None:
                    raise OSError(errno_, os.strerror(errno_))
                raise WorkerFailed(message)
            self._results.append(result)
            block = False

    def _check_workers(self) -> None:
        self._collect(block=False)
        dead = [task for task in self.tasks if task.exitcode is not None]
        for _ in range(_LATE_REPORTS):  # a report written just before its worker exited may still be in the pipe
            if len(self._results) >= len(dead):
                return
            self._collect(block=True)
        failed = [task.exitcode for task in dead if task.exitcode != 0]
        raise WorkerFailed(f"an index worker ended without its segment (exit code {failed[0] if failed else 0})")

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        while len(self._results) < len(self.tasks):
            self._collect(block=True)
            self._check_workers()
        for task in self.tasks:
            task.join()
        finalsegments += [segment for _, _, segment in self._results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self) -> None:
        for task in self.tasks:
            with contextlib.suppress(Exception):
                task.kill()
        for task in self.tasks:
            with contextlib.suppress(Exception):
                task.join()
        with contextlib.suppress(Exception):
            self.jobqueue.cancel_join_thread()
            self.resultqueue.cancel_join_thread()
        if not self.is_closed:
            super(MpWriter, self).cancel()


# -- ingest in a worker process (the engines other than Whoosh, which analyse in this process) -------


def _ingest_worker_start(parent: int, lock_fds: tuple[int, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    for fd in lock_fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _ingest_one(job: tuple):
    from pathlib import Path

    from bigsearch.errors import ReadError
    from bigsearch.ingest.pipeline import ingest_file

    path, ocr = job
    try:
        return ingest_file(Path(path), ocr), None
    except ReadError as exc:
        return None, str(exc)


def ingested(paths: list, ocr=None):
    """(path, Document or None, error or None) in order; files are read, cleaned and segmented in a
    worker process (dying with this one) while this process indexes the previous ones. `ocr`: the
    run's OcrOptions (scanned pages are read by OCR helpers that the worker starts and owns)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with _ctrl_c_held():
        pool = context.Pool(1, initializer=_ingest_worker_start, initargs=(os.getpid(), tuple(store.HELD_LOCK_FDS)))
    try:
        for path, (doc, error) in zip(paths, pool.imap(_ingest_one, [(str(p), ocr) for p in paths], chunksize=4),
                                      strict=True):
            yield path, doc, error
    finally:
        pool.terminate()
        pool.join()

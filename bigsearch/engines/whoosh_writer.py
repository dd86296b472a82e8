"""The whoosh engine's writer: the EngineWriter the sync drives (index/sync.py), over Whoosh's own
writer, or for large runs over its multiprocessing writer made safe to kill, interrupt and run
out of disk.

Whoosh's MpWriter forks worker processes that each analyse and write a segment. As shipped, a
killed parent left its workers running (holding the index locks they inherited), Ctrl-C printed
a traceback per worker, a worker that failed (a full disk) made the parent wait forever or, worse,
lose the worker's documents silently, and cancel() never reached the workers. Here:

- a worker dies with its parent (Linux PR_SET_PDEATHSIG) and closes its copies of the lock
  descriptors, so the lock is free the moment the parent dies;
- workers ignore Ctrl-C; the parent cancels them;
- a worker's error travels back to the parent and is raised there, never waited for in vain;
- cancel() kills the workers.

Everything a run writes lands in one commit, whose table of contents is renamed into place: a
run killed at any moment leaves the previous index; cancel() removes what it wrote.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
from pathlib import Path

from whoosh.multiproc import MpWriter, SubWriterTask

from bigsearch import processes
from bigsearch.engines import whoosh_store as store
from bigsearch.engines.whoosh_schema import paragraph_document, source_document
from bigsearch.errors import IndexWriteError

WORKERS = 2  # writer processes of a large run (the machine's cores permitting)
LIMIT_MB = 256  # Whoosh's in-memory buffer per writer
_POLL_SECONDS = 0.2
_LATE_REPORTS = 3  # polls for the report of a worker that has exited (written before it exits)


class WhooshWriter:
    """The EngineWriter of the whoosh engine (engines/interface.py). Called under the engine's
    write lock (WhooshEngine.write_lock), which the sync holds for the whole run."""

    def __init__(self, index_dir: Path, ix, rebuild: bool, parallel: bool) -> None:
        self.failed_sources: dict = {}  # Whoosh refuses no single document: a failure fails the run
        self.index_dir = index_dir
        self.rebuild = rebuild
        procs = min(WORKERS, os.cpu_count() or 1) if parallel and processes.supported() else 1
        self.writer = SafeMpWriter(ix, procs=procs, limitmb=LIMIT_MB) if procs > 1 else ix.writer(limitmb=LIMIT_MB)

    def replace_source(self, source: dict, paragraphs: list[dict]) -> None:
        if not self.rebuild:  # a rebuild's commit clears everything before it
            self.writer.delete_by_term("source_key", source["source_key"])
        for record in paragraphs:
            self.writer.add_document(**paragraph_document(record))
        self.writer.add_document(**source_document(source))

    def remove_source(self, source_key: str) -> None:
        self.writer.delete_by_term("source_key", source_key)

    def commit(self) -> None:
        if self.rebuild:
            from whoosh.writing import CLEAR

            self.writer.commit(mergetype=CLEAR)
        else:
            self.writer.commit()
        for old in store.other_versions(self.index_dir):  # an index of another version, now replaced
            store.remove_version(self.index_dir, old)

    def cancel(self) -> None:
        try:
            if not self.writer.is_closed:
                self.writer.cancel()
        finally:
            with contextlib.suppress(OSError):  # the run's own error is the one to report
                store.remove_leftovers(self.index_dir)  # this run's partial segments; the committed ones stay


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
            processes.die_with_parent(self._parent)
            processes.close_inherited_locks(self._lock_fds)
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
        lock_fds = set(processes.HELD_LOCK_FDS)
        if self.writelock is not None and getattr(self.writelock, "fd", None) is not None:
            lock_fds.add(self.writelock.fd)
        task = _Worker(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                       self.multisegment, lock_fds=tuple(lock_fds))
        self.tasks.append(task)
        with processes.ctrl_c_held():
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

"""Ingest in a worker process: files are read, cleaned and segmented there (dying with this
process) while this process analyses and indexes the previous ones. For the engines whose
writers analyse in this process (tantivy, opensearch); whoosh's writer has workers of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from bigsearch import processes


def _start(parent: int, lock_fds: tuple[int, ...]) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    processes.die_with_parent(parent)
    processes.close_inherited_locks(lock_fds)


def _ingest_one(job: tuple):
    from bigsearch.errors import ReadError
    from bigsearch.ingest.pipeline import ingest_file

    path, ocr = job
    try:
        return ingest_file(Path(path), ocr), None
    except ReadError as exc:
        return None, str(exc)


def ingested(paths: list[Path], ocr=None) -> Iterator[tuple[Path, object, str | None]]:
    """(path, Document or None, error or None) in order. `ocr`: the run's OcrOptions (scanned pages are
    read by OCR helpers that the worker starts and owns; they exit when it dies)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with processes.ctrl_c_held():
        pool = context.Pool(1, initializer=_start, initargs=(os.getpid(), tuple(processes.HELD_LOCK_FDS)))
    try:
        for path, (doc, error) in zip(paths, pool.imap(_ingest_one, [(str(p), ocr) for p in paths], chunksize=4),
                                      strict=True):
            yield path, doc, error
    finally:
        pool.terminate()
        pool.join()

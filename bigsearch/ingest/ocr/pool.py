"""The run's OCR helpers: one process per core, each reading one page at a time.

OCR is slow (about a second a page) and runs in C; in helper processes it reads pages in
parallel, a page that takes too long is stopped by killing its helper, and neither Ctrl-C nor a
SIGKILL of the run has to wait for Tesseract:
- helpers sit in their own process group, so Ctrl-C reaches only the run, which kills them;
- a helper exits when its parent dies (worker.py watches), so a killed run leaves none behind;
- the run waits on the helpers with select(), so Ctrl-C interrupts it at once.
Helpers are started on the first page that needs OCR and reused by the next files; an idle one
exits by itself after a few minutes.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from bigsearch.ingest.ocr import protocol

GRACE_SECONDS = 30.0  # beyond the page's OCR time limit: rendering and cleaning a large page
START_SECONDS = 120.0  # for a helper to import its libraries and load the language data


class HelperFailed(Exception):
    pass


@dataclass
class PageDone:
    index: int
    lines: list[str] | None
    confidence: int | None
    error: str | None  # why the page was not read (too slow, too large, the helper died)


class Helper:
    def __init__(self, settings: dict) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bigsearch.ingest.ocr.worker", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
            process_group=0, close_fds=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core each
        )
        self.document: int | None = None  # the id of the file it holds
        self.page: int | None = None  # the page it is reading
        self.deadline = 0.0
        try:
            self.version = self.call(("init", settings), START_SECONDS)[1]
        except TimeoutError:
            self.kill()
            raise HelperFailed(f"the OCR helper did not start within {START_SECONDS:g} s") from None
        except BaseException:  # HelperFailed, or Ctrl-C while it starts: it must not live on
            self.kill()
            raise

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message) -> None:
        view = memoryview(protocol.frame(message))
        try:
            while view:  # an unbuffered pipe may take a large message in parts
                view = view[self.process.stdin.write(view):]
        except OSError as exc:
            raise HelperFailed(self._died()) from exc

    def call(self, message, seconds: float):
        self.send(message)
        answer = self.receive(time.monotonic() + seconds)
        if answer[0] == "error":
            raise HelperFailed(answer[1])
        return answer

    def receive(self, deadline: float):
        head = self._read(protocol.HEADER, deadline)
        return pickle.loads(self._read(protocol.length(head), deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        data = b""
        fd = self.process.stdout.fileno()
        while len(data) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if ready:
                chunk = os.read(fd, size - len(data))
                if not chunk:
                    raise HelperFailed(self._died())
                data += chunk
        return data

    def _died(self) -> str:
        code = self.process.wait()
        return f"the OCR helper ended unexpectedly (exit code {code})"

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class OcrPool:
    def __init__(self, settings: dict, size: int) -> None:
        self.settings = settings
        self.size = max(1, size)
        self.helpers: list[Helper] = []
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.documents = 0

    def _helper(self, number: int) -> Helper:
        while len(self.helpers) <= number:
            self.helpers.append(Helper(self.settings))
        if not self.helpers[number].alive():  # exited when idle, or was killed on a deadline
            self.helpers[number].kill()
            self.helpers[number] = Helper(self.settings)
        return self.helpers[number]

    def read(self, kind: str, data: bytes, indexes: list[int], seconds: float) -> Iterator[PageDone]:
        """Each page's text as it is done (in no particular order). Pages are spread over the helpers.

        A page that fails (too slow, too large, its helper died) is a PageDone with the reason;
        HelperFailed when no helper can start or open the file."""
        with self.lock:
            self.documents += 1
            document = self.documents
            waiting = list(indexes)
            busy: list[Helper] = []
            try:
                while waiting or busy:
                    for number in range(min(self.size, len(indexes))):
                        if not waiting:
                            break
                        if number < len(self.helpers) and self.helpers[number] in busy:
                            continue
                        # A helper that cannot start or open the file fails the file (HelperFailed).
                        busy.append(self._start_page(number, document, kind, data, waiting.pop(0), seconds))
                    if busy:
                        yield self._next_done(busy)
            finally:
                for helper in busy:  # interrupted mid-page: its state is unknown
                    helper.kill()
                for helper in self.helpers:
                    if helper.alive() and helper.document == document:
                        helper.document = None
                        try:
                            helper.send(("close",))  # it lets go of the file's bytes
                        except HelperFailed:
                            helper.kill()

    def _start_page(self, number: int, document: int, kind: str, data: bytes, index: int, seconds: float) -> Helper:
        helper = self._helper(number)
        if helper.document != document:
            helper.call(("document", kind, data), START_SECONDS)
            helper.document = document
        helper.send(("page", index, seconds))
        helper.page = index
        helper.deadline = time.monotonic() + seconds + GRACE_SECONDS
        return helper

    def _next_done(self, busy: list[Helper]) -> PageDone:
        while True:
            now = time.monotonic()
            for helper in busy:
                if helper.deadline <= now:
                    busy.remove(helper)
                    helper.kill()
                    return PageDone(helper.page, None, None, "OCR took too long — the page was stopped")
            fds = {helper.process.stdout.fileno(): helper for helper in busy}
            wait = max(0.0, min(helper.deadline for helper in busy) - now)
            ready, _, _ = select.select(list(fds), [], [], min(wait, 1.0))
            if not ready:
                continue
            helper = fds[ready[0]]
            busy.remove(helper)
            try:
                answer = helper.receive(helper.deadline)
            except (HelperFailed, TimeoutError) as exc:
                helper.kill()
                return PageDone(helper.page, None, None, str(exc) or "OCR took too long — the page was stopped")
            if answer[0] == "error":
                return PageDone(helper.page, None, None, answer[1])
            _, index, result, error = answer
            if result is None:
                return PageDone(index, None, None, error)
            lines, confidence, _words = result
            return PageDone(index, lines, confidence, None)

    def close(self) -> None:
        for helper in self.helpers:
            helper.kill()
        self.helpers = []


_POOL: OcrPool | None = None
_POOL_LOCK = threading.Lock()


def pool(settings: dict) -> OcrPool:
    """This process's pool (a forked ingest worker starts its own: pipes are not shared)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL.owner != os.getpid() or _POOL.settings != settings:
            if _POOL is not None and _POOL.owner == os.getpid():
                _POOL.close()
            _POOL = OcrPool(settings, helper_count())
        return _POOL


def helper_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def shutdown() -> None:
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None and _POOL.owner == os.getpid():
            _POOL.close()
        _POOL = None


atexit.register(shutdown)

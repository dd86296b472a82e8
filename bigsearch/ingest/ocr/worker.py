"""An OCR helper process: `python -m bigsearch.ingest.ocr.worker PARENT_PID`.

Reads requests from stdin and answers on stdout (pool.py frames them). It renders, cleans and
reads one page at a time. It ignores Ctrl-C (the run handles it and kills its helpers), exits
when its parent dies (it checks twice a second, even while Tesseract works: tesserocr releases
the GIL), and exits after IDLE_SECONDS without a request.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time

from bigsearch.ingest.ocr import protocol

IDLE_SECONDS = 300


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def serve(parent: int, requests, answers) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    api = pages = None
    settings: dict = {}
    while True:
        ready, _, _ = select.select([requests], [], [], IDLE_SECONDS)
        if not ready:
            return
        message = protocol.receive(requests)
        if message is None:
            return
        kind = message[0]
        try:
            if kind == "init":
                from bigsearch.ingest.ocr import engine

                settings = message[1]
                api = engine.open_engine(settings["tessdata"], settings["language"])
                protocol.send(answers, ("ready", engine.engine_version()))
            elif kind == "document":
                from bigsearch.ingest.ocr.render import open_pages

                if pages is not None:
                    pages.close()
                pages = open_pages(message[1], message[2])
                protocol.send(answers, ("opened", len(pages)))
            elif kind == "page":
                protocol.send(answers, ("page", message[1], *_read_page(api, pages, message[1], message[2], settings)))
            elif kind == "close" and pages is not None:
                pages.close()
                pages = None
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the run, named
            protocol.send(answers, ("error", f"{type(exc).__name__}: {exc}"[:300]))


def _read_page(api, pages, index: int, seconds: float, settings: dict):
    from bigsearch.ingest.ocr import clean, engine
    from bigsearch.ingest.ocr.render import PageTooLarge

    try:
        page = pages.page(index)
    except PageTooLarge as exc:
        return None, f"not read: {exc}"
    image = clean.clean(page.image, tuple(settings["steps"]))
    try:
        result = engine.recognise(api, image, page.dpi, seconds)
    except engine.PageTimeout as exc:
        return None, str(exc)
    return (result.lines, result.confidence, result.words), None


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle
    parent = int(sys.argv[1])
    if os.getppid() != parent:
        return
    # Unbuffered: select() then sees every byte the run sent.
    serve(parent, sys.stdin.buffer.raw, sys.stdout.buffer)


if __name__ == "__main__":
    main()

"""OCR benchmark: accuracy of each cleaning step, throughput, and proof that re-indexing an OCRed
archive does no OCR. Synthetic scans of the bundled protocols (bench/scans.py): every page
speckled and rotated ±2°, every third page also at low contrast, put into PDFs as JPEG (as a
scanner does) and rendered back by the reader's own renderer.

    python -m bench.ocr_bench [--quick] [--memory-pages 500] [--json bench/ocr_results.json]

Accuracy is 1 - character error rate against the text each page shows (whitespace folded),
over the whole text and per paragraph; the targets (issue 21) are ≥ 98% over the whole text and
≥ 95% in at least 9 of 10 paragraphs. Throughput is measured interleaved with the Tesseract
command line (the same pages, the same language data) as the baseline, one process each.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

from bench import scans

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bigsearch" / "corpus"
# Cleaning pipelines, each adding one step to the one before (the README's table), and reorderings.
PIPELINES = (
    ("grayscale",),
    ("grayscale", "binarise"),
    ("grayscale", "binarise", "median"),
    ("grayscale", "binarise", "median", "deskew"),  # the default (clean.DEFAULT_STEPS)
    ("grayscale", "median"),
    ("grayscale", "median", "deskew"),
    ("grayscale", "median", "deskew", "binarise"),
)


def noisy_scan(text: str, seed: int) -> tuple[list[str], bytes]:
    """(each page's text, the scan as a PDF of JPEG pages)."""
    pages = scans.scan_pages(text)
    images = [scans.degrade(page.image, seed=seed * 100 + number, speckle=0.03,
                            rotation=2.0 if number % 2 else -2.0, contrast=0.35 if number % 3 == 2 else 1.0)
              for number, page in enumerate(pages)]
    return [page.text for page in pages], scans.pdf_of(images)


def corpus_scans() -> list[tuple[str, list[str], bytes]]:
    return [(path.name, *noisy_scan(path.read_text("utf-8"), seed))
            for seed, path in enumerate(sorted(CORPUS.glob("*.txt")))]


def clean_scans() -> list[tuple[str, list[str], bytes]]:
    """The same protocols as undamaged scans (only the JPEG of the PDF)."""
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        pages = scans.scan_pages(path.read_text("utf-8"))
        out.append((path.name, [page.text for page in pages], scans.pdf_of([page.image for page in pages])))
    return out


# -- accuracy -----------------------------------------------------------------------------------------

_API = None


def _ocr_job(job):
    """(name, page, pipeline) -> OCR text, in a pool process with its own Tesseract."""
    global _API
    from bigsearch.ingest.ocr import clean, engine
    from bigsearch.ingest.ocr.available import ocr_status
    from bigsearch.ingest.ocr.render import PdfPages

    name, index, steps, pdf = job
    if _API is None:
        _API = engine.open_engine(ocr_status().tessdata, "swe")
    pages = PdfPages(pdf)
    page = pages.page(index)
    pages.close()
    return name, index, steps, "\n".join(engine.recognise(_API, clean.clean(page.image, steps), page.dpi, 120).lines)


def paragraph_accuracies(expected: str, got: str) -> list[float]:
    """Each known paragraph's accuracy against the stretch of OCR text aligned with it."""
    known, read = scans.folded(expected), scans.folded(got)
    matcher = difflib.SequenceMatcher(None, known, read, autojunk=False)
    position = [0] * (len(known) + 1)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset in range(i2 - i1 + 1):
            position[i1 + offset] = j1 + (min(offset, j2 - j1) if tag != "equal" else offset)
    out, start = [], 0
    for paragraph in scans.paragraphs(expected):
        at = known.find(paragraph, start)
        if at < 0:
            continue
        end = at + len(paragraph)
        out.append(1 - scans.edit_distance(paragraph, read[position[at]:position[end]]) / len(paragraph))
        start = end
    return out


def accuracy_table(documents, processes: int, pipelines=PIPELINES) -> dict:
    jobs = [(name, index, steps, pdf) for steps in pipelines for name, texts, pdf in documents
            for index in range(len(texts))]
    with get_context("fork").Pool(processes) as pool:
        results = pool.map(_ocr_job, jobs, chunksize=1)
    texts = {name: pages for name, pages, _ in documents}
    table = {}
    for steps in pipelines:
        known, read, paragraphs = [], [], []
        for name, index, done_steps, text in results:
            if done_steps != steps:
                continue
            known.append(texts[name][index])
            read.append(text)
            paragraphs += [value for value in paragraph_accuracies(texts[name][index], text)]
        whole = scans.char_accuracy("\n".join(known), "\n".join(read))
        pages = [scans.char_accuracy(k, r) for k, r in zip(known, read, strict=True)]
        table[" + ".join(steps)] = {
            "whole": round(whole, 4), "worst_page": round(min(pages), 4),
            "paragraphs_95": round(sum(value >= 0.95 for value in paragraphs) / len(paragraphs), 4),
            "paragraphs": len(paragraphs),
        }
    return table


# -- the scan as a protocol -------------------------------------------------------------------------


def structure(documents, cache: Path) -> list[dict]:
    """Meeting date, § items and principals of each scan against its text version (through the reader)."""
    from bigsearch.ingest.ocr import OcrOptions
    from bigsearch.ingest.pipeline import ingest_bytes, ingest_file

    rows = []
    for name, _, pdf in documents:
        scan = ingest_bytes(name.replace(".txt", ".pdf"), pdf, ".pdf", OcrOptions(cache_dir=cache))
        text = ingest_file(CORPUS / name)
        items = [sorted({p.section for p in doc.paragraphs if p.section}, key=lambda s: [int(x) for x in s.split(".")])
                 for doc in (scan, text)]
        principals = [sorted({p.principal for p in doc.paragraphs if p.principal}) for doc in (scan, text)]
        rows.append({"file": name, "date": scan.date == text.date, "items": items[0] == items[1],
                     "principals": principals[0] == principals[1], "scan_items": items[0], "text_items": items[1]})
    return rows


# -- throughput ---------------------------------------------------------------------------------------


def throughput(documents, rounds: int) -> dict:
    """Seconds per page, one process: bigsearch (render, clean, OCR) against the Tesseract command
    line on the same rendered page (its own reading of a PNG), interleaved page by page."""
    from bigsearch.ingest.ocr import clean, engine
    from bigsearch.ingest.ocr.available import ocr_status
    from bigsearch.ingest.ocr.render import PdfPages

    status = ocr_status()
    api = engine.open_engine(status.tessdata, "swe")
    cli = shutil.which("tesseract")
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for _name, texts, pdf in documents:
                for index in range(len(texts)):
                    started = time.process_time(), time.perf_counter()
                    pages = PdfPages(pdf)
                    page = pages.page(index)
                    pages.close()
                    engine.recognise(api, clean.clean(page.image), page.dpi, 120)
                    ours.append(time.perf_counter() - started[1])
                    if cli:
                        png = Path(folder) / "page.png"
                        page.image.save(png, dpi=(page.dpi, page.dpi))
                        began = time.perf_counter()
                        subprocess.run([cli, str(png), "-", "-l", "swe", "--tessdata-dir", str(status.tessdata)],
                                       capture_output=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
                        theirs.append(time.perf_counter() - began)
    result = {"pages": len(ours), "seconds_per_page": round(statistics.median(ours), 3),
              "pages_per_second_per_core": round(1 / statistics.median(ours), 3)}
    if theirs:
        result["tesseract_cli_seconds_per_page"] = round(statistics.median(theirs), 3)
        result["ratio_to_cli"] = round(statistics.median(ours) / statistics.median(theirs), 2)
    return result


# -- re-indexing an OCRed archive ---------------------------------------------------------------------


def reindex(documents) -> dict:
    from bigsearch.index.sync import sync

    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "archive"
        archive.mkdir()
        for name, _, pdf in documents:
            (archive / name.replace(".txt", ".pdf")).write_bytes(pdf)
        index_dir = Path(folder) / "ix"
        runs = {}
        for label, options in (("first", {}), ("incremental", {}), ("rebuild", {"rebuild": True})):
            began = time.perf_counter()
            report = sync(index_dir, [archive], **options)
            runs[label] = {"ocr_read": report.ocr_read, "ocr_cached": report.ocr_cached,
                           "seconds": round(time.perf_counter() - began, 2), "added": report.added,
                           "unchanged": report.unchanged}
        (archive / "moved").mkdir()
        for path in list(archive.glob("*.pdf")):
            path.rename(archive / "moved" / path.name)  # a reorganised archive: new names, same files
        report = sync(index_dir, [archive])
        runs["moved"] = {"ocr_read": report.ocr_read, "ocr_cached": report.ocr_cached, "added": report.added,
                         "removed": report.removed}
    return runs


# -- memory on a long scan ----------------------------------------------------------------------------


def memory(pages: int) -> dict:
    """Peak memory of the run and its OCR helpers on a scan of `pages` pages (a few lines each)."""
    from bigsearch.ingest.ocr import OcrOptions
    from bigsearch.ingest.ocr import pool as ocr_pool
    from bigsearch.ingest.pipeline import ingest_bytes

    text = (CORPUS / "004_943a0a2b978b1b13.txt").read_text("utf-8").splitlines()
    images = [scans.render_page([f"Sida {number + 1}", "", *[line for line in text if line.strip()][number % 20:][:3]]).image
              for number in range(min(pages, 40))]
    pdf = scans.pdf_of([images[number % len(images)] for number in range(pages)])
    peaks: list[int] = []
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    doc = ingest_bytes("long-scan.pdf", pdf, ".pdf", OcrOptions(max_pages=pages))
    for helper in ocr_pool._POOL.helpers if ocr_pool._POOL else []:
        try:
            status = Path(f"/proc/{helper.process.pid}/status").read_text()
            peaks.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))))
        except (OSError, StopIteration):
            pass
    return {"pages": pages, "pdf_bytes": len(pdf), "ocr_read": doc.ocr.read, "seconds": round(time.perf_counter() - began, 1),
            "run_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "run_peak_before_mb":
            round(before / 1024), "helper_peak_mb": [round(kb / 1024) for kb in peaks]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two protocols, one throughput round")
    parser.add_argument("--memory-pages", type=int, default=0, help="also OCR a scan of this many pages (500)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    from bigsearch.ingest.ocr.available import ocr_status

    status = ocr_status()
    if not status.available or scans.font_path() is None:
        print(f"cannot run: {status.reason or 'no DejaVu font (apt-get install fonts-dejavu-core)'}", file=sys.stderr)
        return 2
    documents = corpus_scans()
    if args.quick:
        documents = documents[-2:]
    print(f"{sum(len(texts) for _, texts, _ in documents)} noisy pages from {len(documents)} protocols", flush=True)
    from bigsearch.ingest.ocr.clean import DEFAULT_STEPS

    figures = {"accuracy": accuracy_table(documents, args.processes)}
    clean = clean_scans()[-2:] if args.quick else clean_scans()
    figures["accuracy_clean_pages"] = accuracy_table(clean, args.processes, (DEFAULT_STEPS,))
    print("\ncleaning (noisy pages)                    whole   worst page  paragraphs ≥95%")
    for label, table in (("", figures["accuracy"]), ("undamaged pages: ", figures["accuracy_clean_pages"])):
        for steps, row in table.items():
            print(f"{label + steps:40}  {row['whole']:.2%}  {row['worst_page']:.2%}     "
                  f"{row['paragraphs_95']:.0%} of {row['paragraphs']}", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        figures["structure"] = structure(documents, Path(cache))
    print("\nscan vs text: " + ", ".join(f"{row['file'][:3]} date {'=' if row['date'] else '≠'} items "
                                         f"{'=' if row['items'] else '≠'} principals {'=' if row['principals'] else '≠'}"
                                         for row in figures["structure"]))
    figures["throughput"] = throughput(documents, 1)
    print(f"\nthroughput: {figures['throughput']}")
    figures["reindex"] = reindex(documents)
    print(f"re-index: {figures['reindex']}")
    if args.memory_pages:
        figures["memory"] = memory(args.memory_pages)
        print(f"memory: {figures['memory']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

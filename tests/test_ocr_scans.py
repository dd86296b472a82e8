"""OCR of scans made from the project's own protocols (bench/scans.py): the bundled BIG protocol
that mentions Andersberg is laid out on A4 pages with DejaVu, degraded like a scan (speckle,
±2° rotation, a low-contrast page) and put into PDFs and image files; what OCR reads is scored
against the text each page shows.

Skipped, with the reason, where the ocr extra, Tesseract's Swedish data or the DejaVu font is
missing. Pages are rendered once per session and each scan is OCRed once (later runs read the
OCR cache, which is what the incremental-run tests count).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bigsearch.ingest.ocr import LOW_CONFIDENCE, OcrOptions, available
from tests.conftest import CORPUS

STATUS = available.ocr_status()
pytestmark = pytest.mark.skipif(not STATUS.available, reason=f"OCR not available here: {STATUS.reason}")

scans = pytest.importorskip("bench.scans") if STATUS.available else None
if scans is not None and scans.font_path() is None:
    pytestmark = pytest.mark.skip(reason="no DejaVu font to render scans with — apt-get install fonts-dejavu-core")

SOURCE = CORPUS / "000_abf7e5c094538042.txt"  # BIG, 2024-02-09: mentions Andersberg three times
SHORT = CORPUS / "004_943a0a2b978b1b13.txt"  # two pages


@pytest.fixture(scope="session")
def big_pages():
    return scans.scan_pages(SOURCE.read_text("utf-8"))


@pytest.fixture(scope="session")
def noisy_images(big_pages):
    """Every page speckled and rotated by ±2° (alternating), the third also at low contrast."""
    images = []
    for number, page in enumerate(big_pages):
        images.append(scans.degrade(page.image, seed=number, speckle=0.03, rotation=2.0 if number % 2 else -2.0,
                                    contrast=0.35 if number == 2 else 1.0))
    return images


@pytest.fixture(scope="session")
def scan_folder(tmp_path_factory, noisy_images):
    folder = tmp_path_factory.mktemp("scans")
    (folder / "big-2024-02-09-scan.pdf").write_bytes(scans.pdf_of(noisy_images))
    return folder


@pytest.fixture(scope="session")
def scan_index(tmp_path_factory, scan_folder):
    """The noisy all-image scan and the same protocol as text, indexed together (whoosh)."""
    from bigsearch.index.sync import sync

    index_dir = tmp_path_factory.mktemp("ocr-index") / "ix"
    docs = scan_folder.parent / "mixed-corpus"
    docs.mkdir()
    shutil.copy(scan_folder / "big-2024-02-09-scan.pdf", docs)
    shutil.copy(SOURCE, docs)
    warnings: list[str] = []
    report = sync(index_dir, [docs], warn=warnings.append)
    return index_dir, docs, report, warnings


def _ocr_texts(index_dir: Path, data: bytes, count: int) -> dict[int, str]:
    """The OCR text of each page, from the index's cache (no OCR: the index run read them)."""
    from bigsearch.ingest.ocr import options_for_index
    from bigsearch.ingest.ocr.pages import read_pages

    result = read_pages("pdf", data, list(range(count)), options_for_index(index_dir))
    assert result.ran == 0 and result.cached == count
    return {index: "\n".join(page.lines) for index, page in result.pages.items()}


# -- accuracy --------------------------------------------------------------------------------------


def test_noisy_pages_are_read_at_95_percent_character_accuracy_or_better(scan_index, scan_folder, big_pages):
    index_dir, _, report, _ = scan_index
    assert report.ocr_read == len(big_pages)  # every page was OCRed once, by the index run
    data = (scan_folder / "big-2024-02-09-scan.pdf").read_bytes()
    texts = _ocr_texts(index_dir, data, len(big_pages))
    accuracy = {number: scans.char_accuracy(page.text, texts[number]) for number, page in enumerate(big_pages)}
    assert min(accuracy.values()) >= 0.95, accuracy
    whole = scans.char_accuracy("\n".join(p.text for p in big_pages), "\n".join(texts[n] for n in sorted(texts)))
    assert whole >= 0.98, whole


def test_a_clean_page_is_read_at_98_percent_or_better_and_the_scorer_can_tell(tmp_path):
    from bigsearch.ingest.ocr.pages import read_pages

    page = scans.scan_pages(SHORT.read_text("utf-8"))[0]
    result = read_pages("png", scans.image_bytes(page.image), [0], OcrOptions())
    text = "\n".join(result.pages[0].lines)
    assert scans.char_accuracy(page.text, text) >= 0.98
    assert result.pages[0].confidence >= LOW_CONFIDENCE
    # The scorer is not lenient: the same text with every 20th character changed scores about 95%.
    damaged = "".join("#" if index % 20 == 0 else ch for index, ch in enumerate(scans.folded(page.text)))
    assert 0.94 < scans.char_accuracy(page.text, damaged) < 0.96


# -- the scan as a protocol ----------------------------------------------------------------------


def test_the_scan_gives_the_same_meeting_items_and_principals_as_the_text(scan_index):
    from bigsearch.ingest.pipeline import ingest_file

    _, docs, report, warnings = scan_index
    assert report.added == 2 and not report.failed, report
    scan = ingest_file(docs / "big-2024-02-09-scan.pdf", OcrOptions(cache_dir=scan_index[0] / "ocr-cache"))
    text = ingest_file(docs / SOURCE.name)
    assert scan.ocr.read == 0 and scan.ocr.cached == 5
    assert scan.date == text.date == "2024-02-09"
    assert sorted({p.section for p in scan.paragraphs if p.section}, key=int) == \
        sorted({p.section for p in text.paragraphs if p.section}, key=int)
    assert {p.principal for p in scan.paragraphs} == {p.principal for p in text.paragraphs}
    assert [a.name for a in scan.attendees] == [a.name for a in text.attendees]
    assert all(p.ocr and p.ocr_confidence >= LOW_CONFIDENCE and p.page for p in scan.paragraphs)
    assert not any(p.ocr for p in text.paragraphs)
    assert not any("OCR confidence" in w for w in warnings), warnings


def test_search_finds_andersberg_in_the_scan_and_cites_it_as_ocr(scan_index):
    from bigsearch.search.results import Filters
    from bigsearch.search.searcher import Searcher

    index_dir = scan_index[0]
    with Searcher(index_dir) as searcher:
        every = searcher.search("Andersberg", limit=20)
        scanned = searcher.search("Andersberg", Filters(ocr=True), limit=20)
        typed = searcher.search("Andersberg", Filters(ocr=False), limit=20)
        assert searcher.search("Andersberg ocr:ja").total == 3 and searcher.search("Andersberg ocr:nej").total == 3
    assert every.total == 6
    assert scanned.total == 3 and all(h.ocr and h.source.endswith("scan.pdf") for h in scanned.hits)
    assert typed.total == 3 and not any(h.ocr for h in typed.hits)
    from bigsearch.cite import location

    hit = scanned.hits[0]
    assert location(hit) == f"mixed-corpus/big-2024-02-09-scan.pdf (OCR, s. {hit.page}, {hit.ocr_confidence}%)"


def test_show_and_citations_on_the_command_line_say_ocr_page_and_confidence(scan_index):
    from typer.testing import CliRunner

    from bigsearch.cli.app import app

    index_dir = str(scan_index[0])
    runner = CliRunner()
    cited = runner.invoke(app, ["search", "Andersberg", "--ocr", "--format", "md", "--index-dir", index_dir])
    assert cited.exit_code == 0, cited.output
    assert cited.stdout.count("(OCR, s. ") == 3 and "%)" in cited.stdout
    first_id = cited.stdout.split("Id: `")[1].split("`")[0]
    shown = runner.invoke(app, ["show", first_id, "--index-dir", index_dir])
    assert shown.exit_code == 0, shown.output
    assert "Källa: mixed-corpus/big-2024-02-09-scan.pdf (OCR, s. " in shown.stdout
    plain = runner.invoke(app, ["search", "Andersberg", "--no-ocr", "--json", "--index-dir", index_dir])
    assert '"ocr": true' not in plain.stdout and '"total": 3' in plain.stdout


# -- runs that OCR nothing again ------------------------------------------------------------------


def test_incremental_runs_and_rebuilds_do_not_ocr_again(scan_index, tmp_path):
    from bigsearch.index.sync import sync

    index_dir, docs, first, _ = scan_index
    copy = tmp_path / "ix"
    shutil.copytree(index_dir, copy)
    assert first.ocr_read == 5
    again = sync(copy, [docs])
    assert again.unchanged == 2 and again.ocr_read == again.ocr_cached == 0
    (docs.parent / "renamed").mkdir(exist_ok=True)
    renamed = docs.parent / "renamed" / "other-name.pdf"
    shutil.copy(docs / "big-2024-02-09-scan.pdf", renamed)  # same content, new name: still no OCR
    rebuilt = sync(copy, [docs, renamed], rebuild=True)
    assert rebuilt.added == 3 and rebuilt.ocr_read == 0 and rebuilt.ocr_cached == 10
    tantivy = tmp_path / "tantivy"
    shutil.copytree(index_dir / "ocr-cache", tantivy / "ocr-cache")
    other_engine = sync(tantivy, [docs], engine="tantivy")
    assert other_engine.ocr_read == 0 and other_engine.ocr_cached == 5
    from bigsearch.search.results import Filters
    from bigsearch.search.searcher import Searcher

    with Searcher(tantivy) as searcher:
        assert searcher.search("Andersberg", Filters(ocr=True)).total == 3
        assert searcher.search("Andersberg", Filters(ocr=False)).total == 3


def test_force_reads_every_page_even_with_a_text_layer(tmp_path):
    from bigsearch.ingest.pipeline import ingest_bytes

    lines = scans.layout(SHORT.read_text("utf-8"))[0][:12]
    pdf = scans.pdf_of(["\n".join(lines)])
    auto = ingest_bytes("typed.pdf", pdf, ".pdf", OcrOptions())
    assert auto.ocr.read == 0 and not any(p.ocr for p in auto.paragraphs)
    forced = ingest_bytes("typed.pdf", pdf, ".pdf", OcrOptions("force"))
    assert forced.ocr.read == 1 and all(p.ocr for p in forced.paragraphs)
    assert scans.char_accuracy(" ".join(p.text for p in auto.paragraphs), " ".join(p.text for p in forced.paragraphs)) > 0.95


# -- mixed PDFs and image files --------------------------------------------------------------------


def test_a_mixed_pdf_keeps_its_text_page_and_reads_its_image_page(tmp_path):
    from bigsearch.ingest.pipeline import ingest_bytes

    pages = scans.layout(SHORT.read_text("utf-8"))
    image = scans.degrade(scans.render_page(pages[1]).image, seed=7, speckle=0.02, rotation=1.0)
    doc = ingest_bytes("mixed.pdf", scans.pdf_of(["\n".join(pages[0]), image]), ".pdf", OcrOptions())
    assert doc.ocr.read == 1  # only the image page
    by_page = {page: [p for p in doc.paragraphs if p.page == page] for page in (1, 2)}
    assert by_page[1] and not any(p.ocr for p in by_page[1])
    assert by_page[2] and all(p.ocr and p.ocr_confidence for p in by_page[2])
    assert doc.date == "2019-09-20" or doc.date is not None


def test_png_jpeg_and_multipage_tiff_files_are_read_page_by_page(tmp_path):
    from PIL import Image

    from bigsearch.ingest.pipeline import ingest_paths

    lines = scans.layout(SHORT.read_text("utf-8"))[0]
    first, second = scans.render_page(lines[:8]), scans.render_page(lines[8:16])
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.png").write_bytes(scans.image_bytes(first.image, "PNG", dpi=(300, 300)))
    (folder / "b.jpeg").write_bytes(scans.image_bytes(first.image.convert("RGB"), "JPEG", quality=90))
    first.image.save(folder / "c.tiff", format="TIFF", save_all=True, append_images=[second.image], dpi=(300, 300))
    assert Image.open(folder / "c.tiff").n_frames == 2
    warnings: list[str] = []
    cached = OcrOptions(cache_dir=tmp_path / "cache")
    docs = {doc.source: doc for doc in ingest_paths([folder], warn=warnings.append, ocr=cached)}
    assert set(docs) == {"a.png", "b.jpeg", "c.tiff"}, warnings
    assert docs["c.tiff"].ocr.read == 2 and {p.page for p in docs["c.tiff"].paragraphs} == {1, 2}
    for doc in docs.values():
        assert doc.paragraphs and all(p.ocr and p.ocr_confidence >= LOW_CONFIDENCE for p in doc.paragraphs)
    # What the readers saw (from the cache: no second OCR), against what the images show.
    from bigsearch.ingest.readers import read_path

    for name, expected in (("a.png", first.text), ("b.jpeg", first.text), ("c.tiff", f"{first.text}\n{second.text}")):
        raw = read_path(folder / name, ocr=cached)
        assert raw.kind == name.split(".")[1] and raw.ocr.read == 0
        assert scans.char_accuracy(expected, raw.text) >= 0.98, name


# -- bounded work -----------------------------------------------------------------------------------


def test_the_page_limit_and_the_time_limit_leave_pages_out_with_a_warning(noisy_images):
    from bigsearch.errors import ReadError
    from bigsearch.ingest.pipeline import ingest_bytes

    pdf = scans.pdf_of(noisy_images[:2])
    limited = ingest_bytes("two.pdf", pdf, ".pdf", OcrOptions(max_pages=1))
    assert limited.ocr.read == 1 and {p.page for p in limited.paragraphs} == {1}
    assert any("only the first 1 of 2 scanned pages" in w for w in limited.warnings)
    # A millisecond is too short for any page with text: each is stopped and named, none is indexed.
    with pytest.raises(ReadError, match=r"OCR found no text \(page 2 was left out: OCR took longer than"):
        ingest_bytes("two.pdf", pdf, ".pdf", OcrOptions(page_seconds=0.001))


def test_a_low_confidence_page_is_named_in_a_warning(tmp_path):
    from bigsearch.index.sync import sync

    lines = scans.layout(SOURCE.read_text("utf-8"))[1][:6]
    blurred = scans.degrade(scans.render_page(lines).image, seed=3, blur=5.0)  # out of focus: OCR guesses
    sharp = scans.render_page(scans.layout(SHORT.read_text("utf-8"))[0][:6]).image
    folder = tmp_path
    (folder / "docs").mkdir()
    (folder / "docs" / "blurred.pdf").write_bytes(scans.pdf_of([sharp, blurred]))
    warnings: list[str] = []
    report = sync(folder / "ix", [folder / "docs"], warn=warnings.append)
    assert report.added == 1 and report.ocr_read == 2
    [warning] = [w for w in warnings if "OCR confidence" in w]
    assert "blurred.pdf: indexed with a warning: page 2: OCR confidence" in warning
    assert f"(under {LOW_CONFIDENCE}%)" in warning


def test_did_you_mean_allows_edits_when_the_nearest_word_was_read_by_ocr(scan_index, tmp_path):
    from bigsearch.index.sync import sync
    from bigsearch.search.searcher import Searcher

    index_dir, docs, _, _ = scan_index
    scanned, typed = tmp_path / "scanned", tmp_path / "typed"
    shutil.copytree(index_dir / "ocr-cache", scanned / "ocr-cache")
    assert sync(scanned, [docs / "big-2024-02-09-scan.pdf"]).ocr_read == 0
    sync(typed, [docs / SOURCE.name])
    with Searcher(scanned) as searcher:
        missed = searcher.search("Andersbärg")
        assert missed.total == 0 and missed.suggestion == "Andersbärg~1"
        assert searcher.search(missed.suggestion).total == 3
    with Searcher(typed) as searcher:
        assert searcher.search("Andersbärg").suggestion == "Andersberg"

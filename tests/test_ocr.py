"""OCR's small parts, and what happens to scans where OCR is not installed (no Tesseract needed).

The OCR of real rendered scans is in test_ocr_scans.py (skipped, with the reason, without the
ocr extra or Tesseract's Swedish data).
"""

from __future__ import annotations

import io

import pytest
from typer.testing import CliRunner

from bigsearch.errors import ConfigError, ReadError
from bigsearch.ingest.ocr import OcrOptions, available, layer, options_for_index
from bigsearch.ingest.ocr.cache import OcrCache, fingerprint
from bigsearch.ingest.ocr.text import Line, page_lines, restore_section_sign
from bigsearch.ingest.pipeline import ingest_bytes, ingest_paths

INSTALL = ("pip install 'bigsearch[ocr]'", "apt-get install tesseract-ocr-swe")

# -- which pages need OCR ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "",
    "   \n  ",
    "12",  # a page number alone
    "\ufffd\ufffd\ufffd \ufffd\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd",
    "\ue000\ue001\ue002 \ue003\ue004 " * 10,  # private-use glyphs: a font without a Unicode map
    "xkcd qrst bnml wrtz pqrs zxcv bnmk lkjh gfds qwrt pzxc vbnm",  # "words" without vowels
    "#%&/ }{][ ~^*@ ¤¤¤¤ #%&/ }{][ ~^*@ ¤¤¤¤ #%&/",
])
def test_pages_without_a_usable_text_layer_need_ocr(text):
    assert layer.needs_ocr(text)


@pytest.mark.parametrize("text", [
    "§ 4 Lars Lodin och Pia Pernu beskriver sitt arbete kring den nya socialtjänstlagen",
    "Protokoll fört vid ledningsgruppsmöte BIG 2024-02-09\nNärvarande: Måns Jennehag, Polisen",
    "Sammanträdesdatum 2019-04-24, KS § 33, dnr 18KS36. Kl. 13.00–15.30 i Stadshuset.",
])
def test_pages_with_text_keep_it(text):
    assert not layer.needs_ocr(text)


# -- Tesseract's lines as text ------------------------------------------------------------------


@pytest.mark.parametrize(("read", "meant"), [
    ("$ I Mötets öppnande", "§ 1 Mötets öppnande"),
    ("$ 2 Dagordning", "§ 2 Dagordning"),
    ("8 8 Övriga frågor", "§ 8 Övriga frågor"),
    ("S 12 Budget", "§ 12 Budget"),
    ("$1O Ekonomi", "§ 10 Ekonomi"),
    ("& 8 Övriga frågor", "§ 8 Övriga frågor"),
    ("$& 5 Samordningstjänst fritidsgårdarna", "§ 5 Samordningstjänst fritidsgårdarna"),
    ("§ 3 Föregående protokoll", "§ 3 Föregående protokoll"),
])
def test_misread_section_signs_are_restored(read, meant):
    assert restore_section_sign(read) == meant


@pytest.mark.parametrize("line", [
    "8 timmar per dag", "S1 Anna", "$ 100 kronor", "80 % av eleverna", "Sätra 4 Bomhus", "Se bilaga",
    "& 100 kronor",
])
def test_other_lines_are_left_as_read(line):
    assert restore_section_sign(line) == line


def test_lines_are_laid_out_with_paragraph_breaks_and_columns():
    lines = [
        Line(100, 100, 900, 140, "Närvarande:"),
        Line(100, 160, 500, 200, "Måns Jennehag"), Line(1200, 162, 1500, 199, "Polisen"),
        Line(100, 220, 500, 260, "Lars Lodin"), Line(1200, 221, 1600, 258, "Välfärd Gävle"),
        # a paragraph gap, then a heading read with a dollar sign
        Line(100, 400, 900, 440, "$ 2 Dagordning"),
        Line(100, 460, 900, 500, "Dagordningen godkändes."),
    ]
    assert page_lines(list(reversed(lines))) == [
        "Närvarande:", "Måns Jennehag\tPolisen", "Lars Lodin\tVälfärd Gävle", "",
        "§ 2 Dagordning", "Dagordningen godkändes.",
    ]


# -- the cache ------------------------------------------------------------------------------------


def test_cache_keeps_pages_by_content_and_setting_and_survives_a_torn_line(tmp_path):
    cache = OcrCache(tmp_path, fingerprint("swe", 300, ("grayscale", "median")))
    cache.add("ab" * 32, 0, ["§ 1 Mötets öppnande", ""], 93)
    cache.add("ab" * 32, 4, ["Andersberg"], 71)
    with cache.path("ab" * 32).open("a") as handle:
        handle.write('{"page": 5, "lines": ["half wr')  # a run killed mid-write
    assert cache.load("ab" * 32) == {0: (["§ 1 Mötets öppnande", ""], 93), 4: (["Andersberg"], 71)}
    assert cache.load("cd" * 32) == {}
    other_setting = OcrCache(tmp_path, fingerprint("swe", 300, ("grayscale", "median", "binarise")))
    assert other_setting.load("ab" * 32) == {}


def test_the_cache_lives_beside_the_index(tmp_path):
    assert options_for_index(tmp_path / "ix", "force") == OcrOptions("force", tmp_path / "ix" / "ocr-cache")
    with pytest.raises(ConfigError, match="auto, never, force"):
        OcrOptions("sometimes")


# -- is OCR available ----------------------------------------------------------------------------


def test_status_names_what_is_missing_and_how_to_install_it(tmp_path):
    assert available.check((), tmp_path).available
    extra = available.check(("tesserocr",), tmp_path)
    assert not extra.available and INSTALL[0] in extra.reason and INSTALL[1] not in extra.reason
    data = available.check((), None)
    assert not data.available and INSTALL[1] in data.reason and INSTALL[0] not in data.reason
    both = available.check(("tesserocr", "pypdfium2"), None)
    assert all(command in both.reason for command in INSTALL)


def test_language_data_is_found_through_tessdata_prefix_first(tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    # No swe there: the Debian paths are looked at next, as without the variable.
    assert available.find_tessdata("swe", {"TESSDATA_PREFIX": str(own)}) == available.find_tessdata("swe", {})
    (own / "swe.traineddata").write_bytes(b"x")
    assert available.find_tessdata("swe", {"TESSDATA_PREFIX": str(own)}) == own
    nested = tmp_path / "prefix"
    (nested / "tessdata").mkdir(parents=True)
    (nested / "tessdata" / "swe.traineddata").write_bytes(b"x")
    assert available.find_tessdata("swe", {"TESSDATA_PREFIX": str(nested)}) == nested / "tessdata"


# -- scans where OCR is not installed, or turned off ------------------------------------------


@pytest.fixture()
def no_ocr(monkeypatch):
    status = available.check(("tesserocr",), None)
    monkeypatch.setattr(available, "ocr_status", lambda: status)


def _pdf(pages: list[str | None]) -> bytes:
    """A PDF whose pages are text (str) or a grey box with no text layer (None)."""
    from fpdf import FPDF

    pdf = FPDF()
    for text in pages:
        pdf.add_page()
        if text is None:
            pdf.set_fill_color(200, 200, 200)
            pdf.rect(20, 20, 150, 200, style="F")
        else:
            pdf.set_font("helvetica", size=11)
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


TEXT_PAGE = ("Protokoll BIG 2019-09-20\n\nNarvarande: Karin Ek, Polisen\n\n"
             "1 Aktuellt\n\nPolisen rapporterade om lugnet i Andersberg under sommaren.")


def test_a_scan_without_ocr_is_skipped_naming_both_install_commands(no_ocr, tmp_path):
    with pytest.raises(ReadError) as caught:
        ingest_bytes("scan.pdf", _pdf([None, None]), ".pdf")
    message = str(caught.value)
    assert "\n" not in message and "scan" in message
    assert all(command in message for command in INSTALL)


def test_an_image_without_ocr_is_skipped_naming_both_install_commands(no_ocr, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    with pytest.raises(ReadError) as caught:
        ingest_bytes("page.png", png, ".png")
    assert "PNG image" in str(caught.value) and all(command in str(caught.value) for command in INSTALL)


def test_a_mixed_pdf_without_ocr_keeps_its_text_pages_and_names_the_others(no_ocr):
    doc = ingest_bytes("mixed.pdf", _pdf([TEXT_PAGE, None, None]), ".pdf")
    assert any("Andersberg" in p.text for p in doc.paragraphs)
    assert not any(p.ocr for p in doc.paragraphs)
    [warning] = [w for w in doc.warnings if "scanned" in w]
    assert "pages 2, 3" in warning and all(command in warning for command in INSTALL)


def test_ocr_never_skips_scans_with_the_reason(tmp_path):
    never = OcrOptions("never")
    with pytest.raises(ReadError, match=r"OCR is off \(--ocr never\)"):
        ingest_bytes("scan.pdf", _pdf([None]), ".pdf", never)
    with pytest.raises(ReadError, match=r"OCR, which is off \(--ocr never\)"):
        ingest_bytes("page.png", b"\x89PNG\r\n\x1a\n" + bytes(64), ".png", never)
    doc = ingest_bytes("mixed.pdf", _pdf([TEXT_PAGE, None]), ".pdf", never)
    assert any("page 2 without a usable text layer" in w and "--ocr never" in w for w in doc.warnings)


def test_images_are_recognised_by_content_and_by_name(tmp_path, no_ocr):
    from bigsearch.ingest.readers import sniff_format

    assert sniff_format(b"\x89PNG\r\n\x1a\n....") == "png"
    assert sniff_format(b"\xff\xd8\xff\xe0....") == "jpeg"
    assert sniff_format(b"II*\x00....") == "tiff" and sniff_format(b"MM\x00*....") == "tiff"
    with pytest.raises(ReadError, match=r"named \.jpg but is not an image"):
        ingest_bytes("photo.jpg", b"Protokoll BIG 2019-09-20\n\n1 Aktuellt\n\nText.", ".jpg")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "scan.tif").write_bytes(b"II*\x00" + bytes(64))
    messages: list[str] = []
    assert list(ingest_paths([folder], warn=messages.append)) == []
    assert len(messages) == 1 and "scan.tif" in messages[0] and "TIFF image" in messages[0]


def test_doctor_says_whether_ocr_is_available_and_how_to_get_it(no_ocr):
    from bigsearch.cli.app import app

    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "OCR: not available" in result.stdout and all(command in result.stdout for command in INSTALL)
    assert '"available": false' in CliRunner().invoke(app, ["doctor", "--json"]).stdout


def test_doctor_names_the_language_data_when_ocr_is_available():
    from bigsearch.cli.app import app

    status = available.ocr_status()
    if not status.available:
        pytest.skip(f"OCR not available here: {status.reason}")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "OCR: available" in result.stdout and f"swe in {status.tessdata}" in result.stdout


# -- cleaning (Pillow and numpy: the ocr extra) --------------------------------------------------


def _page_image():
    pytest.importorskip("numpy", reason="the ocr extra is not installed — pip install 'bigsearch[ocr]'")
    image_module = pytest.importorskip("PIL.Image", reason="the ocr extra is not installed — pip install 'bigsearch[ocr]'")
    from PIL import ImageDraw

    image = image_module.new("L", (1200, 800), 255)
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.rectangle((100, 60 + row * 55, 1100, 60 + row * 55 + 18), fill=0)  # text lines, as ink bars
    return image


@pytest.mark.parametrize("angle", [-2.0, -1.0, 1.5, 2.0])
def test_deskew_finds_the_rotation_of_text_lines(angle):
    from PIL import Image

    from bigsearch.ingest.ocr import clean

    rotated = _page_image().rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    assert clean.skew_angle(rotated) == pytest.approx(-angle, abs=0.15)
    assert abs(clean.skew_angle(clean.deskew(rotated))) < clean.MIN_CORRECTED_SKEW


def test_binarise_splits_ink_from_paper_and_median_removes_speckle():
    page = _page_image()  # skips without the ocr extra
    import numpy as np
    from PIL import Image

    from bigsearch.ingest.ocr import clean

    grey = Image.fromarray(np.where(np.asarray(page) < 128, 90, 170).astype(np.uint8))  # low contrast
    assert set(np.unique(np.asarray(clean.binarise(grey)))) == {0, 255}
    assert 90 <= clean.otsu_threshold(grey) < 170
    speckled = np.full((200, 200), 255, np.uint8)
    speckled[::17, ::13] = 0  # isolated dark pixels
    assert np.asarray(clean.median(Image.fromarray(speckled))).min() == 255


def test_a_page_is_rendered_at_300_dpi_unless_it_is_poster_sized():
    from bigsearch.ingest.ocr.render import render_scale

    a4 = (595, 842)
    assert render_scale(*a4) == pytest.approx(300 / 72)
    poster = render_scale(595 * 10, 842 * 10)
    assert (595 * 10 * poster) * (842 * 10 * poster) <= 40_000_000 * 1.0001


def test_pdf_of_images_is_read_page_by_page_from_an_image_file():
    pytest.importorskip("PIL", reason="the ocr extra is not installed — pip install 'bigsearch[ocr]'")
    from PIL import Image

    from bigsearch.ingest.ocr.render import ImagePages

    frames = [Image.new("L", (300, 400), shade) for shade in (10, 120, 250)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    pages = ImagePages(buffer.getvalue())
    assert len(pages) == 3
    assert [pages.page(index).image.getpixel((5, 5)) for index in range(3)] == [10, 120, 250]
    assert pages.page(1).dpi == 300


def test_a_double_spaced_page_keeps_its_blank_lines_and_single_spacing_joins():
    # Lines 40 px high; most lines 130 px apart (a blank line between), two lines 60 px apart.
    lines = [Line(100, top, 900, top + 40, text) for top, text in (
        (100, "§ 4 Arbetsgruppens aktuella insatser"), (230, "Se bifogat dokument."), (290, "Aktuellt sept-19.docx"),
        (420, "§ 5 Rapport insatser"), (550, "Jim Bergman redogjorde."), (680, "§ 6 Styrgrupp"))]
    assert page_lines(lines) == [
        "§ 4 Arbetsgruppens aktuella insatser", "", "Se bifogat dokument.", "Aktuellt sept-19.docx", "",
        "§ 5 Rapport insatser", "", "Jim Bergman redogjorde.", "", "§ 6 Styrgrupp",
    ]

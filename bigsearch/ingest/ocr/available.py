"""Whether OCR can run here, and with which language data: the Python extra and Tesseract's
Swedish data. Checked without starting Tesseract (cheap: a file lookup and import specs)."""

from __future__ import annotations

import glob
import importlib.util
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LANGUAGE = "swe"
INSTALL_EXTRA = "pip install 'bigsearch[ocr]'"
INSTALL_DATA = f"apt-get install tesseract-ocr-{LANGUAGE}"
INSTALL_HINT = f"`{INSTALL_EXTRA}` and `{INSTALL_DATA}`"
# The Python packages of the extra, by import name.
MODULES = ("tesserocr", "pypdfium2", "PIL", "numpy")
# Debian and Ubuntu put each Tesseract version's data under its own folder.
DEBIAN_TESSDATA = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata")


@dataclass(frozen=True)
class OcrStatus:
    available: bool
    # Why not, naming the fix (empty when available).
    reason: str = ""
    tessdata: Path | None = None  # the folder holding <language>.traineddata
    language: str = LANGUAGE
    missing_modules: tuple[str, ...] = field(default_factory=tuple)


def tessdata_candidates(environ: dict | None = None) -> list[Path]:
    """Where the language data may be, in order: $TESSDATA_PREFIX (the folder itself or its
    tessdata/), then the usual Debian paths, newest Tesseract first."""
    environ = os.environ if environ is None else environ
    found: list[Path] = []
    prefix = environ.get("TESSDATA_PREFIX")
    if prefix:
        found += [Path(prefix), Path(prefix) / "tessdata"]
    for pattern in DEBIAN_TESSDATA:
        found += [Path(path) for path in sorted(glob.glob(pattern), reverse=True)]
    return found


def find_tessdata(language: str = LANGUAGE, environ: dict | None = None) -> Path | None:
    for folder in tessdata_candidates(environ):
        if (folder / f"{language}.traineddata").is_file():
            return folder
    return None


def missing_modules() -> tuple[str, ...]:
    return tuple(name for name in MODULES if importlib.util.find_spec(name) is None)


@lru_cache(maxsize=1)
def ocr_status() -> OcrStatus:
    """Whether OCR can run in this process's environment (cached: it does not change during a run)."""
    return check(missing_modules(), find_tessdata())


def check(missing: tuple[str, ...], tessdata: Path | None) -> OcrStatus:
    """The status from what is missing: a pure function, so every combination is testable."""
    lacking = []
    if missing:
        lacking.append(("the OCR extra (" + ", ".join(missing) + ")", f"`{INSTALL_EXTRA}`"))
    if tessdata is None:
        lacking.append((f"Tesseract's {LANGUAGE} language data", f"`{INSTALL_DATA}`"))
    if not lacking:
        return OcrStatus(True, "", tessdata)
    reason = (f"{' and '.join(what for what, _ in lacking)} not installed — "
              f"install with {' and '.join(command for _, command in lacking)}")
    return OcrStatus(False, reason, tessdata, missing_modules=missing)


SCAN_NEEDS_OCR = f"needs OCR, which is not installed here — install it with {INSTALL_HINT}"


def describe() -> dict:
    """What `bigsearch doctor` reports about OCR: whether it is available, the engine's version and
    the language data it uses. Loads the language data once, so a broken file is found here."""
    status = ocr_status()
    report = {"available": status.available, "language": status.language,
              "tessdata": str(status.tessdata) if status.tessdata else None, "reason": status.reason,
              "tesseract": None, "tesserocr": None}
    if not status.available:
        return report
    from importlib.metadata import PackageNotFoundError, version

    from bigsearch.ingest.ocr import engine

    try:
        report["tesserocr"] = version("tesserocr")
    except PackageNotFoundError:
        pass
    try:
        report["tesseract"] = engine.engine_version()
        engine.open_engine(status.tessdata, status.language).End()
    except RuntimeError as exc:  # the data is there but Tesseract cannot load it
        report.update(available=False, reason=f"Tesseract cannot load {status.tessdata}/{status.language}"
                                               f".traineddata ({exc}) — reinstall with `{INSTALL_DATA}`")
    return report

"""Cleaning a page image before OCR: small pure functions over PIL images (mode "L").

Each step is kept in DEFAULT_STEPS only if it measurably lowers the character error rate on the
synthetic scans of bench/ocr_bench.py (README "OCR" has the figures): Tesseract already
binarises (Otsu) and tolerates a slight skew, so a step that does not help costs time for nothing.
"""

from __future__ import annotations

from collections.abc import Callable

MEDIAN_SIZE = 3  # a 3×3 median removes speckle (single dark or light pixels) and keeps strokes
# A speckled page (or one whose speckle a JPEG smeared into blobs) needs a second pass: passes go
# on while the last one changed more than this share of the pixels. A clean page gets one pass
# (it changes ~0.1%, stroke edges); a 5×5 median would clean as well but thins strokes.
SPECKLE_SHARE = 0.005
MAX_MEDIAN_PASSES = 3
MAX_SKEW_DEGREES = 4.0
SKEW_SAMPLE_WIDTH = 900  # the skew is estimated on a copy this wide: cheap, and precise enough
MIN_CORRECTED_SKEW = 0.2  # degrees: less than this is left alone (rotating costs some sharpness)


def grayscale(image):
    return image if image.mode == "L" else image.convert("L")


def median(image):
    """3×3 median passes until the speckle is gone (see SPECKLE_SHARE)."""
    import numpy as np

    before = np.asarray(image)
    for _ in range(MAX_MEDIAN_PASSES):
        image = _median_pass(image)
        after = np.asarray(image)
        changed = float(np.count_nonzero(before != after)) / max(1, after.size)
        before = after
        if changed <= SPECKLE_SHARE:
            break
    return image


def _median_pass(image):
    from PIL import ImageFilter

    if _black_and_white(image):
        # There the median of a 3×3 window is its majority: a box blur and a threshold, 4× faster.
        return image.filter(ImageFilter.BoxBlur(MEDIAN_SIZE // 2)).point(lambda value: 255 if value > 127 else 0)
    return image.filter(ImageFilter.MedianFilter(MEDIAN_SIZE))


def _black_and_white(image) -> bool:
    return image.mode == "L" and sum(image.histogram()[1:255]) == 0


def otsu_threshold(image) -> int:
    """The gray level that best separates ink from paper (Otsu's method over the histogram)."""
    import numpy as np

    histogram = np.asarray(grayscale(image).histogram()[:256], dtype=np.float64)
    total = histogram.sum()
    if total == 0:
        return 128
    levels = np.arange(256)
    weight_low = np.cumsum(histogram)
    weight_high = total - weight_low
    sum_low = np.cumsum(histogram * levels)
    mean_low = sum_low / np.maximum(weight_low, 1)
    mean_high = (sum_low[-1] - sum_low) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    return int(np.argmax(between))


def binarise(image):
    threshold = otsu_threshold(image)
    return grayscale(image).point(lambda value: 255 if value > threshold else 0)


def skew_angle(image) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal.

    Text lines give a row profile with sharp peaks and valleys when level: the angle whose
    rotated copy has the most varied row sums wins, found coarse then fine on a small copy.
    """
    import numpy as np
    from PIL import Image

    sample = grayscale(image)
    if sample.width > SKEW_SAMPLE_WIDTH:
        sample = sample.resize((SKEW_SAMPLE_WIDTH, max(1, round(sample.height * SKEW_SAMPLE_WIDTH / sample.width))),
                               Image.BILINEAR)
    threshold = otsu_threshold(sample)
    ink = sample.point(lambda value: 255 if value <= threshold else 0)

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0), dtype=np.float64).sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return round(float(best), 2)


def deskew(image):
    from PIL import Image

    angle = skew_angle(image)
    if abs(angle) < MIN_CORRECTED_SKEW:
        return image
    return grayscale(image).rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)


STEPS: dict[str, Callable] = {"grayscale": grayscale, "median": median, "deskew": deskew, "binarise": binarise}
DEFAULT_STEPS: tuple[str, ...] = ("grayscale", "binarise", "median", "deskew")


def clean(image, steps: tuple[str, ...] = DEFAULT_STEPS):
    for name in steps:
        image = STEPS[name](image)
    return image

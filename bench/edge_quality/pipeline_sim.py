"""edgegrad's edge pipeline re-created in numpy, to try automatic threshold rules quickly.

The grid is the 8-bit image / 255 (float32); optional Gaussian smoothing (sigma in pixels); the
central operator is exactly ``np.gradient`` of the grid (axis 1 = dx, axis 0 = dy); the magnitude is
``hypot(dx, dy)`` (a black-to-white step over one pixel gives 0.5). Non-maximum suppression keeps a
pixel that is a maximum along the gradient direction quantised to 4 sectors (strictly greater than the
neighbour behind, at least the neighbour ahead, so a two-pixel plateau keeps one pixel, as OpenCV
does). Hysteresis keeps the 8-connected components of ``thin & (M > low)`` that contain a pixel of
``thin & (M > high)``. Edge pixels are those strictly greater than the threshold.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from scipy import ndimage

_EIGHT = np.ones((3, 3), bool)


def smooth(grid: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return grid
    return ndimage.gaussian_filter(grid, sigma, mode="nearest", truncate=3.0)


def nms(mag: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Boolean map of the pixels that are local maxima across the edge (4 sectors)."""
    h, w = mag.shape
    p = np.pad(mag, 1)
    ang = np.mod(np.degrees(np.arctan2(dy, dx)), 180.0)
    # neighbour offsets (dy, dx) along the gradient for sectors 0, 45, 90, 135 degrees
    sectors = [((0, 1), (ang < 22.5) | (ang >= 157.5)),
               ((1, 1), (ang >= 22.5) & (ang < 67.5)),
               ((1, 0), (ang >= 67.5) & (ang < 112.5)),
               ((1, -1), (ang >= 112.5) & (ang < 157.5))]
    keep = np.zeros((h, w), bool)
    for (oy, ox), sel in sectors:
        ahead = p[1 + oy:1 + oy + h, 1 + ox:1 + ox + w]
        behind = p[1 - oy:1 - oy + h, 1 - ox:1 - ox + w]
        keep |= sel & (mag > behind) & (mag >= ahead)
    return keep & (mag > 0)


def hysteresis(mag: np.ndarray, candidates: np.ndarray, low: float, high: float) -> np.ndarray:
    weak = candidates & (mag > low)
    labels, n = ndimage.label(weak, structure=_EIGHT)
    if n == 0:
        return weak
    strong = np.zeros(n + 1, bool)
    strong[np.unique(labels[candidates & (mag > high)])] = True
    strong[0] = False
    return strong[labels]


@dataclasses.dataclass
class Maps:
    """The gradient maps of one scene at one smoothing level."""

    sigma: float
    mag: np.ndarray
    thin: np.ndarray  # NMS survivors
    pixel_noise: float  # robust noise std of the unsmoothed grid (Immerkaer's mask, median)

    @classmethod
    def of(cls, image_u8: np.ndarray, sigma: float) -> "Maps":
        grid = smooth(image_u8.astype(np.float32) / np.float32(255.0), sigma)
        dy, dx = np.gradient(grid)
        mag = np.hypot(dx, dy)
        return cls(sigma, mag, nms(mag, dx, dy), immerkaer(image_u8.astype(np.float32) / np.float32(255.0)))


# ---- automatic threshold rules: each returns a magnitude level from the maps ----

def otsu(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold of ``values`` on a histogram of ``bins`` bins over [0, max]."""
    top = float(values.max()) if values.size else 0.0
    if top <= 0:
        return 0.0
    hist, edges = np.histogram(values, bins=bins, range=(0.0, top))
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * centres)
    mt = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 / w0[-1] - m0) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = -1
    return float(edges[int(np.argmax(between)) + 1])


def triangle(values: np.ndarray, bins: int = 256) -> float:
    """Rosin's unimodal (triangle) threshold on a histogram over [0, max]."""
    top = float(values.max()) if values.size else 0.0
    if top <= 0:
        return 0.0
    hist, edges = np.histogram(values, bins=bins, range=(0.0, top))
    peak = int(np.argmax(hist))
    last = int(np.nonzero(hist)[0][-1])
    if last <= peak:
        return float(edges[peak + 1])
    x = np.arange(peak, last + 1)
    y = hist[peak:last + 1].astype(float)
    # distance from the line joining (peak, hist[peak]) and (last, hist[last])
    x0, y0, x1, y1 = peak, y[0], last, y[-1]
    d = np.abs((y1 - y0) * x - (x1 - x0) * y + x1 * y0 - y1 * x0)
    return float(edges[int(x[np.argmax(d)]) + 1])


def immerkaer(grid: np.ndarray) -> float:
    """Robust noise std of an image: median |I * N| / (0.6745 * 6), N Immerkaer's mask."""
    n = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    lap = ndimage.correlate(grid, n, mode="nearest")[1:-1, 1:-1]
    return float(np.median(np.abs(lap))) / (0.6745 * 6.0)


def noise_sigma_mad(mag: np.ndarray) -> float:
    """Noise scale of one derivative component from the median magnitude.

    For white noise the two derivative components are independent normals of std s, the
    magnitude is Rayleigh(s) with median s * sqrt(2 ln 2); edges are a minority of pixels, so the
    median magnitude over the image estimates that of the noise (and of fine texture).
    """
    return float(np.median(mag)) / np.sqrt(2 * np.log(2))

"""OpenCV and scikit-image Canny, untuned and over threshold sweeps.

Units: OpenCV's thresholds are on its Sobel 3x3 magnitude of the 0..255 image (8 x 255 times the
derivative per pixel; L1 |gx|+|gy| unless ``L2gradient``); scikit-image's on its Sobel magnitude of
the image scaled to [0, 1] (8 times the derivative). Sweeps are built on a common grid of levels in
derivative units (edgegrad's magnitude units) and converted, so every method is swept as finely.
"""
from __future__ import annotations

import cv2
import numpy as np
from skimage.feature import canny as sk_canny

# high threshold levels in derivative units (a full black-to-white one-pixel step gives 0.5)
LEVELS = np.geomspace(0.0015, 0.35, 20)
RATIOS = (0.25, 0.4, 0.5, 0.7)


def cv2_raw(img, low, high):
    """cv2.Canny on the 8-bit image (aperture 3, L1 magnitude: OpenCV's defaults)."""
    return cv2.Canny(img, low, high) > 0


def cv2_blur(img, low, high):
    """GaussianBlur sigma 1.4 then cv2.Canny with the L2 magnitude (the bench's pipeline)."""
    return cv2.Canny(cv2.GaussianBlur(img, (0, 0), 1.4), low, high, L2gradient=True) > 0


def skimage_canny(img, low=None, high=None, sigma=1.0):
    return sk_canny(img, sigma=sigma, low_threshold=low, high_threshold=high)


def auto_canny_median(img, spread=0.33):
    """The widespread "auto Canny": levels (1 -/+ 0.33) x the median intensity, blur 3x3 first."""
    v = float(np.median(img))
    blurred = cv2.GaussianBlur(img, (3, 3), 0)
    return cv2.Canny(blurred, int(max(0, (1 - spread) * v)), int(min(255, (1 + spread) * v))) > 0


def untuned():
    """(label, function of the image) for the untuned baselines."""
    return [
        ("OpenCV Canny 100/200", lambda im: cv2_raw(im, 100, 200)),
        ("OpenCV Gauss 1.4 + Canny 50/150 L2", lambda im: cv2_blur(im, 50, 150)),
        ("scikit-image canny (defaults, sigma 1)", lambda im: skimage_canny(im)),
        ("auto Canny (0.67/1.33 x median)", auto_canny_median),
    ]


def sweeps():
    """(label, [(parameter text, function of the image)]) for the oracle sweeps."""
    out = []
    cv_scale = 8 * 255.0
    for label, fn in (("OpenCV Canny", cv2_raw), ("OpenCV Gauss 1.4 + Canny L2", cv2_blur)):
        params = []
        for hi in LEVELS:
            for r in RATIOS:
                h = hi * cv_scale
                params.append((f"{r * h:.1f}/{h:.1f}", lambda im, lo=r * h, h=h, fn=fn: fn(im, lo, h)))
        out.append((label, params))
    params = []
    for hi in LEVELS:
        for r in RATIOS:
            h = hi * 8
            params.append((f"{r * h:.4f}/{h:.4f}",
                           lambda im, lo=r * h, h=h: skimage_canny(im / 255.0, lo, h)))
    out.append(("scikit-image canny sigma 1", params))
    return out

"""Candidate automatic threshold rules for edgegrad, evaluated on the simulated pipeline.

A rule maps the gradient maps of one image (``pipeline_sim.Maps``) to an edge map. Families:

* ``plain``  edges = M > T                       (edgegrad ``detect`` without ``--thin``)
* ``thin``   edges = NMS & (M > T)               (``--thin``)
* ``hyst``   hysteresis on NMS with LOW = r * HIGH (``--canny``)

and levels:

* ``otsu``        Otsu on the histogram of M over all pixels (256 bins over [0, max M])
* ``otsu-nms``    Otsu on M over the NMS survivors only
* ``triangle``    Rosin's unimodal (triangle) threshold on the histogram of M
* ``top P%``      the level above which P percent of the pixels lie
* ``matlab``      MATLAB ``edge(...,'canny')``: HIGH at the 70th percentile of M, LOW = 0.4 HIGH
* ``noise k,c``   T = max(k * s, c * g): s = median(M) / sqrt(2 ln 2) estimates the noise std of
                  one derivative component (the median of a Rayleigh variable), g is the peak
                  magnitude the pipeline gives a unit step, so c is a minimum step contrast.
"""
from __future__ import annotations

import numpy as np

from pipeline_sim import Maps, hysteresis, noise_sigma_mad, otsu, smooth, triangle

_STEP_GAIN: dict = {}


def step_gain(sigma: float) -> float:
    """Peak gradient magnitude of a sharp unit step after smoothing ``sigma`` (0.5 unsmoothed)."""
    if sigma not in _STEP_GAIN:
        row = np.zeros((9, 64), np.float32)
        row[:, 32:] = 1.0
        g = np.gradient(smooth(row, sigma), axis=1)
        _STEP_GAIN[sigma] = float(np.abs(g[4]).max())
    return _STEP_GAIN[sigma]


def level(maps: Maps, name: str, arg=None) -> float:
    m = maps.mag
    if name == "otsu":
        return otsu(m)
    if name == "otsu-nms":
        v = m[maps.thin]
        return otsu(v) if v.size else 0.0
    if name == "triangle":
        return triangle(m)
    if name == "top":
        return float(np.quantile(m, 1 - arg / 100.0))
    if name == "matlab":
        return float(np.quantile(m, 0.7))
    if name == "noise":
        k, c = arg
        return max(k * noise_sigma_mad(m), c * step_gain(maps.sigma))
    raise ValueError(name)


def apply(maps: Maps, family: str, high: float, ratio: float = 1.0) -> np.ndarray:
    if family == "plain":
        return maps.mag > high
    if family == "thin":
        return maps.thin & (maps.mag > high)
    if family == "hyst":
        return hysteresis(maps.mag, maps.thin, ratio * high, high)
    raise ValueError(family)


SIGMAS = (0.0, 1.0, 1.4, 2.0)
RATIOS = (0.4, 0.5, 0.7)
NOISE_K = (3.0, 4.0, 5.0, 6.0, 8.0)
NOISE_C = (0.01, 0.02, 0.04)


def candidates():
    """(sigma, family, level name, level arg, ratio) for every rule tried."""
    out = []
    levels = [("otsu", None), ("otsu-nms", None), ("triangle", None),
              ("top", 5), ("top", 10), ("top", 20)]
    levels += [("noise", (k, c)) for k in NOISE_K for c in NOISE_C]
    for s in SIGMAS:
        for name, arg in levels:
            out.append((s, "plain", name, arg, 1.0))
            out.append((s, "thin", name, arg, 1.0))
            for r in RATIOS:
                out.append((s, "hyst", name, arg, r))
        out.append((s, "hyst", "matlab", None, 0.4))
    return out


def describe(sigma, family, name, arg, ratio) -> str:
    lv = {"otsu": "Otsu(M)", "otsu-nms": "Otsu(M on NMS)", "triangle": "triangle(M)",
          "matlab": "70th pct (MATLAB)"}.get(name)
    if name == "top":
        lv = f"top {arg}%"
    if name == "noise":
        lv = f"max({arg[0]:g} s_med, {arg[1]:g} g)"
    fam = {"plain": "M > T", "thin": "NMS, M > T", "hyst": f"NMS + hysteresis low={ratio:g} high"}[family]
    return f"sigma {sigma:g}, {fam}, T = {lv}"

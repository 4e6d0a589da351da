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
* ``noise-img k,c`` the same with s = sigma_img * gain(sigma): sigma_img is the noise std of the
                  image itself, median(|I * N|) / (0.6745 * 6) with Immerkaer's mask
                  N = [[1,-2,1],[-2,4,-2],[1,-2,1]], and gain(sigma) the std of a derivative component
                  of smoothed unit white noise.
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


def noise_gain(sigma: float) -> float:
    """Std of one np.gradient component of unit white noise smoothed by ``sigma``."""
    key = ("noise", sigma)
    if key not in _STEP_GAIN:
        noise = np.random.default_rng(7).standard_normal((512, 512)).astype(np.float32)
        g = np.gradient(smooth(noise, sigma), axis=1)[16:-16, 16:-16]
        _STEP_GAIN[key] = float(g.std())
    return _STEP_GAIN[key]


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
    if name == "noise-img":
        k, c = arg
        return max(k * maps.pixel_noise * noise_gain(maps.sigma), c * step_gain(maps.sigma))
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
NOISE_K = (3.0, 3.5, 4.0, 4.5, 5.0, 6.0)
NOISE_C = (0.01, 0.02, 0.04)


def candidates():
    """(sigma, family, level name, level arg, ratio) for every rule tried."""
    out = []
    levels = [("otsu", None), ("otsu-nms", None), ("triangle", None), ("top", 5), ("top", 10)]
    levels += [("noise", (k, c)) for k in NOISE_K for c in NOISE_C]
    levels += [("noise-img", (k, 0.02)) for k in NOISE_K[::2]]
    for s in SIGMAS:
        for name, arg in levels:
            out.append((s, "plain", name, arg, 1.0))
            out.append((s, "thin", name, arg, 1.0))
            for r in RATIOS:
                out.append((s, "hyst", name, arg, r))
        out.append((s, "hyst", "matlab", None, 0.4))
    return out


# The rules this evaluation recommends (see RESULTS.md), and today's `detect` default for reference.
RECOMMENDED = {
    "detect default: sigma 1, NMS, T = max(3.5 s_med, 0.01 g)": (1.0, "thin", "noise", (3.5, 0.01), 1.0),
    "detect default, sigma 2 variant": (2.0, "thin", "noise", (3.5, 0.01), 1.0),
    "--canny: sigma 1.4, NMS, high = max(4.5 s_med, 0.01 g), low = 0.5 high":
        (1.4, "hyst", "noise", (4.5, 0.01), 0.5),
    "no smoothing: sigma 0, NMS, T = max(3.5 s_med, 0.01 g)": (0.0, "thin", "noise", (3.5, 0.01), 1.0),
    "no smoothing: sigma 0, NMS, high = max(4 s_med, 0.01 g), low = 0.5 high":
        (0.0, "hyst", "noise", (4.0, 0.01), 0.5),
    "unthinned: sigma 0, M > max(3.5 s_med, 0.01 g)": (0.0, "plain", "noise", (3.5, 0.01), 1.0),
}
CURRENT = {
    "specified `detect` default: sigma 0, M > Otsu(M)": (0.0, "plain", "otsu", None, 1.0),
    "specified `--thin`: sigma 0, NMS, M > Otsu(M)": (0.0, "thin", "otsu", None, 1.0),
    "Otsu-based `--canny`: sigma 1.4, NMS, high = Otsu(M), low = 0.5 high": (1.4, "hyst", "otsu", None, 0.5),
}


def describe(sigma, family, name, arg, ratio) -> str:
    lv = {"otsu": "Otsu(M)", "otsu-nms": "Otsu(M on NMS)", "triangle": "triangle(M)",
          "matlab": "70th pct (MATLAB)"}.get(name)
    if name == "top":
        lv = f"top {arg}%"
    if name == "noise":
        lv = f"max({arg[0]:g} s_med, {arg[1]:g} g)"
    if name == "noise-img":
        lv = f"max({arg[0]:g} s_img, {arg[1]:g} g)"
    fam = {"plain": "M > T", "thin": "NMS, M > T", "hyst": f"NMS + hysteresis low={ratio:g} high"}[family]
    return f"sigma {sigma:g}, {fam}, T = {lv}"

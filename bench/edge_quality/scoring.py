"""Precision / recall / F-measure of an edge map against a one-pixel-wide true boundary.

Matching is one-to-one with a distance tolerance, as in the BSDS benchmark: a detected pixel and a
true pixel may be matched when their Euclidean distance is at most ``tolerance`` pixels, each pixel
is matched at most once, and the number of matches is the maximum possible (a maximum-cardinality
bipartite matching, Hopcroft-Karp via ``scipy.sparse.csgraph.maximum_bipartite_matching``). BSDS
uses a minimum-cost assignment, whose number of matches is the same maximum; only the count
matters for P/R/F. Thick responses therefore cost precision: a two-pixel-wide edge can match at most
half of its pixels.

    precision = matched detections / detections
    recall    = matched true pixels / true pixels
    F         = 2 P R / (P + R)

Sums of counts (not means of ratios) are used to aggregate over a set of scenes.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

TOLERANCE = 2.0


@dataclasses.dataclass
class Counts:
    matched_detections: int = 0
    detections: int = 0
    matched_truth: int = 0
    truth: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.matched_detections + other.matched_detections,
                      self.detections + other.detections,
                      self.matched_truth + other.matched_truth,
                      self.truth + other.truth)

    @property
    def precision(self) -> float:
        return self.matched_detections / self.detections if self.detections else 1.0

    @property
    def recall(self) -> float:
        return self.matched_truth / self.truth if self.truth else 1.0

    @property
    def f(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _offsets(tolerance):
    t = int(np.floor(tolerance))
    return [(dy, dx) for dy in range(-t, t + 1) for dx in range(-t, t + 1)
            if dy * dy + dx * dx <= tolerance * tolerance]


def match(detected: np.ndarray, truth: np.ndarray, tolerance: float = TOLERANCE) -> Counts:
    """One-to-one tolerant matching of two boolean maps of the same shape."""
    detected = np.asarray(detected, bool)
    truth = np.asarray(truth, bool)
    if detected.shape != truth.shape:
        raise ValueError(f"shape mismatch {detected.shape} vs {truth.shape}")
    h, w = truth.shape
    d_idx = -np.ones((h, w), np.int64)
    t_idx = -np.ones((h, w), np.int64)
    dy_, dx_ = np.nonzero(detected)
    ty_, tx_ = np.nonzero(truth)
    nd, nt = len(dy_), len(ty_)
    if nd == 0 or nt == 0:
        return Counts(0, nd, 0, nt)
    d_idx[dy_, dx_] = np.arange(nd)
    t_idx[ty_, tx_] = np.arange(nt)
    rows, cols = [], []
    for oy, ox in _offsets(tolerance):
        y, x = dy_ + oy, dx_ + ox
        ok = (y >= 0) & (y < h) & (x >= 0) & (x < w)
        j = np.full(nd, -1, np.int64)
        j[ok] = t_idx[y[ok], x[ok]]
        keep = j >= 0
        rows.append(np.nonzero(keep)[0])
        cols.append(j[keep])
    rows = np.concatenate(rows)
    cols = np.concatenate(cols)
    if len(rows) == 0:
        return Counts(0, nd, 0, nt)
    graph = csr_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(nd, nt))
    m = maximum_bipartite_matching(graph, perm_type="column")
    matched = int((m >= 0).sum())
    return Counts(matched, nd, matched, nt)

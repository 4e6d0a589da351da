"""The derivatives beyond np.gradient against numpy and scipy.ndimage, side by side.

    python bench/derivatives.py [--repeats N]

Needs the edgegrad Python package (``pip install ./python``) and scipy. Each case is timed
against its peer in turn (median of N runs, after a warm-up), so both see the same load; the
ratio is the peer's time over edgegrad's. Cases, all on 4096x4096 float32:

- laplacian against ``scipy.ndimage.laplace`` (mode "reflect", its default; edgegrad with the
  same boundary) and against chained ``np.gradient`` (the second derivative of each axis as
  the gradient of the gradient, summed);
- gradient of both axes at accuracy 4 against accuracy 2 (numpy's stencils), and with
  ``boundary="wrap"`` against numpy's boundary;
- the second derivative along one axis against ``scipy.ndimage.correlate1d`` with ``[1, -2, 1]``.

Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import edgegrad
import numpy as np
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python" / "bench"))
from bench import median_seconds, show


def chained_laplacian(f: np.ndarray) -> np.ndarray:
    return sum(np.gradient(np.gradient(f, axis=a), axis=a) for a in range(f.ndim))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=11, help="runs per case (median)"
    )
    args = parser.parse_args()
    f = np.random.default_rng(0).random((4096, 4096), dtype=np.float32)
    cases = [
        (
            "laplacian, reflect",
            "scipy.ndimage.laplace",
            lambda: edgegrad.laplacian(f, boundary="reflect"),
            lambda: ndimage.laplace(f),
        ),
        (
            "laplacian, numpy boundary",
            "chained np.gradient",
            lambda: edgegrad.laplacian(f),
            lambda: chained_laplacian(f),
        ),
        (
            "gradient, both axes, accuracy=4",
            "edgegrad accuracy=2",
            lambda: edgegrad.gradient(f, accuracy=4),
            lambda: edgegrad.gradient(f),
        ),
        (
            "gradient, both axes, boundary=wrap",
            "edgegrad numpy boundary",
            lambda: edgegrad.gradient(f, boundary="wrap"),
            lambda: edgegrad.gradient(f),
        ),
        (
            "second derivative, axis 0, reflect",
            "scipy.ndimage.correlate1d",
            lambda: edgegrad.derivative(f, 0, 2, boundary="reflect"),
            lambda: ndimage.correlate1d(f, [1.0, -2.0, 1.0], axis=0),
        ),
    ]
    print("| case (4096x4096 float32) | edgegrad | peer | peer's time | ratio |")
    print("|---|---:|---|---:|---:|")
    for name, peer, ours, theirs in cases:
        t_ours, t_theirs = median_seconds((ours, theirs), args.repeats, 1)
        print(
            f"| {name} | {show(t_ours)} | {peer} | {show(t_theirs)} | {t_theirs / t_ours:.2f}x |"
        )


if __name__ == "__main__":
    main()

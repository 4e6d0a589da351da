"""Edge order 1 against 2: the accuracy of ``edgegrad.gradient`` on a smooth function, and the cost.

    python python/bench/edge_order.py [--repeats N]

Accuracy: ``gradient(sin(x), dx, edge_order=k)`` against the exact derivative ``cos(x)`` on
[0, 2] for several numbers of samples (float64): the largest error at the two border points,
the largest error over the whole grid, and the root-mean-square error over the whole grid (the
interior points use the same central difference with either order). Cost: the median time of
``gradient`` of a 4096x4096 float64 array, both axes, with each order. Prints markdown tables.
"""

from __future__ import annotations

import argparse

import numpy as np

import edgegrad
from bench import median_seconds, show


def errors(samples: int, edge_order: int) -> tuple[float, float, float]:
    """(largest border error, largest error, RMS error) of the derivative of sin on [0, 2]."""
    x = np.linspace(0.0, 2.0, samples)
    error = np.abs(edgegrad.gradient(np.sin(x), x[1] - x[0], edge_order=edge_order) - np.cos(x))
    return max(error[0], error[-1]), float(error.max()), float(np.sqrt(np.mean(error**2)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="timed runs (median)")
    args = parser.parse_args()

    print("| samples | border, 1 | border, 2 | overall max, 1 | overall max, 2 | RMS, 1 | RMS, 2 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for samples in (11, 101, 1001, 10001):
        (b1, m1, r1), (b2, m2, r2) = errors(samples, 1), errors(samples, 2)
        print(f"| {samples} | {b1:.1e} | {b2:.1e} | {m1:.1e} | {m2:.1e} | {r1:.1e} | {r2:.1e} |")

    big = np.random.default_rng(0).random((4096, 4096))
    first, second = median_seconds(
        (
            lambda: edgegrad.gradient(big, edge_order=1),
            lambda: edgegrad.gradient(big, edge_order=2),
        ),
        args.repeats,
        1,
    )
    print(f"\nCost, gradient of 4096x4096 float64, both axes, median of {args.repeats} runs:\n")
    print("| edge_order=1 | edge_order=2 |")
    print("|---:|---:|")
    print(f"| {show(first)} | {show(second)} |")


if __name__ == "__main__":
    main()

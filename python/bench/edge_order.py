"""Edge order and accuracy against cost: the error of ``edgegrad.gradient`` on a smooth
function with numpy's stencils (``edge_order`` 1 and 2) and with accuracy 4, 6 and 8, and the
time of each.

    python python/bench/edge_order.py [--repeats N]

Accuracy: ``gradient(sin(x), dx, ...)`` against the exact derivative ``cos(x)`` on [0, 2] for
several numbers of samples (float64): the largest error at the borders (the points where the
central stencil does not fit: one-sided stencils there) and over the whole grid. Cost: the
median time of ``gradient`` of a 4096x4096 float64 array, both axes, with each. Prints markdown
tables.
"""

from __future__ import annotations

import argparse

import numpy as np

import edgegrad
from bench import median_seconds, show

#: (column title, keyword arguments, points at each border that are not central).
CHOICES = [
    ("edge_order=1", {"edge_order": 1}, 1),
    ("edge_order=2", {"edge_order": 2}, 1),
    ("accuracy=4", {"accuracy": 4}, 2),
    ("accuracy=6", {"accuracy": 6}, 3),
    ("accuracy=8", {"accuracy": 8}, 4),
]


def errors(samples: int, kwargs: dict[str, int], border: int) -> tuple[float, float]:
    """(largest border error, largest error) of the derivative of sin on [0, 2]."""
    x = np.linspace(0.0, 2.0, samples)
    error = np.abs(edgegrad.gradient(np.sin(x), x[1] - x[0], **kwargs) - np.cos(x))
    edges = np.concatenate([error[:border], error[-border:]])
    return float(edges.max()), float(error.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="timed runs (median)")
    args = parser.parse_args()

    titles = [title for title, _, _ in CHOICES]
    print("| samples | " + " | ".join(f"border, {t} | max, {t}" for t in titles) + " |")
    print("|---:|" + "---:|---:|" * len(CHOICES))
    for samples in (13, 101, 1001, 10001):
        cells = []
        for _, kwargs, border in CHOICES:
            b, m = errors(samples, kwargs, border)
            cells += [f"{b:.1e}", f"{m:.1e}"]
        print(f"| {samples} | " + " | ".join(cells) + " |")

    big = np.random.default_rng(0).random((4096, 4096))
    times = []
    for _, kwargs, _ in CHOICES:
        # Each timed against edge_order=1, in turn, so that both see the same load.
        base, this = median_seconds(
            (lambda: edgegrad.gradient(big), lambda kw=kwargs: edgegrad.gradient(big, **kw)),
            args.repeats,
            1,
        )
        times.append((this, this / base))
    print(f"\nCost, gradient of 4096x4096 float64, both axes, median of {args.repeats} runs:\n")
    print("| " + " | ".join(titles) + " |")
    print("|" + "---:|" * len(CHOICES))
    print("| " + " | ".join(f"{show(t)} ({r:.2f}x)" for t, r in times) + " |")


if __name__ == "__main__":
    main()

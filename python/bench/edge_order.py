"""Edge order and accuracy against cost: how exact ``edgegrad.gradient`` is on a smooth function,
and what each setting costs.

    python python/bench/edge_order.py [--repeats N]

Accuracy: ``gradient(sin(x), dx, ...)`` against the exact derivative ``cos(x)`` on [0, 2] for
several numbers of samples (float64), with numpy's ``edge_order=1`` and ``edge_order=2``
(accuracy 2) and with ``accuracy=4, 6, 8`` (central stencils of that order inside, one-sided
ones of the same order at the borders): the largest error over the whole grid, marked with
``*`` where it is not at a border point (the first and last ``accuracy / 2``). Cost: the
median time of ``gradient`` of a 4096x4096 float64 array and of a float32 one, both axes, with
each setting, timed in turn. Prints markdown tables.
"""

from __future__ import annotations

import argparse

import numpy as np

import edgegrad
from bench import median_seconds, show

#: (column heading, keyword arguments of ``edgegrad.gradient``)
SETTINGS: tuple[tuple[str, dict[str, int]], ...] = (
    ("edge order 1", {"edge_order": 1}),
    ("edge order 2", {"edge_order": 2}),
    ("accuracy 4", {"accuracy": 4}),
    ("accuracy 6", {"accuracy": 6}),
    ("accuracy 8", {"accuracy": 8}),
)


def largest_error(samples: int, options: dict[str, int]) -> str:
    """The largest error of the derivative of sin on [0, 2], marked when not at a border."""
    x = np.linspace(0.0, 2.0, samples)
    error = np.abs(edgegrad.gradient(np.sin(x), x[1] - x[0], **options) - np.cos(x))
    border = max(1, options.get("accuracy", 2) // 2)
    at_border = max(error[:border].max(), error[-border:].max()) == error.max()
    return f"{error.max():.1e}" + ("" if at_border else "*")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="timed runs (median)")
    args = parser.parse_args()

    names = [name for name, _ in SETTINGS]
    print("Largest error (* where it is not at a border):\n")
    print("| samples | " + " | ".join(names) + " |")
    print("|---:|" + "---:|" * len(names))
    for samples in (21, 101, 1001, 10001):
        cells = [largest_error(samples, options) for _, options in SETTINGS]
        print(f"| {samples} | " + " | ".join(cells) + " |")

    print(f"\nCost, gradient of 4096x4096, both axes, median of {args.repeats} runs:\n")
    print("| dtype | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for dtype in (np.float64, np.float32):
        big = np.random.default_rng(0).random((4096, 4096)).astype(dtype)
        calls = tuple(
            (lambda big=big, options=options: edgegrad.gradient(big, **options))
            for _, options in SETTINGS
        )
        times = median_seconds(calls, args.repeats, 1)
        print(f"| {np.dtype(dtype).name} | " + " | ".join(show(t) for t in times) + " |")


if __name__ == "__main__":
    main()

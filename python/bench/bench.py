"""edgegrad against numpy in one Python process: the median time of several runs of each case,
numpy's and edgegrad's runs taken in turn.

    python python/bench/bench.py [--repeats N] [--threads N]

Prints a markdown table: numpy's time, edgegrad's, the speed-up (numpy / edgegrad) and the
floor each case should reach (large arrays: a multiple of numpy's speed; small arrays: a call no
slower than numpy's). The machine's load shows in the absolute times: compare the ratios, and
run twice when in doubt.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import numpy as np

import edgegrad


def median_seconds(
    calls: tuple[Callable[[], object], ...], repeats: int, loops: int
) -> tuple[float, ...]:
    """The median over ``repeats`` runs of the mean time of ``loops`` calls, for each of the
    calls timed in turn (so that all see the same load on a busy machine), after a warm-up."""
    times: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()
    for _ in range(repeats):
        for call, spent in zip(calls, times):
            start = time.perf_counter()
            for _ in range(loops):
                call()
            spent.append((time.perf_counter() - start) / loops)
    return tuple(statistics.median(spent) for spent in times)


def show(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="runs per case (median)")
    parser.add_argument("--threads", type=int, help="edgegrad's threads (default: all cores)")
    args = parser.parse_args()
    if args.threads:
        edgegrad.set_num_threads(args.threads)

    rng = np.random.default_rng(0)
    big32 = rng.random((4096, 4096), dtype=np.float32)
    big64 = big32.astype(np.float64)
    small = rng.random((3, 3))
    line = rng.random(1000)

    # (case, numpy's call, edgegrad's call, floor as a speed-up, calls per timed run)
    cases = [
        (
            "gradient 4096x4096 float32, both axes",
            lambda: np.gradient(big32),
            lambda: edgegrad.gradient(big32),
            4.0,
            1,
        ),
        (
            "gradient 4096x4096 float64, both axes",
            lambda: np.gradient(big64),
            lambda: edgegrad.gradient(big64),
            2.5,
            1,
        ),
        (
            "gradient 4096x4096 float32, spacing 0.5, edge_order=2",
            lambda: np.gradient(big32, 0.5, edge_order=2),
            lambda: edgegrad.gradient(big32, 0.5, edge_order=2),
            None,
            1,
        ),
        (
            "gradient 3x3 float64",
            lambda: np.gradient(small),
            lambda: edgegrad.gradient(small),
            1.0,
            2000,
        ),
        (
            "gradient 1000 float64",
            lambda: np.gradient(line),
            lambda: edgegrad.gradient(line),
            1.0,
            2000,
        ),
        (
            "diff 4096x4096 float32, last axis",
            lambda: np.diff(big32),
            lambda: edgegrad.diff(big32),
            None,
            1,
        ),
        (
            "diff 4096x4096 float32, axis 0",
            lambda: np.diff(big32, axis=0),
            lambda: edgegrad.diff(big32, axis=0),
            None,
            1,
        ),
        ("diff 3x3 float64", lambda: np.diff(small), lambda: edgegrad.diff(small), 1.0, 5000),
        ("diff 1000 float64", lambda: np.diff(line), lambda: edgegrad.diff(line), 1.0, 5000),
    ]
    print(
        f"numpy {np.__version__}, edgegrad {edgegrad.__version__} on "
        f"{edgegrad.get_num_threads()} threads, median of {args.repeats} runs\n"
    )
    print("| case | numpy | edgegrad | speed-up | floor |")
    print("|---|---:|---:|---:|---|")
    for name, numpy_call, edgegrad_call, floor, loops in cases:
        theirs, ours = median_seconds((numpy_call, edgegrad_call), args.repeats, loops)
        ratio = theirs / ours
        if floor is None:
            verdict = "—"
        else:
            verdict = f"≥ {floor:g}x: {'met' if ratio >= floor else 'NOT MET'}"
        print(f"| {name} | {show(theirs)} | {show(ours)} | {ratio:.2f}x | {verdict} |")


if __name__ == "__main__":
    main()

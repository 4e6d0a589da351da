"""The native module: edgegrad's Rust library on numpy arrays (see ``edgegrad._numeric``)."""

from collections.abc import Sequence

import numpy as np

def gradient(
    f: np.ndarray,
    spacing: Sequence[float | np.ndarray],
    axes: Sequence[int] | None,
    edge_order: int,
) -> list[np.ndarray]:
    """``np.gradient(f, *spacing, axis=axes, edge_order=edge_order)``, one array per axis."""

def diff(
    a: np.ndarray,
    n: int,
    axis: int,
    prepend: np.ndarray | None = None,
    append: np.ndarray | None = None,
) -> np.ndarray:
    """``np.diff(a, n, axis, prepend, append)`` for ``n >= 1`` and arrays of one dtype."""

def set_num_threads(n: int) -> None:
    """Sets the number of threads edgegrad computes with (1 to 1024)."""

def get_num_threads() -> int:
    """The number of threads edgegrad computes with."""

"""The native module: edgegrad's Rust library on numpy arrays (see ``edgegrad._numeric``)."""

from collections.abc import Sequence

import numpy as np

def gradient(
    f: np.ndarray,
    spacing: Sequence[float | np.ndarray],
    axes: Sequence[int] | None,
    edge_order: int,
    accuracy: int = 2,
    boundary: str = "numpy",
) -> list[np.ndarray]:
    """``np.gradient(f, *spacing, axis=axes, edge_order=edge_order)``, one array per axis; with
    another ``accuracy`` or ``boundary``, the library's wider stencils and padding modes."""

def derivative(
    f: np.ndarray, axis: int, order: int, accuracy: int, spacing: float, boundary: str
) -> np.ndarray:
    """The ``order``-th derivative along ``axis``."""

def laplacian(f: np.ndarray, spacing: Sequence[float], accuracy: int, boundary: str) -> np.ndarray:
    """The sum of the second derivatives along every axis."""

def hessian(
    f: np.ndarray, spacing: Sequence[float], accuracy: int, boundary: str
) -> list[np.ndarray]:
    """``d2f / dxi dxj`` for every ``i <= j``, in that order."""

def diff(
    a: np.ndarray,
    n: int,
    axis: int,
    prepend: np.ndarray | None = None,
    append: np.ndarray | None = None,
) -> np.ndarray:
    """``np.diff(a, n, axis, prepend, append)`` for ``n >= 1`` and arrays of one dtype."""

def detect(
    image: np.ndarray,
    operator: str,
    sigma: float | None,
    threshold: float | str,
    hysteresis: tuple[float, float] | None,
    thin: bool,
    canny: bool,
    edge_order: int,
    outputs: Sequence[str],
) -> tuple[dict[str, np.ndarray], float, tuple[float, float] | None]:
    """The pipeline on a 2-D or 3-D uint8/uint16/float32/float64 image: the outputs by name,
    the threshold used and the hysteresis levels used."""

def read_image(path: str, keep_orientation: bool, max_pixels: int) -> np.ndarray:
    """An image file's luma as ``edgegrad detect`` reads it (uint8, uint16 or float32)."""

def set_num_threads(n: int) -> None:
    """Sets the number of threads edgegrad computes with (1 to 1024)."""

def get_num_threads() -> int:
    """The number of threads edgegrad computes with."""

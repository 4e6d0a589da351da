"""Derivatives beyond ``np.gradient``: ``derivative``, ``laplacian``, ``hessian``, and the
``accuracy`` and ``boundary`` of ``gradient``.

numpy has no answer to copy here, so there is no fallback: the arguments are converted the way
numpy converts array-likes (``np.asarray``), every array of float32, float64 or an integer type
is computed by the native library (float32 stays float32, everything else gives float64), and
any other dtype is a ``TypeError``. The stencils, their exact weights and the boundary modes are
the library's (``edgegrad::numeric::derivative``): accuracy 2, 4, 6 or 8; ``boundary`` is
``"numpy"`` (one-sided stencils of the same accuracy at the borders) or one of scipy.ndimage's
modes ``"wrap"``, ``"reflect"``, ``"mirror"``, ``"nearest"``, ``"constant"`` and
``"constant:VALUE"``, with their meanings there.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from edgegrad import _native

_INTEGERS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
#: The dtypes the library differentiates (native byte order).
_DTYPES = frozenset(np.dtype(t) for t in [np.float32, np.float64, *_INTEGERS])


def _array(f: Any) -> np.ndarray:
    """``f`` as an ndarray of a dtype the library takes, in native byte order."""
    array = np.asarray(f)
    native = array.dtype.newbyteorder("=")
    if native not in _DTYPES:
        raise TypeError(
            f"edgegrad differentiates float32, float64 and integer arrays, not {array.dtype}"
        )
    return array.astype(native, copy=False)


def _float(value: Any, what: str) -> float:
    try:
        return (
            float(operator.index(value)) if isinstance(value, (int, np.integer)) else float(value)
        )
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a number, not {type(value).__name__}") from None


def _spacings(spacing: Any, what: str = "spacing") -> list[float]:
    """A number, or a sequence of numbers (one per axis), as a list of floats."""
    if np.ndim(spacing) == 0:
        return [_float(spacing, what)]
    return [_float(h, what) for h in np.asarray(spacing).ravel().tolist()]


def _boundary(boundary: Any) -> str:
    if not isinstance(boundary, str):
        raise TypeError(f"boundary must be a string, not {type(boundary).__name__}")
    return boundary


def gradient_beyond(
    f: Any, varargs: tuple[Any, ...], axis: Any, edge_order: Any, accuracy: Any, boundary: Any
) -> list[np.ndarray]:
    """``gradient`` with another accuracy or boundary than numpy's: one array per axis."""
    array = _array(f)
    spacings: list[Any] = []
    for h in varargs:
        if np.ndim(h) == 0:
            spacings.append(_float(h, "a spacing"))
        else:
            x = np.asarray(h)
            spacings.append(x if x.dtype == np.float32 else x.astype(np.float64))
    if axis is None:
        axes = None
    elif isinstance(axis, (tuple, list)):
        axes = [operator.index(a) for a in axis]
    else:
        axes = [operator.index(axis)]
    return _native.gradient(
        array,
        spacings,
        axes,
        operator.index(edge_order),
        operator.index(accuracy),
        _boundary(boundary),
    )


def derivative(
    f: Any,
    axis: int = -1,
    order: int = 1,
    *,
    spacing: float = 1.0,
    accuracy: int = 2,
    boundary: str = "numpy",
) -> np.ndarray:
    """The ``order``-th derivative of ``f`` along ``axis``, with a proper stencil of that order.

    Not chained first differences: the second derivative at accuracy 2 is ``[1, -2, 1] / h**2``.
    Inside, central stencils of the given accuracy; at the borders, with ``boundary="numpy"``,
    one-sided stencils of the same accuracy (findiff's rule), or with a scipy.ndimage mode the
    central stencil over the padded data (as ``scipy.ndimage.correlate1d`` with the same weights
    and mode). The first derivative at accuracy 2 with ``boundary="numpy"`` is
    ``np.gradient(f, spacing, axis=axis, edge_order=2)``, bit for bit.

    Parameters
    ----------
    f : array_like
        float32, float64 or integers.
    axis : int, optional
        The axis to differentiate along (the last by default).
    order : {1, 2, 3, 4}, optional
        The derivative order.
    spacing : float, optional
        The distance between samples: finite, non-zero.
    accuracy : {2, 4, 6, 8}, optional
        The order of accuracy of the stencils.
    boundary : str, optional
        ``"numpy"``, ``"wrap"``, ``"reflect"``, ``"mirror"``, ``"nearest"``, ``"constant"`` or
        ``"constant:VALUE"``.

    Returns
    -------
    ndarray
        The shape of ``f``; float32 for float32 input, float64 otherwise.

    Examples
    --------
    >>> import numpy as np, edgegrad
    >>> x = np.arange(6.0)
    >>> edgegrad.derivative(x**3, order=2)
    array([ 0.,  6., 12., 18., 24., 30.])
    >>> edgegrad.derivative(np.array([0.0, 1.0, 4.0, 9.0]), boundary="wrap")
    array([-4.,  2.,  4., -2.])
    """
    return _native.derivative(
        _array(f),
        operator.index(axis),
        operator.index(order),
        operator.index(accuracy),
        _float(spacing, "spacing"),
        _boundary(boundary),
    )


def laplacian(
    f: Any, spacing: Any = 1.0, *, accuracy: int = 2, boundary: str = "numpy"
) -> np.ndarray:
    """The laplacian of ``f``: the sum of its second derivatives along every axis.

    One pass over ``f``; the second derivatives are those of :func:`derivative`, added in axis
    order in float64 and rounded once. With accuracy 2 and a scipy.ndimage mode this is the
    stencil of ``scipy.ndimage.laplace`` with that mode.

    Parameters
    ----------
    f : array_like
        float32, float64 or integers, at least 1-D.
    spacing : float or sequence of float, optional
        One spacing for every axis, or one per axis.
    accuracy : {2, 4, 6, 8}, optional
        The order of accuracy of the stencils.
    boundary : str, optional
        As for :func:`derivative`.

    Examples
    --------
    >>> import numpy as np, edgegrad
    >>> y, x = np.mgrid[0:4, 0:5].astype(float)
    >>> edgegrad.laplacian(x**2 + y**2)
    array([[4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4.]])
    """
    return _native.laplacian(
        _array(f), _spacings(spacing), operator.index(accuracy), _boundary(boundary)
    )


def hessian(
    f: Any, spacing: Any = 1.0, *, accuracy: int = 2, boundary: str = "numpy"
) -> tuple[np.ndarray, ...]:
    """The hessian of ``f``: ``d2f / dxi dxj`` for every ``i <= j``, in the order
    ``(0, 0), (0, 1), ..., (1, 1), ...`` (like ``skimage.feature.hessian_matrix``).

    The diagonal uses the second-derivative stencil; the mixed derivatives apply the
    first-derivative stencil along ``j`` and then along ``i``, without storing the intermediate.
    All in one pass over ``f``.

    Parameters
    ----------
    f : array_like
        float32, float64 or integers, at least 1-D.
    spacing : float or sequence of float, optional
        One spacing for every axis, or one per axis.
    accuracy : {2, 4, 6, 8}, optional
        The order of accuracy of the stencils.
    boundary : str, optional
        As for :func:`derivative`.

    Examples
    --------
    >>> import numpy as np, edgegrad
    >>> y, x = np.mgrid[0:4, 0:5].astype(float)
    >>> dyy, dyx, dxx = edgegrad.hessian(3 * x * y + y**2)
    >>> float(dyy[1, 2]), float(dyx[1, 2]), float(dxx[1, 2])
    (2.0, 3.0, 0.0)
    """
    return tuple(
        _native.hessian(
            _array(f), _spacings(spacing), operator.index(accuracy), _boundary(boundary)
        )
    )

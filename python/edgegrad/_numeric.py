"""``gradient`` and ``diff``: numpy's functions, computed by edgegrad's native library.

Each call is sorted here into one the library computes exactly as numpy does, which goes to the
native module, and everything else, which goes to numpy's own function (kept from before anyone
could replace ``np.gradient``/``np.diff``), so that the answer is always numpy's: the same values
bit for bit, dtype, shape, memory order, return type and exceptions.

The library takes plain ``np.ndarray`` inputs (or lists and tuples, which numpy would convert
the same way) of native byte order: for ``gradient`` float32, float64 and every integer type;
for ``diff`` those and bool. numpy's answer for anything else (float16, complex, datetime64,
object arrays, masked arrays and other subclasses or array-likes, ``edge_order`` other than 1 or
2, ``n`` < 1, ...) comes from numpy.

Spacings need care for float32 data, because numpy's precision depends on the spacing's type
(NEP 50): a Python float or int is "weak" and computes in float32, a numpy float64 (or
integer) scalar widens the arithmetic to float64, a numpy float32 scalar keeps float32 but
computes its own coefficients in float32. The library's ``Spacing.Scalar`` is a Python float;
:func:`_scalar_spacing` passes a numpy scalar as one exactly where numpy's arithmetic gives the
same bits, and leaves the rest to numpy. numpy 1.26's default "legacy" promotion is different
again and is handled the same way, from numpy's own report of the promotion state.
"""

from __future__ import annotations

import math
import operator
import sys
from typing import Any

import numpy as np

from edgegrad import _native
from edgegrad._derivatives import gradient_beyond
from edgegrad._layout import axis_order, inverse

try:  # numpy >= 2
    from numpy.lib._function_base_impl import diff as _numpy_diff
    from numpy.lib._function_base_impl import gradient as _numpy_gradient
except ImportError:  # numpy 1.26
    from numpy.lib.function_base import diff as _numpy_diff  # type: ignore[no-redef]
    from numpy.lib.function_base import gradient as _numpy_gradient  # type: ignore[no-redef]

#: What np.gradient returns for several axes: a tuple (numpy 2) or a list (numpy 1.26).
_SEVERAL_RESULTS: Any = type(_numpy_gradient(np.zeros((2, 2))))

_NO_VALUE: Any = np._NoValue  # numpy's "argument not given" for diff's prepend/append

_INTEGERS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
_FLOAT32 = np.dtype(np.float32)
_FLOAT64 = np.dtype(np.float64)
#: The dtypes the library differentiates (native byte order).
_GRADIENT_DTYPES = frozenset([_FLOAT32, _FLOAT64] + [np.dtype(t) for t in _INTEGERS])
#: The dtypes the library differences (native byte order).
_DIFF_DTYPES = _GRADIENT_DTYPES | {np.dtype(np.bool_)}

_FLOAT32_MAX = float(np.finfo(np.float32).max)
#: Integers beyond this are not all exact as float64.
_EXACT_INTEGER = 2**53
#: Axes, orders and counts beyond this cannot be meant; numpy's answer for them is numpy's.
_LARGEST_INDEX = 2**62


class _ToNumpy(Exception):
    """Raised while sorting a call that the library does not compute exactly as numpy does."""


def _index(value: object) -> int:
    """``operator.index(value)`` for a moderate integer (numpy's rule for axes and counts)."""
    try:
        index = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise _ToNumpy from None
    if not -_LARGEST_INDEX < index < _LARGEST_INDEX:
        raise _ToNumpy
    return index


def _array(value: object, dtypes: frozenset[np.dtype]) -> np.ndarray:
    """``value`` as the plain, aligned ndarray of a supported dtype that numpy would make of it."""
    if type(value) is not np.ndarray:
        if type(value) not in (list, tuple):
            raise _ToNumpy
        try:
            value = np.asarray(value)
        except Exception:  # numpy raises the same error itself
            raise _ToNumpy from None
    dtype = value.dtype
    if dtype not in dtypes or dtype.metadata is not None or not value.flags.aligned:
        raise _ToNumpy
    return value


def _weak_promotion() -> bool:
    """True under NEP 50 promotion (numpy 2; numpy 1.26 when switched to "weak")."""
    state = getattr(np, "_get_promotion_state", None)
    return state is None or state() != "legacy"


def _exact_float(value: int) -> float:
    if abs(value) > _EXACT_INTEGER:
        raise _ToNumpy
    return float(value)


def _float32_exact(x: float) -> bool:
    return math.isinf(x) or (abs(x) <= _FLOAT32_MAX and float(np.float32(x)) == x)


def _scalar_spacing(h: object, data32: bool, edge_order: int, weak: bool) -> float:
    """A scalar spacing as the Python float that gives numpy's bits (see the module notes).

    ``data32`` is True for float32 data (integers compute as float64).
    """
    kind = type(h)
    if kind is float:
        x = h
    elif kind is int:
        x = _exact_float(h)  # type: ignore[arg-type]
    elif kind is np.float64 or kind is np.float32:
        x = float(h)  # type: ignore[arg-type]
    elif isinstance(h, np.integer):
        kind = np.float64  # promotes like a float64 scalar
        x = _exact_float(int(h))
    else:
        raise _ToNumpy
    python = kind is float or kind is int
    # -1.5 / h: Python raises ZeroDivisionError (as the library does), numpy warns.
    if x == 0 and edge_order == 2 and not python:
        raise _ToNumpy
    if not weak:
        # Legacy promotion computes float32 data in float64 when a coefficient (2h, -1.5/h...)
        # is beyond float32's range; in float32 otherwise, like a Python float.
        if data32 and x != 0 and math.isfinite(x) and not 1e-37 <= abs(x) <= 1e37:
            raise _ToNumpy
        return x
    if not data32:
        # A float32 scalar computes 2h, -1.5/h, ... in float32: the same as in float64 (then
        # stored as float64) for first-order edges unless 2h overflows float32.
        if kind is np.float32 and not (edge_order == 1 and abs(x) <= _FLOAT32_MAX / 2):
            raise _ToNumpy
        return x
    # float32 data: a float64 scalar computes in float64, which rounds to the same float32
    # results as float32 arithmetic for first-order edges when h and 2h are float32 values.
    if kind is np.float64 and not (edge_order == 1 and _float32_exact(x) and _float32_exact(2 * x)):
        raise _ToNumpy
    return x


def _coordinates(value: object, data32: bool, weak: bool) -> np.ndarray:
    """1-D coordinates as the float64 or float32 array the library takes."""
    if type(value) is not np.ndarray:
        if type(value) not in (list, tuple):
            raise _ToNumpy
        try:
            value = np.asarray(value)
        except Exception:
            raise _ToNumpy from None
    # numpy fails on fewer than two coordinates with an IndexError of its own.
    if value.ndim != 1 or len(value) < 2 or not value.dtype.isnative:
        raise _ToNumpy
    if value.dtype.kind in "iu":
        value = value.astype(np.float64)  # as numpy converts integer coordinates
    elif value.dtype not in (_FLOAT32, _FLOAT64):
        raise _ToNumpy
    # Legacy promotion mixes precisions differently wherever the coordinates' type is not the
    # data's; the library follows NEP 50.
    if not weak and (data32 or value.dtype != _FLOAT64):
        raise _ToNumpy
    return value


def _spacings(varargs: tuple[object, ...], data32: bool, edge_order: int) -> list[object]:
    """numpy's ``*varargs`` as the library's spacings: Python floats and coordinate arrays."""
    if not varargs:
        return []
    weak = _weak_promotion()
    spacings: list[object] = []
    for h in varargs:
        if type(h) is np.ndarray and h.ndim == 0:
            h = h[()]  # a 0-d array computes like the scalar it holds
        if type(h) in (np.ndarray, list, tuple):
            spacings.append(_coordinates(h, data32, weak))
        else:
            spacings.append(_scalar_spacing(h, data32, edge_order, weak))
    return spacings


def _axes(axis: object) -> list[int] | None:
    """numpy's ``axis`` argument as a list of integers (``None`` for all axes)."""
    if axis is None:
        return None
    if type(axis) in (tuple, list):
        return [_index(a) for a in axis]  # type: ignore[union-attr]
    return [_index(axis)]


def _normalized(axes: list[int] | None, ndim: int) -> list[int] | None:
    """The axes in ``0..ndim``, or None when they are out of range or repeated (an error the
    library reports)."""
    if axes is None:
        return list(range(ndim))
    normal = [a + ndim if a < 0 else a for a in axes]
    if any(not 0 <= a < ndim for a in normal) or len(set(normal)) != len(normal):
        return None
    return normal


def gradient(
    f: Any,
    *varargs: Any,
    axis: Any = None,
    edge_order: Any = 1,
    accuracy: Any = 2,
    boundary: Any = "numpy",
) -> Any:
    """The gradient of an N-D array: exactly ``np.gradient``, computed in parallel.

    Central differences in the interior and one-sided differences at the boundaries, with the
    same arguments, results (bit for bit), dtypes, memory order and exceptions as
    ``np.gradient``. float32 stays float32, integers give float64; inputs the native library does
    not take (float16, complex, datetime64, subclasses, ...) are passed to numpy.

    Beyond numpy, ``accuracy`` (4, 6 or 8) uses wider central stencils, with one-sided ones of the
    same accuracy at the borders, and ``boundary`` (a scipy.ndimage mode: ``"wrap"``,
    ``"reflect"``, ``"mirror"``, ``"nearest"``, ``"constant"``, ``"constant:VALUE"``) pads the
    data and uses the central stencil everywhere; values are then combined in float64 and
    rounded once, spacings must be uniform (evenly spaced coordinates give their step), and
    ``edge_order`` stays 1. Only float32, float64 and integer data are taken (``TypeError``
    otherwise): numpy has no such options to fall back on.

    Parameters
    ----------
    f : array_like
        The sampled values.
    *varargs : scalar or 1-D array_like, optional
        The spacing: none (1 everywhere), one scalar for every axis, or one scalar or one
        coordinate array per selected axis.
    axis : None, int or tuple of ints, optional
        The axes to differentiate along (all by default); negative counts from the end.
    edge_order : {1, 2}, optional
        The accuracy order of the differences at the boundaries.
    accuracy : {2, 4, 6, 8}, optional
        The order of accuracy of the stencils (2 is numpy's).
    boundary : str, optional
        ``"numpy"`` (numpy's one-sided differences) or a scipy.ndimage mode.

    Returns
    -------
    ndarray or tuple of ndarray
        One array per selected axis, each the shape of ``f``: a single array for one axis
        (numpy 1.26 returns a list for several axes, and so does edgegrad with it).

    Examples
    --------
    >>> import numpy as np, edgegrad
    >>> f = np.array([1, 2, 4, 7, 11, 16])
    >>> edgegrad.gradient(f)
    array([1. , 1.5, 2.5, 3.5, 4.5, 5. ])
    >>> edgegrad.gradient(f, 2.0)
    array([0.5 , 0.75, 1.25, 1.75, 2.25, 2.5 ])
    >>> x = np.array([0.0, 1.0, 1.5, 3.5, 4.0, 6.0])
    >>> edgegrad.gradient(f, x)
    array([1. , 3. , 3.5, 6.7, 6.9, 2.5])
    >>> edgegrad.gradient(f, edge_order=2)
    array([0.5, 1.5, 2.5, 3.5, 4.5, 5.5])
    >>> dy, dx = edgegrad.gradient(np.array([[1, 2, 6], [3, 4, 5]]))
    >>> dx
    array([[1. , 2.5, 4. ],
           [1. , 1. , 1. ]])
    >>> edgegrad.gradient(np.array([[1, 2, 6], [3, 4, 5]]), axis=0)
    array([[ 2.,  2., -1.],
           [ 2.,  2., -1.]])
    >>> edgegrad.gradient(np.array([0.0, 1.0, 4.0, 9.0]), boundary="wrap")
    array([-4.,  2.,  4., -2.])
    >>> float(edgegrad.gradient(np.arange(8.0) ** 4, accuracy=4)[3])  # 4 x**3, exact
    108.0
    """
    if not _numpys_stencils(accuracy, boundary):
        results = gradient_beyond(f, varargs, axis, edge_order, accuracy, boundary)
        return results[0] if len(results) == 1 else _SEVERAL_RESULTS(results)
    try:
        array = _array(f, _GRADIENT_DTYPES)
        order = _index(edge_order)
        if order not in (1, 2):
            raise _ToNumpy
        axes = _axes(axis)
        data32 = array.dtype == _FLOAT32
        if data32 and array.ndim == 1 and not _weak_promotion():
            # numpy 1.26 computes the edges of 1-D float32 data from float32 scalars, which
            # its legacy promotion widens to float64.
            raise _ToNumpy
        spacings = _spacings(varargs, data32, order)
    except _ToNumpy:
        return _numpy_gradient(f, *varargs, axis=axis, edge_order=edge_order)
    undo = None
    flags = array.flags
    if not (flags.c_contiguous or flags.f_contiguous):
        selected = _normalized(axes, array.ndim)
        if selected is not None:
            layout = axis_order([array], zero_strides_ambiguous=False)
            undo = inverse(layout)
            array = array.transpose(layout)
            axes = [undo[a] for a in selected]
    results = _native.gradient(array, spacings, axes, order)
    if undo is not None:
        results = [r.transpose(undo) for r in results]
    if len(results) == 1:
        return results[0]
    return _SEVERAL_RESULTS(results)


def _numpys_stencils(accuracy: object, boundary: object) -> bool:
    """Whether ``accuracy`` and ``boundary`` are numpy's own (2 and "numpy")."""
    try:
        return operator.index(accuracy) == 2 and isinstance(boundary, str) and boundary == "numpy"  # type: ignore[arg-type]
    except TypeError:
        return False


def _boundary(value: object) -> np.ndarray:
    """A ``prepend``/``append`` value as numpy makes it (``np.asanyarray``)."""
    if type(value) is not np.ndarray:
        if not isinstance(value, (int, float, np.generic, list, tuple)):
            raise _ToNumpy
        try:
            value = np.asarray(value)
        except Exception:
            raise _ToNumpy from None
    if value.dtype not in _DIFF_DTYPES or value.dtype.metadata is not None:
        raise _ToNumpy
    return value


def diff(
    a: Any, n: Any = 1, axis: Any = -1, prepend: Any = _NO_VALUE, append: Any = _NO_VALUE
) -> Any:
    """The n-th discrete difference along an axis: exactly ``np.diff``, computed in parallel.

    ``out[i] = a[i+1] - a[i]`` along ``axis``, ``n`` times, after joining ``prepend`` and
    ``append`` to ``a``: the same results (integers wrap, booleans compare with ``!=``), dtypes,
    memory order and exceptions as ``np.diff``; inputs the native library does not take are
    passed to numpy.

    Parameters
    ----------
    a : array_like
        The input.
    n : int, optional
        How many times to difference; ``n=0`` returns ``a`` itself.
    axis : int, optional
        The axis to difference along, the last by default.
    prepend, append : array_like, optional
        Values joined before and after ``a`` along ``axis``: a scalar is repeated across the
        other axes, an array must match ``a``'s shape except along ``axis``.

    Returns
    -------
    ndarray
        ``n`` shorter than ``a`` (with ``prepend``/``append``) along ``axis``, of their common
        dtype.

    Examples
    --------
    >>> import numpy as np, edgegrad
    >>> x = np.array([1, 2, 4, 7, 0])
    >>> edgegrad.diff(x)
    array([ 1,  2,  3, -7])
    >>> edgegrad.diff(x, n=2)
    array([  1,   1, -10])
    >>> edgegrad.diff(np.array([1, 3, 2], dtype=np.uint8))
    array([  2, 255], dtype=uint8)
    >>> edgegrad.diff(x, prepend=0)
    array([ 1,  1,  2,  3, -7])
    >>> edgegrad.diff(np.array([[1, 3, 6], [0, 5, 6]]), axis=0)
    array([[-1,  2,  0]])
    """
    try:
        count = _order(n)
        array = _array(a, _DIFF_DTYPES)
        along = _index(axis)
        if prepend is _NO_VALUE and append is _NO_VALUE:
            return _diff_alone(array, count, along)
        before = None if prepend is _NO_VALUE else _boundary(prepend)
        after = None if append is _NO_VALUE else _boundary(append)
        return _diff_joined(array, count, along, before, after)
    except _ToNumpy:
        return _numpy_diff(a, n=n, axis=axis, prepend=prepend, append=append)


def _order(n: object) -> int:
    """``diff``'s ``n`` when it is at least 1."""
    try:
        count = operator.index(n)  # type: ignore[arg-type]
    except TypeError:
        raise _ToNumpy from None
    if count < 1:
        raise _ToNumpy  # numpy returns the input itself for 0, and raises for negative orders
    # Beyond the axis's length more differences change nothing (numpy loops on empty arrays).
    return min(count, sys.maxsize)


def _diff_alone(array: np.ndarray, count: int, axis: int) -> np.ndarray:
    """``np.diff`` without ``prepend``/``append``, in numpy's memory order."""
    flags = array.flags
    ndim = array.ndim
    if flags.c_contiguous or flags.f_contiguous or not -ndim <= axis < ndim:
        # The library keeps C and Fortran order, and reports a bad axis.
        return _native.diff(array, count, axis)
    layout = axis_order([array], zero_strides_ambiguous=True)
    undo = inverse(layout)
    return _native.diff(array.transpose(layout), count, undo[axis % ndim]).transpose(undo)


def _diff_joined(
    array: np.ndarray,
    count: int,
    axis: int,
    before: np.ndarray | None,
    after: np.ndarray | None,
) -> np.ndarray:
    """``np.diff`` with ``prepend`` and/or ``append``: numpy's common dtype, its memory order."""
    given = [b for b in (before, after) if b is not None]
    dtype = np.result_type(array.dtype, *[b.dtype for b in given])
    if dtype not in _DIFF_DTYPES:
        raise _ToNumpy
    layout = _joined_layout(array, axis, given)
    array, before, after = (
        None if p is None else p.astype(dtype, copy=False) for p in (array, before, after)
    )
    if layout is None:
        return _native.diff(array, count, axis, before, after)
    undo = inverse(layout)
    array, before, after = (_in_layout(p, layout) for p in (array, before, after))
    return _native.diff(array, count, undo[axis % len(layout)], before, after).transpose(undo)


def _joined_layout(array: np.ndarray, axis: int, boundaries: list[np.ndarray]) -> list[int] | None:
    """The axis order of ``np.concatenate``'s result, or None when it is C order or the
    arguments are in error (which the library reports)."""
    ndim = array.ndim
    if not -ndim <= axis < ndim or any(b.ndim not in (0, ndim) for b in boundaries):
        return None
    if array.flags.c_contiguous and all(b.ndim == 0 or b.flags.c_contiguous for b in boundaries):
        return None
    shape = list(array.shape)
    shape[axis] = 1
    parts = [array] + [np.broadcast_to(b, shape) if b.ndim == 0 else b for b in boundaries]
    return axis_order(parts, zero_strides_ambiguous=False)


def _in_layout(part: np.ndarray | None, layout: list[int]) -> np.ndarray | None:
    """A part to join, its axes in numpy's order, where numpy's result is in C order. The
    library joins in Fortran order when a part is in Fortran order only (one that a scalar
    boundary or an empty array outvoted in numpy's choice): such a part goes in C order."""
    if part is None or part.ndim == 0:
        return part
    part = part.transpose(layout)
    if part.flags.f_contiguous and not part.flags.c_contiguous:
        return np.ascontiguousarray(part)
    return part

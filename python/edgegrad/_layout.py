"""The memory order numpy gives its results, so that edgegrad's are laid out the same way.

numpy lays out a new array after the strides of the arrays it is made from: ``np.empty_like``
(``np.gradient``'s results), ufuncs (``np.diff``'s differences) and ``np.concatenate``
(``np.diff``'s ``prepend``/``append``) order the axes by decreasing stride. C-order input gives
C-order results, Fortran-order input Fortran-order results, and a transposed or sliced array
results whose axes are in the same memory order as its own. The native library keeps C and
Fortran order; for any other layout edgegrad computes on a transposed view whose axes are in
numpy's order, which the library lays out in C order, and transposes the results back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def axis_order(parts: Sequence[np.ndarray], zero_strides_ambiguous: bool) -> list[int]:
    """The axes of arrays of one shape sorted by decreasing stride, as numpy sorts them.

    numpy's stable insertion sort (``PyArray_CreateMultiSortedStridePerm``, which
    ``np.concatenate`` uses): two axes are compared only in the arrays where neither has length
    1, and an array that keeps them in order outvotes one that would swap them. The ufunc
    iterator, which lays out ``np.diff``'s differences, sorts the same way but also leaves alone
    axes with a zero stride (``zero_strides_ambiguous``).
    """
    ndim = parts[0].ndim
    order = list(range(ndim))
    for i in range(1, ndim):
        axis = order[i]
        position = i
        for j in range(i - 1, -1, -1):
            other = order[j]
            ambiguous, swap = True, False
            for p in parts:
                shape, strides = p.shape, p.strides
                if shape[axis] == 1 or shape[other] == 1:
                    continue
                if zero_strides_ambiguous and (strides[axis] == 0 or strides[other] == 0):
                    continue
                if abs(strides[axis]) <= abs(strides[other]):
                    swap = False
                elif ambiguous:
                    swap = True
                ambiguous = False
            if not ambiguous:
                if not swap:
                    break
                position = j
        if position != i:
            order[position + 1 : i + 1] = order[position:i]
            order[position] = axis
    return order


def inverse(order: Sequence[int]) -> list[int]:
    """The permutation that undoes ``order`` (``a.transpose(order).transpose(inverse(order))``
    is ``a``)."""
    undo = [0] * len(order)
    for position, axis in enumerate(order):
        undo[axis] = position
    return undo

"""Hypothesis strategies: numpy arrays of every dtype in every memory layout, and spacings."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, from_dtype

INTEGERS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
FLOATS = [np.float32, np.float64]
#: What the native library computes, and dtypes that go to numpy.
NATIVE = INTEGERS + FLOATS
FALLBACK = [np.float16, np.complex64]


def elements(dtype: type) -> st.SearchStrategy:
    """Values of ``dtype``: for floats mostly ordinary numbers, with NaN, infinities, zeros of
    both signs, subnormals and extremes among them."""
    if np.dtype(dtype).kind == "f":
        width = np.dtype(dtype).itemsize * 8
        ordinary = st.floats(-1e3, 1e3, width=width)
        special = st.floats(width=width, allow_nan=True, allow_infinity=True, allow_subnormal=True)
        return st.one_of(ordinary, ordinary, ordinary, special)
    if np.dtype(dtype).kind == "c":
        return st.complex_numbers(max_magnitude=1e3, width=64)
    return from_dtype(np.dtype(dtype))


@st.composite
def any_layout(draw, dtypes: list[type], min_side: int = 0, max_side: int = 6, max_dims: int = 4):
    """An array of 1 to ``max_dims`` dimensions in C or Fortran order, sliced with steps of
    1, 2, -1 or -2 along each axis, and transposed."""
    ndim = draw(st.integers(1, max_dims))
    shape = draw(st.lists(st.integers(min_side, max_side), min_size=ndim, max_size=ndim))
    dtype = draw(st.sampled_from(dtypes))
    steps = draw(st.lists(st.sampled_from([1, 1, 1, 2, -1, -2]), min_size=ndim, max_size=ndim))
    base = draw(arrays(dtype, [n * abs(s) for n, s in zip(shape, steps)], elements=elements(dtype)))
    if draw(st.booleans()):
        base = np.asfortranarray(base)
    view = base[tuple(slice(None, None, s) for s in steps)]
    return view.transpose(draw(st.permutations(range(ndim))))


def scalar_spacings() -> st.SearchStrategy:
    """Scalar spacings of every kind numpy tells apart: Python floats and ints, numpy float64,
    float32, float16 and integer scalars, 0-d arrays; zero, negative, tiny and huge ones."""
    value = st.one_of(
        st.sampled_from([1.0, 0.5, 2.0, 0.1, -0.3, 3.0, 0.0, 1e-3, 7.0]),
        st.floats(-1e3, 1e3).filter(lambda x: x != 0),
        st.sampled_from([1e-39, 1e-30, 3e38, 1e39, 1e300, float("inf"), float("nan")]),
    )
    return st.one_of(
        value,
        value.map(np.float64),
        value.filter(lambda x: abs(x) < 3.4e38).map(np.float32),
        st.integers(-5, 5),
        st.integers(-5, 5).map(np.int64),
        st.integers(1, 5).map(np.uint8),
        st.sampled_from([0.5, 2.0]).map(np.float16),
        value.map(np.array),
        st.integers(-5, 5).map(lambda i: np.array(i, dtype=np.int32)),
    )


@st.composite
def coordinates(draw, length: int):
    """Coordinates of ``length`` samples: increasing, decreasing, evenly spaced, repeated or
    arbitrary, as float64, float32, integer or float16 arrays, or a list."""
    dtype = draw(
        st.sampled_from([np.float64, np.float64, np.float32, np.int64, np.uint8, np.float16])
    )
    kind = draw(st.sampled_from(["sorted", "even", "random", "reversed"]))
    if kind == "even":
        start = draw(st.integers(-10, 10))
        step = draw(st.sampled_from([1, 2, 3, -1]))
        x = np.arange(length) * step + start
    else:
        values = draw(st.lists(st.floats(-100, 100), min_size=length, max_size=length))
        x = np.array(values)
        if kind == "sorted":
            x = np.sort(x)
        elif kind == "reversed":
            x = np.sort(x)[::-1]
    if np.dtype(dtype).kind == "u":
        x = np.abs(x)
    with np.errstate(all="ignore"):
        x = x.astype(dtype)
    if draw(st.integers(0, 9)) == 0:
        return x.tolist()
    return x

"""edgegrad.gradient against np.gradient on random arrays, spacings, axes and edge orders:
values bit for bit, dtype, memory order, return type, exception type."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from parity import assert_same_outcome
from strategies import FALLBACK, NATIVE, any_layout, coordinates, scalar_spacings

import edgegrad


def check(f, *varargs, **kwargs):
    assert_same_outcome(
        lambda: edgegrad.gradient(f, *varargs, **kwargs),
        lambda: np.gradient(f, *varargs, **kwargs),
    )


@st.composite
def axes(draw, ndim):
    """None, one axis, or several (negative, out of range and repeated ones included)."""
    return draw(
        st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1),
            st.integers(-ndim - 1, ndim),
            st.lists(st.integers(-ndim, ndim - 1), min_size=0, max_size=ndim + 1).map(tuple),
            st.permutations(range(ndim)).map(list),
        )
    )


@st.composite
def spacing_for(draw, f, axis):
    """No spacing, one scalar, or one scalar or coordinate array per selected axis (and now and
    then a wrong count or length)."""
    if axis is None:
        selected = list(range(f.ndim))
    elif isinstance(axis, (tuple, list)):
        selected = list(axis)
    else:
        selected = [axis]
    form = draw(st.sampled_from(["none", "scalar", "each", "each", "wrong"]))
    if form == "none":
        return []
    if form == "scalar":
        return [draw(scalar_spacings())]
    if form == "wrong":
        return [draw(scalar_spacings()) for _ in range(len(selected) + 1)]
    result = []
    for a in selected:
        length = f.shape[a] if -f.ndim <= a < f.ndim else 3
        if draw(st.integers(0, 30)) == 0:
            length += 1
        if draw(st.booleans()):
            result.append(draw(coordinates(length)))
        else:
            result.append(draw(scalar_spacings()))
    return result


@given(f=any_layout(NATIVE, min_side=1), edge_order=st.sampled_from([1, 2]))
def test_default_spacing(f, edge_order):
    check(f, edge_order=edge_order)


@given(data=st.data(), f=any_layout(NATIVE, min_side=1), edge_order=st.sampled_from([1, 2]))
def test_spacings_and_axes(data, f, edge_order):
    axis = data.draw(axes(f.ndim))
    varargs = data.draw(spacing_for(f, axis))
    check(f, *varargs, axis=axis, edge_order=edge_order)


@given(data=st.data(), f=any_layout(NATIVE + FALLBACK + [np.bool_], max_dims=3))
def test_any_dtype_and_edge_order(data, f):
    edge_order = data.draw(st.sampled_from([1, 2, 2, 0, 3, True, np.int64(2)]))
    check(f, edge_order=edge_order)


@given(
    f=any_layout([np.float32], min_side=3), h=scalar_spacings(), edge_order=st.sampled_from([1, 2])
)
def test_float32_with_every_kind_of_scalar(f, h, edge_order):
    check(f, h, edge_order=edge_order)


@given(
    f=any_layout([np.float64, np.int16], min_side=3),
    h=scalar_spacings(),
    edge_order=st.sampled_from([1, 2]),
)
def test_float64_with_every_kind_of_scalar(f, h, edge_order):
    check(f, h, edge_order=edge_order)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_broadcast_input_keeps_numpy_layout(dtype):
    f = np.broadcast_to(np.arange(5, dtype=dtype), (4, 5))
    check(f)
    check(f.T, 2.0, axis=0)


def test_lists_and_scalars():
    check([[1, 2, 4], [2, 5, 9]])
    check([1.0, 2.0, 4.0], [0.0, 1.0, 3.0])
    check(np.float64(3.0))
    check(np.array(2.0))
    check(np.ones((3, 3)), axis=())

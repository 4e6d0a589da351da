"""edgegrad.diff against np.diff on random arrays, orders, axes, prepend and append: values bit for
bit, dtype, memory order, return type, exception type."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from parity import assert_same_outcome
from strategies import FALLBACK, NATIVE, any_layout, elements

import edgegrad

ALL = [*NATIVE, np.bool_]


def check(a, *args, **kwargs):
    assert_same_outcome(
        lambda: edgegrad.diff(a, *args, **kwargs),
        lambda: np.diff(a, *args, **kwargs),
    )


@given(a=any_layout(ALL), n=st.integers(1, 4), data=st.data())
def test_orders_and_axes(a, n, data):
    axis = data.draw(st.one_of(st.integers(-a.ndim, a.ndim - 1), st.integers(-a.ndim - 1, a.ndim)))
    check(a, n=n, axis=axis)


@st.composite
def boundary(draw, a, axis):
    """A scalar, or an array fitting ``a`` along ``axis`` (now and then one that does not), of
    any dtype, in any layout."""
    dtype = draw(st.sampled_from([*ALL, np.float16]))
    if draw(st.booleans()):
        return draw(elements(dtype)) if dtype != np.bool_ else draw(st.booleans())
    shape = list(a.shape)
    if -a.ndim <= axis < a.ndim:
        shape[axis] = draw(st.integers(0, 3))
    if draw(st.integers(0, 20)) == 0:
        shape.append(1)
    b = draw(arrays(dtype, shape, elements=elements(dtype)))
    if draw(st.booleans()):
        b = np.asfortranarray(b)
    return b


@given(a=any_layout(ALL, max_dims=3), n=st.integers(1, 3), data=st.data())
def test_prepend_and_append(a, n, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    kwargs = {}
    if data.draw(st.booleans()):
        kwargs["prepend"] = data.draw(boundary(a, axis))
    if data.draw(st.booleans()) or not kwargs:
        kwargs["append"] = data.draw(boundary(a, axis))
    check(a, n=n, axis=axis, **kwargs)


@given(a=any_layout(NATIVE + FALLBACK + [np.bool_], max_dims=2), data=st.data())
def test_any_dtype_and_order(a, data):
    n = data.draw(st.sampled_from([0, 1, 2, -1, True, np.int64(2), 2.0]))
    check(a, n=n)


@given(a=any_layout(ALL, max_dims=2))
def test_huge_order(a):
    """Differences beyond the axis's length change nothing (numpy would loop on for ages)."""
    with np.errstate(all="ignore"):
        expected = np.diff(a, n=a.shape[-1] + 1)
    assert_same_outcome(lambda: edgegrad.diff(a, n=10**30), lambda: expected)


def test_zero_returns_the_input_itself():
    x = [1, 2, 4]
    assert edgegrad.diff(x, n=0) is x


@pytest.mark.parametrize("dtype", [np.float64, np.int8, np.bool_])
def test_broadcast_and_zero_dimensional(dtype):
    check(np.broadcast_to(np.arange(4).astype(dtype), (3, 4)), axis=0)
    check(np.broadcast_to(np.arange(4).astype(dtype), (3, 4)).T)
    check(np.array(1, dtype=dtype))


def test_lists():
    check([1, 4, 9, 16])
    check([[True, False], [False, False]], axis=0)
    check([1.5, 2.5], prepend=[0], append=3)

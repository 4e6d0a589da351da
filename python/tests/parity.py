"""Comparing edgegrad's answers with numpy's: values bit for bit, dtype, shape, memory order,
return type, and the type of the exception when numpy raises one."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np


def outcome(call: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """``(result, None)`` or ``(None, exception)``, with numpy's floating-point warnings off."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return call(), None
            except Exception as error:
                return None, error


def memory_order(a: np.ndarray) -> tuple[int, ...] | None:
    """The strides of the axes longer than 1 (the others' strides mean nothing)."""
    if a.size == 0:
        return None
    return tuple(s for s, n in zip(a.strides, a.shape) if n > 1)


def bits(a: np.ndarray) -> np.ndarray:
    """The array's bit patterns: floats compare bit for bit, NaN payloads and -0.0 included."""
    if a.dtype.kind in "fcbiumM" and a.dtype.itemsize in (1, 2, 4, 8):
        return np.ascontiguousarray(a).view(f"u{a.dtype.itemsize}")
    return a


def assert_identical(actual: Any, expected: Any) -> None:
    """The same type, and for arrays the same dtype, shape, memory order and bits."""
    assert type(actual) is type(expected), f"{type(actual)} != numpy's {type(expected)}"
    if isinstance(expected, (tuple, list)):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            assert_identical(a, e)
        return
    if not isinstance(expected, np.ndarray):
        assert actual == expected
        return
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != numpy's {expected.dtype}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != numpy's {expected.shape}"
    assert memory_order(actual) == memory_order(expected), (
        f"strides {actual.strides} != numpy's {expected.strides} (shape {expected.shape})"
    )
    a, e = bits(actual), bits(expected)
    if not np.array_equal(a, e):
        where = np.argwhere(a != e)[0]
        raise AssertionError(
            f"first difference at {tuple(where)}: {actual[tuple(where)]!r} != numpy's "
            f"{expected[tuple(where)]!r}"
        )


def assert_same_outcome(ours: Callable[[], Any], numpy: Callable[[], Any]) -> None:
    """Both return identical results, or both raise exceptions of the same type."""
    expected, expected_error = outcome(numpy)
    actual, actual_error = outcome(ours)
    if expected_error is not None:
        assert actual_error is not None, f"numpy raised {expected_error!r}, edgegrad returned"
        assert type(actual_error) is type(expected_error), (
            f"edgegrad raised {actual_error!r}, numpy {expected_error!r}"
        )
        assert str(actual_error) and "\n" not in str(actual_error)
        return
    if actual_error is not None:
        raise AssertionError(f"edgegrad raised {actual_error!r}, numpy returned") from actual_error
    assert_identical(actual, expected)

"""Bad arguments: edgegrad raises what numpy raises (the same exception type, a one-line
message), and never crashes."""

import numpy as np
import pytest
from parity import assert_same_outcome

import edgegrad

F = np.arange(12.0).reshape(3, 4)

GRADIENT_CASES = {
    "too many spacings": ((F, 1.0, 2.0, 3.0), {}),
    "coordinates per axis, wrong count": ((F, np.arange(3.0)), {}),
    "coordinates of the wrong length": ((F, np.arange(3.0), np.arange(5.0)), {}),
    "2-D coordinates": ((F, np.ones((3, 1)), 1.0), {}),
    "one coordinate": ((np.ones((1, 4)), [0.0], 1.0), {}),
    "axis out of range": ((F,), {"axis": 2}),
    "negative axis out of range": ((F,), {"axis": -3}),
    "repeated axis": ((F,), {"axis": (0, -2)}),
    "float axis": ((F,), {"axis": 1.0}),
    "edge order 3": ((F,), {"edge_order": 3}),
    "edge order 2 on 2 samples": ((np.ones((2, 4)),), {"edge_order": 2}),
    "one sample": ((np.ones((1, 4)),), {}),
    "empty axis": ((np.ones((0, 4)),), {}),
    "zero Python spacing, edge order 2": ((F, 0.0), {"edge_order": 2}),
    "zero Python int spacing, edge order 2": ((F, 0), {"edge_order": 2}),
    "zero float64 spacing, edge order 2": ((F, np.float64(0)), {"edge_order": 2}),
    "boolean input": ((np.ones((3, 3), dtype=bool),), {}),
    "string spacing": ((F, "1"), {}),
    "ragged list": (([[1, 2], [3]],), {}),
    "0-d with coordinates": ((np.array(1.0), np.arange(3.0)), {}),
}


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=list(GRADIENT_CASES))
def test_gradient_errors(case):
    args, kwargs = GRADIENT_CASES[case]
    assert_same_outcome(
        lambda: edgegrad.gradient(*args, **kwargs), lambda: np.gradient(*args, **kwargs)
    )


A = np.arange(6).reshape(2, 3)

DIFF_CASES = {
    "negative order": ((A,), {"n": -1}),
    "float order": ((A,), {"n": 1.5}),
    "0-d input": ((np.array(3.0),), {}),
    "axis out of range": ((A,), {"axis": 2}),
    "axis out of range with prepend": ((A,), {"axis": 3, "prepend": 0}),
    "float axis": ((A,), {"axis": 0.5}),
    "prepend of the wrong shape": ((A,), {"prepend": np.zeros((3, 3))}),
    "append of the wrong dimension": ((A,), {"append": np.zeros(3)}),
    "string prepend": ((A,), {"prepend": "x"}),
    "ragged append": ((A,), {"append": [[1], [2, 3]]}),
}


@pytest.mark.parametrize("case", DIFF_CASES, ids=list(DIFF_CASES))
def test_diff_errors(case):
    args, kwargs = DIFF_CASES[case]
    assert_same_outcome(lambda: edgegrad.diff(*args, **kwargs), lambda: np.diff(*args, **kwargs))


def test_axis_error_is_numpys():
    with pytest.raises(
        np.exceptions.AxisError, match="axis 2 is out of bounds for array of dimension 2"
    ):
        edgegrad.gradient(F, axis=2)


def test_results_too_large_for_memory_raise_memory_error():
    """A broadcast view of 2^40 elements: numpy cannot allocate the result, nor can edgegrad."""
    huge = np.broadcast_to(np.float64(1.0), (1 << 40,))
    with pytest.raises(MemoryError):
        np.gradient(huge)
    with pytest.raises(MemoryError):
        edgegrad.gradient(huge)
    with pytest.raises(MemoryError):
        edgegrad.diff(huge)


def test_native_module_refuses_what_the_python_layer_never_sends():
    from edgegrad import _native

    with pytest.raises(TypeError):
        _native.gradient(np.ones(3, dtype=np.float16), [], None, 1)
    with pytest.raises(TypeError):
        _native.gradient(np.ones(3), [np.float32(1.0)], None, 1)
    with pytest.raises(TypeError):
        _native.diff(np.ones(3), 1, 0, np.zeros(1, dtype=np.int8), None)

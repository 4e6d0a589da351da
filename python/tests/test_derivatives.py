"""The derivatives beyond np.gradient (``derivative``, ``laplacian``, ``hessian``, ``gradient``'s
``accuracy`` and ``boundary``) against numpy and scipy.ndimage, and their errors."""

from fractions import Fraction
from math import factorial

import numpy as np
import pytest
from scipy import ndimage

import edgegrad

MODES = ["wrap", "reflect", "mirror", "nearest", "constant"]
RNG = np.random.default_rng(7)
F64 = RNG.standard_normal((23, 31))
F32 = F64.astype(np.float32)


def central_weights(order: int, accuracy: int) -> list[float]:
    """The central stencil, solved exactly (sum_j w_j x_j^k = k! [k == order])."""
    points = 2 * ((order + 1) // 2) - 1 + accuracy
    xs = range(-(points // 2), points // 2 + 1)
    rows = [
        [Fraction(x) ** k for x in xs] + [Fraction(factorial(k) if k == order else 0)]
        for k in range(points)
    ]
    for c in range(points):
        p = next(r for r in range(c, points) if rows[r][c] != 0)
        rows[c], rows[p] = rows[p], rows[c]
        for r in range(points):
            if r != c and rows[r][c] != 0:
                q = rows[r][c] / rows[c][c]
                rows[r] = [a - q * b for a, b in zip(rows[r], rows[c])]
    return [float(rows[k][points] / rows[k][k]) for k in range(points)]


def same_bits(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    # -0 and +0 compare equal: scipy adds 0 * f[i] to odd stencils, which edgegrad leaves out.
    np.testing.assert_array_equal(a + 0.0, b + 0.0, strict=True)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
def test_padding_modes_are_scipys_correlate1d(mode, order, accuracy):
    w = central_weights(order, accuracy)
    for axis in (0, 1):
        want = ndimage.correlate1d(F64, w, axis=axis, mode=mode, cval=0.0)
        got = edgegrad.derivative(F64, axis, order, accuracy=accuracy, boundary=mode)
        same_bits(got, want)
        want32 = ndimage.correlate1d(F32.astype(np.float64), w, axis=axis, mode=mode)
        got32 = edgegrad.derivative(F32, axis, order, accuracy=accuracy, boundary=mode)
        same_bits(got32, want32.astype(np.float32))


def test_constant_mode_takes_its_value():
    w = central_weights(2, 4)
    want = ndimage.correlate1d(F64, w, axis=1, mode="constant", cval=2.5)
    got = edgegrad.derivative(F64, 1, 2, accuracy=4, boundary="constant:2.5")
    same_bits(got, want)


def test_first_derivative_at_accuracy_2_is_np_gradient_with_second_order_edges():
    for f in (F64, F32, (F64 * 100).astype(np.int32)):
        for h in (1.0, 0.3):
            got = edgegrad.derivative(f, 0, spacing=h)
            want = np.gradient(f, h, axis=0, edge_order=2)
            assert got.dtype == want.dtype
            assert got.tobytes() == want.tobytes()


def test_gradient_keywords_match_derivative():
    for mode in ["numpy", *MODES]:
        for accuracy in (2, 4, 8):
            if mode == "numpy" and accuracy == 2:
                continue
            dy, dx = edgegrad.gradient(F64, 0.5, accuracy=accuracy, boundary=mode)
            for axis, d in ((0, dy), (1, dx)):
                want = edgegrad.derivative(F64, axis, spacing=0.5, accuracy=accuracy, boundary=mode)
                same_bits(d, want)


def test_gradient_defaults_stay_numpys():
    assert edgegrad.gradient(F32).__class__ is np.gradient(F32).__class__
    for got, want in zip(edgegrad.gradient(F32), np.gradient(F32)):
        assert got.tobytes() == want.tobytes()


def test_wrap_gradient_is_central_differences_all_around():
    want = ndimage.correlate1d(F64, [-0.5, 0.0, 0.5], axis=1, mode="wrap")
    same_bits(edgegrad.gradient(F64, axis=1, boundary="wrap"), want)


@pytest.mark.parametrize("mode", ["reflect", "wrap", "nearest", "mirror"])
def test_laplacian_is_scipys_laplace(mode):
    same_bits(edgegrad.laplacian(F64, boundary=mode), ndimage.laplace(F64, mode=mode))
    # scipy adds float32 second derivatives in float32; edgegrad in float64, rounded once.
    got = edgegrad.laplacian(F32, boundary=mode)
    want = ndimage.laplace(F32.astype(np.float64), mode=mode).astype(np.float32)
    same_bits(got, want)


def test_hessian_mixed_derivatives_are_first_derivatives_along_j_then_i():
    w = central_weights(1, 4)
    dyy, dyx, dxx = edgegrad.hessian(F64, [0.5, 2.0], accuracy=4, boundary="wrap")
    inner = ndimage.correlate1d(F64, [v / 2.0 for v in w], axis=1, mode="wrap")
    same_bits(dyx, ndimage.correlate1d(inner, [v / 0.5 for v in w], axis=0, mode="wrap"))
    same_bits(dxx, edgegrad.derivative(F64, 1, 2, spacing=2.0, accuracy=4, boundary="wrap"))
    same_bits(dyy, edgegrad.derivative(F64, 0, 2, spacing=0.5, accuracy=4, boundary="wrap"))


def test_layouts_and_array_likes_give_the_same_values():
    want = edgegrad.laplacian(F64, accuracy=4)
    same_bits(edgegrad.laplacian(np.asfortranarray(F64), accuracy=4), want)
    same_bits(edgegrad.laplacian(F64.T.copy().T[:, :], accuracy=4), want)
    strided = np.ascontiguousarray(np.repeat(F64, 2, axis=1))[:, ::2]
    same_bits(edgegrad.laplacian(strided, accuracy=4), want)
    same_bits(edgegrad.laplacian(F64.tolist(), accuracy=4), want)
    for a, b in zip(edgegrad.hessian(np.asfortranarray(F64)), edgegrad.hessian(F64)):
        same_bits(a, b)


def test_integers_become_float64_and_float32_stays():
    assert edgegrad.derivative(np.arange(10, dtype=np.uint16), order=2).dtype == np.float64
    assert edgegrad.laplacian(F32).dtype == np.float32
    assert all(h.dtype == np.float32 for h in edgegrad.hessian(F32))


BAD = {
    "unknown mode": (
        lambda: edgegrad.derivative(F64, boundary="periodic"),
        ValueError,
        "unknown boundary mode",
    ),
    "odd accuracy": (lambda: edgegrad.laplacian(F64, accuracy=3), ValueError, "2, 4, 6 or 8"),
    "accuracy 10": (lambda: edgegrad.gradient(F64, accuracy=10), ValueError, "2, 4, 6 or 8"),
    "order 5": (lambda: edgegrad.derivative(F64, order=5), ValueError, "1, 2, 3 or 4"),
    "short axis": (
        lambda: edgegrad.derivative(np.ones(8), accuracy=8),
        ValueError,
        "at least 12 elements",
    ),
    "NaN spacing": (
        lambda: edgegrad.derivative(F64, spacing=float("nan")),
        ValueError,
        "not a finite number",
    ),
    "zero spacing": (lambda: edgegrad.laplacian(F64, [1.0, 0.0]), ValueError, "zero"),
    "spacing count": (
        lambda: edgegrad.hessian(F64, [1.0, 2.0, 3.0]),
        ValueError,
        "number of spacings",
    ),
    "edge order with accuracy": (
        lambda: edgegrad.gradient(F64, edge_order=2, accuracy=4),
        ValueError,
        "edge_order",
    ),
    "uneven coordinates": (
        lambda: edgegrad.gradient(np.ones(5), [0, 1, 3, 4, 5], accuracy=4),
        ValueError,
        "evenly spaced",
    ),
    "axis out of range": (
        lambda: edgegrad.derivative(F64, axis=2),
        np.exceptions.AxisError,
        "out of bounds",
    ),
    "boolean input": (lambda: edgegrad.laplacian(np.ones((3, 3), dtype=bool)), TypeError, "bool"),
    "complex input": (lambda: edgegrad.derivative(np.ones(3, dtype=complex)), TypeError, "complex"),
    "0-d input": (lambda: edgegrad.laplacian(np.float64(1.0)), ValueError, "0-d"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_arguments_raise_one_line_errors(name):
    call, kind, words = BAD[name]
    with pytest.raises(kind) as raised:
        call()
    message = str(raised.value)
    assert words in message and "\n" not in message

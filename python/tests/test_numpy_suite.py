"""numpy's own ``TestGradient`` and ``TestDiff`` (from the installed numpy's test suite), run with
``np.gradient`` and ``np.diff`` replaced by edgegrad's: in numpy's namespace and in the names the
test module imported from it."""

import numpy as np
import pytest

import edgegrad
from edgegrad import _numeric

numpy_tests = pytest.importorskip("numpy.lib.tests.test_function_base")

TestGradient = numpy_tests.TestGradient
TestDiff = numpy_tests.TestDiff

#: How many calls of the suite reached the native library and how many went to numpy.
calls = {"native": 0, "numpy": 0}


def _counting(function, path):
    def counted(*args, **kwargs):
        calls[path] += 1
        return function(*args, **kwargs)

    return counted


@pytest.fixture(autouse=True)
def _edgegrad_as_numpy(monkeypatch):
    for namespace in (np, numpy_tests):
        monkeypatch.setattr(namespace, "gradient", edgegrad.gradient)
        monkeypatch.setattr(namespace, "diff", edgegrad.diff)
    for name in ("gradient", "diff"):
        monkeypatch.setattr(
            _numeric._native, name, _counting(getattr(_numeric._native, name), "native")
        )
        original = getattr(_numeric, f"_numpy_{name}")
        monkeypatch.setattr(_numeric, f"_numpy_{name}", _counting(original, "numpy"))
    assert numpy_tests.gradient is edgegrad.gradient and np.diff is edgegrad.diff


def test_most_calls_reached_the_native_library():
    """Runs last in this module (pytest keeps the order): the suite exercised edgegrad itself."""
    assert calls["native"] > 100, calls
    assert calls["native"] > calls["numpy"], calls

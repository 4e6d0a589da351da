"""The examples in the package's docstrings run and print what they show."""

import doctest

import pytest

import edgegrad
from edgegrad import _numeric


@pytest.mark.parametrize("module", [edgegrad, _numeric])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0

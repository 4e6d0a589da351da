"""The examples in the package's docstrings run and print what they show."""

import doctest
from pathlib import Path

import numpy as np
import pytest

import edgegrad
from edgegrad import _derivatives, _detect, _numeric


@pytest.mark.parametrize("module", [edgegrad, _numeric, _detect, _derivatives])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.skipif(
    int(np.__version__.split(".")[0]) < 2,
    reason="the README shows numpy 2's output (numpy 1.26 returns lists of arrays)",
)
def test_readme_examples():
    """The examples of the README's "For numpy users" section print what it shows."""
    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text(encoding="utf-8")
    section = text.split("## For numpy users", 1)[1].split("\n## ", 1)[0]
    # A code fence ends an example's expected output.
    section = "\n".join("" if line.startswith("```") else line for line in section.splitlines())
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section, {}, "README: For numpy users", str(readme), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).attempted > 5
    assert runner.summarize(verbose=False).failed == 0

"""The Examples sections of the methods' docstrings run, and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import methods

MODULES = sorted(m.name for m in pkgutil.walk_packages(methods.__path__, "methods."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # examples may show a flagged case (e.g. a zero weight)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} print something else"


def test_the_examples_exist():
    """The Chinese evaluation methods each show a runnable example."""
    from methods.evaluation import coupling, fuzzy, grey, rsr, topsis
    from methods.weights import fahp, practice

    for fn in (grey.grey_relational_evaluation, fuzzy.fuzzy_evaluation, rsr.rank_sum_ratio,
               fahp.fuzzy_ahp, coupling.coupling_coordination, topsis.entropy_topsis,
               practice.precedence_chart_weights, practice.independence_weights,
               practice.information_weights):
        assert "    Examples\n    --------\n" in fn.__doc__ and ">>> " in fn.__doc__, fn.__name__

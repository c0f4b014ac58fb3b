"""Pure statistical methods of dgpe.

DataFrames and arrays in, frozen result objects out. No file I/O, no plotting, no globals;
randomness only through a ``seed`` or :class:`numpy.random.Generator` argument. This package never
imports :mod:`dgpe`.

Layout:

* :mod:`methods.psychometrics` — reliability, factor analysis and rotations of survey items;
* :mod:`methods.index` — the composite-index pipeline (prepare, treat, normalise, aggregate, build)
  and its diagnosis, audit and comparability checks;
* :mod:`methods.weights` — weighting schemes (data-driven, AHP, fuzzy AHP, Delphi, expert);
* :mod:`methods.sensitivity` — uncertainty and sensitivity analysis of an index;
* :mod:`methods.evaluation` — other evaluation methods (grey relational, fuzzy, RSR, coupling,
  TOPSIS) and the comparison of their rankings;
* :mod:`methods.efficiency` — data envelopment analysis (CCR, BCC, SBM, super-efficiency, scale
  efficiency) and the Malmquist productivity index.

The modules' former flat paths (``methods.reliability``, ``methods.weights_cn``, ...) still import:
a meta-path finder below maps each old dotted name to the module that now holds it and returns that
same module object.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence

from methods._errors import MethodError, MethodTypeError, MethodWarning

__all__ = ["MethodError", "MethodTypeError", "MethodWarning"]

#: Former module paths (before the subpackages) and the modules that now hold their contents.
MOVED_MODULES: dict[str, str] = {
    "methods._cn": "methods._checks",
    "methods._efa_core": "methods.psychometrics.efa_core",
    "methods._frames": "methods._checks",
    "methods._linalg": "methods.psychometrics._linalg",
    "methods._sa_engine": "methods.sensitivity.engine",
    "methods.aggregate": "methods.index.aggregate",
    "methods.audit": "methods.index.audit",
    "methods.comparability": "methods.index.comparability",
    "methods.coupling": "methods.evaluation.coupling",
    "methods.delphi": "methods.weights.delphi",
    "methods.diagnosis": "methods.index.diagnosis",
    "methods.factor": "methods.psychometrics.factor",
    "methods.fahp": "methods.weights.fahp",
    "methods.fuzzy": "methods.evaluation.fuzzy",
    "methods.grey": "methods.evaluation.grey",
    "methods.importance": "methods.sensitivity.importance",
    "methods.method_comparison": "methods.evaluation.comparison",
    "methods.normalise": "methods.index.normalise",
    "methods.prepare": "methods.index.prepare",
    "methods.reliability": "methods.psychometrics.reliability",
    "methods.rotation": "methods.psychometrics.rotation",
    "methods.rsr": "methods.evaluation.rsr",
    "methods.sensitivity_spec": "methods.sensitivity.spec",
    "methods.sobol": "methods.sensitivity.sobol",
    "methods.treat": "methods.index.treat",
    "methods.weights_cn": "methods.weights.practice",
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an old module path as the module object now at ``module.__name__``."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        # the import system stamped the alias spec on the module: give it back its own
        module.__spec__ = self.spec


class MovedModuleFinder(importlib.abc.MetaPathFinder):
    """Finds a former ``methods`` module path (:data:`MOVED_MODULES`) and serves the new module."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED_MODULES.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(importlib.import_module(new)))


if not any(isinstance(f, MovedModuleFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, MovedModuleFinder())

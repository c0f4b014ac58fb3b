"""The layout of :mod:`methods`: old flat module paths still import (as the same module objects),
the package does not import :mod:`dgpe`, its modules import each other without cycles, and no
module imports another module's private name."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import methods

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC / "methods"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULE_FILES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


@pytest.mark.parametrize("old", sorted(methods.MOVED_MODULES))
def test_old_module_path_is_the_new_module(old):
    new = methods.MOVED_MODULES[old]
    module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__name__ == new and module.__spec__.name == new
    assert sys.modules[old] is module


def test_old_paths_work_with_import_statements():
    import methods.reliability as rel
    from methods.sensitivity_spec import SensitivitySpec
    from methods.weights_cn import independence_weights

    from methods import grey
    from methods.evaluation import grey as grey_new
    from methods.psychometrics import reliability
    from methods.sensitivity.spec import SensitivitySpec as Spec
    from methods.weights.practice import independence_weights as iw

    assert rel is reliability and grey is grey_new
    assert SensitivitySpec is Spec and independence_weights is iw


def test_package_names_kept():
    from methods.index import IndexEvaluator, IndexResult, IndexSpec, aggregate, build_index
    from methods.index.aggregate import aggregate as agg
    from methods.index.build import build_index as bi

    assert aggregate is agg and build_index is bi
    assert {IndexEvaluator, IndexResult, IndexSpec}
    import methods.sensitivity as sa
    import methods.weights as wt

    assert {"uncertainty_analysis", "sobol_indices", "SensitivitySpec"} <= set(sa.__all__)
    assert {"ahp", "entropy_weights", "pca_weights", "data_weights"} <= set(wt.__all__)


def test_old_paths_warn_nothing():
    code = ("import warnings; warnings.simplefilter('error'); import importlib, methods\n"
            "for old in methods.MOVED_MODULES: importlib.import_module(old)\n")
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(SRC)}


def test_every_module_imports_alone_and_without_dgpe():
    """Each module imports in a fresh interpreter (no order-dependent cycle) and pulls no dgpe."""
    names = sorted(m.name for m in pkgutil.walk_packages(methods.__path__, "methods."))
    code = (
        "import importlib, subprocess, sys\n"
        f"names = {names!r}\n"
        "bad = []\n"
        "for n in names:\n"
        "    r = subprocess.run([sys.executable, '-c', f'import sys, {n}; "
        "assert not any(m == \"dgpe\" or m.startswith(\"dgpe.\") for m in sys.modules)'],"
        " capture_output=True, text=True)\n"
        "    if r.returncode: bad.append((n, r.stderr[-400:]))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


def _imports(path: Path) -> set[str]:
    """The methods modules a file imports, anywhere in it (also inside functions)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "methods")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "methods":
                continue
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in MODULE_FILES else node.module)
    return out


def test_no_import_cycle_among_methods_modules():
    graph = {name: _imports(path) & set(MODULE_FILES) for name, path in MODULE_FILES.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError(f"import cycle: {' -> '.join([*stack, node, nxt])}")
            if nxt not in state:
                visit(nxt, [*stack, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_no_old_flat_paths_in_the_sources():
    old = tuple(methods.MOVED_MODULES)
    for path in sorted(SRC.rglob("*.py")):
        for name in _imports(path):
            assert not name.startswith(old) or name in MODULE_FILES, f"{path}: imports {name}"


def test_no_private_name_imported_across_modules():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found += [f"{path.relative_to(SRC)}:{node.lineno} {node.module}.{a.name}"
                          for a in node.names if a.name.startswith("_") and a.name != "__future__"
                          and not a.name.startswith("__")]
    assert not found, found


def test_every_public_name_of_the_old_flat_modules_still_imports_from_its_old_path():
    """tests/old_public_names.json: the ``__all__`` of every flat module before the move (commit
    5b697da). User code written against them keeps working."""
    import importlib
    import json

    old = json.loads((Path(__file__).parent / "old_public_names.json").read_text(encoding="utf-8"))
    missing = [f"{mod}.{name}" for mod, names in old.items()
               for name in names if not hasattr(importlib.import_module(mod), name)]
    assert not missing, missing

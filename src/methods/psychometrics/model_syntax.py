r"""Measurement models for :func:`methods.psychometrics.factor.cfa`, written as a dict or in the
lavaan model syntax (Rosseel 2012), subset for confirmatory factor analysis.

Supported statements (one per line or separated by ``;``; ``#`` starts a comment):

======================  ============================================================================
``f =~ x1 + x2 + x3``   factor ``f`` measured by the items; the first loading is fixed to 1 (marker)
``f =~ NA*x1 + x2``     the first loading free (fix the factor's variance instead: ``f ~~ 1*f``)
``f =~ x1 + 0.8*x2``    a loading fixed to a value
``g =~ x3 + x4 + x9``   an item may load on several factors (cross-loading)
``x1 ~~ x5``            a free residual covariance (``x2 ~~ x4 + x6``: two of them)
``f1 ~~ 0*f2``          a factor covariance (or variance, ``f ~~ 1*f``) fixed to a value
``x1 ~~ 0.5*x1``        a residual variance fixed to a value
======================  ============================================================================

Factor variances and covariances are free by default (lavaan's ``cfa()``), residual variances
free, residual covariances zero unless stated. Anything else (regressions ``~``, labels and
equality constraints, intercepts ``~ 1``, thresholds, defined parameters ``:=``, second-order
factors) raises :class:`~methods.MethodError` naming the line and the token.

Example
-------
>>> m = parse_model("visual =~ x1 + x2 + x3 + x9; speed =~ x7 + 0.8*x8 + x9\nx1 ~~ x7")
>>> m.factors, m.items
(('visual', 'speed'), ('x1', 'x2', 'x3', 'x9', 'x7', 'x8'))
>>> [(ld.factor, ld.item, ld.value) for ld in m.loadings if ld.value is not None]
[('visual', 'x1', 1.0), ('speed', 'x7', 1.0), ('speed', 'x8', 0.8)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from methods._errors import MethodError, MethodTypeError

__all__ = ["Covariance", "Loading", "MeasurementModel", "model_from_dict", "parse_model"]

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_UNSUPPORTED = (
    (":=", "defined parameters (:=) are not supported"),
    ("==", "equality constraints (==) are not supported"),
    ("<~", "formative (composite) factors (<~) are not supported"),
    ("~*~", "scaling factors (~*~) are not supported"),
    ("|", "thresholds (|) are not supported; for ordinal items fit a polychoric EFA instead"),
    ("<", "inequality constraints (<) are not supported"),
    (">", "inequality constraints (>) are not supported"),
)


@dataclass(frozen=True)
class Loading:
    """A loading of ``item`` on ``factor``: free (``value`` None) or fixed to ``value``."""

    factor: str
    item: str
    value: float | None


@dataclass(frozen=True)
class Covariance:
    """A (co)variance between ``lhs`` and ``rhs`` (two factors or two items): free or fixed."""

    lhs: str
    rhs: str
    value: float | None


@dataclass(frozen=True)
class MeasurementModel:
    """A CFA measurement model: ``loadings`` in model order (markers resolved) and the stated
    ``covariances``; ``factors`` and ``items`` in order of first appearance."""

    loadings: tuple[Loading, ...]
    covariances: tuple[Covariance, ...] = ()

    @property
    def factors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ld.factor for ld in self.loadings))

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ld.item for ld in self.loadings))

    def factor_items(self) -> dict[str, tuple[str, ...]]:
        """Factor -> its items (with cross-loadings), in model order."""
        return {f: tuple(ld.item for ld in self.loadings if ld.factor == f) for f in self.factors}

    def to_syntax(self) -> str:
        """The model in lavaan syntax (parses back to an equal model)."""
        lines = []
        for f, items in self.factor_items().items():
            terms = []
            for k, it in enumerate(items):
                ld = next(x for x in self.loadings if x.factor == f and x.item == it)
                if k == 0:
                    terms.append(it if ld.value == 1.0 else f"{_fmt(ld.value)}*{it}")
                else:
                    terms.append(it if ld.value is None else f"{_fmt(ld.value)}*{it}")
            lines.append(f"{f} =~ " + " + ".join(terms))
        for c in self.covariances:
            lines.append(f"{c.lhs} ~~ " + (c.rhs if c.value is None else f"{_fmt(c.value)}*{c.rhs}"))
        return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "NA" if value is None else f"{value:.17g}"


def _term(term: str, where: str) -> tuple[str, float | None, bool]:
    """``[modifier*]name`` -> (name, fixed value or None, whether a modifier was given)."""
    if "*" not in term:
        name, mod = term, None
    else:
        mod, _, name = (s.strip() for s in term.partition("*"))
    if not _NAME.match(name):
        raise MethodError(f"cfa model, {where}: {name!r} is not a variable name")
    if mod is None:
        return name, None, False
    if mod == "NA":
        return name, None, True
    if _NUMBER.match(mod):
        return name, float(mod), True
    raise MethodError(
        f"cfa model, {where}: modifier {mod!r} in {term!r} is not supported (only a number to fix "
        "the parameter or NA to free it; labels and equality constraints are not supported)"
    )


def _split_statements(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = re.split(r"[#!]", line, maxsplit=1)[0]
        out.extend((lineno, s.strip()) for s in line.split(";") if s.strip())
    return out


def _operator(stmt: str, where: str) -> str:
    for op in ("=~", "~~"):
        if op in stmt:
            return op
    for token, why in _UNSUPPORTED:
        if token in stmt:
            raise MethodError(f"cfa model, {where}: {why} (token {token!r} in {stmt!r})")
    if "~" in stmt:
        raise MethodError(
            f"cfa model, {where}: regressions ('~' in {stmt!r}) are not supported; a CFA with "
            "free factor covariances has the same fit as a saturated structural part"
        )
    raise MethodError(f"cfa model, {where}: no operator '=~' or '~~' in {stmt!r}")


def parse_model(text: str) -> MeasurementModel:
    """Parse a CFA model in lavaan syntax (module docstring) into a :class:`MeasurementModel`.

    The first item of each factor is its marker (loading fixed to 1) unless it carries a modifier
    (``NA*`` frees it, a number fixes it to that number), as lavaan's ``auto.fix.first``.
    """
    if not isinstance(text, str):
        raise MethodTypeError(f"parse_model: expected a string, got {type(text).__name__}")
    loadings: list[Loading] = []
    covs: list[Covariance] = []
    for lineno, stmt in _split_statements(text):
        where = f"line {lineno}"
        op = _operator(stmt, where)
        lhs, _, rhs = (s.strip() for s in stmt.partition(op))
        if not _NAME.match(lhs):
            raise MethodError(f"cfa model, {where}: left-hand side {lhs!r} of {op!r} must be one "
                              "name")
        terms = [t.strip() for t in rhs.split("+")]
        if not rhs or any(not t for t in terms):
            raise MethodError(f"cfa model, {where}: empty term on the right of {op!r} in {stmt!r}")
        for t in terms:
            name, value, modified = _term(t, where)
            if op == "=~":
                first = not any(ld.factor == lhs for ld in loadings)
                if any(ld.factor == lhs and ld.item == name for ld in loadings):
                    raise MethodError(f"cfa model, {where}: {name!r} is listed twice under {lhs!r}")
                if first and not modified:
                    value = 1.0
                loadings.append(Loading(lhs, name, value))
            else:
                covs.append(Covariance(lhs, name, value))
    if not loadings:
        raise MethodError("cfa model: no factor is defined (expected 'factor =~ item1 + item2 ...')")
    model = MeasurementModel(tuple(loadings), tuple(covs))
    check_model(model)
    return model


def model_from_dict(model: Mapping[str, Sequence[str]]) -> MeasurementModel:
    """``{factor: [items]}`` -> :class:`MeasurementModel` (first item of each factor the marker)."""
    loadings = [Loading(str(f), str(it), 1.0 if k == 0 else None)
                for f, items in model.items() for k, it in enumerate(items)]
    return MeasurementModel(tuple(loadings))


def check_model(model: MeasurementModel) -> None:
    """Raise :class:`MethodError` for covariances between unknown names or between a factor and an
    item, second-order factors, duplicated covariances and factors without a scale."""
    factors, items = set(model.factors), set(model.items)
    higher = sorted(factors & items)
    if higher:
        raise MethodError(f"cfa model: {higher} are both factors and indicators; second-order "
                          "factors are not supported")
    seen: set[frozenset[str]] = set()
    for c in model.covariances:
        kinds = {n: ("factor" if n in factors else "item" if n in items else None)
                 for n in (c.lhs, c.rhs)}
        unknown = [n for n, k in kinds.items() if k is None]
        if unknown:
            raise MethodError(f"cfa model: {c.lhs} ~~ {c.rhs}: {unknown} is neither a factor nor an "
                              "indicator of the model")
        if kinds[c.lhs] != kinds[c.rhs]:
            raise MethodError(f"cfa model: {c.lhs} ~~ {c.rhs}: covariances between a factor and an "
                              "indicator are not supported")
        key = frozenset((c.lhs, c.rhs))
        if key in seen:
            raise MethodError(f"cfa model: {c.lhs} ~~ {c.rhs} is stated twice")
        seen.add(key)
    for f in model.factors:
        scaled = any(ld.factor == f and ld.value not in (None, 0.0) for ld in model.loadings) or \
            any(c.lhs == c.rhs == f and c.value is not None for c in model.covariances)
        if not scaled:
            raise MethodError(
                f"cfa model: factor {f!r} has no scale (all its loadings free and its variance "
                f"free); fix a loading (e.g. its first item without NA*) or its variance "
                f"('{f} ~~ 1*{f}')"
            )

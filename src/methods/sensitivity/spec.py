"""What varies in an uncertainty and sensitivity analysis: the problem specification.

The run config's ``sensitivity:`` section as data (step 1 of :mod:`methods.sensitivity`):
:class:`UncertainInput` (one uncertain input, discrete or continuous), :class:`Uncertainties`
(the inputs, parsed from ``sensitivity.uncertainties``) and :class:`SensitivitySpec` (the inputs
with the sample size, design and estimator options). Parsing checks the section on its own
(unknown keys, single or repeated alternatives, out-of-range parameters); whether each
alternative applies to the nominal build is checked by :class:`methods.sensitivity.IndexSampler`.

The section (see :meth:`SensitivitySpec.from_dict`)::

    sensitivity:
      n: 2000                          # base sample size N (Saltelli: N (d + 2) evaluations)
      design: saltelli                 # saltelli (UA + Sobol indices) | random (UA only)
      top_k: 10                        # probability of being in the top / bottom k
      uncertainties:
        weights: {noise: 0.25, levels: [2, 3]}   # or {dirichlet: 50, levels: [2]},
                                                 # {ranges: {A: [0.1, 0.3]}}, alternatives: [...]
        normalise: [minmax, zscore]              # names or {method: zscore, mean_sd: [10, 2]}
        aggregate: [arithmetic, geometric]       # names or {default: arithmetic, "3": geometric}
        treat: {winmax: [0, 1, 2, 3, 4, 5, none]}
        impute: [mean_group, median_group, regression]   # or {stochastic: pmm, draws: 20}
        exclude: {level: 1}                      # or {codes: [A1.1, B2]}: one removed per sample;
                                                 # {level: 1, keep: 0.9}: random subsets
        parameters:                              # continuous, drawn at `levels` quantiles
          p: {dist: uniform, low: 0.5, high: 3, levels: 20}
          skew_thresh: {dist: normal, mean: 2, sd: 0.25}
        data: {noise: {D2.1: 0.05}, draws: 20}   # measurement error, sd in indicator units
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from methods._errors import MethodError, MethodTypeError
from methods.index.build import plain_json
from methods.index.normalise import NORMALISATION
from methods.index.prepare import IMPUTATION
from methods.index.treat import TREATMENT
from methods.registry import suggest
from methods.sensitivity.assumptions import IMPUTE_DRAW_METHODS, PARAMETERS, parse_parameter
from methods.weights.registry import WEIGHTING

__all__ = [
    "DESIGNS",
    "WEIGHT_SET_NAMES",
    "weight_set_names",
    "SensitivitySpec",
    "UncertainInput",
    "Uncertainties",
]

#: Sampling designs of :func:`methods.sensitivity.uncertainty_analysis`.
DESIGNS = ("saltelli", "random")


def weight_set_names() -> tuple[str, ...]:
    """Named weight sets accepted by ``weights.alternatives`` (besides keys of
    ``weight_sets``): ``nominal`` and every method of :data:`methods.weights.registry.WEIGHTING` but
    ``values`` (judgement methods need their weights in ``weight_sets``)."""
    return ("nominal", *WEIGHTING.names(where=lambda i: i.name != "values"))


#: :func:`weight_set_names` at import (kept for old code; the registry is the list).
WEIGHT_SET_NAMES = weight_set_names()
_INPUT_STEPS = ("weights", "normalise", "aggregate", "treat", "impute", "exclude", "parameters",
                "data")
_WEIGHT_KEYS = {"noise", "levels", "dirichlet", "ranges", "alternatives", "groups", "scale"}
_SECTION_KEYS = ("n", "design", "uncertainties", "top_k", "n_boot", "conf_level",
                 "pair_confidence", "second_order")


def freeze(obj: Any) -> Any:
    """Lists to tuples and mappings to sorted item tuples, for hashing and equality."""
    if isinstance(obj, Mapping):
        return tuple(sorted((str(k), freeze(v)) for k, v in obj.items()))
    if isinstance(obj, list | tuple):
        return tuple(freeze(v) for v in obj)
    return obj


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input (one Sobol' input, possibly a group of several uniform variables).

    Attributes
    ----------
    name : str
        Name in results (``weights``, ``weight_set``, ``normalise``, ``aggregate``, ``treat``,
        ``impute``, ``exclude``).
    kind : {"discrete", "continuous", "stochastic"}
        Discrete inputs pick one of ``alternatives`` with equal probability; continuous ones
        (weights, parameters) and stochastic ones (imputation draws, data replicates) are
        described by ``parameters``.
    alternatives : tuple
        The alternatives as written in the config (names or mappings).
    parameters : mapping
        For ``weights``: ``{"noise": {level: factor}}``, ``{"dirichlet": c, "levels": [...]}`` or
        ``{"ranges": {code: [low, high]}}``; for ``exclude``: ``{"level": 1}`` or ``{"codes": []}``.
    """

    name: str
    kind: str
    alternatives: tuple[Any, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "alternatives": plain_json(self.alternatives),
                "parameters": plain_json(self.parameters)}

    def __hash__(self) -> int:
        return hash((self.name, self.kind, freeze(self.alternatives), freeze(self.parameters)))


def _as_list(step: str, v: Any) -> list[Any]:
    if isinstance(v, str | int | float) or isinstance(v, Mapping):
        raise MethodError(
            f"sensitivity.uncertainties.{step}: expected a list of at least two alternatives, "
            f"got {v!r}"
        )
    if not isinstance(v, list | tuple):
        raise MethodError(f"sensitivity.uncertainties.{step}: expected a list, got {type(v).__name__}")
    return list(v)


def _need_two(step: str, alts: Sequence[Any]) -> None:
    if len(alts) < 2:
        raise MethodError(
            f"sensitivity.uncertainties.{step}: {len(alts)} alternative(s) {list(alts)}; an "
            "uncertain input needs at least two (change the nominal build for a fixed change)"
        )
    frozen = [freeze(a) for a in alts]
    dup = [a for i, a in enumerate(alts) if frozen[i] in frozen[:i]]
    if dup:
        raise MethodError(f"sensitivity.uncertainties.{step}: alternative {dup[0]!r} is repeated")


def _parse_weights(d: Any) -> list[UncertainInput]:
    """The ``weights`` entry: named weight sets (``alternatives``) and/or one continuous input
    (``noise``, ``dirichlet`` or ``ranges``)."""
    _check_weight_keys(d)
    out: list[UncertainInput] = []
    if "alternatives" in d:
        out.append(_weight_set_input(d["alternatives"]))
    modes = [k for k in ("noise", "dirichlet", "ranges") if k in d]
    if len(modes) > 1:
        raise MethodError(
            f"sensitivity.uncertainties.weights: give one of noise, dirichlet, ranges (got {modes})"
        )
    if not modes:
        if "levels" in d:
            raise MethodError(
                "sensitivity.uncertainties.weights: 'levels' needs 'noise' or 'dirichlet'"
            )
        if not out:
            raise MethodError(
                "sensitivity.uncertainties.weights: nothing varies; give noise, dirichlet, ranges "
                "or alternatives"
            )
        return out
    params = {"noise": _noise_params, "dirichlet": _dirichlet_params,
              "ranges": _ranges_params}[modes[0]](d)
    params.update(_weight_options(d, modes[0]))
    out.append(UncertainInput("weights", "continuous", (), params))
    return out


def _weight_options(d: Mapping[str, Any], mode: str) -> dict[str, Any]:
    """``groups`` (``all``: one Sobol' input; a level n: one per node at level n, with the
    weights below it) and, for ranges, ``scale`` (``rescaled`` | ``raw``)."""
    out: dict[str, Any] = {}
    g = d.get("groups", "all")
    if g != "all":
        if not isinstance(g, int) or isinstance(g, bool) or g < 2:
            raise MethodError(
                f"sensitivity.uncertainties.weights.groups: {g!r}; expected 'all' or a level >= 2 "
                "(one Sobol' input per node at that level, e.g. 3 for the dimensions)"
            )
        out["groups"] = int(g)
    if "scale" in d:
        if mode != "ranges" or d["scale"] not in ("rescaled", "raw"):
            raise MethodError(
                "sensitivity.uncertainties.weights.scale: 'rescaled' or 'raw', with ranges only"
            )
        out["scale"] = d["scale"]
    return out


def _check_weight_keys(d: Any) -> None:
    """``weights`` must be a mapping of known keys."""
    if not isinstance(d, Mapping):
        raise MethodError(
            "sensitivity.uncertainties.weights: expected a mapping such as {noise: 0.25, levels: "
            f"[2, 3]}}, {{dirichlet: 50, levels: [2]}} or {{alternatives: [expert, equal]}}; got {d!r}"
        )
    bad = sorted(set(map(str, d)) - _WEIGHT_KEYS)
    if bad:
        raise MethodError(
            f"sensitivity.uncertainties.weights: unknown key(s) {bad}; allowed {sorted(_WEIGHT_KEYS)}"
        )


def _weight_set_input(v: Any) -> UncertainInput:
    """``weights.alternatives``: at least two distinct weight-set names."""
    alts = _as_list("weights.alternatives", v)
    for a in alts:
        if not isinstance(a, str):
            raise MethodError(
                f"sensitivity.uncertainties.weights.alternatives: {a!r} is not a name; "
                f"expected names such as {list(weight_set_names())} or keys of weight_sets"
            )
    _need_two("weights.alternatives", alts)
    return UncertainInput("weight_set", "discrete", tuple(alts))


def _noise_params(d: Mapping[str, Any]) -> dict[str, Any]:
    """``{noise: f, levels: [...]}`` or ``{noise: {level: f}}``, each factor in (0, 1)."""
    nz = d["noise"]
    if isinstance(nz, Mapping):
        if "levels" in d:
            raise MethodError(
                "sensitivity.uncertainties.weights: noise per level {level: factor} already "
                "names the levels; drop 'levels'"
            )
        noise = {int(k): float(v) for k, v in nz.items()}
    else:
        if "levels" not in d:
            raise MethodError(
                "sensitivity.uncertainties.weights: noise needs levels (e.g. levels: [2, 3])"
            )
        noise = {int(lv): float(nz) for lv in _as_levels(d["levels"])}
    for lv, f in noise.items():
        if not 0 < f < 1:
            raise MethodError(
                f"sensitivity.uncertainties.weights.noise: factor {f} at level {lv}; expected "
                "0 < noise < 1 (weights are multiplied by 1 + U(-noise, noise))"
            )
    return {"noise": noise}


def _dirichlet_params(d: Mapping[str, Any]) -> dict[str, Any]:
    """``{dirichlet: c, levels: [...]}``, c > 0."""
    c = float(d["dirichlet"])
    if not c > 0:
        raise MethodError(
            f"sensitivity.uncertainties.weights.dirichlet: concentration {c}; expected > 0"
        )
    if "levels" not in d:
        raise MethodError("sensitivity.uncertainties.weights: dirichlet needs levels")
    return {"dirichlet": c, "levels": _as_levels(d["levels"])}


def _ranges_params(d: Mapping[str, Any]) -> dict[str, Any]:
    """``{ranges: {node: [low, high]}}``, 0 <= low < high, without ``levels``."""
    rg = d["ranges"]
    if not isinstance(rg, Mapping) or not rg:
        raise MethodError(
            "sensitivity.uncertainties.weights.ranges: expected {node: [low, high]}"
        )
    ranges = {}
    for k, v in rg.items():
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise MethodError(
                f"sensitivity.uncertainties.weights.ranges[{k!r}]: expected [low, high]"
            )
        lo, hi = float(v[0]), float(v[1])
        if not (0 <= lo < hi and np.isfinite(hi)):
            raise MethodError(
                f"sensitivity.uncertainties.weights.ranges[{k!r}]: [{lo}, {hi}]; expected "
                "0 <= low < high"
            )
        ranges[str(k)] = [lo, hi]
    if "levels" in d:
        raise MethodError("sensitivity.uncertainties.weights: 'levels' does not apply to ranges")
    return {"ranges": ranges}


def _as_levels(v: Any) -> list[int]:
    lv = [v] if isinstance(v, int) else list(v) if isinstance(v, list | tuple) else None
    if not lv or any(not isinstance(x, int) or isinstance(x, bool) or x < 1 for x in lv):
        raise MethodError(
            f"sensitivity.uncertainties.weights.levels: {v!r}; expected a list of levels >= 1"
        )
    return sorted(set(lv))


def _parse_treat(v: Any) -> list[Any]:
    if isinstance(v, Mapping):
        bad = sorted(set(map(str, v)) - {"winmax"})
        if bad:
            raise MethodError(
                f"sensitivity.uncertainties.treat: unknown key(s) {bad}; use {{winmax: [...]}} or "
                "a list of alternatives (none, a winmax number or a treat section)"
            )
        if "winmax" not in v:
            raise MethodError("sensitivity.uncertainties.treat: expected {winmax: [...]}")
        alts = _as_list("treat.winmax", v["winmax"])
    else:
        alts = _as_list("treat", v)
    out: list[Any] = []
    for a in alts:
        if a is None or (isinstance(a, str) and a.lower() == "none"):
            out.append("none")
        elif isinstance(a, int) and not isinstance(a, bool):
            if a < 0:
                raise MethodError(f"sensitivity.uncertainties.treat: winmax {a}; expected >= 0")
            out.append(int(a))
        elif isinstance(a, Mapping):
            m = a.get("method", None)
            if m is not None:
                TREATMENT.check(m, field="sensitivity.uncertainties.treat.method")
            out.append(dict(a))
        else:
            raise MethodError(
                f"sensitivity.uncertainties.treat: alternative {a!r}; expected none, a winmax "
                "number or a treat section"
            )
    _need_two("treat", out)
    return out


def _parse_named(step: str, v: Any, valid: Sequence[str], key: str) -> list[Any]:
    alts = _as_list(step, v)
    out: list[Any] = []
    for a in alts:
        if isinstance(a, str):
            if a not in valid:
                raise MethodError(
                    f"sensitivity.uncertainties.{step}: unknown method {a!r}; expected one of "
                    f"{list(valid)}{suggest(a, list(valid))}"
                )
            out.append(a)
        elif isinstance(a, Mapping):
            m = a.get(key)
            if m is None or m not in valid:
                raise MethodError(
                    f"sensitivity.uncertainties.{step}: alternative {dict(a)!r} needs {key}: one "
                    f"of {list(valid)}"
                )
            out.append(plain_json(a))
        else:
            raise MethodError(
                f"sensitivity.uncertainties.{step}: alternative {a!r}; expected a name or a mapping"
            )
    _need_two(step, out)
    return out


def _parse_aggregate(v: Any) -> list[Any]:
    alts = _as_list("aggregate", v)
    out: list[Any] = []
    for a in alts:
        if isinstance(a, str):
            out.append(a)
        elif isinstance(a, Mapping):
            out.append({str(k): x for k, x in a.items()})
        else:
            raise MethodError(
                f"sensitivity.uncertainties.aggregate: alternative {a!r}; expected a method name "
                "or {default: ..., <level>: ..., <node>: ...}"
            )
    _need_two("aggregate", out)
    return out


def _parse_exclude(v: Any) -> dict[str, Any]:
    if isinstance(v, list | tuple):
        v = {"codes": list(v)}
    if not isinstance(v, Mapping):
        raise MethodError(
            f"sensitivity.uncertainties.exclude: {v!r}; expected {{level: 1}}, {{codes: [...]}} or "
            "a list of codes"
        )
    bad = sorted(set(map(str, v)) - {"level", "codes", "keep"})
    if bad or len(set(v) - {"keep"}) != 1:
        raise MethodError(
            "sensitivity.uncertainties.exclude: expected exactly one of {level: n} or {codes: [...]}"
            " (and optionally keep: q)"
        )
    out: dict[str, Any] = {}
    if "keep" in v:
        q = v["keep"]
        if not isinstance(q, int | float) or isinstance(q, bool) or not 0 < q < 1:
            raise MethodError(
                f"sensitivity.uncertainties.exclude.keep: {q!r}; expected 0 < q < 1 (each node kept "
                "with probability q)"
            )
        out["keep"] = float(q)
    if "level" in v:
        lv = v["level"]
        if not isinstance(lv, int) or isinstance(lv, bool) or lv < 1:
            raise MethodError(f"sensitivity.uncertainties.exclude.level: {lv!r}; expected >= 1")
        return {"level": int(lv), **out}
    codes = [str(c) for c in _as_list("exclude.codes", v["codes"])]
    if not codes:
        raise MethodError("sensitivity.uncertainties.exclude.codes: empty")
    return {"codes": codes, **out}


def _parse_impute(v: Any) -> UncertainInput:
    """``impute``: alternatives (a list) or stochastic draws ``{stochastic: pmm, draws: 20}``."""
    if not isinstance(v, Mapping):
        cross = list(IMPUTATION.names(needs="cross"))
        return UncertainInput("impute", "discrete", tuple(_parse_named("impute", v, cross, "method")))
    bad = sorted(set(map(str, v)) - {"stochastic", "draws", "iterations", "donors"})
    if bad or v.get("stochastic") not in IMPUTE_DRAW_METHODS:
        raise MethodError(
            f"sensitivity.uncertainties.impute: {dict(v)!r}; expected a list of alternatives or "
            f"{{stochastic: {'|'.join(IMPUTE_DRAW_METHODS)}, draws: M, iterations: 5, donors: 5}}"
        )
    prm = {"stochastic": v["stochastic"], "draws": _count("impute.draws", v.get("draws", 20), 2),
           "iterations": _count("impute.iterations", v.get("iterations", 5), 1),
           "donors": _count("impute.donors", v.get("donors", 5), 1)}
    return UncertainInput("impute", "stochastic", (), prm)


def _count(where: str, v: Any, least: int) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < least:
        raise MethodError(f"sensitivity.uncertainties.{where}: {v!r}; expected an integer >= {least}")
    return int(v)


def _parse_data(v: Any) -> UncertainInput:
    """``data: {noise: {indicator: sd}, draws: 20}``: replicates of the data with measurement
    error (sd in the indicator's own unit)."""
    if not isinstance(v, Mapping) or not isinstance(v.get("noise"), Mapping) or not v["noise"] \
            or set(map(str, v)) - {"noise", "draws"}:
        raise MethodError(
            f"sensitivity.uncertainties.data: {v!r}; expected {{noise: {{indicator: sd}}, draws: M}}"
        )
    sd = {}
    for k, x in v["noise"].items():
        if not isinstance(x, int | float) or isinstance(x, bool) or not x > 0:
            raise MethodError(f"sensitivity.uncertainties.data.noise[{k!r}]: {x!r}; expected sd > 0")
        sd[str(k)] = float(x)
    return UncertainInput("data", "stochastic", (),
                          {"noise": sd, "draws": _count("data.draws", v.get("draws", 20), 2)})


def _parse_parameters(v: Any) -> list[UncertainInput]:
    """``parameters: {name: {dist: ..., ...}}``: one continuous input per parameter."""
    if not isinstance(v, Mapping) or not v:
        raise MethodError(
            "sensitivity.uncertainties.parameters: expected {parameter: {dist: uniform, low: .., "
            f"high: ..}}}} with parameters among {list(PARAMETERS)}"
        )
    return [UncertainInput(str(k), "continuous", (), parse_parameter(str(k), d))
            for k, d in v.items()]


@dataclass(frozen=True)
class Uncertainties:
    """The uncertain inputs of an analysis, in the order given (the problem specification).

    Build with :meth:`from_dict` from the run config's ``sensitivity.uncertainties``; keys:

    - ``weights``: ``{noise: f, levels: [..]}`` (each weight at those levels times
      :math:`1 + U(-f, f)`, COINr's ``get_noisy_weights``; ``noise: {2: 0.25, 3: 0.1}`` per level),
      ``{dirichlet: c, levels: [..]}`` (each group of siblings at those levels drawn from
      :math:`\\mathrm{Dirichlet}(c\\,w)` around its nominal weights :math:`w`), or
      ``{ranges: {node: [low, high]}}`` (uniform, on the scale of the nominal weights rescaled
      within siblings); continuous, one Sobol' input ``weights``.
      ``alternatives: [expert, equal, entropy, pca, ahp, ...]`` adds a discrete input
      ``weight_set``.
    - ``normalise``: alternatives, names of :data:`methods.index.normalise.NORMALISATION` or
      normalise sections.
    - ``aggregate``: alternatives, method names or aggregate sections (per level / node):
      the quasi-arithmetic means (``arithmetic``, ``geometric``, ``harmonic``, ``generalised``)
      and the joint rankings ``topsis`` and ``copeland`` (the non-compensatory check of JRC
      audits; per sample, equal to :func:`methods.index.build_index` to 1e-9). A joint ranking
      below the top node passes a closeness (0–1) or a count of wins minus losses up to a mean
      with other children on the normalised scale; a geometric or harmonic mean above one is an
      error. Samples with a joint ranking are left out of the score statistics and bands.
    - ``treat``: ``{winmax: [0, 1, ..., none]}`` or a list of alternatives (``none``, a winmax, or
      a treat section merged onto the nominal one).
    - ``impute``: alternatives, names of cross-sectional imputation methods or impute sections.
    - ``exclude``: ``{level: 1}`` or ``{codes: [..]}``: "none" or one of these nodes removed (its
      weight set to 0), each with equal probability; with ``keep: q`` each node is kept
      independently with probability q (random subsets; one design variable per node, one Sobol'
      input ``exclude``).
    - ``weights`` options: ``groups: L`` (one Sobol' input ``weights[<node>]`` per node at level L,
      for the weights at and below it; default ``all``: one input ``weights``); with ``ranges``,
      ``scale: rescaled | raw`` (ranges on the weights rescaled among siblings, the default,
      warned about when a raw weight differs; or on the framework's raw weights).
    - ``parameters``: ``{name: {dist: uniform|normal|triangular, ..., levels: 20}}`` for the
      names of :data:`methods.sensitivity.assumptions.PARAMETERS` (``p``, ``dat_thresh``,
      ``skew_thresh``, ``kurt_thresh``, ``range_low``, ``range_high``): one continuous input each,
      drawn at ``levels`` equiprobable quantiles (:func:`methods.sensitivity.assumptions.parameter_grid`).
    - ``impute: {stochastic: pmm|norm|iterative, draws: M, iterations: 5, donors: 5}``: M
      stochastic imputations replace the build's imputation
      (:func:`methods.sensitivity.assumptions.impute_draws`); kind ``stochastic``.
    - ``data: {noise: {indicator: sd}, draws: M}``: M replicates of the data with N(0, sd²)
      measurement error (:func:`methods.sensitivity.assumptions.noise_draws`); kind ``stochastic``.

    Unknown keys, single alternatives and repeated alternatives are errors. Whether each
    alternative applies to the nominal build is checked by :class:`methods.sensitivity.IndexSampler`.
    """

    inputs: tuple[UncertainInput, ...]

    def __post_init__(self) -> None:
        names = [i.name for i in self.inputs]
        if len(set(names)) != len(names):
            raise MethodError(f"Uncertainties: repeated input names {names}")
        if not self.inputs:
            raise MethodError("Uncertainties: nothing varies (no uncertain input)")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | Uncertainties) -> Uncertainties:
        """Parse the ``uncertainties:`` mapping (see the class docstring)."""
        if isinstance(d, Uncertainties):
            return d
        if not isinstance(d, Mapping):
            raise MethodTypeError(
                f"uncertainties must be a mapping (the config's sensitivity.uncertainties), got "
                f"{type(d).__name__}"
            )
        if "inputs" in d and isinstance(d["inputs"], list):  # to_dict() form
            out = []
            for i in d["inputs"]:
                prm = dict(i.get("parameters", {}))
                if "noise" in prm and i["name"] == "weights":
                    prm["noise"] = {int(k): float(v) for k, v in prm["noise"].items()}
                out.append(UncertainInput(i["name"], i["kind"], tuple(i.get("alternatives", ())),
                                          prm))
            return cls(tuple(out))
        bad = sorted(set(map(str, d)) - set(_INPUT_STEPS))
        if bad:
            raise MethodError(
                f"sensitivity.uncertainties: unknown input(s) {bad}; expected some of "
                f"{list(_INPUT_STEPS)}"
            )
        inputs: list[UncertainInput] = []
        for k, v in d.items():
            if k == "weights":
                inputs.extend(_parse_weights(v))
            elif k == "normalise":
                inputs.append(UncertainInput(
                    "normalise", "discrete",
                    tuple(_parse_named("normalise", v, NORMALISATION.names(), "method"))))
            elif k == "aggregate":
                inputs.append(UncertainInput("aggregate", "discrete", tuple(_parse_aggregate(v))))
            elif k == "treat":
                inputs.append(UncertainInput("treat", "discrete", tuple(_parse_treat(v))))
            elif k == "impute":
                inputs.append(_parse_impute(v))
            elif k == "parameters":
                inputs.extend(_parse_parameters(v))
            elif k == "data":
                inputs.append(_parse_data(v))
            elif k == "exclude":
                inputs.append(UncertainInput("exclude", "discrete", (), _parse_exclude(v)))
        return cls(tuple(inputs))

    def to_dict(self) -> dict[str, Any]:
        """Plain form; ``Uncertainties.from_dict(u.to_dict()) == u``."""
        return {"inputs": [i.to_dict() for i in self.inputs]}

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.inputs]


@dataclass(frozen=True)
class SensitivitySpec:
    """The run config's ``sensitivity:`` section.

    Keys: ``n`` (base sample size, default 2000), ``design`` (``saltelli`` | ``random``),
    ``uncertainties`` (see :class:`Uncertainties`), ``top_k`` (10), ``n_boot`` (bootstrap
    resamples of the Sobol' indices, 100), ``conf_level`` (of the bootstrap intervals, 0.9, i.e.
    5%-95% as COINr), ``pair_confidence`` (a pair of units is told apart when one is ahead in at
    least this share of samples, 0.95), ``second_order`` (also estimate the interactions of pairs
    of inputs, N d more evaluations; false).
    """

    uncertainties: Uncertainties
    n: int = 2000
    design: str = "saltelli"
    top_k: int = 10
    n_boot: int = 100
    conf_level: float = 0.9
    pair_confidence: float = 0.95
    second_order: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.n, int) or isinstance(self.n, bool) or self.n < 2:
            raise MethodError(f"sensitivity.n = {self.n!r}; expected an integer >= 2")
        if self.design not in DESIGNS:
            raise MethodError(f"sensitivity.design = {self.design!r}; expected one of {DESIGNS}")
        if not isinstance(self.top_k, int) or self.top_k < 1:
            raise MethodError(f"sensitivity.top_k = {self.top_k!r}; expected an integer >= 1")
        if not isinstance(self.n_boot, int) or self.n_boot < 0:
            raise MethodError(f"sensitivity.n_boot = {self.n_boot!r}; expected an integer >= 0")
        if not 0 < self.conf_level < 1:
            raise MethodError(f"sensitivity.conf_level = {self.conf_level}; expected in (0, 1)")
        if not isinstance(self.second_order, bool):
            raise MethodError(f"sensitivity.second_order = {self.second_order!r}; expected true or false")
        if not 0.5 < self.pair_confidence < 1:
            raise MethodError(
                f"sensitivity.pair_confidence = {self.pair_confidence}; expected in (0.5, 1)"
            )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | SensitivitySpec) -> SensitivitySpec:
        """Parse the ``sensitivity:`` section; unknown keys are errors."""
        if isinstance(d, SensitivitySpec):
            return d
        if not isinstance(d, Mapping):
            raise MethodTypeError(f"sensitivity must be a mapping, got {type(d).__name__}")
        bad = sorted(set(map(str, d)) - set(_SECTION_KEYS))
        if bad:
            raise MethodError(
                f"sensitivity: unknown key(s) {bad}; expected some of {list(_SECTION_KEYS)}"
            )
        if "uncertainties" not in d:
            raise MethodError("sensitivity: no 'uncertainties' (what varies) given")
        kw = {k: v for k, v in d.items() if k != "uncertainties"}
        for k in ("conf_level", "pair_confidence"):
            if k in kw:
                kw[k] = float(kw[k])
        return cls(uncertainties=Uncertainties.from_dict(d["uncertainties"]), **kw)

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "design": self.design, "top_k": self.top_k, "n_boot": self.n_boot,
                "conf_level": self.conf_level, "pair_confidence": self.pair_confidence,
                "second_order": self.second_order, "uncertainties": self.uncertainties.to_dict()}

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`methods.sensitivity.uncertainty_analysis`."""
        return {"uncertainties": self.uncertainties, "n": self.n, "design": self.design,
                "top_k": self.top_k, "n_boot": self.n_boot, "conf_level": self.conf_level,
                "pair_confidence": self.pair_confidence, "second_order": self.second_order}

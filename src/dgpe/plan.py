"""The analysis plan: a run's meaning, resolved once before any notebook starts.

:func:`resolve_plan` turns a run config, its framework and its data into a :class:`Plan`: the build
spec with its weights resolved (expert, equal, AHP or fuzzy AHP from the judgement matrices, a
data-driven scheme, a file of values), the score scale the build produces (carried by the built
index, never guessed from values), the grade bands checked against that scale, which parts of the
report the data support (no survey → no survey scales; no AHP matrices → no AHP section; no
input/outcome tags → no outcome-share verdict) and the analysis options with their thresholds.

Everything the plan cannot honour is reported at once, each problem naming the config field, and
the runner stops before the first notebook. Notebooks, the method note and the landing page read the
plan (``run.plan``) and the index it built (``run.plan.index``); nothing re-derives them.

>>> from dgpe.plan import resolve_plan           # doctest: +SKIP
>>> plan = resolve_plan(load_run_config("configs/default.yaml"))
>>> plan.weights_method, plan.index.scale.high
('expert', 100.0)
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dgpe.catalogue import check_options, settings, thresholds
from dgpe.config import RunConfig
from dgpe.errors import ConfigError, Problem
from dgpe.framework import Framework
from dgpe.sections.base import Finding
from dgpe.text import Text

__all__ = ["Plan", "resolve_plan", "CAPABILITIES"]

#: What a part of the report may need, and the catalogue message that says it is missing.
CAPABILITIES: dict[str, str] = {
    "index": "plan.skipped_no_index",
    "survey": "plan.skipped_no_survey",
    "ahp": "plan.skipped_no_ahp",
    "delphi": "plan.skipped_no_delphi",
    "experts": "plan.skipped_no_experts",
    "kinds": "plan.skipped_no_kinds",
    "groups": "plan.skipped_no_groups",
    "years": "plan.skipped_one_year",
    "sensitivity": "plan.skipped_no_sensitivity",
    "bands": "plan.skipped_no_bands",
    "subdimensions": "plan.skipped_flat",
    "efficiency": "efficiency.skipped_no_io",
    "malmquist": "plan.skipped_one_year",
    "forecast": "efficiency.skipped_few_years_forecast",
    "delphi_panel": "plan.skipped_one_expert",  # Delphi ratings, when given, of two experts or more per round
}
#: The fewest units of the ranked year an index is built for (an index compares units).
MIN_UNITS = 2


@dataclass
class Plan:
    """A resolved run: inputs, build, scale, bands, capabilities and options (see the module doc).

    Attributes
    ----------
    config : the validated run config (year resolved)
    framework, meta : the indicator framework and its meta frame (``methods`` form)
    panel : every year's indicator data (unit_id, year, groups, indicators)
    units : the ranked year's unit attributes (unit_name, group columns), index unit_id
    survey, delphi, experts, ahp : the optional inputs (None when absent)
    panel_imputation : :class:`methods.index.prepare.ImputationResult` of ``panel_impute`` (or None)
    spec : the build spec (:class:`methods.index.IndexSpec`)
    weights_method : the weighting method's registry name
    weights_override : node weights from judgements or a file (None when the build derives them)
    bands : grade bands (name → lower cut-off) valid on the index's scale, or None
    capabilities : capability → None (available) or the :class:`Finding` that says why not
    options : the config's analysis options; :attr:`thresholds` and :attr:`settings` have them
        merged with the defaults (numbers and choices, see :mod:`dgpe.catalogue`)
    cfa_model : ``(set, lavaan syntax)`` of ``options.cfa.model`` / ``model_file``: the data set
        (``"survey"`` or ``"indicators"``) whose columns the model names, and the model; or None
    sensitivity : the config's ``sensitivity`` block as the build can take it: an uncertainty whose
        alternatives do not apply to the build (treatment alternatives of a build without
        winsorisation) is left out, and :attr:`sensitivity_dropped` says so (findings)
    build_warnings : the numerical warnings the headline build raised, as findings
        (:func:`dgpe.sections.guard.warning_findings`; the ranking section reports them)
    """

    config: RunConfig
    framework: Framework
    meta: pd.DataFrame
    panel: pd.DataFrame
    units: pd.DataFrame
    survey: pd.DataFrame | None
    delphi: pd.DataFrame | None
    experts: pd.DataFrame | None
    ahp: dict[tuple[str, str], pd.DataFrame] | None
    panel_imputation: Any
    spec: Any
    weights_method: str
    weights_override: pd.Series | None
    bands: dict[str, float] | None
    capabilities: dict[str, Finding | None]
    options: dict[str, Any] = field(default_factory=dict)
    cfa_model: tuple[str, str] | None = None
    sensitivity: dict[str, Any] = field(default_factory=dict)
    sensitivity_dropped: list[Finding] = field(default_factory=list)
    build_warnings: list[Finding] = field(default_factory=list)
    _index: Any = field(default=None, repr=False)

    # -- what the run has ----------------------------------------------------------------------
    @property
    def year(self) -> int | None:
        return self.config.year

    @property
    def lang(self) -> str:
        return self.config.lang

    @property
    def seed(self) -> int:
        return self.config.seed

    @property
    def groups(self) -> list[str]:
        return [g for g in self.config.groups if g in self.units.columns]

    @property
    def years(self) -> list[int]:
        if "year" not in self.panel.columns:
            return []
        return sorted(int(y) for y in self.panel["year"].dropna().unique())

    def has(self, capability: str) -> bool:
        """Whether the run's data support a part of the report (see :data:`CAPABILITIES`)."""
        if capability not in self.capabilities:
            raise KeyError(f"unknown capability {capability!r}; known: {sorted(self.capabilities)}")
        return self.capabilities[capability] is None

    def why_not(self, capability: str) -> Finding:
        """The catalogue message saying why a capability is missing."""
        reason = self.capabilities[capability]
        if reason is None:
            raise ValueError(f"capability {capability!r} is available")
        return reason

    @property
    def thresholds(self) -> dict[str, Any]:
        """Every catalogue threshold with the config's ``options`` applied."""
        return thresholds(self.options)

    def threshold(self, key: str) -> Any:
        return self.thresholds[key]

    @property
    def settings(self) -> dict[str, Any]:
        """Every non-numeric analysis option (EFA rotation, omega's factors …) with the config's
        ``options`` applied."""
        return settings(self.options)

    def setting(self, key: str) -> Any:
        """One analysis option, e.g. ``plan.setting("factor.efa_rotation")`` → ``'oblimin'``."""
        return self.settings[key]

    # -- the data the build takes -------------------------------------------------------------
    @functools.cached_property
    def X(self) -> pd.DataFrame:
        """The ranked year's indicators as delivered (index unit_id)."""
        return matrix(self.panel, self.framework, self.year)

    @property
    def panel_input(self) -> pd.DataFrame:
        """The panel with the cells ``panel_impute`` filled (the panel itself without it)."""
        return self.panel if self.panel_imputation is None else self.panel_imputation.data

    @functools.cached_property
    def X_input(self) -> pd.DataFrame:
        """The ranked year's indicators as the build receives them (``panel_impute`` applied)."""
        if self.panel_imputation is None:
            return self.X
        return matrix(self.panel_input, self.framework, self.year)

    @functools.cached_property
    def X_denominated(self) -> pd.DataFrame:
        """The ranked year's indicators as the build's later steps see them: divided by their
        denominators when the build denominates (``build.denominate``), else :attr:`X_input`. The
        audit's distributions, correlations and pairs describe these values, since the outlier
        treatment and the index work on them."""
        if self.spec.denominate is None:
            return self.X_input
        return self.index.stages["denominated"][list(self.X_input.columns)]

    @functools.cached_property
    def data(self) -> pd.DataFrame:
        """:attr:`X_input` with the unit attributes: what ``build_index`` takes."""
        return self.units.join(self.X_input)

    # -- the build --------------------------------------------------------------------------
    @property
    def index(self) -> Any:
        """The index built with the plan's spec and weights (built once, then cached)."""
        if self.spec is None:
            raise ValueError("the run builds no index (the framework has no index tree); "
                             "sections check plan.has('index') first")
        if self._index is None:
            from methods.index import build_index

            self._index = build_index(self.data, self.meta, self.spec, weights=self.weights_override)
        return self._index

    def build(self, data: pd.DataFrame | None = None, **changes: Any) -> Any:
        """Another build with the plan's weights: on other data and/or with spec sections changed
        (``plan.build(normalise={"method": "minmax", "range": [1, 100]})``)."""
        from methods.index import build_index

        spec = self.spec.with_changes(**changes) if changes else self.spec
        return build_index(self.data if data is None else data, self.meta, spec,
                           weights=self.weights_override)

    def build_years(self) -> dict[int, Any]:
        """Every year built on fixed goalposts (see :func:`methods.index.build_years`), up to and
        including the ranked year."""
        from methods.index import build_years

        panel = self.panel_input
        if self.year is not None and "year" in panel.columns:
            panel = panel[panel["year"] <= self.year]
        # the headline build's weights: data-driven weights are not derived again year by year
        return build_years(panel, self.meta, self.spec, weights=self.index.weights)

    @functools.cached_property
    def weight_sets(self) -> dict[str, pd.Series]:
        """Named weight sets the sensitivity analysis may draw (AHP, when the run has matrices)."""
        if not self.ahp:
            return {}
        if self.weights_method == "ahp" and self.weights_override is not None:
            return {"ahp": self.weights_override}
        from methods import MethodError, MethodWarning
        from methods.weights import judgement_weights

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MethodWarning)  # consistency: notebook 03
                return {"ahp": judgement_weights("ahp", self.ahp, self.meta)}
        except MethodError:
            return {}

    @property
    def scale(self) -> Any:
        """The index's score scale (:class:`methods.registry.ScoreScale`)."""
        return self.index.scale

    @property
    def indicator_scale(self) -> Any:
        """The scale of the normalised indicators (the normalisation's; it differs from the
        index's when the aggregation changes scale, e.g. a TOPSIS closeness in [0, 1])."""
        from methods.index.scales import hull

        scales = self.index.scales
        return hull([scales[c] for c in self.framework.indicator_codes if c in scales])

    # -- records ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The resolved decisions as JSON-ready data (written to the report as ``plan.json``)."""
        built = self.spec is not None
        scale = self.scale if built else None
        return {
            "year": self.year,
            "years": self.years,
            "lang": self.lang,
            "seed": self.seed,
            "groups": self.groups,
            "build": self.spec.to_dict() if built else None,
            "weights_method": self.weights_method,
            "weights": {k: float(v) for k, v in self.index.weights.items()} if built else {},
            "scale": {"low": scale.low, "high": scale.high, "bounded": scale.bounded} if scale else None,
            "bands": self.bands,
            "capabilities": {
                k: None if v is None else {"key": v.key, "zh": v("zh"), "en": v("en")}
                for k, v in self.capabilities.items()
            },
            "options": self.options,
            "sensitivity": self.sensitivity,
            "sensitivity_dropped": [f("en") for f in self.sensitivity_dropped],
            **({"build_warnings": [f("en") for f in self.build_warnings]} if self.build_warnings else {}),
            "thresholds": self.thresholds,
            "settings": self.settings,
            "cfa_model": None if self.cfa_model is None else {"set": self.cfa_model[0], "model": self.cfa_model[1]},
            "build_log": _plain_log(self.index.log) if built else [],
            "build_details": build_details(self) if built else None,
        }


# -- resolution -------------------------------------------------------------------------------


def load_inputs(cfg: RunConfig) -> dict[str, Any]:
    """Load and validate every input file a run config names."""
    from dgpe.data import load_ahp, load_delphi, load_experts, load_indicators, load_survey
    from dgpe.framework import load_framework

    fw = load_framework(cfg.framework)
    d = cfg.data
    opts = d.read_options()  # encoding=, sheet=
    return {
        "framework": fw,
        "panel": load_indicators(d.indicators, fw, groups=cfg.groups, **opts) if d.indicators and fw.has_index else None,
        "survey": load_survey(d.survey, fw, **opts) if d.survey else None,
        "delphi": load_delphi(d.delphi, fw, **opts) if d.delphi else None,
        "experts": load_experts(d.experts, **opts) if d.experts else None,
        "ahp": load_ahp(d.ahp, fw, **opts) if d.ahp else None,
    }


def resolve_plan(cfg: RunConfig, inputs: Mapping[str, Any] | None = None, *, lang: str | None = None) -> Plan:
    """Resolve a run config (and its loaded inputs) into a :class:`Plan`, building the index once.

    Raises :class:`dgpe.errors.ConfigError` listing every field the plan cannot honour."""
    inputs = dict(inputs) if inputs is not None else load_inputs(cfg)
    file = Path(str(cfg.source)).name if cfg.source else "run config"
    problems: list[Problem] = []

    def problem(where: str, message: str) -> None:
        problems.append(Problem(file, f"field {where}", message))

    fw: Framework = inputs["framework"]
    panel: pd.DataFrame | None = inputs.get("panel")
    if lang is not None:
        cfg = cfg.model_copy(update={"lang": lang})
    _check_inputs(cfg, fw, inputs, problem)
    if problems or panel is None:
        return _survey_only_plan(cfg, inputs, file, problems)
    cfg = _resolve_year(cfg, panel, problem)
    _check_groups(cfg, panel, problem)
    for where, msg in check_options(cfg.options):
        problem(where, msg)
    cfa_model = resolve_cfa_model(cfg, fw, problem)
    spec, method = _resolve_spec(cfg, problem, root=fw.root.code)
    meta = fw.to_meta()
    if spec is not None and spec.denominate is not None:
        _check_denominate(spec.denominate, fw, problem)
    if spec is not None:
        for where, msg in _collapse(spec.check_compatibility(meta)):
            problem(where, msg)
        if method == "values":
            _check_sibling_groups(dict(spec.weights["values"]), meta, problem)
    override, judged = (_judgement_weights(method, inputs.get("ahp"), meta, cfg, problem) if spec is not None
                        else (None, []))
    _check_sensitivity(cfg, problem)
    if problems:
        raise ConfigError(problems, title=f"{file}: {len(problems)} problem(s) in the run config")
    sub = panel if cfg.year is None or "year" not in panel.columns else panel[panel["year"] == cfg.year]
    attrs = [c for c in sub.columns if c not in fw.indicator_codes and c != "unit_id"]
    plan = Plan(
        config=cfg, framework=fw, meta=meta, panel=panel,
        units=sub.set_index("unit_id")[attrs],
        survey=inputs.get("survey"), delphi=inputs.get("delphi"),
        experts=inputs.get("experts"), ahp=inputs.get("ahp"),
        panel_imputation=impute_panel(panel, cfg, fw),
        spec=spec, weights_method=method, weights_override=override,
        bands=None, capabilities={}, options=dict(cfg.options), cfa_model=cfa_model,
    )
    if len(plan.units) < MIN_UNITS:  # nothing to compare: the analyses of the other inputs still run
        plan.spec = None
        plan.capabilities = _capabilities(plan, no_index=Finding(
            "plan.skipped_too_few_units", {"n": len(plan.units), "year": plan.year or "", "need": MIN_UNITS}, "info"))
        return plan
    _build_or_refuse(plan, file)
    if "03_weights" not in cfg.notebooks:  # 03 reports the judgements' consistency; without it, the ranking does
        plan.build_warnings = judged + plan.build_warnings
    plan.bands = _resolve_bands(plan)
    with warnings.catch_warnings():  # the variants' warnings repeat the headline build's
        warnings.simplefilter("ignore")
        plan.sensitivity, plan.sensitivity_dropped = _resolve_sensitivity(plan, file)
    plan.capabilities = _capabilities(plan)
    return plan


def _check_inputs(cfg: RunConfig, fw: Framework, inputs: Mapping[str, Any], problem: Any) -> None:
    """The data files the framework calls for: indicator data for an index tree, survey data for a
    framework of scales only (nothing else to analyse), no indicator data without an index."""
    if fw.has_index and cfg.data.indicators is None:
        problem("data.indicators", "required field is missing: the framework has an index tree, so the run "
                                   "needs its indicator data")
    if not fw.has_index:
        if cfg.data.indicators is not None:
            problem("data.indicators", "the framework has no index tree (scales only); drop data.indicators "
                                       "or add an index: tree to the framework")
        if inputs.get("survey") is None:
            problem("data.survey", "required field is missing: the framework has survey scales only, so the "
                                   "run needs the survey data")
        for where, given in (("build", cfg.build), ("panel_impute", cfg.panel_impute), ("bands", cfg.bands),
                             ("sensitivity", cfg.sensitivity)):
            if given:
                problem(where, "applies to the index, and the framework has no index tree (a survey-only run)")


def _survey_only_plan(cfg: RunConfig, inputs: Mapping[str, Any], file: str, problems: list[Problem]) -> Plan:
    """The plan of a framework without an index tree: the survey's reliability and factor structure,
    every index section skipped (``plan.has("index")`` is False). Raises the problems found so far."""
    fw: Framework = inputs["framework"]
    for where, msg in check_options(cfg.options):
        problems.append(Problem(file, f"field {where}", msg))
    cfa_model = resolve_cfa_model(cfg, fw, lambda where, msg: problems.append(Problem(file, f"field {where}", msg)))
    if problems:
        raise ConfigError(problems, title=f"{file}: {len(problems)} problem(s) in the run config")
    plan = Plan(
        config=cfg.model_copy(update={"year": None}), framework=fw, meta=fw.to_meta(),
        panel=pd.DataFrame(columns=["unit_id"]), units=pd.DataFrame(index=pd.Index([], name="unit_id")),
        survey=inputs.get("survey"), delphi=None, experts=None, ahp=None, panel_imputation=None,
        spec=None, weights_method="none", weights_override=None, bands=None, capabilities={},
        options=dict(cfg.options), cfa_model=cfa_model,
    )
    plan.capabilities = _capabilities(plan)
    return plan




def model_variables(model: str) -> tuple[list[str], list[str]]:
    """The latent and observed variable names of a CFA model in lavaan syntax (``=~`` loadings and
    ``~~`` (co)variances; modifiers such as ``0.8*x`` or ``NA*x`` stripped), in order of appearance.
    Raises ValueError naming a statement with another operator (regressions, constraints).

    >>> model_variables("visual =~ x1 + 0.8*x2 + x3\\nx1 ~~ x2")
    (['visual'], ['x1', 'x2', 'x3'])
    """
    from methods import MethodError
    from methods.psychometrics.model_syntax import parse_model

    try:
        parsed = parse_model(model)
    except (MethodError, ValueError) as exc:
        raise ValueError(str(exc)) from None
    return list(parsed.factors), [i for i in dict.fromkeys(
        [*parsed.items, *(v for c in parsed.covariances for v in (c.lhs, c.rhs))]) if i not in parsed.factors]


def resolve_cfa_model(cfg: RunConfig, fw: Framework, problem: Any) -> tuple[str, str] | None:
    """``options.cfa.model`` (or the text of ``model_file``, relative to the run config) with the
    data set it applies to: the survey when it names survey items only, the indicators when it names
    indicators only; every other case is a problem naming the field."""
    block: Mapping[str, Any] = cfg.options["cfa"] if isinstance(cfg.options.get("cfa"), Mapping) else {}
    text, name = block.get("model"), block.get("model_file")
    if text is None and name is None or not isinstance(text or name, str):
        return None
    where = "options.cfa.model"
    if text is not None and name is not None:
        problem("options.cfa", "give model or model_file, not both")
        return None
    if name is not None:
        where = "options.cfa.model_file"
        base = Path(str(cfg.source)).parent if cfg.source else Path.cwd()
        path = Path(name) if Path(name).is_absolute() else base / name
        if not path.is_file():
            problem(where, f"file not found: {path}")
            return None
        text = path.read_text(encoding="utf-8")
    try:
        latent, observed = model_variables(str(text))
    except ValueError as exc:
        problem(where, str(exc))
        return None
    for key, columns in (("survey", fw.scale_items()), ("indicators", fw.indicator_codes)):
        if observed and set(observed) <= set(columns):
            return key, str(text)
    known = set(fw.scale_items()) | set(fw.indicator_codes)
    unknown = [v for v in observed if v not in known]
    problem(where, f"names {unknown} that are neither survey items nor indicators of the framework" if unknown
            else "names survey items and indicators together; a model is fitted to one data set")
    return None


def _collapse(problems: list[Any]) -> list[tuple[str, str]]:
    """One problem per field: the first message, with the number of nodes it applies to."""
    by_field: dict[str, list[str]] = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(p.message)
    return [(f, msgs[0] + (f" (and {len(msgs) - 1} more node(s) alike)" if len(msgs) > 1 else ""))
            for f, msgs in by_field.items()]


def _resolve_year(cfg: RunConfig, panel: pd.DataFrame, problem: Any) -> RunConfig:
    year = cfg.year
    if "year" in panel.columns:
        have = sorted(int(y) for y in panel["year"].dropna().unique())
        if year is None:
            year = have[-1]
        elif year not in have:
            problem("year", f"no data for year {year}; the data has {', '.join(map(str, have))}")
    elif cfg.panel_impute is not None:
        problem("panel_impute", f"needs several years of data; {Path(str(cfg.data.indicators)).name} has no year column")
    return cfg.model_copy(update={"year": year})


def _check_groups(cfg: RunConfig, panel: pd.DataFrame, problem: Any) -> None:
    for g in cfg.groups:
        if g not in panel.columns:
            problem("groups", f"group column {g!r} is not a column of {Path(str(cfg.data.indicators)).name}; "
                              "a run without peer groups says groups: []")


def _resolve_spec(cfg: RunConfig, problem: Any, *, root: str) -> tuple[Any, str]:
    from methods import MethodError
    from methods.index import IndexSpec

    build = dict(cfg.build)
    weights = build.get("weights", "expert")
    if cfg.convention != "dgpe" and _weights_name(weights) == "entropy":
        weights = build["weights"] = _with_convention(weights, cfg.convention)
    if isinstance(weights, Mapping) and "file" in weights:
        values = _weights_file(cfg, weights["file"], problem)
        values.pop(root, None)  # the index's own weight is 1 whatever the file says
        build["weights"] = {"values": values}
    try:
        spec = IndexSpec.from_dict(build)
    except (MethodError, TypeError, ValueError) as exc:
        problem("build", str(exc))
        return None, ""
    w = spec.weights
    method = w if isinstance(w, str) else ("values" if "values" in w else str(w.get("method")))
    return spec, method


def _weights_name(weights: Any) -> str:
    return str(weights.get("method")) if isinstance(weights, Mapping) else str(weights)


def _with_convention(weights: Any, convention: str) -> dict[str, Any]:
    """``build.weights`` with the run's ``convention`` (entropy's SPSSAU shift) unless it sets one."""
    out = dict(weights) if isinstance(weights, Mapping) else {"method": weights}
    out.setdefault("convention", convention)
    return out


def _check_denominate(section: Mapping[str, Any], fw: Framework, problem: Any) -> None:
    """``build.denominate`` needs denominators: the framework's (``denominators: meta``) or a
    mapping of indicators to the framework's auxiliary columns."""
    den = section.get("denominators")
    if den == "meta":
        if not fw.denominators():
            problem("build.denominate", "denominators: meta, but the framework declares no denominator "
                                        "(give indicators a 'denominator:' naming one of its 'auxiliary:' columns)")
        return
    aux, inds = set(fw.auxiliary_codes), set(fw.indicator_codes)
    for ind, col in dict(den or {}).items():
        if str(ind) not in inds:
            problem("build.denominate.denominators", f"{ind} is not an indicator of the framework")
        if str(col) not in aux:
            problem("build.denominate.denominators",
                    f"{ind}: {col} is not an auxiliary column of the framework (auxiliary: "
                    f"{', '.join(sorted(aux)) or 'none declared'})")


def _check_sibling_groups(values: Mapping[str, Any], meta: pd.DataFrame, problem: Any) -> None:
    """Given weights must cover every sibling of a group or none: the others would keep the
    framework's weights and be rescaled together with the given ones, silently."""
    kids = meta.dropna(subset=["parent"]).groupby("parent")["code"].apply(list)
    for parent, codes in kids.items():
        given = [c for c in codes if c in values]
        if given and len(given) < len(codes):
            rest = [c for c in codes if c not in values]
            problem("build.weights", f"weights are given for {given} but not for their siblings {rest} "
                                     f"(children of {parent}); give every child of {parent} or none")


def _weights_file(cfg: RunConfig, name: Any, problem: Any) -> dict[str, float]:
    base = Path(str(cfg.source)).parent if cfg.source else Path.cwd()
    path = Path(str(name)) if Path(str(name)).is_absolute() else base / str(name)
    if not path.is_file():
        problem("build.weights.file", f"file not found: {path}")
        return {}
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype={"code": str})
    except (ValueError, UnicodeDecodeError) as exc:
        problem("build.weights.file", f"{path.name}: not a readable UTF-8 CSV ({exc})")
        return {}
    if not {"code", "weight"} <= set(df.columns):
        problem("build.weights.file", f"{path.name}: expected the columns code, weight; found {list(df.columns)}")
        return {}
    w = pd.to_numeric(df["weight"], errors="coerce")
    bad = df.loc[w.isna() | (w < 0), "code"].tolist()
    if bad:
        problem("build.weights.file", f"{path.name}: weights must be numbers ≥ 0; not so for {bad[:10]}")
        return {}
    return {str(c): float(v) for c, v in zip(df["code"], w, strict=True)}


def _judgement_weights(method: str, ahp: Any, meta: pd.DataFrame, cfg: RunConfig,
                       problem: Any) -> tuple[pd.Series | None, list[Finding]]:
    """The node weights from the AHP (or fuzzy AHP) judgement matrices, when the build takes them,
    and the judgements' warnings (inconsistent matrices) as findings."""
    from dgpe.sections.guard import warning_findings
    from methods import MethodError, MethodWarning
    from methods.weights import WEIGHTING, judgement_weights

    if method not in WEIGHTING.names(needs="judgements"):
        return None, []
    if not ahp:
        problem("build.weights", f"{method!r} derives the weights from AHP judgement matrices; "
                                 "the run config names no data.ahp file")
        return None, []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", MethodWarning)
            weights = judgement_weights(method, ahp, meta)
        return weights, warning_findings(list(caught))[0]
    except MethodError as exc:
        problem("build.weights", f"{method}: {exc}")
        return None, []


def _check_sensitivity(cfg: RunConfig, problem: Any) -> None:
    if not cfg.sensitivity:
        return
    from methods import MethodError
    from methods.sensitivity import SensitivitySpec

    try:
        SensitivitySpec.from_dict(cfg.sensitivity)
    except (MethodError, TypeError, ValueError) as exc:
        problem("sensitivity", str(exc))


def _resolve_sensitivity(plan: Plan, file: str) -> tuple[dict[str, Any], list[Finding]]:
    """The sensitivity block the build can take: each uncertainty whose alternatives do not apply
    to the nominal build is left out with a finding (the rest still runs)."""
    block = dict(plan.config.sensitivity or {})
    unc = dict(block.get("uncertainties") or {})
    if not unc:
        return block, []
    from methods import MethodError
    from methods.sensitivity import IndexSampler

    dropped: list[Finding] = []
    while unc:
        try:
            IndexSampler(plan.data, plan.meta, plan.spec, unc, weights=plan.weights_override,
                         weight_sets=plan.weight_sets)
            break
        except MethodError as exc:
            step = re.match(r"sensitivity\.uncertainties\.(\w+)", str(exc))
            if step is None or step.group(1) not in unc:
                raise ConfigError([Problem(file, "field sensitivity", str(exc))],
                                  title=f"{file}: the sensitivity analysis cannot run on this build") from None
            dropped.append(Finding("plan.sensitivity_dropped", {"step": step.group(1), "error": str(exc)},
                                   "warning"))
            del unc[step.group(1)]
    return {**block, "uncertainties": unc}, dropped


def _build_or_refuse(plan: Plan, file: str) -> None:
    """Build the index now, so a spec the data cannot take fails before any notebook starts."""
    from dgpe.sections.guard import warning_findings
    from methods import MethodError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plan.index  # noqa: B018 - builds and caches
        plan.build_warnings = warning_findings(list(caught))[0]  # the others (deprecations) are dropped
    except (MethodError, ValueError, TypeError, ZeroDivisionError) as exc:
        text = str(exc)
        step = re.match(r"\w*", text.strip()).group(0)  # type: ignore[union-attr]
        where = f"build.{step}" if step in plan.spec.to_dict() else "build"
        raise ConfigError([Problem(file, f"field {where}", f"the build fails on the data: {text}")],
                          title=f"{file}: the build cannot run on these data") from None


def _resolve_bands(plan: Plan) -> dict[str, float] | None:
    bands = plan.config.bands
    if not bands:
        return None
    scale = plan.scale
    if not scale.bounded:
        return None
    inside = all(scale.contains(v) for v in bands.values())
    return dict(bands) if inside else None


def _capabilities(plan: Plan, no_index: Finding | None = None) -> dict[str, Finding | None]:
    """What the run's data support, each missing part with its reason; ``no_index`` is the reason
    an index tree's index is not built (too few units), which every index part then gives."""
    fw = plan.framework
    built = plan.spec is not None
    kinds = plan.meta.loc[plan.meta["level"] == 1, "kind"] if "kind" in plan.meta else pd.Series(dtype=object)
    kinds = kinds.dropna().astype(str)
    have = {
        "index": built,
        "survey": plan.survey is not None and bool(fw.scales),
        "ahp": bool(plan.ahp),
        "delphi": plan.delphi is not None,
        "experts": plan.experts is not None,
        "kinds": bool(kinds.isin(["input", "output", "outcome"]).any()),
        "groups": bool(plan.groups),
        "years": len(plan.years) >= 2,
        "sensitivity": bool(plan.sensitivity.get("uncertainties")),
        "bands": plan.bands is not None,
        "subdimensions": built and any(fw.children(c) and not fw.node(c).is_indicator
                                       for d in fw.children(plan.index.index_code) for c in fw.children(d)),
    }
    have.update(_diagnosis_capabilities(plan, kinds))
    out: dict[str, Finding | None] = {}
    for cap, ok in have.items():
        # without an index, what the index would need is missing for that one reason
        key = CAPABILITIES[cap] if built or cap in ("survey", "ahp", "delphi", "experts") else CAPABILITIES["index"]
        out[cap] = None if ok else (no_index if no_index is not None and key == CAPABILITIES["index"]
                                    else Finding(key, {}, "info"))
    if plan.config.bands and plan.bands is None and built:
        out["bands"] = _band_reason(plan)
    if built and not have["malmquist"] and not have["efficiency"]:
        out["malmquist"] = out["efficiency"]
    if built and not have["forecast"]:
        out["forecast"] = Finding(CAPABILITIES["forecast"], {"n": len(_years_to_rank(plan)),
                                  "need": int(plan.setting("efficiency.forecast_min_years"))}, "info")
    out["delphi_panel"] = _delphi_panel_reason(plan.delphi)
    if out["groups"] is None and built:
        out["groups"] = _singleton_groups_reason(plan)
    return out


def _years_to_rank(plan: Plan) -> list[int]:
    return [y for y in plan.years if plan.year is None or y <= plan.year]


def _diagnosis_capabilities(plan: Plan, kinds: pd.Series) -> dict[str, bool]:
    """What notebook 06 needs: DEA needs input indicators and output or outcome indicators; the
    Malmquist index, DEA and two years up to the ranked one; GM(1,1) targets, as many years as
    ``options.efficiency.forecast_min_years``."""
    built = plan.spec is not None
    tagged = set(kinds)
    efficiency = built and "input" in tagged and bool(tagged & {"output", "outcome"})
    years = len(_years_to_rank(plan))
    return {"efficiency": efficiency, "malmquist": efficiency and years >= 2,
            "forecast": built and years >= int(plan.setting("efficiency.forecast_min_years"))}


def _delphi_panel_reason(delphi: pd.DataFrame | None) -> Finding | None:
    """Why the experts' agreement cannot be measured: a round rated by fewer than two experts
    (None without Delphi data: the capability ``delphi`` says that)."""
    if delphi is None or delphi.empty:
        return None
    per_round = delphi.groupby("round")["expert"].nunique()
    few = per_round[per_round < 2]
    if few.empty:
        return None
    return Finding("plan.skipped_one_expert", {"n": int(few.iloc[0]), "round": few.index[0]}, "info")


def _singleton_groups_reason(plan: Plan) -> Finding | None:
    """Why the peer comparison says nothing: in every group column each unit is alone in its group."""
    units = plan.units
    alone = [g for g in plan.groups if units[g].notna().any()
             and units[g].dropna().value_counts().max() < 2]
    if len(alone) < len(plan.groups):
        return None
    return Finding("plan.skipped_singleton_groups", {"columns": ", ".join(alone)}, "info")


def _band_reason(plan: Plan) -> Finding:
    scale = plan.scale
    if not scale.bounded:
        return Finding("plan.skipped_unbounded_scale", {"scale": scale_label(scale)}, "warning")
    cuts = ", ".join(f"{v:g}" for v in (plan.config.bands or {}).values())
    return Finding("plan.bands_off_scale", {"cuts": cuts, "scale": scale_label(scale)}, "warning")


def scale_label(scale: Any) -> Text:
    """A score scale in words: its bounds, or what kind of unbounded number it holds."""
    if scale.bounded:
        return Text(f"[{scale.low:g}, {scale.high:g}]", f"[{scale.low:g}, {scale.high:g}]")
    kind = getattr(scale, "kind", "score")
    if kind == "rank":
        return Text("名次（无固定上下限）", "ranks (no fixed bounds)")
    if kind == "count":
        return Text("计数（无固定上下限）", "counts (no fixed bounds)")
    if getattr(scale, "centre", None) is not None:
        return Text("无界（如 z 分数）", "unbounded (e.g. z-scores)")
    return Text("无固定上下限", "unbounded")


# -- helpers shared with the session ------------------------------------------------------------


def matrix(panel: pd.DataFrame, framework: Framework, year: int | None) -> pd.DataFrame:
    """The indicator matrix of one year (all rows when the panel has no year column)."""
    df = panel if year is None or "year" not in panel.columns else panel[panel["year"] == year]
    return df.set_index("unit_id")[framework.indicator_codes].astype(float)


def impute_panel(panel: pd.DataFrame, cfg: RunConfig, framework: Framework) -> Any:
    """The config's ``panel_impute`` applied to the whole panel (None when not configured)."""
    spec = cfg.panel_impute
    if spec is None or "year" not in panel.columns:
        return None
    from methods import MethodWarning
    from methods.index.prepare import impute

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)  # unfilled cells are reported, not warned
        return impute(panel, f"panel_{spec.method}", indicators=framework.indicator_codes,
                      unit_col="unit_id", time_col="year", max_time=spec.max_time)


def effective_weights(weights: pd.Series, meta: pd.DataFrame) -> dict[str, float]:
    """Every node's weight in the index: the product of the (sibling-rescaled) weights on the path
    from the index down to it (the index itself 1).

    >>> meta = pd.DataFrame({"code": ["I", "A", "a1", "a2"], "parent": [None, "I", "A", "A"]})
    >>> effective_weights(pd.Series({"I": 1.0, "A": 1.0, "a1": 0.25, "a2": 0.75}), meta)["a2"]
    0.75
    """
    parent = dict(zip(meta["code"].astype(str), meta["parent"], strict=True))
    out: dict[str, float] = {}

    def of(code: str) -> float:
        if code not in out:
            up = parent.get(code)
            out[code] = 1.0 if up is None or pd.isna(up) else of(str(up)) * float(weights.get(code, 0.0))
        return out[code]

    for code in parent:
        of(code)
    return out


def build_details(plan: Plan) -> dict[str, Any]:
    """What the build did, cell by cell and indicator by indicator, for the method note: coverage of
    the ranked year, the cells ``panel_impute`` and ``build.impute`` filled (per indicator), the units
    screened out, the indicators the outlier treatment changed and how, each indicator's
    normalisation anchors (goalposts), the denominators, every node's effective weight and each
    aggregate node's aggregation method."""
    res = plan.index
    raw = plan.X
    inds = list(raw.columns)

    def per_indicator(frame: Any) -> dict[str, int]:
        if frame is None or len(frame) == 0:
            return {}
        return {str(k): int(v) for k, v in frame.groupby("indicator").size().items()}

    panel_filled = None
    if plan.panel_imputation is not None and plan.year is not None:
        filled = plan.panel_imputation.filled
        panel_filled = per_indicator(filled[filled["year"] == plan.year] if "year" in filled else filled)
    imp, tr = res.details.get("imputation"), res.details.get("treatment")
    treated: list[dict[str, Any]] = []
    if tr is not None:
        d = tr.details
        changed = tr.points.groupby("indicator").size() if len(tr.points) else pd.Series(dtype=int)
        for code, row in d[d["failed"].astype(bool) | (d["n_winsorised"] > 0)].iterrows():
            treated.append({"indicator": str(code), "skew": float(row["skew"]), "kurtosis": float(row["kurtosis"]),
                            "n_winsorised": int(row["n_winsorised"]), "transform": str(row["transform"] or ""),
                            "n_changed": int(changed.get(code, 0)), "skew_final": float(row["skew_final"]),
                            "kurtosis_final": float(row["kurtosis_final"]),
                            "passes_final": bool(row["passes_final"])})
    norm = res.details["normalisation"].parameters
    scr = res.details.get("screening")
    den = res.details.get("denomination")
    return {
        "n_units": int(len(raw)), "n_indicators": len(inds), "n_ranked": int(res.scores[res.index_code].notna().sum()),
        "missing": {c: int(v) for c, v in raw.isna().sum().items()},
        "panel_imputed": panel_filled,
        "imputed": per_indicator(imp.filled) if imp is not None else None,
        "unfilled": per_indicator(imp.unfilled) if imp is not None else None,
        "screened_out": [str(u) for u in scr.dropped["unit"]] if scr is not None else None,
        "denominators": {str(k): str(v) for k, v in _denominator_map(plan).items()} if den is not None else None,
        "treated": treated if tr is not None else None,
        "n_treatment_checked": int(len(tr.details)) if tr is not None else None,
        "normalisation": _plain_log([{str(k): {str(c): v for c, v in row.items() if not pd.isna(v)}
                                      for k, row in norm.iterrows()}])[0],
        "effective_weights": effective_weights(res.weights, plan.meta),
        "aggregation": {str(k): str(v) for k, v in res.details["aggregation"].methods.items()},
    }


def _denominator_map(plan: Plan) -> dict[str, str]:
    den = (plan.spec.denominate or {}).get("denominators")
    if den == "meta":
        return plan.framework.denominators()
    return dict(den or {})


def _plain_log(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def plain(v: Any) -> Any:
        if isinstance(v, Mapping):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, pd.Series | pd.DataFrame):
            return None
        return v

    return [plain(s) for s in log]

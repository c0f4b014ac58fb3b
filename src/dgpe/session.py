"""What a notebook needs in one call: :func:`open_run`.

``run = open_run(config, notebook="00_data_audit", output_dir=output_dir, lang=lang)`` loads and
validates the run config, the framework and every data file it names, applies the plot theme and
returns a :class:`Run` carrying the data, the meta frame, the recorder and small language helpers.
Notebooks stay thin: parameters, this call, calls into :mod:`methods`, plots and prose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dgpe.config import RunConfig, load_run_config
from dgpe.data import load_ahp, load_delphi, load_experts, load_indicators, load_survey
from dgpe.framework import Framework, load_framework
from dgpe.plotting import apply_theme
from dgpe.record import Recorder

__all__ = ["Run", "open_run", "load_inputs", "check_run", "impute_panel"]


@dataclass
class Run:
    """Everything one notebook works with (see ``docs/CONVENTIONS.md``)."""

    config: RunConfig
    framework: Framework
    meta: pd.DataFrame
    panel: pd.DataFrame
    year: int | None
    X: pd.DataFrame
    units: pd.DataFrame
    survey: pd.DataFrame | None
    delphi: pd.DataFrame | None
    experts: pd.DataFrame | None
    ahp: dict[tuple[str, str], pd.DataFrame] | None
    lang: str
    rec: Recorder
    panel_imputation: Any = None  # methods.index.prepare.ImputationResult when the config asks for it
    _built: Any = field(default=None, repr=False)

    # -- language ---------------------------------------------------------------------------
    def t(self, zh: str, en: str) -> str:
        """The text in the run's language."""
        return zh if self.lang == "zh" else en

    def label(self, code: str) -> str:
        """A node's, scale's or item's name in the run's language."""
        return self.framework.name(code, self.lang)

    def labels(self, codes: list[str] | pd.Index, *, with_code: bool = True) -> list[str]:
        return [f"{c} {self.label(c)}" if with_code else self.label(c) for c in codes]

    # -- data views --------------------------------------------------------------------------
    @property
    def seed(self) -> int:
        return self.config.seed

    @property
    def build(self) -> dict[str, Any]:
        return self.config.build

    def rng(self, offset: int = 0) -> np.random.Generator:
        """A fresh generator from the config seed (plus ``offset`` for independent streams)."""
        return np.random.default_rng(self.config.seed + offset)

    @property
    def X_input(self) -> pd.DataFrame:
        """The year's indicators as the build receives them: ``X`` with the cells the config's
        ``panel_impute`` filled from the unit's other years (``X`` itself when there is none)."""
        if self.panel_imputation is None:
            return self.X
        return _matrix(self.panel_imputation.data, self.framework, self.year)

    @property
    def panel_input(self) -> pd.DataFrame:
        """The panel as builds receive it: with the cells ``panel_impute`` filled (``panel``
        itself when the config sets none)."""
        return self.panel if self.panel_imputation is None else self.panel_imputation.data

    @property
    def data(self) -> pd.DataFrame:
        """The year's indicators (:attr:`X_input`) with the unit attributes (group columns): what
        ``build_index`` takes."""
        return self.units.join(self.X_input)

    def built(self) -> Any:
        """The index built with the config's build spec (computed once, then cached)."""
        if self._built is None:
            from methods.index import build_index

            self._built = build_index(self.data, self.meta, self.config.build)
        return self._built

    @property
    def prepared(self) -> pd.DataFrame:
        """Indicators after the build's imputation and outlier treatment (before normalisation): the
        matrix the reliability and factor analyses of indicator sets work on."""
        return self.built().stages["treated"][list(self.framework.indicator_codes)]

    def X_year(self, year: int) -> pd.DataFrame:
        """The indicator matrix of another year (index unit_id)."""
        return _matrix(self.panel, self.framework, year)

    @property
    def years(self) -> list[int]:
        if "year" not in self.panel.columns:
            return []
        return sorted(int(y) for y in self.panel["year"].dropna().unique())


def impute_panel(panel: pd.DataFrame, cfg: RunConfig, framework: Framework) -> Any:
    """The config's ``panel_impute`` applied to the whole panel (None when not configured).

    Cells no other year can fill stay missing (the build's ``impute`` step handles them); the
    result lists what was filled (``.filled``) and what was not (``.unfilled``)."""
    spec = cfg.panel_impute
    if spec is None:
        return None
    import warnings

    from methods import MethodWarning
    from methods.index.prepare import impute

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)  # unfilled cells are reported, not warned
        return impute(panel, f"panel_{spec.method}", indicators=framework.indicator_codes,
                      unit_col="unit_id", time_col="year", max_time=spec.max_time)


def _matrix(panel: pd.DataFrame, framework: Framework, year: int | None) -> pd.DataFrame:
    df = panel if year is None else panel[panel["year"] == year]
    return df.set_index("unit_id")[framework.indicator_codes].astype(float)


def load_inputs(cfg: RunConfig) -> dict[str, Any]:
    """Load and validate every input named by a run config."""
    fw = load_framework(cfg.framework)
    panel = load_indicators(cfg.data.indicators, fw, groups=cfg.groups)
    d = cfg.data
    return {
        "framework": fw,
        "panel": panel,
        "survey": load_survey(d.survey, fw) if d.survey else None,
        "delphi": load_delphi(d.delphi, fw) if d.delphi else None,
        "experts": load_experts(d.experts) if d.experts else None,
        "ahp": load_ahp(d.ahp, fw) if d.ahp else None,
    }


def check_run(cfg: RunConfig, inputs: dict[str, Any]) -> RunConfig:
    """Checks that need the data: the year exists, the group columns exist, the build and
    sensitivity specs parse. Returns the config with the year resolved (latest when not given)."""
    from dgpe.errors import ConfigError, Problem

    file = Path(str(cfg.source)).name if cfg.source else "run config"
    panel: pd.DataFrame = inputs["panel"]
    problems: list[Problem] = []
    year = cfg.year
    if "year" in panel.columns:
        have = sorted(int(y) for y in panel["year"].dropna().unique())
        if year is None:
            year = have[-1]
        elif year not in have:
            problems.append(Problem(file, "field year", f"no data for year {year}; the data has {', '.join(map(str, have))}"))
    if cfg.panel_impute is not None and "year" not in panel.columns:
        problems.append(Problem(file, "field panel_impute", f"needs several years of data; {Path(cfg.data.indicators).name} has no year column"))
    for g in cfg.groups:
        if g not in panel.columns:
            problems.append(Problem(file, "field groups", f"group column {g!r} is not a column of {Path(cfg.data.indicators).name}"))
    from methods import MethodError
    from methods.index import IndexSpec
    from methods.sensitivity import SensitivitySpec

    try:
        IndexSpec.from_dict(cfg.build)
    except (MethodError, TypeError, ValueError) as exc:
        problems.append(Problem(file, "field build", str(exc)))
    if cfg.sensitivity:
        try:
            SensitivitySpec.from_dict(cfg.sensitivity)
        except (MethodError, TypeError, ValueError) as exc:
            problems.append(Problem(file, "field sensitivity", str(exc)))
    if problems:
        raise ConfigError(problems, title=f"{file}: {len(problems)} problem(s) in the run config")
    return cfg.model_copy(update={"year": year})


def open_run(
    config: str | Path,
    *,
    notebook: str,
    output_dir: str | Path | None = None,
    lang: str | None = None,
    overrides: list[str] | None = None,
) -> Run:
    """Load a run for one notebook and apply the plot theme."""
    cfg = load_run_config(config, overrides)
    inputs = load_inputs(cfg)
    cfg = check_run(cfg, inputs)
    fw: Framework = inputs["framework"]
    panel: pd.DataFrame = inputs["panel"]
    year = cfg.year
    sub = panel if year is None or "year" not in panel.columns else panel[panel["year"] == year]
    attrs = [c for c in sub.columns if c not in fw.indicator_codes and c != "unit_id"]
    language = lang or cfg.lang
    apply_theme()
    return Run(
        config=cfg,
        framework=fw,
        meta=fw.to_meta(),
        panel=panel,
        year=year,
        X=_matrix(panel, fw, year if "year" in panel.columns else None),
        units=sub.set_index("unit_id")[attrs],
        survey=inputs["survey"],
        delphi=inputs["delphi"],
        experts=inputs["experts"],
        ahp=inputs["ahp"],
        lang=language,
        rec=Recorder(output_dir, notebook=notebook, lang=language),
        panel_imputation=impute_panel(panel, cfg, fw),
    )

"""What a notebook needs in one call: :func:`open_run`.

``run = open_run(config, notebook="00_data_audit", output_dir=output_dir, lang=lang)`` loads the run
config and resolves it into the analysis plan (:func:`dgpe.plan.resolve_plan`: inputs loaded and
validated, weights resolved, the index built once, the report's parts matched to the data), applies
the plot theme and returns a :class:`Run`: the plan, the recorder and small language helpers.
Notebooks stay thin: parameters, this call, section functions (:mod:`dgpe.sections`) and prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dgpe.config import RunConfig, load_run_config
from dgpe.framework import Framework
from dgpe.plan import Plan, load_inputs, matrix, resolve_plan
from dgpe.plotting import apply_theme
from dgpe.record import Recorder
from dgpe.sections.base import Section
from dgpe.text import Text

__all__ = ["Run", "open_run", "load_inputs"]


@dataclass
class Run:
    """The plan of a run, the recorder of one notebook and the run's language (see
    ``docs/CONVENTIONS.md``)."""

    plan: Plan
    rec: Recorder

    # -- language ---------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.rec.lang

    def t(self, zh: str, en: str) -> str:
        """The text in the run's language."""
        return zh if self.lang == "zh" else en

    def label(self, code: str) -> str:
        """A node's, scale's or item's name in the run's language."""
        return self.framework.name(code, self.lang)

    def name(self, code: str) -> Text:
        """A node's, scale's or item's name in both languages."""
        return Text(self.framework.name(code, "zh"), self.framework.name(code, "en"))

    def labels(self, codes: list[str] | pd.Index, *, with_code: bool = True) -> list[str]:
        return [f"{c} {self.label(c)}" if with_code else self.label(c) for c in codes]

    # -- the plan's parts, for notebooks -------------------------------------------------------
    @property
    def config(self) -> RunConfig:
        return self.plan.config

    @property
    def framework(self) -> Framework:
        return self.plan.framework

    @property
    def meta(self) -> pd.DataFrame:
        return self.plan.meta

    @property
    def panel(self) -> pd.DataFrame:
        return self.plan.panel

    @property
    def units(self) -> pd.DataFrame:
        return self.plan.units

    @property
    def year(self) -> int | None:
        return self.plan.year

    @property
    def years(self) -> list[int]:
        return self.plan.years

    @property
    def survey(self) -> pd.DataFrame | None:
        return self.plan.survey

    @property
    def delphi(self) -> pd.DataFrame | None:
        return self.plan.delphi

    @property
    def experts(self) -> pd.DataFrame | None:
        return self.plan.experts

    @property
    def ahp(self) -> dict[tuple[str, str], pd.DataFrame] | None:
        return self.plan.ahp

    @property
    def panel_imputation(self) -> Any:
        return self.plan.panel_imputation

    @property
    def seed(self) -> int:
        return self.plan.seed

    @property
    def build(self) -> dict[str, Any]:
        """The build spec as a plain dict (weights as resolved by the plan)."""
        return self.plan.spec.to_dict()

    @property
    def X(self) -> pd.DataFrame:
        return self.plan.X

    @property
    def X_input(self) -> pd.DataFrame:
        return self.plan.X_input

    @property
    def X_denominated(self) -> pd.DataFrame:
        return self.plan.X_denominated

    @property
    def panel_input(self) -> pd.DataFrame:
        return self.plan.panel_input

    @property
    def data(self) -> pd.DataFrame:
        return self.plan.data

    def built(self) -> Any:
        """The index the plan built (:attr:`dgpe.plan.Plan.index`)."""
        return self.plan.index

    @property
    def prepared(self) -> pd.DataFrame:
        """Indicators after the build's imputation and outlier treatment (before normalisation): the
        matrix the reliability and factor analyses of indicator sets work on."""
        return self.plan.index.stages["treated"][list(self.framework.indicator_codes)]

    def X_year(self, year: int) -> pd.DataFrame:
        """The indicator matrix of another year (index unit_id)."""
        return matrix(self.panel, self.framework, year)

    def rng(self, offset: int = 0) -> np.random.Generator:
        """A fresh generator from the config seed (plus ``offset`` for independent streams)."""
        return np.random.default_rng(self.plan.seed + offset)

    # -- showing sections -----------------------------------------------------------------------
    def show(self, section: Section, *, display: bool = True) -> Section:
        """Record a section for the report and display it (findings as Markdown, tables, figures)."""
        from dgpe.display import show_section

        self.rec.section(section)
        if display:
            show_section(section, self.lang, names=self.column_names())
        return section

    def column_names(self) -> dict[str, str]:
        """Headers for table columns named by a dimension's or scale's code ("A 基础支撑能力");
        indicator codes stay codes (tables with one column per indicator stay narrow)."""
        nodes = [n.code for n in self.framework.nodes() if not n.is_indicator]
        scales = [s.code for s in self.framework.scales]
        return {c: f"{c} {self.label(c)}" for c in nodes + scales}


def open_run(
    config: str | Path,
    *,
    notebook: str,
    output_dir: str | Path | None = None,
    lang: str | None = None,
    overrides: list[str] | None = None,
) -> Run:
    """Resolve a run's plan for one notebook and apply the plot theme."""
    cfg = load_run_config(config, overrides)
    plan = resolve_plan(cfg, lang=lang)
    apply_theme()
    return Run(plan=plan, rec=Recorder(output_dir, notebook=notebook, lang=plan.lang))

"""Plan-level data checks: what the run's notebooks need of the data, found before any of them starts.

The loaders check each file on its own and :func:`dgpe.plan.resolve_plan` checks the config against
the data (the year, the group columns, the build). This module adds what only the plan's notebooks
reveal, so that ``dgpe validate CONFIG.yaml`` says it before a run: each :class:`Problem` names the
file, the row or column and what the notebook will do about it. They are notes, not errors: the
sections concerned leave the unsupported part out with a finding in the report.

- blank cells of a peer-group column in the ranked year (those units are left out of the peer
  comparison by that group, notebook 05);
- a group column in which (nearly) every unit is its own group: numeric auxiliary data such as GDP
  or population declared as a group (the peer views say nothing);
- an indicator with no value at all in a year up to the ranked one (left out of the comparability
  check of the years, notebook 05);
- as many indicators as units or more (independence weights, notebook 07, need more units).

:func:`load_inputs` loads every input file of a config and reports the problems of all files at
once (the plan's loader stops at the first bad file).

>>> from dgpe.checks import check_plan                   # doctest: +SKIP
>>> check_plan(resolve_plan(load_run_config("configs/default.yaml")))   # doctest: +SKIP
[]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.config import RunConfig
from dgpe.errors import DataError, DgpeError, Problem

__all__ = ["load_inputs", "check_plan"]

#: Notebooks whose sections use the peer groups, the years and the indicator weights compared.
PEERS_NOTEBOOK = "05_index"
YEARS_NOTEBOOK = "05_index"
WEIGHTS_NOTEBOOK = "07_method_comparison"


def load_inputs(cfg: RunConfig) -> dict[str, Any]:
    """Every input file of a run config loaded; the problems of all files in one :class:`DataError`.

    Returns the mapping :func:`dgpe.plan.resolve_plan` takes."""
    from dgpe.data import load_ahp, load_delphi, load_experts, load_indicators, load_survey
    from dgpe.framework import load_framework

    fw = load_framework(cfg.framework)  # every other file is read against it
    d = cfg.data
    opts = d.read_options()
    loaders = {
        "panel": (d.indicators, lambda p: load_indicators(p, fw, groups=cfg.groups, **opts)),
        "survey": (d.survey, lambda p: load_survey(p, fw, **opts)),
        "delphi": (d.delphi, lambda p: load_delphi(p, fw, **opts)),
        "experts": (d.experts, lambda p: load_experts(p, **opts)),
        "ahp": (d.ahp, lambda p: load_ahp(p, fw, **opts)),
    }
    out: dict[str, Any] = {"framework": fw}
    problems: list[Problem] = []
    for role, (path, load) in loaders.items():
        try:
            out[role] = load(path) if path else None
        except DgpeError as exc:
            problems.extend(exc.problems)
    if problems:
        files = sorted({p.file for p in problems})
        raise DataError(problems, title=f"{len(problems)} problem(s) in {', '.join(files)}")
    return out


def check_plan(plan: Any) -> list[Problem]:
    """Notes on the data for the notebooks of a resolved plan (see the module doc); [] when none."""
    cfg = plan.config
    if cfg.data.indicators is None or not plan.has("index"):  # a survey-only run: no indicator data
        return []
    file = Path(str(cfg.data.indicators)).name
    notes: list[Problem] = []
    if PEERS_NOTEBOOK in cfg.notebooks:
        notes += _group_notes(plan, file)
    if YEARS_NOTEBOOK in cfg.notebooks and plan.has("years"):
        notes += _year_notes(plan, file)
    if WEIGHTS_NOTEBOOK in cfg.notebooks:
        n_units, n_ind = len(plan.units), len(plan.framework.indicator_codes)
        if n_units <= n_ind:
            notes.append(Problem(file, "", f"{n_units} units for {n_ind} indicators: the independence "
                                           f"weights of {WEIGHTS_NOTEBOOK} need more units than "
                                           "indicators and are left out"))
    return notes


def _wide_rows(plan: Any) -> bool:
    """Whether the panel's row numbers are the file's (a wide file; a long one is pivoted)."""
    from dgpe.io import read_table

    try:
        cols = read_table(plan.config.data.indicators, **plan.config.data.read_options()).columns
    except DgpeError:
        return False
    return not {"indicator", "value"} <= set(cols)


def _group_notes(plan: Any, file: str) -> list[Problem]:
    panel: pd.DataFrame = plan.panel
    ranked = panel if plan.year is None or "year" not in panel else panel[panel["year"] == plan.year]
    wide = _wide_rows(plan)
    notes: list[Problem] = []
    for g in plan.groups:
        for i, row in ranked[ranked[g].isna()].iterrows():
            unit = f"unit {row['unit_id']}" + (f", year {row['year']}" if "year" in row else "")
            where = f"row {int(i) + 2}, column {g}" if wide else f"{unit}, column {g}"
            notes.append(Problem(file, where, f"no {g} for {unit}: the unit is left out of the peer "
                                              f"comparison by {g} ({PEERS_NOTEBOOK})"))
        values = ranked[g].dropna()
        n_groups, n_units = values.nunique(), len(values)
        if n_units >= 4 and n_groups > n_units / 2:
            numeric = pd.to_numeric(values, errors="coerce").notna().all()
            kind = "numbers (auxiliary data such as GDP or population?)" if numeric else "labels"
            notes.append(Problem(file, f"column {g}", f"{n_groups} groups for {n_units} units: nearly "
                                                      f"every unit is its own peer group; the column holds {kind}, "
                                                      "not peer groups; leave it out of groups"))
    return notes


def _year_notes(plan: Any, file: str) -> list[Problem]:
    panel: pd.DataFrame = plan.panel
    if plan.year is not None:
        panel = panel[panel["year"] <= plan.year]
    counts = panel.groupby("year")[list(plan.framework.indicator_codes)].count()
    return [
        Problem(file, f"column {c}, year {y}", "no value in this year: the indicator is left out of the "
                                               f"comparability check of the years ({YEARS_NOTEBOOK})")
        for c in counts.columns for y in counts.index[counts[c].eq(0)]
    ]

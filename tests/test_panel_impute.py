"""The run config's ``panel_impute``: missing cells of the assessed year filled from the unit's
other years before the build (the audit still sees the data as delivered)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgpe.errors import ConfigError
from dgpe.session import open_run

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"


def _run(*overrides: str):
    return open_run(CONFIG, notebook="test", overrides=list(overrides))


def test_latest_fills_from_the_previous_year_only():
    run = _run("panel_impute.method=latest", "panel_impute.max_time=1")
    plain = _run()
    pd.testing.assert_frame_equal(run.X, plain.X)  # the delivered data are untouched
    assert plain.panel_imputation is None and plain.X_input is plain.X
    prev = run.X_year(run.year - 1)
    before, after = run.X.isna(), run.X_input.isna()
    filled = before & ~after
    assert filled.to_numpy().sum() > 0 and not (after & ~before).to_numpy().any()
    for unit, ind in filled.stack()[lambda s: s].index:  # every filled cell is last year's value
        assert run.X_input.loc[unit, ind] == prev.loc[unit, ind]
    # what stays missing had no value the year before (max_time = 1)
    for unit, ind in after.stack()[lambda s: s].index:
        assert np.isnan(prev.loc[unit, ind])
    listed = run.panel_imputation.filled
    assert len(listed[listed["year"] == run.year]) == int(filled.to_numpy().sum())
    assert run.data[run.framework.indicator_codes].equals(run.X_input)
    assert run.built().scores.notna().all().all()


def test_linear_interpolates_a_middle_year():
    run = _run("year=2024", "panel_impute.method=linear")
    listed = run.panel_imputation.filled
    mid = listed[listed["year"] == 2024]
    later = run.X_year(2025)
    has_2025 = [not np.isnan(later.loc[u, i]) for u, i in zip(mid["unit"], mid["indicator"], strict=True)]
    assert mid["uses_later"].tolist() == has_2025  # interpolation towards 2025 uses it
    a, b = run.X_year(2023), run.X_year(2025)
    filled = (run.X.isna() & ~run.X_input.isna()).stack()[lambda s: s].index
    both = [(u, i) for u, i in filled if not np.isnan(a.loc[u, i]) and not np.isnan(b.loc[u, i])]
    assert both, "the example data have cells missing in 2024 and observed in 2023 and 2025"
    for unit, ind in both:  # equally spaced years: the midpoint
        want = (a.loc[unit, ind] + b.loc[unit, ind]) / 2
        assert run.X_input.loc[unit, ind] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("override,needle", [
    (["panel_impute.method=nearest"], "field panel_impute.method"),
    (["panel_impute.method=linear", "panel_impute.max_time=2"], "max_time applies to method 'latest' only"),
    (["panel_impute.method=latest", "panel_impute.max_time=0"], "field panel_impute.max_time"),
    (["panel_impute.window=3"], "field panel_impute"),
])
def test_bad_panel_impute_is_named(override, needle):
    with pytest.raises(ConfigError) as info:
        _run(*override)
    assert needle in str(info.value)


def test_panel_impute_needs_years(tmp_path):
    one = pd.read_csv(ROOT / "data" / "example" / "indicators.csv", encoding="utf-8")
    one = one[one["year"] == 2025].drop(columns="year")
    one.to_csv(tmp_path / "one_year.csv", index=False, encoding="utf-8")
    cfg = tmp_path / "one.yaml"
    cfg.write_text(
        f"framework: {ROOT / 'data' / 'framework.yaml'}\n"
        f"data: {{indicators: {tmp_path / 'one_year.csv'}}}\n"
        "panel_impute: {method: latest}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="field panel_impute: needs several years of data; one_year.csv has no year column"):
        open_run(cfg, notebook="test")


@pytest.mark.slow
def test_audit_notebook_lists_the_filled_cells(tmp_path):
    import datetime as dt

    from dgpe.runner import run_report

    run_report(CONFIG, ["notebooks=[00_data_audit]", "panel_impute={method: latest, max_time: 1}"],
               reports_dir=tmp_path, date=dt.date(2030, 1, 3), progress=False)
    table = pd.read_csv(next(tmp_path.glob("*/tables/00_data_audit__panel_filled.csv")), index_col=0)
    run = _run("panel_impute.method=latest", "panel_impute.max_time=1")
    filled = run.X.isna() & ~run.X_input.isna()
    missing_any = run.X.columns[run.X.isna().any()]
    assert list(table.index) == list(missing_any)  # every indicator with a missing cell
    assert table["filled"].to_dict() == {k: int(v) for k, v in filled.sum()[missing_any].items()}
    assert (table["still_missing"] == run.X_input[table.index].isna().sum()).all()
    assert (table["from_later_years"] == 0).all()  # latest looks back only

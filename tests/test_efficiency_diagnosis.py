"""Notebook 06's sections (dgpe.sections.efficiency) without notebooks: DEA against the index, the
flags against the example generator's truth (precision and recall of the input-heavy units),
Malmquist, obstacle degrees (also on the unit cards of 05), GM(1,1) targets on the EGDI editions,
the options refused when invalid, and a framework without indicator kinds."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from dgpe.catalogue import check_options
from dgpe.errors import ConfigError
from dgpe.sections import efficiency as ef
from dgpe.sections import index as ix
from dgpe.session import open_run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "configs" / "default.yaml")
EGDI = str(ROOT / "configs" / "egdi.yaml")
TRUTH = ROOT / "data" / "example" / "truth" / "units.csv"
NO_SENS = ("sensitivity={}",)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@functools.cache
def run_of(config: str, overrides: tuple[str, ...] = ()):
    return open_run(config, notebook="t", overrides=[*NO_SENS, *overrides])


@functools.cache
def section(config: str, overrides: tuple[str, ...], name: str):
    sec = getattr(ef, name)(run_of(config, overrides))
    plt.close("all")
    return sec


def precision_recall() -> tuple[float, float, int, int]:
    """Precision and recall of the flagged heavy-input units against the generator's truth."""
    table = section(DEFAULT, (), "scores").get_table("efficiency")
    truth = pd.read_csv(TRUTH).set_index("unit_id")["input_heavy"].astype(bool).reindex(table.index)
    flagged = table["input_heavy"].astype(bool)
    hits = int((flagged & truth).sum())
    return hits / max(int(flagged.sum()), 1), hits / int(truth.sum()), int(flagged.sum()), int(truth.sum())


def test_the_input_heavy_units_of_the_example_are_found():
    """The generator's input-heavy units (availability up, use down) are flagged as 重投入轻产出 far
    above the base rate: 2025, BCC output-oriented on the dimension means, thirds."""
    precision, recall, n_flagged, n_true = precision_recall()
    print(f"\nflagged {n_flagged}, truly input-heavy {n_true}: precision {precision:.3f}, recall {recall:.3f}")
    base_rate = n_true / 150
    assert precision >= 0.5 and precision >= 3 * base_rate
    assert recall >= 0.45


def test_dea_variables_per_dimension_satisfy_the_rule_of_thumb():
    sec = section(DEFAULT, (), "variables")
    definition = sec.get_table("dea_variables")
    assert list(definition.index) == ["in_A", "out_A", "in_B", "out_B", "in_C", "out_C", "out_D"]
    data = ef.dea_data(run_of(DEFAULT))
    assert data.inputs.shape == (150, 3) and data.outputs.shape == (150, 4) and data.rule_of_thumb == 21
    both = data.inputs.join(data.outputs)
    assert both.min().min() >= 1.0 and both.max().max() <= 100.0
    # each variable is 1 + 0.99 × the mean normalised score of its indicators
    graded = ef.graded_indicators(run_of(DEFAULT))[0]
    codes = definition.loc["out_B", "indicators"].split(", ")
    assert np.allclose(data.outputs["out_B"], 1 + 0.99 * graded[codes].mean(axis=1))
    assert [f.key for f in sec.findings] == ["efficiency.variables_dimension"]


def test_indicator_level_dea_warns_that_the_units_are_too_few():
    sec = section(DEFAULT, ("options.efficiency.variables=indicator",), "variables")
    assert [f.key for f in sec.findings] == ["efficiency.too_few_units"]
    assert sec.get_result("dea_rule_of_thumb") == 13 * 29  # m·s > 3(m + s)


def test_scores_name_the_flagged_units_and_agree_with_the_methods():
    from methods.efficiency import dea

    run = run_of(DEFAULT)
    sec = section(DEFAULT, (), "scores")
    table = sec.get_table("efficiency")
    data = ef.dea_data(run)
    direct = dea(data.inputs, data.outputs, model="bcc", orientation="output").efficiency
    assert np.allclose(table["efficiency"], direct.reindex(table.index), atol=1e-6)
    assert sec.get_result("n_efficient") == int((direct >= 1 - 1e-6).sum())
    assert table["scale_efficiency"].le(1 + 1e-9).all()
    keys = [f.key for f in sec.findings]
    assert keys[:2] == ["efficiency.scores", "efficiency.rank_agreement"]
    for key in ("input_heavy", "index_propped", "frugal"):
        units = sec.get_result(key)
        assert units == [str(u) for u in table.index[table[key]]]
        finding = next(f for f in sec.findings if f.key in (f"efficiency.{key}", f"efficiency.{key}_none"))
        for lang in ("zh", "en"):
            for u in units[: ef.N_NAMED]:
                assert str(run.units.loc[u, "unit_name"]) in finding(lang), (key, u)
    flags = sec.get_table("efficiency_flags")
    assert set(flags.index) == set(table.index[table[["input_heavy", "index_propped", "frugal"]].any(axis=1)])
    assert sec.get_result("efficiency_spearman") == pytest.approx(
        table["efficiency"].corr(table["index_score"], method="spearman"), abs=1e-6)


def test_flag_rule_thirds():
    e = pd.Series(np.linspace(1, 0.1, 9), index=list("abcdefghi"))
    idx = pd.Series(np.arange(9.0), index=e.index)  # i best in the index
    level = pd.Series(np.arange(9.0), index=e.index)  # i spends most
    flags = ef.flag_units(e, idx, level, 1 / 3)
    assert list(flags.index[flags["input_heavy"]]) == ["g", "h", "i"]
    assert list(flags.index[flags["index_propped"]]) == ["g", "h", "i"]
    assert list(flags.index[flags["frugal"]]) == ["a", "b", "c"]


def test_ccr_input_orientation_is_an_option():
    sec = section(DEFAULT, ("options.efficiency.model=ccr", "options.efficiency.orientation=input"), "scores")
    assert "CCR" in sec.findings[0]("en") and "input-oriented" in sec.findings[0]("en")


def test_malmquist_over_the_years_on_fixed_goalposts():
    sec = section(DEFAULT, (), "malmquist")
    table = sec.get_table("malmquist")
    assert len(table) == 150 * 2 and set(zip(table["year_from"], table["year_to"], strict=True)) == {(2023, 2024), (2024, 2025)}
    assert np.allclose(table["tfpch"], table["effch"] * table["techch"], rtol=1e-6)
    means = sec.get_table("malmquist_means")
    assert means["tfpch"].iloc[-1] == pytest.approx(sec.get_result("tfpch_last"), abs=1e-6)
    assert "2024→2025" in sec.findings[0]("zh")


def test_obstacles_per_unit_and_on_the_cards_of_05():
    run = run_of(DEFAULT)
    sec = section(DEFAULT, (), "obstacles")
    per = sec.get_table("obstacle_indicator")
    assert np.allclose(per.sum(axis=1), 1.0)
    top = sec.get_table("obstacle_top")
    assert top.groupby("unit").size().eq(3).all() and top["unit"].nunique() == 150
    dims = sec.get_table("obstacle_dimension")
    assert list(dims.columns) == ["A", "B", "C", "D"] and np.allclose(dims.sum(axis=1), 1.0)
    cards = ix.cards(run).get_table("unit_cards")
    plt.close("all")
    for u, text in cards["obstacles"].items():
        first = top[(top["unit"] == u) & (top["rank"] == 1)]["indicator"].iloc[0]
        assert text.startswith("主要障碍") and first in text
    five = section(DEFAULT, ("options.efficiency.top_obstacles=5",), "obstacles").get_table("obstacle_top")
    assert five.groupby("unit").size().eq(5).all()


def test_forecasts_skipped_on_three_years_with_the_reason():
    sec = section(DEFAULT, (), "forecasts")
    assert sec.skipped is not None and sec.skipped.key == "efficiency.skipped_few_years_forecast"
    assert "3" in sec.skipped("en") and "4" in sec.skipped("en")


def test_forecasts_on_the_egdi_editions():
    from methods.forecast import gm11

    run = run_of(EGDI)
    sec = section(EGDI, (), "forecasts")
    assert sec.skipped is None
    keys = [f.key for f in sec.findings]
    assert keys == ["efficiency.forecast_uneven", "efficiency.rescaled_levels", "efficiency.forecast"]  # no 2020
    table = sec.get_table("gm11_targets")
    assert set(table["indicator"]) == {"OSI", "TII", "HCI"} and table["target"].between(0, 1).all()
    row = table[(table["unit"] == "ALB") & (table["indicator"] == "OSI")].iloc[0]
    series = run.panel[run.panel["unit_id"] == "ALB"].set_index("year")["OSI"].astype(float)
    fit = gm11(series.reset_index(drop=True))
    assert row["forecast"] == pytest.approx(float(fit.forecast.iloc[-1]), rel=1e-9)
    assert row["last"] == pytest.approx(series.iloc[-1])


def test_egdi_dea_runs_on_its_component_tags():
    """The EGDI framework tags TII and HCI as inputs and OSI as the output (data/real/egdi)."""
    sec = section(EGDI, (), "scores")
    assert sec.skipped is None and len(sec.get_table("efficiency")) == 193


@pytest.mark.parametrize(("field", "value"), [
    ("model", "sbm_like"), ("orientation", "both"), ("variables", "items"),
    ("top_obstacles", 0), ("top_obstacles", "three"), ("forecast_min_years", 3), ("forecast_min_years", 4.5),
])
def test_invalid_options_are_refused_before_any_notebook(field, value):
    problems = check_options({"efficiency": {field: value}})
    assert problems and problems[0][0] == f"options.efficiency.{field}"
    with pytest.raises(ConfigError, match=re.escape(f"options.efficiency.{field}")):
        open_run(DEFAULT, notebook="t", overrides=[*NO_SENS, f"options.efficiency.{field}={value}"])


def test_valid_options_pass():
    assert check_options({"efficiency": {"model": "ccr", "orientation": "input", "variables": "indicator",
                                         "top_obstacles": 5, "forecast_min_years": 6}}) == []


@pytest.fixture(scope="module")
def untagged(tmp_path_factory) -> str:
    """The default run on a copy of the framework without its ``kind:`` tags."""
    folder = tmp_path_factory.mktemp("untagged")
    text = (ROOT / "data" / "framework.yaml").read_text(encoding="utf-8")
    (folder / "framework.yaml").write_text(re.sub(r"(?m)^\s*kind:.*\n|,?\s*kind: \w+", "", text), encoding="utf-8")
    config = (ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
    config = config.replace("../data/", f"{(ROOT / 'data').as_posix()}/").replace(
        f"{(ROOT / 'data').as_posix()}/framework.yaml", (folder / "framework.yaml").as_posix())
    (folder / "run.yaml").write_text(config, encoding="utf-8")
    return str(folder / "run.yaml")


def test_a_framework_without_kinds_skips_dea_with_the_reason(untagged):
    run = run_of(untagged)
    assert run.meta["kind"].isna().all()
    assert not run.plan.has("efficiency") and not run.plan.has("malmquist")
    for name in ("variables", "scores", "malmquist"):
        sec = section(untagged, (), name)
        assert sec.skipped is not None and sec.skipped.key == "efficiency.skipped_no_io", name
        assert "kind" in sec.skipped("en") and sec.skipped("zh")
    assert section(untagged, (), "obstacles").skipped is None  # needs the index only


def test_malmquist_needs_two_years_up_to_the_ranked_one():
    run = run_of(DEFAULT, ("year=2023",))
    assert run.plan.has("efficiency") and not run.plan.has("malmquist")
    sec = ef.malmquist(run)
    assert sec.skipped is not None and sec.skipped.key == "plan.skipped_one_year"


def test_gaps_left_by_the_build_skip_dea_and_obstacles_with_the_reason():
    run = run_of(DEFAULT, ("build.impute=null",))
    for name in ("scores", "obstacles"):
        sec = section(DEFAULT, ("build.impute=null",), name)
        assert sec.skipped is not None and sec.skipped.key == "efficiency.skipped_incomplete", name
    cards = ix.cards(run).get_table("unit_cards")
    plt.close("all")
    assert (cards["obstacles"] == "").all()


def test_zscore_builds_use_a_min_max_variant():
    sec = section(DEFAULT, ("build.normalise={method: zscore}", "bands=null"), "scores")
    assert sec.skipped is None and sec.get_table("efficiency")["efficiency"].between(0, 1).all()


def test_egdi_levels_rescaled_each_edition_are_flagged_in_malmquist_and_targets():
    for name in ("malmquist", "forecasts"):
        keys = [f.key for f in section(EGDI, (), name).findings]
        assert "efficiency.rescaled_levels" in keys, name
    assert "efficiency.rescaled_levels" not in [f.key for f in section(DEFAULT, (), "malmquist").findings]


# -- the reviewer's fixes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def negative_input(tmp_path_factory) -> str:
    """The default run on a copy of the framework where input A1.1 has a negative direction."""
    folder = tmp_path_factory.mktemp("negative_input")
    text = (ROOT / "data" / "framework.yaml").read_text(encoding="utf-8")
    text, n = re.subn(r"(- code: A1\.1\n(?:\s+(?!direction)\w+:.*\n)*?\s+direction: )positive", r"\1negative", text)
    assert n == 1
    (folder / "framework.yaml").write_text(text, encoding="utf-8")
    config = (ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
    config = config.replace("../data/", f"{(ROOT / 'data').as_posix()}/").replace(
        f"{(ROOT / 'data').as_posix()}/framework.yaml", (folder / "framework.yaml").as_posix())
    (folder / "run.yaml").write_text(config, encoding="utf-8")
    return str(folder / "run.yaml")


def test_an_input_of_negative_direction_enters_dea_as_its_level(negative_input):
    """DEA's input is the amount used: the oriented score (higher = less input) is turned back."""
    run = run_of(negative_input)
    assert ef.reversed_inputs(run, list(run.framework.indicator_codes)) == ["A1.1"]
    graded = ef.graded_indicators(run)[0]
    data = ef.dea_data(run)
    codes = data.definition.loc["in_A", "indicators"].split(", ")
    level = graded[codes].assign(**{"A1.1": 100 - graded["A1.1"]}).mean(axis=1)
    assert np.allclose(data.inputs["in_A"], 1 + 0.99 * level)
    # the level rises with the raw value, as an amount of input must
    assert run.prepared["A1.1"].reindex(graded.index).corr(100 - graded["A1.1"], method="spearman") > 0.999
    assert np.allclose(data.outputs, ef.dea_data(run_of(DEFAULT)).outputs)  # outputs untouched
    sec = section(negative_input, (), "variables")
    assert [f.key for f in sec.findings][-1] == "efficiency.inputs_reversed" and "A1.1" in sec.findings[-1]("zh")
    assert "efficiency.inputs_reversed" not in [f.key for f in section(DEFAULT, (), "variables").findings]


@pytest.mark.parametrize("normalise", ["{method: zscore}", "{method: minmax, range: [0, 1]}"])
def test_malmquist_variables_are_on_0_100_whatever_the_normalisation(normalise):
    """Each year is mapped onto 0–100 from its (fixed-goalpost) scale: the same frontier, so the
    same Malmquist table as the default min-max 0–100 build."""
    overrides = (f"build.normalise={normalise}", "bands=null")
    sec = section(DEFAULT, overrides, "malmquist")
    assert sec.skipped is None
    base = section(DEFAULT, (), "malmquist").get_table("malmquist")
    table = sec.get_table("malmquist")
    num = ["tfpch", "effch", "techch"]
    assert np.allclose(table[num].to_numpy(float), base[num].to_numpy(float), rtol=1e-6)
    graded = ef.graded_years(run_of(DEFAULT, overrides), run_of(DEFAULT, overrides).plan.build_years())
    assert graded is not None and all(x.min().min() >= -1e-9 and x.max().max() <= 100 + 1e-9 for x in graded.values())


def test_an_undefined_rank_correlation_has_its_own_finding():
    key, params = ef.rank_agreement(float("nan"), 150, 150)
    assert key == "efficiency.rank_agreement_undefined"
    text = ef.message_text(key, **params)
    assert "undefined" in text("en") and "150" in text("zh")
    assert ef.rank_agreement(0.1, 3, 150)[1]["meaning"].en.startswith("a unit's place")
    assert ef.rank_agreement(-0.2, 3, 150)[1]["meaning"].en.startswith("the units high in the index tend")


def test_malmquist_means_count_the_units_used_and_the_infeasible():
    table = pd.DataFrame({"year_from": [1] * 4 + [2] * 2, "year_to": [2] * 4 + [3] * 2,
                          "tfpch": [2.0, 0.5, np.nan, 4.0, 1.5, 1.5], "effch": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
                          "techch": [2.0, 0.5, np.nan, 4.0, 1.5, 1.5]})
    table.loc[3, "effch"] = 0.0  # a zero part is not usable either
    means = ef.malmquist_summary(table)
    assert means["n_units"].tolist() == [2, 2] and means["n_infeasible"].tolist() == [1 + 1, 0]
    assert means["tfpch"].iloc[0] == pytest.approx(1.0) and means["n_up"].tolist() == [1, 2]
    default = section(DEFAULT, (), "malmquist").get_table("malmquist_means")
    assert default["n_infeasible"].eq(0).all() and default["n_units"].eq(150).all()


@pytest.mark.parametrize("value", [0.6, 0, -0.1])
def test_the_tercile_is_bounded(value):
    problems = check_options({"efficiency": {"tercile": value}})
    assert problems and problems[0][0] == "options.efficiency.tercile" and "≤ 0.5" in problems[0][1]


def test_tercile_bounds_allow_a_half():
    assert check_options({"efficiency": {"tercile": 0.5}}) == []
    assert check_options({"efficiency": {"tercile": 0.25}}) == []


def test_lists_in_chinese_findings_use_the_enumeration_comma():
    sec = section(EGDI, (), "malmquist")
    finding = next(f for f in sec.findings if f.key == "efficiency.rescaled_levels")
    assert "、" in finding("zh") and ", " not in finding("zh") and ", " in finding("en")


def test_sbm_is_an_option_without_scale_efficiency():
    """Tone's SBM (non-oriented, CRS) agrees with the method; scale efficiency is skipped with the reason."""
    from methods.efficiency import dea

    overrides = ("options.efficiency.model=sbm",)
    sec = section(DEFAULT, overrides, "scores")
    assert sec.skipped is None
    keys = [f.key for f in sec.findings]
    assert keys[:2] == ["efficiency.scores_no_scale", "efficiency.scale_not_sbm"]
    assert "SBM" in sec.findings[0]("en") and "non-oriented" in sec.findings[0]("en") and "非导向" in sec.findings[0]("zh")
    table = sec.get_table("efficiency")
    assert "scale_efficiency" not in table.columns
    data = ef.dea_data(run_of(DEFAULT, overrides))
    expected = dea(data.inputs, data.outputs, model="sbm").efficiency.round(6)
    assert np.allclose(table["efficiency"].sort_index(), expected.sort_index(), atol=1e-9)
    assert table["efficiency"].between(0, 1).all()
    assert check_options({"efficiency": {"model": "sbm"}}) == []

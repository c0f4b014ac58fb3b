"""GM(1,1) grey forecasts (methods.forecast.gm11) against an independent implementation.

Reference values (``tests/reference/gm11/``, see the README there): the R package mathmodels
0.0.11 (张敬信), ``GM11()``, and the Python package greytheory 2.0.5, ``GreyGM11``, for a, b, the
fitted values and the forecasts (greytheory also for the mean relative error); the accuracy tests
(C, P, grade, relative errors), which ``GM11()`` does not compute, from a second computation
written in R from the textbook formulas in the same script. Seven series: the road-noise series of
司守奎's 《数学建模算法与应用》, 刘思峰's five-point series, GM11()'s help example, rising and
falling series, and two that fail the class-ratio test. At the end, published worked examples
with their printed numbers, compared at the printed precision (sources in each test).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError
from methods.forecast import GM11Result, gm11, gm11_targets

REF = Path(__file__).parent / "reference" / "gm11"
TOL = 1e-9  # closed form (relative for the level quantities)


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "gm11_mathmodels.json").read_text(encoding="utf-8"))["cases"]


CASES = ["noise_si", "liu", "mathmodels_doc", "pollution", "falling", "four", "volatile"]


def _rel(actual, expected, what: str, tol: float = TOL) -> None:
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    dev = np.max(np.abs(a - e) / np.maximum(np.abs(e), 1.0))
    assert dev <= tol, f"{what}: max relative deviation {dev:.3g} > {tol}"


@pytest.mark.parametrize("name", CASES)
def test_matches_mathmodels(ref, name):
    c = ref[name]
    res = gm11(c["x"], horizon=3)
    _rel(res.a, c["a"], f"{name}: a")
    _rel(res.b, c["b"], f"{name}: b")
    _rel(res.fitted, c["fitted"], f"{name}: fitted")
    _rel(res.forecast, c["forecast"], f"{name}: forecast")
    _rel(res.class_ratios, c["mathmodels_lambda"], f"{name}: class ratios")


@pytest.mark.parametrize("name", CASES)
def test_matches_greytheory(name):
    c = json.loads((REF / "gm11_greytheory.json").read_text(encoding="utf-8"))["cases"][name]
    res = gm11(c["x"], horizon=3)
    _rel(res.a, c["a"], f"{name}: a")
    _rel(res.b, c["b"], f"{name}: b")
    _rel(res.fitted.iloc[1:], c["fitted_2_to_n"], f"{name}: fitted")
    _rel(res.forecast, c["forecast"], f"{name}: forecast")
    _rel(res.mean_relative_error, c["mape"], f"{name}: mean relative error (MAPE)")


@pytest.mark.parametrize("name", CASES)
def test_accuracy_tests_match_the_r_computation(ref, name):
    c = ref[name]
    res = gm11(c["x"])
    _rel(res.residuals, c["residuals"], f"{name}: residuals")
    _rel(res.relative_errors, c["relative_errors"], f"{name}: relative errors")
    _rel(res.mean_relative_error, c["mean_relative_error"], f"{name}: mean relative error")
    _rel(res.C, c["C"], f"{name}: C")
    assert res.P == pytest.approx(c["P"], abs=1e-12), f"{name}: P"
    assert res.grade == c["grade"], f"{name}: grade"
    _rel(res.ratio_bounds, c["bounds"], f"{name}: class-ratio bounds")
    assert res.applicable == c["applicable"], f"{name}: applicable"
    # mathmodels' own verdict uses the symmetric range exp(+-2/(n+1)); it agrees on these series
    assert ("passed" in c["mathmodels_verdict"]) == res.applicable


def test_shift_makes_the_series_applicable(ref):
    for name in ("four", "volatile"):
        x = np.asarray(ref[name]["x"], dtype=float)
        res = gm11(x)
        assert not res.applicable and res.shift > 0
        assert gm11(x + res.shift * 1.0001 + 1e-9).applicable, name
        assert not gm11(x + res.shift * 0.999).applicable, name
        assert f"{res.shift:.6g}" in res.summary().as_text()
    assert gm11(ref["noise_si"]["x"]).shift == 0.0


def test_index_and_result_shape():
    s = pd.Series([50.0, 53, 57, 60, 64], index=[2019, 2020, 2021, 2022, 2023])
    res = gm11(s, horizon=2)
    assert isinstance(res, GM11Result)
    assert list(res.fitted.index) == [2019, 2020, 2021, 2022, 2023]
    assert list(res.forecast.index) == [2024, 2025]
    frame = res.to_frame()
    assert list(frame.index) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert frame.loc[2023, "observed"] == pytest.approx(64.0)
    assert res.grade_label == "好 good"
    assert gm11([1.0, 2, 3, 4], horizon=0).forecast.empty
    text = res.summary().as_text()
    assert "C = " in text and "class-ratio test passed" in text


def test_refusals():
    with pytest.raises(MethodError, match="at least 4 observations, got 3"):
        gm11([1.0, 2.0, 3.0])
    with pytest.raises(MethodError, match=r"period 3 is 0 \(1 such value"):
        gm11([1.0, 2.0, 0.0, 4.0])
    with pytest.raises(MethodError, match=r"period 2022 is nan"):
        gm11(pd.Series([1.0, 2.0, np.nan, 4.0], index=[2020, 2021, 2022, 2023]))
    with pytest.raises(MethodError, match="period 1 is -1 "):
        gm11([-1.0, 2.0, 3.0, 4.0])
    with pytest.raises(MethodError, match="horizon must be a non-negative integer"):
        gm11([1.0, 2.0, 3.0, 4.0], horizon=-1)
    with pytest.raises(MethodTypeError, match="sequence of numbers"):
        gm11("1234")  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="one-dimensional"):
        gm11(np.ones((4, 2)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    years = [2016, 2018, 2020, 2022, 2024]
    return pd.DataFrame({
        "A": [50.0, 53, 57, 60, 64],
        "B": [np.nan, np.nan, 10, 12, 13],       # 3 years: too few
        "C": [8.0, 8.4, 8.7, 9.5, np.nan],       # no value in the last year
        "D": [np.nan, 3.0, 3.3, 3.1, 3.6],       # 4 years: fitted
        "E": [5.0, 0.0, 6.0, 7.0, 8.0],          # a value <= 0 in its run
        "F": [2.0, np.nan, 6.0, 7.0, 8.0],       # gap: its run is 3 years
    }, index=years)


def test_targets_equal_gm11_per_unit(wide):
    res = gm11_targets(wide)
    assert list(res.targets.index) == ["A", "D"]
    for unit in ("A", "D"):
        s = wide[unit].dropna()
        one = gm11(s)
        t = res.targets.loc[unit]
        assert t["year"] == 2026 and t["n"] == len(s)
        for k in ("a", "b", "C", "P", "mean_relative_error"):
            assert t[k] == pytest.approx(getattr(one, k), rel=1e-12, abs=1e-15), (unit, k)
        assert t["forecast"] == pytest.approx(one.forecast.iloc[0], rel=1e-12)
        assert t["grade"] == one.grade and t["applicable"] == one.applicable
    reasons = res.skipped.to_dict()
    assert set(reasons) == {"B", "C", "E", "F"}
    assert reasons["B"] == "3 consecutive years up to 2024, fewer than min_years = 4"
    assert reasons["C"] == "no value in the last year 2024"
    assert "≤ 0" in reasons["E"] and reasons["F"].startswith("3 consecutive years")
    # two steps ahead and a stricter minimum
    two = gm11_targets(wide, horizon=2, min_years=5)
    assert list(two.targets.index) == ["A"] and two.targets.loc["A", "year"] == 2028
    assert two.targets.loc["A", "forecast"] == pytest.approx(
        gm11(wide["A"], horizon=2).forecast.iloc[-1], rel=1e-12)
    assert "4 consecutive years" in two.skipped["D"]
    assert "2 units fitted, 4 skipped" in res.summary().as_text()


def test_targets_long_format_and_refusals(wide):
    long = wide.rename_axis("year").reset_index().melt(id_vars="year", var_name="unit",
                                                       value_name="value").dropna()
    res = gm11_targets(long)
    pd.testing.assert_frame_equal(res.targets, gm11_targets(wide).targets, check_names=False)
    with pytest.raises(MethodError, match="not equally spaced"):
        gm11_targets(wide.rename(index={2024: 2025}))
    with pytest.raises(MethodError, match="more than one value for unit/year"):
        gm11_targets(pd.concat([long, long.iloc[:1]]))
    with pytest.raises(MethodError, match="min_years must be an integer ≥ 4"):
        gm11_targets(wide, min_years=3)
    with pytest.raises(MethodError, match="horizon must be ≥ 1"):
        gm11_targets(wide, horizon=0)
    with pytest.raises(MethodTypeError, match="DataFrame"):
        gm11_targets(wide.to_numpy())  # type: ignore[arg-type]
    empty = gm11_targets(wide[["B", "C"]])
    assert empty.targets.empty and len(empty.skipped) == 2


def test_targets_vectorised_across_units():
    """2,844 units x 6 years in one call, and the same numbers as one gm11 per unit (its speed:
    benchmarks/bench_gm11.py)."""
    rng = np.random.default_rng(1)
    n_units, years = 2844, list(range(2019, 2025))
    base = rng.uniform(20, 80, n_units)[None, :]
    growth = rng.uniform(0.97, 1.08, n_units)[None, :]
    vals = base * growth ** np.arange(6)[:, None] * rng.uniform(0.97, 1.03, (6, n_units))
    panel = pd.DataFrame(vals, index=years, columns=[f"u{i:04d}" for i in range(n_units)])
    res = gm11_targets(panel)
    assert len(res.targets) == n_units and res.skipped.empty
    loop = [gm11(panel[u]).forecast.iloc[0] for u in panel.columns[:200]]
    np.testing.assert_allclose(res.targets["forecast"].iloc[:200], loop, rtol=1e-12)
    # the speed against the per-unit loop is measured in benchmarks/bench_gm11.py


# --- Published worked examples with their printed numbers -----------------------------------
# Each check compares at the printed precision: within half a unit in the last printed digit.

def _printed(got: float, text: str, what: str) -> None:
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(got - float(text)) <= 0.5 * 10.0 ** -decimals, f"{what}: {got!r} vs printed {text}"


def test_published_shipping_capacity_example():
    """《国际干散货航运市场船舶运力的预测以及浅析》, as summarised with its table 2 on
    https://mtoou.info/tubiao/992967.html: the 1-AGO series X(1) (17 values) is printed, hence
    x(0) by differencing; printed a = −0.0749, b = 2.5948 and P = 1.

    The page also prints C = Se/Sc = 0.209574 with Se = 0.04006 and a garbled Sc ("1.9_115"):
    Se/Sc cannot give 0.2096 with Sc ≈ 1.9, and no divisor or residual range reproduces it (dgpe:
    C = 0.1999 with residuals k = 1..n, 0.2060 with k = 2..n), so the printed C is not used.
    """
    x1 = [2.86, 5.80, 8.81, 12.02, 15.46, 19.13, 23.05, 27.24, 31.86, 37.27, 43.48, 50.35,
          57.62, 65.20, 72.97, 80.91, 89.08]
    x0 = np.diff(np.r_[0.0, x1])
    res = gm11(list(x0))
    _printed(res.a, "-0.0749", "a")
    _printed(res.b, "2.5948", "b")
    assert res.P == 1.0


def test_published_profit_example():
    """Teaching text 《解释灰色系统预测是什么并举例》, https://xueke.org/wenku/42327_8.html (page 8,
    the accuracy tests of a four-year series): printed mean 31151.5, S1² = 9313116.25,
    S1 = 3051.74, 0.6745 S1 = 2058.40, the mean residual 19, |e(k) − ē| = 19, 25, 56, 12,
    S2 = 32.66, C = 0.011, P = 1, mean relative error 0.068 % and the last relative error 0.02 %.

    The series itself is on an earlier page that the search store does not hold; it is
    (27260, 29547, 32411, 35388), which reproduces the printed mean and S1² exactly and the
    grey-relational sum 11502 = Σ_{k=2}^{3}(x(k) − x(1)) + ½(x(4) − x(1)) printed beside them;
    those are checked first. Conventions of the source: divisor n (as dgpe); the mean relative
    error averages over k = 1..4 including Δ(1) = 0 (dgpe averages over k = 2..n, so the source's
    value is dgpe's × (n − 1)/n); S2 squares the deviations |e(k) − ē| after rounding them to
    whole numbers (dgpe does not round: S2 = 32.59, the same C = 0.011 to the printed digits).
    """
    x = np.array([27260.0, 29547, 32411, 35388])
    assert x.mean() == 31151.5 and x.var() == 9313116.25  # the source's printed x̄ and S1²
    assert (x[1:3] - x[0]).sum() + 0.5 * (x[3] - x[0]) == 11502
    res = gm11(list(x))
    n = len(x)
    s1 = float(x.std())
    _printed(s1, "3051.74", "S1")
    _printed(0.6745 * s1, "2058.40", "0.6745 S1")
    e = res.residuals.to_numpy()
    _printed(e.mean(), "19", "mean residual")
    dev = np.abs(e - e.mean())
    for got, text in zip(dev, ["19", "25", "56", "12"], strict=True):
        _printed(got, text, "|e(k) - mean e|")
    _printed(float(np.sqrt(np.mean(np.round(dev) ** 2))), "32.66", "S2 (source: rounded deviations)")
    _printed(res.C, "0.011", "C")
    assert res.P == 1.0 and res.grade == 1
    _printed(res.mean_relative_error * (n - 1) / n, "0.00068", "mean relative error over k = 1..4")
    _printed(res.relative_errors.iloc[-1], "0.0002", "relative error k = 4")


def test_published_noise_example_class_ratios():
    """司守奎 & 孙玺菁《数学建模算法与应用》, the road-traffic noise example (1986–1992, table 6), as
    reproduced in the course slides "2015 数学建模_灰色预测模型" (book118,
    https://mdjjksjc.com/html/2016/0519/43319863.shtm): printed class ratios
    λ(k) = (0.982, 1, 1.0042, 1.0098, 0.9917, 1.0056), all inside the admissible range, so the
    series is fit for GM(1,1)."""
    res = gm11([71.1, 72.4, 72.4, 72.1, 71.4, 72.0, 71.6])
    for got, text in zip(res.class_ratios, ["0.982", "1", "1.0042", "1.0098", "0.9917", "1.0056"],
                         strict=True):
        _printed(got, text, "class ratio")
    assert res.class_ratios.iloc[1] == 1.0  # printed "1": 72.4/72.4
    assert res.applicable


def test_mathmodels_published_example():
    """The printed output of R mathmodels' own help example (reference page "Grey Prediction
    Models", https://zhjx19.github.io/mathmodels/reference/grey_models.html; in the repository as
    docs/reference/grey_models.md, commit e909b82): GM11(c(100, 120, 145, 175, 210)) prints
    "Level ratio test passed!", fitted 100.0000 119.9184 144.3784 173.8275 209.2834 and
    f(6:8) = 251.9713 303.3663 365.2444 (the same package as the peer run above, but its
    published numbers)."""
    res = gm11([100.0, 120, 145, 175, 210], horizon=3)
    for got, text in zip(res.fitted, ["100.0000", "119.9184", "144.3784", "173.8275", "209.2834"],
                         strict=True):
        _printed(got, text, "fitted")
    for got, text in zip(res.forecast, ["251.9713", "303.3663", "365.2444"], strict=True):
        _printed(got, text, "forecast")
    assert res.applicable

"""Tests of methods.psychometrics.polychoric against R psych 2.2.9 (polychoric, tetrachoric,
cor.smooth). Reference values: tests/reference/psych_polychoric.json, written by
tests/reference/psych_polychoric.R from bfi.csv and the ICAR ability data (psychTools::ability,
stored as ability.csv); the tests do not need R.

Tolerances: rho 1e-9 (the same Brent steps as R's optimize with its default tolerance; the
bivariate normal probabilities agree to about 1e-15, so only rounding separates us), thresholds
1e-12 (closed form), cor.smooth 1e-12. With correct = 0 an empty cell puts the maximum on the
boundary rho = ±1, where both minimisers stop at their last step within R's tolerance 1.2e-4 of
it and the heavy smoothing that follows spreads the difference: 1e-3 there.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from methods import MethodError, MethodWarning
from methods.psychometrics.polychoric import (
    bivariate_normal_cdf,
    cor_smooth,
    polychoric,
    tetrachoric,
)

REF = Path(__file__).resolve().parent / "reference"
RHO = 1e-9
CLOSED = 1e-12
BFI10 = [f"A{i}" for i in range(1, 6)] + [f"C{i}" for i in range(1, 6)]


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "psych_polychoric.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ability() -> pd.DataFrame:
    return pd.read_csv(REF / "ability.csv")


@pytest.fixture(scope="module")
def bfi10() -> pd.DataFrame:
    return pd.read_csv(REF / "bfi.csv")[BFI10]


def dev(got, want) -> float:
    return float(np.max(np.abs(np.asarray(got, dtype=float) - np.asarray(want, dtype=float))))


def test_bivariate_normal_cdf_against_scipy_and_closed_form():
    h = np.array([-1.5, 0.3, 1.2, -0.2, 0.0, 2.5])
    k = np.array([0.4, -0.7, 1.1, -2.0, 0.0, -2.5])
    for r in (-0.99, -0.93, -0.8, -0.5, 0.0, 0.2, 0.5, 0.8, 0.93, 0.99):
        mvn = stats.multivariate_normal([0, 0], [[1, r], [r, 1]])
        want = [mvn.cdf([a, b]) for a, b in zip(h, k, strict=True)]
        assert dev(bivariate_normal_cdf(h, k, r), want) < 1e-7   # scipy's own accuracy
        # P(X<=0, Y<=0) = 1/4 + arcsin(r)/(2 pi) (Sheppard 1899)
        assert float(bivariate_normal_cdf(0.0, 0.0, r)) == pytest.approx(
            0.25 + np.arcsin(r) / (2 * np.pi), abs=1e-15)
    assert float(bivariate_normal_cdf(np.inf, 0.3, 0.5)) == pytest.approx(stats.norm.cdf(0.3))
    assert float(bivariate_normal_cdf(-np.inf, 0.3, 0.5)) == 0.0
    with pytest.raises(MethodError, match="rho"):
        bivariate_normal_cdf(0, 0, 1.5)


def test_polychoric_matches_psych(bfi10, ref):
    want = ref["polychoric_bfi10"]
    res = polychoric(bfi10)
    assert res.rho.columns.tolist() == want["rho"]["cols"]
    assert dev(res.rho, want["rho"]["values"]) < RHO
    assert dev(res.thresholds, want["tau"]["values"]) < CLOSED
    assert res.n_obs == want["n_obs"]
    assert res.global_thresholds and not res.smoothed and res.corrected == ()
    assert res.n_pairs.loc["A1", "A1"] == bfi10["A1"].notna().sum()


def test_polychoric_tight_tolerance_is_the_mle(bfi10, ref):
    """A tighter tolerance moves rho by less than R optimize's tolerance (1.2e-4)."""
    res = polychoric(bfi10, tol=1e-10)
    assert dev(res.rho, ref["polychoric_bfi10"]["rho"]["values"]) < 1.2e-4


@pytest.mark.parametrize("key, rows", [("tetrachoric_ability", None),
                                       ("tetrachoric_ability_small", 60)])
def test_tetrachoric_matches_psych(key, rows, ability, ref):
    want = ref[key]
    x = ability if rows is None else ability.iloc[:rows]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = tetrachoric(x)
    assert dev(res.rho, want["rho"]["values"]) < RHO
    assert dev(res.thresholds.iloc[:, 0], list(want["tau"].values())) < CLOSED
    assert res.n_obs == want["n_obs"]
    if rows is None:
        assert not res.smoothed and res.corrected == ()
    else:  # 5 pairs with an empty cell (psych's message), and a smoothed matrix (psych's warning)
        assert res.smoothed and len(res.corrected) == 5
        assert any(issubclass(w.category, MethodWarning) for w in caught)


def test_tetrachoric_without_correction(ability, ref):
    with pytest.warns(MethodWarning, match="smoothed"):
        res = tetrachoric(ability.iloc[:60], correct=0)
    assert res.corrected == ()
    assert dev(res.rho, ref["tetrachoric_ability_small_nocorrect"]["rho"]["values"]) < 1e-3


def test_tetrachoric_equals_polychoric_on_binary_items(ability):
    x = ability.iloc[:, :5]
    assert dev(tetrachoric(x).rho, polychoric(x).rho) < 1e-6


def test_cor_smooth_matches_psych(ref):
    want = ref["cor_smooth"]
    r = np.array(want["input"]["values"])
    assert dev(cor_smooth(r), want["smoothed"]["values"]) < CLOSED
    frame = pd.DataFrame(r, index=list("abcd"), columns=list("abcd"))
    assert cor_smooth(frame).index.tolist() == list("abcd")
    assert dev(cor_smooth(np.eye(3)), np.eye(3)) == 0.0
    with pytest.raises(MethodError, match="symmetric"):
        cor_smooth(np.ones((2, 3)))


def test_polychoric_unequal_categories_uses_pair_thresholds(bfi10):
    x = bfi10.iloc[:, :3].copy()
    x.loc[x["A2"] == 6, "A2"] = 5          # A2 never reaches category 6
    with pytest.warns(MethodWarning, match="global = FALSE"):
        res = polychoric(x)
    assert not res.global_thresholds
    assert np.all(np.abs(res.rho.to_numpy()) <= 1)


def test_polychoric_bad_input(bfi10):
    with pytest.raises(MethodError, match="non-integer"):
        polychoric(bfi10.iloc[:, :3] + 0.5 * (bfi10.index.to_numpy()[:, None] == 0))
    with pytest.raises(MethodError, match="max_categories"):
        polychoric(bfi10.iloc[:, :3] * 2)
    with pytest.raises(MethodError, match="tol"):
        polychoric(bfi10.iloc[:, :3], tol=0)


def test_tetrachoric_bad_input(ability, bfi10):
    with pytest.raises(MethodError, match=r"\['A1', 'A2'\].*binary"):
        tetrachoric(bfi10.iloc[:, :2])
    sparse = ability.iloc[:, :2].copy()
    sparse.iloc[3:, 1] = np.nan
    sparse.iloc[:3, 0] = np.nan
    with pytest.raises(MethodError, match="'reason.4' and 'reason.16' cannot be estimated"):
        tetrachoric(sparse.iloc[:, :2])

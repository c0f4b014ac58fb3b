"""Rank-sum ratio (methods.evaluation.rsr).

Data: the textbook example of ten regions' maternal-health work (prenatal examination rate,
maternal mortality, perinatal mortality; 田凤调《秩和比法及其应用》, reproduced in 孙振球《医学统计学》).
The integer RSR values are checked against a hand computation (ranks written out below); the
distribution, probit regression and the non-integer variant against the R package mathmodels
0.0.11 (``rank_sum_ratio``), produced by ``tests/reference/cn_mathmodels.R``. The textbook's
printed regression coefficients could not be retrieved, so they are not used.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.evaluation.rsr import probit_thresholds, rank_sum_ratio

REF = Path(__file__).parent / "reference"
TOL = 1e-9


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "cn_rsr_mathmodels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data(ref) -> pd.DataFrame:
    return pd.DataFrame(ref["data"]).set_index("ID")


def test_integer_rsr_by_hand(data, ref):
    # ranks (high = good): X1 ascending, X2 and X3 descending (lower mortality is better)
    ranks = {  # region: (X1, X2, X3)
        "甲": (10, 2, 6), "乙": (7, 3, 2), "丙": (9, 7, 7), "丁": (3, 4, 5), "戊": (2, 8, 8),
        "己": (5, 6, 9), "庚": (6, 5, 4), "辛": (8, 9, 10), "壬": (4, 10, 3), "癸": (1, 1, 1),
    }
    res = rank_sum_ratio(data, directions=ref["directions"])
    for region, r in ranks.items():
        want = float(Fraction(sum(r), 3 * 10))
        assert res.rsr[region] == pytest.approx(want, abs=1e-12), f"RSR of {region}"
        assert tuple(res.indicator_ranks.loc[region]) == r


@pytest.mark.parametrize(("key", "method"), [("int", "integer"), ("non-int", "non_integer")])
def test_matches_mathmodels(data, ref, key, method):
    want = ref["results"][key]
    res = rank_sum_ratio(data, directions=ref["directions"], method=method)
    ids = want["id"]
    for quantity, ours in (("rsr", res.rsr), ("probit", res.probit), ("fitted", res.fitted)):
        dev = np.max(np.abs(ours.loc[ids].to_numpy() - np.asarray(want[quantity])))
        assert dev <= TOL, f"{quantity} ({method}): max deviation {dev:.3g}"
    for quantity in ("intercept", "slope", "r_squared", "f_stat"):
        assert getattr(res, quantity) == pytest.approx(want[quantity], abs=TOL), quantity
    dist = res.distribution
    # mathmodels lists units; its distinct RSR rows carry the same f, cum_f, mean rank, cum_pct
    peer = pd.DataFrame({k: want[k] for k in ("rsr", "f", "cum_f", "mean_rank", "cum_pct")})
    peer = peer.drop_duplicates("rsr").reset_index(drop=True)
    dev = np.max(np.abs(dist[peer.columns].to_numpy() - peer.to_numpy()))
    assert dev <= TOL, f"RSR distribution table: max deviation {dev:.3g}"


def test_weighted_matches_mathmodels(data, ref):
    want = ref["results"]["int_weighted"]
    res = rank_sum_ratio(data, directions=ref["directions"], weights=want["weights"])
    dev = np.max(np.abs(res.rsr.loc[want["id"]].to_numpy() - np.asarray(want["rsr"])))
    assert dev <= TOL, f"weighted RSR: max deviation {dev:.3g}"
    assert res.intercept == pytest.approx(want["intercept"], abs=TOL)
    assert res.slope == pytest.approx(want["slope"], abs=TOL)


def test_thresholds_and_grades(data, ref):
    assert np.allclose(probit_thresholds(3), [4, 6])
    assert np.allclose(probit_thresholds(4), [3.5, 5, 6.5])
    assert np.allclose(probit_thresholds(5), [3.2, 4.4, 5.6, 6.8])
    assert np.allclose(probit_thresholds(6), [3, 4, 5, 6, 7])
    res = rank_sum_ratio(data, directions=ref["directions"])
    by_probit = pd.Series(np.searchsorted([4.0, 6.0], res.probit, side="right") + 1,
                          index=res.probit.index)
    assert (res.grade == by_probit).all()
    assert res.grade["癸"] == 1 and res.grade["辛"] == 3
    assert np.allclose(res.cut_rsr, res.intercept + res.slope * np.array([4.0, 6.0]))
    assert res.summary().to_frame().loc["slope", "value"] == res.slope


def test_bad_inputs(data):
    with pytest.raises(MethodError, match="method"):
        rank_sum_ratio(data, method="dense")
    const = data.copy()
    const["X1"] = 1.0
    with pytest.raises(MethodError, match="X1"):
        rank_sum_ratio(const, method="non_integer")
    with pytest.raises(MethodError, match="distinct"):
        rank_sum_ratio(pd.DataFrame({"a": [1.0, 1.0, 2.0, 2.0]}))
    with pytest.raises(MethodError, match="thresholds"):
        rank_sum_ratio(data, thresholds=[6, 4])
    bad = data.copy()
    bad.loc["丙", "X2"] = np.nan
    with pytest.raises(MethodError, match=r"'X2', row '丙'"):
        rank_sum_ratio(bad)
    with pytest.raises(MethodError, match="n_grades"):
        probit_thresholds(1)

"""Rank comparison between methods (methods.evaluation.comparison)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from methods import MethodError
from methods.evaluation.comparison import compare_rankings


def test_compare_rankings():
    s = pd.DataFrame({"ref": [5.0, 4.0, 3.0, 2.0, 1.0],
                      "same": [50.0, 40.0, 30.0, 20.0, 10.0],
                      "swap": [4.0, 5.0, 3.0, 1.0, 2.0]}, index=list("abcde"))
    res = compare_rankings(s)
    assert res.spearman.loc["ref", "same"] == pytest.approx(1.0)
    assert res.spearman.loc["ref", "swap"] == pytest.approx(
        stats.spearmanr(s["ref"], s["swap"]).statistic)
    assert res.kendall.loc["ref", "swap"] == pytest.approx(0.6)  # 8 concordant, 2 discordant
    assert res.ranks.loc["a", "swap"] == 2 and res.ranks.loc["b", "swap"] == 1
    assert res.movers["range"].max() == 1
    assert np.allclose(res.to_frame().loc["swap", "mean_abs_shift"], 4 / 5)
    with pytest.raises(MethodError, match="reference"):
        compare_rankings(s, reference="nope")
    with pytest.raises(MethodError, match="missing"):
        compare_rankings(s.assign(ref=[1.0, np.nan, 2.0, 3.0, 4.0]))

"""Correlation tables with p-values against R cor.test and COINr get_corr blanking, on COINr's ASEM
raw data with its missing values (tests/reference/correlation_p/, correlation_p_asem.R there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.index.correlations import correlation_table

REF = Path(__file__).parent / "reference" / "correlation_p"
RAW = pd.read_csv(Path(__file__).parent / "reference" / "asem" / "dset_Raw.csv", index_col=0).iloc[:, :16]
COR_TEST = pd.read_csv(REF / "cor_test_asem.csv")
COINR = pd.read_csv(REF / "coinr_get_corr_pearson.csv")


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_r_p_n_match_cor_test(method: str) -> None:
    ref = COR_TEST[COR_TEST.method == method].reset_index(drop=True)
    got = correlation_table(RAW, method).pairs
    assert list(zip(got.var1, got.var2, strict=True)) == list(zip(ref.var1, ref.var2, strict=True))
    assert (got.n == ref.n).all(), "n"
    assert (ref.n < 51).any()  # the reference exercises pairwise deletion
    np.testing.assert_allclose(got.r, ref.r, atol=1e-10, err_msg=f"{method} r")
    np.testing.assert_allclose(got.p, ref.p, atol=1e-10, rtol=1e-8, err_msg=f"{method} p")


def test_matrices_are_symmetric_with_unit_diagonal() -> None:
    t = correlation_table(RAW, "spearman")
    assert np.allclose(t.r.to_numpy(), t.r.to_numpy().T)
    assert (np.diag(t.r) == 1).all() and (np.diag(t.p) == 0).all()
    assert t.n.loc["LPI", "LPI"] == RAW["LPI"].notna().sum()


def test_blanking_matches_coinr_get_corr() -> None:
    t = correlation_table(RAW, "pearson", blank_insignificant=0.05)
    off = COINR[COINR.Var1 != COINR.Var2]
    blanked = 0
    for row in off.itertuples(index=False):
        ours = t.display.loc[row.Var1, row.Var2]
        if pd.isna(row.Correlation):
            assert pd.isna(ours), (row.Var1, row.Var2)
            blanked += 1
        else:
            assert ours == pytest.approx(row.Correlation, abs=1e-10), (row.Var1, row.Var2)
    assert blanked > 0
    assert correlation_table(RAW).display.notna().all().all()


def test_without_pvalues_and_refusals() -> None:
    t = correlation_table(RAW.iloc[:, :3], pvalues=False)
    assert t.p is None and "p" not in t.pairs.columns
    with pytest.raises(MethodError, match="needs pvalues"):
        correlation_table(RAW, pvalues=False, blank_insignificant=0.05)
    with pytest.raises(MethodError, match=r"\(0, 1\)"):
        correlation_table(RAW, blank_insignificant=5)
    with pytest.raises(MethodError, match="method"):
        correlation_table(RAW, "cosine")  # type: ignore[arg-type]


def test_too_few_pairs_give_nan() -> None:
    x = pd.DataFrame({"a": [1.0, 2, np.nan, np.nan], "b": [2.0, 1, 3, 4], "c": [1.0, 2, 3, 5]})
    t = correlation_table(x)
    assert np.isnan(t.r.loc["a", "b"]) and t.n.loc["a", "b"] == 2
    assert t.r.loc["b", "c"] == pytest.approx(np.corrcoef([2, 1, 3, 4], [1, 2, 3, 5])[0, 1])


def test_audit_shows_pvalues_when_asked() -> None:
    import warnings

    from dgpe.sections import audit as au
    from dgpe.session import open_run
    from methods.index import audit

    cfg = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = open_run(cfg, notebook="t", lang="en")
        asked = open_run(cfg, notebook="t", lang="en", overrides=["options.audit.correlation_pvalues=true"])
        assert "correlation_pvalues" not in [t.name for t in au.correlations(default).tables]
        sec = au.correlations(asked)
    table = sec.get_table("correlation_pvalues")
    matrix = sec.get_table("correlation_matrix")
    row = table.iloc[0]
    assert row.r == pytest.approx(matrix.loc[row.var1, row.var2], abs=1e-6)  # same Spearman r as the matrix
    x = audit.oriented(asked.X_denominated, asked.meta)
    assert (table["n"] <= len(x)).all() and table["p"].between(0, 1).all()

"""COINr-style PCA weights (PC1 loadings within groups) against COINr 1.1.14 get_PCA on its ASEM
example (tests/reference/coinr_pca/, produced by coinr_pca_asem.R there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.weights.pca_coinr import pca_weights_coinr
from methods.weights.registry import WEIGHTING, data_weights

REF = Path(__file__).parent / "reference" / "coinr_pca"
COINR = pd.read_csv(REF / "coinr_pca_asem.csv")
NORMALISED = pd.read_csv(REF / "asem_normalised.csv").set_index("uCode")
PILLARS = pd.read_csv(REF / "asem_pillars.csv").set_index("uCode")
LINEAGE = pd.read_csv(REF / "asem_lineage.csv")


def _groups() -> list[tuple[str, str]]:
    return [(str(c), str(g)) for c, g in COINR[["case", "group"]].drop_duplicates().itertuples(index=False)]


def _data(case: str, group: str) -> pd.DataFrame:
    ref = COINR[(COINR.case == case) & (COINR.group == group)]
    src = PILLARS if case.startswith("L2") else NORMALISED
    return src[list(ref.iCode)]


@pytest.mark.parametrize(("case", "group"), _groups())
def test_loadings_match_coinr_up_to_the_groups_sign(case: str, group: str) -> None:
    ref = COINR[(COINR.case == case) & (COINR.group == group)].set_index("iCode")
    x = _data(case, group)
    mixed = (ref.weight < 0).any() and (ref.weight > 0).any()
    if mixed:
        with pytest.raises(MethodError, match="mixed signs") as err:
            pca_weights_coinr(x)
        negative = ref.weight[np.sign(ref.weight) != np.sign(ref.weight.sum())].index
        for code in negative:
            assert code in str(err.value)
        assert "OECD/JRC" in str(err.value)
        return
    res = pca_weights_coinr(x)
    sign = np.sign(ref.weight.sum())
    np.testing.assert_allclose(res.loadings[ref.index], sign * ref.weight, atol=1e-10,
                               err_msg=f"{case}/{group} loadings")
    assert res.eigenvalue == pytest.approx(ref.pc1_eigenvalue.iloc[0], abs=1e-10)
    assert res.explained == pytest.approx(ref.pc1_share.iloc[0], abs=1e-12)
    assert res.n_units == ref.n_units.iloc[0]
    assert res.weights.sum() == pytest.approx(1.0)
    assert (res.weights > 0).all()


def test_political_and_social_flip_to_positive() -> None:
    for g in ("Political", "Social"):
        res = pca_weights_coinr(_data("L1_by_groups", g))
        assert (res.loadings > 0).all()


def test_registry_entry_and_group_scope() -> None:
    info = WEIGHTING.get("pca_coinr")
    assert info.needs == "data"
    codes = ["FDI", "ForPort", "Goods", "PRemit", "Services"]
    codes = [c for c in codes if c in NORMALISED.columns]
    meta = pd.DataFrame({"iCode": [*codes, "ConEcFin"], "Parent": [*(["ConEcFin"] * len(codes)), None],
                         "Level": [*([1] * len(codes)), 2], "Weight": 1.0,
                         "Type": [*(["Indicator"] * len(codes)), "Aggregate"]})
    w = data_weights(NORMALISED[codes], meta, "pca_coinr")
    direct = pca_weights_coinr(NORMALISED[codes]).weights
    np.testing.assert_allclose(w[codes], direct[codes], atol=1e-12)


def test_refusals() -> None:
    with pytest.raises(MethodError, match="at least 2"):
        pca_weights_coinr(NORMALISED[["FDI"]])
    with pytest.raises(MethodError, match="no variance"):
        pca_weights_coinr(NORMALISED[["FDI", "Goods"]].assign(Goods=1.0))

"""Tests of methods.psychometrics.factor (and methods.psychometrics.rotation) against R psych (KMO, Bartlett, fa.parallel, fa)
and lavaan (cfa, plus CR/AVE/HTMT/Fornell-Larcker written out in R). Reference values:
tests/reference/{psych,lavaan}_*.json, produced by psych_reference.R and lavaan_reference.R; the
tests do not need R.

Tolerances by kind: closed form 1e-6, iterative (EFA, CFA) 1e-3; loadings compared up to column
order and sign (and, separately, psych's order/sign convention is checked).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError, MethodWarning
from methods.psychometrics.factor import (
    ave,
    bartlett_sphericity,
    cfa,
    composite_reliability,
    efa,
    first_component_share,
    fit_verdict,
    fornell_larcker,
    htmt,
    kmo,
    loading_flags,
    parallel_analysis,
    sampling_adequacy,
)
from methods.psychometrics.rotation import oblimin, promax, varimax

REF = Path(__file__).resolve().parent / "reference"
CLOSED = 1e-6
ITERATIVE = 1e-3
NF = {"hs": 3, "bfi": 5}
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
            "speed": ["x7", "x8", "x9"]}


def _json(name: str) -> dict:
    return json.loads((REF / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return {"hs": pd.read_csv(REF / "hs.csv"), "bfi": pd.read_csv(REF / "bfi.csv")}


@pytest.fixture(scope="module")
def psych() -> dict[str, dict]:
    return {"hs": _json("psych_hs.json"), "bfi": _json("psych_bfi.json")}


@pytest.fixture(scope="module")
def lavaan() -> dict[str, dict]:
    return {"hs": _json("lavaan_hs.json"), "bfi": _json("lavaan_bfi.json")}


def assert_close(name: str, got, want, tol: float) -> None:
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"{name}: shape {got.shape} != reference {want.shape}"
    dev = float(np.max(np.abs(got - want))) if got.size else 0.0
    assert dev <= tol, f"{name}: max deviation from R {dev:.3g} > {tol:g}"


def align(loadings: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, list[int], np.ndarray]:
    """Reorder and re-sign the columns of ``loadings`` to best match ``ref`` (congruence)."""
    from scipy.optimize import linear_sum_assignment

    a = loadings / np.linalg.norm(loadings, axis=0)
    b = ref / np.linalg.norm(ref, axis=0)
    cong = b.T @ a
    rows, cols = linear_sum_assignment(-np.abs(cong))
    order = list(cols[np.argsort(rows)])
    signs = np.sign(cong[np.arange(ref.shape[1]), order])
    return loadings[:, order] * signs, order, signs


# ------------------------------------------------------------------------------------------------
# KMO, Bartlett, parallel analysis
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_kmo_matches_psych(ds, data, psych):
    ref = psych[ds]["kmo"]
    k = kmo(data[ds])
    assert_close(f"{ds} KMO overall", k.overall, ref["overall"], CLOSED)
    assert list(k.per_item.index) == list(ref["per_item"])
    assert_close(f"{ds} KMO per item", k.per_item, list(ref["per_item"].values()), CLOSED)


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_bartlett_matches_psych(ds, data, psych):
    ref = psych[ds]["bartlett"]
    b = bartlett_sphericity(data[ds])
    assert_close(f"{ds} Bartlett chi2", b.chi2, ref["chi2"], CLOSED * max(1.0, ref["chi2"]))
    assert b.dof == ref["dof"]
    assert b.n_obs == ref["n"]
    assert_close(f"{ds} Bartlett p", b.p_value, ref["p_value"], CLOSED)


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_sampling_adequacy_matches_psych(ds, data, psych):
    """KMO (pairwise) and Bartlett (complete cases) together, each against psych 2.2.9."""
    a = sampling_adequacy(data[ds], min_msa=0.7)
    ref = psych[ds]
    row = a.summary().to_frame()["value"]
    assert_close(f"{ds} KMO", row["kmo"], ref["kmo"]["overall"], CLOSED)
    assert_close(f"{ds} Bartlett", row["bartlett_chi2"], ref["bartlett"]["chi2"],
                 CLOSED * max(1.0, ref["bartlett"]["chi2"]))
    assert row["bartlett_n"] == ref["bartlett"]["n"] and row["bartlett_df"] == ref["bartlett"]["dof"]
    low = [i for i, v in ref["kmo"]["per_item"].items() if v < 0.7]
    assert a.low_items == low and row["items_msa_below_0.7"] == len(low)
    assert list(a.to_frame().index[a.to_frame()["low"]]) == low
    with pytest.raises(MethodError, match="min_msa"):
        sampling_adequacy(data[ds], min_msa=1.5)


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_parallel_observed_eigenvalues_match_psych(ds, data, psych):
    ref = psych[ds]["parallel"]
    smc_ = parallel_analysis(data[ds], n_iter=20, seed=1)
    assert_close(f"{ds} PCA eigenvalues", smc_.table["pc_observed"], ref["pc_values"], CLOSED)
    assert_close(f"{ds} FA (SMC) eigenvalues", smc_.table["fa_observed"], ref["fa_values_smc"],
                 CLOSED)
    mr = parallel_analysis(data[ds], n_iter=20, seed=1, fa_communalities="minres")
    assert_close(f"{ds} FA (minres) eigenvalues", mr.table["fa_observed"],
                 ref["fa_values_minres"], ITERATIVE)


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_parallel_simulated_part_loosely(ds, data, psych):
    ref = psych[ds]["parallel"]
    res = parallel_analysis(data[ds], n_iter=50, seed=20261126)
    # simulated eigenvalues are random: psych's (100 draws, R's RNG) agree only loosely
    assert_close(f"{ds} simulated PCA eigenvalue means", res.table["pc_sim_mean"],
                 ref["sim_pc_mean"], 0.05)
    assert_close(f"{ds} simulated FA eigenvalue means", res.table["fa_sim_mean"],
                 ref["sim_fa_smc_mean"], 0.05)
    assert res.n_components == ref["ncomp"]
    assert abs(res.n_factors - ref["nfact_smc"]) <= 1
    again = parallel_analysis(data[ds], n_iter=50, seed=20261126)
    pd.testing.assert_frame_equal(res.table, again.table)


# ------------------------------------------------------------------------------------------------
# EFA vs psych::fa: 3 methods x 4 rotations x 2 data sets
# ------------------------------------------------------------------------------------------------

EFA_CASES = [(ds, m, r) for ds in ("hs", "bfi") for m in ("minres", "ml", "pa")
             for r in ("none", "varimax", "oblimin", "promax")]


@pytest.mark.parametrize(("ds", "method", "rotation"), EFA_CASES)
def test_efa_matches_psych(ds, method, rotation, data, psych):
    ref = psych[ds]["fa"][f"{method}_{rotation}"]
    res = efa(data[ds], NF[ds], method=method, rotation=None if rotation == "none" else rotation)
    want = np.asarray(ref["loadings"]["values"], dtype=float)
    got, order, signs = align(res.loadings.to_numpy(), want)
    tag = f"{ds} fa(fm={method}, rotate={rotation})"
    assert_close(f"{tag} loadings", got, want, ITERATIVE)
    assert_close(f"{tag} communality", res.communalities, ref["communality"], ITERATIVE)
    assert_close(f"{tag} uniquenesses", res.uniquenesses, ref["uniquenesses"], ITERATIVE)
    if ref["phi"]:  # R writes NULL Phi (orthogonal or unrotated) as {}
        phi = res.phi.to_numpy()[np.ix_(order, order)] * np.outer(signs, signs)
        assert_close(f"{tag} Phi", phi, ref["phi"]["values"], ITERATIVE)
    else:
        assert np.allclose(res.phi.to_numpy(), np.eye(NF[ds]))
    assert_close(f"{tag} eigenvalues of R", res.eigenvalues, ref["e_values"], CLOSED)
    assert res.dof == ref["dof"]
    assert_close(f"{tag} objective", res.objective, ref["objective"], ITERATIVE)
    assert_close(f"{tag} chi2", res.chi2, ref["chi2"], ITERATIVE * max(1.0, ref["chi2"]) * 0.01)
    assert res.converged and res.rotation_converged and not res.heywood
    # psych's convention: same column order and signs as psych itself
    assert order == list(range(NF[ds])) and (signs > 0).all(), f"{tag}: column order/sign"
    # psych keeps the pre-sorting names (e.g. PA2 PA1 PA3); ours are numbered in sorted order
    prefix = {"minres": "MR", "ml": "ML", "pa": "PA"}[method]
    assert list(res.loadings.columns) == [f"{prefix}{k + 1}" for k in range(NF[ds])]


def test_efa_columns_signed_and_sorted(data):
    res = efa(data["bfi"], 5, method="minres", rotation="oblimin")
    lam = res.loadings.to_numpy()
    assert (lam.sum(axis=0) > 0).all()
    ev = np.diag(res.phi.to_numpy() @ lam.T @ lam)
    assert (np.diff(ev) <= 1e-12).all()
    assert np.allclose(res.communalities, np.diag(lam @ res.phi.to_numpy() @ lam.T))
    assert np.allclose(res.structure, lam @ res.phi.to_numpy())


def test_oblimin_agrees_with_statsmodels(data):
    fr = pytest.importorskip("statsmodels.multivariate.factor_rotation")
    unrotated = efa(data["bfi"], 5, method="minres", rotation=None).loadings.to_numpy()
    ours = oblimin(unrotated)
    theirs, _ = fr.rotate_factors(unrotated, "oblimin", 0, "oblique")
    assert_close("oblimin vs statsmodels GPA", ours.loadings, theirs, 1e-8)
    assert np.allclose(np.diag(ours.phi), 1.0)


def test_rotations_preserve_the_model(data):
    lam = efa(data["hs"], 3, method="ml", rotation=None).loadings.to_numpy()
    model = lam @ lam.T
    for rot in (varimax(lam), oblimin(lam), promax(lam)):
        assert np.allclose(rot.loadings @ rot.phi @ rot.loadings.T, model, atol=1e-10)
        assert np.allclose(lam @ rot.rotmat, rot.loadings, atol=1e-10)


def test_loading_flags_against_intended_structure(data):
    res = efa(data["hs"], 3, method="minres", rotation="oblimin")
    flags = loading_flags(res.loadings, HS_MODEL)
    assert list(flags.index) == [i for items in HS_MODEL.values() for i in items]
    assert flags.groupby("construct")["factor"].nunique().eq(1).all()
    assert flags["factor"].nunique() == 3
    lam = res.loadings
    for item, row in flags.iterrows():
        assert row["own"] == pytest.approx(lam.loc[item, row["factor"]])
        others = lam.loc[item].drop(row["factor"]).abs()
        assert row["max_cross"] == pytest.approx(others.max())
        assert row["low_own"] == (abs(row["own"]) < 0.4)
        assert row["cross_loading"] == (row["max_cross"] > 0.3)
    # the well-known HS result: x9 (speeded discrimination) cross-loads on visual
    assert flags.loc["x9", "cross_loading"]


def test_first_component_share(data):
    r = data["hs"].corr().to_numpy()
    want = np.linalg.eigvalsh(r)[-1] / 9
    assert first_component_share(data["hs"]) == pytest.approx(want, abs=1e-12)


# ------------------------------------------------------------------------------------------------
# CFA vs lavaan
# ------------------------------------------------------------------------------------------------

FIT_NAMES = {"chisq": "chi2", "df": "dof", "pvalue": "p_value", "cfi": "cfi", "tli": "tli",
             "rmsea": "rmsea", "srmr": "srmr", "aic": "aic", "bic": "bic", "logl": "loglik",
             "unrestricted.logl": "loglik_unrestricted", "npar": "npar", "ntotal": "n_obs",
             "baseline.chisq": "baseline_chi2", "baseline.df": "baseline_dof"}


def _cfa_data(ds: str, data, lavaan) -> pd.DataFrame:
    x = data[ds].copy()
    rev = lavaan[ds].get("reverse") or []
    x[rev] = 7 - x[rev]
    return x


@pytest.fixture(scope="module")
def cfa_fits(data, lavaan):
    return {ds: cfa(_cfa_data(ds, data, lavaan), lavaan[ds]["model"]) for ds in ("hs", "bfi")}


@pytest.mark.parametrize("ds", ["hs", "bfi"])
@pytest.mark.parametrize("measure", list(FIT_NAMES) + ["rmsea.ci"])
def test_cfa_fit_measures_match_lavaan(ds, measure, cfa_fits, lavaan):
    res = cfa_fits[ds]
    fit = lavaan[ds]["fit"]
    if measure == "rmsea.ci":
        assert_close(f"{ds} rmsea.ci", res.rmsea_ci,
                     [fit["rmsea.ci.lower"], fit["rmsea.ci.upper"]], ITERATIVE)
        return
    assert_close(f"{ds} {measure}", getattr(res, FIT_NAMES[measure]), fit[measure], ITERATIVE)


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_cfa_estimates_match_lavaan(ds, cfa_fits, lavaan):
    res, ref = cfa_fits[ds], lavaan[ds]
    assert res.converged and ref["converged"] and not res.heywood
    ld = res.loadings
    assert list(ld["factor"]) == ref["std_loadings"]["factor"]
    assert list(ld["item"]) == ref["std_loadings"]["item"]
    assert_close(f"{ds} loadings (est)", ld["est"], ref["loadings"]["est"], ITERATIVE)
    assert_close(f"{ds} std.all loadings", ld["std_all"], ref["std_loadings"]["est_std"],
                 ITERATIVE)
    assert_close(f"{ds} residual variances", res.residual_variances.loc[
        ref["residual_variances"]["item"], "est"], ref["residual_variances"]["est"], ITERATIVE)
    assert_close(f"{ds} factor correlations", res.factor_correlations,
                 ref["factor_correlations"]["values"], ITERATIVE)


@pytest.mark.parametrize("ds", ["hs", "bfi"])
def test_validity_measures_match_reference(ds, cfa_fits, data, lavaan):
    res, ref = cfa_fits[ds], lavaan[ds]
    assert_close(f"{ds} composite reliability", composite_reliability(res),
                 list(ref["composite_reliability"].values()), ITERATIVE)
    assert_close(f"{ds} AVE", ave(res), list(ref["ave"].values()), ITERATIVE)
    assert_close(f"{ds} Fornell-Larcker", fornell_larcker(res), ref["fornell_larcker"]["values"],
                 ITERATIVE)
    x = _cfa_data(ds, data, lavaan)
    assert_close(f"{ds} HTMT (absolute)", htmt(x, ref["model"]), ref["htmt_absolute"]["values"],
                 CLOSED)
    assert_close(f"{ds} HTMT (signed)", htmt(x, ref["model"], absolute=False),
                 ref["htmt_signed"]["values"], CLOSED)


def test_cfa_listwise_and_fit_verdict(cfa_fits, lavaan):
    assert cfa_fits["bfi"].n_obs == lavaan["bfi"]["n_complete"] == 2436
    v = fit_verdict(cfa_fits["hs"])
    assert list(v.index) == ["cfi", "tli", "rmsea", "srmr"]
    # HS 3-factor model: CFI .931, TLI .896, RMSEA .092 fail; SRMR .065 passes
    assert v["meets"].tolist() == [False, False, False, True]


# ------------------------------------------------------------------------------------------------
# bad input and flagged conditions
# ------------------------------------------------------------------------------------------------


def _sim(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 2))
    lam = np.array([[.8, 0], [.7, 0], [.6, 0], [0, .8], [0, .7], [0, .6]])
    x = f @ lam.T + rng.normal(size=(n, 6)) * 0.6
    return pd.DataFrame(x, columns=[f"v{j + 1}" for j in range(6)])


def test_efa_too_many_factors():
    with pytest.raises(MethodError, match="too many.*at most 3"):
        efa(_sim(), 4)


def test_efa_factors_not_positive():
    with pytest.raises(MethodError, match="n_factors"):
        efa(_sim(), 0)


def test_efa_two_items():
    with pytest.raises(MethodError, match="at least 3"):
        efa(_sim()[["v1", "v2"]], 1)


def test_efa_unknown_method_and_rotation():
    with pytest.raises(MethodError, match="method"):
        efa(_sim(), 2, method="uls")
    with pytest.raises(MethodError, match="rotation"):
        efa(_sim(), 2, rotation="quartimax")


def test_efa_singular_matrix():
    x = _sim()
    x["v7"] = x["v1"] + x["v2"]
    with pytest.raises(MethodError, match="singular"):
        efa(x, 2, method="ml")
    with pytest.warns(MethodWarning) as record:
        efa(x, 2, method="minres")
    assert any("singular" in str(w.message) for w in record)


def test_efa_heywood_case_flagged():
    # r12 = r13 = .9, r23 = .5 implies a first loading of sqrt(.9 * .9 / .5) > 1
    rng = np.random.default_rng(5)
    r = np.array([[1, .9, .9], [.9, 1, .5], [.9, .5, 1]])
    eig, vec = np.linalg.eigh(r)
    z = rng.normal(size=(500, 3)) @ (vec * np.sqrt(np.clip(eig, 1e-6, None))) .T
    with pytest.warns(MethodWarning, match="Heywood"):
        res = efa(pd.DataFrame(z, columns=["a", "b", "c"]), 1, method="minres")
    assert "a" in res.heywood


def test_efa_non_convergence_flagged():
    with pytest.warns(MethodWarning, match="did not converge"):
        res = efa(_sim(), 2, method="pa", pa_max_iter=1, pa_min_err=1e-12)
    assert not res.converged


def test_kmo_singular():
    x = _sim()
    x["v7"] = x["v1"] - x["v3"]
    with pytest.raises(MethodError, match="singular.*v"):
        kmo(x)


def test_kmo_constant_item():
    x = _sim()
    x["v2"] = 1.0
    with pytest.raises(MethodError, match="v2.*constant"):
        kmo(x)


def test_bartlett_complete_cases_only():
    x = _sim()
    x.loc[:49, "v1"] = np.nan
    b = bartlett_sphericity(x)
    assert b.n_obs == 150
    ref = bartlett_sphericity(x.dropna())
    assert b.chi2 == ref.chi2


def test_bartlett_too_few_complete_rows():
    x = _sim(n=8)
    x.loc[:4, "v1"] = np.nan
    with pytest.raises(MethodError, match="complete rows"):
        bartlett_sphericity(x)


def test_parallel_bad_arguments():
    with pytest.raises(MethodError, match="n_iter"):
        parallel_analysis(_sim(), n_iter=1)
    with pytest.raises(MethodError, match="fa_communalities"):
        parallel_analysis(_sim(), fa_communalities="pca")


def test_cfa_unknown_item():
    with pytest.raises(MethodError, match="v9"):
        cfa(_sim(), {"F1": ["v1", "v2", "v9"]})


def test_cfa_single_item_factor():
    with pytest.raises(MethodError, match="F2.*1 item"):
        cfa(_sim(), {"F1": ["v1", "v2", "v3"], "F2": ["v4"]})


def test_cfa_not_identified():
    x = _sim()
    # 3 items, 2 correlated factors sharing them: 6 moments, 7 parameters
    with pytest.raises(MethodError, match="not identified"):
        cfa(x, {"F1": ["v1", "v2", "v3"], "F2": ["v3", "v2", "v1"]})


def test_cfa_model_type():
    with pytest.raises(MethodTypeError):
        cfa(_sim(), [("F1", ["v1", "v2"])])
    with pytest.raises(MethodTypeError):
        cfa(_sim().to_numpy(), {"F1": ["v1", "v2", "v3"]})


def test_cfa_singular_covariance():
    x = _sim()
    x["v7"] = x["v1"]
    with pytest.raises(MethodError, match="singular"):
        cfa(x, {"F1": ["v1", "v2", "v3", "v7"], "F2": ["v4", "v5", "v6"]})


def test_cfa_recovers_simulated_model_and_flags_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error", MethodWarning)
        res = cfa(_sim(n=2000, seed=2), {"F1": ["v1", "v2", "v3"], "F2": ["v4", "v5", "v6"]})
    assert res.converged and res.dof == 8
    assert res.cfi > 0.99 and res.rmsea < 0.03
    std = res.std_loadings
    truth = np.array([.8, .7, .6]) / np.sqrt(np.array([.8, .7, .6]) ** 2 + 0.36)
    assert np.allclose(std.loc[["v1", "v2", "v3"], "F1"], truth, atol=0.03)


def test_htmt_non_positive_mean_correlation():
    x = _sim()
    x["v2"] = -x["v2"] * 0.1 + np.random.default_rng(0).normal(size=len(x)) * 3
    x["v3"] = -x["v1"] + np.random.default_rng(1).normal(size=len(x)) * 3
    with pytest.raises(MethodError, match="F1"):
        htmt(x, {"F1": ["v1", "v2", "v3"], "F2": ["v4", "v5", "v6"]}, absolute=False)


def test_loading_flags_needs_enough_factors(data):
    res = efa(data["hs"], 2)
    with pytest.raises(MethodError, match="3 intended constructs"):
        loading_flags(res.loadings, HS_MODEL)


def test_validity_table_consistent_with_parts(cfa_fits, data, lavaan):
    from methods.psychometrics.factor import validity_table

    res = cfa_fits["hs"]
    x = _cfa_data("hs", data, lavaan)
    v = validity_table(res, x)
    cr, av, h = composite_reliability(res), ave(res), htmt(x, res.model)
    assert list(v.index) == list(res.model)
    for f in v.index:
        assert v.loc[f, "composite_reliability"] == pytest.approx(cr[f])
        assert v.loc[f, "ave_ok"] == (av[f] >= 0.5)
        others = [g for g in v.index if g != f]
        assert v.loc[f, "max_htmt"] == pytest.approx(h.loc[f, others].max())
        mc = res.factor_correlations.loc[f, others].abs().max()
        assert v.loc[f, "fornell_larcker_ok"] == (np.sqrt(av[f]) > mc)
    # HS: visual's AVE is .37 (< .5), textual's .72
    assert not v.loc["visual", "ave_ok"] and v.loc["textual", "ave_ok"]


def test_kmo_frame_flags(data):
    from methods.psychometrics.factor import kmo_label

    k = kmo(data["bfi"])
    fr = k.to_frame(min_msa=0.8)
    assert (fr["low"] == (k.per_item < 0.8)).all()
    assert fr.loc["A1", "label"] == kmo_label(k.per_item["A1"])
    assert kmo_label(0.95) == "marvelous" and kmo_label(0.45) == "unacceptable"


def test_cfa_non_convergence_flagged(data):
    with pytest.warns(MethodWarning, match="did not converge"):
        res = cfa(data["hs"], HS_MODEL, max_iter=2)
    assert not res.converged


# ------------------------------------------------------------------------------------------------
# options: cor= for efa and parallel_analysis, missing= for kmo and Bartlett
# (tests/reference/psych_polychoric.R: 10 bfi items, the 16 ICAR ability items)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def poly_ref() -> dict:
    return _json("psych_polychoric.json")


@pytest.fixture(scope="module")
def ability() -> pd.DataFrame:
    return pd.read_csv(REF / "ability.csv")


@pytest.mark.parametrize("key, cor, nf, tol", [
    ("fa_poly_bfi10", "polychoric", 2, 1e-5),
    # 4 factors of 16 binary items: psych's minres optimiser stops earlier (measured 5e-5 / 1e-4)
    ("fa_tet_ability", "tetrachoric", 4, 2e-4),
])
def test_efa_on_polychoric_and_tetrachoric_matches_psych(key, cor, nf, tol, data, ability,
                                                         poly_ref):
    ref = poly_ref[key]
    x = data["bfi"][[f"A{i}" for i in range(1, 6)] + [f"C{i}" for i in range(1, 6)]] \
        if cor == "polychoric" else ability
    res = efa(x, nf, cor=cor)
    assert_close(f"{key} loadings", res.loadings, ref["loadings"]["values"], tol)
    assert_close(f"{key} communality", res.communalities, ref["communality"], tol)
    assert_close(f"{key} phi", res.phi, ref["phi"]["values"], tol)
    assert res.dof == ref["dof"] and res.n_obs == ref["n_obs"]
    assert res.chi2 == pytest.approx(ref["chi2"], rel=1e-5)


def test_efa_cor_default_unchanged_and_bad_value(data):
    a = efa(data["hs"], 3)
    b = efa(data["hs"], 3, cor="pearson")
    assert a.loadings.equals(b.loadings) and a.chi2 == b.chi2
    with pytest.raises(MethodError, match="cor must be one of"):
        efa(data["hs"], 3, cor="spearman")


def test_parallel_analysis_on_polychoric(data):
    x = data["bfi"][[f"A{i}" for i in range(1, 6)] + [f"C{i}" for i in range(1, 6)]]
    from methods.psychometrics.polychoric import polychoric

    res = parallel_analysis(x, n_iter=5, seed=1, cor="polychoric")
    want = np.linalg.eigvalsh(polychoric(x).rho.to_numpy())[::-1]
    assert_close("observed eigenvalues", res.table["pc_observed"], want, 1e-12)
    assert res.n_components >= 1


@pytest.mark.parametrize("missing", ["pairwise", "complete"])
def test_kmo_and_bartlett_missing_options_match_psych(missing, ability, poly_ref):
    k = kmo(ability, missing=missing)
    ref = poly_ref[f"kmo_{missing}"]
    assert_close("kmo overall", k.overall, ref["overall"], 1e-12)
    assert_close("kmo per item", k.per_item, list(ref["per_item"].values()), 1e-12)
    b = bartlett_sphericity(ability, missing=missing)
    ref = poly_ref[f"bartlett_{missing}"]
    assert b.chi2 == pytest.approx(ref["chi2"], rel=1e-10)
    assert b.dof == ref["dof"] and b.n_obs == ref["n"]


def test_missing_defaults_unchanged(ability):
    assert kmo(ability).overall == kmo(ability, missing="pairwise").overall
    assert bartlett_sphericity(ability).chi2 == bartlett_sphericity(ability, missing="complete").chi2
    with pytest.raises(MethodError, match="missing must be one of"):
        kmo(ability, missing="listwise")
    with pytest.raises(MethodError, match="missing must be one of"):
        bartlett_sphericity(ability, missing="all")

"""Tests of methods.psychometrics.reliability against R psych (alpha, omega, ICC) and base-R formulas (split-half,
Kendall's W). Reference values: tests/reference/{psych,base}_*.json, produced by the R scripts beside
them (psych_reference.R, base_reference.R); the tests do not need R.

Tolerances by kind: closed form 1e-6, iterative (omega) 1e-3.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError, MethodWarning
from methods.psychometrics.reliability import (
    alpha_label,
    cronbach_alpha,
    delphi_agreement,
    icc,
    icc_label,
    indicator_blocks,
    item_analysis,
    kendall_label,
    kendall_w,
    omega,
    recode_reverse,
    reliability_table,
    split_half,
)

REF = Path(__file__).resolve().parent / "reference"
CLOSED = 1e-6
ITERATIVE = 1e-3


def _json(name: str) -> dict:
    return json.loads((REF / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(REF / "hs.csv")


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REF / "bfi.csv")


@pytest.fixture(scope="module")
def psych_hs() -> dict:
    return _json("psych_hs.json")


@pytest.fixture(scope="module")
def psych_bfi() -> dict:
    return _json("psych_bfi.json")


def assert_close(name: str, got, want, tol: float) -> None:
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"{name}: shape {got.shape} != reference {want.shape}"
    dev = float(np.max(np.abs(got - want))) if got.size else 0.0
    assert dev <= tol, f"{name}: max deviation from R {dev:.3g} > {tol:g} (got {got}, R {want})"


# ------------------------------------------------------------------------------------------------
# alpha and item analysis vs psych::alpha
# ------------------------------------------------------------------------------------------------

BFI_SCALES = ["A", "C", "E", "N", "O"]


def _alpha_case(which: str, hs: pd.DataFrame, bfi: pd.DataFrame, psych_hs: dict, psych_bfi: dict):
    if which == "hs":
        return hs, None, psych_hs["alpha"]
    ref = psych_bfi["alpha"][which]
    rev = ref["reverse"]
    rev = [rev] if isinstance(rev, str) else (list(rev) or None)
    return bfi[ref["items"]], rev, ref


@pytest.mark.parametrize("which", ["hs", *BFI_SCALES])
def test_alpha_matches_psych(which, hs, bfi, psych_hs, psych_bfi):
    x, rev, ref = _alpha_case(which, hs, bfi, psych_hs, psych_bfi)
    a = cronbach_alpha(x, reverse=rev)
    assert_close(f"{which} raw_alpha", a.alpha, ref["raw_alpha"], CLOSED)
    assert_close(f"{which} std.alpha", a.std_alpha, ref["std_alpha"], CLOSED)
    assert_close(f"{which} G6(smc)", a.g6, ref["G6"], CLOSED)
    assert_close(f"{which} average_r", a.average_r, ref["average_r"], CLOSED)
    assert_close(f"{which} ase", a.se, ref["ase"], CLOSED)
    assert_close(f"{which} feldt ci", a.ci, [ref["feldt_lower"], ref["feldt_upper"]], CLOSED)
    assert a.n_obs == ref["n_obs"]
    assert a.n_items == len(ref["items"])


@pytest.mark.parametrize("which", ["hs", *BFI_SCALES])
def test_item_analysis_matches_psych(which, hs, bfi, psych_hs, psych_bfi):
    x, rev, ref = _alpha_case(which, hs, bfi, psych_hs, psych_bfi)
    ia = item_analysis(x, reverse=rev)
    stats_ = ref["item_stats"]
    for ours, theirs in [("n", "n"), ("raw_r", "raw_r"), ("std_r", "std_r"), ("r_cor", "r_cor"),
                         ("r_drop", "r_drop"), ("mean", "mean"), ("sd", "sd")]:
        assert_close(f"{which} item {theirs}", ia[ours], stats_[theirs], CLOSED)
    drop = ref["alpha_drop"]
    assert_close(f"{which} alpha.drop raw_alpha", ia["alpha_if_deleted"], drop["raw_alpha"], CLOSED)
    assert_close(f"{which} alpha.drop std.alpha", ia["std_alpha_if_deleted"], drop["std_alpha"],
                 CLOSED)
    assert_close(f"{which} alpha.drop average_r", ia["average_r_if_deleted"], drop["average_r"],
                 CLOSED)
    a = cronbach_alpha(x, reverse=rev)
    assert (ia["alpha_rises"] == (ia["alpha_if_deleted"] > a.alpha)).all()
    assert (ia["low_r_drop"] == (ia["r_drop"] < 0.3)).all()
    assert list(ia.index[ia["reversed"]]) == (rev or [])


def test_alpha_ci_matches_pingouin(hs):
    pg = pytest.importorskip("pingouin")
    ours = cronbach_alpha(hs, ci=0.95)
    theirs, ci = pg.cronbach_alpha(hs, ci=0.95)
    assert_close("alpha vs pingouin", ours.alpha, theirs, CLOSED)
    # pingouin rounds its interval to 3 decimals; ours is unrounded
    assert_close("Feldt CI vs pingouin (rounded)", ours.ci, ci, 5e-4 + 1e-12)


def test_reverse_with_likert_equals_manual_recoding(bfi):
    x = bfi[["C1", "C2", "C3", "C4", "C5"]]
    manual = x.copy()
    manual[["C4", "C5"]] = 7 - manual[["C4", "C5"]]
    a = cronbach_alpha(x, reverse=["C4", "C5"], likert=(1, 6))
    b = cronbach_alpha(manual)
    assert_close("alpha with reverse= vs recoded by hand", a.alpha, b.alpha, 1e-12)
    assert a.reversed == ("C4", "C5")


def test_alpha_warns_on_negatively_keyed_items(bfi):
    with pytest.warns(MethodWarning, match="C4"):
        a = cronbach_alpha(bfi[["C1", "C2", "C3", "C4", "C5"]])
    assert "C4" in a.negative_items


# ------------------------------------------------------------------------------------------------
# split-half vs base R
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("split", ["odd_even", "first_second"])
def test_split_half_matches_base_r(split, hs):
    ref = _json("base_hs.json")["split_half"][split]
    res = split_half(hs, split=split)
    assert_close(f"split-half {split} r", res.r, ref["r"], CLOSED)
    assert_close(f"split-half {split} Spearman-Brown", res.spearman_brown, ref["spearman_brown"],
                 CLOSED)
    assert_close(f"split-half {split} Guttman", res.guttman, ref["guttman"], CLOSED)
    assert list(res.half1) == ref["half1"] and list(res.half2) == ref["half2"]


# ------------------------------------------------------------------------------------------------
# omega vs psych::omega
# ------------------------------------------------------------------------------------------------


def _bfi_reversed(bfi: pd.DataFrame, psych_bfi: dict) -> pd.DataFrame:
    out = bfi.copy()
    out[psych_bfi["reverse"]] = 7 - out[psych_bfi["reverse"]]
    return out


@pytest.mark.parametrize("case", ["hs", "omega_C1", "omega_C2", "omega_25"])
def test_omega_matches_psych(case, hs, bfi, psych_hs, psych_bfi):
    b = _bfi_reversed(bfi, psych_bfi)
    conscientiousness = b[["C1", "C2", "C3", "C4", "C5"]]
    x, nf = {"hs": (hs, 3), "omega_C1": (conscientiousness, 1),
             "omega_C2": (conscientiousness, 2), "omega_25": (b, 5)}[case]
    ref = psych_hs["omega"] if case == "hs" else psych_bfi[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        om = omega(x, nf)
    assert_close(f"{case} omega_h", om.omega_hierarchical, ref["omega_h"], ITERATIVE)
    assert_close(f"{case} omega.tot", om.omega_total, ref["omega_tot"], ITERATIVE)
    assert_close(f"{case} omega.lim", om.omega_limit, ref["omega_lim"], ITERATIVE)
    assert_close(f"{case} alpha", om.alpha, ref["alpha"], CLOSED)
    sl = np.asarray(ref["sl"]["values"], dtype=float)
    cols = ref["sl"]["cols"]
    assert_close(f"{case} schmid g loadings", om.general_loadings, sl[:, cols.index("g")],
                 ITERATIVE)
    assert_close(f"{case} schmid h2", om.communalities, sl[:, cols.index("h2")], ITERATIVE)
    assert_close(f"{case} schmid u2", om.uniquenesses, sl[:, cols.index("u2")], ITERATIVE)
    if nf > 1:
        assert_close(f"{case} schmid group loadings", om.group_loadings,
                     sl[:, 1:1 + nf], ITERATIVE)
        assert_close(f"{case} oblique phi", om.phi, ref["phi"]["values"], ITERATIVE)
    flipped = [r.rstrip("-") for r in ref["sl"]["rows"] if r.endswith("-")]
    assert list(om.flipped) == flipped


def test_omega_too_many_factors_for_items(bfi):
    with pytest.raises(MethodError, match="too many"):
        omega(bfi[["C1", "C2", "C3", "C4", "C5"]], 3, reverse=["C4", "C5"])


def test_omega_two_factors_warns(bfi):
    with pytest.warns(MethodWarning, match="2 group factors"):
        omega(bfi[["C1", "C2", "C3", "C4", "C5"]], 2, reverse=["C4", "C5"])


# ------------------------------------------------------------------------------------------------
# ICC vs psych::ICC, Kendall's W vs the written-out formula
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["sf", "anxiety"])
def test_icc_matches_psych(data):
    x = pd.read_csv(REF / ("sf.csv" if data == "sf" else "anxiety_3raters.csv"))
    ref = _json(f"psych_{data}.json")["icc"]
    tab = icc(x)
    assert list(tab.index) == ref["type"]
    for col in ["icc", "F", "df1", "df2", "p", "ci_low", "ci_high"]:
        assert_close(f"{data} ICC {col}", tab[col], ref[col], CLOSED)


def test_icc_shrout_fleiss_published_values():
    # Shrout & Fleiss (1979), Table 4: .17 .29 .71 .44 .62 .91
    tab = icc(pd.read_csv(REF / "sf.csv"))
    assert np.round(tab["icc"].to_numpy(), 2).tolist() == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]


@pytest.mark.parametrize("data", ["sf", "anxiety"])
def test_kendall_w_matches_formula(data):
    x = pd.read_csv(REF / ("sf.csv" if data == "sf" else "anxiety_3raters.csv"))
    ref = _json(f"base_{data}.json")["kendall"]
    k = kendall_w(x)
    assert_close(f"{data} W (tie-corrected)", k.w, ref["w"], CLOSED)
    assert_close(f"{data} W uncorrected", k.w_uncorrected, ref["w_uncorrected"], CLOSED)
    assert_close(f"{data} chi2", k.chi2, ref["chi2"], CLOSED)
    assert_close(f"{data} p", k.p_value, ref["p_value"], CLOSED)
    assert k.dof == ref["dof"]


def test_kendall_w_perfect_agreement_is_one():
    x = pd.DataFrame({"r1": [1, 2, 3, 4], "r2": [10, 20, 30, 40], "r3": [2, 3, 4, 5]})
    assert kendall_w(x).w == pytest.approx(1.0, abs=1e-12)


# ------------------------------------------------------------------------------------------------
# Delphi agreement, indicator blocks, verdict table
# ------------------------------------------------------------------------------------------------


def test_delphi_agreement_per_round_equals_direct_calls():
    rng = np.random.default_rng(3)
    rows = []
    truth = rng.normal(3, 1, 8)
    for rnd in (1, 2):
        for e in range(6):
            noise = 1.0 if rnd == 1 else 0.3
            for i in range(8):
                rows.append({"expert": f"E{e}", "round": rnd, "indicator": f"I{i}",
                             "score": round(float(truth[i] + rng.normal(0, noise)), 1)})
    delphi = pd.DataFrame(rows)
    tab = delphi_agreement(delphi)
    assert list(tab.index) == [1, 2]
    for rnd in (1, 2):
        wide = delphi[delphi["round"] == rnd].pivot(index="indicator", columns="expert",
                                                    values="score")
        assert tab.loc[rnd, "kendall_w"] == pytest.approx(kendall_w(wide).w, abs=1e-12)
        assert tab.loc[rnd, "icc2k"] == pytest.approx(icc(wide).loc["ICC2k", "icc"], abs=1e-12)
    assert tab.loc[2, "kendall_w"] > tab.loc[1, "kendall_w"]


def test_delphi_agreement_duplicate_score_named():
    d = pd.DataFrame({"expert": ["E1", "E1", "E2"], "round": [1, 1, 1],
                      "indicator": ["A", "A", "A"], "score": [1, 2, 3]})
    with pytest.raises(MethodError, match="E1.*twice"):
        delphi_agreement(d)


def _toy_meta() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["IDX", "D1", "D2", "a", "b", "c", "d", "e"],
        "parent": [None, "IDX", "IDX", "D1", "D1", "D1", "D2", "D2"],
        "level": [3, 2, 2, 1, 1, 1, 1, 1],
        "weight": [1, 1, 1, 1, 1, 1, 1, 1],
        "direction": [np.nan, np.nan, np.nan, 1, -1, 1, 1, 1],
    })


def test_indicator_blocks_orient_and_standardise():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(50, 5)) * [1, 2, 3, 4, 5] + 10, columns=list("abcde"))
    blocks = indicator_blocks(x, _toy_meta(), level=2)
    assert list(blocks) == ["D1", "D2"]
    assert list(blocks["D1"].columns) == ["a", "b", "c"]
    assert np.allclose(blocks["D1"].mean(), 0) and np.allclose(blocks["D1"].std(ddof=1), 1)
    z = (x["b"] - x["b"].mean()) / x["b"].std(ddof=1)
    assert np.allclose(blocks["D1"]["b"], -z)  # negative indicator flipped


def test_indicator_blocks_unknown_level():
    x = pd.DataFrame(np.ones((3, 5)), columns=list("abcde"))
    with pytest.raises(MethodError, match="level 7"):
        indicator_blocks(x, _toy_meta(), level=7)


def test_indicator_blocks_by_mapping_flat_index():
    """A flat framework (index directly over its indicators): one block, the whole index."""
    meta = pd.DataFrame({
        "code": ["IDX", "a", "b", "c"], "parent": [None, "IDX", "IDX", "IDX"],
        "level": [2, 1, 1, 1], "weight": [1, 1, 1, 1], "direction": [np.nan, 1, -1, 1],
    })
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.normal(size=(40, 3)) * [1, 2, 3], columns=["c", "a", "b"])
    blocks = indicator_blocks(x, meta, by={"a": "IDX", "b": "IDX", "c": "IDX"})
    assert list(blocks) == ["IDX"]
    assert list(blocks["IDX"].columns) == ["a", "b", "c"]  # meta order, not x's
    z = (x["b"] - x["b"].mean()) / x["b"].std(ddof=1)
    assert np.allclose(blocks["IDX"]["b"], -z)


def test_indicator_blocks_by_mapping_matches_level():
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.normal(size=(30, 5)), columns=list("abcde"))
    by_level = indicator_blocks(x, _toy_meta(), level=2)
    by_map = indicator_blocks(x, _toy_meta(), by={"e": "D2", "a": "D1", "b": "D1", "c": "D1", "d": "D2"})
    assert list(by_map) == ["D1", "D2"]
    for k in by_level:
        pd.testing.assert_frame_equal(by_level[k], by_map[k])
    # a block with a single indicator is left out
    assert list(indicator_blocks(x, _toy_meta(), by={"a": "P", "b": "P", "c": "Q"})) == ["P"]


def test_indicator_blocks_by_mapping_errors():
    x = pd.DataFrame(np.ones((3, 5)), columns=list("abcde"))
    with pytest.raises(MethodError, match=r"\['D1'\].*not indicators"):
        indicator_blocks(x, _toy_meta(), by={"a": "X", "D1": "X"})
    with pytest.raises(MethodError, match="level or by, not both"):
        indicator_blocks(x, _toy_meta(), level=2, by={"a": "X"})


def test_reliability_table_agrees_with_functions(bfi):
    scales = {s: bfi[[f"{s}{i}" for i in range(1, 6)]] for s in ["A", "C"]}
    reverse = {"A": ["A1"], "C": ["C4", "C5"]}
    likert = {"A": (1, 6), "C": (1, 6)}
    verdicts, items = reliability_table(scales, reverse=reverse, likert=likert)
    for s in scales:
        a = cronbach_alpha(scales[s], reverse=reverse[s], likert=likert[s])
        assert verdicts.loc[s, "alpha"] == pytest.approx(a.alpha, abs=1e-12)
        assert verdicts.loc[s, "label_en"] == alpha_label(a.alpha)
        ia = item_analysis(scales[s], reverse=reverse[s], likert=likert[s])
        flagged = list(ia.index[ia["low_r_drop"] | ia["alpha_rises"]])
        assert verdicts.loc[s, "flagged_items"] == ", ".join(flagged)
    assert set(items.index.get_level_values("scale")) == {"A", "C"}


def test_reliability_table_reports_unusable_scale():
    x = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2], "c": [1, 3, 2, 4]})
    verdicts, _ = reliability_table({"S": x})
    assert "constant" in verdicts.loc["S", "verdict_en"] and "b" in verdicts.loc["S", "verdict_en"]


def test_alpha_label_thresholds():
    assert [alpha_label(v) for v in (0.95, 0.85, 0.75, 0.65, 0.55, 0.3)] == [
        "excellent", "good", "acceptable", "questionable", "poor", "unacceptable"]
    assert alpha_label(0.72, "zh") == "可接受"


# ------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------


def _good(n: int = 30, k: int = 4, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    return pd.DataFrame(f + rng.normal(size=(n, k)), columns=[f"q{j + 1}" for j in range(k)])


def test_alpha_one_item():
    with pytest.raises(MethodError, match="at least 2"):
        cronbach_alpha(_good(k=1))


def test_alpha_two_items_warns():
    with pytest.warns(MethodWarning, match="2-item"):
        cronbach_alpha(_good(k=2))


def test_item_analysis_two_items():
    with pytest.raises(MethodError, match="at least 3"):
        item_analysis(_good(k=2))


def test_constant_item_named():
    x = _good()
    x["q3"] = 4.0
    with pytest.raises(MethodError, match="q3.*constant"):
        cronbach_alpha(x)


def test_non_numeric_item_named():
    x = _good()
    x["q2"] = "a"
    with pytest.raises(MethodTypeError, match="q2"):
        cronbach_alpha(x)


def test_not_a_frame():
    with pytest.raises(MethodTypeError):
        cronbach_alpha([[1, 2], [3, 4]])


def test_all_missing_item_named():
    x = _good()
    x["q4"] = np.nan
    with pytest.raises(MethodError, match="q4.*no observed"):
        cronbach_alpha(x)


def test_items_never_observed_together_named():
    x = _good(n=20)
    x.loc[:9, "q1"] = np.nan
    x.loc[10:, "q2"] = np.nan
    with pytest.raises(MethodError, match="q1.*q2.*together"):
        cronbach_alpha(x)


def test_infinite_value_named():
    x = _good()
    x.loc[3, "q2"] = np.inf
    with pytest.raises(MethodError, match="q2.*infinite"):
        item_analysis(x)


def test_reverse_unknown_item():
    with pytest.raises(MethodError, match="q9"):
        cronbach_alpha(_good(), reverse=["q9"])


def test_reverse_value_outside_likert():
    x = _good().round().clip(1, 5)
    x.loc[0, "q1"] = 7
    with pytest.raises(MethodError, match="q1.*likert"):
        cronbach_alpha(x, reverse=["q1"], likert=(1, 5))


def test_bad_ci_level():
    with pytest.raises(MethodError, match="ci"):
        cronbach_alpha(_good(), ci=95)


def test_alpha_pairwise_missing_uses_available_rows():
    x = _good(n=60)
    x.loc[::7, "q2"] = np.nan
    a = cronbach_alpha(x)
    assert a.n_obs == 60 and a.n_complete == 60 - len(range(0, 60, 7))
    c = x.cov()  # pandas: pairwise-complete, like R's use = "pairwise"
    k = 4
    want = k / (k - 1) * (1 - np.trace(c) / c.to_numpy().sum())
    assert a.alpha == pytest.approx(want, abs=1e-12)


def test_icc_one_rater():
    with pytest.raises(MethodError, match="2 raters"):
        icc(pd.DataFrame({"r1": [1, 2, 3, 4]}))


def test_icc_perfect_agreement_raises():
    x = pd.DataFrame({"r1": [1, 2, 3, 4], "r2": [2, 3, 4, 5]})
    with pytest.raises(MethodError, match="no residual variance"):
        icc(x)


def test_icc_missing_targets_dropped_with_warning():
    x = pd.read_csv(REF / "sf.csv").astype(float)
    y = pd.concat([x, pd.DataFrame({c: [np.nan if c == "J2" else 5.0] for c in x.columns})],
                  ignore_index=True)
    with pytest.warns(MethodWarning, match="1 targets"):
        tab = icc(y)
    assert np.allclose(tab["icc"], icc(x)["icc"])


def test_kendall_all_ties():
    x = pd.DataFrame({"r1": [3, 3, 3], "r2": [2, 2, 2]})
    with pytest.raises(MethodError, match="same score"):
        kendall_w(x)


def test_kendall_too_few_objects():
    with pytest.raises(MethodError, match="at least 3"):
        kendall_w(pd.DataFrame({"r1": [1, 2], "r2": [2, 1]}))


def test_split_half_unknown_split():
    with pytest.raises(MethodError, match="split"):
        split_half(_good(), split="random")


def test_omega_n_factors_not_integer():
    with pytest.raises(MethodError, match="n_factors"):
        omega(_good(k=6), 1.5)


def test_recode_reverse_keeps_rows_and_recodes():
    x = pd.DataFrame({"a": [1.0, 5.0, np.nan], "b": [2.0, np.nan, np.nan]})
    out = recode_reverse(x, ["a"], (1, 5))
    assert out.shape == x.shape
    assert out["a"].tolist()[:2] == [5.0, 1.0] and np.isnan(out["a"].iloc[2])
    assert out["b"].iloc[0] == 2.0


@pytest.mark.parametrize(("w", "en", "zh"), [(0.05, "very weak", "极弱"), (0.2, "weak", "弱"),
                                             (0.4, "moderate", "中等"), (0.6, "strong", "强"),
                                             (0.8, "very strong", "很强"),
                                             (0.95, "unusually strong", "极强")])
def test_kendall_label(w, en, zh):
    assert kendall_label(w) == en and kendall_label(w, "zh") == zh


@pytest.mark.parametrize(("v", "en"), [(0.3, "poor"), (0.6, "moderate"), (0.8, "good"),
                                       (0.95, "excellent")])
def test_icc_label(v, en):
    assert icc_label(v) == en


# ------------------------------------------------------------------------------------------------
# binary items: KR-20 and a 4-factor omega (ICAR ability data, tests/reference/psych_polychoric.R)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ability() -> pd.DataFrame:
    return pd.read_csv(REF / "ability.csv")


@pytest.fixture(scope="module")
def psych_poly() -> dict:
    return json.loads((REF / "psych_polychoric.json").read_text(encoding="utf-8"))


def test_alpha_on_binary_items_is_kr20(ability, psych_poly):
    """Cronbach's alpha of 0/1 items is Kuder-Richardson's KR-20,
    k/(k-1) (1 - sum p_i q_i / var(total)), with one divisor for both variances."""
    ref = psych_poly["alpha_ability"]
    assert_close("alpha (pairwise) vs psych", cronbach_alpha(ability).alpha,
                 ref["raw_alpha"], 1e-12)
    cc = ability.dropna()
    assert len(cc) == ref["n_complete"]
    assert_close("alpha (complete) vs psych", cronbach_alpha(cc).alpha,
                 ref["raw_alpha_complete"], 1e-12)
    x = cc.to_numpy()
    k, p = x.shape[1], x.mean(axis=0)
    kr20 = k / (k - 1) * (1 - np.sum(p * (1 - p)) / x.sum(axis=1).var())
    assert_close("KR-20 formula", cronbach_alpha(cc).alpha, kr20, 1e-12)


def test_omega_four_factors_matches_psych(ability, psych_poly):
    ref = psych_poly["omega_ability_4"]
    om = omega(ability, n_factors=4)
    assert_close("omega_h", om.omega_hierarchical, ref["omega_h"], ITERATIVE)
    assert_close("omega.tot", om.omega_total, ref["omega_tot"], ITERATIVE)
    assert_close("omega.lim", om.omega_limit, ref["omega_lim"], ITERATIVE)
    assert_close("alpha", om.alpha, ref["alpha"], CLOSED)
    sl = np.asarray(ref["sl"]["values"], dtype=float)
    cols = ref["sl"]["cols"]
    assert_close("schmid g loadings", om.general_loadings, sl[:, cols.index("g")], ITERATIVE)
    assert_close("schmid h2", om.communalities, sl[:, cols.index("h2")], ITERATIVE)
    assert_close("ECV", om.ecv, ref["ECV"], ITERATIVE)

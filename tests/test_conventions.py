"""convention="spssau": SPSSAU's documented defaults, checked against explicit loops written from
SPSSAU's help pages (spssau.net/helps/grey.html, coupling.html, entropy.html, entropy_topsis.html,
topsis.html); convention="dgpe" (the default) must give the numbers the project always gave.

SPSSAU's help pages show their worked examples as screenshots, not as text, so no printed
SPSSAU number could be retrieved to reproduce; the formulas the pages print are what is tested.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.conventions import CONVENTIONS, check_convention, spssau_interval, spssau_shift
from methods.evaluation.coupling import coupling_coordination
from methods.evaluation.grey import grey_relational_analysis, grey_relational_evaluation
from methods.evaluation.topsis import entropy_topsis
from methods.index.aggregate import topsis
from methods.weights.core import entropy_weights

RAW = pd.DataFrame(
    {"staff": [12.0, 30.0, 18.0, 25.0, 21.0], "spend": [1.2, 4.5, 2.0, 2.2, 3.1],
     "online": [0.61, 0.72, 0.65, 0.70, 0.66]},
    index=list("ABCDE"),
)
DIRS = {"staff": 1, "spend": -1, "online": 1}
SIGNED = pd.DataFrame(
    {"growth": [-1.5, 0.0, 2.0, 3.5, 1.0], "share": [0.2, 0.4, 0.1, 0.3, 0.5],
     "score": [0.0, 10.0, 40.0, 100.0, 70.0]},
    index=list("ABCDE"),
)


def loop_entropy(x: pd.DataFrame) -> dict[str, float]:
    """Entropy weights by SPSSAU's steps 2-6 (entropy.html), one cell at a time."""
    d = {}
    for c in x.columns:
        col = [float(v) for v in x[c]]
        lo = min(col)
        if lo <= 0:
            col = [v + abs(lo) + 0.01 for v in col]
        tot = sum(col)
        e = -sum((v / tot) * math.log(v / tot) for v in col) / math.log(len(col))
        d[c] = 1 - e
    s = sum(d.values())
    return {c: v / s for c, v in d.items()}


def test_check_convention() -> None:
    assert CONVENTIONS == ("dgpe", "spssau")
    with pytest.raises(MethodError, match="expected one of dgpe, spssau"):
        check_convention("SPSS", "options.x")


def test_shift_only_columns_with_nonpositive_values() -> None:
    out = spssau_shift(SIGNED.assign(pos=[1.0, 2, 3, 4, 5]))
    assert out["growth"].min() == pytest.approx(0.01)
    assert out["score"].min() == pytest.approx(0.01)
    assert (out["share"] == SIGNED["share"]).all()
    assert out["pos"].tolist() == [1.0, 2, 3, 4, 5]


def test_entropy_spssau_matches_loop_and_accepts_negatives() -> None:
    w = entropy_weights(SIGNED, convention="spssau").weights
    ref = loop_entropy(SIGNED)
    for c in SIGNED.columns:
        assert w[c] == pytest.approx(ref[c], abs=1e-12), c
    with pytest.raises(MethodError, match="negative"):
        entropy_weights(SIGNED)


def test_entropy_dgpe_default_unchanged() -> None:
    x = SIGNED.clip(lower=0)
    assert entropy_weights(x).weights.equals(entropy_weights(x, convention="dgpe").weights)
    # min-max data have a 0 in each column: SPSSAU's shift changes the weights a little
    z = (RAW - RAW.min()) / (RAW.max() - RAW.min())
    diff = entropy_weights(z, convention="spssau").weights - entropy_weights(z).weights
    assert 0 < diff.abs().max() < 0.05


def test_grey_analysis_spssau_has_no_scaling() -> None:
    ref, cmp = RAW["online"], RAW[["staff", "spend"]]
    spssau = grey_relational_analysis(ref, cmp, convention="spssau")
    none = grey_relational_analysis(ref, cmp, scaling="none")
    assert spssau.scaling == "none"
    pd.testing.assert_series_equal(spssau.grades, none.grades)
    dgpe = grey_relational_analysis(ref, cmp)
    assert dgpe.scaling == "mean"
    pd.testing.assert_series_equal(dgpe.grades, grey_relational_analysis(ref, cmp, scaling="mean").grades)
    # an explicit scaling wins over the convention's default
    assert grey_relational_analysis(ref, cmp, scaling="initial", convention="spssau").scaling == "initial"


def test_grey_analysis_spssau_loop() -> None:
    """Deng's coefficient on the unscaled data, two-level min/max over all sequences (grey.html)."""
    ref, cmp = RAW["online"] * 40, RAW[["staff", "spend"]]
    got = grey_relational_analysis(ref, cmp, convention="spssau").grades
    deltas = {c: [abs(ref.iloc[k] - cmp[c].iloc[k]) for k in range(len(ref))] for c in cmp}
    lo = min(min(v) for v in deltas.values())
    hi = max(max(v) for v in deltas.values())
    for c, dl in deltas.items():
        want = sum((lo + 0.5 * hi) / (d + 0.5 * hi) for d in dl) / len(dl)
        assert got[c] == pytest.approx(want, abs=1e-12), c


def test_grey_evaluation_spssau_takes_data_as_given() -> None:
    z = (RAW - RAW.min()) / (RAW.max() - RAW.min())
    a = grey_relational_evaluation(z, convention="spssau")
    b = grey_relational_evaluation(z, normalise=False)
    pd.testing.assert_series_equal(a.grades, b.grades)
    with pytest.raises(MethodError, match="directions"):
        grey_relational_evaluation(z, directions=DIRS, convention="spssau")
    d = grey_relational_evaluation(RAW, directions=DIRS)
    pd.testing.assert_series_equal(
        d.grades, grey_relational_evaluation(RAW, directions=DIRS, normalise=True).grades)


def test_coupling_spssau_rescales_to_001_099() -> None:
    u = pd.DataFrame({"input": [35.0, 80.0, 52.0, 61.0], "output": [20.0, 75.0, 90.0, 40.0]},
                     index=list("ABCD"))
    with pytest.raises(MethodError, match=r"\[0, 1\]"):
        coupling_coordination(u)
    got = coupling_coordination(u, convention="spssau", variant="standard")
    for unit in u.index:
        scaled = [0.01 + 0.98 * (u.at[unit, c] - u[c].min()) / (u[c].max() - u[c].min())
                  for c in u.columns]
        c_ = 2 * math.sqrt(scaled[0] * scaled[1]) / (scaled[0] + scaled[1])
        t_ = sum(scaled) / 2
        assert got.coupling[unit] == pytest.approx(c_, abs=1e-12)
        assert got.coordination[unit] == pytest.approx(math.sqrt(c_ * t_), abs=1e-12)
    assert spssau_interval(u).min().tolist() == pytest.approx([0.01, 0.01])
    assert spssau_interval(u).max().tolist() == pytest.approx([0.99, 0.99])
    with pytest.raises(MethodError, match="constant"):
        coupling_coordination(u.assign(output=1.0), convention="spssau")


def test_coupling_dgpe_default_unchanged() -> None:
    u = pd.DataFrame({"input": [0.80, 0.50, 0.30], "output": [0.40, 0.50, 0.35]})
    pd.testing.assert_frame_equal(coupling_coordination(u).to_frame(),
                                  coupling_coordination(u, convention="dgpe").to_frame())


def test_topsis_spssau_adds_no_normalisation() -> None:
    z = (RAW - RAW.min()) / (RAW.max() - RAW.min())
    w = pd.Series({"staff": 0.5, "spend": 0.2, "online": 0.3})
    a = topsis(z, w, convention="spssau")
    b = topsis(z, w, normalisation="none")
    pd.testing.assert_series_equal(a.scores, b.scores)
    pd.testing.assert_series_equal(topsis(z, w).scores, topsis(z, w, normalisation="vector").scores)
    with pytest.raises(MethodError, match="convention"):
        topsis(z, w, convention="excel")


def test_entropy_topsis_spssau_loop() -> None:
    """entropy_topsis.html: shift, entropy weights, weighted data, TOPSIS on the weighted data."""
    got = entropy_topsis(SIGNED, convention="spssau")
    w = loop_entropy(SIGNED)
    shifted = {c: [v + abs(min(SIGNED[c])) + 0.01 if min(SIGNED[c]) <= 0 else v for v in SIGNED[c]]
               for c in SIGNED}
    v = {c: [w[c] * x for x in col] for c, col in shifted.items()}
    for i, unit in enumerate(SIGNED.index):
        dp = math.sqrt(sum((max(col) - col[i]) ** 2 for col in v.values()))
        dm = math.sqrt(sum((col[i] - min(col)) ** 2 for col in v.values()))
        assert got.closeness[unit] == pytest.approx(dm / (dp + dm), abs=1e-12), unit
    assert got.preprocess == "spssau"
    with pytest.raises(MethodError, match="reversed"):
        entropy_topsis(SIGNED, directions={"growth": 1, "share": -1, "score": 1}, convention="spssau")
    with pytest.raises(MethodError, match="preprocess"):
        entropy_topsis(SIGNED, preprocess="raw", convention="spssau")


def test_entropy_topsis_dgpe_default_unchanged() -> None:
    d = {"staff": 1, "spend": -1, "online": 1}
    a = entropy_topsis(RAW, directions=d)
    b = entropy_topsis(RAW, directions=d, preprocess="minmax")
    pd.testing.assert_series_equal(a.closeness, b.closeness)
    assert np.isclose(a.weights.sum(), 1)


# ------------------------------------------------------------------ run config and report
def test_run_config_convention_reaches_build_and_comparison() -> None:
    import warnings
    from pathlib import Path

    from dgpe.errors import ConfigError
    from dgpe.sections import comparison as cs
    from dgpe.session import open_run

    cfg = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
    with pytest.raises(ConfigError, match="convention"):
        open_run(cfg, notebook="t", lang="en", overrides=["convention=SPSS"])
    with pytest.raises(ConfigError, match="convention"):
        open_run(cfg, notebook="t", lang="en", overrides=["build.weights={method: critic, convention: spssau}"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dgpe = open_run(cfg, notebook="t", lang="en", overrides=["build.weights=entropy"])
        spssau = open_run(cfg, notebook="t", lang="en", overrides=["build.weights=entropy", "convention=spssau"])
        assert dgpe.plan.spec.weights == "entropy"
        assert "convention" not in dgpe.plan.config.to_yaml_dict()
        assert spssau.plan.spec.weights == {"method": "entropy", "convention": "spssau"}
        w0, w1 = dgpe.plan.index.weights, spssau.plan.index.weights
        assert 0 < (w0 - w1).abs().max() < 0.01  # the 0.01 shift of min-max data moves entropy a little
        ev0, ev1 = cs.evaluate(dgpe), cs.evaluate(spssau)
        # grey relations on oriented min-max data with the ideal at 1: the same as the project's
        # (with the same weights; the run's entropy weights differ)
        same = grey_relational_evaluation(ev1.treated, weights=ev1.weights, directions=ev1.directions)
        pd.testing.assert_series_equal(ev1.scores["grey_relational"], same.grades, check_names=False)
        assert not ev0.scores["entropy_topsis"].equals(ev1.scores["entropy_topsis"])
        keys = [f.key for f in cs.rankings(spssau).findings]
        assert "comparison.convention_spssau" in keys
        assert "comparison.convention_spssau" not in [f.key for f in cs.rankings(dgpe).findings]


def test_topsis_checks_its_convention_even_with_a_normalisation():
    from methods.index.aggregate import topsis

    x = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
    with pytest.raises(MethodError, match="convention"):
        topsis(x, [0.5, 0.5], normalisation="vector", convention="spss")

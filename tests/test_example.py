"""The example generator: deterministic, matches the committed files, and its truth is recoverable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgpe.example import DEFAULT_SEED, generate_example, write_example
from methods import audit


@pytest.fixture(scope="module")
def example(framework):
    return generate_example(framework, seed=DEFAULT_SEED)


def test_committed_files_are_the_generators_output(tmp_path, example, example_dir):
    written = write_example(example, tmp_path)
    for path in written:
        rel = path.relative_to(tmp_path)
        assert path.read_bytes() == (example_dir / rel).read_bytes(), f"data/example/{rel} differs from the generator's output; run `dgpe example --force`"


def test_deterministic_and_seed_sensitive(framework, example):
    again = generate_example(framework, seed=DEFAULT_SEED)
    pd.testing.assert_frame_equal(example.indicators, again.indicators)
    pd.testing.assert_frame_equal(example.survey, again.survey)
    other = generate_example(framework, seed=DEFAULT_SEED + 1)
    assert not example.indicators.equals(other.indicators)


def test_shape_and_data_problems_on_purpose(framework, example):
    ind = example.indicators
    assert ind["unit_id"].nunique() == 150 and ind["year"].nunique() == 3 and ind["province"].nunique() >= 5
    share_missing = ind[framework.indicator_codes].isna().to_numpy().mean()
    assert 0.02 < share_missing < 0.04
    x = ind[ind["year"] == 2025][framework.indicator_codes]
    assert (x["D1.1"] >= 0.99).mean() > 0.5  # the ceiling the audit must flag
    dist = audit.distribution_table(x)
    assert dist["outlier_flag"].sum() >= 2  # a few outliers on purpose
    assert len(example.survey) >= 3000 and example.delphi["expert"].nunique() >= 15
    assert set(example.delphi["round"]) == {1, 2}


def test_indicators_recover_their_dimension(framework, panel, X2025):
    truth = dict(zip(*[generate_example(framework).truth["indicator_loadings"][c] for c in ("indicator", "dimension")], strict=True))
    z = audit.oriented(X2025, framework.to_meta())
    z = (z - z.mean()) / z.std()
    hits = 0
    for c in z.columns:
        scores = {}
        for d in "ABCD":
            others = [o for o in z.columns if truth[o] == d and o != c]
            scores[d] = z[c].corr(z[others].mean(axis=1))
        hits += max(scores, key=scores.get) == truth[c]
    assert hits / len(z.columns) >= 0.9, f"only {hits} of {len(z.columns)} indicators correlate most with their true dimension"


def test_input_heavy_units_are_found_by_the_pair_audit(framework, example_dir, X2025):
    truth = pd.read_csv(example_dir / "truth" / "units.csv").set_index("unit_id")["input_heavy"]
    xo = audit.oriented(X2025, framework.to_meta())
    div = audit.pair_divergence(xo, framework.pairs, gap=0.4)
    counts = div.units[div.units["gap"] > 0.4]["unit"].value_counts()
    flagged = set(counts.index[counts >= 2])
    true = set(truth.index[truth])
    precision = len(flagged & true) / len(flagged)
    recall = len(flagged & true) / len(true)
    assert precision >= 0.7 and recall >= 0.7, (precision, recall)


def test_survey_items_cluster_by_scale(framework, example):
    s = example.survey[framework.scale_items()].astype(float)
    r = s.corr().abs()
    for scale in framework.scales:
        for item in scale.items:
            mean_by_scale = {
                other.code: r.loc[item, [i for i in other.items if i != item]].mean() for other in framework.scales
            }
            assert max(mean_by_scale, key=mean_by_scale.get) == scale.code, item
    loadings = example.truth["survey_loadings"].set_index("item")["loading"]
    for scale in framework.scales:
        for item in scale.reverse:
            assert loadings[item] < 0


def test_national_scale(framework):
    big = generate_example(framework, n_units=2844, n_respondents=3000)
    assert big.indicators["unit_id"].nunique() == 2844
    assert np.isfinite(big.indicators[framework.indicator_codes].to_numpy(dtype=float)).mean() > 0.95

"""Off-path verdicts that once misled: scores of a joint ranking are not summarised on a scale,
and a ranking relative to each year is not compared across years."""

from __future__ import annotations

import pytest

from dgpe.sections import index as index_sections
from dgpe.sections import sensitivity as sa_sections
from dgpe.session import open_run


@pytest.fixture(scope="module", params=["topsis", "copeland"])
def joint_run(request):
    bands = "bands={high: 0.8, mid: 0.5}" if request.param == "topsis" else "bands=null"
    return open_run("configs/default.yaml", notebook="t",
                    overrides=[f"build.aggregate={{default: {request.param}}}", bands, "sensitivity.n=64"])


def test_no_score_statistics_or_bands_from_samples_when_the_index_is_a_joint_ranking(joint_run):
    ua = sa_sections.uncertainty(joint_run)
    res = ua.data["result"]
    assert "score_mean" not in res.units.columns or res.units["score_mean"].isna().all()
    assert res.band_probability is None or res.band_probability.isna().all().all()
    assert "jointly" in res.band_basis


def test_a_joint_ranking_is_not_compared_across_years(joint_run):
    sec = index_sections.years(joint_run)
    assert sec.skipped is not None and sec.skipped.key == "index.skipped_years_joint"

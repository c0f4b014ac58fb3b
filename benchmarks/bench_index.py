"""Speed of one re-evaluation of the index under new weights (not part of the test suite).

Uncertainty analysis (issue 5) re-evaluates the index thousands of times. COINr's ``Regen()``
replays the whole build for each sample; :class:`methods.index.IndexEvaluator` keeps the prepared,
normalised matrix and only re-aggregates. Both are timed here in the same run on the default
example data (150 units x 42 indicators, 4 levels), and the ratio is printed and stored in
``extra_info``.

Run: ``.venv/bin/pytest benchmarks/bench_index.py --benchmark-only -p no:xdist -s``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods.index import IndexEvaluator, build_index

ROOT = Path(__file__).resolve().parents[1]
SPEC = {"impute": {"method": "mean_group", "by": "province"}, "treat": {"method": "jrc", "winmax": 5},
        "normalise": {"method": "minmax", "range": [0, 100]}, "weights": "expert",
        "aggregate": {"default": "arithmetic"}}
_times: dict[str, float] = {}


@pytest.fixture(scope="module")
def inputs():
    from dgpe.framework import load_framework

    fw = load_framework(ROOT / "data" / "framework.yaml")
    panel = pd.read_csv(ROOT / "data" / "example" / "indicators.csv")
    data = panel[panel["year"] == panel["year"].max()].drop(columns="year")
    return data, fw.to_meta()


def test_full_rebuild(benchmark, inputs):
    data, meta = inputs
    ev = IndexEvaluator(data, meta, SPEC)
    w = dict(zip(ev.codes, ev.base_weights * 1.1, strict=True))
    benchmark(build_index, data, meta, SPEC, weights=w)
    _times["rebuild"] = benchmark.stats.stats.mean


def test_fast_reaggregation(benchmark, inputs):
    data, meta = inputs
    ev = IndexEvaluator(data, meta, SPEC)
    w = ev.base_weights * np.random.default_rng(0).uniform(0.75, 1.25, ev.base_weights.size)
    benchmark(ev.scores, None, w)
    _times["fast"] = benchmark.stats.stats.mean
    if "rebuild" in _times:
        ratio = _times["rebuild"] / _times["fast"]
        benchmark.extra_info["speedup_vs_rebuild"] = ratio
        print(f"\nIndexEvaluator.scores is {ratio:.0f}x faster than build_index per evaluation")

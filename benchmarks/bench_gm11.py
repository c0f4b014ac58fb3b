"""Speed of GM(1,1) next-year targets at national scale (not part of the test suite).

2,844 units x 6 years (growth series with noise, fixed seed): :func:`methods.forecast.gm11_targets`
fits every unit in one vectorised pass; the baseline, timed in the same run, is one
:func:`methods.forecast.gm11` per unit (the naive loop) on the first 200 units, extrapolated to all.
The ratio is printed and stored in ``extra_info``; the numbers of both are equal (checked here and in
``tests/test_gm11.py``).

Run: ``.venv/bin/pytest benchmarks/bench_gm11.py --benchmark-only -p no:xdist -s``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from methods.forecast import gm11, gm11_targets

N_UNITS, YEARS, LOOP_UNITS = 2_844, list(range(2019, 2025)), 200


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(20261130)
    base = rng.uniform(20, 80, N_UNITS)[None, :]
    growth = rng.uniform(0.97, 1.08, N_UNITS)[None, :]
    vals = base * growth ** np.arange(len(YEARS))[:, None] * rng.uniform(0.97, 1.03, (len(YEARS), N_UNITS))
    return pd.DataFrame(vals, index=YEARS, columns=[f"u{i:04d}" for i in range(N_UNITS)])


def test_gm11_targets_against_a_per_unit_loop(benchmark, panel):
    t0 = time.perf_counter()
    loop = [gm11(panel[u]).forecast.iloc[0] for u in panel.columns[:LOOP_UNITS]]
    naive = (time.perf_counter() - t0) * N_UNITS / LOOP_UNITS
    res = benchmark.pedantic(gm11_targets, args=(panel,), rounds=3, iterations=1)
    np.testing.assert_allclose(res.targets["forecast"].iloc[:LOOP_UNITS], loop, rtol=1e-12)
    fast = benchmark.stats.stats.median
    benchmark.extra_info.update({"naive_extrapolated_s": naive, "ratio": naive / fast})
    print(f"\ngm11_targets {fast:.3f} s; per-unit loop (extrapolated) {naive:.2f} s; ratio {naive / fast:.0f}x")

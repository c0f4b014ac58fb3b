"""Speed of DEA and the Malmquist index at national scale (not part of the test suite).

Data: 2,844 units x 10 variables (5 inputs, 5 outputs: Cobb–Douglas outputs of the inputs with a
half-normal inefficiency and noise) x 3 years, generated here from a fixed seed. Figures:

1. ``dea`` CCR and BCC, input oriented, both phases (radial score, then the largest slacks), on
   one year; SBM; BCC with super-efficiency;
2. ``malmquist`` over the three years, the issue's target (seconds): per unit, 3 CRS and 3 VRS
   own-period programmes and 4 CRS cross-period ones, 10 per unit, 28,440 in all;
3. the baseline, timed in the same run: one ``scipy.optimize.linprog(method="highs")`` per unit
   with all 2,844 units as columns (the naive per-unit loop). It runs on the first
   ``NAIVE_UNITS`` units only and is extrapolated linearly to all units (each unit's programme has
   the same size, so its time per unit is the figure); its scores are checked against ours.
   The naive CCR costs two programmes per unit (radial score and slacks) and the naive Malmquist
   10 per unit, at the per-programme time measured.

Timings are wall clock on a machine shared with other jobs: each figure is printed with the load
average and the process CPU seconds, the load-independent figure.

Run: ``.venv/bin/pytest benchmarks/bench_dea.py --benchmark-only -p no:xdist -s``.
The ratios are printed and stored in each benchmark's ``extra_info``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from methods.efficiency import dea, malmquist

N_UNITS, N_IN, N_OUT, YEARS, SEED = 2_844, 5, 5, (2021, 2022, 2023), 20261130
NAIVE_UNITS = 60
_times: dict[str, float] = {}


def _panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(SEED)
    base = rng.lognormal(0.0, 0.6, (N_UNITS, N_IN))
    xs, ys = [], []
    for t, _ in enumerate(YEARS):
        x = base * rng.lognormal(0.0, 0.1, (N_UNITS, N_IN))
        eff = np.exp(-np.abs(rng.normal(0.0, 0.3, N_UNITS)))
        w = rng.dirichlet(np.ones(N_IN), N_OUT)
        y = (np.exp(np.log(x) @ w.T * 0.9) * eff[:, None] * (1 + 0.05 * t)
             * rng.lognormal(0.0, 0.15, (N_UNITS, N_OUT)))
        xs.append(x)
        ys.append(y)
    idx = pd.MultiIndex.from_product([[f"u{i:04d}" for i in range(N_UNITS)], YEARS],
                                     names=["unit", "year"])
    x = np.stack(xs, axis=1).reshape(-1, N_IN)
    y = np.stack(ys, axis=1).reshape(-1, N_OUT)
    return (pd.DataFrame(x, index=idx, columns=[f"x{j}" for j in range(N_IN)]),
            pd.DataFrame(y, index=idx, columns=[f"y{j}" for j in range(N_OUT)]))


@pytest.fixture(scope="module")
def panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _panel()


@pytest.fixture(scope="module")
def year(panel) -> tuple[pd.DataFrame, pd.DataFrame]:
    x, y = panel
    return x.xs(YEARS[0], level="year"), y.xs(YEARS[0], level="year")


def _timed(benchmark, key: str, fn, *args, **kwargs):
    cpu0 = time.process_time()
    out = benchmark.pedantic(fn, args=args, kwargs=kwargs, rounds=1, iterations=1)
    _times[key] = benchmark.stats.stats.mean
    _times[key + "_cpu"] = time.process_time() - cpu0
    load = os.getloadavg()[0]
    benchmark.extra_info.update(wall_s=_times[key], cpu_s=_times[key + "_cpu"], load=load)
    print(f"\n{key}: {_times[key]:.2f} s wall, {_times[key + '_cpu']:.2f} s CPU "
          f"(load average {load:.2f})")
    return out


def _naive_ccr(x: np.ndarray, y: np.ndarray, units: range) -> tuple[np.ndarray, float]:
    """Per unit, the input-oriented CCR programme over all units with linprog; seconds per LP."""
    n = len(x)
    c = np.r_[1.0, np.zeros(n)]
    a_ub = np.block([[np.zeros((x.shape[1], 1)), x.T], [np.zeros((y.shape[1], 1)), -y.T]])
    scores = []
    t0 = time.perf_counter()
    for o in units:
        a_ub[: x.shape[1], 0] = -x[o]
        b_ub = np.r_[np.zeros(x.shape[1]), -y[o]]
        scores.append(linprog(c, A_ub=a_ub, b_ub=b_ub, method="highs").fun)
    return np.array(scores), (time.perf_counter() - t0) / len(units)


def test_naive_per_unit_loop_baseline(benchmark, year):
    x, y = (f.to_numpy() for f in year)
    scores, per_lp = _timed(benchmark, "naive_subset", _naive_ccr, x, y, range(NAIVE_UNITS))
    _times["naive_per_lp"] = per_lp
    _times["naive_scores"] = scores  # type: ignore[assignment]
    print(f"naive: {per_lp * 1e3:.1f} ms per programme; extrapolated to {N_UNITS} units: "
          f"CCR (2 programmes per unit) {2 * per_lp * N_UNITS:.0f} s, Malmquist "
          f"(10 per unit) {10 * per_lp * N_UNITS:.0f} s")


@pytest.mark.parametrize("model", ["ccr", "bcc"])
def test_dea(benchmark, year, model):
    x, y = year
    res = _timed(benchmark, f"dea_{model}", dea, x, y, model=model)
    if model == "ccr" and "naive_scores" in _times:
        np.testing.assert_allclose(res.efficiency.to_numpy()[:NAIVE_UNITS],
                                   _times["naive_scores"], atol=1e-8)
    if "naive_per_lp" in _times:
        naive = 2 * _times["naive_per_lp"] * N_UNITS
        ratio = naive / _times[f"dea_{model}"]
        benchmark.extra_info["speedup_vs_naive_extrapolated"] = ratio
        print(f"{model}: naive per-unit loop (extrapolated) {naive:.0f} s; ratio {ratio:.0f}x; "
              f"{int(res.efficient.sum())} efficient units")


def test_dea_sbm(benchmark, year):
    _timed(benchmark, "dea_sbm", dea, *year, model="sbm")


def test_dea_super_efficiency(benchmark, year):
    res = _timed(benchmark, "dea_bcc_super", dea, *year, model="bcc", super_efficiency=True)
    print(f"notes: {res.notes}")


def test_malmquist_national(benchmark, panel):
    res = _timed(benchmark, "malmquist", malmquist, *panel)
    if "naive_per_lp" in _times:
        naive = 10 * _times["naive_per_lp"] * N_UNITS
        ratio = naive / _times["malmquist"]
        benchmark.extra_info["speedup_vs_naive_extrapolated"] = ratio
        print(f"malmquist: naive (extrapolated) {naive:.0f} s; ratio {ratio:.0f}x")
    print(res.by_period().round(4).to_string())

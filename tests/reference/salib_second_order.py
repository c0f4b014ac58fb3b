"""SALib 1.6's second-order Sobol' indices on two test functions, for tests/test_sensitivity_conv.py.

Run from the repository root with SALib installed (it is a dependency of the project):

    python tests/reference/salib_second_order.py

writes tests/reference/salib_second_order.json: for each case the sampler settings, and SALib's
``sobol.analyze(problem, y, calc_second_order=True, num_resamples=50, conf_level=0.95, seed=5)``
(S1, ST, S2 and S2_conf) on the outputs of ``sobol.sample(problem, N, calc_second_order=True,
seed=...)``.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
from SALib.analyze import sobol as salib_analyze
from SALib.sample import sobol as salib_sample

OUT = Path(__file__).with_suffix(".json")


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def grouped(x: np.ndarray) -> np.ndarray:
    return x[:, 0] * x[:, 1] + x[:, 2] + 2 * x[:, 3] * x[:, 4]


CASES = {
    "ishigami": ({"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3},
                 ishigami, 1024, 3),
    "grouped": ({"num_vars": 5, "names": ["a", "b", "c", "d", "e"],
                 "groups": ["g1", "g2", "g1", "g3", "g2"], "bounds": [[0, 1]] * 5},
                grouped, 512, 11),
}


def main() -> None:
    out: dict = {"salib": version("SALib"), "num_resamples": 50, "conf_level": 0.95,
                 "analyze_seed": 5, "cases": {}}
    for name, (problem, f, n, seed) in CASES.items():
        x = salib_sample.sample(problem, n, calc_second_order=True, seed=seed)
        y = f(x)
        res = salib_analyze.analyze(problem, y, calc_second_order=True, num_resamples=50,
                                    conf_level=0.95, seed=5)
        bounds = np.asarray(problem["bounds"], dtype=float).tolist()
        out["cases"][name] = {
            "problem": {**{k: v for k, v in problem.items() if k != "sample_scaled"}, "bounds": bounds}, "n": n, "sample_seed": seed,
            "S1": res["S1"].tolist(), "ST": res["ST"].tolist(),
            "S2": res["S2"].tolist(), "S2_conf": res["S2_conf"].tolist(),
        }
    OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

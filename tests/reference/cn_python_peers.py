"""Reference values for FAHP and grey relational evaluation from independent Python packages.

Peers (installed only into a throw-away virtualenv, never into the project):

    python3 -m venv /tmp/peer-venv
    /tmp/peer-venv/bin/pip install pydecision==5.1.8 pyfdm==1.2.1
    /tmp/peer-venv/bin/python tests/reference/cn_python_peers.py

Writes ``tests/reference/cn_fahp_pypeers.json`` and ``tests/reference/cn_grey_pydecision.json``.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import pathlib

import numpy as np
from pyDecision.algorithm import fuzzy_ahp_method, gra_method
from pyfdm.weights.subjective import fAHP

HERE = pathlib.Path(__file__).parent

# ---------------------------------------------------------------- FAHP (Buckley, centroid)
# 1. pyfdm's own docstring example (3 criteria)
m1 = [
    [[1, 1, 1], [1, 2, 3], [2, 3, 4]],
    [[1 / 3, 1 / 2, 1], [1, 1, 1], [1, 2, 3]],
    [[1 / 4, 1 / 3, 1 / 2], [1 / 3, 1 / 2, 1], [1, 1, 1]],
]
# 2. a 4-criterion matrix on the 1-9 TFN scale (k -> (k-1, k, k+1)), Saaty judgements
#    A-B 3, A-C 5, A-D 2, B-C 2, B-D 1/2, C-D 1/3
def tfn(k: float) -> list[float]:
    if k == 1:
        return [1.0, 1.0, 1.0]
    if k > 1:
        return [max(1.0, k - 1), k, min(9.0, k + 1)]
    lo, mid, hi = tfn(1 / k)
    return [1 / hi, 1 / mid, 1 / lo]


crisp = [[1, 3, 5, 2], [1 / 3, 1, 2, 1 / 2], [1 / 5, 1 / 2, 1, 1 / 3], [1 / 2, 2, 3, 1]]
m2 = [[tfn(v) for v in row] for row in crisp]

out = {
    "peers": {
        "pyDecision": md.version("pyDecision"),
        "pyfdm": md.version("pyfdm"),
        "numpy": md.version("numpy"),
    },
    "script": "tests/reference/cn_python_peers.py",
    "examples": {},
}
for name, mat in (("pyfdm_doc_3x3", m1), ("saaty_4x4_delta1", m2)):
    f_w, d_w, n_w, rc = fuzzy_ahp_method(mat)
    fz = fAHP()(comparison_matrix=np.array(mat, dtype=float))
    # pyfdm returns fuzzy weights (l, m, u); its crisp weights are their normalised centroids
    centroid = fz.mean(axis=1)
    out["examples"][name] = {
        "matrix": mat,
        "pydecision_fuzzy_weights": [list(map(float, t)) for t in f_w],
        "pydecision_weights": [float(v) for v in n_w],
        "pyfdm_fuzzy_weights": fz.tolist(),
        "pyfdm_centroid_normalised": (centroid / centroid.sum()).tolist(),
    }
(HERE / "cn_fahp_pypeers.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))

# ---------------------------------------------------------------- GRA (pyDecision)
# Si Shoukui ex. 14.5 data as units (6) x indicators (9); pyDecision's gra_method uses
# rho = epsilon, min-max normalisation, a reference of 1 and divides the weighted sum by the
# number of units (a constant factor).
a = np.array(
    [
        [0.83, 0.90, 0.99, 0.92, 0.87, 0.95],
        [326, 295, 340, 287, 310, 303],
        [21, 38, 25, 19, 27, 10],
        [3.2, 2.4, 2.2, 2.0, 0.9, 1.7],
        [0.20, 0.25, 0.12, 0.33, 0.20, 0.09],
        [0.15, 0.20, 0.14, 0.09, 0.15, 0.17],
        [250, 180, 300, 200, 150, 175],
        [0.23, 0.15, 0.27, 0.30, 0.18, 0.26],
        [0.87, 0.95, 0.99, 0.89, 0.82, 0.94],
    ]
).T
types = ["max", "min", "min", "min", "max", "max", "max", "max", "max"]
w = np.array([0.2, 0.05, 0.05, 0.1, 0.1, 0.15, 0.1, 0.1, 0.15])
g = gra_method(a, types, w, epsilon=0.5, graph=False, verbose=False)
gra = {
    "peer": "pyDecision " + md.version("pyDecision"),
    "script": "tests/reference/cn_python_peers.py",
    "weights": w.tolist(),
    "grade_times_n_units": (g * a.shape[0]).tolist(),
}
(HERE / "cn_grey_pydecision.json").write_text(json.dumps(gra, indent=1))
print("written")

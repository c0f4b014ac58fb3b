"""Reference values for entropy, CRITIC and TOPSIS (tests/test_weights.py, tests/test_aggregate.py).

Produced with pymcdm 1.4.0 (PyPI; installed in a throw-away virtual environment, not a dependency
of dgpe) on the COINr ASEM geometric-variant normalised data (min-max to [1, 100], so no zeros:
pymcdm sets the entropy of a column containing a zero to 0, which differs from the 0 ln 0 = 0
convention). Indicators: the pillars Physical, ConEcFin and Political.

Usage (from tests/reference):  python pymcdm_asem.py  -> pymcdm_asem.json
"""

import json

import numpy as np
import pandas as pd
import pymcdm
from pymcdm import weights as pw
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization

meta = pd.read_csv("asem/asem_iMeta.csv")
codes = meta.loc[
    (meta["Level"] == 1) & meta["Parent"].isin(["Physical", "ConEcFin", "Political"]), "iCode"
].tolist()
x = pd.read_csv("asem/geo_Normalised.csv").set_index("uCode")[codes]
m = x.to_numpy(dtype=float)
types = np.ones(len(codes))
ent = pw.entropy_weights(m)
cri = pw.critic_weights(m)
eq = np.full(len(codes), 1 / len(codes))
top_eq = TOPSIS(normalization_function=vector_normalization)(m, eq, types)
top_ent = TOPSIS(normalization_function=vector_normalization)(m, ent, types)
out = {
    "peer": "pymcdm " + getattr(pymcdm, "__version__", "1.4.0"),
    "data": "asem/geo_Normalised.csv",
    "indicators": codes,
    "units": x.index.tolist(),
    "entropy_weights": ent.tolist(),
    "critic_weights": cri.tolist(),
    "topsis_equal_weights": top_eq.tolist(),
    "topsis_entropy_weights": top_ent.tolist(),
}
with open("pymcdm_asem.json", "w") as f:
    json.dump(out, f, indent=1)

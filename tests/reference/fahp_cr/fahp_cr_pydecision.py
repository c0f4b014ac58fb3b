"""pyDecision 5.1.8 fuzzy_ahp_method's consistency ratio (of the graded-mean defuzzified matrix, its
lambda_max estimated with the FAHP weights) for the matrices in matrices.json: what a user of that
peer sees, stored to show how it differs from the middle-matrix CR. Run in a throw-away venv:
    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install pydecision==5.1.8
    /tmp/peer/bin/python fahp_cr_pydecision.py
"""

import json
import pathlib

from pyDecision.algorithm import fuzzy_ahp_method

HERE = pathlib.Path(__file__).parent
mats = {k: v for k, v in json.loads((HERE / "matrices.json").read_text()).items() if k != "_about"}
out = {name: {"rc": float(fuzzy_ahp_method([[tuple(c) for c in row] for row in m])[3])} for name, m in mats.items()}
out["_about"] = "pyDecision 5.1.8 fuzzy_ahp_method(dataset)[3]"
(HERE / "fahp_cr_pydecision.json").write_text(json.dumps(out, indent=2))

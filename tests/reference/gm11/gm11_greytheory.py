"""Reference values for methods.forecast.gm11 from a second independent implementation: the Python
package greytheory 2.0.5 (PyPI), class ``GreyGM11`` (default least squares, no ridge penalty):
a, b, the fitted values for k = 2..n, three forecasts and its ``mape`` (mean relative error over
k = 2..n), on the series of ``gm11_mathmodels.R``.

greytheory is not a dependency of dgpe; install it outside the repository and run from the root:
    pip install --no-deps --target /tmp/gmob-ref/py greytheory==2.0.5
    PYTHONPATH=/tmp/gmob-ref/py python tests/reference/gm11/gm11_greytheory.py
Writes tests/reference/gm11/gm11_greytheory.json.
"""

import json
from importlib.metadata import version
from pathlib import Path

from greytheory import GreyGM11

HERE = Path("tests/reference/gm11")
SERIES = json.loads((HERE / "gm11_mathmodels.json").read_text(encoding="utf-8"))["cases"]


def case(x: list[float]) -> dict:
    m = GreyGM11(horizon=3)
    m.fit(x)
    values = [r.forecast_value for r in m.analyzed_results]
    a, b = (float(v) for v in m.coefficients_)
    return {"x": x, "a": a, "b": b, "fitted_2_to_n": values[: len(x) - 1],
            "forecast": values[len(x) - 1:], "mape": m.metrics_["mape"]}


out = {"meta": {"peer": "greytheory (Python)", "version": version("greytheory"),
                "call": "GreyGM11(horizon=3).fit(x)",
                "script": "tests/reference/gm11/gm11_greytheory.py"},
       "cases": {name: case(c["x"]) for name, c in SERIES.items()}}
(HERE / "gm11_greytheory.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")

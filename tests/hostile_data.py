"""Small and unusual but legitimate inputs (issue 16): builders of run configs in a temporary folder.

Each builder copies the bundled example (``data/example``, ``data/framework.yaml``), changes one
thing and returns the path of a run config naming the copies: Chinese unit ids and group column,
a sub-dimension of two indicators, a constant survey item, one Delphi expert, units each alone in
their peer group, one unit, fewer units than indicators, a tiny survey, a constant indicator, every
AHP matrix inconsistent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example"
FILES = ("indicators", "survey", "delphi", "experts", "ahp")


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def write_case(folder: Path, *, frames: dict[str, pd.DataFrame] | None = None, framework: dict[str, Any] | None = None,
               config: dict[str, Any] | None = None) -> Path:
    """Write the example (with ``frames`` replacing its files, ``framework`` its framework and
    ``config`` merged into the run config) into ``folder``; return the run config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = frames or {}
    for name in FILES:
        df = frames.get(name)
        (folder / f"{name}.csv").write_text((df if df is not None else _read(name)).to_csv(index=False),
                                            encoding="utf-8")
    fw = framework if framework is not None else yaml.safe_load((ROOT / "data" / "framework.yaml").read_text("utf-8"))
    (folder / "framework.yaml").write_text(yaml.safe_dump(fw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cfg: dict[str, Any] = {
        "name": "hostile", "framework": "framework.yaml",
        "data": {n: f"{n}.csv" for n in FILES}, "year": 2025, "lang": "zh", "seed": 1, "groups": ["province", "tier"],
        "build": {"impute": {"method": "mean_group", "group": "province"}, "treat": {"method": "jrc", "winmax": 5},
                  "normalise": {"method": "minmax", "range": [0, 100]}, "weights": "expert",
                  "aggregate": {"default": "arithmetic"}},
        "bands": {"高": 80, "中": 60},
        "sensitivity": {"n": 64, "uncertainties": {"weights": {"noise": 0.25, "levels": [2, 3]}, "normalise": ["minmax", "zscore"]}},
    }
    for key, value in (config or {}).items():
        cfg[key] = value
    path = folder / "run.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _units(n: int) -> list[str]:
    ind = _read("indicators")
    return list(dict.fromkeys(ind["unit_id"]))[:n]


def _keep_units(ids: list[str]) -> dict[str, pd.DataFrame]:
    ind, sv = _read("indicators"), _read("survey")
    return {"indicators": ind[ind["unit_id"].isin(ids)], "survey": sv[sv["unit_id"].isin(ids)]}


def chinese_ids(folder: Path) -> Path:
    """Unit ids in Chinese (the unit names) and the province column named 省份."""
    ind, sv = _read("indicators"), _read("survey")
    ids = dict(zip(ind["unit_id"], ind["unit_name"], strict=False))
    ind["unit_id"] = ind["unit_id"].map(ids)
    sv["unit_id"] = sv["unit_id"].map(ids)
    ind = ind.rename(columns={"province": "省份", "tier": "层级"})
    return write_case(folder, frames={"indicators": ind, "survey": sv},
                      config={"groups": ["省份", "层级"],
                              "build": {"impute": {"method": "mean_group", "group": "省份"},
                                        "treat": {"method": "jrc", "winmax": 5},
                                        "normalise": {"method": "minmax", "range": [0, 100]},
                                        "weights": "expert", "aggregate": {"default": "arithmetic"}}})


def two_indicator_subdimension(folder: Path) -> Path:
    """Sub-dimension D1 with two indicators (D1.3 removed from the framework and the data)."""
    fw = yaml.safe_load((ROOT / "data" / "framework.yaml").read_text("utf-8"))
    d1 = next(s for d in fw["index"]["children"] if d["code"] == "D" for s in d["children"] if s["code"] == "D1")
    d1["children"] = [c for c in d1["children"] if c["code"] != "D1.3"]
    fw["pairs"] = [p for p in fw.get("pairs", []) if "D1.3" not in p]
    ind, dl, ahp = _read("indicators"), _read("delphi"), _read("ahp")
    dl = dl[dl["indicator"] != "D1.3"]
    ahp = ahp[(ahp["row"] != "D1.3") & (ahp["col"] != "D1.3")]
    return write_case(folder, frames={"indicators": ind.drop(columns=["D1.3"]), "delphi": dl, "ahp": ahp},
                      framework=fw)


def constant_survey_item(folder: Path) -> Path:
    """Survey item ON1 answered 3 by every respondent (zero variance)."""
    sv = _read("survey")
    sv["ON1"] = "3"
    return write_case(folder, frames={"survey": sv})


def one_expert(folder: Path) -> Path:
    """One Delphi expert (E01) and one AHP expert."""
    dl, ex, ahp = _read("delphi"), _read("experts"), _read("ahp")
    return write_case(folder, frames={"delphi": dl[dl["expert"] == "E01"], "experts": ex[ex["expert"] == "E01"],
                                      "ahp": ahp[ahp["expert"] == ahp["expert"].iloc[0]]})


def alone_in_groups(folder: Path, n: int = 5, groups: tuple[str, ...] = ("province", "tier")) -> Path:
    """``n`` units, each alone in its province (``groups``: the run's group columns)."""
    frames = _keep_units(_units(n))
    ind = frames["indicators"]
    ind["province"] = ind["unit_id"].map({u: f"省{i}" for i, u in enumerate(_units(n))})
    frames["indicators"] = ind.drop(columns=[g for g in ("province", "tier") if g not in groups])
    return write_case(folder, frames=frames, config={"build": _build(impute="mean"), "groups": list(groups)})


def _build(impute: str = "mean") -> dict[str, Any]:
    return {"impute": {"method": impute}, "treat": {"method": "jrc", "winmax": 5},
            "normalise": {"method": "minmax", "range": [0, 100]}, "weights": "expert",
            "aggregate": {"default": "arithmetic"}}


def few_units(folder: Path, n: int = 20) -> Path:
    """``n`` units (fewer than the 46 indicators)."""
    return write_case(folder, frames=_keep_units(_units(n)))


def one_unit(folder: Path) -> Path:
    """A single unit."""
    return write_case(folder, frames=_keep_units(_units(1)), config={"build": _build()})


def tiny_survey(folder: Path, n: int = 4) -> Path:
    """A survey of ``n`` respondents."""
    return write_case(folder, frames={"survey": _read("survey").head(n)})


def constant_indicator(folder: Path) -> Path:
    """Indicator A1.1 equal for every unit in every year."""
    ind = _read("indicators")
    ind["A1.1"] = "0.9"
    return write_case(folder, frames={"indicators": ind})


def inconsistent_ahp(folder: Path) -> Path:
    """Every expert's every AHP matrix strongly inconsistent (CR far above 0.1): the upper
    triangle's judgements reversed in a cycle."""
    ahp = _read("ahp")
    out = []
    for (_e, _p), m in ahp.groupby(["expert", "parent"], sort=False):
        items = list(dict.fromkeys(m["row"]))
        if len(items) < 3:  # a 2 × 2 matrix is always consistent
            out.append(m)
            continue
        cells = {}
        for i, r in enumerate(items):
            for j, c in enumerate(items):
                v = "1" if i == j else ("9" if (j - i) % len(items) == 1 else ("1/9" if (i - j) % len(items) == 1 else "1"))
                cells[(r, c)] = v
        out.append(m.assign(value=[cells[(r, c)] for r, c in zip(m["row"], m["col"], strict=True)]))
    return write_case(folder, frames={"ahp": pd.concat(out)})


CASES: dict[str, Callable[[Path], Path]] = {
    "chinese_ids": chinese_ids, "two_indicator_subdimension": two_indicator_subdimension,
    "constant_survey_item": constant_survey_item, "one_expert": one_expert, "alone_in_groups": alone_in_groups,
    "few_units": few_units, "one_unit": one_unit, "tiny_survey": tiny_survey,
    "constant_indicator": constant_indicator, "inconsistent_ahp": inconsistent_ahp,
}


def run_notebooks_in_process(config: Path, notebooks: list[str], lang: str) -> dict[str, dict[str, Any]]:
    """Each notebook's code (``notebooks/<name>.py``, jupytext percent format, run as plain Python
    without a kernel) on ``config`` in ``lang``, displaying nothing; the records, by notebook.
    Fast (no papermill) but the same code as a report runs."""
    import contextlib
    import io

    import matplotlib.pyplot as plt

    out: dict[str, dict[str, Any]] = {}
    for name in notebooks:
        source = (ROOT / "notebooks" / f"{name}.py").read_text(encoding="utf-8")
        source = re.sub(r"^config = .*$", f"config = {str(config)!r}", source, count=1, flags=re.M)
        source = re.sub(r"^lang = None\b", f"lang = {lang!r}", source, count=1, flags=re.M)
        scope: dict[str, Any] = {"__name__": f"notebook_{name}"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, str(ROOT / "notebooks" / f"{name}.py"), "exec"), scope)
        plt.close("all")
        out[name] = scope["run"].rec.as_dict()
    return out

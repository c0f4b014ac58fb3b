"""Importers: other tools' files as a dgpe framework, indicator data and run config (``dgpe import``).

- :func:`import_coinr`: COINr's ``iMeta`` and ``iData`` tables (R package COINr, Becker et al. 2022)
  → ``framework.yaml``, ``indicators.csv`` and ``run.yaml`` with COINr's default example build.
- :func:`import_egdi`: the UN E-Government Survey's own files (``data/real/egdi/raw``) →
  ``indicators.csv``, ``published.csv``, ``framework.yaml``, ``run.yaml`` (:mod:`dgpe.egdi`) and
  ``editions.yaml`` (:mod:`dgpe.egdi_editions`).

Mapping of COINr's tables (``iMeta`` columns ``iCode, iName, Level, Parent, Weight, Direction,
Unit, Target, Denominator, Type``):

- ``Type`` Indicator/Aggregate rows → the ``index:`` tree by ``Parent`` (in iMeta's order); ``Weight``
  → weight, ``Direction`` 1/−1 → positive/negative (indicators only), ``Target`` → target,
  ``Denominator`` → denominator, ``iName`` → the name in both languages; COINr's free-text ``Unit``
  goes to the node's ``note`` and to ``unit`` when it is one of dgpe's units (percent, ratio, score,
  number → count), else ``other``.
- ``Type`` Denominator (and Other) rows → ``auxiliary:`` columns; ``Type`` Group rows → the run
  config's ``groups``.
- ``iData`` → dgpe's wide format: ``uCode`` → unit_id, ``uName`` → unit_name, ``Time`` → year (no
  year column when iData has no ``Time`` and ``--year`` is not given: a single cross-section),
  then the group, auxiliary and indicator columns. Cells are copied as text, unchanged.

>>> import pandas as pd
>>> meta = pd.DataFrame({"iCode": ["A", "B", "Idx", "Pop"], "iName": ["a", "b", "Index", "Population"],
...     "Level": [1, 1, 2, None], "Parent": ["Idx", "Idx", None, None], "Weight": [1, 1, 1, None],
...     "Direction": [1, -1, 1, None], "Unit": ["Percent", "Number", "Score", "Thousands"],
...     "Target": [None] * 4, "Denominator": ["Pop", None, None, None],
...     "Type": ["Indicator", "Indicator", "Aggregate", "Denominator"]})
>>> fw = coinr_framework(meta)
>>> [c["code"] for c in fw["index"]["children"]], fw["index"]["children"][0]["denominator"]
(['A', 'B'], 'Pop')
>>> fw["auxiliary"][0]["code"]
'Pop'
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dgpe.errors import DataError, Problem

__all__ = [
    "COINR_DEFAULT_BUILD",
    "coinr_framework",
    "coinr_data",
    "coinr_run_config",
    "import_coinr",
    "import_egdi",
    "add_commands",
]

#: COINr's example build (``build_example_coin()``) as dgpe's ``build:`` section; ``impute`` is by
#: group mean when a group column is named (COINr: ``Impute(f_i = "i_mean_grp", use_group = …)``),
#: and ``denominate`` is dropped when the framework declares no denominator.
COINR_DEFAULT_BUILD: dict[str, Any] = {
    "denominate": {"denominators": "meta"},
    "impute": {"method": "mean_group", "by": None},
    "screen": {"min_coverage": 0.9, "coverage_of": "imputed"},
    "treat": {"method": "jrc", "winmax": 5},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "weights": "expert",
    "aggregate": {"default": "arithmetic"},
}

_META_COLUMNS = ("iCode", "iName", "Level", "Parent", "Weight", "Direction", "Unit", "Target",
                 "Denominator", "Type")  # fmt: skip
_UNITS = {"percent": "percent", "%": "percent", "ratio": "ratio", "score": "score", "number": "count",
          "count": "count", "index": "index", "days": "days", "rate": "rate"}  # fmt: skip
_TREE_TYPES = ("Indicator", "Aggregate")
_AUX_TYPES = ("Denominator", "Other")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _number(v: Any) -> int | float:
    x = float(v)
    return int(x) if x.is_integer() else x


def _unit(text: str) -> str:
    """dgpe's unit for COINr's free-text unit: the first word when it is one of dgpe's, else other."""
    words = text.strip().lower().split()
    return _UNITS.get(words[0], "other") if words else "other"


def _meta_types(imeta: pd.DataFrame, file: str) -> pd.Series:
    """Each iMeta row's Type (Indicator for Level 1 and Aggregate above when Type is missing)."""
    missing = [c for c in ("iCode", "iName", "Parent") if c not in imeta.columns]
    if missing:
        raise DataError([Problem(file, "header", f"column(s) {missing} required; COINr's iMeta has {list(_META_COLUMNS)}")])
    if "Type" in imeta.columns:
        types = imeta["Type"].astype("string").str.strip()
    else:
        types = pd.Series(pd.NA, index=imeta.index, dtype="string")
    level = pd.to_numeric(imeta.get("Level", pd.Series(index=imeta.index, dtype=float)), errors="coerce")
    types = types.where(types.notna(), level.map(lambda v: "Indicator" if v == 1 else ("Aggregate" if v > 1 else pd.NA)))
    problems = [Problem(file, f"row {i + 2}, column Type", "expected Indicator, Aggregate, Group, Denominator or Other",
                        str(t)) for i, t in enumerate(types)
                if pd.isna(t) or t not in (*_TREE_TYPES, *_AUX_TYPES, "Group")]
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the iMeta table")
    return types


def _tree_node(rec: Mapping[str, Any], is_indicator: bool) -> dict[str, Any]:
    node: dict[str, Any] = {"code": str(rec["iCode"]).strip(),
                            "name": {"zh": str(rec["iName"]).strip(), "en": str(rec["iName"]).strip()}}
    if not _blank(rec.get("Weight")):
        node["weight"] = _number(rec["Weight"])
    if is_indicator and not _blank(rec.get("Direction")):
        node["direction"] = "negative" if float(rec["Direction"]) < 0 else "positive"
    if is_indicator and not _blank(rec.get("Unit")):
        node["unit"] = _unit(str(rec["Unit"]))
        node["note"] = f"unit (COINr): {str(rec['Unit']).strip()}"
    if is_indicator and not _blank(rec.get("Target")):
        node["target"] = _number(rec["Target"])
    if is_indicator and not _blank(rec.get("Denominator")):
        node["denominator"] = str(rec["Denominator"]).strip()
    return node


def coinr_framework(imeta: pd.DataFrame, *, file: str = "iMeta") -> dict[str, Any]:
    """dgpe's framework (the YAML structure) from a COINr iMeta table; checked by
    :func:`dgpe.framework.framework_from_dict` (every broken rule reported, naming the node)."""
    from dgpe.framework import framework_from_dict

    types = _meta_types(imeta, file)
    recs = imeta.to_dict("records")
    nodes: dict[str, dict[str, Any]] = {}
    parents: dict[str, str | None] = {}
    aux: list[dict[str, Any]] = []
    for rec, t in zip(recs, types, strict=True):
        if t in _TREE_TYPES:
            node = _tree_node(rec, t == "Indicator")
            nodes[node["code"]], parents[node["code"]] = node, None if _blank(rec.get("Parent")) else str(rec["Parent"]).strip()
        elif t in _AUX_TYPES:
            entry = {"code": str(rec["iCode"]).strip(), "name": {"zh": str(rec["iName"]).strip(), "en": str(rec["iName"]).strip()}}
            if not _blank(rec.get("Unit")):
                entry["unit"] = str(rec["Unit"]).strip()
            aux.append(entry)
    problems = [Problem(file, f"node {c}", f"unknown parent {p!r}") for c, p in parents.items() if p is not None and p not in nodes]
    roots = [c for c, p in parents.items() if p is None]
    if len(roots) != 1:
        problems.append(Problem(file, "column Parent", f"exactly one root (an aggregate with no Parent) is needed; found {roots}"))
    if problems:
        raise DataError(problems, title=f"{file}: the iMeta tree is not a tree")
    for c, p in parents.items():
        if p is not None:
            nodes[p].setdefault("children", []).append(nodes[c])
    root = nodes[roots[0]]
    raw: dict[str, Any] = {"title": dict(root["name"]), "source": f"COINr iMeta ({file})", "index": root}
    if aux:
        raw["auxiliary"] = aux
    framework_from_dict(raw, file=file)  # raises FrameworkError listing every broken rule
    return raw


def coinr_data(idata: pd.DataFrame, imeta: pd.DataFrame, *, year: int | None = None,
               file: str = "iData") -> pd.DataFrame:
    """iData (read as text) in dgpe's wide format: unit_id, unit_name, year, groups, auxiliary
    columns, indicators (cells unchanged)."""
    types = _meta_types(imeta, "iMeta")
    codes = imeta["iCode"].astype(str).str.strip()
    of_type = {t: [c for c, tt in zip(codes, types, strict=True) if tt == t] for t in ("Indicator", "Group")}
    aux = [c for c, t in zip(codes, types, strict=True) if t in _AUX_TYPES]
    known = {"uCode", "uName", "Time", *of_type["Indicator"], *of_type["Group"], *aux}
    problems = [Problem(file, f"column {c}", "not in iMeta (as Indicator, Group, Denominator or Other) nor uCode/uName/Time")
                for c in idata.columns if c not in known]
    problems += [Problem(file, f"column {c}", "indicator of iMeta missing from iData") for c in of_type["Indicator"]
                 if c not in idata.columns]
    if "uCode" not in idata.columns:
        problems.append(Problem(file, "header", "column uCode (the unit code) is required"))
    if "Time" in idata.columns and year is not None:
        problems.append(Problem(file, "column Time", f"iData has a Time column; --year {year} would override it"))
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the iData table")
    out = pd.DataFrame({"unit_id": idata["uCode"]})
    if "uName" in idata.columns:
        out["unit_name"] = idata["uName"]
    if "Time" in idata.columns:
        out["year"] = idata["Time"]
    elif year is not None:
        out["year"] = str(year)
    cols = [c for c in idata.columns if c in of_type["Group"]] + [c for c in idata.columns if c in aux]
    cols += [c for c in idata.columns if c in of_type["Indicator"]]
    return pd.concat([out, idata[cols]], axis=1)


def coinr_run_config(framework: Mapping[str, Any], groups: list[str], *, name: str,
                     impute_by: str | None = None) -> dict[str, Any]:
    """The run config (YAML structure) of COINr's default example build for an imported framework."""
    build = {k: dict(v) if isinstance(v, Mapping) else v for k, v in COINR_DEFAULT_BUILD.items()}
    if not _has_denominator(framework["index"]):
        del build["denominate"]
    if impute_by is None:
        build["impute"] = {"method": "mean"}
    elif impute_by not in groups:
        raise DataError([Problem("iMeta", "Type Group", f"--impute-by {impute_by}: not a group column; groups: {groups}")])
    else:
        build["impute"]["by"] = impute_by
    return {"name": name, "framework": "framework.yaml", "data": {"indicators": "indicators.csv"},
            "lang": "en", "groups": groups, "build": build}


def _has_denominator(node: Mapping[str, Any]) -> bool:
    return "denominator" in node or any(_has_denominator(k) for k in node.get("children", []))


def _dump(obj: Any, header: str) -> str:
    body = yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    return header + body


def import_coinr(imeta: str | Path, idata: str | Path, out: str | Path, *, year: int | None = None,
                 impute_by: str | None = None, name: str | None = None) -> dict[str, Path]:
    """Read COINr's iMeta and iData CSVs and write ``framework.yaml``, ``indicators.csv`` and
    ``run.yaml`` to ``out`` (see the module doc for the mapping); returns the paths written."""
    imeta, idata, out = Path(imeta), Path(idata), Path(out)
    meta = pd.read_csv(imeta, encoding="utf-8-sig")
    data = pd.read_csv(idata, encoding="utf-8-sig", dtype=str, keep_default_na=True)
    fw = coinr_framework(meta, file=imeta.name)
    wide = coinr_data(data, meta, year=year, file=idata.name)
    groups = [c for c, t in zip(meta["iCode"].astype(str), _meta_types(meta, imeta.name), strict=True)
              if t == "Group" and c in wide.columns]
    cfg = coinr_run_config(fw, groups, name=name or out.name, impute_by=impute_by)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"framework": out / "framework.yaml", "indicators": out / "indicators.csv", "run": out / "run.yaml"}
    src = f"{imeta.name} and {idata.name}"
    paths["framework"].write_text(_dump(fw, f"# Imported from COINr's {src} by `dgpe import coinr`.\n"), encoding="utf-8")
    wide.to_csv(paths["indicators"], index=False, encoding="utf-8", lineterminator="\n")
    paths["run"].write_text(_dump(cfg, f"# COINr's default example build (build_example_coin()) of {src},\n"
                                       "# written by `dgpe import coinr`; paths are relative to this file.\n"
                                       "# Run it: dgpe run <this folder>/run.yaml\n"), encoding="utf-8")
    return paths


def import_egdi(raw_dir: str | Path, out: str | Path) -> dict[str, Path]:
    """Harmonise the UN E-Government Survey files of ``raw_dir`` (:func:`dgpe.egdi.build_egdi_dataset`)
    and write ``indicators.csv``, ``published.csv``, ``framework.yaml``, ``run.yaml`` and
    ``editions.yaml`` (each edition's published method, :mod:`dgpe.egdi_editions`) to ``out``."""
    from dgpe.egdi import FRAMEWORK_YAML, RUN_YAML, build_egdi_dataset
    from dgpe.egdi_editions import EDITIONS_YAML

    egdi, published = build_egdi_dataset(raw_dir)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"indicators": out / "indicators.csv", "published": out / "published.csv",
             "framework": out / "framework.yaml", "run": out / "run.yaml",
             "editions": out / "editions.yaml"}
    egdi.to_csv(paths["indicators"], index=False, encoding="utf-8", lineterminator="\n")
    published.to_csv(paths["published"], index=False, encoding="utf-8", lineterminator="\n")
    paths["framework"].write_text(FRAMEWORK_YAML, encoding="utf-8")
    paths["run"].write_text(RUN_YAML, encoding="utf-8")
    paths["editions"].write_text(EDITIONS_YAML, encoding="utf-8")
    return paths


# -- command line ------------------------------------------------------------------------------


def _refuse_overwrite(out: Path, names: tuple[str, ...], force: bool) -> bool:
    clash = [n for n in names if (out / n).exists()]
    if clash and not force:
        print(f"{out}: {', '.join(clash)} exist(s); use --force to overwrite", file=sys.stderr)
        return True
    return False


def _cmd_coinr(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if _refuse_overwrite(out, ("framework.yaml", "indicators.csv", "run.yaml"), args.force):
        return 2
    paths = import_coinr(args.imeta, args.idata, out, year=args.year, impute_by=args.impute_by, name=args.name)
    print(f"wrote {', '.join(p.name for p in paths.values())} to {out}; run it: dgpe run {paths['run']}")
    return 0


def _cmd_egdi(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if _refuse_overwrite(out, ("indicators.csv", "published.csv", "framework.yaml", "run.yaml",
                               "editions.yaml"), args.force):
        return 2
    paths = import_egdi(args.raw_dir, out)
    print(f"wrote {', '.join(p.name for p in paths.values())} to {out}; run it: dgpe run {paths['run']}")
    return 0


def add_commands(sub: Any) -> None:
    """Register ``dgpe import coinr`` and ``dgpe import egdi`` on the CLI's subparsers."""
    imp = sub.add_parser("import", help="turn another tool's files into a framework, data and run config")
    kinds = imp.add_subparsers(dest="source", required=True)
    c = kinds.add_parser("coinr", help="COINr's iMeta and iData tables (CSV)")
    c.add_argument("imeta")
    c.add_argument("idata")
    c.add_argument("--out", required=True, help="folder for framework.yaml, indicators.csv, run.yaml")
    c.add_argument("--year", type=int, default=None,
                   help="year of the data when iData has no Time column (default: no year column)")
    c.add_argument("--impute-by", default=None, metavar="GROUP",
                   help="impute by the mean of this group column (COINr i_mean_grp; default: the overall mean)")
    c.add_argument("--name", default=None, help="the run's name (default: the --out folder's name)")
    c.add_argument("--force", action="store_true", help="overwrite the files in --out")
    c.set_defaults(func=_cmd_coinr)
    e = kinds.add_parser("egdi", help="the UN E-Government Survey files (data/real/egdi/raw)")
    e.add_argument("raw_dir")
    e.add_argument("--out", required=True, help="folder for indicators.csv, published.csv, framework.yaml, run.yaml")
    e.add_argument("--force", action="store_true", help="overwrite the files in --out")
    e.set_defaults(func=_cmd_egdi)

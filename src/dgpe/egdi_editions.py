"""How each edition of the UN E-Government Survey computed its published EGDI, as data.

The survey's EGDI is a weighted mean of its three components (OSI, TII, HCI), but not with the
same rule in every edition. ``data/real/egdi/editions.yaml`` (the text :data:`EDITIONS_YAML`, which
``dgpe import egdi`` writes beside the data) states, per edition, the component weights, which
countries the survey gave an EGDI of 0 instead of the weighted mean, and the precision the
survey ranked at. With it, every edition 2010–2024 reproduces from its published components
through dgpe's own index code (:func:`egdi_as_published`, ``tests/test_egdi.py``):

- 2010: weights OSI 0.34, TII 0.33, HCI 0.33; the 9 countries without a published HCI have EGDI 0
  (shared rank 184). The 183 complete rows agree to 8e-6 and every rank matches; with equal
  weights 176 of them would be off by more than 1e-4.
- 2012: equal weights; the 3 countries with OSI 0 (no national portal found: Libya, Central
  African Republic, Guinea) have EGDI 0 (shared rank 191). Every rank matches.
- 2014–2024: equal weights, no exception; 2018 and 2022 ranked the 4-decimal EGDI (ties share a
  rank).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from dgpe.egdi import COMPONENTS
from dgpe.errors import DataError, Problem
from dgpe.yamlsafe import safe_load
from methods.index import IndexSpec, build_index

__all__ = ["EDITIONS_YAML", "EditionMethod", "egdi_as_published", "load_editions"]

#: ``data/real/egdi/editions.yaml``: the published method of each edition (written by
#: ``dgpe import egdi``).
EDITIONS_YAML = """# How each edition of the UN E-Government Survey computed the EGDI it published from its three
# components (dgpe.egdi_editions; tests/test_egdi.py reproduces every edition with it).
#   weights: the component weights of the edition (relative; EGDI = weighted mean)
#   egdi_zero_if_missing: the survey gave EGDI 0 (not a mean) to countries without these components
#   egdi_zero_if_zero: the survey gave EGDI 0 to countries scoring exactly 0 on these components
#   rank_decimals: the survey ranked the EGDI rounded to this many decimals (ties share a rank);
#     null = at the published precision
# Source: UN DESA, UN E-Government Survey of each year (technical appendix: EGDI = weighted average
# of the normalised OSI, TII and HCI); the 2010 weights and both zero rules are what the published
# values themselves show (data/real/egdi/README.md).
2010:
  weights: {OSI: 0.34, TII: 0.33, HCI: 0.33}
  egdi_zero_if_missing: [HCI, TII]   # 9 countries without HCI (2 also without TII): EGDI 0, rank 184
  rank_decimals: null
2012:
  weights: {OSI: 1, TII: 1, HCI: 1}
  egdi_zero_if_zero: [OSI]           # no national portal found (LBY, CAF, GIN): EGDI 0, rank 191
  rank_decimals: null
2014:
  weights: {OSI: 1, TII: 1, HCI: 1}
  rank_decimals: null
2016:
  weights: {OSI: 1, TII: 1, HCI: 1}
  rank_decimals: null
2018:
  weights: {OSI: 1, TII: 1, HCI: 1}
  rank_decimals: 4
2022:
  weights: {OSI: 1, TII: 1, HCI: 1}
  rank_decimals: 4
2024:
  weights: {OSI: 1, TII: 1, HCI: 1}
  rank_decimals: null
"""

_KEYS = {"weights", "egdi_zero_if_missing", "egdi_zero_if_zero", "rank_decimals"}


@dataclass(frozen=True)
class EditionMethod:
    """The published method of one edition: component weights (summing to 1), the components
    whose absence or zero score gives EGDI 0, and the rank precision (None = full)."""

    year: int
    weights: Mapping[str, float]
    zero_if_missing: tuple[str, ...] = ()
    zero_if_zero: tuple[str, ...] = ()
    rank_decimals: int | None = None

    @property
    def build(self) -> dict[str, object]:
        """The dgpe build of the edition (``build:`` of a run config)."""
        return {"normalise": {"method": "none"}, "weights": {"values": dict(self.weights)},
                "aggregate": {"default": "arithmetic"}}


def load_editions(source: str | Path | None = None) -> dict[int, EditionMethod]:
    """The editions of ``source`` (a path to an ``editions.yaml``; default :data:`EDITIONS_YAML`).

    Raises :class:`~dgpe.errors.DataError` naming every unknown key or component and every
    weight set that is not positive.
    """
    where = "EDITIONS_YAML" if source is None else str(source)
    text = EDITIONS_YAML if source is None else Path(source).read_text(encoding="utf-8")
    try:  # duplicated keys and alias bombs refused (dgpe.yamlsafe)
        raw = safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise DataError([Problem(where, "", f"not readable as YAML: {' '.join(str(exc).split())}")]) from None
    problems: list[Problem] = []
    out: dict[int, EditionMethod] = {}
    for year, spec in raw.items():
        spec = spec or {}
        for key in set(spec) - _KEYS:
            problems.append(Problem(where, f"edition {year}", f"unknown key {key!r}; expected "
                                    f"one of {sorted(_KEYS)}"))
        w = {str(k): float(v) for k, v in (spec.get("weights") or {}).items()}
        named = [*w, *spec.get("egdi_zero_if_missing", []), *spec.get("egdi_zero_if_zero", [])]
        for c in sorted(set(named) - set(COMPONENTS)):
            problems.append(Problem(where, f"edition {year}", f"unknown component {c!r}; "
                                    f"expected {list(COMPONENTS)}"))
        total = sum(w.values())
        if set(w) != set(COMPONENTS) or total <= 0 or min(w.values(), default=-1) < 0:
            problems.append(Problem(where, f"edition {year}", "weights must give every "
                                    "component a non-negative weight, some positive", str(w)))
            continue
        out[int(year)] = EditionMethod(
            year=int(year), weights={c: w[c] / total for c in COMPONENTS},
            zero_if_missing=tuple(spec.get("egdi_zero_if_missing", ())),
            zero_if_zero=tuple(spec.get("egdi_zero_if_zero", ())),
            rank_decimals=spec.get("rank_decimals"))
    if problems:
        raise DataError(problems, title=f"{where}: {len(problems)} problem(s) in the editions")
    return out


def _meta() -> pd.DataFrame:
    rows = [{"code": c, "parent": "EGDI", "level": 1, "weight": 1.0, "direction": 1}
            for c in COMPONENTS]
    rows.append({"code": "EGDI", "parent": None, "level": 2, "weight": 1.0, "direction": np.nan})
    return pd.DataFrame(rows)


def egdi_as_published(
    panel: pd.DataFrame,
    editions: Mapping[int, EditionMethod] | None = None,
) -> pd.DataFrame:
    """The EGDI and rank of every country and edition by the edition's published method.

    ``panel`` has ``unit_id``, ``year`` and the components (``data/real/egdi/egdi.csv``);
    ``editions`` defaults to :func:`load_editions`. Each edition is built with
    :func:`methods.index.build_index` (no normalisation, the edition's weights, arithmetic mean);
    then the edition's zero rules apply, and ranks are competition ranks (ties share the best
    rank) of the EGDI at the edition's ``rank_decimals`` (else at 1e-9, float noise removed).

    Returns ``unit_id, year, egdi, rank, rule`` (``rule``: ``"weighted mean"`` or why the EGDI is
    0). A year of ``panel`` without an edition is a :class:`~dgpe.errors.DataError`.
    """
    eds = load_editions() if editions is None else editions
    years = sorted(int(y) for y in panel["year"].unique())
    missing = [y for y in years if y not in eds]
    if missing:
        raise DataError([Problem("editions", str(y), "no published method for this year")
                         for y in missing])
    frames = []
    for y in years:
        ed = eds[y]
        x = panel[panel["year"] == y].set_index("unit_id")[list(COMPONENTS)].astype(float)
        score = build_index(x, _meta(), IndexSpec.from_dict(ed.build)).scores["EGDI"]
        rule = pd.Series("weighted mean", index=x.index)
        for c in ed.zero_if_missing:
            rule[x[c].isna() & (rule == "weighted mean")] = f"0: no {c}"
        for c in ed.zero_if_zero:
            rule[(x[c] == 0) & (rule == "weighted mean")] = f"0: {c} = 0"
        score = score.reindex(x.index).where(rule == "weighted mean", 0.0)
        basis = score.round(9 if ed.rank_decimals is None else int(ed.rank_decimals))
        frames.append(pd.DataFrame({
            "unit_id": x.index, "year": y, "egdi": score.to_numpy(),
            "rank": basis.rank(ascending=False, method="min").astype("Int64").to_numpy(),
            "rule": rule.to_numpy()}))
    return pd.concat(frames, ignore_index=True)

"""The default example data set, generated from a documented latent model with a fixed seed.

The model (``data/example/README.md`` gives it in words):

* **Units.** County-level units (区/县级市/县) in several provinces, observed over several years.
* **Dimension factors.** Each unit has four correlated latent scores, one per dimension (A basic
  support, B service effectiveness, C governance innovation, D user experience), drawn from a
  multivariate normal with correlation matrix :data:`FACTOR_CORR`, shifted by a province effect and a
  tier effect, and growing from year to year (AR(1) with a common trend).
* **Indicators.** Indicator *i* of dimension *d* has a standard-normal score
  :math:`z_i = \\lambda_i F_d + \\sqrt{1-\\lambda_i^2}\\,\\varepsilon_i` with a known loading
  :math:`\\lambda_i`; it is mapped to its unit and range (:data:`RANGES`): ratios through a logistic
  curve, counts and durations log-normally (right skew), times reversed for negative indicators.
* **Availability vs use.** For the pairs of framework-notes.md (e.g. B1.2 全程网办事项占比 vs B1.5 实际
  全程网办率), a share of "input-heavy" units (重投入轻产出) gets a penalty on the *use* indicator only:
  services are available online but not used.
* **Data problems on purpose.** A few outliers in count indicators, a ceiling on D1.1 好评率 (most
  values above 0.99), about 3% missing cells.
* **Survey.** Respondents answer 13 Likert 1–5 items measuring three correlated constructs (the
  framework's ``scales``), with known loadings and three reverse-keyed items; each respondent belongs to
  a unit, whose D factor shifts the construct means.
* **Experts.** A Delphi panel scores every indicator's importance (1–5) in two rounds (the second
  converges), with each expert's judgement basis (Ca) and familiarity (Cs); an AHP panel gives pairwise
  comparison matrices for the dimensions and for each dimension's sub-dimensions, on Saaty's 1–9 scale,
  a few deliberately inconsistent.

Everything comes from one :class:`numpy.random.Generator` seeded by ``seed``: the same seed gives the
same files byte for byte. The truth (loadings, factor correlations, the input-heavy units, the survey's
structure, the experts' intended weights) is returned and written beside the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from dgpe.framework import Framework

__all__ = ["ExampleData", "generate_example", "write_example", "FACTOR_CORR", "RANGES", "USE_PAIRS"]

DEFAULT_SEED = 20261126

#: Correlation between the latent dimension factors A, B, C, D.
FACTOR_CORR = np.array(
    [
        [1.00, 0.60, 0.55, 0.40],
        [0.60, 1.00, 0.50, 0.55],
        [0.55, 0.50, 1.00, 0.40],
        [0.40, 0.55, 0.40, 1.00],
    ]
)

#: Plausible ranges of the default indicators (framework-notes.md), for generating values.
RANGES: dict[str, tuple[float, float]] = {
    "A1.1": (0.8, 1.0), "A1.2": (0.9, 1.0), "A1.3": (0.6, 1.0), "A1.4": (0.0, 5000.0),
    "A2.1": (0.85, 1.0), "A2.2": (0.6, 1.0), "A2.3": (0.9, 1.0), "A2.4": (0.0, 50000.0),
    "A2.5": (1.0, 30.0), "A3.1": (0.7, 1.0), "A3.2": (0.5, 72.0), "A3.3": (0.6, 1.0),
    "B1.1": (0.85, 1.0), "B1.2": (0.3, 0.9), "B1.3": (0.02, 0.3), "B1.4": (0.3, 0.9),
    "B1.5": (0.2, 0.9), "B1.6": (0.1, 0.7), "B2.1": (0.3, 0.95), "B2.2": (0.0, 300.0),
    "B2.3": (0.0, 0.3), "B2.4": (0.7, 1.0), "B2.5": (0.0, 1.5), "B3.1": (50.0, 300.0),
    "B3.2": (0.0, 500.0), "B3.3": (0.1, 0.8), "C1.1": (0.2, 1.0), "C1.2": (0.0, 50.0),
    "C1.3": (0.0, 1.0), "C2.1": (0.3, 1.0), "C2.2": (0.5, 0.95), "C2.3": (0.6, 1.0),
    "C2.4": (0.5, 72.0), "C3.1": (0.85, 1.0), "C3.2": (0.0, 200.0), "C3.3": (1.0, 30.0),
    "D1.1": (0.95, 1.0), "D1.2": (0.1, 0.9), "D1.3": (0.8, 1.0), "D2.1": (3.2, 4.6),
    "D2.2": (0.5, 1.0), "D2.3": (0.0, 100.0),
}  # fmt: skip

#: Availability (input) → actual use (outcome) pairs of the default framework.
USE_PAIRS: tuple[tuple[str, str], ...] = (
    ("A1.3", "A1.4"), ("B1.1", "B1.4"), ("B1.2", "B1.5"), ("B2.2", "B2.3"), ("B3.1", "B3.2"),
    ("C1.1", "C1.3"), ("C2.1", "C2.3"),
)  # fmt: skip

_PROVINCES = ("甲省", "乙省", "丙省", "丁省", "戊省", "己省", "庚省", "辛省")
_TIERS = ("市辖区", "县级市", "县")
_TIER_EFFECT = {"市辖区": 0.35, "县级市": 0.05, "县": -0.25}
_SAATY = np.array([1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9])


@dataclass(frozen=True)
class ExampleData:
    """The generated data set and its truth (all pandas frames)."""

    indicators: pd.DataFrame
    survey: pd.DataFrame
    delphi: pd.DataFrame
    experts: pd.DataFrame
    ahp: pd.DataFrame
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)


def _dimension_of(framework: Framework) -> dict[str, str]:
    """Indicator code → code of the index's child (dimension) that contains it."""
    out: dict[str, str] = {}
    for dim in framework.root.children:
        for n in dim.walk():
            if n.is_indicator:
                out[n.code] = dim.code
    return out


def _to_unit(z: np.ndarray, code: str, unit: str, direction: str, rng: np.random.Generator) -> np.ndarray:
    """Map standard-normal scores to an indicator's unit and plausible range."""
    lo, hi = RANGES.get(code, (0.0, 1.0))
    s = z if direction == "positive" else -z
    if unit in ("ratio", "percent", "likert", "score", "binary"):
        return lo + (hi - lo) * expit(0.2 + 1.1 * s)
    # counts and durations: log-normal, right-skewed, median near 30% of the range
    span = max(hi - lo, 1e-9)
    med = lo + 0.3 * span
    val = lo + (med - lo) * np.exp(0.55 * s)
    if unit in ("days", "hours", "minutes"):
        val = np.maximum(val, lo)
    return val


def _persistent(draws: np.ndarray, rho: float = 0.8) -> np.ndarray:
    """Turn independent yearly draws into an AR(1) path (stationary, unit variance): an indicator's
    own part persists from year to year, as measured indicators do."""
    out = draws.copy()
    for t in range(1, draws.shape[1]):
        out[:, t] = rho * out[:, t - 1] + np.sqrt(1 - rho**2) * draws[:, t]
    return out


def _saaty_round(x: np.ndarray) -> np.ndarray:
    """Nearest value of Saaty's 1–9 scale (in log space)."""
    idx = np.abs(np.log(x)[..., None] - np.log(_SAATY)).argmin(axis=-1)
    return _SAATY[idx]


def _fraction_text(v: float) -> str:
    return str(int(round(v))) if v >= 1 else f"1/{int(round(1 / v))}"


def generate_example(
    framework: Framework,
    *,
    n_units: int = 150,
    years: tuple[int, ...] = (2023, 2024, 2025),
    n_provinces: int = 6,
    n_respondents: int = 3200,
    n_delphi: int = 18,
    n_ahp: int = 12,
    missing_rate: float = 0.03,
    input_heavy_share: float = 0.15,
    seed: int = DEFAULT_SEED,
) -> ExampleData:
    """Generate the example data set for ``framework`` (the default framework's codes get realistic
    ranges; other indicators fall back to ratios in [0, 1]).

    The random draws come in a fixed order (units, latent factors, indicators, outliers, missing
    cells, survey, Delphi, AHP), so a seed always gives the same files."""
    if n_units < 10:
        raise ValueError("n_units must be at least 10")
    rng = np.random.default_rng(seed)
    inds = framework.indicators
    dim_of = _dimension_of(framework)
    dims = [d.code for d in framework.root.children]
    k = len(dims)
    corr = FACTOR_CORR[:k, :k] if k <= 4 else np.eye(k) * 0.5 + 0.5
    units = _units(rng, n_units, min(n_provinces, len(_PROVINCES)), input_heavy_share)
    factors = _latent_factors(rng, corr, units["effect"], len(years))
    loadings = {n.code: float(rng.uniform(0.55, 0.85)) for n in inds}
    panel = _indicator_panel(rng, inds, dims, dim_of, units, factors, loadings, years)
    codes = [n.code for n in inds]
    _add_outliers_and_gaps(rng, panel, inds, codes, missing_rate)
    unit_ids = units["unit_id"]
    survey, survey_truth, survey_corr = _survey(framework, rng, unit_ids, factors[-1][:, dims.index(dims[-1])], n_respondents)
    experts, delphi, true_importance = _delphi(rng, inds, n_delphi)
    ahp, ahp_truth = _ahp(rng, framework, n_ahp)
    truth = {
        "indicator_loadings": pd.DataFrame(
            {"indicator": codes, "dimension": [dim_of[c] for c in codes], "loading": [loadings[c] for c in codes]}
        ),
        "factor_correlations": pd.DataFrame(corr, index=dims, columns=dims).rename_axis("dimension"),
        "units": pd.DataFrame(
            {
                "unit_id": unit_ids,
                "province": units["province"],
                "tier": units["tier"],
                "input_heavy": units["input_heavy"],
                **{f"F_{d}_{years[-1]}": factors[-1][:, i].round(6) for i, d in enumerate(dims)},
            }
        ),
        "survey_loadings": survey_truth,
        "survey_factor_correlations": survey_corr,
        "delphi_importance": pd.DataFrame(
            {"indicator": codes, "importance": [round(true_importance[c], 6) for c in codes]}
        ),
        "ahp_weights": pd.DataFrame(ahp_truth, columns=["parent", "child", "weight"]),
    }
    return ExampleData(panel, survey, delphi, experts, ahp, truth)


def _units(rng: np.random.Generator, n_units: int, n_prov: int, input_heavy_share: float) -> dict[str, Any]:
    """Unit ids and names, province and tier, their fixed effects and the input-heavy flag."""
    province_idx = np.sort(rng.integers(0, n_prov, n_units))
    tiers = rng.choice(len(_TIERS), size=n_units, p=[0.3, 0.2, 0.5])
    counters: dict[int, int] = {}
    unit_ids, unit_names = [], []
    for p, t in zip(province_idx, tiers, strict=True):
        counters[p] = counters.get(p, 0) + 1
        unit_ids.append(f"P{p + 1}-{counters[p]:03d}")
        suffix = {0: "区", 1: "市", 2: "县"}[int(t)]
        unit_names.append(f"{_PROVINCES[p]}第{counters[p]}{suffix}")
    tier = np.array([_TIERS[t] for t in tiers])
    prov_effect = rng.normal(0, 0.35, n_prov)[province_idx]
    tier_effect = np.array([_TIER_EFFECT[t] for t in tier])
    return {
        "unit_id": unit_ids,
        "unit_name": unit_names,
        "province": np.array([_PROVINCES[p] for p in province_idx]),
        "tier": tier,
        "effect": prov_effect + tier_effect,
        "input_heavy": rng.random(n_units) < input_heavy_share,
    }


def _latent_factors(rng: np.random.Generator, corr: np.ndarray, effect: np.ndarray, n_years: int) -> list[np.ndarray]:
    """Each year's correlated dimension factors: a persistent base plus yearly change and drift."""
    n_units, k = len(effect), corr.shape[0]
    chol = np.linalg.cholesky(corr)
    base = rng.standard_normal((n_units, k)) @ chol.T
    base += effect[:, None]
    factors = []
    current = base
    for y in range(n_years):
        if y > 0:
            current = 0.85 * current + 0.15 * base + 0.12 + 0.25 * (rng.standard_normal((n_units, k)) @ chol.T)
        factors.append(current.copy())
    return factors


def _indicator_panel(
    rng: np.random.Generator, inds: list[Any], dims: list[str], dim_of: dict[str, str],
    units: dict[str, Any], factors: list[np.ndarray], loadings: dict[str, float], years: tuple[int, ...],
) -> pd.DataFrame:
    """The indicators of every year: factor loading plus persistent unique noise, with use
    following availability except for input-heavy units, mapped onto each indicator's range."""
    n_units = len(units["unit_id"])
    input_heavy = units["input_heavy"]
    unique_noise = {n.code: _persistent(rng.standard_normal((n_units, len(years)))) for n in inds}
    pair_of = {use: avail for avail, use in USE_PAIRS}
    frames = []
    scores_z: dict[tuple[str, int], np.ndarray] = {}
    for y, year in enumerate(years):
        F = factors[y]
        cols: dict[str, np.ndarray] = {}
        for n in inds:
            lam = loadings[n.code]
            z = lam * F[:, dims.index(dim_of[n.code])] + np.sqrt(1 - lam**2) * unique_noise[n.code][:, y]
            if n.code in pair_of:
                # use follows availability, except for input-heavy units
                z = 0.6 * z + 0.4 * scores_z.get((pair_of[n.code], y), z)
                z = np.where(input_heavy, z - 1.6, z)
            if n.code in dict(USE_PAIRS):
                z = np.where(input_heavy, z + 0.5, z)
            scores_z[(n.code, y)] = z
            val = _to_unit(z, n.code, n.unit or "ratio", n.direction or "positive", rng)
            if n.code == "D1.1":  # ceiling: most units above 0.99
                val = 1.0 - 0.02 * expit(-1.2 - 1.0 * z)
            if n.unit == "count" and (RANGES.get(n.code, (0, 1))[1] > 10):
                val = np.round(val)
            cols[n.code] = val
        block = pd.DataFrame(cols)
        for col, value in (("tier", units["tier"]), ("province", units["province"]), ("year", year),
                           ("unit_name", units["unit_name"]), ("unit_id", units["unit_id"])):
            block.insert(0, col, value)
        frames.append(block)
    return pd.concat(frames, ignore_index=True)


def _add_outliers_and_gaps(
    rng: np.random.Generator, panel: pd.DataFrame, inds: list[Any], codes: list[str], missing_rate: float
) -> None:
    """A few extreme counts, rounding as published, and missing cells (MCAR, never a whole column)."""
    count_codes = [n.code for n in inds if n.unit == "count" and RANGES.get(n.code, (0, 1))[1] > 10]
    for code in count_codes[:4]:
        picked = rng.choice(len(panel), size=3, replace=False)
        panel.loc[picked, code] = np.round(panel.loc[picked, code] * rng.uniform(6, 12, 3))
    for n in inds:
        if n.unit in ("ratio", "percent", "likert", "score"):
            panel[n.code] = panel[n.code].round(4)
        elif n.unit in ("days", "hours", "minutes"):
            panel[n.code] = panel[n.code].round(2)
    mask = rng.random((len(panel), len(codes))) < missing_rate
    values = panel[codes].to_numpy(dtype=float)
    values[mask] = np.nan
    panel[codes] = values


def _delphi(rng: np.random.Generator, inds: list[Any], n_delphi: int) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Experts (familiarity, basis of judgement) and two Delphi rounds of 1–5 importance ratings."""
    kind_importance = {"outcome": 4.3, "output": 3.9, "input": 3.6, None: 3.8}
    true_importance = {
        n.code: float(np.clip(kind_importance[n.kind] + rng.normal(0, 0.35), 2.6, 4.9)) for n in inds
    }
    experts = pd.DataFrame(
        {
            "expert": [f"E{i + 1:02d}" for i in range(n_delphi)],
            "ca": rng.choice([0.5, 0.6, 0.8, 0.9, 1.0], n_delphi, p=[0.05, 0.15, 0.3, 0.3, 0.2]),
            "cs": rng.choice([0.2, 0.4, 0.6, 0.8, 1.0], n_delphi, p=[0.05, 0.1, 0.25, 0.35, 0.25]),
        }
    )
    lean = rng.normal(0, 0.3, n_delphi)
    rows: list[tuple[str, int, str, int]] = []
    for rnd, spread in ((1, 0.9), (2, 0.45)):
        for e in range(n_delphi):
            for n in inds:
                mu = true_importance[n.code] + lean[e] * (1.0 if rnd == 1 else 0.5)
                score = int(np.clip(np.rint(mu + rng.normal(0, spread)), 1, 5))
                rows.append((experts.expert[e], rnd, n.code, score))
    return experts, pd.DataFrame(rows, columns=["expert", "round", "indicator", "score"]), true_importance


def _ahp(rng: np.random.Generator, framework: Framework, n_ahp: int) -> tuple[pd.DataFrame, list[tuple[str, str, float]]]:
    """Each expert's Saaty matrices around the framework's weights; a sixth of the experts
    inconsistent (wide noise and one reversed judgement)."""
    ahp_rows = []
    ahp_truth = []
    parents = [framework.root] + [d for d in framework.root.children if len(d.children) > 1]
    inconsistent = set(rng.choice(n_ahp, size=max(1, n_ahp // 6), replace=False).tolist())
    for node in parents:
        kids = [c.code for c in node.children]
        w = np.array([c.weight for c in node.children], dtype=float)
        w = w / w.sum()
        for c, wi in zip(kids, w, strict=True):
            ahp_truth.append((node.code, c, float(wi)))
        for e in range(n_ahp):
            a = _saaty_matrix(rng, w, reverse=e in inconsistent)
            for i in range(len(kids)):
                for j in range(len(kids)):
                    ahp_rows.append((f"A{e + 1:02d}", node.code, kids[i], kids[j], _fraction_text(a[i, j])))
    return pd.DataFrame(ahp_rows, columns=["expert", "parent", "row", "col", "value"]), ahp_truth


def _saaty_matrix(rng: np.random.Generator, w: np.ndarray, *, reverse: bool) -> np.ndarray:
    m = len(w)
    a = np.ones((m, m))
    sd = 0.25 if not reverse else 1.3
    for i in range(m):
        for j in range(i + 1, m):
            ratio = w[i] / w[j] * np.exp(rng.normal(0, sd))
            if reverse and i == 0 and j == m - 1 and m >= 3:
                ratio = 1 / (ratio * 5)  # a reversed judgement
            a[i, j] = _saaty_round(np.array([ratio]))[0]
            a[j, i] = 1 / a[i, j]
    return a


def _survey(
    framework: Framework,
    rng: np.random.Generator,
    unit_ids: list[str],
    unit_d: np.ndarray,
    n: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    scales = list(framework.scales)
    if not scales:
        return pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
    k = len(scales)
    corr = np.full((k, k), 0.5) + np.eye(k) * 0.5
    if k == 3:
        corr = np.array([[1.0, 0.45, 0.6], [0.45, 1.0, 0.5], [0.6, 0.5, 1.0]])
    chol = np.linalg.cholesky(corr)
    who = rng.integers(0, len(unit_ids), n)
    eta = rng.standard_normal((n, k)) @ chol.T + 0.35 * unit_d[who][:, None]
    eta = (eta - eta.mean(0)) / eta.std(0)
    cols: dict[str, np.ndarray] = {}
    truth = []
    thresholds = np.array([-2.0, -1.1, -0.1, 0.9])  # 1..5, skewed towards satisfied
    for s_i, s in enumerate(scales):
        lo, hi = s.likert
        for item in s.items:
            lam = float(rng.uniform(0.6, 0.85))
            sign = -1.0 if item in s.reverse else 1.0
            y = sign * lam * eta[:, s_i] + np.sqrt(1 - lam**2) * rng.standard_normal(n)
            cuts = np.linspace(-1.9, 1.0, hi - lo) if (hi - lo) != 4 else thresholds
            cols[item] = lo + np.searchsorted(cuts, y)
            truth.append((item, s.code, sign * lam))
    survey = pd.DataFrame(cols)
    # a little item non-response
    miss = rng.random(survey.shape) < 0.01
    survey = survey.astype(float).mask(miss)
    survey.insert(0, "unit_id", np.array(unit_ids)[who])
    survey.insert(0, "respondent", [f"R{i + 1:05d}" for i in range(n)])
    codes = [s.code for s in scales]
    return (
        survey,
        pd.DataFrame(truth, columns=["item", "factor", "loading"]),
        pd.DataFrame(corr, index=codes, columns=codes).rename_axis("factor"),
    )


def write_example(data: ExampleData, out_dir: str | Path) -> list[Path]:
    """Write the data set (UTF-8 CSV) and its truth under ``out_dir``; returns the files written."""
    out = Path(out_dir)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    written = []

    def save(df: pd.DataFrame, rel: str, index: bool = False) -> None:
        path = out / rel
        df.to_csv(path, index=index, encoding="utf-8", lineterminator="\n", float_format="%.10g")
        written.append(path)

    save(data.indicators, "indicators.csv")
    save(data.survey.astype({c: "Int64" for c in data.survey.columns[2:]}), "survey.csv")
    save(data.delphi, "delphi.csv")
    save(data.experts, "experts.csv")
    save(data.ahp, "ahp.csv")
    for name, df in data.truth.items():
        save(df, f"truth/{name}.csv", index=df.index.name is not None)
    return written


def parse_fraction(text: str) -> float:
    """'1/3' → 0.333…, '3' → 3.0 (AHP judgements as people write them)."""
    return float(Fraction(str(text).strip()))

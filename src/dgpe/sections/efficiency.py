"""Notebook 06's questions: which units turn their inputs into results (DEA efficiency against the
index), how productivity moved over the years (Malmquist), what holds each unit back (obstacle
degrees) and which targets the next period could set (grey GM(1,1) forecasts).

DEA's variables come from the build's normalised indicators (0–100, higher is better, imputed and
treated as in the index) of the ranked year, split by the framework's ``kind`` tags: inputs are the
``input`` indicators, outputs the ``output`` and ``outcome`` ones. By default (``options.efficiency.
variables: dimension``) each dimension contributes one input (the mean score of its input
indicators) and one output (the mean score of its output and outcome indicators), since with one
variable per indicator most of 150 units would come out efficient (the rule of thumb
:math:`n \\ge \\max(m s, 3(m + s))`). DEA needs positive values: every variable is mapped onto
[1, 100] by :math:`1 + 0.99x`. The BCC model's efficient set is invariant to translating any
variable and its output-oriented score to translating the inputs (Ali & Seiford 1990; Pastor 1996);
ratios of CCR scores are invariant to rescaling each variable. An input indicator of negative
direction enters as its level :math:`100 - x` (an input is the amount used; see :func:`dea_data`).
The Malmquist index maps each year's fixed-goalpost build onto 0–100 the same way
(:func:`graded_years`). ``options.efficiency.model: sbm`` gives Tone's non-oriented SBM, without
scale efficiency (a ratio of radial scores); the Malmquist index stays radial.

>>> from dgpe.session import open_run                                   # doctest: +SKIP
>>> from dgpe.sections import efficiency
>>> run = open_run("configs/default.yaml", notebook="06_efficiency_diagnosis")
>>> efficiency.scores(run).get_result("n_efficient")
51
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from dgpe import plotting
from dgpe.catalogue import message_text
from dgpe.sections.base import Finding, Section, requires
from dgpe.sections.comparison import graded_indicators, index_indicator_weights
from dgpe.text import Text, join
from methods import MethodError

__all__ = ["DEAData", "dea_data", "variables", "scores", "malmquist", "obstacles", "forecasts",
           "flag_units", "unit_obstacles", "card_obstacles", "obstacle_result", "run_dea",
           "run_malmquist", "KIND_SIDE", "reversed_inputs", "rank_agreement", "graded_years",
           "malmquist_summary"]

Run = Any  # dgpe.session.Run

#: The DEA side of each indicator kind.
KIND_SIDE = {"input": "input", "output": "output", "outcome": "output"}
#: Unit names listed in a finding before "and n more".
N_NAMED = 12
ORIENTATION = {"output": "efficiency.orient_output", "input": "efficiency.orient_input"}
MODEL = {"bcc": "efficiency.model_bcc", "ccr": "efficiency.model_ccr", "sbm": "efficiency.model_sbm"}


@dataclass(frozen=True)
class DEAData:
    """DEA's inputs and outputs (units × variables, on [1, 100]) and what each variable is
    (``definition``: variable, side, dimension, indicators)."""

    inputs: pd.DataFrame
    outputs: pd.DataFrame
    definition: pd.DataFrame

    @property
    def rule_of_thumb(self) -> int:
        """:math:`\\max(m s, 3(m + s))`, the units DEA needs to discriminate (Cooper et al. 2007)."""
        m, s = self.inputs.shape[1], self.outputs.shape[1]
        return max(m * s, 3 * (m + s))


def _dimension_of(run: Run) -> dict[str, str]:
    """Each indicator's dimension (the child of the index above it)."""
    fw = run.framework
    out: dict[str, str] = {}
    for d in fw.children(run.plan.index.index_code):
        stack = [d]
        while stack:
            c = stack.pop()
            kids = list(fw.children(c))
            if kids:
                stack.extend(kids)
            else:
                out[c] = d
    return out


def reversed_inputs(run: Run, codes: list[str]) -> list[str]:
    """The ``kind: input`` indicators among ``codes`` whose direction is negative: their normalised
    score (higher = better, i.e. less of the input) runs against the amount of input DEA needs, so
    :func:`dea_data` takes their level :math:`100 - x` instead."""
    meta = run.meta.set_index("code")
    return [c for c in codes if c in meta.index and KIND_SIDE.get(str(meta.at[c, "kind"])) == "input"
            and pd.notna(meta.at[c, "direction"]) and float(meta.at[c, "direction"]) < 0]


def dea_data(run: Run, normalised: pd.DataFrame | None = None) -> DEAData:
    """DEA's variables from normalised indicators on 0–100 (the ranked year's
    :func:`dgpe.sections.comparison.graded_indicators` by default), as the run's
    ``options.efficiency.variables`` says: per dimension (the mean of each side's indicators) or
    per indicator; every variable mapped onto [1, 100] by :math:`1 + 0.99x`.

    Normalised scores are oriented (higher = better). An output keeps its orientation (a negative
    output, e.g. an error rate, enters as its reversed score, the usual translation of an
    undesirable output; Seiford & Zhu 2002), but an input must be the amount used: an input of
    negative direction enters as its un-oriented level :math:`100 - x` (:func:`reversed_inputs`)."""
    x = graded_indicators(run)[0] if normalised is None else normalised
    flip = reversed_inputs(run, list(x.columns))
    if flip:
        x = x.assign(**{c: 100.0 - x[c] for c in flip})
    kinds = run.meta.set_index("code")["kind"]
    dim = _dimension_of(run)
    rows = []
    columns: dict[str, dict[str, pd.Series]] = {"input": {}, "output": {}}
    by_dimension = run.plan.setting("efficiency.variables") == "dimension"
    for d in dict.fromkeys(dim.values()):
        for side, prefix in (("input", "in"), ("output", "out")):
            codes = [c for c in x.columns if dim.get(c) == d and KIND_SIDE.get(str(kinds.get(c))) == side]
            if not codes:
                continue
            if by_dimension:
                name = f"{prefix}_{d}"
                columns[side][name] = x[codes].mean(axis=1, skipna=False)
                rows.append({"variable": name, "side": side, "dimension": d, "indicators": ", ".join(codes)})
            else:
                for c in codes:
                    columns[side][c] = x[c]
                    rows.append({"variable": c, "side": side, "dimension": d, "indicators": c})
    inputs, outputs = (1.0 + 0.99 * pd.DataFrame(columns[s], index=x.index) for s in ("input", "output"))
    return DEAData(inputs, outputs, pd.DataFrame(rows).set_index("variable"))


def _incomplete(run: Run, sec_name: str, title: Text, data: DEAData) -> Section | None:
    both = data.inputs.join(data.outputs)
    if not both.isna().any().any():
        return None
    missing = both.isna().sum()
    return Section.skip(sec_name, title, "efficiency.skipped_incomplete", n=int(missing.sum()),
                        columns=_listed(missing[missing > 0].index))


def _listed(items: Any) -> Text:
    """Codes listed in both languages (、 in Chinese, a comma in English)."""
    names = [str(i) for i in items]
    return Text(join(names, "zh"), join(names, "en"))


# -- 1. the variables --------------------------------------------------------------------------


@requires("efficiency", "efficiency.variables")
def variables(run: Run) -> Section:
    """Which inputs and outputs DEA compares, and are there few enough of them for the units?"""
    title = Text("DEA 的投入与产出变量", "DEA's inputs and outputs")
    data = dea_data(run)
    sec = Section("efficiency.variables", title)
    definition = data.definition.copy()
    definition.insert(2, "name", [run.label(d) for d in definition["dimension"]])
    sec.table("dea_variables", definition, ("DEA 变量的构成", "What each DEA variable is made of"), note=True,
              show=None)
    sec.table("dea_data", data.inputs.join(data.outputs).round(4),
              ("各单位的 DEA 投入与产出（[1, 100]）", "Each unit's DEA inputs and outputs ([1, 100])"), show=0)
    n, m, s, need = len(data.inputs), data.inputs.shape[1], data.outputs.shape[1], data.rule_of_thumb
    sec.result("dea_rule_of_thumb", need, ("DEA 经验法则所需单位数", "Units DEA's rule of thumb asks for"))
    if n < need:
        sec.finding("efficiency.too_few_units", n=n, need=need, n_in=m, n_out=s)
    elif run.plan.setting("efficiency.variables") == "dimension":
        sec.finding("efficiency.variables_dimension", n=n, need=need, n_in=m, n_out=s,
                    inputs=Text("、".join(data.inputs.columns), ", ".join(data.inputs.columns)),
                    outputs=Text("、".join(data.outputs.columns), ", ".join(data.outputs.columns)))
    else:
        sec.finding("efficiency.variables_indicator", n=n, need=need, n_in=m, n_out=s)
    flipped = reversed_inputs(run, list(run.framework.indicator_codes))
    if flipped:
        sec.finding("efficiency.inputs_reversed", codes=_listed(flipped))
    return sec


# -- 2. efficiency against the index ---------------------------------------------------------------


def flag_units(efficiency: pd.Series, index: pd.Series, input_level: pd.Series, share: float) -> pd.DataFrame:
    """Each unit's ranks (1 = best: highest efficiency, index score and input level; ties share the
    better rank) and flags with ``share`` the top or bottom fraction: ``input_heavy`` (top by input
    level, bottom by efficiency: 重投入轻产出), ``index_propped`` (top by the index, bottom by
    efficiency) and ``frugal`` (bottom by input level, top by efficiency).

    >>> e = pd.Series([1.0, 0.5, 0.9], index=list("abc"))
    >>> flag_units(e, pd.Series([3.0, 2, 1], index=list("abc")), pd.Series([1.0, 3, 2], index=list("abc")),
    ...            1 / 3)[["efficiency_rank", "input_heavy", "frugal"]]
       efficiency_rank  input_heavy  frugal
    a              1.0        False    True
    b              3.0         True   False
    c              2.0        False   False
    """
    n = len(efficiency)
    ranks = pd.DataFrame({"efficiency_rank": efficiency.rank(ascending=False, method="min"),
                          "index_rank": index.rank(ascending=False, method="min"),
                          "input_rank": input_level.rank(ascending=False, method="min")})
    top, bottom = share * n, (1 - share) * n
    out = ranks.assign(
        input_heavy=(ranks["input_rank"] <= top) & (ranks["efficiency_rank"] > bottom),
        index_propped=(ranks["index_rank"] <= top) & (ranks["efficiency_rank"] > bottom),
        frugal=(ranks["input_rank"] > bottom) & (ranks["efficiency_rank"] <= top),
    )
    return out


def run_dea(run: Run, data: DEAData) -> Any:
    """The DEA of the run's options (``efficiency.model``, ``efficiency.orientation``)."""
    from methods.efficiency import dea

    return dea(data.inputs, data.outputs, model=run.plan.setting("efficiency.model"),
               orientation=run.plan.setting("efficiency.orientation"))


def _scale(run: Run, data: DEAData) -> pd.DataFrame | None:
    """CRS and VRS efficiency, scale efficiency and returns to scale (None when they fail, and
    for SBM: scale efficiency is a ratio of radial scores)."""
    from methods.efficiency import scale_efficiency

    if run.plan.setting("efficiency.model") == "sbm":
        return None
    try:
        res = scale_efficiency(data.inputs, data.outputs, orientation=run.plan.setting("efficiency.orientation"))
    except MethodError:
        return None
    frame = pd.DataFrame(res.table() if hasattr(res, "table") else res)
    return frame.rename(columns={"scale": "scale_efficiency", "se": "scale_efficiency", "rts": "returns_to_scale"})


def _names(run: Run, units: list[Any]) -> Text:
    """Unit names joined, the first :data:`N_NAMED` and a count of the rest."""
    names = [str(run.units.loc[u, "unit_name"]) if "unit_name" in run.units else str(u) for u in units]
    shown = names[:N_NAMED]
    zh, en = "、".join(shown), ", ".join(shown)
    if len(names) > N_NAMED:
        more = message_text("efficiency.unit_more", n=len(names) - N_NAMED)
        zh, en = f"{zh}{more.zh}", f"{en} {more.en}"
    return Text(zh, en)


@requires("efficiency", "efficiency.scores")
def scores(run: Run) -> Section:
    """Which units turn their inputs into results, and how does that compare with their rank in the
    index? Flags the input-heavy (重投入轻产出), the index-propped and the frugal units."""
    title = Text("效率与综合指数名次", "Efficiency against the index rank")
    data = dea_data(run)
    skipped = _incomplete(run, "efficiency.scores", title, data)
    if skipped is not None:
        return skipped
    sec = Section("efficiency.scores", title)
    res = run_dea(run, data)
    # rounded before ranking: solver noise (1 − 1e-9) must not order the efficient units
    eff = pd.Series(res.efficiency, dtype=float).reindex(data.inputs.index).round(6)
    index = run.plan.index.scores[run.plan.index.index_code].reindex(eff.index)
    level = data.inputs.mean(axis=1)
    share = float(run.plan.threshold("efficiency.tercile"))
    flags = flag_units(eff, index, level, share)
    table = pd.DataFrame({"unit_name": run.units["unit_name"].reindex(eff.index), "efficiency": eff,
                          "index_score": index.round(4), "input_level": level.round(4)}).join(flags)
    scale = _scale(run, data)
    if scale is not None:
        table = table.join(scale.drop(columns=[c for c in scale.columns if c in table.columns]))
    table = table.sort_values(["efficiency_rank", "index_rank"])
    sec.table("efficiency", table, ("各单位的 DEA 效率、综合指数与投入水平", "Each unit's DEA efficiency, index and input level"))
    _slacks(sec, res)
    sec.table("efficiency_flags", _flagged(table, run.lang), ("被标记的单位：重投入轻产出、指数高而效率低、节俭高效",
              "Flagged units: heavy inputs and light results, high index but inefficient, frugal"), note=True,
              show=None)
    rho = float(eff.corr(index, method="spearman"))
    sec.figure("efficiency_quadrant", _quadrant(run, table, share), message_text("efficiency.title_quadrant"))
    n_eff = int((eff >= 1).sum())
    sec.result("n_efficient", n_eff, ("DEA 有效单位数", "DEA-efficient units"))
    sec.result("efficiency_spearman", None if np.isnan(rho) else round(rho, 6), ("效率名次与指数名次的 Spearman 相关",
               "Spearman correlation of efficiency and index ranks"))
    for key, label in (("input_heavy", ("重投入轻产出的单位", "Heavy-input, light-result units")),
                       ("index_propped", ("指数高而效率低的单位", "High-index, inefficient units")),
                       ("frugal", ("节俭高效的单位", "Frugal performers"))):
        sec.result(key, [str(u) for u in table.index[table[key]]], label)
    _score_findings(run, sec, table, scale, n_eff, rho, share)
    return sec


#: The flags' names in the flagged-units table, in the order they are listed.
FLAG_NAMES = {"input_heavy": Text("重投入轻产出", "heavy inputs, light results"),
              "index_propped": Text("指数高而效率低", "high index, inefficient"),
              "frugal": Text("节俭高效", "frugal")}


def _flagged(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The flagged units, input-heavy first, with their flags in words."""
    keys = list(FLAG_NAMES)
    flagged = table[table[keys].any(axis=1)].copy()
    words = [("、" if lang == "zh" else "; ").join(FLAG_NAMES[k](lang) for k in keys if row[k])
             for _, row in flagged.iterrows()]
    flagged.insert(1, "flag", words)
    order = flagged[keys].to_numpy().argmax(axis=1)  # the first flag a unit has
    flagged = flagged.assign(_order=order).sort_values(["_order", "efficiency_rank"], kind="stable")
    return flagged[["unit_name", "flag", "efficiency", "index_score", "efficiency_rank", "index_rank", "input_rank"]]


def _slacks(sec: Section, res: Any) -> None:
    for name, attr, title in (("input_slacks", "input_slacks", ("投入松弛", "Input slacks")),
                              ("output_slacks", "output_slacks", ("产出松弛", "Output slacks")),
                              ("dea_targets", "targets", ("DEA 目标值（投影）", "DEA targets (projections)"))):
        frame = getattr(res, attr, None)
        if isinstance(frame, pd.DataFrame):
            sec.table(name, frame.round(4), title, show=0)


def _score_findings(run: Run, sec: Section, table: pd.DataFrame, scale: pd.DataFrame | None, n_eff: int,
                    rho: float, share: float) -> None:
    eff = table["efficiency"]
    worst = eff.idxmin()
    params: dict[str, Any] = {
        "year": run.plan.year, "model": message_text(MODEL[run.plan.setting("efficiency.model")]),
        "orientation": _orientation(run), "n_eff": n_eff, "n": len(eff), "median": float(eff.median()), "low": float(eff.min()),
        "worst": str(table.loc[worst, "unit_name"])}
    if scale is not None and {"scale_efficiency", "returns_to_scale"} <= set(scale.columns):
        counts = scale["returns_to_scale"].astype(str).value_counts()
        sec.finding("efficiency.scores", se=float(scale["scale_efficiency"].median()),
                    n_irs=int(counts.get("increasing", 0)), n_crs=int(counts.get("constant", 0)),
                    n_drs=int(counts.get("decreasing", 0)), **params)
    else:
        sec.finding("efficiency.scores_no_scale", **params)
        if run.plan.setting("efficiency.model") == "sbm":
            sec.finding("efficiency.scale_not_sbm")
    key, params = rank_agreement(rho, int((eff >= 1).sum()), len(eff))
    sec.finding(key, **params)
    for key in ("input_heavy", "index_propped", "frugal"):
        units = list(table.index[table[key]])
        if units:
            sec.finding(f"efficiency.{key}", n=len(units), share=share, units=_names(run, units))
        else:
            sec.finding(f"efficiency.{key}_none", share=share)


def _orientation(run: Run) -> Text:
    """The DEA's orientation in words (SBM has none)."""
    if run.plan.setting("efficiency.model") == "sbm":
        return message_text("efficiency.orient_none")
    return message_text(ORIENTATION[run.plan.setting("efficiency.orientation")])


def rank_agreement(rho: float, n_eff: int, n: int) -> tuple[str, dict[str, Any]]:
    """The finding on the Spearman correlation of efficiency and index ranks: its catalogue key and
    parameters. An undefined correlation (every unit efficient, or a constant index) gets its own
    finding instead of reading as "the index and efficiency differ".

    >>> rank_agreement(float("nan"), 5, 5)[0]
    'efficiency.rank_agreement_undefined'
    >>> rank_agreement(0.8, 2, 5)[1]["meaning"].en
    'the units high in the index are mostly also the efficient ones.'
    """
    if np.isnan(rho):
        return "efficiency.rank_agreement_undefined", {"n_eff": n_eff, "n": n}
    meaning = "efficiency.agreement_negative" if rho < 0 else (
        "efficiency.agreement_high" if rho >= 0.7 else "efficiency.agreement_low")
    return "efficiency.rank_agreement", {"rho": rho, "meaning": message_text(meaning)}


def _quadrant(run: Run, table: pd.DataFrame, share: float) -> Any:
    """Index rank (x) against efficiency rank (y), 1 = best, thirds shaded, flagged units named."""
    fig, ax = plt.subplots(figsize=(7.2, 6.6))
    n = len(table)
    for v in (share * n, (1 - share) * n):
        ax.axvline(v, color="0.7", lw=0.8, ls="--")
        ax.axhline(v, color="0.7", lw=0.8, ls="--")
    ax.scatter(table["index_rank"], table["efficiency_rank"], s=12, color="0.6",
               label=Text("其他单位", "other units")(run.lang))
    colours = {"input_heavy": plotting.PALETTE[3], "index_propped": plotting.PALETTE[1], "frugal": plotting.PALETTE[2]}
    for key, label in FLAG_NAMES.items():
        part = table[table[key]]
        ax.scatter(part["index_rank"], part["efficiency_rank"], s=26, color=colours[key], label=label(run.lang),
                   edgecolor="black", linewidth=0.3)
    named = table[table["input_heavy"] | table["index_propped"]].head(30)  # the warnings' units
    for _, row in named.iterrows():
        ax.annotate(str(row["unit_name"]), (row["index_rank"], row["efficiency_rank"]), fontsize=6,
                    xytext=(3, 2), textcoords="offset points")
    ax.set_xlim(0, n + 1)
    ax.set_ylim(n + 1, 0)
    ax.set_xlabel(Text("综合指数名次（1 = 最好）", "index rank (1 = best)")(run.lang))
    ax.set_ylabel(Text("DEA 效率名次（1 = 最好，有效单位并列）", "DEA efficiency rank (1 = best; efficient units tie)")(run.lang))
    ax.set_title(message_text("efficiency.title_quadrant")(run.lang))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, frameon=False)
    fig.tight_layout()
    return fig


# -- 3. Malmquist productivity ---------------------------------------------------------------------


def _rescaled(run: Run) -> list[str]:
    """The indicators 05's comparability check finds min-max rescaled within each year (their
    levels, and so a frontier's movement or a trend, do not compare across years)."""
    from methods.index import comparability as cmp

    panel = run.panel if run.plan.year is None else run.panel[run.panel["year"] <= run.plan.year]
    codes = [c for c in run.framework.indicator_codes if not panel.groupby("year")[c].count().eq(0).any()]
    try:
        return [str(c) for c in cmp.framework_rescaling_drift(panel, run.meta, codes).rescaled]
    except MethodError:
        return []


def _rescaled_warning(sec: Section, run: Run, what: Text) -> None:
    rescaled = _rescaled(run)
    if rescaled:
        sec.finding("efficiency.rescaled_levels", indicators=_listed(rescaled), what=what)



@requires("malmquist", "efficiency.malmquist")
def malmquist(run: Run) -> Section:
    """How did productivity move between consecutive years, and is it catching up with the
    frontier (efficiency change) or the frontier moving (technical change)? On fixed goalposts."""
    title = Text("Malmquist 生产率指数", "Malmquist productivity index")
    try:
        yearly = run.plan.build_years()
    except MethodError as exc:
        return Section("efficiency.malmquist", title,
                       skipped=Finding("efficiency.skipped_malmquist_build", {"error": str(exc)}, "warning"))
    graded = graded_years(run, yearly)
    if graded is None:
        return Section.skip("efficiency.malmquist", title, "efficiency.skipped_malmquist_scale")
    data = {y: dea_data(run, x) for y, x in graded.items()}
    complete = set.intersection(*[set(d.inputs.join(d.outputs).dropna().index) for d in data.values()])
    units = [u for u in data[max(data)].inputs.index if u in complete]
    sec = Section("efficiency.malmquist", title)
    table = run_malmquist(run, data, units)
    sec.table("malmquist", table, ("各单位逐年的 Malmquist 指数及其分解", "Each unit's Malmquist index and its parts, year by year"),
              index=False)
    steps = malmquist_summary(table)
    sec.table("malmquist_means", steps, ("各年 Malmquist 指数的几何均值", "Geometric means of the Malmquist index by year"),
              index=False, note=True, show=None)
    sec.figure("malmquist_decomposition", _malmquist_figure(run, steps), ("Malmquist 指数分解（几何均值）",
               "Malmquist decomposition (geometric means)"))
    last = steps.iloc[-1]
    sec.result("tfpch_last", round(float(last["tfpch"]), 6), ("最近一年全要素生产率指数（几何均值）",
               "Total factor productivity change in the last year (geometric mean)"))
    parts = [message_text("efficiency.malmquist_step", year_from=int(r["year_from"]), year_to=int(r["year_to"]),
                          tfp=float(r["tfpch"]), eff=float(r["effch"]), tech=float(r["techch"]),
                          n_up=int(r["n_up"]), n=int(r["n_units"])) for _, r in steps.iterrows()]
    _rescaled_warning(sec, run, Text("技术变化（前沿的移动）", "technical change (the frontier's movement)"))
    if int(steps["n_infeasible"].sum()):
        sec.finding("efficiency.malmquist_infeasible", n=int(steps["n_infeasible"].sum()),
                    n_pairs=int(steps["n_units"].sum() + steps["n_infeasible"].sum()))
    sec.finding("efficiency.malmquist", steps=Text("；".join(p.zh for p in parts), "; ".join(p.en for p in parts)),
                orientation=message_text(ORIENTATION[run.plan.setting("efficiency.orientation")]))
    return sec


def graded_years(run: Run, yearly: dict[int, Any]) -> dict[int, pd.DataFrame] | None:
    r"""Each year's indicators (built on fixed goalposts) on 0–100, as
    :func:`dgpe.sections.comparison.graded_indicators` maps the ranked year: each year's normalised
    indicators mapped linearly from their scale :math:`[l, h]`, :math:`100\,(x - l)/(h - l)`, with
    the same :math:`l, h` every year so the goalposts stay fixed (a min-max [0, 1] build and a
    z-score build, whose years are built on goalposts scaled to 100, give the default's values).
    None when a year's scale is open or its values leave it."""
    from methods.index.scales import hull

    out = {}
    for y, r in yearly.items():
        codes = [c for c in run.framework.indicator_codes if c in r.stages["normalised"].columns]
        scale = hull([r.scales[c] for c in codes])
        if not scale.bounded or scale.low is None or scale.high is None or scale.high <= scale.low:
            return None
        low, span = float(scale.low), float(scale.high) - float(scale.low)
        x = r.stages["normalised"][codes]
        inside = (x >= low - 1e-9 * span) & (x <= low + span * (1 + 1e-9))
        if not bool((inside | x.isna()).all().all()):  # gaps are dropped with their units later
            return None
        out[y] = (x - low) * (100.0 / span)
    return out


def run_malmquist(run: Run, data: dict[int, DEAData], units: list[Any]) -> pd.DataFrame:
    """:func:`methods.efficiency.malmquist` over the years' DEA variables (complete units only):
    one row per unit and pair of consecutive years."""
    from methods.efficiency import malmquist as mq

    years = sorted(data)
    inputs = pd.concat({y: data[y].inputs.loc[units] for y in years}, names=["period", "unit"])
    outputs = pd.concat({y: data[y].outputs.loc[units] for y in years}, names=["period", "unit"])
    inputs, outputs = (f.swaplevel().sort_index(level=1, sort_remaining=False) for f in (inputs, outputs))
    res = mq(inputs, outputs, orientation=run.plan.setting("efficiency.orientation"))
    table = res.table().reset_index(drop=True)
    names = run.units["unit_name"] if "unit_name" in run.units else pd.Series(dtype=object)
    table.insert(1, "unit_name", table["unit"].map(names))
    return table.rename(columns={"from": "year_from", "to": "year_to"})


def malmquist_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Geometric means of each part by pair of years over the units whose parts are all finite and
    positive (``n_units``; ``n_infeasible`` counts the others, e.g. an infeasible cross-period LP
    under VRS), and how many of them rose.

    >>> t = pd.DataFrame({"year_from": [1, 1, 1], "year_to": [2, 2, 2], "tfpch": [2.0, 0.5, np.nan],
    ...                   "effch": [1.0, 1.0, 1.0], "techch": [2.0, 0.5, np.nan]})
    >>> malmquist_summary(t)[["n_units", "n_infeasible", "n_up", "tfpch"]]
       n_units  n_infeasible  n_up  tfpch
    0        2             1     1    1.0
    """
    parts = [c for c in ("effch", "techch", "pech", "sech", "tfpch") if c in table.columns]
    rows = []
    for (a, b), g in table.groupby(["year_from", "year_to"], sort=True):
        values = g[parts].astype(float)
        used = values[(values > 0).all(axis=1) & np.isfinite(values).all(axis=1)]
        row: dict[str, Any] = {"year_from": a, "year_to": b, "n_units": len(used),
                               "n_infeasible": len(g) - len(used), "n_up": int((used["tfpch"] > 1).sum())}
        for c in ["tfpch", *(c for c in parts if c != "tfpch")]:  # the index first, then its parts
            row[c] = float(np.exp(np.log(used[c]).mean())) if len(used) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def _malmquist_figure(run: Run, steps: pd.DataFrame) -> Any:
    fig, ax = plt.subplots(figsize=(7, 3.8))
    labels = [f"{int(a)}→{int(b)}" for a, b in zip(steps["year_from"], steps["year_to"], strict=True)]
    parts = [c for c in ("effch", "techch", "tfpch") if c in steps.columns]
    width = 0.8 / len(parts)
    for i, c in enumerate(parts):
        ax.bar(np.arange(len(steps)) + i * width, steps[c], width=width, label=c.upper(),
               color=plotting.PALETTE[i % len(plotting.PALETTE)])
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_xticks(np.arange(len(steps)) + width * (len(parts) - 1) / 2, labels)
    low = float(steps[parts].min().min())
    ax.set_ylim(min(0.9, low - 0.02), None)
    ax.set_ylabel(Text("几何均值（1 = 不变）", "geometric mean (1 = no change)")(run.lang))
    ax.set_title(Text("Malmquist 指数分解", "Malmquist decomposition")(run.lang))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# -- 4. obstacle degrees ---------------------------------------------------------------------------


def obstacle_result(run: Run) -> Any:
    """:func:`methods.index.obstacle.obstacle_degree` of the ranked year: the build's normalised
    indicators (0–100), their effective weights in the index, grouped by dimension; None when the
    build leaves values missing."""
    from methods.index.obstacle import obstacle_degree

    x = graded_indicators(run)[0]
    if x.isna().any().any():
        return None
    weights = index_indicator_weights(run, list(x.columns))
    return obstacle_degree(x, weights, groups=_dimension_of(run), scale=(0.0, 100.0),
                           top=int(run.plan.setting("efficiency.top_obstacles")))


def unit_obstacles(run: Run, unit: Any, result: Any = None) -> Text:
    """One unit's largest obstacles as a sentence for its card (empty when none)."""
    result = obstacle_result(run) if result is None else result
    if result is None or unit not in result.indicator.index:
        return Text("", "")
    top = result.top_for(unit)
    if top.empty:
        return Text("", "")
    items = [Text(f"{r['indicator']} {run.name(r['indicator']).zh}（{r['obstacle']:.1%}）",
                  f"{r['indicator']} {run.name(r['indicator']).en} ({r['obstacle']:.1%})") for _, r in top.iterrows()]
    joined = Text("、".join(t.zh for t in items), "; ".join(t.en for t in items))
    return message_text("efficiency.card_obstacles", items=joined)


def card_obstacles(run: Run, units: list[Any]) -> list[str]:
    """The largest obstacles of each unit for the unit cards of 05, in the run's language ('' for
    a unit without them, e.g. when the build leaves values missing)."""
    try:
        result = obstacle_result(run)
    except MethodError:
        return [""] * len(units)
    return [unit_obstacles(run, u, result)(run.lang) for u in units]


@requires("index", "efficiency.obstacles")
def obstacles(run: Run) -> Section:
    """Which indicators and dimensions hold each unit back most (obstacle degree: weight × shortfall)?"""
    title = Text("障碍度：各单位的主要障碍", "Obstacle degree: what holds each unit back")
    res = obstacle_result(run)
    if res is None:
        x = graded_indicators(run)[0]
        missing = x.isna().sum()
        return Section.skip("efficiency.obstacles", title, "efficiency.skipped_incomplete", n=int(missing.sum()),
                            columns=_listed(missing[missing > 0].index))
    if res.top.empty:
        return Section.skip("efficiency.obstacles", title, "efficiency.skipped_no_obstacles")
    sec = Section("efficiency.obstacles", title)
    top = res.top.copy()
    top.insert(1, "unit_name", top["unit"].map(run.units["unit_name"]) if "unit_name" in run.units else top["unit"])
    top.insert(4, "name", [run.label(c) for c in top["indicator"]])
    sec.table("obstacle_top", top, ("各单位的主要障碍指标", "Each unit's largest obstacles"), index=False)
    sec.table("obstacle_indicator", res.indicator.round(6), ("各单位各指标的障碍度", "Obstacle degree of every indicator"),
              show=0)
    sec.table("obstacle_dimension", res.dimension.round(6), ("各单位各维度的障碍度", "Obstacle degree of every dimension"),
              show=0)
    first = top[top["rank"] == 1]["indicator"].value_counts()
    summary = pd.DataFrame({"name": [run.label(c) for c in res.indicator.columns],
                            "mean_obstacle": res.indicator.mean().round(4),
                            "n_first_obstacle": first.reindex(res.indicator.columns).fillna(0).astype(int)},
                           index=res.indicator.columns).sort_values("mean_obstacle", ascending=False)
    sec.table("obstacle_summary", summary.head(10), ("平均障碍度最大的指标（前 10）",
              "Indicators with the largest mean obstacle degree (top 10)"), note=True)
    dims = res.dimension.mean().sort_values(ascending=False)
    sec.figure("obstacle_dimensions", _obstacle_figure(run, dims), ("各维度的平均障碍度", "Mean obstacle degree by dimension"))
    sec.result("obstacle_dimension_means", {str(k): round(float(v), 6) for k, v in dims.items()},
               ("各维度平均障碍度", "Mean obstacle degree by dimension"))
    item = str(first.index[0])
    sec.finding("efficiency.obstacles", dim=run.name(str(dims.index[0])), dim_share=float(dims.iloc[0]), item=item,
                item_name=run.name(item), count=int(first.iloc[0]), n=int(first.sum()),
                top=int(run.plan.setting("efficiency.top_obstacles")))
    return sec


def _obstacle_figure(run: Run, dims: pd.Series) -> Any:
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh([f"{d} {run.label(str(d))}" for d in dims.index], dims.to_numpy(), color=plotting.PALETTE[0])
    ax.invert_yaxis()
    ax.set_xlabel(Text("平均障碍度", "mean obstacle degree")(run.lang))
    ax.set_title(Text("各维度的平均障碍度", "Mean obstacle degree by dimension")(run.lang))
    fig.tight_layout()
    return fig


# -- 5. GM(1,1) targets ----------------------------------------------------------------------------


@requires("forecast", "efficiency.forecasts")
def forecasts(run: Run) -> Section:
    """Which value could each unit's indicator reach next period, by a grey GM(1,1) forecast of
    its consecutive years up to the ranked one (as delivered, in the indicator's own unit)?"""
    from methods.forecast import gm11_targets

    title = Text("GM(1,1) 下一期目标值", "GM(1,1) targets for the next period")
    sec = Section("efficiency.forecasts", title)
    need = int(run.plan.setting("efficiency.forecast_min_years"))
    panel = run.plan.panel_input
    if run.plan.year is not None:
        panel = panel[panel["year"] <= run.plan.year]
    years = sorted(int(y) for y in panel["year"].unique())
    steps = set(np.diff(years))
    period = {y: i + 1 for i, y in enumerate(years)} if len(steps) > 1 else {y: y for y in years}
    frames, skipped = [], 0
    meta = run.meta.set_index("code")
    for code in run.framework.indicator_codes:
        wide = panel.pivot(index="year", columns="unit_id", values=code).rename(index=period).astype(float)
        res = gm11_targets(wide, min_years=need)
        skipped += len(res.skipped)
        t = res.targets.copy()
        if t.empty:
            continue
        frames.append(_targets(t, code, wide.iloc[-1], meta.loc[code]))
    if not frames:
        return Section.skip("efficiency.forecasts", title, "efficiency.skipped_few_years_forecast",
                            n=len(years), need=need)
    table = pd.concat(frames, ignore_index=True)
    table.insert(1, "unit_name", table["unit"].map(run.units["unit_name"]) if "unit_name" in run.units else table["unit"])
    sec.table("gm11_targets", table, ("各单位各指标的 GM(1,1) 目标值", "GM(1,1) targets per unit and indicator"), index=False)
    good = table["grade"].astype(int) <= 2
    sec.result("n_forecast", len(table), ("GM(1,1) 建模的序列数", "Series fitted by GM(1,1)"))
    sec.result("share_forecast_good", round(float(good.mean()), 6), ("精度为好或合格的序列占比",
               "Share of series with a good or qualified accuracy grade"))
    if len(steps) > 1:
        sec.finding("efficiency.forecast_uneven", years=Text("、".join(map(str, years)), ", ".join(map(str, years))),
                    next=len(years) + 1)
    _rescaled_warning(sec, run, Text("目标值（趋势外推）", "the targets (extrapolated trends)"))
    sec.finding("efficiency.forecast", n_fit=len(table), n_ind=int(table["indicator"].nunique()),
                n_units=int(table["unit"].nunique()), year=years[-1], need=need, n_good=int(good.sum()),
                n_ratio=int((~table["applicable"].astype(bool)).sum()), n_skip=skipped)
    return sec


def _targets(t: pd.DataFrame, code: str, last: pd.Series, node: pd.Series) -> pd.DataFrame:
    """One indicator's GM(1,1) fits as target rows: the forecast kept within the indicator's bounds
    (``target``) and whether it improves on the last value in the indicator's direction."""
    last = last.reindex(t.index)
    t = t.rename(columns={"C": "posterior_ratio", "P": "small_error_p"})
    t.insert(0, "indicator", code)
    t.insert(1, "last", last.to_numpy())
    low = node.get("bound_low")
    high = node.get("bound_high")
    target = t["forecast"].astype(float).clip(lower=None if pd.isna(low) else float(low),
                                              upper=None if pd.isna(high) else float(high))
    t.insert(t.columns.get_loc("forecast") + 1, "target", target)
    direction = pd.to_numeric(pd.Series([node.get("direction")]), errors="coerce").iloc[0]
    sign = -1.0 if pd.notna(direction) and direction < 0 else 1.0
    t["improves"] = sign * (target - last) > 0
    return t.reset_index()

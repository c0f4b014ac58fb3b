"""Factor structure (notebook 02): do the data agree with the structure the framework intends?

Two instruments are examined: the indicator set as the index uses it (``run.prepared``: imputed
and outlier-treated by the run's build, oriented and standardised), whose intended factors are the
index's dimensions, and the satisfaction survey (only when the run has one, with scales), whose
intended factors are its scales. The sections answer in turn: are the correlations worth factoring
(KMO, Bartlett); how many factors do the data support (parallel analysis); does an exploratory
solution put each indicator with its own dimension; does the intended structure fit as a
confirmatory model; are the dimensions convergent and distinct; does one component summarise each
dimension. An analysis that cannot run on the data (too few units, a singular correlation matrix)
becomes a finding, and a section none of whose analyses can run is skipped with the reason.

>>> from dgpe.session import open_run                                  # doctest: +SKIP
>>> run = open_run("configs/default.yaml", notebook="02_factor_structure")  # doctest: +SKIP
>>> sets = instruments(run).data["sets"]                              # doctest: +SKIP
>>> adequacy(run, sets).get_table("adequacy")["kmo"]                  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from dgpe import plotting
from dgpe.catalogue import message_text
from dgpe.sections.base import Finding, Section
from dgpe.sections.guard import guarded
from dgpe.text import Text
from methods import MethodError
from methods.psychometrics import factor, reliability

__all__ = ["Instruments", "instruments", "adequacy", "parallel", "efa", "cfa", "validity",
           "unidimensionality", "survey_correlation", "efa_factors", "SET_NAMES"]

#: The instruments' names in findings and table titles (the English form is the set's key).
SET_NAMES: dict[str, Text] = {"indicators": Text("指标体系", "indicators"),
                              "survey": Text("问卷", "survey")}
_SET_LABELS = {"indicators": Text("指标体系", "indicator set"), "survey": Text("问卷", "survey")}
_FAILS = (MethodError, np.linalg.LinAlgError, ValueError, ZeroDivisionError)


@dataclass
class Instruments:
    """The data sets of the factor analyses: ``sets`` maps ``"indicators"`` (and ``"survey"``) to
    ``(data, model)`` with ``model`` the intended factors (factor → its columns); ``blocks`` are the
    dimensions, sub-dimensions and scales whose one-component share is examined."""

    sets: dict[str, tuple[pd.DataFrame, dict[str, list[str]]]]
    blocks: dict[str, pd.DataFrame]
    survey_skipped: Finding | None = None
    errors: dict[str, str] = field(default_factory=dict)
    cor: dict[str, str] = field(default_factory=dict)

    def correlation(self, key: str) -> str:
        """The correlations the EFA of a set uses: ``pearson`` (indicators, continuous or Likert
        items by default), ``polychoric`` (ordinal items) or ``tetrachoric`` (binary items)."""
        return self.cor.get(key, "pearson")

    def overview(self) -> pd.DataFrame:
        """Rows, columns, intended factors and complete rows of each set."""
        return pd.DataFrame({k: {"rows": x.shape[0], "columns": x.shape[1], "intended factors": len(m),
                                 "complete rows": int(x.dropna().shape[0])} for k, (x, m) in self.sets.items()})


def _cut(value: float) -> str:
    """A cut-off as psychometric texts write it: 0.4 → ``.40``."""
    text = f"{value:.2f}"
    return text[1:] if text.startswith("0.") else text


def _join(items: list[Text], zh: str, en: str) -> Text:
    """Texts joined with a separator of each language."""
    return Text(zh.join(t.zh for t in items), en.join(t.en for t in items))


def _th(run: Any, name: str) -> Any:
    return run.plan.threshold(f"factor.{name}")


def _indicator_set(run: Any) -> tuple[tuple[pd.DataFrame, dict[str, list[str]]], dict[str, pd.DataFrame]]:
    prepared, fw = run.prepared, run.framework
    dims = reliability.indicator_blocks(prepared, run.meta, by=fw.dimension_of())
    subdims = reliability.indicator_blocks(prepared, run.meta, by=fw.subdimension_of())
    if not dims:
        raise MethodError("no dimension has two or more indicators with data")
    data = pd.concat(dims.values(), axis=1)
    return (data, {d: list(b.columns) for d, b in dims.items()}), {**dims, **subdims}


@guarded
def instruments(run: Any) -> Section:
    """The instruments the factor analyses examine (``data["sets"]``: :class:`Instruments`).

    The survey takes part only when the run has one with scales; otherwise the section says why."""
    sec = Section("factor.instruments", Text("因子分析的数据", "The instruments"))
    sets: dict[str, tuple[pd.DataFrame, dict[str, list[str]]]] = {}
    blocks: dict[str, pd.DataFrame] = {}
    errors: dict[str, str] = {}
    cor: dict[str, str] = {}
    if not run.plan.has("index"):
        sec.finding("factor.indicators_absent", reason=run.plan.why_not("index").text)
    else:
        try:
            sets["indicators"], blocks = _indicator_set(run)
        except _FAILS as exc:
            errors["indicators"] = str(exc)
            sec.finding("factor.set_failed", set=SET_NAMES["indicators"], error=str(exc),
                        analysis=Text("因子分析", "factor analysis"))
    skipped = None
    if run.plan.has("survey"):
        scales = list(run.framework.scales)
        survey = pd.concat([reliability.recode_reverse(run.survey[list(s.items)], list(s.reverse), s.bounds)
                            for s in scales], axis=1)
        sets["survey"] = (survey, {s.code: list(s.items) for s in scales})
        blocks.update({s.code: survey[list(s.items)] for s in scales})
        cor["survey"] = survey_correlation(run)
        if cor["survey"] != "pearson":
            sec.finding("factor.survey_correlation", cor=cor["survey"])
    else:
        skipped = run.plan.why_not("survey")
        sec.finding("factor.survey_absent", reason=skipped.text)
    sec.data["sets"] = Instruments(sets, blocks, skipped, errors, cor)
    return sec


def survey_correlation(run: Any) -> str:
    """The correlations the survey's EFA uses, from its item types: binary items tetrachoric,
    ordinal items polychoric (binary and ordinal together: polychoric), continuous items Pearson
    (with any other type too), Likert items ``options.factor.likert_correlation`` (Pearson by
    default; polychoric treats them as ordinal)."""
    types = {s.type for s in run.framework.scales}
    if "likert" in types and run.plan.setting("factor.likert_correlation") == "polychoric":
        types = (types - {"likert"}) | {"ordinal"}
    if "continuous" in types or "likert" in types:
        return "pearson"
    return "tetrachoric" if types == {"binary"} else "polychoric"


def _sets(run: Any, sets: Instruments | None) -> Instruments:
    return sets if sets is not None else instruments(run).data["sets"]


def _per_set(sec: Section, sets: Instruments, analysis: Text,
             fn: Callable[[str, pd.DataFrame, dict[str, list[str]]], Any]) -> dict[str, Any]:
    """``fn(key, data, model)`` for every set; a set it cannot run on becomes a finding."""
    out: dict[str, Any] = {}
    for key, (x, model) in sets.sets.items():
        n = int(x.dropna(how="all").shape[0])
        if n <= x.shape[1]:  # a correlation matrix of fewer units than variables is singular
            sec.finding("factor.set_failed", set=SET_NAMES[key], analysis=analysis,
                        error=message_text("plan.skipped_few_units", n=n, need=x.shape[1] + 1))
            continue
        try:
            out[key] = fn(key, x, model)
        except _FAILS as exc:
            sec.finding("factor.set_failed", set=SET_NAMES[key], analysis=analysis, error=str(exc))
    return out


def _skip_if_empty(sec: Section, done: dict[str, Any], sets: Instruments) -> Section | None:
    if done:
        return None
    errors = [f.params["error"] for f in sec.findings if f.key == "factor.set_failed"]
    errors += list(sets.errors.values())
    texts = [Text.of(e) for e in errors] or [Text("没有可分析的数据", "no data set")]
    return Section.skip(sec.name, sec.title, "factor.skipped_cannot_run", error=_join(texts, "；", "; "))


@guarded
def adequacy(run: Any, sets: Instruments | None = None) -> Section:
    """Are the correlations strong enough to factor? KMO (pairwise correlations, Kaiser's labels)
    and Bartlett's test of sphericity (complete cases), per set and per item (MSA)."""
    sets = _sets(run, sets)
    sec = Section("factor.adequacy", Text("抽样适切性", "Sampling adequacy: KMO and Bartlett"))
    min_msa = _th(run, "min_msa")
    missing = (run.plan.setting("factor.kmo_missing"), run.plan.setting("factor.bartlett_missing"))

    def test(_k: str, x: pd.DataFrame, _m: Any) -> Any:
        if missing == ("pairwise", "complete"):  # psych's KMO and cortest.bartlett on na.omit
            return factor.sampling_adequacy(x, min_msa=min_msa)
        return factor.AdequacyResult(factor.kmo(x, missing=missing[0]),
                                     factor.bartlett_sphericity(x, missing=missing[1]), float(min_msa))

    tests = _per_set(sec, sets, Text("KMO 与 Bartlett 检验", "KMO and Bartlett test"), test)
    if (skipped := _skip_if_empty(sec, tests, sets)) is not None:
        return skipped
    table = pd.DataFrame({key: a.summary().to_frame()["value"] for key, a in tests.items()}).T
    msa = pd.concat([a.to_frame().assign(set=key) for key, a in tests.items()])
    sec.table("adequacy", table, ("KMO 与 Bartlett 球形检验", "KMO and Bartlett's test of sphericity"), note=True)
    sec.table("msa_by_item", msa, ("各指标/题项的抽样适切性（MSA）", "Sampling adequacy (MSA) by indicator / item"), show=0)
    for key, row in table.iterrows():
        low = list(msa.index[(msa["set"] == key) & msa["low"]])
        params = dict(set=SET_NAMES[str(key)], kmo=row["kmo"], label=row["kmo_label"], df=row["bartlett_df"],
                      chi2=row["bartlett_chi2"], p=row["bartlett_p"], min_msa=_cut(min_msa))
        if low:
            sec.finding("factor.adequacy_low", low=", ".join(map(str, low)), **params)
        else:
            sec.finding("factor.adequacy_ok", level="warning" if row["kmo"] < min_msa else None, **params)
    return sec


def _scree_figure(run: Any, results: dict[str, Any], sets: Instruments) -> Any:
    lang = run.lang
    fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4.2), squeeze=False)
    lines = (("pc_observed", "o-", 0, 1.0, Text("主成分（观测）", "components (observed)")),
             ("fa_observed", "s-", 2, 1.0, Text("因子（观测）", "factors (observed)")),
             ("pc_sim_q", "--", 0, 0.7, Text("主成分 随机 95%", "components, random 95%")),
             ("fa_sim_q", "--", 2, 0.7, Text("因子 随机 95%", "factors, random 95%")))
    for ax, (key, pa) in zip(axes.flat, results.items(), strict=False):
        tab = pa.table.head(min(15, len(pa.table)))
        for col, style, colour, alpha, label in lines:
            ax.plot(tab.index, tab[col], style, color=plotting.PALETTE[colour], alpha=alpha, label=label(lang))
        ax.axvline(len(sets.sets[key][1]) + 0.5, color=plotting.PALETTE[3], lw=1, ls=":",
                   label=Text("预设维度数", "intended number")(lang))
        ax.set_title(f"{_SET_LABELS[key](lang)}: {Text('建议', 'suggests')(lang)} {pa.n_factors} "
                     f"{Text('个因子', 'factors')(lang)}")
        ax.set_xlabel(Text("序号", "number")(lang))
        ax.set_ylabel(Text("特征值", "eigenvalue")(lang))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


@guarded
def parallel(run: Any, sets: Instruments | None = None) -> Section:
    """How many factors do the data support? Horn's parallel analysis (95th percentile of random
    normal data of the same size; a fresh generator from the run's seed per set) against the number
    the framework intends."""
    sets = _sets(run, sets)
    sec = Section("factor.parallel", Text("因子个数", "How many factors? Scree and parallel analysis"))
    n_iter = int(_th(run, "parallel_iterations"))
    results = _per_set(sec, sets, Text("平行分析", "parallel analysis"),
                       lambda _k, x, _m: factor.parallel_analysis(x, n_iter=n_iter, seed=run.rng(2)))
    if (skipped := _skip_if_empty(sec, results, sets)) is not None:
        return skipped
    sec.figure("scree_parallel", _scree_figure(run, results, sets), ("碎石图与平行分析", "Scree plot and parallel analysis"),
               note=True)
    sec.result("parallel_n_factors", {key: pa.n_factors for key, pa in results.items()},
               ("平行分析建议的因子数", "Factors suggested by parallel analysis"))
    for key, pa in results.items():
        name = SET_NAMES[key]
        sec.table(f"parallel_{key}", pa.table, (f"平行分析（{name.zh}）", f"Parallel analysis ({key})"), show=0)
        intended = len(sets.sets[key][1])
        sec.finding("factor.parallel_agrees" if pa.n_factors == intended else "factor.parallel_differs",
                    set=name, n_factors=pa.n_factors, n_components=pa.n_components, intended=intended)
    return sec


@guarded
def efa(run: Any, sets: Instruments | None = None) -> Section:
    """Does an exploratory solution reproduce the intended structure? By default minres with the
    intended number of factors, oblimin rotation, Pearson correlations (``options.factor.efa_*``
    and the survey's item types change these); an item is flagged when its loading on its own
    dimension's factor is low or another loading is high."""
    sets = _sets(run, sets)
    sec = Section("factor.efa", Text("探索性因子分析", "Exploratory factor analysis against the intended structure"))
    own_min, cross_max = _th(run, "own_min"), _th(run, "cross_max")
    method, rotation = run.plan.setting("factor.efa_extraction"), run.plan.setting("factor.efa_rotation")
    cors = _efa_correlations(run, sec, sets)

    def one(key: str, x: pd.DataFrame, model: dict[str, list[str]]) -> tuple[Any, pd.DataFrame]:
        n = efa_factors(run, x, model)
        kw: dict[str, Any] = {"cor": cors[key]} if cors[key] != "pearson" else {}
        res = factor.efa(x, n, method=method, rotation=None if rotation == "none" else rotation, **kw)
        if not _efa_is_default(run, cors[key]):
            sec.finding("factor.efa_options", set=SET_NAMES[key], n=n, intended=len(model), method=method,
                        rotation=rotation, cor=cors[key])
        if n < len(model):  # fewer factors than constructs: nothing to match the constructs to
            return res, res.loadings.round(12).assign(set=key)
        fl = factor.loading_flags(res.loadings, model, own_min=own_min, cross_max=cross_max)
        return res, fl.join(res.loadings.round(12)).assign(set=key)

    results = _per_set(sec, sets, Text("探索性因子分析", "exploratory factor analysis"), one)
    if (skipped := _skip_if_empty(sec, results, sets)) is not None:
        return skipped
    flags = pd.concat([fl for _, fl in results.values()])
    sec.table("efa_loadings", flags, ("探索性因子载荷与预设结构", "EFA loadings against the intended structure"), note=True)
    for key, (res, _) in results.items():
        sec.table(f"efa_phi_{key}", res.phi, (f"因子相关（{SET_NAMES[key].zh}）", f"Factor correlations ({key})"), show=0)
    for key, (res, fl) in results.items():
        _efa_findings(sec, key, fl, res.n_factors, len(sets.sets[key][1]), own_min, cross_max)
    return sec


def efa_factors(run: Any, x: pd.DataFrame, model: dict[str, list[str]]) -> int:
    """The number of EFA factors ``options.factor.efa_factors`` asks for: the intended number (the
    framework's dimensions or scales), the number parallel analysis suggests (as :func:`parallel`,
    same seed), or a given number."""
    how = run.plan.setting("factor.efa_factors")
    if how == "intended":
        return len(model)
    if how == "parallel":
        n_iter = int(_th(run, "parallel_iterations"))
        return max(1, factor.parallel_analysis(x, n_iter=n_iter, seed=run.rng(2)).n_factors)
    return int(how)


def _efa_is_default(run: Any, cor: str) -> bool:
    return (run.plan.setting("factor.efa_factors"), run.plan.setting("factor.efa_extraction"),
            run.plan.setting("factor.efa_rotation"), cor) == ("intended", "minres", "oblimin", "pearson")


def _efa_correlations(run: Any, sec: Section, sets: Instruments) -> dict[str, str]:
    """Each set's EFA correlations (Pearson, polychoric or tetrachoric by item type and option)."""
    return {key: sets.correlation(key) for key in sets.sets}


def _efa_findings(sec: Section, key: str, f: pd.DataFrame, n: int, intended: int, own_min: float,
                  cross_max: float) -> None:
    cuts = {"own_min": _cut(own_min), "cross_max": _cut(cross_max)}
    if n < intended:
        sec.finding("factor.efa_fewer", set=SET_NAMES[key], n=n, intended=intended)
        return
    bad = f[f["low_own"] | f["cross_loading"]]
    if bad.empty and intended == 1:
        sec.finding("factor.efa_single", set=SET_NAMES[key], own_min=cuts["own_min"], lowest=f["own"].abs().min())
    elif bad.empty:
        sec.finding("factor.efa_agrees", set=SET_NAMES[key], **cuts)
    else:
        items = [message_text("factor.efa_item", item=i, construct=r["construct"], own=r["own"],
                              cross_factor=r["cross_factor"], cross=r["max_cross"]) for i, r in bad.iterrows()]
        sec.finding("factor.efa_misfit", set=SET_NAMES[key], n=len(bad), items=_join(items, "；", "; "))


@guarded
def cfa(run: Any, sets: Instruments | None = None) -> Section:
    """Does the intended structure fit as a confirmatory model? Maximum likelihood as lavaan
    ``cfa(model, data)`` (complete cases), fit against Hu & Bentler's cut-offs; a just-identified
    model (df = 0) is reported by its loadings only. ``data["cfas"]`` holds the fits for
    :func:`validity`."""
    sets = _sets(run, sets)
    sec = Section("factor.cfa", Text("验证性因子分析", "Confirmatory factor analysis of the intended structure"))
    models = cfa_models(run, sec, sets)
    fits = _per_set(sec, sets, Text("验证性因子分析", "confirmatory factor analysis"),
                    lambda k, x, m: factor.cfa(x[_model_columns(models[k], x)], models[k]))
    if (skipped := _skip_if_empty(sec, fits, sets)) is not None:
        return skipped
    fit = pd.DataFrame({key: c.fit_table() for key, c in fits.items()}).T
    verdict = pd.concat([factor.fit_verdict(c).assign(set=key) for key, c in fits.items()])
    sec.table("cfa_fit", fit, ("验证性因子分析拟合指标", "CFA fit measures"), note=True)
    sec.table("cfa_fit_verdict", verdict, ("拟合指标与 Hu & Bentler 标准", "Fit against Hu & Bentler's cut-offs"))
    for key, c in fits.items():
        sec.table(f"cfa_loadings_{key}", c.loadings, (f"标准化载荷（{SET_NAMES[key].zh}）", f"CFA loadings ({key})"),
                  index=False, show=0)
        if len(c.residual_covariances):
            sec.table(f"cfa_residual_covariances_{key}", c.residual_covariances,
                      (f"残差协方差（{SET_NAMES[key].zh}）", f"CFA residual covariances ({key})"), index=False)
    for key, c in fits.items():
        _cfa_findings(sec, key, c, verdict[verdict["set"] == key])
    sec.data["cfas"] = fits
    return sec


def cfa_models(run: Any, sec: Section, sets: Instruments) -> dict[str, Any]:
    """Each set's CFA model: the framework-implied one (factor → its columns), or for the set it
    names the run config's ``options.cfa.model`` in lavaan syntax (the plan checked its names)."""
    models: dict[str, Any] = {key: model for key, (_x, model) in sets.sets.items()}
    given = run.plan.cfa_model
    if given is None or given[0] not in models:
        return models
    key, syntax = given
    models[key] = syntax
    sec.finding("factor.cfa_model_given", set=SET_NAMES[key], model=" ; ".join(
        line.strip() for line in syntax.splitlines() if line.split("#", 1)[0].strip()))
    return models


def _model_columns(model: Any, x: pd.DataFrame) -> list[str]:
    """The columns of ``x`` a CFA model uses (all of them for the framework-implied model)."""
    if not isinstance(model, str):
        return list(x.columns)
    from dgpe.plan import model_variables

    observed = set(model_variables(model)[1])
    return [c for c in x.columns if c in observed]


def _cfa_findings(sec: Section, key: str, c: Any, verdict: pd.DataFrame) -> None:
    name = SET_NAMES[key]
    if c.dof == 0:
        std = c.loadings.set_index("item")["std_all"]
        loadings = [message_text("factor.cfa_loading", item=i, value=v) for i, v in std.items()]
        sec.finding("factor.cfa_just_identified", set=name, loadings=_join(loadings, ", ", ", "))
        return
    failed = [str(i) for i in verdict.index[~verdict["meets"]]]
    params = dict(set=name, df=c.dof, chi2=c.chi2, cfi=c.cfi, tli=c.tli, rmsea=c.rmsea, lo=c.rmsea_ci[0],
                  hi=c.rmsea_ci[1], srmr=c.srmr)
    if failed:
        sec.finding("factor.cfa_fit_poor", failed=", ".join(failed), **params)
    else:
        sec.finding("factor.cfa_fit_ok", **params)
    if c.heywood or not c.converged:
        sec.finding("factor.cfa_improper", set=name, items=", ".join(c.heywood))


@guarded
def validity(run: Any, sets: Instruments | None = None, cfas: dict[str, Any] | None = None) -> Section:
    """Are the dimensions convergent (composite reliability, AVE) and distinct (Fornell-Larcker,
    HTMT)? From the standardised CFA loadings (``cfas``: :func:`cfa`'s ``data["cfas"]``); the
    discriminant criteria need two or more intended factors."""
    sets = _sets(run, sets)
    cfas = cfas if cfas is not None else cfa(run, sets).data.get("cfas", {})
    sec = Section("factor.validity", Text("收敛与区分效度", "Convergent and discriminant validity"))
    cr_min, ave_min, htmt_max = _th(run, "cr_min"), _th(run, "ave_min"), _th(run, "htmt_max")
    tables = _per_set(sec, sets, Text("效度分析", "validity analysis"), lambda key, x, _m: factor.validity_table(
        cfas[key], x, cr_min=cr_min, ave_min=ave_min, htmt_max=htmt_max).assign(set=key) if key in cfas else None)
    tables = {k: v for k, v in tables.items() if v is not None}
    if (skipped := _skip_if_empty(sec, tables, sets)) is not None:
        return skipped
    table = pd.concat(tables.values())
    table.insert(0, "name", [run.label(f) for f in table.index])
    sec.table("validity", table, ("组合信度、AVE、Fornell-Larcker 与 HTMT", "Composite reliability, AVE, Fornell-Larcker and HTMT"),
              note=True)
    single = [key for key in tables if len(sets.sets[key][1]) < 2]
    for key in tables:
        if key in single:
            sec.finding("factor.validity_single_factor", set=SET_NAMES[key])
            continue
        x, model = sets.sets[key]
        sec.table(f"htmt_{key}", factor.htmt(x, model), (f"HTMT 矩阵（{SET_NAMES[key].zh}）", f"HTMT matrix ({key})"), show=0)
        sec.table(f"fornell_larcker_{key}", factor.fornell_larcker(cfas[key]),
                  (f"Fornell-Larcker 表（{SET_NAMES[key].zh}）", f"Fornell-Larcker table ({key})"), show=0)
    _validity_findings(run, sec, table, single, {"cr": cr_min, "ave": ave_min, "htmt": htmt_max})
    return sec


def _validity_findings(run: Any, sec: Section, table: pd.DataFrame, single: list[str], cuts: dict[str, float]) -> None:
    for f, row in table.iterrows():
        discriminant = row["set"] not in single
        problems = []
        if not row["cr_ok"]:
            problems.append(message_text("factor.validity_cr", value=row["composite_reliability"], cut=_cut(cuts["cr"])))
        if not row["ave_ok"]:
            problems.append(message_text("factor.validity_ave", value=row["ave"], cut=_cut(cuts["ave"])))
        if discriminant and not row["fornell_larcker_ok"]:
            problems.append(message_text("factor.validity_fornell_larcker", value=row["sqrt_ave"],
                                         other=row["max_correlation_with"], corr=row["max_correlation"]))
        if discriminant and not row["htmt_ok"]:
            problems.append(message_text("factor.validity_htmt", other=row["max_htmt_with"], value=row["max_htmt"],
                                         cut=_cut(cuts["htmt"])))
        if problems:
            sec.finding("factor.validity_problems", code=str(f), name=run.name(str(f)), problems=_join(problems, "；", "; "))
    multi = table[~table["set"].isin(single)]
    if table[["cr_ok", "ave_ok"]].all().all() and multi[["fornell_larcker_ok", "htmt_ok"]].all().all():
        if multi.empty:
            cr_ave = [message_text("factor.validity_cr_ave", code=str(f), cr=r["composite_reliability"], ave=r["ave"])
                      for f, r in table.iterrows()]
            sec.finding("factor.validity_ok_single", cr_ave=_join(cr_ave, "；", "; "))
        else:
            sec.finding("factor.validity_ok")


def _first_share(block: pd.DataFrame) -> float:
    try:
        return factor.first_component_share(block)
    except _FAILS:
        return float("nan")


@guarded
def unidimensionality(run: Any, sets: Instruments | None = None) -> Section:
    """Does one component summarise each dimension, sub-dimension and scale? The share of variance
    of the first principal component within each block, against one half."""
    sets = _sets(run, sets)
    sec = Section("factor.first_component", Text("各维度的单维性", "One component per dimension?"))
    if not sets.blocks:
        return Section.skip(sec.name, sec.title, "factor.skipped_cannot_run", error="no block of two or more items")
    half, lang = _th(run, "first_component_half"), run.lang
    blocks = sets.blocks
    share = pd.DataFrame({
        "name": [run.label(c) for c in blocks],
        "n_items": [b.shape[1] for b in blocks.values()],
        "first_component_share": [_first_share(b) for b in blocks.values()],
        "equal_share": [1 / b.shape[1] for b in blocks.values()],
    }, index=pd.Index(list(blocks), name="block"))
    sec.table("first_component_share", share, ("各维度第一主成分解释的方差比例", "Variance share of the first principal component by block"))
    fig = plotting.bar(share["first_component_share"].rename(index=lambda c: f"{c} {run.label(c)}"),
                       title=Text("第一主成分解释的方差比例", "Variance share of the first principal component")(lang),
                       xlabel=Text("比例", "share")(lang), threshold=half, threshold_label=Text("一半", "one half")(lang))
    sec.figure("first_component_share", fig, ("第一主成分方差比例", "First component share"))
    shares = share["first_component_share"]
    sec.result("first_component_share", shares.round(12).to_dict(), ("第一主成分方差比例", "First component share"))
    low = shares[shares < half]
    if not low.empty:
        sec.finding("factor.first_component_low", blocks=[
            message_text("factor.first_component_block", code=c, name=run.name(c), share=v) for c, v in low.items()])
    else:
        sec.finding("factor.first_component_ok", shares=_join(
            [message_text("factor.first_component_share", code=c, share=v) for c, v in shares.items()], ", ", ", "))
    return sec

"""Chapters 1–4 of the method note: the framework, the data and their processing, the weights, and
the aggregation and grade bands. Every sentence is written from ``plan.json`` (the resolved build
and its ``build_details``), the framework and the notebooks' records, so a changed config changes
the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.note.common import DIRECTION, KIND, UNIT, NoteBuilder, cjk, joined, method_label, number

__all__ = ["framework_chapter", "data_chapter", "weights_chapter", "aggregation_chapter", "indicator_table"]

ORDINAL = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
LEVEL_EN = {1: "dimension", 2: "sub-dimension"}
ITEM_TYPES = {"likert": ("李克特量表", "Likert"), "ordinal": ("有序等级", "ordinal"), "continuous": ("连续", "continuous"),
              "binary": ("二分（0/1）", "binary (0/1)")}


def _depths(nb: NoteBuilder) -> dict[str, int]:
    """Each node's depth below the index (the index 0, its dimensions 1 …)."""
    fw = nb.framework
    out: dict[str, int] = {}

    def walk(code: str, d: int) -> None:
        out[code] = d
        for child in fw.children(code):
            walk(child, d + 1)

    walk(fw.root.code, 0)
    return out


def _level_word(nb: NoteBuilder, depth: int, count: int = 1) -> str:
    """一级指标 … / dimension(s)，sub-dimension(s)，level-3 node(s)."""
    en = LEVEL_EN.get(depth, f"level-{depth} node")
    return nb.t(f"{ORDINAL.get(depth, str(depth))}级指标", en + ("s" if count != 1 else ""))


def indicator_table(nb: NoteBuilder) -> pd.DataFrame:
    """One row per indicator: its ancestors (``level_1`` …), code and name (in ``level_<d>`` when
    every indicator sits at depth d, else ``indicator``), final weight within its parent, effective
    weight, direction, unit of measure, kind and data source (when the framework gives any)."""
    fw, depth = nb.framework, _depths(nb)
    parent = dict(zip(fw.to_meta()["code"], fw.to_meta()["parent"], strict=True))
    weights, eff = nb.plan.get("weights", {}), nb.details.get("effective_weights", {})
    inds = fw.indicators
    same = len({depth[n.code] for n in inds}) == 1
    rows = []
    for n in inds:
        chain: list[str] = []
        up = parent.get(n.code)
        while isinstance(up, str) and up != fw.root.code:
            chain.insert(0, up)
            up = parent.get(up)
        row: dict[str, Any] = {f"level_{i + 1}": f"{c} {nb.name(c)}" for i, c in enumerate(chain)}
        row[f"level_{depth[n.code]}" if same else "indicator"] = f"{n.code} {n.name.get(nb.lang)}"
        row.update({"weight": weights.get(n.code), "effective_weight": eff.get(n.code),
                    "direction": nb.words(DIRECTION.get(n.direction or "")) or "—",
                    "measure_unit": nb.words(UNIT[n.unit]) if n.unit in UNIT else (n.unit or "—"), "kind": nb.words(KIND.get(n.kind or "")) or "—"})
        if any(m.source for m in inds):
            row["source"] = n.source or "—"
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["full"] = True  # the indicator system is shown whole
    return out


def _node_table(nb: NoteBuilder) -> pd.DataFrame:
    """The aggregate nodes below the index: code, name, level, weights and indicator count."""
    fw, depth = nb.framework, _depths(nb)
    weights, eff = nb.plan.get("weights", {}), nb.details.get("effective_weights", {})
    rows = []
    for n in fw.nodes():
        if n.is_indicator or n.code == fw.root.code:
            continue
        rows.append({"code": n.code, "name": n.name.get(nb.lang), "level": _level_word(nb, depth[n.code]),
                     "n_indicators": sum(1 for m in n.walk() if m.is_indicator),
                     "weight": weights.get(n.code), "effective_weight": eff.get(n.code)})
    return pd.DataFrame(rows)


def _scales_table(nb: NoteBuilder) -> pd.DataFrame:
    return pd.DataFrame([{
        "scale": f"{s.code} {s.name.get(nb.lang)}", "n_items": len(s.items), "item_type": nb.words(ITEM_TYPES.get(s.type)) or s.type,
        "range": "—" if s.bounds is None else f"{s.bounds[0]:g}–{s.bounds[1]:g}",
        "reverse": ", ".join(s.reverse) or "—",
    } for s in nb.framework.scales])


def framework_chapter(nb: NoteBuilder, title: str) -> None:
    """1 评价目的与指标体系: what is evaluated, the tree's levels and kinds, every node's weight and
    the full indicator table; the survey scales."""
    fw = nb.framework
    nb.h1("评价目的与指标体系", "Purpose and indicator framework")
    year = nb.plan.get("year") or nb.cfg.year
    n_units = nb.details.get("n_units")
    if fw.has_index:
        what = nb.t(f"对 {n_units} 个单位 {year} 年的表现作出评价", f"covers {n_units} units in {year}") \
            if n_units and year else nb.t("对各单位的表现作出评价", "covers the units")
        nb.p(nb.t(f"本评价依据“{title}”{what}。本章列出指标体系；其后各章说明数据处理、权重与汇总方法，"
                  "检验信度、效度与稳健性，并给出评价结果。",
                  f"This evaluation {what}, using the framework “{title}”. This chapter sets out the framework; "
                  "the next chapters state how the data were processed, weighted and aggregated, test "
                  "reliability, validity and robustness, and give the results."))
        _framework_structure(nb)
    else:
        nb.p(nb.t(f"“{title}”只有问卷量表，没有指数层级：本次评价分析量表的信度与结构效度，不构建综合指数。",
                  f"“{title}” has survey scales and no index tree: this evaluation analyses the scales' "
                  "reliability and construct validity and builds no composite index."))
    if fw.source:
        nb.p(nb.t(f"指标体系依据：{fw.source}。", f"Source of the framework: {fw.source}."))
    if fw.scales:
        nb.table(nb.t("问卷量表", "Survey scales"), _scales_table(nb))


def _framework_structure(nb: NoteBuilder) -> None:
    fw, depth = nb.framework, _depths(nb)
    counts = pd.Series([depth[n.code] for n in fw.nodes() if n.code != fw.root.code and not n.is_indicator])
    parts = [f"{int(k)} {_level_word(nb, int(d), int(k))}" if nb.lang == "en" else f"{int(k)} 个{_level_word(nb, int(d))}"
             for d, k in counts.value_counts().sort_index().items()]
    n_ind = len(fw.indicators)
    kinds = pd.Series([n.kind for n in fw.indicators if n.kind]).value_counts()
    kind_text = joined([f"{nb.words(KIND[k])}类 {v} 项" if nb.lang == "zh" else f"{v} {nb.words(KIND[k])}"
                        for k, v in kinds.items() if k in KIND], nb.lang)
    n_neg = sum(1 for n in fw.indicators if n.direction == "negative")
    tree_zh = f"{joined(parts, 'zh')}和 " if parts else ""
    tree_en = f"{joined(parts, 'en')} and " if parts else ""
    nb.p(nb.t(f"指标体系共设 {tree_zh}{n_ind} 项评价指标" + (f"（其中{kind_text}）" if kind_text else "")
              + (f"；负向指标 {n_neg} 项，其余为正向指标。" if n_neg else "；全部为正向指标。"),
              f"The framework has {tree_en}{n_ind} indicators" + (f" ({kind_text})" if kind_text else "")
              + (f"; {n_neg} indicators are negative (lower is better), the others positive." if n_neg
                 else "; all are positive (higher is better).")))
    method = nb.plan.get("weights_method", "")
    label = method_label("weighting", method, nb.lang)
    nodes = _node_table(nb)
    if len(nodes):
        ref = nb.table(nb.t("各级指标的权重", "Weights of the aggregate nodes"), nodes)
        nb.p(nb.t(f"{ref} 与下表中的“权重”为本次运行采用的最终权重（{label}，同级内归一）；“有效权重”为自上而下"
                  "各级权重之积，即该项在综合指数中的份额，全部评价指标的有效权重合计为 1。",
                  f"In {ref} and the next table, “weight” is the final weight the run used ({label}, rescaled "
                  "within siblings); “effective weight” is the product of the weights down the tree, the node's "
                  "share of the index (the indicators' effective weights sum to 1)."))
    nb.table(nb.t("指标体系（全部评价指标）", "The indicator framework (every indicator)"), indicator_table(nb))


# -- 2 data and processing ----------------------------------------------------------------------------


def data_chapter(nb: NoteBuilder) -> None:
    """2 数据与处理: coverage, imputation, screening, denominators, outlier treatment, normalisation,
    and the audit's findings."""
    if not nb.built and not nb.cfg.data.survey:
        return
    nb.h1("数据与处理", "Data and processing")
    _coverage(nb)
    if nb.built:
        _imputation(nb)
        _screening_and_denominators(nb)
        _treatment(nb)
        _normalisation(nb)
    audit = nb.findings("00_data_audit")
    if audit:
        nb.h2("数据质量检查", "Data quality checks")
        rec = nb.record("00_data_audit")
        dims = list(nb.framework.children(nb.framework.root.code)) if nb.framework.has_index else []
        for name, entry in rec.get("tables", {}).items():
            if entry.get("note"):
                nb.recorded_table("00_data_audit", name, nb.names(dims))
        for name, entry in rec.get("figures", {}).items():
            if entry.get("note"):
                nb.recorded_figure("00_data_audit", name)
        for text in audit:
            nb.li(text)


def _coverage(nb: NoteBuilder) -> None:
    d = nb.details
    nb.h2("数据来源与覆盖", "Sources and coverage")
    if nb.built and d:
        cells = d["n_units"] * d["n_indicators"]
        missing = sum(d.get("missing", {}).values())
        file = Path(str(nb.cfg.data.indicators)).name
        year = nb.plan.get("year")
        nb.p(nb.t(f"指标数据取自 {file}。{year} 年数据覆盖 {d['n_units']} 个单位、{d['n_indicators']} 项指标，"
                  f"共 {number(cells, 'int')} 个数据单元，其中缺失 {number(missing, 'int')} 个（占 {number(missing / cells, 'pct')}）。",
                  f"The indicator data come from {file}. In {year} they cover {d['n_units']} units and "
                  f"{d['n_indicators']} indicators, {number(cells, 'int')} cells, of which {number(missing, 'int')} "
                  f"are missing ({number(missing / cells, 'pct')})."))
        years = [y for y in nb.plan.get("years", []) if y != year]
        if years:
            nb.p(nb.t(f"数据另含 {joined(years, 'zh')} 年，用于年度比较（按固定目标值计算）。",
                      f"The data also hold {joined(years, 'en')}, used for year-on-year comparison (on fixed goalposts)."))
    if nb.cfg.data.survey:
        file = Path(str(nb.cfg.data.survey)).name
        try:
            n = len(pd.read_csv(nb.cfg.data.survey, encoding="utf-8-sig"))
        except (OSError, ValueError):
            n = None
        count = nb.t(f"，共 {number(n, 'int')} 份问卷", f", {number(n, 'int')} responses") if n else ""
        nb.p(nb.t(f"问卷数据取自 {file}{count}。", f"The survey data come from {file}{count}."))


def _params_text(nb: NoteBuilder, section: dict[str, Any], skip: tuple[str, ...] = ("method",)) -> str:
    """A build section's parameters as ``name = value`` (``by`` as the group column)."""
    items = [f"{k} = {v}" for k, v in section.items() if k not in skip]
    return joined(items, nb.lang)


def _imputation(nb: NoteBuilder) -> None:
    d, build = nb.details, nb.plan["build"]
    nb.h2("缺失值处理", "Missing values")
    imputed, panel = d.get("imputed") or {}, d.get("panel_imputed")
    if nb.cfg.panel_impute is not None:
        m = f"panel_{nb.cfg.panel_impute.method}"
        n = sum((panel or {}).values())
        nb.p(nb.t(f"构建指数前，先用同一单位其他年份的数据填补缺失值（{method_label('imputation', m, 'zh', 'label_long')}："
                  f"{method_label('imputation', m, 'zh', 'formula')}），{nb.plan.get('year')} 年共填补 {n} 个单元。",
                  f"Before the build, missing cells are filled from the same unit's other years "
                  f"({method_label('imputation', m, 'en', 'label_long')}: {method_label('imputation', m, 'en', 'formula')}); "
                  f"{n} cells of {nb.plan.get('year')} were filled."))
    imp = build.get("impute")
    if imp:
        m = imp.get("method", "mean")
        by = imp.get("by")
        group = nb.t(f"，分组变量为 {by}", f", grouped by {by}") if by else ""
        unfilled = sum((d.get("unfilled") or {}).values())
        left = nb.t(f"；仍有 {unfilled} 个单元无法填补，在聚合时略去", f"; {unfilled} cells could not be filled and are "
                    "left out of the aggregation") if unfilled else ""
        nb.p(nb.t(f"缺失值采用{method_label('imputation', m, 'zh', 'label_long')}填补"
                  f"（{method_label('imputation', m, 'zh', 'formula')}{group}），共填补 {sum(imputed.values())} 个单元，"
                  f"涉及 {len(imputed)} 项指标{left}。",
                  f"Missing values are imputed by the {method_label('imputation', m, 'en', 'label_long')} "
                  f"({method_label('imputation', m, 'en', 'formula')}{group}): {sum(imputed.values())} cells of "
                  f"{len(imputed)} indicators were filled{left}."))
    else:
        nb.p(nb.t("构建指数时不插补缺失值：某单位缺失的指标在聚合时略去，其余同级指标的权重重新归一。",
                  "The build imputes no missing value: an indicator a unit lacks is left out of its aggregation "
                  "and the weights of the siblings it has are rescaled."))
    table = _imputation_table(nb)
    if table is not None:
        nb.table(nb.t("各指标的缺失与插补单元数", "Missing and imputed cells by indicator"), table)


def _imputation_table(nb: NoteBuilder) -> pd.DataFrame | None:
    d = nb.details
    missing = d.get("missing", {})
    cols = {"n_missing": missing, "n_panel_imputed": d.get("panel_imputed"), "n_imputed": d.get("imputed"),
            "n_unfilled": d.get("unfilled")}
    rows = [{"code": c, "indicator": nb.name(c), **{k: int((v or {}).get(c, 0)) for k, v in cols.items() if v is not None}}
            for c in missing if missing[c]]
    return pd.DataFrame(rows) if rows else None


def _screening_and_denominators(nb: NoteBuilder) -> None:
    d, build = nb.details, nb.plan["build"]
    if build.get("screen"):
        dropped = d.get("screened_out") or []
        share = build["screen"].get("min_coverage")
        nb.p(nb.t(f"数据覆盖率低于 {number(share, 'pct')} 的单位不参与排名：" + (joined(dropped, "zh") if dropped else "本次无此类单位") + "。",
                  f"Units with less than {number(share, 'pct')} of their data are not ranked: "
                  + (joined(dropped, "en") if dropped else "none this time") + "."))
    den = d.get("denominators")
    if den:
        scale = build["denominate"].get("scale", 1)
        per = nb.t(f"（每 {number(scale, 'int')} 单位）", f" (per {number(scale, 'int')})") if scale not in (1, 1.0, None) else ""
        nb.p(nb.t(f"下列 {len(den)} 项指标先除以规模变量{per}再参与后续处理：",
                  f"These {len(den)} indicators are divided by a size variable{per} before the other steps:"))
        nb.table(nb.t("以规模变量为分母的指标", "Indicators divided by a size variable"),
                 pd.DataFrame([{"code": c, "indicator": nb.name(c), "denominator": v} for c, v in den.items()]))


def _treatment(nb: NoteBuilder) -> None:
    build, d = nb.plan["build"], nb.details
    nb.h2("异常值处理", "Outliers")
    tr = build.get("treat")
    if not tr or tr.get("method") == "none":
        nb.p(nb.t("未作异常值处理：指标按原值（统一方向后）进入标准化。",
                  "No outlier treatment: the indicators enter the normalisation as they are (oriented)."))
        return
    from methods.registry import registry

    m = tr.get("method", "jrc")
    info = registry("treatment").get(m)
    params = {p.name: tr.get(p.name, p.default) for p in info.params if tr.get(p.name, p.default) is not None}
    ptext = joined([f"{k} = {v}" for k, v in params.items()], nb.lang)
    treated = d.get("treated") or []
    changed = sum(t["n_changed"] for t in treated)
    nb.p(nb.t(f"异常值处理采用{cjk(info.text('label', 'zh'))}：{info.text('label_long', 'zh')}；判据为 {info.text('formula', 'zh')}"
              f"（参数 {ptext}）。{d.get('n_treatment_checked')} 项指标中有 {len(treated)} 项触发处理，共改动 {changed} 个数据点"
              + ("，见下表。" if treated else "。"),
              f"Outliers are treated by the {info.text('label', 'en')}: {info.text('label_long', 'en')}; an indicator "
              f"{info.text('formula', 'en')} (parameters {ptext}). Of {d.get('n_treatment_checked')} indicators, "
              f"{len(treated)} were treated and {changed} values changed" + (" (table below)." if treated else ".")))
    if treated:
        nb.table(nb.t("经异常值处理的指标", "Indicators treated for outliers"), _treated_table(nb, treated))
        still = [t["indicator"] for t in treated if not t["passes_final"]]
        if still:
            nb.p(nb.t(f"处理后仍未满足判据的指标：{joined(still, 'zh')}。",
                      f"Still failing the rule after treatment: {joined(still, 'en')}."))


def _treated_table(nb: NoteBuilder, treated: list[dict[str, Any]]) -> pd.DataFrame:
    how = {"log": ("对数变换", "log transform"), "boxcox": ("Box-Cox 变换", "Box-Cox transform")}
    rows = []
    for t in treated:
        steps = []
        if t["n_winsorised"]:
            steps.append(nb.t(f"缩尾 {t['n_winsorised']} 个点", f"{t['n_winsorised']} point(s) winsorised"))
        if t["transform"]:
            steps.append(nb.words(how.get(t["transform"], (t["transform"], t["transform"]))))
        rows.append({"code": t["indicator"], "indicator": nb.name(t["indicator"]), "skew": t["skew"],
                     "kurtosis": t["kurtosis"], "treatment": joined(steps, nb.lang) or "—",
                     "skew_final": t["skew_final"], "kurtosis_final": t["kurtosis_final"]})
    return pd.DataFrame(rows)


def _normalisation(nb: NoteBuilder) -> None:
    norm = dict(nb.plan["build"].get("normalise") or {})
    m = norm.get("method", "minmax")
    nb.h2("标准化", "Normalisation")
    params = _params_text(nb, norm)
    given = nb.t(f"，参数 {params}", f", parameters {params}") if params else ""
    anchors = {"minmax": ("min、max 为该指标在评价年份各单位中的最小值与最大值（目标值），见下表",
                          "min and max are the indicator's lowest and highest values among the units in the year "
                          "evaluated (its goalposts, table below)"),
               "goalposts": ("low、high 为配置给定的固定目标值，见下表", "low and high are the fixed goalposts "
                             "given in the config (table below)"),
               "zscore": ("均值与标准差取自评价年份各单位，见下表", "the mean and standard deviation are those of the "
                          "units in the year evaluated (table below)")}
    extra = nb.words(anchors.get(m))
    if m == "none":
        nb.p(nb.t(f"指标不作标准化，按原值进入汇总，仅统一方向（{method_label('normalisation', m, 'zh', 'formula')}，"
                  "d 为 +1 或 −1）。", f"The indicators are not normalised: they enter the aggregation as they are, "
                  f"oriented only ({method_label('normalisation', m, 'en', 'formula')}, d = +1 or −1)."))
        return
    nb.p(nb.t(f"标准化采用{method_label('normalisation', m, 'zh', 'label_long')}，公式为 "
              f"{method_label('normalisation', m, 'zh', 'formula')}{given}" + (f";{extra}" if extra else "")
              + "。负向指标先取相反数，使所有指标都是数值越高越好。",
              f"The indicators are normalised by {method_label('normalisation', m, 'en', 'label_long')}: "
              f"{method_label('normalisation', m, 'en', 'formula')}{given}" + (f"; {extra}" if extra else "")
              + ". Negative indicators are reversed first, so that higher is better for every indicator."))
    table = _anchor_table(nb)
    if table is not None:
        nb.table(nb.t("各指标的标准化锚点", "Normalisation anchors of each indicator"), table)


def _anchor_table(nb: NoteBuilder) -> pd.DataFrame | None:
    params = nb.details.get("normalisation") or {}
    rows = []
    for code, p in params.items():
        row = {"code": code, "indicator": nb.name(code),
               "direction": nb.words(DIRECTION["negative" if p.get("direction", 1) < 0 else "positive"])}
        row.update({k: v for k, v in p.items() if k not in ("method", "direction")})
        rows.append(row)
    df = pd.DataFrame(rows)
    return df if len(df.columns) > 3 else None


# -- 3 weights --------------------------------------------------------------------------------------


def weights_chapter(nb: NoteBuilder) -> None:
    """3 权重: where the weights come from, AHP consistency, Delphi rounds, the alternatives compared."""
    if not nb.built:
        return
    nb.h1("权重", "Weights")
    _weights_origin(nb)
    rec = "03_weights"
    dims = nb.names(nb.framework.children(nb.framework.root.code))
    if nb.recorded_frame(rec, "ahp_group") is not None:
        nb.h2("层次分析法判断矩阵的一致性", "Consistency of the AHP judgement matrices")
        nb.p(nb.t("一致性比率 CR < 0.1 视为判断矩阵可以接受；群组判断矩阵由各专家矩阵按元素几何平均得到。",
                  "A consistency ratio CR < 0.1 is acceptable; the group matrix is the element-wise geometric mean "
                  "of the experts' matrices."))
        nb.recorded_table(rec, "ahp_group")
        nb.list_findings(rec, ["weights.ahp"])
    if nb.recorded_frame(rec, "delphi_concordance") is not None:
        nb.h2("德尔菲法指标筛选", "Delphi screening of the indicators")
        nb.recorded_table(rec, "delphi_concordance")
        nb.recorded_table(rec, "delphi_dropped")
        nb.list_findings(rec, ["weights.delphi"])
    if nb.recorded_frame(rec, "weights_dimensions") is not None:
        nb.h2("备选赋权方法的比较", "Alternative weights compared")
        nb.recorded_table(rec, "weights_dimensions", dims)
        nb.recorded_table(rec, "rank_spearman")
        nb.list_findings(rec, ["weights.rankings", "weights.kinds"])


def _weights_origin(nb: NoteBuilder) -> None:
    from methods.registry import registry

    method = nb.plan.get("weights_method", "expert")
    w = nb.plan["build"].get("weights")
    cfg_w = nb.cfg.build.get("weights")
    info = registry("weighting").get(method) if method in registry("weighting").names() else None
    label = method_label("weighting", method, nb.lang, "label_long")
    formula = info.text("formula", nb.lang) if info else ""
    needs = info.needs if info else "nominal"
    if isinstance(cfg_w, dict) and "file" in cfg_w:
        text = nb.t(f"权重取自文件 {Path(str(cfg_w['file'])).name}（同级内归一）。",
                    f"The weights are read from {Path(str(cfg_w['file'])).name} (rescaled within siblings).")
    elif needs == "judgements":
        text = nb.t(f"权重由 {Path(str(nb.cfg.data.ahp)).name} 中专家的两两比较判断矩阵按{label}求得（{formula}），同级内归一。",
                    f"The weights are derived from the experts' pairwise judgement matrices in "
                    f"{Path(str(nb.cfg.data.ahp)).name} by the {label} ({formula}), rescaled within siblings.")
    elif needs == "data":
        scope = w.get("scope", "group") if isinstance(w, dict) else "group"
        where = nb.t("同级指标之间" if scope == "group" else "全部指标之间",
                     "among siblings" if scope == "group" else "across all indicators")
        text = nb.t(f"权重在标准化后的指标上按{label}计算（{formula}），{where}归一。",
                    f"The weights are computed on the normalised indicators by {label} ({formula}), rescaled {where}.")
    else:
        text = nb.t(f"权重采用{label}（{formula}）。", f"The weights are {label} ({formula}).")
    note = next((e.get("summary") for e in nb.plan.get("build_log", []) if e.get("step") == "weights"), "")
    if note and needs == "data" and "negative" in note:
        text += nb.t("由于标准化后的指标含负值，计算前先按极差缩放到 [0, 1]。",
                     " As the normalised indicators have negative values, they are min-max rescaled to [0, 1] first.")
    nb.p(text + nb.t("各级最终权重见第 1 章。", " The final weights of every node are in chapter 1."))


# -- 4 aggregation and bands ------------------------------------------------------------------------


def aggregation_chapter(nb: NoteBuilder) -> None:
    """4 汇总与等级: the aggregation formula by level, the score scale, the bands and why."""
    if not nb.built:
        return
    nb.h1("汇总与等级", "Aggregation and grade bands")
    depth = _depths(nb)
    methods = nb.details.get("aggregation", {})
    by_depth: dict[int, set[str]] = {}
    for node, m in methods.items():
        by_depth.setdefault(depth.get(node, 0), set()).add(m)
    root = nb.name(nb.framework.root.code)
    if len({m for ms in by_depth.values() for m in ms}) == 1:
        m = next(iter(next(iter(by_depth.values()))))
        nb.p(nb.t(f"各层级均采用{method_label('aggregation', m, 'zh', 'label_long')}逐级汇总：得分 = "
                  f"{method_label('aggregation', m, 'zh', 'formula')}，其中 x_c 为下一级各项得分，w_c 为其同级内归一的权重；"
                  f"由评价指标汇总到{root}。",
                  f"Every level is aggregated by the {method_label('aggregation', m, 'en', 'label_long')}: score = "
                  f"{method_label('aggregation', m, 'en', 'formula')}, where x_c are the children's scores and w_c "
                  f"their weights rescaled within siblings, from the indicators up to the {root}."))
    else:
        nb.p(nb.t("各层级的汇总方法如下（x_c 为下一级各项得分，w_c 为同级内归一的权重）：",
                  "Each level is aggregated as follows (x_c the children's scores, w_c their weights rescaled "
                  "within siblings):"))
        for d in sorted(by_depth, reverse=True):
            target = root if d == 0 else _level_word(nb, d, 2)
            colon = nb.t("：", ": ")
            nb.li(joined([f"{method_label('aggregation', m, nb.lang, 'label_long')}{colon}"
                          f"{method_label('aggregation', m, nb.lang, 'formula')}" for m in sorted(by_depth[d])], nb.lang)
                  + nb.t(f"（汇总为{target}）", f" (into the {target})"))
    agg = nb.plan["build"].get("aggregate", {})
    if agg.get("dat_thresh") is not None:
        nb.p(nb.t(f"某节点下可得数据的比例低于 {number(agg['dat_thresh'], 'pct')} 时，该节点得分记为缺失。",
                  f"A node's score is missing when less than {number(agg['dat_thresh'], 'pct')} of its children are available."))
    _bands(nb)


def _scale_text(nb: NoteBuilder) -> str:
    s = nb.plan.get("scale") or {}
    if s.get("bounded"):
        return f"[{number(s['low'])}, {number(s['high'])}]"
    return nb.t("无固定上下限", "unbounded")


def _bands(nb: NoteBuilder) -> None:
    nb.h2("等级划分", "Grade bands")
    scale = _scale_text(nb)
    bands = nb.plan.get("bands")
    if not bands:
        why = nb.words((nb.plan.get("capabilities") or {}).get("bands") or {})
        bounded = bool((nb.plan.get("scale") or {}).get("bounded"))
        nb.p(nb.t((f"综合指数的得分范围为 {scale}。" if bounded else "综合指数的得分没有固定的上下限。")
                  + f"本次评价不划分等级：{why}",
                  (f"The index scores lie in {scale}. " if bounded else "The index scores have no fixed bounds. ")
                  + f"The evaluation grades no bands: {why}"))
        return
    order = sorted(bands.items(), key=lambda kv: -kv[1])
    rows, upper = [], None
    for name, low in order:
        rows.append({"band": name, "lower": low, "upper": upper if upper is not None else (nb.plan.get("scale") or {}).get("high")})
        upper = low
    counts = nb.recorded_frame("05_index", "band_counts")
    table = pd.DataFrame(rows)
    if counts is not None and {"band", "units"} <= set(counts.columns):
        table["n_units"] = table["band"].map(dict(zip(counts["band"], counts["units"], strict=True))).fillna(0).astype(int)
    lowest = order[-1]
    below = f"<{lowest[0]}"
    n_below = int(dict(zip(counts["band"], counts["units"], strict=True)).get(below, 0)) if counts is not None else None
    nb.p(nb.t(f"综合指数的得分范围为 {scale}。等级由运行配置给定的分数线划分（每个等级的下限，含下限），各分数线均落在"
              f"得分范围之内，因此适用；低于最低分数线 {number(lowest[1])} 的单位不定等级，排名表中记为“{below}”"
              + (f"（本次 {n_below} 个）" if n_below is not None else "") + "。",
              f"The index scores lie in {scale}. The bands are the run config's cut-offs (each band's lower bound, "
              f"inclusive); every cut-off lies within the scale, so they apply. Units below the lowest cut-off "
              f"{number(lowest[1])} get no band and are shown as “{below}” in the ranking"
              + (f" ({n_below} this time)" if n_below is not None else "") + "."))
    nb.table(nb.t("等级分数线", "Grade band cut-offs"), table)

"""The method note's chapter on the efficiency diagnosis (notebook 06): DEA efficiency against the
index, Malmquist productivity, obstacle degrees and GM(1,1) targets, from what the notebook
recorded; left out when the notebook did not run."""

from __future__ import annotations

from dgpe.note.common import NoteBuilder

__all__ = ["efficiency_chapter", "NOTEBOOK"]

NOTEBOOK = "06_efficiency_diagnosis"
#: section → (sub-heading zh, en, its tables and figures marked for the note)
PARTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "efficiency.variables": ("投入与产出变量", "Inputs and outputs", ("dea_variables",)),
    "efficiency.scores": ("效率与综合指数名次", "Efficiency against the index rank",
                          ("efficiency_quadrant", "efficiency_flags")),
    "efficiency.malmquist": ("Malmquist 生产率指数", "Malmquist productivity index",
                             ("malmquist_decomposition", "malmquist_means")),
    "efficiency.obstacles": ("障碍度", "Obstacle degree", ("obstacle_summary", "obstacle_dimensions")),
    "efficiency.forecasts": ("GM(1,1) 目标值", "GM(1,1) targets", ()),
}


def efficiency_chapter(nb: NoteBuilder) -> None:
    """效率诊断: each part of notebook 06 that ran, with its tables, figures and findings."""
    if NOTEBOOK not in nb.records or not nb.built:
        return
    ran = [s for s in PARTS if nb.findings(NOTEBOOK, [s])]
    if not ran:
        return
    nb.h1("效率诊断", "Efficiency diagnosis")
    nb.p(nb.t("综合指数把投入类指标也计为成绩；效率诊断用数据包络分析（DEA）比较各单位的投入（标为投入的指标）与产出和成效"
              "（标为产出或成效的指标），找出投入多而结果少（“重投入轻产出”）与以较少投入取得结果的单位，用 Malmquist 指数"
              "分解跨年的生产率变化，用障碍度模型找出各单位的主要障碍指标，并在年份足够时以 GM(1,1) 预测提出下一期目标值。",
              "The index counts input indicators as merit too. The efficiency diagnosis compares each unit's inputs (the "
              "indicators tagged as inputs) with its outputs and outcomes by data envelopment analysis (DEA), names the "
              "units that spend much and achieve little and those that achieve results from little input, "
              "splits the change of productivity over the years with the Malmquist index, names each unit's main "
              "obstacles by the obstacle-degree model and, with enough years, proposes next-period targets by GM(1,1)."))
    for section in ran:
        zh, en, items = PARTS[section]
        nb.h2(zh, en)
        for name in items:
            if name in nb.record(NOTEBOOK).get("figures", {}):
                nb.recorded_figure(NOTEBOOK, name)
            elif name in nb.record(NOTEBOOK).get("tables", {}):
                nb.recorded_table(NOTEBOOK, name, nb.names([]))
        nb.list_findings(NOTEBOOK, [section])

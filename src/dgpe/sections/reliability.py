"""Reliability (notebook 01): do the parts the index adds up measure consistently?

:func:`survey_scales` asks whether the items of each satisfaction-survey scale measure one thing
(Cronbach's alpha with its Feldt interval, McDonald's omega, item-total correlations);
:func:`dimensions` asks the same of the indicators the framework groups into a dimension or
sub-dimension, taken as the index uses them (:attr:`dgpe.session.Run.prepared`), oriented and
standardised; :func:`delphi` asks whether the Delphi experts agree on the indicators' importance
(Kendall's W, ICC(2,k), per round); :func:`verdicts` lists one line per scale and (sub-)dimension.
The statistics are :mod:`methods.reliability`'s (R psych to 1e-6); the thresholds and labels are the
catalogue's (``src/dgpe/catalogue/reliability.yaml``, ``options: {reliability: {...}}``).

>>> from dgpe.session import open_run
>>> run = open_run("configs/default.yaml", notebook="01_reliability")
>>> round(dimensions(run).get_result("dimension_alpha")["A"], 3)
0.899
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from dgpe import plotting
from dgpe.catalogue import message_text
from dgpe.sections.base import Section, in_language, requires
from dgpe.sections.guard import guarded
from dgpe.text import Text
from methods import MethodError
from methods.psychometrics import reliability

if TYPE_CHECKING:
    from dgpe.session import Run

__all__ = ["survey_scales", "dimensions", "delphi", "verdicts", "grade", "omega_factors", "W_GRADES", "ICC_GRADES"]

#: Kendall's W grades (Schmidt 1997) and ICC grades (Koo & Li 2016), highest first; each grade's
#: lower cut-off is the threshold ``reliability.<grade>``, its words the message ``label_<grade>``.
W_GRADES = ("w_unusually_strong", "w_very_strong", "w_strong", "w_moderate", "w_weak")
ICC_GRADES = ("icc_excellent", "icc_good", "icc_moderate")


def _limit(run: Run, name: str) -> Any:
    return run.plan.threshold(f"reliability.{name}")


def omega_factors(run: Run) -> int | None:
    """Omega's group factors from ``options.reliability.omega_factors`` (None: ``auto``, 3 for a
    block of nine or more items, else 1)."""
    n = run.plan.setting("reliability.omega_factors")
    return None if n == "auto" else int(n)


def _cut(value: float) -> str:
    """A coefficient cut-off as psychometrics writes it: 0.7 → ``.70``."""
    return f"{value:.2f}".replace("0.", ".", 1) if 0 <= value < 1 else f"{value:.2f}"


def grade(run: Run, value: float, grades: tuple[str, ...], floor: str) -> Text:
    """The verbal grade of a coefficient: the first of ``grades`` (highest first) whose threshold
    ``reliability.<grade>`` ``value`` reaches, else ``floor``; e.g. Koo & Li's ICC labels with
    ``grade(run, 0.8, ICC_GRADES, "icc_poor")`` → ``Text("良好", "good")``."""
    for grade in grades:
        if value >= _limit(run, grade):
            return message_text(f"reliability.label_{grade}")
    return message_text(f"reliability.label_{floor}")


def _joined(texts: list[Text], zh: str = "；", en: str = "; ") -> Text:
    return Text(zh.join(t.zh for t in texts), en.join(t.en for t in texts))


def _analysed(run: Run, sec: Section, verdicts: pd.DataFrame) -> pd.DataFrame:
    """Verdict rows with a coefficient; the others become findings naming the reason."""
    ok = verdicts["alpha"].notna() if "alpha" in verdicts.columns else pd.Series(False, index=verdicts.index)
    for code, row in verdicts[~ok].iterrows():
        sec.finding("reliability.not_analysed", code=code, name=run.name(str(code)),
                    reason=Text(row["verdict_zh"], row["verdict_en"]))
    out = verdicts[ok].copy()
    out.insert(0, "name", [run.label(str(c)) for c in out.index])
    return out


def _alpha_bar(run: Run, alpha: pd.Series, title: Text) -> Any:
    cut = _limit(run, "alpha_acceptable")
    return plotting.bar(
        alpha.rename(index=lambda c: f"{c} {run.label(c)}"), title=title(run.lang), xlabel="α",
        threshold=cut, threshold_label=message_text("reliability.alpha_line", cut=_cut(cut))(run.lang),
    )


@guarded
def survey_scales(run: Run) -> Section:
    """Do the items of each survey scale measure one thing consistently (alpha, omega, items)?"""
    title = Text("问卷量表信度", "Reliability of the survey scales")
    answers = run.survey
    if not run.plan.has("survey") or answers is None:
        return Section.skip("reliability.survey", title, run.plan.why_not("survey").key)
    sec = Section("reliability.survey", title)
    scales = run.framework.scales
    table, items = reliability.reliability_table(
        {s.code: answers[list(s.items)] for s in scales},
        reverse={s.code: list(s.reverse) for s in scales},
        likert={s.code: s.bounds for s in scales},
        omega_factors=omega_factors(run),
        r_drop_min=_limit(run, "r_drop_min"),
    )
    for s in scales:
        if s.type == "binary":
            sec.finding("reliability.kr20", code=s.code, name=run.name(s.code))
    table = _analysed(run, sec, table)
    sec.data["verdicts"] = [(table, "survey_scale")]
    if table.empty:
        return sec
    sec.table("survey_reliability", in_language(table, run.lang), ("问卷量表信度", "Reliability of the survey scales"), note=True)
    sec.table("survey_items", items, ("问卷题项分析", "Item analysis of the survey scales"))
    fig = _alpha_bar(run, table["alpha"], Text("问卷量表 Cronbach α", "Cronbach's alpha of the survey scales"))
    sec.figure("survey_alpha", fig, ("问卷量表 α", "Survey scale alpha"))
    cut = _limit(run, "alpha_acceptable")
    for code, row in table.iterrows():
        level = "warning" if row["alpha"] < cut or row["flagged_items"] else "info"
        sec.finding("reliability.scale", level=level, code=code, name=run.name(str(code)),
                    verdict=Text(row["verdict_zh"], row["verdict_en"]))
    return sec


def _blocks(run: Run, sec: Section, by: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verdicts and item analyses of the indicator blocks ``by`` defines (indicator → block); a
    block with too few indicators or a constant one is left out with a finding."""
    prepared = run.prepared
    need = int(_limit(run, "min_items"))
    sd = prepared.std(ddof=1)
    members: dict[str, list[str]] = {}
    for code in run.framework.indicator_codes:
        if code in by and code in prepared.columns:
            members.setdefault(by[code], []).append(code)
    keep = set()
    for block, cols in members.items():
        const = [c for c in cols if not sd[c] > 0]
        if len(cols) < need:
            sec.finding("reliability.block_too_small", code=block, name=run.name(block), n=len(cols), need=need)
        elif const:
            sec.finding("reliability.block_constant", code=block, name=run.name(block), items=", ".join(const))
        else:
            keep.add(block)
    blocks = reliability.indicator_blocks(prepared, run.meta, by={c: b for c, b in by.items() if b in keep})
    if not blocks:
        return pd.DataFrame(), pd.DataFrame()
    table, items = reliability.reliability_table(blocks, omega_factors=omega_factors(run),
                                                 r_drop_min=_limit(run, "r_drop_min"))
    return _analysed(run, sec, table), items


@requires("index", "reliability.dimensions")
def dimensions(run: Run) -> Section:
    """Do the indicators of each dimension and sub-dimension hang together once oriented?"""
    sec = Section("reliability.dimensions", Text("框架维度与子维度信度", "Reliability of dimensions and sub-dimensions"))
    fw = run.framework
    dims, dim_items = _blocks(run, sec, fw.dimension_of())
    subs, sub_items = _blocks(run, sec, fw.subdimension_of())
    sec.data["verdicts"] = [(dims, "dimension"), (subs, "subdimension")]
    if not dims.empty:
        sec.table("dimension_reliability", in_language(dims, run.lang), ("维度信度（指标已统一方向并标准化）",
                                                  "Reliability of the dimensions (oriented, standardised indicators)"))
    if not subs.empty:
        sec.table("subdimension_reliability", in_language(subs, run.lang), ("子维度信度", "Reliability of the sub-dimensions"))
    elif not run.plan.has("subdimensions"):
        sec.finding("reliability.no_subdimensions")
    both = pd.concat([v for v in (dims, subs) if not v.empty]) if not (dims.empty and subs.empty) else dims
    if both.empty:
        sec.finding("reliability.no_blocks", need=int(_limit(run, "min_items")))
        return sec
    sec.table("dimension_items", pd.concat([dim_items, sub_items]),
              ("维度与子维度的指标分析", "Indicator analysis within dimensions and sub-dimensions"))
    fig = _alpha_bar(run, both["alpha"], Text("维度与子维度 Cronbach α", "Cronbach's alpha of dimensions and sub-dimensions"))
    sec.figure("dimension_alpha", fig, ("维度与子维度 α", "Dimension alpha"), note=True)
    alpha = dims["alpha"].round(12).to_dict() if not dims.empty else {}
    sec.result("dimension_alpha", alpha, ("各维度 α", "Alpha by dimension"))
    _block_findings(run, sec, both, has_subs=not subs.empty,
                    flat=subs.empty and list(dims.index) == [fw.root.code])
    return sec


def _block_findings(run: Run, sec: Section, both: pd.DataFrame, *, has_subs: bool, flat: bool) -> None:
    cut = _limit(run, "alpha_acceptable")
    weak = both[both["alpha"] < cut]
    flagged = both[both["flagged_items"].astype(str) != ""]
    if not weak.empty:
        items = [message_text("reliability.alpha_item", code=c, name=run.name(str(c)), alpha=a)
                 for c, a in weak["alpha"].items()]
        sec.finding("reliability.weak", n=len(weak), cut=_cut(cut), items=_joined(items))
    for code, row in flagged.iterrows():
        sec.finding("reliability.flagged", code=code, name=run.name(str(code)), items=row["flagged_items"],
                    r_cut=_cut(_limit(run, "r_drop_min")))
    if weak.empty and flagged.empty:
        what = "what_all" if has_subs else ("what_components" if flat else "what_dimensions")
        alphas = [message_text("reliability.alpha_short", code=c, alpha=a) for c, a in both["alpha"].items()]
        sec.finding("reliability.all_reliable", what=message_text(f"reliability.{what}"), cut=_cut(cut),
                    alphas=_joined(alphas))


@guarded
def delphi(run: Run) -> Section:
    """Do the Delphi experts agree on the indicators' importance, and more so in later rounds?"""
    title = Text("专家一致性（德尔菲）", "Expert agreement (Delphi)")
    ratings = run.delphi
    if not run.plan.has("delphi") or ratings is None:
        return Section.skip("reliability.delphi", title, run.plan.why_not("delphi").key)
    if not run.plan.has("delphi_panel"):  # a round rated by one expert: no agreement to measure
        return Section("reliability.delphi", title, skipped=run.plan.why_not("delphi_panel"))
    try:
        agreement = reliability.delphi_agreement(ratings)
        last = agreement.index.max()
        wide = ratings[ratings["round"] == last].pivot(index="indicator", columns="expert", values="score")
        icc_last = reliability.icc(wide)
    except MethodError as exc:
        return Section.skip("reliability.delphi", title, "reliability.delphi_not_analysed", problem=str(exc))
    sec = Section("reliability.delphi", title)
    for lang in ("en", "zh"):
        agreement[f"w_label_{lang}"] = [grade(run, w, W_GRADES, "w_very_weak")(lang) for w in agreement["kendall_w"]]
        agreement[f"icc2k_label_{lang}"] = [grade(run, v, ICC_GRADES, "icc_poor")(lang) for v in agreement["icc2k"]]
    sec.table("delphi_agreement", in_language(agreement, run.lang), ("各轮专家意见协调程度", "Expert agreement per Delphi round"), note=True)
    sec.table("delphi_icc_last_round", icc_last, message_text("reliability.icc_title", round=last))
    sec.result("kendall_w_by_round", agreement["kendall_w"].round(12).to_dict(), ("各轮 Kendall W", "Kendall's W by round"))
    alpha = _limit(run, "p_value")
    for rnd, row in agreement.iterrows():
        significant = row["p_value"] < alpha
        sec.finding(
            "reliability.delphi_round", level="info" if significant else "warning", round=rnd,
            n_experts=int(row["n_experts"]), n_indicators=int(row["n_indicators"]), w=row["kendall_w"],
            w_label=Text(row["w_label_zh"], row["w_label_en"]), dof=int(row["dof"]), chi2=row["chi2"],
            p=row["p_value"], sig=message_text("reliability.significant" if significant else "reliability.not_significant"),
            icc=row["icc2k"], icc_low=row["icc2k_ci_low"], icc_high=row["icc2k_ci_high"],
            icc_label=Text(row["icc2k_label_zh"], row["icc2k_label_en"]),
        )
    if len(agreement) > 1:
        w = agreement["kendall_w"]
        up = bool(w.iloc[-1] > w.iloc[0])
        sec.finding("reliability.converged" if up else "reliability.not_converged", first=w.index[0],
                    w_first=w.iloc[0], last=w.index[-1], w_last=w.iloc[-1])
    return sec


@guarded
def verdicts(run: Run, *sections: Section) -> Section:
    """One line per survey scale and (sub-)dimension of the given sections: alpha, omega, verdict."""
    sec = Section("reliability.verdicts", Text("信度结论", "Reliability verdicts"))
    parts = [frame.assign(kind=kind) for s in sections for frame, kind in s.data.get("verdicts", [])
             if not frame.empty]
    cols = ["name", "kind", "alpha", "omega_total", "verdict"]
    if not parts:
        sec.table("verdicts", pd.DataFrame(columns=cols), ("信度结论", "Reliability verdicts"), note=True)
        return sec
    rows = pd.concat(parts)
    table = pd.DataFrame({
        "name": rows["name"], "kind": rows["kind"], "alpha": rows["alpha"], "omega_total": rows["omega_total"],
        "verdict": rows["verdict_zh"] if run.lang == "zh" else rows["verdict_en"],
    })
    sec.table("verdicts", table, ("信度结论", "Reliability verdicts"), note=True)
    return sec


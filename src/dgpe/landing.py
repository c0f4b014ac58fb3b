"""The report's landing page, ``index.html``: what a reader opens first.

One offline page (no script or font from the network) with, in this order: the report's title
(the framework's ``title:``, never a folder name), the run's parameters, the key results (numbers
formatted by kind through :mod:`dgpe.tablefmt`, lists and per-dimension values written out), the
findings as text (warnings first), the analyses left out, the complete ranking (rank, unit, groups,
score, band, dimension scores and, when the sensitivity notebook ran, the rank interval), the
indicator framework with its weights, links to the notebooks, the method note, the figures and the
tables. Tables sort by a click on a header (a few lines of inline script). Chinese text carries its
own font subset (:mod:`dgpe.webfont`), so the page reads on a machine without a CJK font.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.config import RunConfig
from dgpe.framework import load_framework
from dgpe.method_note import SECTIONS, framework_title, skipped_analyses
from dgpe.record import read_recorded_table
from dgpe.sections.sensitivity import INPUT_NAMES, KIND_NAMES
from dgpe.tablefmt import column_label, format_value, yes_no
from dgpe.text import picker
from dgpe.webfont import FONT_FAMILY, embed_cjk_font

__all__ = ["write_index", "report_title", "format_result", "inline_markdown", "ranking_frame",
           "framework_frame"]

e = html.escape

_CSS = """
body{font-family:"@CJK@","Helvetica Neue",Arial,"DejaVu Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
 max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{color:#1f5f8b;border-bottom:3px solid #1f5f8b;padding-bottom:.2em} h2{color:#1f5f8b;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:14px}
th{background:#eef3f7;position:sticky;top:0} th.sortable{cursor:pointer} th.sortable:after{content:" ⇅";color:#999;font-size:11px}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.scroll{max-height:40em;overflow:auto;border:1px solid #ddd;margin:.5em 0} .scroll table{margin:0}
table.ranking td{white-space:nowrap}
.warn{color:#a33} .badge{display:inline-block;background:#a33;color:#fff;border-radius:3px;padding:0 .4em;font-size:12px;margin-right:.3em}
.muted{color:#666;font-size:13px} code{background:#f3f3f3;padding:0 .2em}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.figs figure{margin:0;border:1px solid #ddd;padding:6px} .figs img{width:100%} figcaption{font-size:13px;color:#444}
.kv{white-space:nowrap;margin-right:.6em;display:inline-block}
table.results{width:100%} table.results td:first-child{width:38%} tr.group th{background:#dde8f0;text-align:left} .kv b{font-weight:600;color:#1f5f8b}
td.l1{padding-left:1.6em} td.l2{padding-left:2.8em} td.l3{padding-left:4em} tr.node td{font-weight:600;background:#fafafa}
""".replace("@CJK@", FONT_FAMILY)

# a click on a header sorts the table by that column (numbers by value, text in its order,
# a cell's data-v when it has one: bands sort by grade, not alphabetically)
_SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function(t){
 t.querySelectorAll("th").forEach(function(th,i){th.classList.add("sortable");th.addEventListener("click",function(){
  var body=t.tBodies[0],rows=Array.from(body.rows),asc=th.dataset.dir!=="asc";th.dataset.dir=asc?"asc":"desc";
  var key=function(r){var c=r.cells[i];var v=c.dataset.v!==undefined?c.dataset.v:c.textContent.replace(/,/g,"");
   var n=parseFloat(v);return isNaN(n)||!/^\\s*[-+]?[0-9.]/.test(v)?v:n;};
  rows.sort(function(a,b){var x=key(a),y=key(b);if(typeof x!==typeof y){x=String(x);y=String(y);}
   return (x<y?-1:x>y?1:0)*(asc?1:-1);});rows.forEach(function(r){body.appendChild(r);});});});});
"""

_UNITS_ZH = {"ratio": "比率", "share": "比例", "percent": "%", "count": "数量", "days": "天", "hours": "小时",
             "minutes": "分钟", "yuan": "元", "score": "分", "index": "指数"}
_DIRECTIONS = {"positive": ("正向", "positive"), "negative": ("负向", "negative")}


def report_title(cfg: RunConfig, lang: str) -> str:
    """The report's title: the framework's ``title:`` + 评估报告 (never a folder name)."""
    t = picker(lang)
    own = framework_title(cfg, lang)
    if own:
        return t(f"{own}评估报告", f"{own}: evaluation report")
    return t("地方政府数字政务绩效评估报告", "Local digital government performance evaluation report")


def inline_markdown(text: str) -> str:
    """A finding's text as HTML: escaped, with Markdown ``code`` and **bold** kept.

    >>> inline_markdown("α < .7 in `B3`, **warning**")
    'α &lt; .7 in <code>B3</code>, <b>warning</b>'
    """
    out = e(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)


def format_result(value: Any, key: str, lang: str, unit_names: Mapping[str, str] | None = None) -> str:
    """A key result as HTML text: numbers by the kind of ``key`` (:func:`dgpe.tablefmt.format_value`),
    per-dimension values as "A 0.899  B 0.902", lists joined (the first 20), an empty list as
    无/none, a unit code with its name.

    >>> format_result({"A": 0.899358735895, "B": 0.9023}, "dimension_alpha", "en")
    "<span class='kv'><b>A</b> 0.899</span> <span class='kv'><b>B</b> 0.902</span>"
    >>> format_result(0.033968, "share_missing", "zh"), format_result([], "rescaled", "zh")
    ('0.034', '无')
    """
    t = picker(lang)
    if isinstance(value, dict):
        def label(k: str) -> str:
            if key.endswith("_by_round"):
                return t(f"第 {k} 轮", f"round {k}")
            return column_label(k, lang)
        return " ".join(f"<span class='kv'><b>{e(label(str(k)))}</b> {format_result(v, key, lang)}</span>"
                       for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return t("无", "none")
        shown = (t("、", ", ")).join(e(format_value(v, key)) for v in value[:20])
        more = len(value) - 20
        return shown + (t(f" …（共 {len(value)} 个）", f" … ({len(value)} in all)") if more > 0 else "")
    if isinstance(value, str):
        if key.endswith("driver") and value in INPUT_NAMES:
            return e(INPUT_NAMES[value](lang))
        if unit_names and value in unit_names:
            return f"{e(value)} {e(unit_names[value])}"
        return e(column_label(value, lang))
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value, lang)
    return e(format_value(value, key))


def _notebook_label(nb: str, lang: str) -> str:
    number = nb.split("_", 1)[0]
    if nb in SECTIONS:
        return f"{number} {SECTIONS[nb][0] if lang == 'zh' else SECTIONS[nb][1]}"
    return nb


def _entry_title(entry: dict[str, Any], lang: str, fallback: str) -> str:
    t = entry.get("title") or entry.get("label")
    if isinstance(t, dict):
        return t.get(lang) or t.get("en") or fallback
    return fallback


def _find_table(folder: Path, records: dict[str, dict[str, Any]], name: str) -> pd.DataFrame | None:
    for rec in records.values():
        entry = rec.get("tables", {}).get(name)
        if entry and entry.get("file") and (folder / entry["file"]).exists():
            return read_recorded_table(folder, entry)
    return None


def _html_table(df: pd.DataFrame, *, kinds: Mapping[str, str], sort_values: Mapping[str, Sequence[Any]] | None = None,
                row_class: Sequence[str] | None = None, cell_class: Mapping[str, Sequence[str]] | None = None,
                headers: Mapping[str, str] | None = None, sortable: bool = True, css_class: str = "") -> str:
    """A table of ``df`` with its values written by ``kinds`` (column → kind); numbers right-aligned."""
    head = "".join(f"<th>{e((headers or {}).get(c, c))}</th>" for c in df.columns)
    rows = []
    for i in range(len(df)):
        cells = []
        for c in df.columns:
            v = df[c].iloc[i]
            kind = kinds.get(c, "text")
            cls = ["num"] if kind != "text" else []
            cls += [(cell_class or {}).get(c, [""] * len(df))[i]]
            data_v = f" data-v='{e(str(sort_values[c][i]))}'" if sort_values and c in sort_values else ""
            text = format_value(v, c, kind=kind)
            cells.append(f"<td class='{' '.join(x for x in cls if x)}'{data_v}>{e(text)}</td>")
        tr_cls = f" class='{row_class[i]}'" if row_class and row_class[i] else ""
        rows.append(f"<tr{tr_cls}>{''.join(cells)}</tr>")
    classes = " ".join(x for x in ("sortable" if sortable else "", css_class) if x)
    attr = f" class='{classes}'" if classes else ""
    return f"<div class='scroll'><table{attr}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"


def ranking_frame(folder: Path, records: dict[str, dict[str, Any]], cfg: RunConfig) -> pd.DataFrame | None:
    """The complete ranking: rank, unit, its name and groups, score, band, the dimension scores and
    (when the sensitivity notebook ran) the 5%–95% rank interval; None without an index."""
    ranking = _find_table(folder, records, "index_ranking")
    if ranking is None:
        return None
    ranking = ranking.set_index(ranking.columns[0]) if "unit" not in ranking.columns else ranking.set_index("unit")
    fw = load_framework(cfg.framework)
    dims = [d.code for d in fw.dimensions]
    groups = [g for g in cfg.groups if g in ranking.columns]
    cols = ["rank"] + (["unit_name"] if "unit_name" in ranking.columns else []) + groups + ["score"]
    cols += ["band"] if "band" in ranking.columns else []
    out = ranking[cols].copy()
    scores = _find_table(folder, records, "dimension_scores")
    if scores is not None:
        scores = scores.set_index(scores.columns[0])
        for d in dims:
            if d in scores.columns:
                out[d] = scores[d].reindex(out.index)
    unc = _find_table(folder, records, "rank_uncertainty")
    if unc is not None and {"q05", "q95"} <= set(unc.columns):
        unc = unc.set_index(unc.columns[0])
        lo, hi = unc["q05"].reindex(out.index), unc["q95"].reindex(out.index)
        out["rank_interval"] = [f"{a:.0f}–{b:.0f}" if pd.notna(a) else "" for a, b in zip(lo, hi, strict=True)]
    out = out.reset_index().rename(columns={out.index.name or "index": "unit"})
    out = out[["rank", "unit", *[c for c in out.columns if c not in ("rank", "unit")]]]
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


def _score_kind(folder: Path, scores: pd.Series) -> str:
    """How the ranking writes scores: 3 decimals when the index's scale (plan.json's ``scale``) or,
    on an unbounded scale, its scores span at most 1 (EGDI's 0–1 values), else 2 (kind ``score``)."""
    path = folder / "plan.json"
    scale = json.loads(path.read_text(encoding="utf-8")).get("scale") if path.exists() else None
    if scale and scale.get("bounded"):
        span = float(scale["high"]) - float(scale["low"])
    else:
        span = float(scores.max() - scores.min()) if scores.notna().any() else 0.0
    return "stat" if span <= 1 else "score"


def _ranking_html(frame: pd.DataFrame, cfg: RunConfig, lang: str, dims: Mapping[str, str], score_kind: str) -> str:
    kinds = {c: score_kind for c in ["score", *dims]} | {"rank": "int"}
    order = [b for b, _ in sorted(cfg.bands.items(), key=lambda kv: -kv[1])] if cfg.bands else []
    sort_values: dict[str, list[Any]] = {}
    if "band" in frame.columns:
        sort_values["band"] = [order.index(b) if b in order else len(order) for b in frame["band"]]
    if "rank_interval" in frame.columns:
        sort_values["rank_interval"] = [s.split("–")[0] if s else "" for s in frame["rank_interval"]]
    headers = {c: column_label(c, lang) for c in frame.columns} | {d: f"{d} {n}" for d, n in dims.items()}
    return _html_table(frame, kinds=kinds, sort_values=sort_values, headers=headers, css_class="ranking")


def framework_frame(folder: Path, cfg: RunConfig, lang: str) -> pd.DataFrame:
    """The indicator tree, pre-order: code, name, level, the weight within its parent and the
    effective weight in the index (the product of the weights on its path), direction, unit of
    measure and kind. Weights are the run's resolved weights (``plan.json``), else the framework's."""
    fw = load_framework(cfg.framework)
    plan_path = folder / "plan.json"
    resolved = json.loads(plan_path.read_text(encoding="utf-8")).get("weights", {}) if plan_path.exists() else {}
    rows: list[dict[str, Any]] = []

    def visit(node: Any, depth: int, effective: float) -> None:
        total = sum(float(resolved.get(c.code, c.weight)) for c in node.children)
        for c in node.children:
            w = float(resolved.get(c.code, c.weight)) / (total or 1.0)
            rows.append({"code": c.code, "name": c.name.get(lang), "depth": depth, "weight": w,
                         "effective_weight": effective * w, "indicator": c.is_indicator,
                         "direction": _DIRECTIONS.get(str(c.direction), (c.direction, c.direction))[lang != "zh"]
                         if c.is_indicator and c.direction else "",
                         "unit_of_measure": _measure(c.unit, lang) if c.is_indicator else "",
                         "kind": KIND_NAMES[c.kind](lang) if c.kind in KIND_NAMES else (c.kind or "")})
            visit(c, depth + 1, effective * w)

    if fw.index is not None:
        visit(fw.index, 0, 1.0)
    return pd.DataFrame(rows)


def _measure(unit: Any, lang: str) -> str:
    if not unit:
        return ""
    return _UNITS_ZH.get(str(unit), str(unit)) if lang == "zh" else str(unit)


def _framework_html(frame: pd.DataFrame, lang: str) -> str:
    shown = frame[["code", "name", "weight", "effective_weight", "direction", "unit_of_measure", "kind"]]
    headers = {c: column_label(c, lang) for c in shown.columns}
    headers["weight"] = picker(lang)("组内权重", "Weight within parent")
    classes = {"name": [f"l{min(int(d), 3)}" if d else "" for d in frame["depth"]]}
    row_class = ["" if ind else "node" for ind in frame["indicator"]]
    return _html_table(shown, kinds={"weight": "stat", "effective_weight": "stat"}, headers=headers,
                       cell_class=classes, row_class=row_class, sortable=False)


def _key_results_html(records: dict[str, dict[str, Any]], lang: str, unit_names: Mapping[str, str]) -> str:
    t = picker(lang)
    rows = []
    for nb, rec in records.items():
        results = rec.get("results", {})
        if results:
            rows.append(f"<tr class='group'><th colspan='2'><a href='notebooks/{e(nb)}.html'>"
                        f"{e(_notebook_label(nb, lang))}</a></th></tr>")
        for key, entry in results.items():
            label = _entry_title(entry, lang, key)
            rows.append(f"<tr><td>{e(label)}</td><td>{format_result(entry.get('value'), key, lang, unit_names)}</td></tr>")
    return (f"<h2>{t('关键结果', 'Key results')}</h2><table class='results'><thead><tr>"
            f"<th>{t('结果', 'Result')}</th><th>{t('数值', 'Value')}</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _findings_html(records: dict[str, dict[str, Any]], lang: str) -> str:
    t = picker(lang)
    findings = [(nb, f) for nb, rec in records.items() for f in rec.get("findings", []) if not f.get("skipped")]
    findings.sort(key=lambda x: 0 if x[1].get("level") == "warning" else 1)
    parts = [f"<h2>{t('发现与提示', 'Findings')}</h2><ul>"]
    for nb, f in findings:
        warn = f.get("level") == "warning"
        badge = f"<span class='badge'>{t('注意', 'Warning')}</span>" if warn else ""
        parts.append(f"<li{' class=warn' if warn else ''}>{badge}<span class='muted'>[{e(_notebook_label(nb, lang))}]"
                     f"</span> {inline_markdown(f.get(lang) or f.get('en', ''))}</li>")
    parts.append("</ul>")
    skipped = skipped_analyses(records, lang)
    if skipped:
        parts.append(f"<h2>{t('未做的分析', 'Analyses not run')}</h2><ul>")
        for nb, text, sections in skipped:
            parts.append(f"<li><span class='muted'>[{e(_notebook_label(nb, lang))} · {e(t('、', ', ').join(sections))}]"
                         f"</span> {inline_markdown(text)}</li>")
        parts.append("</ul>")
    return "".join(parts)


def _links_html(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]], lang: str) -> str:
    t = picker(lang)
    parts = [f"<h2>{t('分析笔记本', 'Notebooks')}</h2><ul>"]
    for nb in cfg.notebooks:
        parts.append(f"<li><a href='notebooks/{e(nb)}.html'>{e(_notebook_label(nb, lang))}</a> "
                     f"<span class='muted'>(<a href='notebooks/{e(nb)}.ipynb'>ipynb</a>)</span></li>")
    parts.append("</ul>")
    notes = [(f, label) for f, label in (("method-note.docx", t("方法说明（Word）", "Method note (Word)")),
                                         ("method-note.md", t("方法说明（Markdown）", "Method note (Markdown)")))
             if (folder / f).exists()]
    if notes:
        parts.append("<p>" + " · ".join(f"<a href='{f}'>{e(label)}</a>" for f, label in notes) + "</p>")
    parts.append(f"<h2>{t('图', 'Figures')}</h2><div class='figs'>")
    for nb, rec in records.items():
        for name, entry in rec.get("figures", {}).items():
            if entry.get("file") and (folder / entry["file"]).exists():
                cap = _entry_title(entry, lang, name)
                parts.append(f"<figure><a href='{e(entry['file'])}'><img src='{e(entry['file'])}' alt='{e(cap)}'></a>"
                             f"<figcaption>{e(_notebook_label(nb, lang))} · {e(cap)}</figcaption></figure>")
    parts.append("</div>")
    parts.append(f"<h2>{t('表', 'Tables')}</h2>")
    if (folder / "tables" / "tables.xlsx").exists():
        parts.append(f"<p><a href='tables/tables.xlsx'>{t('全部表格（Excel 工作簿）', 'All tables (Excel workbook)')}</a></p>")
    parts.append("<ul>")
    for nb, rec in records.items():
        for name, entry in rec.get("tables", {}).items():
            if entry.get("file") and (folder / entry["file"]).exists():
                parts.append(f"<li><a href='{e(entry['file'])}'>{e(_notebook_label(nb, lang))} · "
                             f"{e(_entry_title(entry, lang, name))}</a> <span class='muted'>CSV</span></li>")
    parts.append("</ul>")
    return "".join(parts)


def _run_line(folder: Path, cfg: RunConfig, lang: str) -> str:
    t = picker(lang)
    links = [f"<a href='{f}'>{f}</a>" for f in ("config.yaml", "manifest.json", "plan.json")
             if (folder / f).exists() or f == "manifest.json"]  # the manifest is written after the page
    year = cfg.year if cfg.year is not None else "—"
    return (f"<p class='muted'>{t('运行', 'Run')} <b>{e(cfg.name)}</b> · {t('评估年份', 'year')} {year} · "
            f"{t('随机种子', 'seed')} {cfg.seed} · " + " · ".join(links) + "</p>")


def write_index(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> Path:
    """Write ``folder/index.html`` (see the module docstring) and return its path."""
    lang = cfg.lang
    t = picker(lang)
    title = report_title(cfg, lang)
    ranking = ranking_frame(folder, records, cfg)
    unit_names = dict(zip(ranking["unit"], ranking["unit_name"], strict=True)) if (
        ranking is not None and "unit_name" in ranking.columns) else {}
    parts = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(title)}</h1>", _run_line(folder, cfg, lang),
             _key_results_html(records, lang, unit_names), _findings_html(records, lang)]
    fw = load_framework(cfg.framework)
    if ranking is not None:
        dims = {d.code: d.name.get(lang) for d in fw.dimensions if d.code in ranking.columns}
        parts.append(f"<h2>{t('综合排名', 'Ranking')}</h2><p class='muted'>"
                     + t(f"全部 {len(ranking)} 个单位；点击表头排序。", f"All {len(ranking)} units; click a header to sort.")
                     + "</p>" + _ranking_html(ranking, cfg, lang, dims, _score_kind(folder, ranking["score"])))
    if fw.index is not None:
        parts.append(f"<h2>{t('指标体系与权重', 'Indicator framework and weights')}</h2>"
                     + _framework_html(framework_frame(folder, cfg, lang), lang))
    parts.append(_links_html(folder, cfg, records, lang))
    parts.append(f"<script>{_SORT_JS}</script></body></html>")
    path = folder / "index.html"
    path.write_text(embed_cjk_font("\n".join(parts)), encoding="utf-8")
    return path

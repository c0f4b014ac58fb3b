"""Assemble a report folder from what the notebooks recorded.

- ``tables/tables.xlsx``: one workbook, a sheet per recorded table and a first sheet listing them
  all with links (:mod:`dgpe.workbook`);
- ``index.html``: an offline landing page with the key results, the findings (warnings first), links
  to every notebook's HTML, the figures and the tables.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from dgpe.config import RunConfig
from dgpe.method_note import framework_title, skipped_analyses, write_method_note
from dgpe.record import RECORDS_DIR
from dgpe.workbook import excel_sheet_name, write_workbook

__all__ = ["assemble_report", "excel_sheet_name", "write_workbook", "collect"]

def collect(folder: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in sorted((folder / RECORDS_DIR).glob("*.json")):
        out[p.stem] = json.loads(p.read_text(encoding="utf-8"))
    return out


def _title(entry: dict[str, Any], lang: str, fallback: str) -> str:
    t = entry.get("title") or entry.get("label")
    if isinstance(t, dict):
        return t.get(lang) or t.get("en") or fallback
    return fallback


_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{color:#1f5f8b;border-bottom:3px solid #1f5f8b;padding-bottom:.2em} h2{color:#1f5f8b;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:14px}
th{background:#eef3f7} .warn{color:#a33} .muted{color:#666;font-size:13px}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.figs figure{margin:0;border:1px solid #ddd;padding:6px} .figs img{width:100%} figcaption{font-size:13px;color:#444}
"""


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return ", ".join(_fmt(x) for x in v[:20]) + (" …" if len(v) > 20 else "")
    return str(v)


def write_index(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> Path:
    lang = cfg.lang
    t = (lambda zh, en: zh) if lang == "zh" else (lambda zh, en: en)
    e = html.escape
    own = framework_title(cfg, lang)
    title = (t(f"{own}评估报告", f"{own}: evaluation report") if own else
             t("地方政府数字政务绩效评估报告", "Local digital government performance evaluation report"))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(title)} · {e(cfg.name)} {cfg.year or ''}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class='muted'>{e(t('运行', 'Run'))}: <b>{e(cfg.name)}</b> · {e(t('年份', 'year'))} {cfg.year or ''} · "
        f"{e(t('随机种子', 'seed'))} {cfg.seed} · <a href='manifest.json'>manifest.json</a> · "
        f"<a href='config.yaml'>config.yaml</a></p>",
    ]
    # key results
    rows = []
    for nb, rec in records.items():
        for key, entry in rec.get("results", {}).items():
            label = _title(entry, lang, key)
            rows.append(f"<tr><td>{e(nb)}</td><td>{e(label)}</td><td>{e(_fmt(entry.get('value')))}</td></tr>")
    parts.append(f"<h2>{e(t('关键结果', 'Key results'))}</h2>")
    parts.append(
        f"<table><tr><th>{e(t('笔记本', 'Notebook'))}</th><th>{e(t('结果', 'Result'))}</th><th>{e(t('数值', 'Value'))}</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    # findings
    findings = [(nb, f) for nb, rec in records.items() for f in rec.get("findings", []) if not f.get("skipped")]
    findings.sort(key=lambda x: 0 if x[1].get("level") == "warning" else 1)
    parts.append(f"<h2>{e(t('发现与提示', 'Findings'))}</h2><ul>")
    for nb, f in findings:
        cls = " class='warn'" if f.get("level") == "warning" else ""
        parts.append(f"<li{cls}><span class='muted'>[{e(nb)}]</span> {e(f.get(lang) or f.get('en', ''))}</li>")
    parts.append("</ul>")
    skipped = skipped_analyses(records, lang)
    if skipped:
        parts.append(f"<h2>{e(t('未做的分析', 'Analyses not run'))}</h2><ul>")
        for nb, text, sections in skipped:
            parts.append(f"<li><span class='muted'>[{e(nb)} · {e(', '.join(sections))}]</span> {e(text)}</li>")
        parts.append("</ul>")
    # notebooks
    parts.append(f"<h2>{e(t('分析笔记本', 'Notebooks'))}</h2><ul>")
    for nb in cfg.notebooks:
        parts.append(f"<li><a href='notebooks/{e(nb)}.html'>{e(nb)}</a> (<a href='notebooks/{e(nb)}.ipynb'>ipynb</a>)</li>")
    parts.append("</ul>")
    if (folder / "method-note.md").exists():
        parts.append(
            f"<p><a href='method-note.md'>{e(t('方法说明（Markdown）', 'Method note (Markdown)'))}</a>"
            + (f" · <a href='method-note.docx'>{e(t('方法说明（Word）', 'Method note (Word)'))}</a>" if (folder / "method-note.docx").exists() else "")
            + "</p>"
        )
    # figures
    parts.append(f"<h2>{e(t('图', 'Figures'))}</h2><div class='figs'>")
    for nb, rec in records.items():
        for name, entry in rec.get("figures", {}).items():
            if entry.get("file"):
                cap = _title(entry, lang, name)
                parts.append(
                    f"<figure><a href='{e(entry['file'])}'><img src='{e(entry['file'])}' alt='{e(cap)}'></a>"
                    f"<figcaption>{e(nb)} · {e(cap)}</figcaption></figure>"
                )
    parts.append("</div>")
    # tables
    parts.append(f"<h2>{e(t('表', 'Tables'))}</h2><p><a href='tables/tables.xlsx'>tables.xlsx</a></p><ul>")
    for nb, rec in records.items():
        for name, entry in rec.get("tables", {}).items():
            if entry.get("file"):
                parts.append(f"<li><a href='{e(entry['file'])}'>{e(nb)} · {e(_title(entry, lang, name))}</a></li>")
    parts.append("</ul></body></html>")
    path = folder / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def assemble_report(folder: Path, cfg: RunConfig) -> list[str]:
    """Write the workbook and landing page; return the warnings the analyses raised."""
    records = collect(folder)
    write_workbook(folder, records, cfg.lang)
    write_method_note(folder, cfg, records)
    write_index(folder, cfg, records)
    lang = cfg.lang
    return [
        f"[{nb}] {f.get(lang) or f.get('en')}"
        for nb, rec in records.items()
        for f in rec.get("findings", [])
        if f.get("level") == "warning"
    ]

"""A notebook of the report as a web page for readers (not for programmers).

:func:`export_html` turns an executed notebook into one offline HTML file:

- papermill's parameters cells (the notebook's defaults and the injected cell, which names the
  run's temporary folder) are left out; a header says what the page is, links back to the landing
  page (``../index.html``) and gives the run's parameters with paths relative to the report;
- code cells that only compute (no output) are left out; the code of the others is folded under a
  "代码 / Code" switch, so the page reads as text, tables and figures;
- warnings a library printed to stderr are left out (the ``.ipynb`` beside the page keeps them);
- the page has a title per notebook ("01 信度 · <report title>") and ``lang="zh-CN"`` or ``"en"``;
- Chinese text carries its own font subset (:mod:`dgpe.webfont`), so it renders on a machine
  without a CJK font.
"""

from __future__ import annotations

import copy
import html as htmlmod
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dgpe.webfont import embed_cjk_font

__all__ = ["export_html", "notebook_title", "for_readers", "relative_parameters", "HIDDEN_TAGS"]

#: cells with one of these tags are not part of the HTML page
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "hide", "remove-cell"})


def html_lang(lang: str) -> str:
    """The ``lang`` attribute of a page in the run's language."""
    return "zh-CN" if lang == "zh" else "en"


def notebook_title(name: str, nb: Any, lang: str) -> str:
    """"01 信度" for notebook ``01_reliability``: its number and its section title in ``lang``
    (from :data:`dgpe.method_note.SECTIONS`), else the text of its first level-1 heading."""
    from dgpe.method_note import SECTIONS

    number = name.split("_", 1)[0]
    if name in SECTIONS:
        zh, en = SECTIONS[name][:2]
        return f"{number} {zh if lang == 'zh' else en}"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return name


def for_readers(nb: Any) -> Any:
    """A copy of the notebook without papermill's parameters cells, stderr output and code cells
    that show nothing."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
        cells.append(cell)
    out.cells = cells
    return out


def relative_parameters(ipynb: Path, parameters: Mapping[str, Any], *, source: str | None = None) -> None:
    """Rewrite papermill's injected-parameters cell and metadata of the executed notebook ``ipynb``
    in place so that they name no path of the machine or of the run's temporary folder:
    ``parameters`` (paths relative to the notebook, e.g. ``{"config": "../config.yaml",
    "output_dir": None}``; a rerun of the saved notebook then reads the report's config and only
    displays), the notebook's own file name as papermill's output path and ``source`` (the
    notebook it was run from, e.g. ``notebooks/04_sensitivity.py``) as its input path."""
    import nbformat

    nb = nbformat.read(str(ipynb), as_version=4)
    if "papermill" in nb.metadata:
        nb.metadata["papermill"].update(parameters=dict(parameters), output_path=ipynb.name, input_path=source)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            lines = ["# Parameters of the run (paths relative to this notebook; the run wrote its records",
                     "# to the report folder, output_dir None keeps a rerun of this copy from rewriting them)"]
            lines += [f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in parameters.items()]
            cell.source = "\n".join(lines)
    nbformat.write(nb, str(ipynb))


def _header(title: str, report_title: str, lang: str, parameters: Mapping[str, Any]) -> str:
    e = htmlmod.escape
    back = "← 返回报告首页" if lang == "zh" else "← Back to the report"
    params = " · ".join(
        f"{e(str(k))} = <a href='{e(str(v))}'>{e(str(v))}</a>" if str(v).endswith((".yaml", ".json"))
        else f"{e(str(k))} = {e(str(v))}"
        for k, v in parameters.items())
    label = "运行参数" if lang == "zh" else "Run parameters"
    return (f"<nav class='dgpe-header'><a href='../index.html'>{back}</a> · "
            f"<span class='dgpe-report'>{e(report_title)}</span> · {e(title)}"
            + (f"<br>{label}: {params}" if params else "") + "</nav>")


def export_html(ipynb: Path, html: Path, *, lang: str, report_title: str = "",
                parameters: Mapping[str, Any] | None = None) -> None:
    """Write the executed notebook ``ipynb`` as the offline page ``html`` (see the module
    docstring). ``parameters`` are shown in the header (paths relative to the report folder, e.g.
    ``{"config": "../config.yaml", "lang": "zh"}``)."""
    import nbformat
    from nbconvert import HTMLExporter

    template_dir = Path(__file__).parent / "templates"
    exporter = HTMLExporter(
        template_name="dgpe_offline",
        extra_template_basedirs=[str(template_dir)],
        embed_images=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="zh" if lang == "zh" else "en",
    )
    nb = for_readers(nbformat.read(str(ipynb), as_version=4))
    title = notebook_title(ipynb.stem, nb, lang)
    nb.metadata["title"] = f"{title} · {report_title}" if report_title else title
    resources = {"dgpe": {"header": _header(title, report_title, lang, parameters or {}),
                          "code_label": "代码" if lang == "zh" else "Code"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace('<html lang="zh">', f'<html lang="{html_lang(lang)}">', 1)
    html.write_text(embed_cjk_font(body), encoding="utf-8")

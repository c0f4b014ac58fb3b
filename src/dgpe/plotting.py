"""One plot theme for every notebook, with Chinese glyphs on a fresh machine.

The CJK font comes from a pip-only install: the ``mplfonts`` wheel ships Noto Sans CJK SC (SIL Open
Font License) as a single-face ``.otf``. We register that file directly with matplotlib's font
manager (not through mplfonts' CLI, which rewrites matplotlib's configuration, and not its SimHei,
whose licence is unclear); a ``.ttc`` collection would register only its first (Japanese) face.

Labels follow the run's language: pass ``{"zh": …, "en": …}`` or use :func:`label`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

__all__ = [
    "CJK_FAMILY",
    "cjk_font_path",
    "apply_theme",
    "label",
    "correlation_heatmap",
    "bar",
    "scatter_pair",
    "radar",
    "PALETTE",
    "PRINT_WIDTH_IN",
    "PRINT_DPI",
    "save_for_print",
]

CJK_FAMILY = "Noto Sans CJK SC"
PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#c0392b", "#7d5ba6", "#8c6d31", "#5f6b73", "#d4a017"]
_registered = False
#: the method note's text width (A4 with 2.8 cm and 2.6 cm side margins: 15.6 cm) and print dpi
PRINT_WIDTH_IN = 15.6 / 2.54
PRINT_DPI = 300


def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK SC font (from the ``mplfonts`` wheel)."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists():  # pragma: no cover - only on a broken install
        raise FileNotFoundError(
            f"the CJK font {path.name} is missing; reinstall the project (pip install -e .) "
            "so that mplfonts brings it"
        )
    return path


def _register() -> None:
    global _registered
    if not _registered:
        font_manager.fontManager.addfont(str(cjk_font_path()))
        _registered = True


def apply_theme(*, context: str = "notebook") -> None:
    """Apply the dgpe theme (seaborn whitegrid, CJK font, readable sizes) to matplotlib."""
    import seaborn as sns

    _register()
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [CJK_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "figure.figsize": (8, 5),
            "axes.titlesize": 13,
            # the CJK font ships one (regular) face: asking for bold made matplotlib warn
            # "Failed to find font weight bold" in every notebook and fall back anyway
            "axes.titleweight": "normal",
            "figure.titleweight": "normal",
            "svg.hashsalt": "dgpe",
        }
    )


def label(text: str | Mapping[str, str], lang: str = "zh") -> str:
    """Pick the label of ``lang`` from ``{"zh": …, "en": …}`` (a plain string is returned as is)."""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or text.get("zh") or ""


def correlation_heatmap(
    corr: pd.DataFrame,
    *,
    title: str = "",
    groups: Sequence[str] | None = None,
    ax: plt.Axes | None = None,
    annot: bool | None = None,
) -> plt.Figure:
    """A diverging heatmap of a correlation matrix; lines separate ``groups`` (e.g. dimensions)."""
    import seaborn as sns

    n = corr.shape[0]
    if ax is None:
        size = min(14, 3 + 0.32 * n)
        fig, ax = plt.subplots(figsize=(size + 1, size))
    else:
        parent = ax.get_figure(root=True)
        if parent is None:
            raise ValueError("correlation_heatmap: ax belongs to no figure")
        fig = parent
    sns.heatmap(
        corr, vmin=-1, vmax=1, center=0, cmap="RdBu_r", square=True, ax=ax,
        annot=(n <= 12) if annot is None else annot, fmt=".2f", cbar_kws={"shrink": 0.7},
        xticklabels=True, yticklabels=True,
    )  # fmt: skip
    if groups is not None:
        g = list(groups)
        cuts = [i for i in range(1, len(g)) if g[i] != g[i - 1]]
        for c in cuts:
            ax.axhline(c, color="black", lw=1.2)
            ax.axvline(c, color="black", lw=1.2)
    ax.set_title(title)
    ax.tick_params(axis="both", labelsize=8 if n > 20 else 10)
    return fig


def bar(
    values: pd.Series,
    *,
    title: str = "",
    xlabel: str = "",
    threshold: float | None = None,
    threshold_label: str = "",
    horizontal: bool = True,
    color: str | Sequence[str] | None = None,
) -> plt.Figure:
    """A bar chart of a labelled series, optionally with a reference line."""
    n = len(values)
    if horizontal:
        fig, ax = plt.subplots(figsize=(8, max(3, 0.28 * n + 1)))
        ax.barh(values.index.astype(str), values.to_numpy(), color=color or PALETTE[0])
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        if threshold is not None:
            ax.axvline(threshold, color=PALETTE[3], ls="--", lw=1.2, label=threshold_label or None)
    else:
        fig, ax = plt.subplots(figsize=(max(6, 0.35 * n + 2), 4.5))
        ax.bar(values.index.astype(str), values.to_numpy(), color=color or PALETTE[0])
        ax.set_ylabel(xlabel)
        ax.tick_params(axis="x", rotation=90)
        if threshold is not None:
            ax.axhline(threshold, color=PALETTE[3], ls="--", lw=1.2, label=threshold_label or None)
    if threshold is not None and threshold_label:
        ax.legend(loc="best")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def scatter_pair(
    x: pd.Series,
    y: pd.Series,
    *,
    xlabel: str,
    ylabel: str,
    title: str = "",
    highlight: pd.Series | None = None,
    highlight_label: str = "",
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Scatter of two indicators (e.g. availability vs actual use), with optional highlighted units."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(x, y, s=14, alpha=0.7, color=PALETTE[0])
    if highlight is not None and highlight.any():
        ax.scatter(x[highlight], y[highlight], s=22, color=PALETTE[3], label=highlight_label or None)
        if highlight_label:
            ax.legend(loc="best", fontsize=8)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_title(title, fontsize=10)
    return ax


def radar(
    values: Mapping[str, Sequence[float]],
    axes_labels: Sequence[str],
    *,
    title: str = "",
    vmax: float | None = None,
) -> plt.Figure:
    """A radar (spider) chart: one polygon per named series over the same axes."""
    k = len(axes_labels)
    angles = np.linspace(0, 2 * np.pi, k, endpoint=False).tolist()
    angles += angles[:1]
    fig, ax = plt.subplots(figsize=(5, 5), subplot_kw={"polar": True})
    for i, (name, vals) in enumerate(values.items()):
        v = list(vals) + [list(vals)[0]]
        ax.plot(angles, v, color=PALETTE[i % len(PALETTE)], lw=1.6, label=name)
        ax.fill(angles, v, color=PALETTE[i % len(PALETTE)], alpha=0.12)
    ax.set_xticks(angles[:-1])
    ax.set_xticklabels(axes_labels, fontsize=9)
    if vmax is not None:
        ax.set_ylim(0, vmax)
    ax.set_title(title, pad=18)
    ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.1), fontsize=8)
    return fig


def save_for_print(fig: plt.Figure, path: str | Path, *, width_in: float = PRINT_WIDTH_IN,
                   dpi: int = PRINT_DPI) -> None:
    """Save ``fig`` as a PNG at ``dpi`` no wider than ``width_in`` inches, so that the Word note
    prints it at its own size and its fonts at the point sizes they were set in (a 12-inch
    figure shrunk onto a 6-inch text width would print 10 pt labels at 5 pt).

    A wider figure is narrowed (its height in proportion), laid out again and saved; then its size
    and subplot spacing are put back, so the notebook shows it as drawn.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import tempfile, os
    >>> fig, ax = plt.subplots(figsize=(12, 4))
    >>> out = os.path.join(tempfile.mkdtemp(), "f.png")
    >>> save_for_print(fig, out)
    >>> fig.get_size_inches().tolist()
    [12.0, 4.0]
    """
    import warnings

    w, h = fig.get_size_inches()
    kwargs: dict[str, Any] = {"dpi": dpi, "bbox_inches": "tight", "metadata": {"Software": None}}
    if w <= width_in or fig.get_layout_engine() is not None:
        fig.savefig(path, **kwargs)
        return
    sp = fig.subplotpars
    spacing = {k: getattr(sp, k) for k in ("left", "right", "bottom", "top", "wspace", "hspace")}
    try:
        fig.set_size_inches(width_in, h * width_in / w)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "tight_layout not applied" for figures it cannot lay out
            fig.tight_layout()
        fig.savefig(path, **kwargs)
    finally:
        fig.set_size_inches(w, h)
        fig.subplots_adjust(**spacing)

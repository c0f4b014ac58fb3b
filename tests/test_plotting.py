"""Chinese glyphs render from the pip-installed font, with no 'Glyph … missing' warning."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from dgpe import plotting


def _render(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
        fig.savefig(__import__("io").BytesIO(), format="png")
    plt.close(fig)
    return [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]


def test_font_is_the_bundled_noto_cjk():
    plotting.apply_theme()
    path = plotting.cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and path.stat().st_size > 1_000_000
    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family=plotting.CJK_FAMILY), fallback_to_default=False)
    assert found.endswith("NotoSansCJKsc-Regular.otf")


def test_chinese_title_renders_without_missing_glyphs():
    plotting.apply_theme()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [-1, 1])
    ax.set_title("地方政府数字政务绩效评估 · 网上实际办件率(−5%)")
    ax.set_xlabel("好差评好评率")
    assert _render(fig) == []


def test_glyph_check_would_catch_a_missing_font():
    # the same check fails when the CJK font is not used: the test above can fail
    plotting.apply_theme()
    with plt.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("网上实际办件率")
        assert _render(fig) != []


def test_plot_helpers_render_in_both_languages():
    plotting.apply_theme()
    for lang in ("zh", "en"):
        title = plotting.label({"zh": "相关矩阵", "en": "Correlations"}, lang)
        corr = pd.DataFrame([[1, 0.5], [0.5, 1]], index=["甲", "乙"], columns=["甲", "乙"])
        assert _render(plotting.correlation_heatmap(corr, title=title, groups=["A", "B"])) == []
        assert _render(plotting.bar(pd.Series([0.1, 0.3], index=["指标一", "指标二"]), title=title, threshold=0.2)) == []
        assert _render(plotting.radar({"甲县": [1, 2, 3], "均值": [2, 2, 2]}, ["基础", "服务", "治理"], title=title)) == []
    assert plotting.label("x", "en") == "x"


def test_titles_ask_for_no_weight_the_font_lacks(caplog):
    """The bundled CJK font has one (regular) face: a themed figure with titles must not make
    matplotlib log 'findfont: Failed to find font weight …' (it did, in every notebook)."""
    import logging

    plotting.apply_theme()
    fig, ax = plt.subplots()
    ax.set_title("维度权重:各方案比较")
    fig.suptitle("数字政务绩效")
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        assert _render(fig) == []
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]

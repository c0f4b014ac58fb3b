"""Labels and one-line formulas (zh, en) of the DEA models and of the statistics they report.

DEA is not a build step of the index, so it has no :mod:`methods.registry` family; these
mappings give a report or notebook the names to show. Keys are the model names of
:func:`methods.efficiency.dea` and the column names of the results' tables.

>>> MODELS["bcc"]["en"]
'BCC (variable returns to scale)'
>>> STATISTICS["techch"]["zh"]
'技术进步指数'
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MODELS", "STATISTICS", "FORMULAS"]

#: Model name -> label per language.
MODELS: Mapping[str, Mapping[str, str]] = {
    "ccr": {"zh": "CCR 模型（规模报酬不变）", "en": "CCR (constant returns to scale)"},
    "bcc": {"zh": "BCC 模型（规模报酬可变）", "en": "BCC (variable returns to scale)"},
    "sbm": {"zh": "SBM 模型（非径向、非导向）", "en": "SBM (slacks-based, non-oriented)"},
}

#: Result column -> label per language.
STATISTICS: Mapping[str, Mapping[str, str]] = {
    "efficiency": {"zh": "效率值", "en": "efficiency"},
    "super_efficiency": {"zh": "超效率值", "en": "super-efficiency"},
    "rank": {"zh": "排名", "en": "rank"},
    "efficient": {"zh": "DEA 有效", "en": "efficient"},
    "peers": {"zh": "参照单元", "en": "peers"},
    "crs": {"zh": "综合技术效率", "en": "technical efficiency (CRS)"},
    "vrs": {"zh": "纯技术效率", "en": "pure technical efficiency (VRS)"},
    "scale": {"zh": "规模效率", "en": "scale efficiency"},
    "returns_to_scale": {"zh": "规模报酬", "en": "returns to scale"},
    "increasing": {"zh": "递增", "en": "increasing"},
    "constant": {"zh": "不变", "en": "constant"},
    "decreasing": {"zh": "递减", "en": "decreasing"},
    "effch": {"zh": "技术效率变化指数", "en": "efficiency change"},
    "techch": {"zh": "技术进步指数", "en": "technical change"},
    "pech": {"zh": "纯技术效率变化指数", "en": "pure efficiency change"},
    "sech": {"zh": "规模效率变化指数", "en": "scale efficiency change"},
    "tfpch": {"zh": "全要素生产率变化指数（Malmquist 指数）",
              "en": "total factor productivity change (Malmquist index)"},
}

#: Model or index -> one-line formula per language.
FORMULAS: Mapping[str, Mapping[str, str]] = {
    "ccr": {"zh": "min θ，约束 Σλx ≤ θx₀，Σλy ≥ y₀，λ ≥ 0",
            "en": "min θ s.t. Σλx ≤ θx₀, Σλy ≥ y₀, λ ≥ 0"},
    "bcc": {"zh": "min θ，约束 Σλx ≤ θx₀，Σλy ≥ y₀，Σλ = 1，λ ≥ 0",
            "en": "min θ s.t. Σλx ≤ θx₀, Σλy ≥ y₀, Σλ = 1, λ ≥ 0"},
    "sbm": {"zh": "ρ = (1 − Σs⁻/x₀/m) / (1 + Σs⁺/y₀/s)",
            "en": "ρ = (1 − Σs⁻/x₀/m) / (1 + Σs⁺/y₀/s)"},
    "malmquist": {"zh": "tfpch = effch × techch，effch = pech × sech",
                  "en": "tfpch = effch × techch, effch = pech × sech"},
}

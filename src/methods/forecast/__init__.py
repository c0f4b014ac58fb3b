"""Forecasts for short series: :mod:`methods.forecast.gm11` — the grey model GM(1,1)
(:func:`gm11`) and next-year targets per unit (:func:`gm11_targets`)."""

from methods.forecast.gm11 import GM11Result, GM11TargetsResult, gm11, gm11_targets

__all__ = ["GM11Result", "GM11TargetsResult", "gm11", "gm11_targets"]

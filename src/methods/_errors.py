"""Errors and warnings shared by every module of :mod:`methods`.

Every user-facing problem raised by a method is a :class:`MethodError` (a ``ValueError``) or a
:class:`MethodTypeError` (a ``TypeError``) whose message names the offending item, node, unit or cell
and says what was expected. Conditions that still give a usable result (a Heywood case, an AHP matrix
with CR >= 0.1, non-convergence within tolerance) are reported as :class:`MethodWarning` *and*
flagged in the result object, never as a silent NaN.
"""

from __future__ import annotations

__all__ = ["MethodError", "MethodTypeError", "MethodWarning"]


class MethodError(ValueError):
    """A method received input it cannot use; the message says where and what was expected."""


class MethodTypeError(TypeError):
    """A method received an object of the wrong type."""


class MethodWarning(UserWarning):
    """A result was computed but deserves attention (also flagged in the result object)."""

"""Pure statistical methods of dgpe.

DataFrames and arrays in, frozen result objects out. No file I/O, no plotting, no globals;
randomness only through a ``seed`` or :class:`numpy.random.Generator` argument. This package never
imports :mod:`dgpe`.
"""

from methods._errors import MethodError, MethodTypeError, MethodWarning

__all__ = ["MethodError", "MethodTypeError", "MethodWarning"]

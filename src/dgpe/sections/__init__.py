"""The report's sections: each question's computation, tables, figures and findings, tested.

``dgpe.sections.<topic>`` holds the section functions of one notebook's question; each takes the
run (:class:`dgpe.session.Run`, which carries the resolved :class:`dgpe.plan.Plan`) and returns a
:class:`Section`. See :mod:`dgpe.sections.base`.
"""

from dgpe.sections.base import FigureItem, Finding, ResultItem, Section, TableItem

__all__ = ["Finding", "FigureItem", "ResultItem", "Section", "TableItem"]

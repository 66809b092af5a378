"""The report's sections as units (docs/analyses.md, "A report, section by section").

Each section is one module of this package with the same shape, registered by being here: a
:class:`~.base.Section` named ``SECTION`` whose ``compute(run)`` returns a
:class:`~.base.SectionResult` (the tables its charts draw, the :class:`~outsourcing_risk.analyses.claims.Claim`
objects its sentences render, the columns it adds to the batch's ``summary.csv``). The words and
charts of each are the module of the same name in :mod:`outsourcing_risk.present.sections`.
:func:`analyse_report` runs every section that applies, in order, and then the story told at the top
of the report (:mod:`.story`): the verdict against the reader's risk appetite, what to do, what to
learn before signing. The report notebook, the batch and the index iterate over :data:`SECTIONS`.
"""

from __future__ import annotations

from .base import SECTIONS, Report, Run, Section, SectionResult, section
from .report import analyse_report

__all__ = ["SECTIONS", "Report", "Run", "Section", "SectionResult", "analyse_report", "section"]

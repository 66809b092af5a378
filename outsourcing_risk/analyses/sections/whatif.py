"""What if? The levers the meeting asks about, simulated in advance at every position so that
the shared page answers without Python (the report's interactive section)."""

from __future__ import annotations

from .base import Run, Section, SectionResult

__all__ = ["SECTION"]


def compute(run: Run) -> SectionResult:
    """Nothing to claim: the page's figures are the model's own at each position (its grid is
    computed where the page is made, :func:`outsourcing_risk.present.whatif.whatif_grid`)."""
    return SectionResult("whatif", "What if? Move the levers")


SECTION = Section("whatif", "What if? Move the levers", 70, compute)

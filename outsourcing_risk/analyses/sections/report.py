"""A report's analyses: every registered section in order, then the story told at its top."""

from __future__ import annotations

from collections.abc import Mapping

from ...model.results import SimulationResult
from ..appetite import DEFAULT_APPETITE, RiskAppetite, appetite_from_values
from .base import SECTIONS, Report, Run
from .story import tell

__all__ = ["analyse_report"]


def analyse_report(
    result: SimulationResult,
    *,
    appetite: RiskAppetite | Mapping | None = None,
    interview_cost: float | None = None,
    only: tuple[str, ...] | None = None,
) -> Report:
    """Every section of a report on ``result`` (the report's own simulation), then the story.

    ``appetite``: the reader's risk appetite (a :class:`RiskAppetite`, or a mapping of
    ``appetite_*`` values; default :data:`~outsourcing_risk.analyses.appetite.DEFAULT_APPETITE`);
    ``interview_cost``: what an interview of the vendor costs, if known; ``only``: run these
    sections alone, with the outcome's (the story then tells only what they found).
    """
    if appetite is None:
        appetite = DEFAULT_APPETITE
    elif not isinstance(appetite, RiskAppetite):
        appetite = appetite_from_values(appetite)
    run = Run(result, appetite, interview_cost)
    results = {}
    for s in SECTIONS:
        if only is None or s.key in only or s.key == "outcome":
            results[s.key] = s.compute(run)
    return Report(run, results, tell(run, results))

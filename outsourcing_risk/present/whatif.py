"""The what-if grid labelled for its readers: each lever's positions written as a reader writes
them, in the scenario's currency, beside the numbers of :mod:`outsourcing_risk.analyses.whatif`."""

from __future__ import annotations

from dataclasses import dataclass

from ..analyses.whatif import grid_numbers, lever_positions
from ..model.distributions import Distribution
from ..model.scenario import Scenario, require_scenario
from .formatting import param_label, param_value, value_in_words

__all__ = ["Axis", "axes_for", "whatif_grid"]


@dataclass(frozen=True)
class Axis:
    """One lever: its values (numbers, or the scenario's own distribution), their labels, and
    the position of the scenario's own setting."""

    name: str
    label: str
    values: tuple
    texts: tuple[str, ...]
    start: int


def axes_for(scenario: Scenario) -> list[Axis]:
    """The positions of each lever for ``scenario`` (see
    :func:`~outsourcing_risk.analyses.whatif.lever_positions`), each with its text; the scenario's
    own distribution reads "(as given)"."""
    axes = []
    for lever in lever_positions(scenario):
        own = getattr(scenario, lever.name)
        texts = tuple(
            f"{value_in_words(lever.name, v, scenario.currency)} (as given)"
            if v is own and isinstance(own, Distribution)
            else param_value(lever.name, v, scenario.currency)
            for v in lever.values
        )
        label = param_label(lever.name, scenario.currency)
        if lever.name == "trust" and scenario.trust_policy == "ramp":
            label = "Trust each vendor starts at (%)"
        axes.append(Axis(lever.name, label, lever.values, texts, lever.start))
    return axes


def whatif_grid(scenario: Scenario, n_trials: int = 20_000, seed: int = 0) -> dict:
    """Every combination of the levers' positions: KPIs, quarterly fan and NPV histogram.

    Returns a JSON-ready dict: ``axes`` (name, label, texts, start), ``months`` of the fan,
    and per combination (index ``(i·n_j + j)·n_k + k`` over trust i, failure j, switching k)
    ``kpi`` values and the ``fan`` (``[scale, integers...]``, P5, P25, P50, P75, P95 by month, to
    4 significant digits) and ``hist`` (``[first edge, width, counts...]``) data.
    """
    require_scenario(scenario)
    axes = [
        {"name": a.name, "label": a.label, "texts": list(a.texts), "start": a.start}
        for a in axes_for(scenario)
    ]
    return {"axes": axes, **grid_numbers(scenario, n_trials, seed)}

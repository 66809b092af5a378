"""Goal clarity from the four agreements to make before signing, and what each missing one costs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ..model.scenario import Scenario, ScenarioError, did_you_mean, require_scenario
from ..model.simulation import simulate
from .weights import item_weights

__all__ = ["CHECKLIST", "checklist_costs", "clarity_from_checklist"]

#: The four agreements, by key, with the wording shown to users.
CHECKLIST = {
    "schedule": "Productivity and deadline schedule, with how lenient it is",
    "reporting": "How progress is reported and feedback given",
    "payment": "Payment plan and schedule",
    "communication": "Communication expectations (channels, response times, hours)",
}


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    return item_weights(weights, CHECKLIST, "checklist item", "the goal-clarity checklist")


def _ticked(ticked: Iterable[str] | Mapping[str, bool]) -> set[str]:
    if isinstance(ticked, str) or not (isinstance(ticked, Mapping) or hasattr(ticked, "__iter__")):
        raise TypeError(
            f"ticked must be a list of checklist items such as ['schedule', 'payment'] (got {ticked!r})"
        )
    items = {k for k, v in ticked.items() if v} if isinstance(ticked, Mapping) else set(ticked)
    unknown = [
        f"unknown checklist item {k!r}{did_you_mean(k, CHECKLIST)}" for k in sorted(items - set(CHECKLIST))
    ]
    if unknown:
        raise ScenarioError(unknown, "the goal-clarity checklist")
    return items


def clarity_from_checklist(
    ticked: Iterable[str] | Mapping[str, bool], weights: Mapping[str, float] | None = None
) -> float:
    """``goal_clarity`` (0–1): the weighted share of the four agreements made (equal weights by default).

    Examples
    --------
    >>> clarity_from_checklist(["schedule", "payment", "communication"])
    0.75
    >>> clarity_from_checklist({"schedule": True, "reporting": False}, weights={"schedule": 3})
    0.5
    """
    w = _weights(weights)
    return sum(w[k] for k in _ticked(ticked)) / sum(w.values())


def checklist_costs(
    scenario: Scenario,
    ticked: Iterable[str] | Mapping[str, bool],
    weights: Mapping[str, float] | None = None,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
    **simulate_kwargs,
) -> pd.DataFrame:
    """For each agreement, whether it is made and what leaving it out costs in mean NPV.

    ``scenario``'s ``goal_clarity`` is replaced by the checklist's. ``cost_if_missing`` is the
    mean NPV with the item made minus without it (paired, common random numbers), so an unticked
    item shows what making it would gain. ``.attrs["goal_clarity"]`` is the checklist's clarity.
    """
    require_scenario(scenario)
    made = _ticked(ticked)
    w = _weights(weights)
    rows = []
    for key, label in CHECKLIST.items():
        with_item = clarity_from_checklist(made | {key}, w)
        without = clarity_from_checklist(made - {key}, w)
        npv = [
            simulate(
                scenario.replace(goal_clarity=k), n_trials=n_trials, seed=seed, **simulate_kwargs
            ).npv.mean()
            for k in (with_item, without)
        ]
        rows.append(
            {
                "item": key,
                "agreement": label,
                "made": key in made,
                "weight": w[key],
                "cost_if_missing": npv[0] - npv[1],
            }
        )
    table = pd.DataFrame(rows).set_index("item")
    table.attrs["goal_clarity"] = clarity_from_checklist(made, w)
    return table

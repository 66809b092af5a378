"""What stating the goals clearly would change (mistake 1): the scenario with its goals agreed in
full (goal clarity 100 %) against as given, in the same futures, and the figures at a few levels
of clarity between none and full."""

from __future__ import annotations

import pandas as pd

from ...model.simulation import simulate
from ..claim_checks import paired_difference
from ..claims import difference
from .base import Run, Section, SectionResult

__all__ = ["LEVELS", "SECTION"]

#: The levels of goal clarity the section's table shows, besides the scenario's own.
LEVELS = (0.0, 0.5, 1.0)


def compute(run: Run) -> SectionResult:
    scenario, n, seed = run.scenario, run.n_trials, run.seed
    out = SectionResult("clarity", "What clear goals are worth")
    if "goal_clarity" in scenario.uncertain:
        out.note = "Goal clarity is given as a range here, so the report does not move it."
        return out
    own = float(scenario.goal_clarity)
    runs = {own: run.result}
    for level in LEVELS:
        if level not in runs:
            runs[level] = simulate(scenario.replace(goal_clarity=level), n_trials=n, seed=seed)
    rows = {level: {**r.summary().to_dict(), "goal_clarity": level} for level, r in sorted(runs.items())}
    out.tables["clarity"] = pd.DataFrame.from_dict(rows, orient="index")
    if own >= 1.0:
        return out
    full, given = runs[1.0], run.result
    evidence = {
        "method": "paired",
        "a": scenario.to_dict(),
        "b": scenario.replace(goal_clarity=1.0).to_dict(),
        "n_trials": n,
        "seed": seed,
    }

    def paired(key: str, stat: str, **detail):
        value, se, levels = paired_difference(
            given.npv, full.npv, stat, seed, given.failure_count > 0, full.failure_count > 0
        )
        unit = "money" if stat in ("mean_npv", "cvar5") else "chance"
        return difference(
            key,
            "goal_clarity",
            value,
            se,
            unit,
            section="clarity",
            evidence={**evidence, "stat": stat},
            to=1.0,
            now=own,
            **levels,
            **detail,
        )

    out.claims += [
        paired(
            "action/clarity", "mean_npv", aim="mean", also=("clarity/tail",), tried="goals agreed in full"
        ),
        paired("clarity/tail", "cvar5"),
        paired("clarity/p_failure", "p_failure"),
    ]
    return out


SECTION = Section("clarity", "What clear goals are worth", 55, compute)

"""What an exit plan is worth: the mean saving and the worst-5 % average at each readiness, the
readiness that pays, and what a plan does and does not change (it acts after a failure, so it
never changes the chance of one)."""

from __future__ import annotations

import numpy as np

from ..claim_checks import paired_difference
from ..claims import difference
from ..exit_strategy import exit_table, readiness_levels, readiness_trials
from .base import Run, Section, SectionResult

__all__ = ["SECTION", "search_trials"]


def search_trials(n_trials: int) -> int:
    """Trials of a search run: an eighth of the report's, at least 2,000 (as the trust policies')."""
    return max(2_000, n_trials // 8)


def compute(run: Run) -> SectionResult:
    scenario, n, seed = run.scenario, run.n_trials, run.seed
    own = (
        float(np.median(run.result.inputs["exit_readiness"]))
        if "exit_readiness" in scenario.uncertain
        else float(scenario.exit_readiness)
    )
    out = SectionResult("exit_plan", "Value of an exit strategy")
    if "exit_readiness" in scenario.uncertain:  # a plan whose completeness is itself uncertain
        out.note = "The exit plan's readiness is given as a range here, so the report does not move it."
        return out
    levels = readiness_levels(own)
    trials = readiness_trials(scenario, levels, n_trials=n, seed=seed)
    table = exit_table(trials, own)
    out.tables["exit"] = table
    search = readiness_trials(scenario, levels, n_trials=search_trials(n), seed=seed + 1)
    best_mean = max(levels, key=lambda r: search[r].summary["mean_npv"])
    best_tail = max(levels, key=lambda r: search[r].summary["cvar5"])

    def paired(key: str, to: float, stat: str, **detail):
        a, b = trials[own], trials[to]
        value, se, levels = paired_difference(a.npv, b.npv, stat, seed, a.failed, b.failed)
        evidence = {
            "method": "paired",
            "a": scenario.to_dict(),
            "b": scenario.replace(exit_readiness=to).to_dict(),
            "n_trials": n,
            "seed": seed,
            "stat": stat,
        }
        unit = "chance" if stat.startswith("p_") else "money"
        return difference(
            key,
            "exit_readiness",
            value,
            se,
            unit,
            section="exit_plan",
            evidence=evidence,
            to=to,
            now=own,
            **levels,
            **detail,
        )

    searched = {"search_trials": search_trials(n), "search_seed": seed + 1, "levels": levels}
    out.claims += [
        paired(
            "action/exit",
            best_mean,
            "mean_npv",
            aim="mean",
            also=("exit/best_cvar",),
            tried="an exit plan",
            **searched,
        ),
        paired("exit/best_cvar", best_mean, "cvar5"),
        paired(
            "action/exit_tail", best_tail, "cvar5", aim="tail", also=("exit/tail_mean",), tried="", **searched
        ),
        paired("exit/tail_p_loss", best_tail, "p_loss"),
        paired("exit/tail_mean", best_tail, "mean_npv"),
    ]
    full = 1.0 if own < 1.0 else 0.0
    out.claims += [
        paired("exit/full_p_failure", full, "p_failure"),
        paired("exit/full_p_loss", full, "p_loss"),
        paired("exit/full_mean", full, "mean_npv"),
        paired("exit/full_cvar", full, "cvar5"),
    ]
    return out


SECTION = Section("exit_plan", "Value of an exit strategy", 50, compute)

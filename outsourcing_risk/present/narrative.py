"""Plain-language conclusions generated from a simulation, for the top of a report.

Each sentence is computed from the result's own numbers (never written by hand), so it says the
same thing as the KPI cards and charts beneath it.
"""

from __future__ import annotations

import numpy as np

from ..model.distributions import Distribution
from ..model.results import SimulationResult
from .formatting import chance_in_words, money, month

__all__ = ["conclusion", "horizon_words", "loss_driver"]


def horizon_words(horizon_months: int) -> str:
    """``5 years`` for 60 months, ``18 months`` otherwise."""
    years, rest = divmod(horizon_months, 12)
    if rest == 0:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{horizon_months} months"


def loss_driver(result: SimulationResult) -> str:
    """What the losing futures have in common: a vendor failure (with or without an exit plan),
    or not. Empty when no future loses money."""
    losing = result.npv < 0
    if not losing.any():
        return ""
    with_failure = float(np.mean(result.switches[losing] > 0))
    readiness = result.scenario.exit_readiness
    no_plan = not isinstance(readiness, Distribution) and readiness == 0
    if with_failure >= 0.6:
        return "mostly when the vendor fails" + (" without an exit plan" if no_plan else "")
    if with_failure <= 0.4:
        return "mostly without any vendor failure: the fee and hidden costs outweigh the savings"
    return "about as often with a vendor failure as without one"


def conclusion(result: SimulationResult) -> str:
    """One or two sentences a manager can act on, e.g. "Outsourcing saves about USD 125k over 5
    years in present value; in 1 future in 6 it loses money, mostly when the vendor fails without
    an exit plan. …"

    Examples
    --------
    >>> from outsourcing_risk import Scenario, simulate
    >>> text = conclusion(simulate(Scenario(), n_trials=2_000, seed=1))
    >>> text.startswith("Outsourcing saves about USD")
    True
    """
    s = result.summary()
    cur = result.scenario.currency
    horizon = result.scenario.horizon_months
    span = horizon_words(horizon)
    mean = s["mean_npv"]
    if mean >= 0:
        first = f"Outsourcing saves about {money(mean, cur, compact=True)} over {span} in present value"
    else:
        first = (
            f"Outsourcing costs about {money(-mean, cur, compact=True)} more than staying in-house "
            f"over {span} in present value"
        )
    if s["p_loss"] == 0:
        first += "; it loses money in none of the simulated futures."
    else:
        driver = loss_driver(result)
        first += f"; in {chance_in_words(s['p_loss'])} it loses money, {driver}."
    worst = s["cvar5"]
    worst_text = (
        f"the worst 5 % of futures lose {money(-worst, cur, compact=True)} on average"
        if worst < 0
        else f"even the worst 5 % of futures save {money(worst, cur, compact=True)} on average"
    )
    be = s["breakeven_month"]
    if np.isnan(be):
        payback = f"the median cumulative saving is still not positive after {horizon} months"
    else:
        payback = f"the median cumulative saving is positive for good from {month(be)} (break-even)"
    return f"{first} {worst_text[0].upper()}{worst_text[1:]}, and {payback}."

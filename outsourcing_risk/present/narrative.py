"""Plain-language conclusions generated from a simulation, for the top of a report.

Each sentence is computed from the result's own numbers (never written by hand), so it says the
same thing as the KPI cards and charts beneath it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .formatting import money

__all__ = ["choice_sentence", "horizon_words"]


def horizon_words(horizon_months: int) -> str:
    """``5 years`` for 60 months, ``18 months`` otherwise."""
    years, rest = divmod(horizon_months, 12)
    if rest == 0:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{horizon_months} months"


def choice_sentence(table: pd.DataFrame, cost: float | None = None) -> str:
    """What interviewing every candidate before choosing is worth, in words (``table`` from
    :func:`~outsourcing_risk.analyses.value_of_information.choice_value`): at the accuracy that
    halves the uncertainty about each vendor's quality, next to its ``cost``."""
    currency = table.attrs.get("currency", "USD")
    levels = table.index.to_numpy(dtype=float)
    half = float(np.interp(0.5, levels, table["value"].to_numpy()))
    error = float(np.interp(0.5, levels, table["se"].to_numpy()))
    now = table.attrs.get("choice_now", "")
    choosing = "keeping the service in-house" if now == "in-house" else f"{now}"
    if not half > 2 * error:
        return (
            f"Choosing now ({choosing}) is as good as choosing after the interviews: an interview that "
            "halves your uncertainty about each candidate would not change the choice."
        )
    text = (
        f"Choosing now, the best on average is {choosing}. Interviews or reference checks that halve your "
        f"uncertainty about each candidate's quality are worth about {money(half, currency)} before "
        "choosing, because they can show which one to pick instead"
    )
    if cost is not None:
        verdict = "less than" if cost < half else "more than"
        text += f"; they cost {money(cost, currency)}, {verdict} they are worth"
    return text + "."

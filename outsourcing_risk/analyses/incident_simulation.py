"""Incident logs simulated from known parameters: to check that fitting recovers them, and to make
the illustrative example log ``data/incident_log_example.csv``.

Each vendor is observed for whole months (of 365.25/12 days) back from the as-of date; in each
month its incidents are Poisson (or negative binomial, over-dispersed) and open at uniformly
random moments; each lasts a draw from the duration distribution and costs a draw from the cost
distribution, independently. An incident not over by the as-of date is still open: its closed
cell is empty, and so is its cost (not final yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..io.incident_log import MONTH_DAYS
from ..model.streams import generator

__all__ = ["EXAMPLE", "example_incident_log", "simulate_incident_log"]


def _counts(rng: np.random.Generator, rate: float, n: int, size: float | None) -> np.ndarray:
    if size is None:
        return rng.poisson(rate, n)
    return rng.negative_binomial(size, size / (size + rate), n)


def _stamp(moments: pd.Series, dates_only: bool) -> pd.Series:
    return moments.dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%dT%H:%M")


def simulate_incident_log(
    rates: Mapping[str, float],
    months: int | Mapping[str, int],
    *,
    as_of: str = "2025-07-01T00:00",
    size: float | None = None,
    durations=None,
    costs=None,
    dates_only: bool = False,
    seed: int = 0,
) -> pd.DataFrame:
    """A log as a table of text cells (``id, vendor, opened, closed[, cost]``), sorted by opening.

    ``rates``: each vendor's mean incidents per month; ``months``: how long each was observed
    (one number or per vendor); ``size``: the negative binomial's r (variance μ + μ²/r; None:
    Poisson); ``durations``, ``costs``: frozen scipy distributions in hours and currency (default
    a lognormal of median 24 h and log-sd 0.8; no costs); ``dates_only``: write days, not times.

    >>> log = simulate_incident_log({"Acme": 2.0}, 12, seed=1)
    >>> list(log.columns), len(log)
    (['id', 'vendor', 'opened', 'closed'], 25)
    """
    rng = generator(seed, "incident_log")
    durations = durations if durations is not None else stats.lognorm(0.8, scale=24.0)
    end = pd.Timestamp(as_of)
    month = pd.Timedelta(days=MONTH_DAYS)
    parts = []
    for vendor, rate in rates.items():
        n = months if isinstance(months, int) else months[vendor]
        per_month = _counts(rng, rate, n, size)
        start = end - n * month
        k = np.repeat(np.arange(n), per_month)
        offset = (k + rng.random(k.size)) * MONTH_DAYS
        opened = (start + pd.to_timedelta(offset, unit="D")).floor("min")
        parts.append(pd.DataFrame({"vendor": vendor, "opened": opened}))
    frame = pd.concat(parts, ignore_index=True).sort_values("opened", kind="stable", ignore_index=True)
    hours = durations.rvs(size=len(frame), random_state=rng)
    closed = frame["opened"] + pd.to_timedelta(hours, unit="h")
    is_open = closed > end
    out = pd.DataFrame(
        {
            "id": [f"INC-{i:04d}" for i in range(1, len(frame) + 1)],
            "vendor": frame["vendor"],
            "opened": _stamp(frame["opened"], dates_only),
            "closed": _stamp(closed.dt.floor("min"), dates_only).where(~is_open, ""),
        }
    )
    if costs is not None:
        amounts = costs.rvs(size=len(frame), random_state=rng)
        out["cost"] = np.where(is_open, "", [f"{a:.2f}" for a in amounts])
    return out


#: The example log's process: three vendors of data/vendors.csv, three years of service reports
#: (two for the third vendor), over-dispersed counts, lognormal lengths, gamma costs.
EXAMPLE: dict[str, Any] = {
    "rates": {"Acme Offshore": 2.0, "Beta Nearshore": 1.2, "Gamma Boutique": 0.8},
    "months": {"Acme Offshore": 36, "Beta Nearshore": 36, "Gamma Boutique": 24},
    "as_of": "2025-07-01T00:00",
    "size": 3.0,
    "durations": ("lognorm", (1.3,), 12.0),
    "costs": ("gamma", (1.5,), 4_000.0),
    "seed": 20250701,
}

#: The example's first lines (comments: no commas, or the table reader would take them for rows).
_HEADER = (
    "# ILLUSTRATIVE incident log: simulated from known parameters; not real data.\n"
    "# Made by outsourcing_risk.analyses.incident_simulation.example_incident_log() (see EXAMPLE there):\n"
    "# three vendors observed 36 / 36 / 24 months to 2025-07-01 with 2.0 / 1.2 / 0.8 incidents a month\n"
    "# (negative binomial of size 3); lengths lognormal (median 12 h; log-sd 1.3); costs gamma (shape 1.5;\n"
    "# scale 4000; mean 6000); seed 20250701. An open incident (closed empty) has no final cost yet.\n"
)


def example_incident_log() -> str:
    """The text of ``data/incident_log_example.csv``: the log :data:`EXAMPLE` describes, with a
    header that says it is illustrative and how it was made."""
    spec = dict(EXAMPLE)
    dur, cost = spec.pop("durations"), spec.pop("costs")
    table = simulate_incident_log(
        durations=getattr(stats, dur[0])(*dur[1], scale=dur[2]),
        costs=getattr(stats, cost[0])(*cost[1], scale=cost[2]),
        **spec,
    )
    return _HEADER + table.to_csv(index=False, lineterminator="\n")

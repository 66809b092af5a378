"""The scenario's incident inputs fitted from an incident log (docs/model.md, "Inputs from an
incident log"): ``incident_rate_max`` from the incidents per vendor-month, ``incident_cost`` from
the costs per incident (or from how long incidents last, times a cost per hour), each with its
standard error and, where the data leave it uncertain, as a distribution the model takes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..io.incident_log import MONTH_DAYS, IncidentLog, IncidentLogError, read_incident_log
from ..model.distributions import LogNormal, Pert
from ..model.rules import monthly_terms
from ..model.scenario import Scenario, ScenarioError
from .fitting import (
    CountFit,
    CountFits,
    FamilyFit,
    Observations,
    band_agreement,
    fit_counts,
    fit_family,
    rank_families,
)

__all__ = [
    "LEVERS",
    "MIN_INCIDENTS",
    "MIN_VENDOR_MONTHS",
    "WIDE",
    "AmountFit",
    "IncidentFit",
    "fit_incident_log",
    "model_value",
]

#: The fewest incidents (and closed incidents for their lengths, costs for their costs) fitted:
#: with fewer, even the simplest estimate of a rate or a mean has a standard error above a third
#: of itself (1/√10 ≈ 0.32), and the candidate families cannot be told apart.
MIN_INCIDENTS = 10
#: The fewest vendor-months whose counts can tell a Poisson from an over-dispersed count.
MIN_VENDOR_MONTHS = 6
#: An estimate whose standard error is at least this share of it is written as a distribution.
WIDE = 0.10
#: The levers in force while the log was kept: they scale the observed rate (docs/model.md).
LEVERS = ("trust", "goal_clarity", "selection_score", "clarity_weight", "selection_weight")
_Z90 = 1.2815515655446004


@dataclass(frozen=True)
class AmountFit:
    """How long incidents lasted (hours) or what they cost: the families ranked by AIC (empty
    when there was too little to fit, ``reason`` says why), how closely the best follows the data,
    and what was left out."""

    what: str
    obs: Observations
    fits: tuple[FamilyFit, ...]
    agreement: float = math.nan
    reason: str = ""
    naive: FamilyFit | None = None  # the best family fitted to the closed incidents alone
    still_open: int = 0  # costs left out: incidents still open (no final cost yet)
    missing: int = 0  # costs left out: closed incidents without a cost
    zeros: int = 0  # incidents that cost nothing

    @property
    def best(self) -> FamilyFit | None:
        return self.fits[0] if self.fits else None

    @property
    def mean(self) -> tuple[float, float]:
        """The mean amount per incident and its standard error, incidents that cost 0 included."""
        best = self.best
        if best is None:
            return math.nan, math.nan
        n = self.obs.n + self.zeros
        share = 1 - self.zeros / n
        mean = share * best.mean
        variance = (share * best.mean_se) ** 2 + best.mean**2 * share * (1 - share) / n
        return mean, math.sqrt(variance)


@dataclass(frozen=True)
class IncidentFit:
    """What an incident log says about the scenario's incident inputs.

    ``columns``: the scenario columns written (``incident_rate_max``, and ``incident_cost`` when
    the log or a cost per hour gives one), as a scenario table takes them. ``estimates``: per
    column, the estimate, its standard error and how it was made. ``window``: per vendor, the
    months observed, incidents and rate. ``frequency``: Poisson and negative binomial fitted to
    the incidents per vendor-month; ``durations`` and ``costs``: the families fitted.
    """

    log: IncidentLog
    vendor: str | None
    levers: dict[str, float]
    factor: float
    window: pd.DataFrame
    window_stated: bool
    frequency: CountFits
    durations: AmountFit
    costs: AmountFit
    cost_per_hour: float | None
    columns: dict[str, object]
    estimates: pd.DataFrame
    currency: str = "USD"

    @property
    def incidents(self) -> pd.DataFrame:
        inc = self.log.incidents
        return inc if self.vendor is None else inc[inc["vendor"] == self.vendor]

    def candidates(self) -> pd.DataFrame:
        """Every family fitted, by quantity: parameters, log-likelihood, AIC, ΔAIC, mean ± se."""
        counts = [
            (f, "" if math.isinf(f.size) else f"size {f.size:.3g}")
            for f in (self.frequency.poisson, self.frequency.negative_binomial)
        ]
        rows: list[tuple[str, CountFit | FamilyFit, str]] = [
            ("incidents per vendor-month", f, w) for f, w in counts
        ]
        rows += [(part.what, f, f.parameters()) for part in (self.durations, self.costs) for f in part.fits]
        table = pd.DataFrame(
            [(q, f.family, words, f.n_params, f.loglik, f.aic, f.mean, f.mean_se) for q, f, words in rows],
            columns=["quantity", "family", "parameters", "n_params", "loglik", "aic", "mean", "mean_se"],
        )
        table["delta_aic"] = table["aic"] - table.groupby("quantity")["aic"].transform("min")
        table["chosen"] = table["delta_aic"] == 0
        return table


def _factor(levers: dict[str, float]) -> float:
    """τ²·q: what the model multiplies ``incident_rate_max`` by at these levers (docs/model.md,
    "Cash flows"; q from :func:`~outsourcing_risk.model.rules.monthly_terms`)."""
    p = Scenario(**levers).to_dict()
    quality = monthly_terms(p, np.array([1.0])).quality
    return levers["trust"] ** 2 * float(quality)


def _levers(given: dict[str, object]) -> dict[str, float]:
    """The levers in force while the log was kept: as given, else the sourced defaults."""
    scenario = Scenario(**{k: v for k, v in given.items() if v is not None})
    values = {k: getattr(scenario, k) for k in LEVERS}
    problems = [
        f"{k} must be a number while the log was kept (got {v})"
        for k, v in values.items()
        if not isinstance(v, float | int)
    ]
    if not problems and values["trust"] == 0:
        problems.append(
            "trust must be above 0 while the log was kept (got 0): at trust 0 the model sees no incidents, so a log says nothing of the rate at full trust"
        )
    if problems:
        raise ScenarioError(problems, "the levers in force during the log")
    return {k: float(v) for k, v in values.items()}


def _months(log: IncidentLog, vendors: list[str], months) -> tuple[dict[str, int], bool]:
    """Months observed per vendor: as stated (one number for all, or per vendor), else the log's
    span from its first incident to the as-of date, rounded up to whole months."""
    if months is None:
        span = (pd.Timestamp(log.as_of) - log.incidents["opened"].min()) / pd.Timedelta(days=MONTH_DAYS)
        return dict.fromkeys(vendors, max(math.ceil(span - 1e-9), 1)), False
    table = dict(months) if isinstance(months, Mapping) else dict.fromkeys(vendors, months)
    missing = [v for v in vendors if v not in table]
    if missing:
        raise IncidentLogError(
            [
                f"months observed are stated for {', '.join(map(repr, table))} but not for {', '.join(map(repr, sorted(missing)))}: state every vendor's months, or none"
            ],
            log.source,
        )
    bad = [
        f"months observed of {v!r} must be a whole number ≥ 1 (got {n!r})"
        for v, n in table.items()
        if isinstance(n, bool) or not float(n).is_integer() or n < 1
    ]
    if bad:
        raise IncidentLogError(bad, log.source)
    return {v: int(table[v]) for v in vendors}, True


def _window(log: IncidentLog, vendors: list[str], months, how: str) -> tuple[pd.DataFrame, np.ndarray, bool]:
    """Per vendor its months and incidents, and every vendor-month's count; a window that does
    not hold all of a vendor's incidents is refused, the first incident outside it named."""
    per_vendor, stated = _months(log, vendors, months)
    end = pd.Timestamp(log.as_of)
    rows, counts = [], []
    for vendor in vendors:
        n = per_vendor[vendor]
        inc = log.incidents[log.incidents["vendor"] == vendor]
        back = (end - inc["opened"]).dt.total_seconds().to_numpy(dtype=float) / (MONTH_DAYS * 86400)
        outside = inc[back > n + 1e-9]
        if len(outside):
            first = outside.sort_values("opened").iloc[0]
            raise IncidentLogError(
                [
                    f"row {first['row']} (id {first['id']!r}): opened {first['opened_as_given']!r} lies before the {n}-month window of vendor {vendor!r} that ends on the as-of date {end:%Y-%m-%d %H:%M} ({how}): a window must hold every incident of its vendor; state a longer one"
                ],
                log.source,
            )
        bins = np.minimum(np.floor(back).astype(int), n - 1)
        counts.append(np.bincount(bins, minlength=n))
        rows.append(
            {
                "vendor": vendor,
                "months": n,
                "start": end - pd.Timedelta(days=MONTH_DAYS * n),
                "incidents": len(inc),
                "rate": len(inc) / n,
                "rate_se": math.sqrt(max(len(inc), 1)) / n,
            }
        )
    return pd.DataFrame(rows), np.concatenate(counts), stated


def _durations(log: IncidentLog, incidents: pd.DataFrame) -> AmountFit:
    """Lengths in hours, open incidents censored at their length so far; the naive fit beside."""
    parts = replace(log, incidents=incidents).durations()
    obs = Observations(exact=parts["exact"], right=parts["right"], low=parts["low"], high=parts["high"])
    if obs.n_known < MIN_INCIDENTS:
        return AmountFit(
            "hours an incident lasts",
            obs,
            (),
            reason=f"only {obs.n_known} closed incidents: at least {MIN_INCIDENTS} are needed to fit their lengths",
        )
    fits = rank_families(obs)
    naive = None
    if obs.right.size:
        naive = fit_family(fits[0].family, Observations(exact=obs.exact, low=obs.low, high=obs.high))
    return AmountFit("hours an incident lasts", obs, fits, band_agreement(fits[0], obs), naive=naive)


def _costs(log: IncidentLog, incidents: pd.DataFrame, currency: str) -> AmountFit:
    """Costs of closed incidents (a cost recorded while an incident is open is not final)."""
    what = f"cost of an incident ({currency})"
    if not log.has_costs:
        return AmountFit(what, Observations(np.empty(0)), (), reason="the log has no cost column")
    closed = incidents["closed"].notna()
    final = closed & incidents["cost"].notna()
    costs = incidents.loc[final, "cost"].to_numpy(dtype=float)
    obs = Observations(exact=costs[costs > 0])
    still_open, missing = int((~closed).sum()), int((closed & incidents["cost"].isna()).sum())
    zeros = int((costs == 0).sum())
    if obs.n < MIN_INCIDENTS:
        reason = f"only {obs.n} closed incidents with a cost above 0: at least {MIN_INCIDENTS} are needed to fit costs"
        return AmountFit(what, obs, (), reason=reason, still_open=still_open, missing=missing, zeros=zeros)
    fits = rank_families(obs)
    agreement = band_agreement(fits[0], obs)
    return AmountFit(what, obs, fits, agreement, still_open=still_open, missing=missing, zeros=zeros)


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def model_value(name: str, estimate: float, se: float) -> float | str:
    """An estimate as the scenario takes it: the number when its standard error is under
    :data:`WIDE` of it; else a lognormal with the estimate as its mean and log-sd
    s = √ln(1 + (se/estimate)²), written ``lognormal(median, p90)``; a PERT (low, mode, high:
    estimate ∓ 3 se, the mode keeping the mean) where the parameter's range refuses the lognormal.

    >>> model_value("incident_cost", 30_000, 1_000), model_value("incident_cost", 30_000, 6_000)
    (30000.0, 'lognormal(29420, 37920)')
    """
    if not se < WIDE * estimate:
        s = math.sqrt(math.log1p((se / estimate) ** 2))
        median = estimate * math.exp(-s * s / 2)
        lognormal = str(LogNormal(_round(median), _round(median * math.exp(_Z90 * s))))
        try:
            Scenario(**{name: lognormal})
            return lognormal
        except ScenarioError:
            low, high = max(0.0, estimate - 3 * se), estimate + 3 * se
            mode = min(max((6 * estimate - low - high) / 4, low), high)
            return str(Pert(_round(low), _round(mode), _round(high)))
    return _round(estimate)


def _estimates(
    frequency: CountFits, factor: float, durations: AmountFit, costs: AmountFit, cost_per_hour: float | None
) -> pd.DataFrame:
    """The columns the scenario takes, each with its estimate, standard error and how."""
    rate = frequency.chosen
    rows = [("incident_rate_max", rate.mean / factor, rate.mean_se / factor, "rate")]
    if costs.best is not None:
        rows.append(("incident_cost", *costs.mean, "costs"))
    elif cost_per_hour is not None and durations.best is not None:
        rows.append(
            (
                "incident_cost",
                durations.best.mean * cost_per_hour,
                durations.best.mean_se * cost_per_hour,
                "hours",
            )
        )
    table = pd.DataFrame(rows, columns=["parameter", "estimate", "se", "from"]).set_index("parameter")
    table["value"] = [
        model_value(n, e, s) for n, e, s in zip(table.index, table["estimate"], table["se"], strict=True)
    ]
    return table


def _subset(log: IncidentLog, vendor: str | None, months) -> tuple[list[str], pd.DataFrame]:
    """The vendors fitted and their incidents; too few incidents are refused in words."""
    names = list(dict.fromkeys(log.incidents["vendor"]))
    if isinstance(months, Mapping) and vendor is None:
        names += [v for v in months if v not in names]  # a vendor observed without an incident
    if vendor is not None:
        if vendor not in names:
            raise IncidentLogError(
                [f"no incident of vendor {vendor!r}: the log names {', '.join(map(repr, names))}"], log.source
            )
        names = [vendor]
    incidents = log.incidents[log.incidents["vendor"].isin(names)]
    if len(incidents) < MIN_INCIDENTS:
        whose = f"of vendor {vendor!r} " if vendor else ""
        raise IncidentLogError(
            [
                f"{len(incidents)} incidents {whose}are too few to fit: at least {MIN_INCIDENTS} are needed, because with fewer even the simplest estimate of a rate or a mean has a standard error above a third of itself (1/√10 ≈ 0.32) and the candidate families cannot be told apart"
            ],
            log.source,
        )
    return names, incidents


def fit_incident_log(
    source,
    *,
    vendor: str | None = None,
    as_of=None,
    months: int | Mapping[str, int] | None = None,
    vendors=None,
    cost_per_hour: float | None = None,
    currency: str = "USD",
    seed: int = 2026,
    resamples: int = 499,
    **levers,
) -> IncidentFit:
    """Fit the scenario's incident inputs to an incident log (a CSV path, a DataFrame or an
    :class:`~outsourcing_risk.io.incident_log.IncidentLog`); docs/model.md, "Inputs from an
    incident log", says how each is estimated.

    ``vendor``: fit one vendor's incidents (default: every vendor's, pooled). ``as_of``: when the
    log was read (default its last date). ``months``: months each vendor was observed, one number
    or per vendor (default: the log's span). ``vendors``: the known vendors (others are refused).
    ``cost_per_hour``: the cost of an hour of an incident, for ``incident_cost`` when the log has
    no costs. ``levers``: ``trust``, ``goal_clarity``, ``selection_score``, ``clarity_weight``,
    ``selection_weight`` in force while the log was kept (default: data/defaults.toml). ``seed``,
    ``resamples``: the goodness-of-fit test's resamples.

    >>> from outsourcing_risk.io.data import data_dir
    >>> fit = fit_incident_log(data_dir() / "incident_log_example.csv", as_of="2025-06-30", months=36, resamples=99)
    >>> fit.columns, fit.frequency.chosen.family
    ({'incident_rate_max': 'lognormal(1.947, 2.286)', 'incident_cost': 6574.0}, 'negative binomial')
    """
    _check_settings(levers, cost_per_hour, currency)
    log = _read(source, vendors, as_of)
    if cost_per_hour is not None and log.has_costs:
        rule = "leave out the cost per hour (it is for a log without costs)"
        raise IncidentLogError([f"it has a cost column, whose costs are fitted: {rule}"], log.source)
    chosen = _levers(levers)
    names, incidents = _subset(log, vendor, months)
    how = "as stated" if months is not None else "taken from the log's span"
    window, counts, stated = _window(log, names, months, how)
    if counts.size < MIN_VENDOR_MONTHS:
        need = f"at least {MIN_VENDOR_MONTHS} are needed to tell a Poisson count from an over-dispersed one"
        raise IncidentLogError([f"{counts.size} vendor-months are too few to fit: {need}"], log.source)
    frequency = fit_counts(counts, seed=seed, n_resamples=resamples)
    durations, costs = _durations(log, incidents), _costs(log, incidents, currency)
    factor = _factor(chosen)
    estimates = _estimates(frequency, factor, durations, costs, cost_per_hour)
    columns = dict(estimates["value"])
    Scenario(**columns, currency=currency)  # the row the report command reads: refused here in words
    return IncidentFit(
        log,
        vendor,
        chosen,
        factor,
        window,
        stated,
        frequency,
        durations,
        costs,
        cost_per_hour,
        columns,
        estimates,
        currency,
    )


def _read(source, vendors, as_of) -> IncidentLog:
    """The log, read and checked unless it already was (then with its own as-of and vendors)."""
    if not isinstance(source, IncidentLog):
        return read_incident_log(source, vendors=vendors, as_of=as_of)
    if as_of is not None or vendors is not None:
        raise TypeError("as_of and vendors are read with the log: give them to read_incident_log, not here")
    return source


def _check_settings(levers: dict, cost_per_hour, currency: str) -> None:
    """The fit's own settings, refused before the log is read."""
    unknown = sorted(set(levers) - set(LEVERS))
    if unknown:
        raise TypeError(f"fit_incident_log() got an unexpected keyword argument {unknown[0]!r}")
    if cost_per_hour is not None and not (
        isinstance(cost_per_hour, int | float) and 0 < cost_per_hour < math.inf
    ):
        raise ScenarioError(
            [f"the cost per hour must be a positive amount (got {cost_per_hour!r})"], "the fit's settings"
        )
    Scenario(currency=currency)  # a currency the model takes

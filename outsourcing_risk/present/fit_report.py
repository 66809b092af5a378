"""An incident log's fits for people: each fit against its data in a chart, a sentence on how well
it fits and on how much data, and the scenario row the fits give (docs/model.md, "Inputs from an
incident log").

The sentences only render what :class:`~outsourcing_risk.analyses.incident_fit.IncidentFit`
holds; vendor names in charts are escaped (:func:`~outsourcing_risk.present.plots.label`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..analyses.fitting import FamilyFit, survival_curve
from ..analyses.incident_fit import WIDE, AmountFit, IncidentFit
from .formatting import money, money_axis, percent, percent_axis
from .palette import ACCENT, GAIN, GOOD, MUTED, PURPLE
from .plots import _band, _figure, label

__all__ = [
    "amount_chart",
    "candidates_table",
    "cost_sentence",
    "duration_sentence",
    "fit_sentences",
    "frequency_chart",
    "frequency_sentence",
    "inputs_sentence",
    "scenario_row",
    "scenario_table",
    "window_sentence",
]

_OTHER_COLOURS = (GOOD, PURPLE, MUTED)


def _whose(fit: IncidentFit) -> str:
    return f"vendor {fit.vendor}" if fit.vendor else f"{len(fit.window)} vendors pooled"


def frequency_chart(fit: IncidentFit) -> go.Figure:
    """Incidents per vendor-month: the share of months with each count (bars) beside what the
    Poisson and the negative binomial fits expect."""
    counts = fit.frequency.counts
    k = np.arange(int(counts.max()) + 2)
    fig = _figure(
        f"Incidents per vendor-month: {label(_whose(fit))}",
        f"Bars: the share of the {counts.size} vendor-months with that many incidents; lines: what each fit expects.",
    )
    observed = np.bincount(counts, minlength=k.size) / counts.size
    fig.add_trace(
        go.Bar(
            x=k,
            y=observed,
            name="observed",
            marker_color=GAIN,
            opacity=0.55,
            hovertemplate="%{x} incidents: %{y:.1%} of months<extra></extra>",
        )
    )
    chosen = fit.frequency.chosen.family
    for family, colour in ((fit.frequency.poisson, ACCENT), (fit.frequency.negative_binomial, GOOD)):
        best = family.family == chosen
        fig.add_trace(
            go.Scatter(
                x=k,
                y=family.pmf(k),
                mode="lines+markers",
                name=f"{family.family}{' (chosen)' if best else ''}",
                line=dict(color=colour, width=3 if best else 1.5, dash=None if best else "dot"),
                hovertemplate=f"{family.family}: " + "%{y:.1%}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis=dict(title="Incidents in a vendor-month", dtick=1),
        yaxis=percent_axis(title="Share of vendor-months", rangemode="tozero"),
        legend=_LEGEND_BELOW,
        height=460,
        margin=dict(b=140),
    )
    return fig


def _fitted_curves(fig: go.Figure, part: AmountFit, x: np.ndarray) -> None:
    for i, fam in enumerate(part.fits):
        best = i == 0
        fig.add_trace(
            go.Scatter(
                x=x,
                y=fam.frozen().sf(x),
                mode="lines",
                name=f"{fam.family}{' (best)' if best else ''}",
                line=dict(
                    color=ACCENT if best else _OTHER_COLOURS[(i - 1) % 3],
                    width=3 if best else 1.5,
                    dash=None if best else "dot",
                ),
                hovertemplate=f"{fam.family}: " + "%{y:.1%}<extra></extra>",
            )
        )


#: Lengths a reader knows, for the hours axis (log scale): hours, days, weeks, a month.
_HOUR_TICKS = (
    (1 / 60, "1 min"),
    (0.25, "15 min"),
    (1, "1 h"),
    (4, "4 h"),
    (24, "1 day"),
    (72, "3 days"),
    (168, "1 week"),
    (720, "30 days"),
    (2160, "90 days"),
    (8766, "1 year"),
)
_LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0)


def _hours_axis(low: float, high: float) -> dict:
    ticks = [(v, t) for v, t in _HOUR_TICKS if low / 2 <= v <= high * 2]
    return dict(
        title="How long an incident lasted (log scale)",
        type="log",
        tickvals=[v for v, _ in ticks],
        ticktext=[t for _, t in ticks],
    )


def _steps(x: np.ndarray, y: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """A step curve as a line: each value held from its step to the next (the last up to ``end``)."""
    right = np.append(x[1:], max(end, x[-1]))
    return np.column_stack([x, right]).ravel(), np.repeat(y, 2)


def amount_chart(fit: IncidentFit, what: str = "durations") -> go.Figure:
    """How long incidents last (``"durations"``) or what they cost (``"costs"``): the share above
    each amount as the data say it (Kaplan–Meier, which counts an open incident as lasting at
    least as long as it has been open, with its 95 % band) and as each fitted family says it."""
    part = fit.durations if what == "durations" else fit.costs
    if part.best is None:
        raise ValueError(f"no {what} were fitted: {part.reason}")
    x, share, low, high = survival_curve(part.obs)
    end = float(part.obs.right.max(initial=x[-1]))
    durations = what == "durations"
    still = part.obs.right.size
    fig = _figure(
        f"{'How long incidents last' if durations else 'What an incident costs'}: {label(_whose(fit))}",
        f"The share of the {part.obs.n} incidents above each {'length' if durations else 'cost'}: the data "
        "(step line, 95 % band) and each fitted family (curves)"
        + (
            f".<br>Still open: {still}, each counted as lasting at least as long as so far." if still else "."
        ),
    )
    band_x, band_low = _steps(x, np.nan_to_num(low, nan=0.0), end)
    _band(
        fig, band_x, band_low, _steps(x, np.nan_to_num(high, nan=1.0), end)[1], "95 % band of the data", 0.18
    )
    line_x, line_y = _steps(x, share, end)
    name = "data (Kaplan–Meier)" if still else "data"
    fig.add_trace(
        go.Scatter(
            x=line_x, y=line_y, mode="lines", line=dict(color=GAIN, width=2.5), name=name, hoverinfo="skip"
        )
    )
    grid = np.geomspace(max(x.min(), 1e-3), end, 200) if durations else np.linspace(0, end, 200)
    _fitted_curves(fig, part, grid)
    axis = (
        _hours_axis(x.min(), end)
        if durations
        else money_axis(fit.currency, title=f"Cost of an incident ({fit.currency})", rangemode="tozero")
    )
    fig.update_layout(
        xaxis=axis,
        yaxis=percent_axis(title="Share of incidents above", range=[0, 1.02]),
        legend=_LEGEND_BELOW,
        height=480,
        margin=dict(b=150),
    )
    return fig


def _quality(agreement: float, steps: str) -> str:
    share = percent(agreement, 0)
    if agreement >= 0.95:
        return f"it follows the data closely (inside the data's 95 % band at {share} of its {steps})"
    if agreement >= 0.8:
        return f"it follows the data roughly (inside the data's 95 % band at only {share} of its {steps})"
    return f"it departs from the data (inside the data's 95 % band at only {share} of its {steps}): treat its mean with care"


def _runner_up(fits: tuple[FamilyFit, ...], unit) -> str:
    if len(fits) < 2:
        return ""
    gap = fits[1].aic - fits[0].aic
    if gap < 2:
        return f"; {fits[1].family} fits about as well (AIC {gap:.1f} higher), so the family is not settled, with means {unit(fits[0].mean)} and {unit(fits[1].mean)}"
    return f", ahead of {fits[1].family} by {gap:.1f} in AIC"


def window_sentence(fit: IncidentFit) -> str:
    """Over which months the incidents were counted, and whether that was stated or assumed."""
    months = fit.window["months"]
    span = (
        f"{int(months.iloc[0])} months"
        if (months == months.iloc[0]).all()
        else "; ".join(f"{v}: {m} months" for v, m in zip(fit.window["vendor"], months, strict=True))
    )
    end = f"{fit.log.as_of:%Y-%m-%d %H:%M}" + ("" if fit.log.as_of_given else " (the log's last date)")
    if fit.window_stated:
        return f"Each vendor's months as stated ({span}), ending on the as-of date {end}."
    return (
        f"Every vendor is taken as observed over the log's span, {span} from its first incident to the as-of date {end}: "
        "a vendor that served for less has its rate understated, and a log that began before its first incident has every rate overstated; state the months when you know them."
    )


def frequency_sentence(fit: IncidentFit) -> str:
    """How often incidents came, which count family fits and how well."""
    freq = fit.frequency
    chosen, total = freq.chosen, int(freq.counts.sum())
    gap = abs(freq.poisson.aic - freq.negative_binomial.aic)
    if chosen.family == "Poisson":
        shape = f"a Poisson count fits (the negative binomial gains nothing: its AIC is {gap:.1f} higher)"
    else:
        shape = (
            f"the counts are over-dispersed, more varied from month to month than a Poisson count allows (negative binomial of size {chosen.size:.2g}, AIC {gap:.1f} below the Poisson's): "
            f"{'vendors or months' if fit.vendor is None else 'months'} differ. The model's incidents are Poisson given the rate, so only the mean rate is carried over"
        )
    verdict = (
        "consistent with the data"
        if freq.gof_p >= 0.05
        else "a poor fit all the same: its mean still holds, its spread does not"
    )
    return (
        f"{total} incidents in {freq.counts.size} vendor-months ({_whose(fit)}): {chosen.mean:.3g} ± {chosen.mean_se:.2g} a month; "
        f"{shape}. A goodness-of-fit test ({freq.gof_resamples} resamples) gives p = {freq.gof_p:.2f}: {verdict}."
    )


def _amount(part: AmountFit, unit) -> str:
    best = part.best
    assert best is not None
    return (
        f"{best.family} ({best.parameters(unit)}) fits best{_runner_up(part.fits, unit)}; "
        f"{_quality(part.agreement, 'steps')}. Mean {unit(best.mean)} ± {unit(best.mean_se)}"
    )


def _hours(h: float) -> str:
    """Hours to three significant digits, whole hours from 100 on: ``8.25 h``, ``1,087 h``."""
    return f"{h:,.0f} h" if abs(h) >= 100 else f"{h:.3g} h"


def duration_sentence(fit: IncidentFit) -> str:
    """How long incidents lasted, with the open ones censored, and what dropping them would say."""
    part = fit.durations
    known = f"{part.obs.n_known} closed" + (
        f" and {part.obs.right.size} still open" if part.obs.right.size else ""
    )
    if part.best is None:
        return f"Lengths: not fitted, {part.reason}."
    day = (
        " (the log gives days: each length is known to within a day either side)"
        if fit.log.dates_only
        else ""
    )
    text = f"Lengths of {known} incidents{day}: {_amount(part, _hours)}."
    if part.naive is not None:
        drop = 1 - part.naive.mean / part.best.mean
        if drop >= 0.01:
            text += (
                f" Dropping the open incidents would say {_hours(part.naive.mean)}, {percent(drop, 0)} shorter: "
                "the long incidents are the ones still open, so a fit without them is biased short."
            )
        else:
            text += f" Dropping the open incidents would change little here ({_hours(part.naive.mean)})."
    return text


def cost_sentence(fit: IncidentFit) -> str:
    """What incidents cost, by the families fitted to the closed incidents' costs."""
    part = fit.costs
    if part.best is None:
        return f"Costs: not fitted, {part.reason}."
    notes = []
    if part.zeros:
        notes.append(f"{part.zeros} that cost nothing count in the mean")
    if part.still_open:
        notes.append(f"{part.still_open} still open, with no final cost yet, left out")
    if part.missing:
        notes.append(f"{part.missing} closed without a cost left out")
    extra = f" ({'; '.join(notes)})" if notes else ""
    return f"Costs of {part.obs.n + part.zeros} closed incidents{extra}: {_amount(part, lambda c: money(c, fit.currency))}."


def _written(fit: IncidentFit, name: str) -> str:
    """``name = value`` as written in the row, and why a distribution where it is one."""
    row = fit.estimates.loc[name]
    value = row["value"]
    show = (lambda v: money(v, fit.currency)) if name == "incident_cost" else (lambda v: f"{v:.4g}")
    if isinstance(value, float):
        return f"{name} = {show(value)}"
    return (
        f"{name} = {value}, a distribution whose mean is the estimate {show(row['estimate'])}: its standard "
        f"error ({show(row['se'])}) is {percent(row['se'] / row['estimate'], 0)} of it, at least {percent(WIDE, 0)}"
    )


def inputs_sentence(fit: IncidentFit) -> str:
    """What was written for the model and why: the rate at full trust, and the cost."""
    lv = fit.levers
    rate = fit.estimates.loc["incident_rate_max"]
    text = (
        f"The model's incident_rate_max is the rate at full trust with clear goals and a well-chosen vendor: the observed {rate['estimate'] * fit.factor:.3g} a month "
        f"divided by τ²·q = {fit.factor:.3g} (trust {lv['trust']:g}, goal clarity {lv['goal_clarity']:g}, selection score {lv['selection_score']:g}, "
        f"weights {lv['clarity_weight']:g} and {lv['selection_weight']:g}, as in force while the log was kept): {_written(fit, 'incident_rate_max')}."
    )
    if "incident_cost" in fit.estimates.index:
        source = fit.estimates.loc["incident_cost", "from"]
        how = (
            "the mean cost per incident"
            if source == "costs"
            else f"the mean length of an incident times {money(fit.cost_per_hour, fit.currency)} an hour"
        )
        text += f" incident_cost is {how}: {_written(fit, 'incident_cost')}."
    elif fit.log.has_costs:
        text += " incident_cost is not written: too few costs to fit (the scenario keeps its own)."
    else:
        text += " incident_cost is not written: the log has no costs and no cost per hour was given (the scenario keeps its own)."
    return text


def fit_sentences(fit: IncidentFit) -> list[str]:
    """Every sentence, in reading order: the window, frequency, lengths, costs, the inputs."""
    return [
        window_sentence(fit),
        frequency_sentence(fit),
        duration_sentence(fit),
        cost_sentence(fit),
        inputs_sentence(fit),
    ]


def scenario_row(fit: IncidentFit, name: str | None = None) -> dict[str, object]:
    """The scenario table's row: a name, notes saying where the numbers come from, the fitted
    columns and the currency (``outsourcing-risk report`` reads it as it is)."""
    where = fit.log.source.rsplit("/", 1)[-1]
    chosen = fit.frequency.chosen.family
    parts = [
        f"{int(fit.frequency.counts.sum())} incidents in {fit.frequency.counts.size} vendor-months ({chosen})"
    ]
    for part in (fit.durations, fit.costs):
        if part.best is not None:
            parts.append(f"{part.what}: {part.best.family}")
    notes = f"Fitted from {where} as of {fit.log.as_of:%Y-%m-%d}: " + "; ".join(parts) + "."
    return {
        "name": name or (fit.vendor or f"Fitted from {where}"),
        "notes": notes,
        **fit.columns,
        "currency": fit.currency,
    }


def scenario_table(fit: IncidentFit, name: str | None = None) -> pd.DataFrame:
    """The scenario row as a one-row table, as a scenario CSV holds it."""
    return pd.DataFrame([scenario_row(fit, name)])


def candidates_table(fit: IncidentFit) -> pd.DataFrame:
    """Every candidate fit, rounded for reading: quantity, family, parameters, AIC, ΔAIC, mean ± se."""
    table = fit.candidates()
    for column in ("loglik", "aic", "delta_aic"):
        table[column] = table[column].round(2)
    for column in ("mean", "mean_se"):
        table[column] = [float(f"{v:.5g}") for v in table[column]]
    return table

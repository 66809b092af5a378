"""Charts: each function takes a result or an analysis table and returns a plotly Figure.

All charts share one template, title their axes with units and format money in the scenario's
currency. Text that came from users (scenario and vendor names) is passed to plotly as data,
which plotly renders as text, never as HTML markup.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..model.parameters import spec
from ..model.results import FAN_QUANTILES, SimulationResult, breakeven
from .formatting import money, money_axis, month, param_label, percent, percent_axis, wrap
from .kpis import KPI_LABELS
from .palette import ACCENT, GAIN, GOOD, GRID, INK, LINE, LOSS, MUTED, NOTE, PURPLE, band

__all__ = [
    "book_npv_chart",
    "checklist_chart",
    "convergence_chart",
    "exceedance_chart",
    "exit_strategy_chart",
    "fan_chart",
    "grid_heatmap",
    "information_chart",
    "interview_chart",
    "kpi_comparison_chart",
    "npv_histogram",
    "sobol_chart",
    "stress_chart",
    "tornado_chart",
    "trust_curve_chart",
    "trust_path_chart",
    "vendor_chart",
    "vendor_share_chart",
]


def label(text) -> str:
    """User text (scenario and vendor names) for a plotly title or label.

    plotly reads a subset of HTML in text (<b>, <br>, <a href>…); escaping makes it show the
    characters as typed and keeps markup in a name from turning into markup in a chart.
    """
    return html.escape(str(text), quote=False)


def currency_prefix(code: str) -> str:
    """Money prefix in hover text, written as :func:`outsourcing_risk.present.formatting.money` does."""
    return money_axis(code)["tickprefix"]


_AXIS = {"gridcolor": GRID, "zerolinecolor": LINE, "linecolor": LINE}


def _chance(p: float) -> str:
    """A chance in a title by the words' rule (never 0 % or 100 % unless it is)."""
    from .wording import chance

    return chance(p, 1) if 0 < p < 1 else percent(p)


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font=dict(family="DejaVu Sans, Arial, sans-serif", size=13, color=INK),
            paper_bgcolor="white",
            plot_bgcolor="white",
            colorway=[GAIN, ACCENT, GOOD, PURPLE, LOSS, MUTED],
            # automargin: long tick labels and titles push the plot in rather than being cut off.
            # So no label can pass the chart's edge, and plotly need not measure every label on
            # every redraw to hide those that would (a fifth of a live chart's redraw).
            xaxis=dict(_AXIS, automargin=True, ticklabeloverflow="allow"),
            yaxis=dict(_AXIS, automargin=True, ticklabeloverflow="allow"),
            margin=dict(l=70, r=30, t=70, b=60),
            hoverlabel=dict(font_size=12),
            legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        )
    )


def _figure(title: str, subtitle: str = "", **kwargs) -> go.Figure:
    fig = go.Figure(**kwargs)
    _titled(fig, title, subtitle)
    return fig


def _titled(fig: go.Figure, title: str, subtitle: str = "") -> None:
    """The shared template, a title and an optional smaller line under it (how to read the chart)."""
    fig.update_layout(
        template=_template(),
        title=dict(text=title, subtitle=dict(text=subtitle, font=dict(size=12, color=NOTE)), x=0.01),
        margin=dict(t=110 if subtitle else 80),
    )


def _line(
    x,
    y,
    name: str,
    hover: str,
    color: str = GAIN,
    dash: str | None = None,
    width: float = 2.5,
    markers: bool = False,
) -> go.Scatter:
    """A named line, with markers if asked, and its hover text: most charts' main trace."""
    return go.Scatter(
        x=x,
        y=y,
        mode="lines+markers" if markers else "lines",
        name=name,
        line=dict(color=color, dash=dash, width=width),
        hovertemplate=hover,
    )


def _diamonds(x, y, name: str, hover: str) -> go.Scatter:
    """Red diamond markers: the risk figure (CVaR, P(loss)) beside a bar chart."""
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        name=name,
        marker=dict(color=LOSS, size=12, symbol="diamond"),
        hovertemplate=hover,
    )


def _band(fig: go.Figure, x, low, high, name: str, alpha: float) -> None:
    """A shaded band between two curves: one closed shape, along the upper curve and back along
    the lower one (one trace: a live chart redraws it faster than an edge and a fill to it)."""
    x, low, high = (np.asarray(v, dtype=float) for v in (x, low, high))
    fig.add_trace(
        go.Scatter(
            x=band_outline(x, x),
            y=band_outline(high, low),
            mode="lines",
            line=dict(width=0),
            fill="toself",
            fillcolor=band(alpha),
            name=name,
            hoverinfo="skip",
        )
    )


def band_outline(upper, lower) -> np.ndarray:
    """The outline of a band: ``upper`` in order, then ``lower`` backwards."""
    return np.concatenate([np.asarray(upper, dtype=float), np.asarray(lower, dtype=float)[::-1]])


def _money_hover(currency: str, field: str = "y") -> str:
    return currency_prefix(currency) + "%{" + field + ":,.0f}"


def histogram_data(result: SimulationResult, bins: int = 60) -> dict[str, Any]:
    """Bin centres, widths and counts of the NPV, split at zero into losses and savings.

    Pre-binned bars keep exported reports small (no per-trial data) and let live widgets update
    in place with the same numbers the static chart shows.
    """
    lo, hi = float(result.npv.min()), float(result.npv.max())
    width = (hi - lo) / bins or 1.0
    # Zero is a bin edge, so the red bars hold exactly the losing trials.
    edges = width * np.arange(np.floor(lo / width), np.ceil(hi / width) + 1)
    if edges.size < 2:
        edges = np.array([lo - 0.5, lo + 0.5])
    counts, edges = np.histogram(result.npv, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    loss = centres < 0
    return {
        "loss_x": centres[loss],
        "loss_y": counts[loss],
        "gain_x": centres[~loss],
        "gain_y": counts[~loss],
        "width": float(edges[1] - edges[0]),
    }


#: The fan chart's bands (lower and upper quantile, trace name, opacity) and lines (column, trace
#: name); the live widgets find the traces by these names.
FAN_BANDS = (("p5", "p95", "90 % of futures", 0.18), ("p25", "p75", "50 % of futures", 0.35))
FAN_LINES = (("p50", "median"), ("mean", "mean"))
#: The name of the fan's break-even line and of its label.
BREAKEVEN_MARK = "breakeven"
#: The NPV distribution's bars: trace name and key of :func:`histogram_data`.
HISTOGRAM_BARS = (("loss (NPV < 0)", "loss"), ("saving (NPV ≥ 0)", "gain"))

#: The vertical marks of the NPV distribution: summary key (also the mark's name), label, line
#: style, label position and its row from the top (the percentiles' labels a row under the
#: mean's, in the headroom left above the bars, so that no label sits on a bar or on another).
HISTOGRAM_MARKS = (
    ("mean_npv", "mean", "solid", "top right", 0),
    ("p5", "5th pct", "dot", "top right", 1),
    ("p95", "95th pct", "dot", "top left", 1),
)
#: The room above the tallest bar, as a share of it, that the marks' labels sit in.
HISTOGRAM_HEADROOM = 0.3


def npv_histogram(result: SimulationResult, bins: int = 60) -> go.Figure:
    """Distribution of NPV: losses shaded red, with the chance of a loss, the mean and P5/P95 marked."""
    s, cur = result.summary(), result.scenario.currency
    data = histogram_data(result, bins)
    fig = _figure(npv_title(result, s), "Each bar counts simulated futures; red ones lose money.")
    for (name, key), color in zip(HISTOGRAM_BARS, (LOSS, GAIN), strict=True):
        fig.add_trace(
            go.Bar(
                x=data[f"{key}_x"],
                y=data[f"{key}_y"],
                width=data["width"],
                name=name,
                marker_color=color,
                hovertemplate="around " + _money_hover(cur, "x") + ": %{y} futures<extra></extra>",
            )
        )
    for key, mark, dash, where, row in HISTOGRAM_MARKS:
        fig.add_vline(
            x=s[key],
            line=dict(color=INK, dash=dash, width=1),
            name=key,
            annotation_name=key,
            annotation_text=mark,
            annotation_position=where,
            annotation_yshift=-17 * row,
        )
    tallest = max([*data["loss_y"], *data["gain_y"], 1])
    fig.update_layout(
        bargap=0.02,
        xaxis=money_axis(cur, title=f"Present value of savings against staying in-house ({cur})"),
        yaxis=dict(title="Simulated futures", range=[0, tallest * (1 + HISTOGRAM_HEADROOM)]),
    )
    return fig


def npv_title(result: SimulationResult, summary: pd.Series | None = None) -> str:
    summary = result.summary() if summary is None else summary
    return f"Present value of savings — {label(result.scenario.name)}: chance of a loss {percent(summary['p_loss'])}"


def exceedance_chart(result: SimulationResult, appetite=None) -> go.Figure:
    """Exceedance curve: the chance that the NPV of savings is at least x. With ``appetite`` (a
    :class:`~outsourcing_risk.analyses.appetite.RiskAppetite`), the reader's limits drawn as a
    tolerance: the chance of saving at least 0 that the limit on a loss asks for, and the worst-5 %
    average it accepts."""
    npv = np.sort(result.npv)
    prob = 1.0 - np.arange(npv.size) / npv.size
    step = max(1, npv.size // 2000)  # a smooth curve without shipping every trial
    cur = result.scenario.currency
    fig = _figure(
        f"Chance of saving at least a given amount — {label(result.scenario.name)}",
        "Read across: the chance that the present value of savings is at least the amount below.",
    )
    fig.add_trace(
        _line(
            npv[::step],
            prob[::step],
            "chance of saving at least x",
            "chance of saving at least " + _money_hover(cur, "x") + ": %{y:.1%}<extra></extra>",
            width=2,
        )
    )
    fig.add_vline(
        x=0, line=dict(color=LOSS, dash="dash"), annotation_text="NPV = 0", annotation_position="top right"
    )
    if appetite is not None and appetite.p_loss is not None:
        need = 1 - appetite.p_loss
        fig.add_trace(
            _line(
                [npv[0], 0.0],
                [need, need],
                "your risk appetite",
                f"your risk appetite: a saving in at least {percent(need, 0)} of futures<extra></extra>",
                width=1.5,
                dash="dot",
                color=INK,
            )
        )
        fig.add_annotation(
            x=0,
            y=need,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            text=f"your appetite: saving in ≥ {percent(need, 0)} of futures",
            font=dict(size=11, color=INK),
        )
    if appetite is not None and appetite.worst5 is not None:
        fig.add_vline(
            x=appetite.worst5,
            line=dict(color=INK, dash="dot"),
            annotation_text="your limit on the worst-5 % average",
            annotation_position="bottom right",
        )
    fig.update_layout(
        xaxis=money_axis(cur, title=f"Present value of savings ({cur})"),
        yaxis=percent_axis(title="Chance", range=[0, 1.02]),
        showlegend=False,
    )
    return fig


def fan_data(result: SimulationResult, threads: int = 1) -> pd.DataFrame:
    """The quantile paths the fan chart draws (P5, P25, P50, P75, P95 and the mean)."""
    return result.quantile_paths(FAN_QUANTILES, threads=threads)


def breakeven_of_fan(q: pd.DataFrame) -> float:
    """The break-even month the fan chart marks: where its median line turns positive for good."""
    return breakeven(q["p50"].to_numpy()[1:])


def breakeven_text(m: float, horizon: int) -> str:
    """The fan's break-even label, on two short lines: it fits beside the line on a phone."""
    return f"no break-even<br>within {horizon} months" if math.isnan(m) else f"break-even:<br>{month(m)}"


def fan_chart(result: SimulationResult) -> go.Figure:
    """Cumulative savings by month: P5–P95 and P25–P75 bands, median and mean, break-even marked."""
    q = fan_data(result)
    cur = result.scenario.currency
    months = q.index.to_numpy()
    fig = _figure(
        f"Cumulative savings by month — {label(result.scenario.name)}",
        "Bands hold 50 % and 90 % of simulated futures; the dotted line marks where the median turns "
        "positive for good.",
    )
    for lo, hi, name, alpha in FAN_BANDS:
        _band(fig, months, q[lo], q[hi], name, alpha)
    fig.add_trace(
        _line(months, q["p50"], FAN_LINES[0][1], "month %{x}: " + _money_hover(cur) + "<extra>median</extra>")
    )
    fig.add_trace(
        _line(
            months,
            q["mean"],
            FAN_LINES[1][1],
            "month %{x}: " + _money_hover(cur) + "<extra>mean</extra>",
            ACCENT,
            "dash",
            2,
        )
    )
    fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    be = breakeven_of_fan(q)
    fig.add_vline(
        x=months[-1] if math.isnan(be) else be,
        line=dict(color=INK, dash="dot", width=1.5),
        visible=not math.isnan(be),
        name=BREAKEVEN_MARK,
        annotation_name=BREAKEVEN_MARK,
        annotation_text=breakeven_text(be, result.scenario.horizon_months),
        # the label reads towards the room it has (to the left it would run into the amounts)
        annotation_position="top right" if math.isnan(be) or be <= 0.6 * months[-1] else "top left",
    )
    fig.update_layout(
        xaxis=dict(title="Month", range=[0, result.scenario.horizon_months]),  # never widened by a label
        yaxis=money_axis(cur, title=f"Cumulative savings ({cur}, not discounted)"),
    )
    return fig


def trust_path_chart(quantiles: pd.DataFrame, title: str, subtitle: str = "") -> go.Figure:
    """Trust by month (:func:`~outsourcing_risk.analyses.trust_policy.trust_quantiles`): the band
    of the middle 80 % of futures with a vendor that month, and the median."""
    months = quantiles.index.to_numpy()
    fig = _figure(
        title,
        subtitle
        or "The band holds 80 % of the futures that have a vendor that month; the line is the median.",
    )
    _band(fig, months, quantiles["p10"], quantiles["p90"], "80 % of futures", 0.25)
    fig.add_trace(
        _line(months, quantiles["p50"], "median", "month %{x}: trust %{y:.0%}<extra>median</extra>")
    )
    fig.update_layout(
        xaxis=dict(title="Month", range=[1, int(months[-1])]),
        yaxis=percent_axis(title="Trust in the vendor", range=[0, 1.02]),
    )
    return fig


def information_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """What learning each uncertain input before signing is worth (EVPPI), with two standard
    errors, and the value of learning everything (EVPI) as a line."""
    rows = table.drop(index="all")[::-1]
    labels = [
        QUALITY_LABEL if n == "vendor_quality" else param_label(n, currency, unit=False) for n in rows.index
    ]
    fig = _figure(
        "What learning each input before signing is worth",
        "The value of deciding once the input is known; the bar's whisker is two standard errors.",
    )
    fig.add_trace(
        go.Bar(
            x=rows["value"],
            y=labels,
            orientation="h",
            name="worth learning",
            marker_color=GAIN,
            error_x=dict(type="data", array=2 * rows["se"], color=MUTED),
            hovertemplate="%{y}: " + _money_hover(currency, "x") + "<extra></extra>",
        )
    )
    evpi = float(table["value"].iloc[0])  # the row "all" comes first
    fig.add_vline(
        x=evpi,
        line=dict(color=ACCENT, dash="dash", width=2),
        annotation_text=f"everything: {money(evpi, currency)}",
        annotation_position="top",
    )
    fig.update_layout(
        xaxis=money_axis(
            currency, title=f"Expected value of the information ({currency})", rangemode="tozero"
        ),
        showlegend=False,
        height=max(320, 140 + 40 * len(rows)),
    )
    return fig


#: How a reader names the first vendor's own quality among the inputs.
QUALITY_LABEL = "The vendor's own quality"


def interview_chart(
    table: pd.DataFrame,
    currency: str = "USD",
    cost: float | None = None,
    title: str = "What an interview about the vendor's quality is worth",
) -> go.Figure:
    """The value of an interview (EVSI) by its accuracy, with two standard errors, and its cost."""
    x = table.index.to_numpy(dtype=float)
    fig = _figure(
        title,
        "Accuracy: the share of the uncertainty about the vendor's quality it removes (0.5 halves it).",
    )
    _band(
        fig, x, table["value"] - 2 * table["se"], table["value"] + 2 * table["se"], "± 2 standard errors", 0.2
    )
    fig.add_trace(
        _line(
            x,
            table["value"],
            "worth of the interview",
            "accuracy %{x:.0%}: " + _money_hover(currency) + "<extra></extra>",
            markers=True,
        )
    )
    if cost is not None:
        fig.add_hline(
            y=cost,
            line=dict(color=LOSS, dash="dot", width=2),
            annotation_text=f"its cost: {money(cost, currency)}",
            annotation_position="top left",
        )
    fig.update_layout(
        xaxis=percent_axis(title="Accuracy of the interview", range=[-0.03, 1.03]),
        yaxis=money_axis(currency, title=f"Expected value ({currency})", rangemode="tozero"),
        height=450,
    )
    return fig


#: How a reader names the model's own randomness among the inputs of the Sobol indices.
CHANCE_LABEL = "Chance: when failures and incidents happen"


def sobol_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Sobol indices: for each uncertain input and for chance, the share of the NPV's variance it
    causes alone (first order) and with its interactions (total), with 95 % intervals. When the
    indices do not apply (correlated inputs), the chart says why instead."""
    fig = _figure(
        "Which uncertainty drives the spread of the result",
        "Share of the outcome's variance each causes: alone, and with its interactions; "
        "whiskers are 95 % intervals.",
    )
    rows = table[::-1]
    labels = [CHANCE_LABEL if n == "chance" else param_label(n, currency, unit=False) for n in rows.index]
    note = table.attrs.get("note", "")
    if note:
        fig.add_annotation(text=_wrap(note, 60), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
        fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False), height=320)
        return fig
    bars = (("total", "with its interactions", GAIN), ("first", "alone", ACCENT))
    _share_bars(
        fig, rows.clip(lower=0), labels, bars, "Share of the variance of the saving (NPV)", errors=rows
    )
    fig.update_layout(height=max(340, 160 + 60 * len(rows)))
    return fig


def trust_curve_chart(curve: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Mean NPV (± 2 SE) and the chance of a loss against trust, with the optimal trust marked."""
    t = curve.index.to_numpy(dtype=float)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    _titled(
        fig,
        "Trust: too little costs monitoring, too much lets problems through",
        "The shaded band is ± 2 standard errors of the simulated mean.",
    )
    spread = 2 * curve["se_npv"]
    _band(fig, t, curve["mean_npv"] - spread, curve["mean_npv"] + spread, "± 2 standard errors", 0.2)
    fig.add_trace(
        _line(
            t,
            curve["mean_npv"],
            "mean saving",
            "trust %{x:.0%}: " + _money_hover(currency) + "<extra></extra>",
            markers=True,
        )
    )
    fig.add_trace(
        _line(
            t,
            curve["p_loss"],
            "chance of a loss",
            "trust %{x:.0%}: chance of a loss %{y:.1%}<extra></extra>",
            LOSS,
            "dot",
            2,
        ),
        secondary_y=True,
    )
    best = curve.attrs.get("optimal_trust")
    if best is not None:
        fig.add_trace(
            go.Scatter(
                x=[best],
                y=[curve.attrs["optimal_mean_npv"]],
                mode="markers+text",
                name="best trust",
                marker=dict(color=ACCENT, size=14, symbol="star"),
                text=[f"best {percent(best, 0)}"],
                textposition="top center",
            )
        )
    fig.update_xaxes(
        title_text="Trust in the vendor (0 % = micromanage, 100 % = blind trust)",
        tickformat=".0%",
        range=[-0.02, 1.02],
    )
    fig.update_yaxes(**money_axis(currency, title_text=f"Mean saving, NPV ({currency})"), secondary_y=False)
    fig.update_yaxes(**percent_axis(title_text="Chance of a loss"), secondary_y=True, showgrid=False)
    return fig


def _tick(name: str, low, high, currency: str) -> str:
    """A tornado row's label: the input with its unit, and the values it moved between."""
    from .formatting import param_value

    p = spec(name)
    return (
        f"{param_label(p, currency)}<br><span style='font-size:11px;color:{MUTED}'>"
        f"{param_value(p, low, currency)} to {param_value(p, high, currency)}</span>"
    )


def tornado_chart(table: pd.DataFrame, currency: str | None = None) -> go.Figure:
    """Swing of mean NPV when each input moves from its low to its high, largest at the top."""
    currency = currency or table.attrs.get("currency", "USD")
    base = table.attrs.get(
        "base_mean_npv", float(np.mean([table["npv_low"].mean(), table["npv_high"].mean()]))
    )
    rows = table.iloc[::-1]
    ticks = [_tick(str(n), r["low"], r["high"], currency) for n, r in rows.iterrows()]
    band = table.attrs.get("band", 0.2)
    fig = _figure(
        "What moves the mean saving most",
        f"Each input moves {percent(band, 0)} below and above this scenario's value (an uncertain input: "
        "its 10th to 90th percentile), all else unchanged.",
    )
    for col, name, color in (
        ("npv_low", "input at its low", ACCENT),
        ("npv_high", "input at its high", GAIN),
    ):
        fig.add_trace(
            go.Bar(
                y=ticks,
                x=rows[col] - base,
                base=base,
                orientation="h",
                name=name,
                marker_color=color,
                customdata=rows[[col]].to_numpy(),
                hovertemplate="mean saving " + _money_hover(currency, "customdata[0]") + "<extra></extra>",
            )
        )
    fig.add_vline(
        x=base,
        line=dict(color=INK, width=1),
        annotation_text="this scenario",
        annotation_position="bottom right",
    )
    fig.update_layout(
        barmode="overlay",
        xaxis=money_axis(currency, title=f"Mean saving, NPV ({currency})"),
        yaxis=dict(title=""),
        height=max(420, 44 * len(ticks) + 160),
    )
    return fig


def grid_heatmap(table: pd.DataFrame, metric: str = "p_loss", currency: str = "USD") -> go.Figure:
    """A two-way grid as a heatmap of one figure (default the chance of a loss)."""
    x_name, y_name = (str(n) for n in table.index.names)
    matrix = table[metric].unstack(level=0)  # rows: y, columns: x
    is_prob = metric.startswith("p_")
    fmt = ".1%" if is_prob else ",.0f"
    x_label, y_label = param_label(x_name, currency), param_label(y_name, currency)
    fig = _figure(
        f"{KPI_LABELS.get(metric, metric)} by {spec(x_name).label.lower()} and {spec(y_name).label.lower()}"
    )
    fig.add_trace(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=matrix.columns.to_numpy(),
            y=matrix.index.to_numpy(),
            colorscale="RdYlBu_r" if is_prob else "RdYlBu",
            zmin=0 if is_prob else None,
            zmax=1 if is_prob else None,
            colorbar=dict(title=KPI_LABELS.get(metric, metric), tickformat=".0%" if is_prob else ",.3~s"),
            texttemplate="%{z:" + (".0%" if is_prob else ",.3~s") + "}",
            hovertemplate=f"{x_label} %{{x}}<br>{y_label} %{{y:,}}<br>%{{z:{fmt}}}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis=_param_axis(x_name, currency, title=x_label), yaxis=_param_axis(y_name, currency, title=y_label)
    )
    return fig


def _param_axis(name: str, currency: str, **axis) -> dict:
    unit = spec(name).unit
    if unit.startswith("currency"):
        return money_axis(currency, **axis)
    if unit.startswith(("fraction", "probability")):
        return percent_axis(**axis)
    return axis


def exit_strategy_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Mean NPV and the worst-5 % average against exit readiness (what a plan changes is said in
    words by the report's exit-plan section, from its claims)."""
    r = table.index.to_numpy(dtype=float)
    fig = _figure(
        "Mean saving and worst-5 % average by exit-plan readiness",
        "Both lines come from the same simulated futures, so their differences are due to the plan alone: "
        "a plan costs money in most futures and pays in the worst ones.",
    )
    fig.add_trace(
        _line(
            r,
            table["mean_npv"],
            "mean saving",
            "readiness %{x:.0%}: " + _money_hover(currency) + "<extra>mean</extra>",
            markers=True,
        )
    )
    fig.add_trace(
        _line(
            r,
            table["cvar5"],
            "worst-5 % average",
            "readiness %{x:.0%}: " + _money_hover(currency) + "<extra>worst 5 %</extra>",
            LOSS,
            "dot",
            2,
            markers=True,
        )
    )
    marks = [
        (table.attrs[k], text)
        for k, text in (("best_for_mean", "best mean"), ("best_for_cvar", "best worst-5 %"))
        if k in table.attrs
    ]
    if len(marks) == 2 and marks[0][0] == marks[1][0]:
        marks = [(marks[0][0], "best mean and worst-5 %")]
    low, high = float(r.min()), float(r.max())
    pad = 0.03 * ((high - low) or 1.0)
    for (x, text), where in zip(marks, ("top", "bottom"), strict=False):
        side = "left" if x > (low + high) / 2 else "right"  # the label reads inwards, never off the axis
        fig.add_vline(
            x=x,
            line=dict(color=MUTED, dash="dash"),
            annotation_text=text,
            annotation_position=f"{where} {side}",
        )
    fig.update_layout(
        # The readings' own range: a label must never stretch the axis (to 120 %, or 200 % on a phone).
        xaxis=percent_axis(
            title="Exit-plan readiness (0 % = no plan, 100 % = fully prepared)", range=[low - pad, high + pad]
        ),
        yaxis=money_axis(currency, title=f"Present value of savings ({currency})"),
    )
    return fig


def vendor_chart(ranking: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Vendors ranked: mean NPV bars with worst-5 % markers and the chance of a loss in the hover."""
    names = [label(n) for n in ranking.index]
    fig = _figure(
        "Vendors ranked by risk-adjusted saving",
        f"Score = mean saving blended with the worst-5 % average (risk aversion {percent(ranking.attrs.get('risk_aversion', 0.25), 0)}).",
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=ranking["mean_npv"],
            name="mean saving",
            marker_color=GAIN,
            customdata=np.stack([ranking["p_loss"], ranking["selection_score"], ranking["rank"]], axis=1),
            hovertemplate="%{x}<br>rank %{customdata[2]}<br>mean saving "
            + _money_hover(currency)
            + "<br>chance of a loss %{customdata[0]:.1%}<br>selection score %{customdata[1]:.0%}<extra></extra>",
        )
    )
    fig.add_trace(
        _diamonds(
            names,
            ranking["cvar5"],
            "worst-5 % average",
            "%{x}: worst-5 % average " + _money_hover(currency) + "<extra></extra>",
        )
    )
    fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    fig.update_layout(
        xaxis=dict(title="Vendor (best first)"),
        yaxis=money_axis(currency, title=f"Present value of savings ({currency})"),
    )
    return fig


def convergence_chart(result: SimulationResult) -> go.Figure:
    """Running mean NPV ± 2 SE as blocks of trials were added (``simulate(..., target_se=...)``)."""
    trace = result.convergence
    if trace is None:
        raise ValueError("this result has no convergence trace: run simulate(..., target_se=...)")
    cur = result.scenario.currency
    fig = _figure(
        f"Convergence of the mean saving — target standard error {money(trace.attrs['target_se'], cur)}"
    )
    n, mean, se = trace["n_trials"], trace["mean_npv"], trace["se_npv"]
    _band(fig, n, mean - 2 * se, mean + 2 * se, "± 2 standard errors", 0.25)
    fig.add_trace(
        _line(
            n,
            mean,
            "mean saving",
            "%{x:,} trials: " + _money_hover(cur) + "<extra></extra>",
            width=2,
            markers=True,
        )
    )
    fig.update_layout(xaxis=dict(title="Trials"), yaxis=money_axis(cur, title=f"Mean saving, NPV ({cur})"))
    return fig


def checklist_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """What each of the four agreements is worth in mean NPV; made ones in blue, missing in red."""
    colors = [GAIN if made else LOSS for made in table["made"]]
    weights = table["weight"] if "weight" in table else pd.Series([1.0])
    ranking = (
        "The four weigh the same (no public study ranks them), so each bar is the same: "
        "give your own weights to rank them."
        if (weights == weights.iloc[0]).all()
        else "Weighted as given: " + ", ".join(f"{k} {v:g}" for k, v in weights.items()) + "."
    )
    fig = _figure(
        f"Goal clarity {percent(table.attrs.get('goal_clarity', float('nan')), 0)}: what each agreement is worth",
        "Blue: agreed; red: missing. Each bar is the mean saving gained by making that agreement.<br>"
        + ranking,
    )
    fig.update_layout(margin=dict(t=130))
    wrapped = [_wrap(str(a)) for a in table["agreement"]]
    fig.add_trace(
        go.Bar(
            x=table["cost_if_missing"],
            y=wrapped,
            orientation="h",
            marker_color=colors,
            customdata=np.where(table["made"], "agreed", "missing"),
            name="mean saving it is worth",
            hovertemplate="%{customdata}: " + _money_hover(currency, "x") + "<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis=money_axis(currency, title=f"Mean saving gained by making the agreement ({currency})"),
        yaxis=dict(title="", autorange="reversed"),
        height=420,
        showlegend=False,
    )
    return fig


def _wrap(text: str, width: int = 38) -> str:
    """A long label (user text, escaped here) in lines of at most ``width`` characters: the one
    wrapping rule of titles and labels (:func:`~outsourcing_risk.present.formatting.wrap`)."""
    return wrap(" ".join(label(text).split()), width)


def kpi_comparison_chart(summary: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Scenarios side by side: mean NPV with P5–P95 whiskers on the left, the chance of a loss on the
    right, one row per scenario (so any number of scenarios stays readable)."""
    names = [_wrap(str(n), 28) for n in summary.index][::-1]
    rows = summary.iloc[::-1]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.66, 0.34], horizontal_spacing=0.1)
    _titled(
        fig,
        "Scenarios compared",
        "Left: mean saving, whiskers from the 5th to the 95th percentile. Right: chance of a loss.",
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=rows["mean_npv"],
            orientation="h",
            name="mean saving (whiskers: 5th–95th percentile)",
            marker_color=GAIN,
            error_x=dict(
                type="data",
                symmetric=False,
                array=rows["p95"] - rows["mean_npv"],
                arrayminus=rows["mean_npv"] - rows["p5"],
                color=MUTED,
            ),
            hovertemplate="mean saving " + _money_hover(currency, "x") + "<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=rows["p_loss"],
            orientation="h",
            name="chance of a loss",
            marker_color=LOSS,
            hovertemplate="chance of a loss %{x:.1%}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    top = float(np.nanmax(summary["p_loss"])) if len(summary) else 0.0
    fig.update_xaxes(
        **money_axis(currency, title_text=f"Saving, NPV ({currency})" if currency else "Saving, NPV"),
        row=1,
        col=1,
    )
    fig.update_xaxes(
        **percent_axis(title_text="Chance of a loss"), range=[0, min(1.0, max(0.1, top * 1.15))], row=1, col=2
    )
    fig.update_layout(height=max(380, 48 * len(names) + 190), showlegend=False, bargap=0.35)
    return fig


def book_npv_chart(npv: np.ndarray, summary: dict, currency: str = "USD", bins: int = 60) -> go.Figure:
    """The book's NPV over the simulated futures: losses red, the mean and the worst-5 % average
    marked."""
    counts, edges = np.histogram(npv, bins=bins)
    mids, width = (edges[:-1] + edges[1:]) / 2, float(edges[1] - edges[0])
    fig = _figure(
        f"The book's saving: a loss in {_chance(summary['p_loss'])} of futures",
        "Present value of every contract's savings against staying in-house, summed; each bar counts futures.",
    )
    for name, keep, colour in (("loss", mids < 0, LOSS), ("saving", mids >= 0, GAIN)):
        fig.add_trace(
            go.Bar(
                x=mids[keep],
                y=counts[keep],
                width=width,
                name=name,
                marker_color=colour,
                hovertemplate="around " + _money_hover(currency, "x") + ": %{y} futures<extra></extra>",
            )
        )
    for key, text, dash, where in (
        ("mean_npv", "mean", "solid", "top right"),
        ("cvar5", "worst-5 % average", "dot", "top left"),
    ):
        fig.add_vline(
            x=summary[key],
            line=dict(color=INK, dash=dash, width=1),
            annotation_text=text,
            annotation_position=where,
        )
    fig.update_layout(
        bargap=0.02,
        xaxis=money_axis(currency, title=f"Present value of the book's savings ({currency})"),
        yaxis=dict(title="Simulated futures"),
        height=420,
    )
    return fig


def vendor_share_chart(vendors: pd.DataFrame) -> go.Figure:
    """Each vendor's share of the book's spend beside its share of the book's worst 5 % of futures:
    a vendor whose second bar is far longer than its first concentrates risk, not only spend."""
    rows = vendors.sort_values("spend_share")
    labels = [label(v) for v in rows.index]
    fig = _figure(
        "Who the book depends on",
        "Share of the annual spend, and share of how far the worst 5 % of futures fall below the mean.",
    )
    bars = (("spend_share", "share of spend", MUTED), ("worst5_share", "share of the worst 5 %", LOSS))
    _share_bars(fig, rows, labels, bars, "Share of the book")
    fig.update_layout(height=max(340, 150 + 46 * len(rows)))
    return fig


def _share_bars(fig: go.Figure, rows: pd.DataFrame, labels, bars, title: str, errors=None) -> None:
    """Horizontal bars of shares side by side, one pair per row of ``rows``: ``bars`` are
    (column, name, colour); with ``errors``, each column's ``<column>_conf`` is its whisker. The
    legend goes above the plot, clear of the axis title."""
    for column, name, colour in bars:
        whisker = (
            {}
            if errors is None
            else {"error_x": dict(type="data", array=errors[f"{column}_conf"], color=MUTED)}
        )
        fig.add_trace(
            go.Bar(
                x=rows[column],
                y=labels,
                orientation="h",
                name=name,
                marker_color=colour,
                hovertemplate="%{y}: %{x:.0%} " + name + "<extra></extra>",
                **whisker,
            )
        )
    fig.update_layout(
        barmode="group",
        xaxis=percent_axis(title=title, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
    )


def stress_chart(vendors: pd.DataFrame, currency: str = "USD", month_: int = 12) -> go.Figure:
    """What the book loses when each vendor fails at the start of month ``month_``, with two
    standard errors."""
    rows = vendors.sort_values("stress_loss")
    fig = _figure(
        f"If the vendor failed in month {month_}",
        "The loss of the vendor's contracts in the same futures, paired; the whisker is two standard errors.",
    )
    fig.add_trace(
        go.Bar(
            x=rows["stress_loss"],
            y=[label(v) for v in rows.index],
            orientation="h",
            name="loss",
            marker_color=LOSS,
            error_x=dict(type="data", array=2 * rows["stress_loss_se"], color=MUTED),
            hovertemplate="%{y}: " + _money_hover(currency, "x") + "<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis=money_axis(currency, title=f"Expected loss ({currency})", rangemode="tozero"),
        showlegend=False,
        height=max(320, 140 + 36 * len(rows)),
    )
    return fig

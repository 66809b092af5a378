"""Charts: each function takes a result or an analysis table and returns a plotly Figure.

All charts share one template, title their axes with units and format money in the scenario's
currency. Text that came from users (scenario and vendor names) is passed to plotly as data,
which plotly renders as text, never as HTML markup.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .results import KPI_LABELS, SimulationResult

__all__ = [
    "checklist_chart",
    "convergence_chart",
    "exceedance_chart",
    "exit_strategy_chart",
    "fan_chart",
    "grid_heatmap",
    "kpi_comparison_chart",
    "npv_histogram",
    "tornado_chart",
    "trust_curve_chart",
    "vendor_chart",
]

LOSS, GAIN, ACCENT, MUTED = "#c0392b", "#2e86de", "#e67e22", "#7f8c8d"
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF "}


def label(text) -> str:
    """User text (scenario and vendor names) for a plotly title or label.

    plotly reads a subset of HTML in text (<b>, <br>, <a href>…); escaping makes it show the
    characters as typed and keeps markup in a name from turning into markup in a chart.
    """
    return html.escape(str(text), quote=False)


def currency_prefix(code: str) -> str:
    """Tick prefix for a currency code: '$' for USD, 'PLN ' for codes without a symbol."""
    code = (code or "").strip()
    return _SYMBOLS.get(code.upper(), f"{code} " if code else "")


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font=dict(family="DejaVu Sans, Arial, sans-serif", size=13, color="#2c3e50"),
            paper_bgcolor="white",
            plot_bgcolor="white",
            colorway=[GAIN, ACCENT, "#27ae60", "#8e44ad", LOSS, MUTED],
            xaxis=dict(gridcolor="#ecf0f1", zerolinecolor="#bdc3c7", linecolor="#bdc3c7"),
            yaxis=dict(gridcolor="#ecf0f1", zerolinecolor="#bdc3c7", linecolor="#bdc3c7"),
            margin=dict(l=70, r=30, t=70, b=60),
            hoverlabel=dict(font_size=12),
            legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        )
    )


def _figure(title: str, **kwargs) -> go.Figure:
    fig = go.Figure(**kwargs)
    fig.update_layout(template=_template(), title=dict(text=title, x=0.01))
    return fig


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
    """A shaded band between two curves: an invisible upper edge, then the lower one filled up to it.

    Adds two traces, in that order (the live widgets update them by position).
    """
    fig.add_trace(
        go.Scatter(x=x, y=high, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip")
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=low,
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor=f"rgba(46,134,222,{alpha})",
            name=name,
            hoverinfo="skip",
        )
    )


def _money_axis(axis: dict, currency: str) -> dict:
    return {**axis, "tickprefix": currency_prefix(currency), "tickformat": ",.3~s"}


def _money_hover(currency: str) -> str:
    return currency_prefix(currency) + "%{y:,.0f}"


def histogram_data(result: SimulationResult, bins: int = 60) -> dict[str, np.ndarray]:
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


def npv_histogram(result: SimulationResult, bins: int = 60) -> go.Figure:
    """Distribution of NPV: losses shaded red, with P(loss), mean and P5/P95 marked."""
    s, cur = result.summary(), result.scenario.currency
    data = histogram_data(result, bins)
    fig = _figure(npv_title(result, s))
    for name, key, color in (("loss (NPV < 0)", "loss", LOSS), ("saving (NPV ≥ 0)", "gain", GAIN)):
        fig.add_trace(
            go.Bar(
                x=data[f"{key}_x"],
                y=data[f"{key}_y"],
                width=data["width"],
                name=name,
                marker_color=color,
                hovertemplate="around " + currency_prefix(cur) + "%{x:,.0f}: %{y} trials<extra></extra>",
            )
        )
    for mark, x, dash in (
        ("mean", s["mean_npv"], "solid"),
        ("P5", s["p5"], "dot"),
        ("P95", s["p95"], "dot"),
    ):
        fig.add_vline(x=x, line=dict(color="#2c3e50", dash=dash, width=1), annotation_text=mark)
    fig.update_layout(
        bargap=0.02,
        xaxis=_money_axis(dict(title="NPV of savings against staying in-house"), cur),
        yaxis=dict(title="trials"),
    )
    return fig


def npv_title(result: SimulationResult, summary: pd.Series | None = None) -> str:
    summary = result.summary() if summary is None else summary
    return f"NPV of savings — {label(result.scenario.name)}: P(loss) {summary['p_loss']:.1%}"


def exceedance_chart(result: SimulationResult) -> go.Figure:
    """Exceedance curve: the chance that the NPV of savings is at least x."""
    npv = np.sort(result.npv)
    prob = 1.0 - np.arange(npv.size) / npv.size
    step = max(1, npv.size // 2000)  # a smooth curve without shipping every trial
    cur = result.scenario.currency
    fig = _figure(f"Chance of saving at least x — {label(result.scenario.name)}")
    fig.add_trace(
        _line(
            npv[::step],
            prob[::step],
            "P(NPV ≥ x)",
            "P(NPV ≥ " + currency_prefix(cur) + "%{x:,.0f}) = %{y:.1%}<extra></extra>",
            width=2,
        )
    )
    fig.add_vline(x=0, line=dict(color=LOSS, dash="dash"), annotation_text="break-even")
    fig.update_layout(
        xaxis=_money_axis(dict(title="NPV of savings, x"), cur),
        yaxis=dict(title="probability", tickformat=".0%", range=[0, 1.02]),
    )
    return fig


FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def fan_data(result: SimulationResult) -> pd.DataFrame:
    """The quantile paths the fan chart draws (P5, P25, P50, P75, P95 and the mean)."""
    return result.quantile_paths(FAN_QUANTILES)


def fan_chart(result: SimulationResult) -> go.Figure:
    """Cumulative savings by month: P5–P95 and P25–P75 bands, median and mean."""
    q = fan_data(result)
    cur = result.scenario.currency
    months = q.index.to_numpy()
    fig = _figure(f"Cumulative savings by month — {label(result.scenario.name)}")
    for lo, hi, name, alpha in (("p5", "p95", "P5–P95", 0.18), ("p25", "p75", "P25–P75", 0.35)):
        _band(fig, months, q[lo], q[hi], name, alpha)
    fig.add_trace(
        _line(months, q["p50"], "median", "month %{x}: " + _money_hover(cur) + "<extra>median</extra>")
    )
    fig.add_trace(
        _line(
            months,
            q["mean"],
            "mean",
            "month %{x}: " + _money_hover(cur) + "<extra>mean</extra>",
            ACCENT,
            "dash",
            2,
        )
    )
    fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    fig.update_layout(
        xaxis=dict(title="month"), yaxis=_money_axis(dict(title="cumulative savings (nominal)"), cur)
    )
    return fig


def trust_curve_chart(curve: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Mean NPV (± 2 SE) and P(loss) against trust, with the optimal trust marked."""
    t = curve.index.to_numpy(dtype=float)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(
        template=_template(),
        title=dict(text="Trust: too little costs monitoring, too much lets problems through", x=0.01),
    )
    spread = 2 * curve["se_npv"]
    _band(fig, t, curve["mean_npv"] - spread, curve["mean_npv"] + spread, "± 2 SE", 0.2)
    fig.add_trace(
        _line(
            t,
            curve["mean_npv"],
            "mean NPV",
            "trust %{x:.2f}: " + _money_hover(currency) + "<extra></extra>",
            markers=True,
        )
    )
    fig.add_trace(
        _line(
            t, curve["p_loss"], "P(loss)", "trust %{x:.2f}: P(loss) %{y:.1%}<extra></extra>", LOSS, "dot", 2
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
                name="optimum",
                marker=dict(color=ACCENT, size=14, symbol="star"),
                text=[f"optimum {best:.2f}"],
                textposition="top center",
            )
        )
    fig.update_xaxes(title_text="trust in the vendor (0 = micromanage, 1 = blind trust)", range=[-0.02, 1.02])
    fig.update_yaxes(
        title_text="mean NPV of savings",
        tickprefix=currency_prefix(currency),
        tickformat=",.3~s",
        secondary_y=False,
    )
    fig.update_yaxes(title_text="P(NPV < 0)", tickformat=".0%", secondary_y=True, showgrid=False)
    return fig


def tornado_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Swing of mean NPV when each input moves from its low to its high, largest at the top."""
    base = table.attrs.get(
        "base_mean_npv", float(np.mean([table["npv_low"].mean(), table["npv_high"].mean()]))
    )
    rows = table.iloc[::-1]
    labels = list(rows.index)
    fig = _figure("What moves the mean NPV most")
    for col, name, color, side in (
        ("npv_low", "input at its low", ACCENT, "low"),
        ("npv_high", "input at its high", GAIN, "high"),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=rows[col] - base,
                base=base,
                orientation="h",
                name=name,
                marker_color=color,
                customdata=np.stack([rows[side], rows[col]], axis=1),
                hovertemplate="%{y} = %{customdata[0]:,.4~g}: mean NPV "
                + currency_prefix(currency)
                + "%{customdata[1]:,.0f}<extra></extra>",
            )
        )
    fig.add_vline(x=base, line=dict(color="#2c3e50", width=1), annotation_text="base case")
    fig.update_layout(
        barmode="overlay",
        xaxis=_money_axis(dict(title="mean NPV of savings"), currency),
        yaxis=dict(title="input"),
        height=max(380, 34 * len(labels) + 140),
    )
    return fig


def grid_heatmap(table: pd.DataFrame, metric: str = "p_loss", currency: str = "USD") -> go.Figure:
    """A two-way grid as a heatmap of one figure (default P(loss))."""
    x_name, y_name = table.index.names
    matrix = table[metric].unstack(level=0)  # rows: y, columns: x
    is_prob = metric.startswith("p_")
    fmt = ".1%" if is_prob else ",.0f"
    fig = _figure(f"{KPI_LABELS.get(metric, metric)} by {x_name} and {y_name}")
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
            hovertemplate=f"{x_name} %{{x}}<br>{y_name} %{{y:,}}<br>%{{z:{fmt}}}<extra></extra>",
        )
    )
    fig.update_layout(xaxis=dict(title=x_name), yaxis=dict(title=y_name))
    if "cost" in y_name:
        fig.update_yaxes(tickprefix=currency_prefix(currency), tickformat=",.3~s")
    return fig


def exit_strategy_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Mean NPV and CVaR 5 % against exit readiness, with the value of the chosen level."""
    r = table.index.to_numpy(dtype=float)
    fig = _figure(
        f"An exit plan at readiness {table.attrs.get('readiness', 1):.1f} is worth "
        f"{currency_prefix(currency)}{table.attrs.get('value', float('nan')):,.0f} "
        f"(± {table.attrs.get('se_value', float('nan')):,.0f}) in mean NPV"
    )
    fig.add_trace(
        _line(
            r,
            table["mean_npv"],
            "mean NPV",
            "readiness %{x:.1f}: " + _money_hover(currency) + "<extra>mean</extra>",
            markers=True,
        )
    )
    fig.add_trace(
        _line(
            r,
            table["cvar5"],
            "CVaR 5 % (worst 5 %)",
            "readiness %{x:.1f}: " + _money_hover(currency) + "<extra>CVaR 5 %</extra>",
            LOSS,
            "dot",
            2,
            markers=True,
        )
    )
    for key, mark in (("best_for_mean", "best mean"), ("best_for_cvar", "best tail")):
        if key in table.attrs:
            fig.add_vline(x=table.attrs[key], line=dict(color=MUTED, dash="dash"), annotation_text=mark)
    fig.update_layout(
        xaxis=dict(title="exit readiness (0 = no plan, 1 = fully prepared)"),
        yaxis=_money_axis(dict(title="NPV of savings"), currency),
    )
    return fig


def vendor_chart(ranking: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Vendors ranked: mean NPV bars with CVaR 5 % markers and P(loss) in the hover."""
    names = [label(n) for n in ranking.index]
    fig = _figure(
        f"Vendors ranked by risk-adjusted NPV (risk aversion {ranking.attrs.get('risk_aversion', 0.25):.2f})"
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=ranking["mean_npv"],
            name="mean NPV",
            marker_color=GAIN,
            customdata=np.stack([ranking["p_loss"], ranking["selection_score"], ranking["rank"]], axis=1),
            hovertemplate="%{x}<br>rank %{customdata[2]}<br>mean NPV "
            + currency_prefix(currency)
            + "%{y:,.0f}<br>P(loss) %{customdata[0]:.1%}<br>selection score %{customdata[1]:.2f}<extra></extra>",
        )
    )
    fig.add_trace(
        _diamonds(
            names,
            ranking["cvar5"],
            "CVaR 5 %",
            "%{x}: CVaR 5 % " + _money_hover(currency) + "<extra></extra>",
        )
    )
    fig.add_hline(y=0, line=dict(color=MUTED, width=1))
    fig.update_layout(
        xaxis=dict(title="vendor (best first)"), yaxis=_money_axis(dict(title="NPV of savings"), currency)
    )
    return fig


def convergence_chart(result: SimulationResult) -> go.Figure:
    """Running mean NPV ± 2 SE as blocks of trials were added (``simulate(..., target_se=...)``)."""
    trace = result.convergence
    if trace is None:
        raise ValueError("this result has no convergence trace: run simulate(..., target_se=...)")
    cur = result.scenario.currency
    fig = _figure(
        f"Convergence of the mean NPV — target SE {currency_prefix(cur)}{trace.attrs['target_se']:,.0f}"
    )
    n, mean, se = trace["n_trials"], trace["mean_npv"], trace["se_npv"]
    _band(fig, n, mean - 2 * se, mean + 2 * se, "± 2 SE", 0.25)
    fig.add_trace(
        _line(
            n,
            mean,
            "mean NPV",
            "%{x:,} trials: " + _money_hover(cur) + "<extra></extra>",
            width=2,
            markers=True,
        )
    )
    fig.update_layout(xaxis=dict(title="trials"), yaxis=_money_axis(dict(title="mean NPV of savings"), cur))
    return fig


def checklist_chart(table: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """What each of the four agreements is worth in mean NPV; made ones in blue, missing in red."""
    colors = [GAIN if made else LOSS for made in table["made"]]
    fig = _figure(
        f"Goal clarity {table.attrs.get('goal_clarity', float('nan')):.0%}: what each agreement is worth"
    )
    fig.add_trace(
        go.Bar(
            x=table["cost_if_missing"],
            y=table["agreement"],
            orientation="h",
            marker_color=colors,
            customdata=np.where(table["made"], "made", "missing"),
            name="mean NPV it is worth",
            hovertemplate="%{y} (%{customdata}): " + currency_prefix(currency) + "%{x:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis=_money_axis(dict(title="mean NPV gained by making the agreement"), currency),
        yaxis=dict(title="", autorange="reversed"),
        height=360,
        showlegend=False,
    )
    return fig


def kpi_comparison_chart(summary: pd.DataFrame, currency: str = "USD") -> go.Figure:
    """Scenarios side by side: mean NPV with P5–P95 whiskers, and P(loss) on a second axis."""
    names = [label(n) for n in summary.index]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(template=_template(), title=dict(text="Scenarios compared", x=0.01))
    fig.add_trace(
        go.Bar(
            x=names,
            y=summary["mean_npv"],
            name="mean NPV (whiskers P5–P95)",
            marker_color=GAIN,
            error_y=dict(
                type="data",
                symmetric=False,
                array=summary["p95"] - summary["mean_npv"],
                arrayminus=summary["mean_npv"] - summary["p5"],
                color=MUTED,
            ),
            hovertemplate="%{x}: mean NPV " + _money_hover(currency) + "<extra></extra>",
        )
    )
    fig.add_trace(
        _diamonds(names, summary["p_loss"], "P(loss)", "%{x}: P(loss) %{y:.1%}<extra></extra>"),
        secondary_y=True,
    )
    fig.update_yaxes(
        title_text="NPV of savings",
        tickprefix=currency_prefix(currency),
        tickformat=",.3~s",
        secondary_y=False,
    )
    fig.update_yaxes(
        title_text="P(NPV < 0)", tickformat=".0%", range=[0, 1], secondary_y=True, showgrid=False
    )
    fig.update_xaxes(title_text="scenario")
    return fig

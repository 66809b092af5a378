"""The summary figures for people: their labels and meanings, the KPI cards, the tables of a
report (figures, parameters, vendor ranking). Every text that came from a user is escaped."""

from __future__ import annotations

import html
import math

import pandas as pd

from ..model.parameters import PARAMETERS
from ..model.scenario import Scenario
from .formatting import money, month, param_label, percent, value_in_words
from .narrative import horizon_words
from .page import components_style

__all__ = [
    "HEADLINE_KPIS",
    "KPI_HELP",
    "KPI_LABELS",
    "POLICY_NAMES",
    "changed_parameters",
    "format_kpi",
    "headline_label",
    "kpi_cards_html",
    "kpi_table",
    "parameter_table",
    "policy_table",
    "ranking_table",
]

#: Summary metrics with the labels a reader sees, plain words first, in the order reports show them.
KPI_LABELS = {
    "mean_npv": "Mean saving (NPV)",
    "se_npv": "Standard error of the mean",
    "p_loss": "Chance of a loss",
    "p5": "NPV, 5th percentile",
    "p50": "NPV, median",
    "p95": "NPV, 95th percentile",
    "cvar5": "Worst-5 % average (CVaR 5 %)",
    "p_failure": "Chance of a vendor failure",
    "expected_switches": "Expected number of switches",
    "expected_switching_cost": "Expected switching spend",
    "breakeven_month": "Break-even month",
    "p_breakeven": "Chance of being ahead at the horizon",
}

#: What each figure means, for tooltips and the docs.
KPI_HELP = {
    "mean_npv": "average over the simulated futures of the present value of the savings against staying in-house",
    "se_npv": "Monte Carlo standard error of the mean saving",
    "p_loss": "share of futures whose present value of savings is below zero",
    "cvar5": "average present value of the 5 % worst futures (conditional value at risk, CVaR 5 %)",
    "p_failure": "share of futures with at least one vendor failure within the horizon",
    "breakeven_month": (
        "first month from which the median cumulative savings (the middle line of the fan chart) "
        "stay above zero to the end of the horizon"
    ),
    "p_breakeven": "share of futures whose cumulative savings are positive at the end of the horizon",
}


def format_kpi(key: str, value, currency: str = "", horizon: int | None = None) -> str:
    """One summary figure as a reader sees it (see :mod:`outsourcing_risk.present.formatting`)."""
    if key == "breakeven_month":
        return month(value, horizon)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if key.startswith("p_"):
        return percent(value)
    if key == "expected_switches":
        return f"{value:.2f}"
    return money(value, currency)


def kpi_table(summaries: pd.Series | pd.DataFrame, keys=None, currency: str = "") -> pd.DataFrame:
    """Summary figures formatted for reading (rounded, units): one column per scenario.

    Rounding to whole currency units and 0.1 % keeps the printed table identical across machines,
    which is what the notebooks' nbval checks compare.
    """
    frame = summaries.to_frame().T if isinstance(summaries, pd.Series) else summaries
    keys = list(keys or KPI_LABELS)
    columns = {}
    for name, row in frame.iterrows():
        columns[name] = [format_kpi(k, row[k], currency) for k in keys]
    return pd.DataFrame(columns, index=[KPI_LABELS[k] for k in keys])


#: The five headline figures of the cards, the what-if page and the index, in that order.
HEADLINE_KPIS = ("mean_npv", "p_loss", "cvar5", "p_failure", "breakeven_month")


def headline_label(key: str, horizon: int | None) -> str:
    """A headline figure's label on a card, the what-if page and the index (one wording for all):
    the chance of a failure names its horizon ("within 5 years"; "within the horizon" where
    scenarios of different horizons share a table, ``horizon=None``)."""
    if key == "p_failure":
        return f"Chance of a vendor failure within {horizon_words(horizon) if horizon else 'the horizon'}"
    if key == "cvar5":
        return "Worst-5 % average"
    return KPI_LABELS[key]


def _card_detail(key: str, summary: pd.Series, currency: str) -> str:
    """The jargon under a card, for those who want it: standard error, CVaR, definitions."""
    if key == "mean_npv":
        return "present value, averaged over the simulated futures"
    if key == "cvar5":
        return "average of the worst 1 future in 20"
    if key == "breakeven_month":
        return "median cumulative saving positive for good"
    if key == "p_loss":
        return "present value of savings below zero"
    return "at least one failure"


def kpi_cards_html(summary: pd.Series, currency: str = "", horizon: int = 60, *, style: bool = True) -> str:
    """The KPI cards of the reports and the explorer as HTML; every value is escaped, raw numbers in
    ``data-value``. ``style``: with the page shell's stylesheet, which draws them (a widget or a
    notebook output has no page around it; a page that already has it passes ``False``)."""
    cards = []
    for key in HEADLINE_KPIS:
        value = summary[key]
        shown = format_kpi(key, value, currency, horizon)
        raw = "nan" if value is None else repr(float(value))
        cards.append(
            f'<div class="or-kpi" data-kpi="{key}" data-value="{raw}" title="{html.escape(KPI_HELP[key])}">'
            f'<div class="or-kpi-label">{html.escape(headline_label(key, horizon))}</div>'
            f'<div class="or-kpi-value">{html.escape(shown)}</div>'
            f'<div class="or-kpi-detail">{html.escape(_card_detail(key, summary, currency))}</div>'
            "</div>"
        )
    title = html.escape(str(summary.name))
    # The cards' look is the page shell's (outsourcing_risk.present.page: ``.or-kpis``, ``.or-kpi``).
    sheet = components_style() if style else ""
    return f'{sheet}<div class="or-kpis" data-scenario="{title}">' + "".join(cards) + "</div>"


def changed_parameters(scenario: Scenario) -> dict[str, str]:
    """What differs from the defaults, by parameter name, each written for reading
    ("Vendor monthly fee USD 62,000/month")."""
    base = Scenario()
    out = {}
    for p in PARAMETERS:
        value = getattr(scenario, p.name)
        if str(value) != str(getattr(base, p.name)):
            out[p.name] = f"{param_label(p, unit=False)} {value_in_words(p, value, scenario.currency)}"
    if scenario.after_failure != base.after_failure:
        out["after_failure"] = f"After a vendor failure: {scenario.after_failure}"
    if scenario.trust_policy != base.trust_policy:
        out["trust_policy"] = f"Trust policy: {scenario.trust_policy}"
    return out


def ranking_table(ranking: pd.DataFrame, currency: str = "USD") -> pd.DataFrame:
    """A vendor ranking (:func:`~outsourcing_risk.compare_vendors`) written for people: plain
    column names with units, money with currency, chances as percentages."""
    return pd.DataFrame(
        {
            "Rank": ranking["rank"].astype(int),
            f"Risk-adjusted score ({currency})": [money(v, currency) for v in ranking["score"]],
            f"Mean saving ({currency})": [money(v, currency) for v in ranking["mean_npv"]],
            "Chance of a loss": [percent(v) for v in ranking["p_loss"]],
            f"Worst-5 % average ({currency})": [money(v, currency) for v in ranking["cvar5"]],
            "Chance of a vendor failure": [percent(v) for v in ranking["p_failure"]],
            "Selection score": [percent(v, 0) for v in ranking["selection_score"]],
        },
        index=pd.Index(ranking.index, name="Vendor"),
    )


#: The rows of :func:`~outsourcing_risk.analyses.trust_policy.compare_policies`, as a reader names them.
POLICY_NAMES = {
    "as given": "This scenario as given",
    "best fixed trust": "Fixed trust, at its best",
    "best ramp": "Trust earned by milestones (the best ramp)",
    "ramp + trigger": "The ramp and an exit trigger",
}


def policy_table(table: pd.DataFrame, currency: str = "USD") -> pd.DataFrame:
    """A policy comparison written for people: money with currency, chances as percentages, the
    difference to the best fixed trust with its margin (two standard errors)."""
    spread = table.attrs.get("spread", 0)

    def chance(v) -> str:
        return "—" if spread == 0 or pd.isna(v) else percent(v)

    return pd.DataFrame(
        {
            "How": table["short"].to_numpy(),
            f"Mean saving ({currency})": [money(v, currency) for v in table["mean_npv"]],
            f"Against fixed trust at its best ({currency})": [
                "—" if name == "best fixed trust" else f"{money(g, currency)} ± {money(2 * se, currency)}"
                for name, g, se in zip(table.index, table["gain"], table["se_gain"], strict=True)
            ],
            "Chance of a loss": [percent(v) for v in table["p_loss"]],
            f"Worst-5 % average ({currency})": [money(v, currency) for v in table["cvar5"]],
            "Chance of leaving the vendor by choice": [percent(v) for v in table["p_voluntary_exit"]],
            "Left a better-than-median vendor": [chance(v) for v in table["p_left_good"]],
            "Kept a worst-quarter vendor to the end": [chance(v) for v in table["p_kept_bad"]],
        },
        index=pd.Index([POLICY_NAMES[n] for n in table.index], name="Policy"),
    )


def parameter_table(scenario: Scenario) -> pd.DataFrame:
    """Every parameter of the run for the report: label, value and default written for people,
    the help text in full, and the parameter's name for papermill and the API."""
    defaults = Scenario()
    rows = [
        {
            "Parameter": param_label(p, scenario.currency, unit=False),
            "Value": value_in_words(p, getattr(scenario, p.name), scenario.currency),
            "Default": value_in_words(p, getattr(defaults, p.name), scenario.currency),
            "What it means": p.help,
            "Name": p.name,
        }
        for p in PARAMETERS
    ]
    rows.append(
        {
            "Parameter": "After a vendor failure",
            "Value": scenario.after_failure,
            "Default": defaults.after_failure,
            "What it means": "insource: take the work back in-house; replace: hire another vendor",
            "Name": "after_failure",
        }
    )
    rows.append(
        {
            "Parameter": "Trust policy",
            "Value": scenario.trust_policy,
            "Default": defaults.trust_policy,
            "What it means": "fixed: one trust for the whole contract; ramp: each vendor starts at the trust "
            "above and earns or loses trust milestone by milestone",
            "Name": "trust_policy",
        }
    )
    return pd.DataFrame(rows).set_index("Parameter")

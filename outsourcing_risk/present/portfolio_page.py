"""The portfolio report: one offline HTML page for a risk committee, the conclusion in words
first, then the book's outcome, who it depends on, the stress by vendor, and the tables by vendor
and by contract. Every name that came from the table is escaped."""

from __future__ import annotations

import html
import math
import time

import pandas as pd

from ..analyses.concentration import HIGHLY_CONCENTRATED, HIGHLY_CONCENTRATED_2010, THRESHOLD_SOURCES
from ..io.register_book import HOURS_PER_MONTH
from . import plots
from .book_story import book_html, book_sentences
from .chart_text import chart_html
from .formatting import money, percent
from .page import page_html
from .plotlyjs import trace_types
from .tables import table_box, table_html
from .wording import chance

__all__ = ["contracts_frame", "groups_frame", "portfolio_html", "vendors_frame"]

#: The book page's own rules; the rest is the page shell's (:mod:`.page`).
_STYLE = """
.or-conclusion { max-width: 60em; }
.or-conclusion p { margin: 0.5em 0; }
@media print {
  .or-table-box table { width: 100%; font-size: 9px; table-layout: auto; }
  .or-table-box th, .or-table-box td { padding: 2px 3px; white-space: normal; }
}
"""


def vendors_frame(analysis) -> pd.DataFrame:
    """The per-vendor figures as ``vendors.csv`` holds them: one row per vendor, plain numbers."""
    return analysis.vendors.reset_index()


def groups_frame(analysis) -> pd.DataFrame:
    """Concentration by group as the page shows it: one row per group (a declared group or a
    common ultimate parent, else the vendor alone), its stress named as the group's."""
    return analysis.groups.reset_index().rename(
        columns={"stress_loss": "group_stress_loss", "stress_loss_se": "group_stress_loss_se"}
    )


def contracts_frame(analysis) -> pd.DataFrame:
    """The per-contract figures as ``contracts.csv`` holds them: one row per contract."""
    return analysis.contracts.reset_index()


def _kpis(summary: dict, currency: str) -> str:
    """The book's cards, in the cards' markup of every page (the page shell styles them)."""
    cards = [
        ("Mean saving of the book (NPV)", money(summary["mean_npv"], currency)),
        ("Chance of a loss", chance(summary["p_loss"])),
        ("Worst-5 % average", money(summary["cvar5"], currency)),
        ("Concentration of spend (HHI, 0-10,000)", f"{summary['hhi']:,.0f}"),
        ("By group (HHI)", f"{summary['hhi_group']:,.0f}"),
    ]
    return (
        '<div class="or-kpis">'
        + "".join(
            f'<div class="or-kpi"><div class="or-kpi-label">{html.escape(name)}</div>'
            f'<div class="or-kpi-value">{html.escape(value)}</div></div>'
            for name, value in cards
        )
        + "</div>"
    )


def _rto(months) -> str:
    """A recovery-time objective as a risk officer writes it: hours under a day, days under a
    month, else months."""
    if _missing(months):
        return "—"
    hours = float(months) * HOURS_PER_MONTH
    if hours < 24:
        return f"{hours:,.4g} h"
    if hours < HOURS_PER_MONTH:
        return f"{hours / 24:,.3g} days"
    return f"{float(months):g} months"


def _table(frame: pd.DataFrame, currency: str, label: str) -> str:
    shown = frame.copy()
    for column in shown.columns:
        if column in ("annual_spend", "mean_npv", "stress_loss", "group_stress_loss", "exit_plan_value"):
            shown[column] = [money(v, currency) if not _missing(v) else "—" for v in shown[column]]
        elif column.startswith("p_") or column.endswith("_share"):
            shown[column] = [percent(v) if not _missing(v) else "—" for v in shown[column]]
        elif column == "notice_months":
            shown[column] = [f"{v:g}" if not _missing(v) else "—" for v in shown[column]]
        elif column == "rto_months":  # a register gives hours: 2 h reads as 2 h, not 0.002738 months
            shown[column] = [_rto(v) for v in shown[column]]
        elif column == "hhi_part":
            shown[column] = [f"{v:,.0f}" for v in shown[column]]
        elif column == "critical":
            shown[column] = ["yes" if v else "no" for v in shown[column]]
    numeric = [_HEADERS.get(c, c) for c in shown.columns if c not in _TEXT_COLUMNS]
    shown.columns = [_HEADERS.get(c, c) for c in shown.columns]
    return table_box(table_html(shown, "or-book-table", numeric=numeric), label)


#: The columns of words (the rest are figures, aligned to the right).
_TEXT_COLUMNS = ("vendor", "contract", "vendor_group", "critical")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


_HEADERS = {
    "vendor": "Vendor",
    "contract": "Contract",
    "vendor_group": "Group",
    "contracts": "Contracts",
    "critical_contracts": "Critical",
    "critical": "Critical",
    "annual_spend": "Annual spend",
    "spend_share": "Share of spend",
    "p_vendor_fails": "Chance the vendor itself fails",
    "worst5_share": "Share of the worst 5 %",
    "stress_loss": "Loss if it fails in month 12",
    "group": "Group",
    "vendors": "Vendors",
    "hhi_part": "Part of the HHI",
    "group_stress_loss": "Loss if the group fails by month 12 (each vendor then, or earlier)",
    "mean_npv": "Mean saving",
    "p_loss": "Chance of a loss",
    "p_failure": "Chance of a failure (the vendor's or the relationship's)",
    "notice_months": "Notice (months)",
    "p_exit_within_notice": "Exit within notice",
    "rto_months": "RTO",
    "p_disruption_over_rto": "Disruption over RTO",
    "exit_plan_value": "Value of its exit plan",
}


def _group_words(summary: dict) -> str:
    """The HHI by vendor and by group in words, and the two named thresholds with their sources."""
    return (
        f"HHI by vendor {summary['hhi']:,.0f}: {summary['concentration']}; by group "
        f"{summary['hhi_group']:,.0f}: {summary['concentration_group']}. Above {HIGHLY_CONCENTRATED:,} a "
        f"market is called highly concentrated ({THRESHOLD_SOURCES[HIGHLY_CONCENTRATED]}), above "
        f"{HIGHLY_CONCENTRATED_2010:,} under the older test too ({THRESHOLD_SOURCES[HIGHLY_CONCENTRATED_2010]}): "
        "thresholds for markets that we borrow for a book."
    )


def portfolio_html(analysis, title: str | None = None) -> str:
    """The whole report as one offline page (plotly.js embedded once, the smallest bundle that
    draws its charts)."""
    book, summary = analysis.book, analysis.summary
    currency = book.currency
    title = title or book.name
    figures = [
        plots.book_npv_chart(analysis.result.npv, summary, currency),
        plots.vendor_share_chart(analysis.vendors),
        plots.stress_chart(analysis.vendors, currency, summary["stress_month"]),
    ]
    from ..analyses.book_claims import book_claims

    claims = book_claims(analysis)
    conclusion = book_html(analysis, claims)
    # Each chart's caption is the sentence of the conclusion it illustrates: the outcome, the
    # concentration, the tail and its stress (book_sentences' first three).
    captions = [text for text, _ in book_sentences(analysis, claims)[:3]]
    vendor_columns = [
        "vendor",
        "vendor_group",
        "contracts",
        "critical_contracts",
        "annual_spend",
        "spend_share",
        "p_vendor_fails",
        "worst5_share",
        "stress_loss",
    ]
    group_columns = [
        "group",
        "vendors",
        "contracts",
        "critical_contracts",
        "annual_spend",
        "spend_share",
        "hhi_part",
        "worst5_share",
        "group_stress_loss",
    ]
    contract_columns = [
        "contract",
        "vendor",
        "critical",
        "annual_spend",
        "mean_npv",
        "p_loss",
        "p_failure",
        "notice_months",
        "p_exit_within_notice",
        "rto_months",
        "p_disruption_over_rto",
        "exit_plan_value",
    ]
    capacity = summary["capacity"]
    capacity_text = (
        f"at most {capacity} transition{'s' if capacity != 1 else ''} at once"
        if capacity
        else "as many transitions at once as needed (no limit given)"
    )
    when = time.strftime("%Y-%m-%d %H:%M")
    charts = [
        chart_html(f, f"or-book-{i}", captions[i] if i < len(captions) else None)
        for i, f in enumerate(figures)
    ]
    body = f"""<h1>{html.escape(title)}</h1>
<div class="or-conclusion">{conclusion}</div>
{_kpis(summary, currency)}
<p class="or-note">{summary["n_trials"]:,} simulated futures over {book.horizon_months} months, seed {summary["seed"]};
switching capacity: {html.escape(capacity_text)}. Made {when}. How the book is simulated: docs/model.md,
"A book of contracts" (<code>outsourcing-risk docs model</code>).</p>
<h2>The book's outcome</h2>
{charts[0]}
<h2>Concentration by vendor</h2>
<p class="or-note">A vendor's share of the worst 5 %: in the 5 % of futures where the book does worst, how far its
contracts fall below their own average, as a share of how far the whole book falls below its average.
A vendor with a larger share of the worst futures than of the spend concentrates risk.</p>
{charts[1]}
{charts[2]}
{_table(vendors_frame(analysis)[vendor_columns], currency, "Each vendor")}
<h2>Concentration by group</h2>
<p class="or-note">A group is a declared group of connected vendors or a common ultimate parent (a register's
B_05.01 c0110), else the vendor alone. {html.escape(_group_words(summary))} Loss if the group fails in
month {summary["stress_month"]}: every vendor of the group fails then, or earlier where it fails earlier, in the
same futures.</p>
{_table(groups_frame(analysis)[group_columns], currency, "Each group")}
<h2>Each contract</h2>
<p class="or-note">Exit within notice: the share of the contract's switches whose disruption, waiting for a free
transition team included, lasts no longer than its notice period. Disruption over RTO: the chance of a
switch whose disruption exceeds the recovery-time objective (the model's disruptions are whole months, so
an RTO under a month is exceeded by any switch that takes one). Value of its exit plan: the contract on its
own with its plan, less without one, in the same futures.</p>
{_table(contracts_frame(analysis)[contract_columns], currency, "Each contract")}"""
    return page_html(title, body, style=_STYLE, plotly=trace_types([f.to_plotly_json() for f in figures]))

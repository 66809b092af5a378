"""The portfolio report: one offline HTML page for a risk committee, the conclusion in words
first, then the book's outcome, who it depends on, the stress by vendor, and the tables by vendor
and by contract. Every name that came from the table is escaped."""

from __future__ import annotations

import html
import math
import time

import pandas as pd

from ..analyses.concentration import HIGHLY_CONCENTRATED, HIGHLY_CONCENTRATED_2010, THRESHOLD_SOURCES
from . import plots
from .book_story import book_html
from .formatting import money, percent
from .page_fit import page_fit_html
from .plotlyjs import chart_div, script_tag, trace_types

__all__ = ["contracts_frame", "groups_frame", "portfolio_html", "vendors_frame"]

_STYLE = """
body { font-family: DejaVu Sans, Arial, sans-serif; margin: 2em auto; max-width: 1180px; color: #2c3e50;
       padding: 0 1em; }
.or-conclusion p { font-size: 17px; line-height: 1.45; max-width: 60em; margin: 0.5em 0; }
.or-kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 1em 0; }
.or-kpi { flex: 1 1 150px; padding: 8px 12px; border-radius: 6px; background: #f4f6f8; }
.or-kpi b { display: block; font-size: 20px; }
.or-table-box { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #ecf0f1; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f6f8; font-weight: 600; }
.note { color: #566573; font-size: 13px; max-width: 60em; }
@media (max-width: 600px) { body { margin: 1em auto; padding: 0 6px; } th, td { padding: 4px 5px; } }
@media print {
  body { margin: 0; padding: 0; max-width: none; }
  .or-table-box { overflow: visible; }
  .or-table-box table { display: table; width: 100%; font-size: 9px; table-layout: auto; }
  th, td { padding: 2px 3px; }
  tr { break-inside: avoid; }
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
    cards = [
        ("Mean saving of the book (NPV)", money(summary["mean_npv"], currency)),
        ("Chance of a loss", percent(summary["p_loss"])),
        ("Worst-5 % average", money(summary["cvar5"], currency)),
        ("Concentration of spend (HHI, 0-10,000)", f"{summary['hhi']:,.0f}"),
        ("By group (HHI)", f"{summary['hhi_group']:,.0f}"),
    ]
    return (
        '<div class="or-kpis">'
        + "".join(
            f'<div class="or-kpi">{html.escape(name)}<b>{html.escape(value)}</b></div>'
            for name, value in cards
        )
        + "</div>"
    )


def _table(frame: pd.DataFrame, currency: str) -> str:
    shown = frame.copy()
    for column in shown.columns:
        if column in ("annual_spend", "mean_npv", "stress_loss", "group_stress_loss", "exit_plan_value"):
            shown[column] = [money(v, currency) if not _missing(v) else "—" for v in shown[column]]
        elif column.startswith("p_") or column.endswith("_share"):
            shown[column] = [percent(v) if not _missing(v) else "—" for v in shown[column]]
        elif column in ("notice_months", "rto_months"):
            shown[column] = [f"{v:g}" if not _missing(v) else "—" for v in shown[column]]
        elif column == "hhi_part":
            shown[column] = [f"{v:,.0f}" for v in shown[column]]
        elif column == "critical":
            shown[column] = ["yes" if v else "no" for v in shown[column]]
    shown.columns = [_HEADERS.get(c, c) for c in shown.columns]
    return '<div class="or-table-box">' + shown.to_html(index=False, escape=True, border=0) + "</div>"


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
    "p_vendor_fails": "Chance it fails",
    "worst5_share": "Share of the worst 5 %",
    "stress_loss": "Loss if it fails in month 12",
    "group": "Group",
    "vendors": "Vendors",
    "hhi_part": "Part of the HHI",
    "group_stress_loss": "Loss if the group fails in month 12",
    "mean_npv": "Mean saving",
    "p_loss": "Chance of a loss",
    "p_failure": "Chance of a failure",
    "notice_months": "Notice (months)",
    "p_exit_within_notice": "Exit within notice",
    "rto_months": "RTO (months)",
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

    conclusion = book_html(analysis, book_claims(analysis))
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
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<div class="or-conclusion">{conclusion}</div>
{_kpis(summary, currency)}
<p class="note">{summary["n_trials"]:,} simulated futures over {book.horizon_months} months, seed {summary["seed"]};
switching capacity: {html.escape(capacity_text)}. Made {when}. How the book is simulated: docs/model.md,
"A book of contracts" (<code>outsourcing-risk docs model</code>).</p>
{script_tag(trace_types([f.to_plotly_json() for f in figures]))}
<h2>The book's outcome</h2>
{chart_div(figures[0], "or-book-0")}
<h2>Concentration by vendor</h2>
<p class="note">A vendor's share of the worst 5 %: in the 5 % of futures where the book does worst, how far its
contracts fall below their own average, as a share of how far the whole book falls below its average.
A vendor with a larger share of the worst futures than of the spend concentrates risk.</p>
{chart_div(figures[1], "or-book-1")}
{chart_div(figures[2], "or-book-2")}
{_table(vendors_frame(analysis)[vendor_columns], currency)}
<h2>Concentration by group</h2>
<p class="note">A group is a declared group of connected vendors or a common ultimate parent (a register's
B_05.01 c0110), else the vendor alone. {html.escape(_group_words(summary))} Loss if the group fails in
month {summary["stress_month"]}: every vendor of the group fails then, or earlier where it fails earlier, in the
same futures.</p>
{_table(groups_frame(analysis)[group_columns], currency)}
<h2>Each contract</h2>
<p class="note">Exit within notice: the share of the contract's switches whose disruption, waiting for a free
transition team included, lasts no longer than its notice period. Disruption over RTO: the chance of a
switch whose disruption exceeds the recovery-time objective (the model's disruptions are whole months, so
an RTO under a month is exceeded by any switch that takes one). Value of its exit plan: the contract on its
own with its plan, less without one, in the same futures.</p>
{_table(contracts_frame(analysis)[contract_columns], currency)}
{page_fit_html()}
</body></html>
"""

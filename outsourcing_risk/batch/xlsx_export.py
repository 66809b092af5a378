"""Spreadsheets out (issue 34, goal 2): one workbook of a batch of reports (``summary.xlsx``), of a
book of contracts (``portfolio.xlsx``), or of any scenarios (:func:`export_workbook`).

Sheets, in order: **Cover** (what made the workbook: version, date, seed, trials, the table, and
what each sheet holds), **Summary** (a report batch's ``summary.csv``, or the book's figures),
the book's **Contracts** and **Vendors** (``contracts.csv``, ``vendors.csv``), **Parameters** (the
table's rows as given, or the book's contracts), and the **trials** for an audit trail: each
trial's inputs as drawn, its NPV, failures and switches (a sheet per report; for a book, its NPV
and each vendor's NPV and collapse month per trial).

A report's trials are its own simulation run again from its scenario, seed and trials (the same
numbers: the report notebook runs ``simulate`` with them, and the same scenario, seed and trials
give the same trials in any process); publishing 20,000 trials through every notebook would make
each executed notebook megabytes larger for a sheet that only ``--xlsx`` wants.

Text cells are guarded against formulas as ``summary.csv``'s are
(:func:`~outsourcing_risk.io.xlsx_write.csv_text`); money is written with thousands separators,
chances as percentages; the header row is frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.atomic import write_atomic
from ..io.xlsx_write import Sheet, workbook_bytes
from ..model.results import SimulationResult
from ..model.scenario import FIELDS, UNITS, Scenario
from ..model.simulation import simulate
from ..workbook.papermill import NAME_PARAMETER

__all__ = [
    "BOOK_WORKBOOK",
    "MAX_TRIAL_ROWS",
    "book_workbook",
    "check_workbook_trials",
    "export_workbook",
    "kind_of",
    "report_workbook",
    "trials_sheet",
]

#: The workbook a book writes beside contracts.csv (a report batch's: runner.REPORT_WORKBOOK).
BOOK_WORKBOOK = "portfolio.xlsx"
#: The most trials a sheet holds: a sheet has 1,048,576 rows, one of them the header.
MAX_TRIAL_ROWS = 1_048_575
_PERCENT = re.compile(r"^(p_|appetite_p_)|_share$")
_MONEY = re.compile(r"npv|cost|cvar|spend|loss|value|evpi|fee|^p\d+$|worst5$|upfront")


def kind_of(column: str) -> str:
    """How a figure's column is formatted: a chance or share as a percentage, money with
    thousands, a scenario parameter by its unit, anything else as a number.

    >>> kind_of("p_loss"), kind_of("mean_npv"), kind_of("p95"), kind_of("trust"), kind_of("hhi")
    ('percent', 'money', 'money', 'percent', 'number')
    """
    unit = UNITS.get(column)
    if unit is not None:
        return (
            "percent"
            if unit.startswith(("fraction", "probability"))
            else "money"
            if "currency" in unit
            else "number"
        )
    if _PERCENT.search(column):
        return "percent"
    return "money" if _MONEY.search(column) else "number"


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def _frame_sheet(name: str, frame: pd.DataFrame) -> Sheet:
    columns = [str(c) for c in frame.columns]
    kinds = {str(c): kind_of(str(c)) for c in frame.columns if any(map(_is_number, frame[c]))}
    return Sheet(name, columns, frame.itertuples(index=False, name=None), kinds)


def _cover(title: str, facts: Sequence[tuple[str, object]], sheets: Sequence[tuple[str, str]]) -> Sheet:
    from .. import __version__

    rows = [
        (title, ""),
        ("outsourcing-risk version", __version__),
        ("made", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        *facts,
        ("", ""),
        ("sheet", "what it holds"),
        *sheets,
    ]
    return Sheet("Cover", ["outsourcing-risk", ""], rows, widths={"outsourcing-risk": 28, "": 100})


def _sheet_name(prefix: str, name: str, taken: set[str]) -> str:
    """A sheet name Excel takes: at most 31 characters, none of []:*?/\\, unique."""
    clean = re.sub(r"[\[\]:*?/\\']", " ", f"{prefix} {name}").strip()[:31]
    while clean in taken:
        clean = clean[:28] + f" {len(taken)}"
    taken.add(clean)
    return clean


def trials_sheet(name: str, result: SimulationResult) -> Sheet:
    """Every trial of ``result``: the uncertain inputs as drawn, the NPV, failures, the month of
    the first failure (0: none), switches (and voluntary exits under a trust policy), the switching
    spend and the up-front costs."""
    n = result.n_trials
    inputs = {k: np.asarray(v) for k, v in result.inputs.items()}
    if result.failures is not None:
        failures = np.bincount(np.asarray(result.failures[0], dtype=np.intp), minlength=n)[:n]
    else:
        failures = result.switches - (result.exits if result.exits is not None else 0)
    columns = {
        "trial": np.arange(1, n + 1),
        **inputs,
        "npv": result.npv,
        "failures": failures,
        "first_failure_month": result.first_failure_month,
        "switches": result.switches,
        **({"exits": result.exits} if result.exits is not None else {}),
        "switching_spend": result.switching_spend,
        "upfront": result.upfront,
    }
    names = list(columns)
    kinds = {c: kind_of(c) for c in inputs} | {c: "money" for c in ("npv", "switching_spend", "upfront")}
    kinds |= {c: "whole" for c in ("trial", "failures", "first_failure_month", "switches", "exits")}
    rows = zip(*(np.asarray(columns[c]).tolist() for c in names), strict=True)
    return Sheet(name, names, rows, kinds)


def _given_sheet(rows: Iterable[dict]) -> Sheet:
    rows = list(rows)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return Sheet("Parameters", columns, ([r.get(c) for c in columns] for r in rows))


def check_workbook_trials(n_trials: int) -> None:
    """A :class:`~outsourcing_risk.io.errors.SettingError` when the trials would not fit a sheet."""
    if n_trials > MAX_TRIAL_ROWS:
        from ..io.errors import SettingError

        raise SettingError(
            f"n_trials must be at most {MAX_TRIAL_ROWS:,} for a workbook: a sheet holds 1,048,576 rows "
            f"(got {n_trials:,}); run fewer trials, or leave out --xlsx"
        )


def job_scenario(parameters: dict) -> Scenario:
    """The scenario a batch row's report simulates, from the row's report parameters."""
    values = {("name" if k == NAME_PARAMETER else k): v for k, v in parameters.items()}
    return Scenario.from_dict({k: v for k, v in values.items() if k in FIELDS})


def report_workbook(
    outcomes: Sequence, summary: pd.DataFrame, n_trials: int, seed: int, table: str = ""
) -> bytes:
    """``summary.xlsx`` of a report batch: the cover, ``summary`` (``summary.csv``'s frame), the
    table's rows as given and, for every report written, its trials (its scenario simulated again
    with its seed and trials: the report's own numbers)."""
    check_workbook_trials(n_trials)
    taken = {"Cover", "Summary", "Parameters"}
    trials = [
        trials_sheet(
            _sheet_name(f"Trials {o.job.row}", o.job.name, taken),
            simulate(job_scenario(o.job.parameters), n_trials=n_trials, seed=seed),
        )
        for o in outcomes
        if o.status == "ok" or o.report
    ]
    sheets = [("Summary", "summary.csv: one row per table row, its status and figures")]
    sheets += [("Parameters", "the table's rows as given (row numbers as in Summary)")]
    sheets += [(t.name, "one report's trials: inputs as drawn, NPV, failures, switches") for t in trials]
    facts = [("seed", seed), ("trials per report", n_trials), ("table", table), ("rows", len(outcomes))]
    cover = _cover("Reports of a scenario table", facts, sheets)
    given = ({"row": o.job.row, **o.job.given} for o in outcomes)
    return workbook_bytes([cover, _frame_sheet("Summary", summary), _given_sheet(given), *trials])


def book_workbook(analysis) -> bytes:
    """``portfolio.xlsx`` of a book: the cover, the book's figures, ``contracts.csv``,
    ``vendors.csv``, the contracts as the book holds them and every trial of the book."""
    from ..present.portfolio_page import contracts_frame, vendors_frame

    book, result, summary = analysis.book, analysis.result, analysis.summary
    check_workbook_trials(result.n_trials)
    sheets = [
        ("Summary", "the book's figures (as the command prints them)"),
        ("Contracts", "contracts.csv: one row per contract"),
        ("Vendors", "vendors.csv: one row per vendor"),
        ("Parameters", "each contract: its vendor and what differs from the defaults"),
        ("Trials", "each trial: the book's NPV, each vendor's NPV and the month it collapsed"),
    ]
    facts = [("seed", summary["seed"]), ("trials", summary["n_trials"]), ("book", book.name)]
    facts += [("currency", book.currency), ("stress month", summary.get("stress_month"))]
    return workbook_bytes(
        [
            _cover(f"A book of contracts: {book.name}", facts, sheets),
            _frame_sheet("Summary", pd.DataFrame([summary])),
            _frame_sheet("Contracts", contracts_frame(analysis)),
            _frame_sheet("Vendors", vendors_frame(analysis)),
            _given_sheet(_contract_rows(book)),
            _book_trials(book, result),
        ]
    )


def _contract_rows(book) -> Iterable[dict]:
    defaults = Scenario().to_dict()
    for c in book.contracts:
        values = c.scenario.to_dict()
        changed = {k: v for k, v in values.items() if k != "name" and v != defaults[k]}
        yield {
            "name": c.scenario.name,
            "vendor": c.vendor,
            "vendor_group": c.group,
            "critical": "yes" if c.critical else "no",
            "notice_months": c.notice_months,
            "rto_months": c.rto_months,
            **changed,
        }


def _book_trials(book, result) -> Sheet:
    vendors = book.vendors
    horizon = book.horizon_months
    collapse = np.where(result.collapse > horizon, 0, result.collapse)  # 0: never within the horizon
    columns = [
        "trial",
        "book_npv",
        *(f"npv: {v}" for v in vendors),
        *(f"collapse month: {v}" for v in vendors),
    ]
    arrays = [np.arange(1, result.n_trials + 1), result.npv, *result.vendor_npv, *collapse]
    kinds = {c: ("whole" if c == "trial" or c.startswith("collapse") else "money") for c in columns}
    rows = zip(*(np.asarray(a).tolist() for a in arrays), strict=True)
    return Sheet("Trials", columns, rows, kinds, widths=dict.fromkeys(columns[1:], 16))


def export_workbook(subject, path: str | Path, *, n_trials: int = 20_000, seed: int = 0) -> Path:
    """Write one workbook of ``subject`` to ``path`` (atomically) and return the path.

    ``subject`` is a :class:`~outsourcing_risk.model.scenario.Scenario`, a list of them, a
    :class:`~outsourcing_risk.model.results.SimulationResult` (its own trials, seed and count), a
    :class:`~outsourcing_risk.model.portfolio.Book` (analysed with ``n_trials`` and ``seed``) or a
    :class:`~outsourcing_risk.analyses.portfolio.PortfolioAnalysis`. Sheets: a cover, the summary
    of each scenario, the parameters and each scenario's trials (a book's: see
    :func:`book_workbook`).

    >>> import tempfile, pathlib
    >>> from openpyxl import load_workbook
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = export_workbook(Scenario(name="Offshore"), pathlib.Path(tmp) / "o.xlsx", n_trials=200, seed=1)
    ...     load_workbook(out).sheetnames
    ['Cover', 'Summary', 'Parameters', 'Trials Offshore']
    """
    from ..analyses.portfolio import PortfolioAnalysis, analyse_portfolio
    from ..model.portfolio import Book

    if isinstance(subject, Book):
        subject = analyse_portfolio(subject, n_trials=n_trials, seed=seed)
    if isinstance(subject, PortfolioAnalysis):
        data = book_workbook(subject)
    else:
        data = _scenarios_workbook(subject, n_trials, seed)
    path = Path(path)
    write_atomic(path, data)
    return path


def _scenarios_workbook(subject, n_trials: int, seed: int) -> bytes:
    if isinstance(subject, SimulationResult):
        results = [subject]
    else:
        scenarios = [subject] if isinstance(subject, Scenario) else list(subject)
        if not scenarios or not all(isinstance(s, Scenario) for s in scenarios):
            raise TypeError(
                "export_workbook needs a Scenario, a list of Scenarios, a SimulationResult, a Book or a "
                f"PortfolioAnalysis (got {type(subject).__name__})"
            )
        check_workbook_trials(n_trials)
        results = [simulate(s, n_trials=n_trials, seed=seed) for s in scenarios]
    taken = {"Cover", "Summary", "Parameters"}
    trials = [trials_sheet(_sheet_name("Trials", r.scenario.name, taken), r) for r in results]
    summary = pd.DataFrame([{"scenario": r.scenario.name, **r.summary().to_dict()} for r in results])
    sheets = [("Summary", "each scenario's figures, as simulate() gives them")]
    sheets += [("Parameters", "each scenario's parameters (distributions as text)")]
    sheets += [(t.name, "one scenario's trials: inputs as drawn, NPV, failures, switches") for t in trials]
    facts = [("seed", results[0].seed), ("trials", results[0].n_trials)]
    return workbook_bytes(
        [
            _cover("Simulated scenarios", facts, sheets),
            _frame_sheet("Summary", summary),
            _given_sheet(r.scenario.to_dict() for r in results),
            *trials,
        ]
    )

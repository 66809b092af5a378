"""Vendor comparison: interview scorecards give each candidate's selection score; each
candidate's quote and failure risk go through the same simulation; a risk-adjusted ranking."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..io.rows import column_problems, is_blank, name_problems, place_of, read_cell_number
from ..model.scenario import (
    FIELDS,
    Scenario,
    ScenarioError,
    require_mapping,
    require_scenario,
    row_values,
    table_rows,
)
from ..model.simulation import simulate
from .weights import item_weights

__all__ = ["SCORECARD", "compare_vendors", "read_scorecard", "selection_score", "vendor_scenarios"]

#: The interview scorecard: items scored 1 (poor) to 5 (excellent).
SCORECARD = {
    "communication": "Communication: clear, prompt, proactive",
    "references": "References checked and convincing",
    "hours_overlap": "Working-hours overlap with your team",
    "cost_effectiveness": "Cost-effectiveness of the offer",
    "quality": "Quality of work samples and test task",
}
SCORE_MIN, SCORE_MAX = 1, 5


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    return item_weights(weights, SCORECARD, "scorecard item", "the scorecard weights")


def selection_score(scores: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    """``selection_score`` (0–1) from a scorecard of 1–5 marks: the weighted mean mapped 1 → 0, 5 → 1.

    Examples
    --------
    >>> marks = {"communication": 5, "references": 5, "hours_overlap": 5, "cost_effectiveness": 1, "quality": 1}
    >>> round(selection_score(marks, weights={"quality": 3}), 3)
    0.429
    """
    require_mapping(scores, "scores", "a mapping {scorecard item: mark from 1 to 5}")
    _marks, problems = read_scorecard({k: scores.get(k) for k in SCORECARD})
    missing = [k for k in SCORECARD if k not in scores]
    if missing:
        problems = [
            f"the scorecard misses {', '.join(missing)}: give a mark from 1 to 5 for each of {', '.join(SCORECARD)}"
        ]
    if problems:
        raise ScenarioError(problems, "the scorecard")
    w = _weights(weights)
    total = sum(w.values())
    return sum(w[k] * (float(scores[k]) - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) for k in SCORECARD) / total


def vendor_scenarios(
    vendors: pd.DataFrame, base: Scenario | None = None, weights: Mapping[str, float] | None = None
) -> list[tuple[Scenario, dict[str, float]]]:
    """Validate a vendor table and turn each row into (scenario, scorecard).

    Every problem of every row and column is reported at once in one :class:`ScenarioError`;
    rows are numbered from 1, the first row under the header.
    """
    if not isinstance(vendors, pd.DataFrame):
        raise TypeError(
            f"vendors must be a pandas DataFrame such as load_vendors() (got {type(vendors).__name__})"
        )
    if vendors.empty:
        raise ScenarioError(
            ["the vendor table has no rows: add one row per candidate vendor"], "the vendor table"
        )
    base = Scenario() if base is None else require_scenario(base, "base")
    w = _weights(weights)
    place = place_of(vendors)
    problems = column_problems(
        vendors.columns,
        [*FIELDS, *SCORECARD],
        required=("name", *SCORECARD),
        unknown="column {!r} is neither a scorecard item nor a scenario parameter",
        place=place,
    )
    if problems:
        raise ScenarioError(problems, "the vendor table's columns")
    rows, formats = table_rows(vendors)
    names, problems = name_problems([row.get("name") for row in rows], place)
    problems += formats
    out: list[tuple[Scenario, dict[str, float]]] = []
    for i, (row, name) in enumerate(zip(rows, names, strict=True), start=1):
        scores, found = read_scorecard(row)
        overrides = row_values(row, found)
        overrides["name"] = name
        try:
            scenario = base.replace(**overrides)
        except ScenarioError as exc:
            found.extend(exc.problems)
        problems.extend(place.located(i, p, vendors.columns, name) for p in found)
        if not found and name:
            out.append((scenario.replace(selection_score=selection_score(scores, w)), scores))
    if problems:
        raise ScenarioError(problems, "the vendor table")
    return out


def read_scorecard(row: Mapping) -> tuple[dict[str, float], list[str]]:
    """The 1–5 marks of a table row (the valid ones), and a problem line for each mark that is
    not one: the marks are all there exactly when there is no problem. Marks are numbers as
    people write them (:func:`~outsourcing_risk.io.rows.read_cell_number`)."""
    marks: dict[str, float] = {}
    problems: list[str] = []
    for item in SCORECARD:
        value, _ = read_cell_number(row[item]) if not is_blank(row[item]) else (None, "")
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            problems.append(f"{item} must be a score from 1 to 5 (got {row[item]!r})")
            continue
        marks[item] = value
    return marks, problems


def compare_vendors(
    vendors: pd.DataFrame,
    base: Scenario | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    risk_aversion: float = 0.25,
    n_trials: int = 20_000,
    seed: int = 0,
    **simulate_kwargs,
) -> pd.DataFrame:
    """Rank candidate vendors by risk-adjusted NPV.

    Each row of ``vendors`` (see ``data/vendors.csv``) overrides ``base`` with its own columns
    (quote, failure probability, …) and gets ``selection_score`` from its scorecard. All vendors
    share their random numbers. The ranking score is
    ``(1 − risk_aversion) · mean NPV + risk_aversion · CVaR 5 %``: 0 ranks on expected value alone,
    1 on the worst 5 % alone. Returns a DataFrame indexed by vendor name, best first.
    """
    if not (isinstance(risk_aversion, int | float) and 0 <= risk_aversion <= 1):
        raise ValueError(f"risk_aversion must be in [0, 1] (got {risk_aversion!r})")
    rows = []
    for scenario, scores in vendor_scenarios(vendors, base, weights):
        summary = simulate(scenario, n_trials=n_trials, seed=seed, **simulate_kwargs).summary()
        rows.append(
            {
                "vendor": scenario.name,
                "score": (1 - risk_aversion) * summary["mean_npv"] + risk_aversion * summary["cvar5"],
                "mean_npv": summary["mean_npv"],
                "se_npv": summary["se_npv"],
                "p_loss": summary["p_loss"],
                "cvar5": summary["cvar5"],
                "p_failure": summary["p_failure"],
                "selection_score": scenario.selection_score,
                "vendor_monthly_fee": scenario.vendor_monthly_fee,
                "vendor_failure_prob_annual": scenario.vendor_failure_prob_annual,
                "notes": scenario.notes,
                **scores,
            }
        )
    table = pd.DataFrame(rows).set_index("vendor").sort_values("score", ascending=False)
    table.insert(0, "rank", range(1, len(table) + 1))
    table.attrs["risk_aversion"] = risk_aversion
    return table

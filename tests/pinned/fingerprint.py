"""The numbers the workbook ships, as hashes: every shipped scenario's trials, the vendor table's,
the trust-over-time engine on worlds away from the defaults, a correlated run, both example books,
a what-if grid and the analyses a report draws. ``tests/pinned/test_pinned.py`` holds today's
package to ``numbers.json``; a change meant to keep the numbers (a refactor) must leave every hash
as it is. Regenerate only when an issue says a number was wrong, and say so in the commit:

    .venv/bin/python tests/pinned/fingerprint.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
PINNED = HERE / "numbers.json"

TRIALS = 12_000  # two blocks of 10,000: the second block's streams are pinned too
SEED = 2026


#: The columns pinned of each analysis's table (today's): new columns may be added freely.
POLICY_COLUMNS = (
    "mean_npv",
    "se_npv",
    "p_loss",
    "cvar5",
    "p_voluntary_exit",
    "mean_trust",
    "p_failure",
    "gain",
    "se_gain",
)
VENDOR_COLUMNS = (
    "contracts",
    "critical_contracts",
    "annual_spend",
    "spend_share",
    "hhi_part",
    "p_vendor_fails",
    "worst5_share",
    "stress_loss",
    "stress_loss_se",
)
CONTRACT_COLUMNS = (
    "critical",
    "annual_spend",
    "mean_npv",
    "se_npv",
    "p_loss",
    "p_failure",
    "expected_switches",
    "notice_months",
    "p_exit_within_notice",
    "rto_months",
    "p_disruption_over_rto",
    "exit_plan_value",
    "exit_plan_value_se",
)
BOOK_SUMMARY = ("mean_npv", "se_npv", "p_loss", "cvar5", "p5", "p50", "p95", "hhi", "contracts", "vendors")


def digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(np.asarray(a))
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:24]


def frame_digest(frame: pd.DataFrame, columns) -> str:
    """The named columns only: an analysis may gain columns without changing its numbers."""
    return digest(frame[list(columns)].to_numpy(dtype=float), np.asarray([str(i) for i in frame.index]))


def _result_digest(result) -> str:
    parts = [result.npv, result.path, result.first_failure_month, result.switches, result.switching_spend]
    parts += [result.inputs[k] for k in sorted(result.inputs)]
    if getattr(result, "trust_path", None) is not None:
        parts += [result.exits, result.left_good, result.kept_bad, result.first_quality, result.trust_path]
    return digest(*parts)


def shipped_scenarios():
    from outsourcing_risk import load_scenarios, scenarios_from_table

    return scenarios_from_table(load_scenarios())


def adaptive_worlds():
    """Trust over time away from the defaults: a ramp, a trigger, vendors that differ, both policies
    after a failure, an uncertain input and scope creep."""
    from outsourcing_risk import Pert, Scenario

    base = Scenario(name="world", vendor_monthly_fee=Pert(61_000, 68_500, 83_000), scope_creep_annual=0.17)
    return {
        "ramp": base.replace(
            trust_policy="ramp", trust=0.35, trust_step=0.15, trust_cut=0.25, trust_ceiling=0.85
        ),
        "trigger": base.replace(exit_trigger_incidents=3, exit_trigger_window=9, incident_rate_max=0.41),
        "spread": base.replace(vendor_quality_spread=0.8, after_failure="insource"),
        "all": base.replace(
            trust_policy="ramp",
            trust=0.45,
            exit_trigger_incidents=2,
            exit_trigger_window=7,
            vendor_quality_spread=1.1,
            switching_months=0,
            incident_rate_max=0.33,
        ),
    }


def compute() -> dict[str, str]:
    from outsourcing_risk import compare_policies, exit_strategy_value, simulate, tornado
    from outsourcing_risk.analyses.portfolio import analyse_portfolio
    from outsourcing_risk.analyses.vendors import vendor_scenarios
    from outsourcing_risk.analyses.whatif import grid_numbers
    from outsourcing_risk.io.data import data_dir, load_scenarios, load_vendors
    from outsourcing_risk.model.portfolio import book_from_table, simulate_book

    out: dict[str, str] = {}
    scenarios = shipped_scenarios()
    for s in scenarios:
        out[f"scenario/{s.name}"] = _result_digest(simulate(s, TRIALS, SEED))
    for name, s in adaptive_worlds().items():
        out[f"adaptive/{name}"] = _result_digest(simulate(s, TRIALS, SEED + 1))
    uncertain = scenarios[-1]
    out["correlated"] = _result_digest(
        simulate(
            uncertain,
            3_000,
            7,
            correlation={("vendor_monthly_fee", "vendor_failure_prob_annual"): -0.4},
        )
    )
    for s, _ in vendor_scenarios(load_vendors()):
        out[f"vendor/{s.name}"] = _result_digest(simulate(s, 3_000, SEED))
    for table, capacity in (("portfolio.csv", None), ("portfolio_bank.csv", 2)):
        book = book_from_table(load_scenarios(data_dir() / table), capacity=capacity)
        r = simulate_book(book, 12_000, SEED, keep_months=True)
        out[f"book/{table}"] = digest(r.npv, r.vendor_npv, r.first_failure, r.collapse)
        a = analyse_portfolio(book, n_trials=4_000, seed=SEED)
        out[f"book-analysis/{table}"] = digest(
            np.asarray([a.summary[k] for k in BOOK_SUMMARY], dtype=float),
            a.vendors[list(VENDOR_COLUMNS)].to_numpy(dtype=float),
            a.contracts[list(CONTRACT_COLUMNS)].to_numpy(dtype=float),
        )
    grid = grid_numbers(scenarios[1], 2_000, SEED)
    out["whatif/Nearshore"] = hashlib.sha256(
        json.dumps(grid, sort_keys=True, default=str).encode()
    ).hexdigest()[:24]
    s = scenarios[0]
    out["tornado/Offshore"] = frame_digest(
        tornado(s, n_trials=2_000, seed=SEED, progress=False),
        ("value", "low", "high", "npv_low", "npv_high", "swing"),
    )
    out["exit/Offshore"] = frame_digest(
        exit_strategy_value(s, 1.0, n_trials=2_000, seed=SEED, progress=False),
        ("mean_npv", "p_loss", "cvar5", "p5", "value", "se_value"),
    )
    policies = compare_policies(adaptive_worlds()["spread"], n_trials=4_000, seed=SEED)
    out["policies/spread"] = frame_digest(policies, POLICY_COLUMNS)
    return out


if __name__ == "__main__":
    numbers = compute()
    if "--write" in sys.argv:
        PINNED.write_text(json.dumps(numbers, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(numbers)} hashes to {PINNED}")
    else:
        print(json.dumps(numbers, indent=1, sort_keys=True))

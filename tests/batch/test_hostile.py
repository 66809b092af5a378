"""A corpus of hostile input: broken tables for the batch command (tests/hostile/tables.toml) and
bad arguments for the Python API. Each ends in one clear message that names the row, column or
argument — never a traceback from deep inside, never a silently shifted or ignored value."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from outsourcing_risk import (
    SCORECARD,
    Scenario,
    checklist_costs,
    clarity_from_checklist,
    compare_vendors,
    exit_strategy_value,
    grid,
    selection_score,
    simulate,
    sweep,
    tornado,
    trust_curve,
)
from outsourcing_risk.cli import main

CASES = tomllib.loads((Path(__file__).parent / "hostile" / "tables.toml").read_text())["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_a_hostile_table_is_refused_with_one_clear_message(case, tmp_path, capsys):
    table = tmp_path / "table.csv"
    if "hex" in case:
        table.write_bytes(bytes.fromhex(case["hex"]))
    else:
        table.write_text(case["table"], encoding="utf-8", newline="")
    out = tmp_path / "out"
    code = main(["report", str(table), "--out", str(out), "--trials", "200", "--quiet"])
    err = capsys.readouterr().err
    assert code == case["exit"], err
    assert case["message"] in err, err
    assert "Traceback" not in err
    if code == 2:
        assert not out.exists() or not any(out.iterdir()), "nothing is written before a refusal"
    else:
        summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
        assert set(summary.status) == {"failed"}
        assert not list(out.glob("*-*.html")), "no report for a refused row"


_MARKS = dict.fromkeys(SCORECARD, 3)
_EMPTY_VENDORS = pd.DataFrame(columns=["name", *SCORECARD])

API = [
    (
        "from-dict-none",
        lambda: Scenario.from_dict(None),
        TypeError,
        "Scenario.from_dict's argument must be a mapping",
    ),
    ("from-dict-list", lambda: Scenario.from_dict([("trust", 1)]), TypeError, "must be a mapping"),
    (
        "scenario-list-value",
        lambda: Scenario(trust=[1]),
        ValueError,
        "trust must be a number in [0, 1] or a distribution",
    ),
    ("scenario-bool", lambda: Scenario(trust=True), ValueError, "trust must be a number"),
    (
        "scenario-unknown",
        lambda: Scenario(trsut=0.5),
        ValueError,
        "unknown parameter 'trsut' (did you mean 'trust'?)",
    ),
    (
        "scenario-currency",
        lambda: Scenario(currency="<b>€</b>"),
        ValueError,
        "currency must be a three-letter code",
    ),
    ("simulate-dict", lambda: simulate({"trust": 0.5}), TypeError, "simulate needs a Scenario"),
    (
        "simulate-trials",
        lambda: simulate(Scenario(), n_trials=2.5),
        TypeError,
        "n_trials must be a whole number",
    ),
    (
        "simulate-seed",
        lambda: simulate(Scenario(), n_trials=10, seed=-1),
        ValueError,
        "seed must be a whole number ≥ 0",
    ),
    ("compare-none", lambda: compare_vendors(None), TypeError, "vendors must be a pandas DataFrame"),
    ("compare-empty", lambda: compare_vendors(_EMPTY_VENDORS), ValueError, "the vendor table has no rows"),
    (
        "compare-risk",
        lambda: compare_vendors(_EMPTY_VENDORS, risk_aversion=2),
        ValueError,
        "risk_aversion must be in [0, 1]",
    ),
    (
        "compare-base",
        lambda: compare_vendors(pd.DataFrame([{"name": "V", **_MARKS}]), base="x"),
        TypeError,
        "base must be a Scenario",
    ),
    (
        "selection-partial",
        lambda: selection_score({"quality": 3}),
        ValueError,
        "the scorecard misses communication",
    ),
    ("selection-none", lambda: selection_score(None), TypeError, "scores must be a mapping"),
    (
        "selection-mark",
        lambda: selection_score({**_MARKS, "quality": 9}),
        ValueError,
        "quality must be a score from 1 to 5",
    ),
    (
        "selection-weights-list",
        lambda: selection_score(_MARKS, weights=[1, 2]),
        TypeError,
        "weights must be a mapping",
    ),
    (
        "selection-weights-unknown",
        lambda: selection_score(_MARKS, weights={"qualty": 2}),
        ValueError,
        "unknown scorecard item 'qualty'",
    ),
    ("tornado-string", lambda: tornado(Scenario(), "trust"), TypeError, "did you mean ['trust']"),
    ("tornado-scenario", lambda: tornado(None), TypeError, "scenario must be a Scenario"),
    (
        "tornado-ranges",
        lambda: tornado(Scenario(), [], ranges={"trust": 0.5}),
        TypeError,
        "ranges['trust'] must be a pair",
    ),
    ("tornado-unknown", lambda: tornado(Scenario(), ["trsut"]), ValueError, "unknown parameter 'trsut'"),
    (
        "sweep-values-none",
        lambda: sweep(Scenario(), "trust", None),
        TypeError,
        "the values of trust must be a list",
    ),
    (
        "sweep-values-dict",
        lambda: sweep(Scenario(), "trust", {"a": 1}),
        TypeError,
        "must be a list of numbers",
    ),
    (
        "sweep-values-empty",
        lambda: sweep(Scenario(), "trust", []),
        ValueError,
        "give at least one value for trust",
    ),
    (
        "sweep-parameter",
        lambda: sweep(Scenario(), 3, [0.1]),
        TypeError,
        "the parameter must be a name such as 'trust'",
    ),
    ("sweep-scenario", lambda: sweep(None, "trust", [0.5]), TypeError, "scenario must be a Scenario"),
    (
        "sweep-bad-value",
        lambda: sweep(Scenario(), "trust", [0.5, 3], n_trials=10),
        ValueError,
        "trust must be in [0, 1] (got 3)",
    ),
    ("grid-same", lambda: grid(Scenario(), x="trust", y="trust"), ValueError, "two different parameters"),
    (
        "grid-values",
        lambda: grid(Scenario(), x_values=None, y_values=3, n_trials=10),
        TypeError,
        "must be a list of numbers",
    ),
    ("trust-curve-scenario", lambda: trust_curve("base"), TypeError, "scenario must be a Scenario"),
    (
        "exit-levels",
        lambda: exit_strategy_value(Scenario(), levels="abc"),
        TypeError,
        "levels must be a list of readiness levels",
    ),
    (
        "exit-readiness",
        lambda: exit_strategy_value(Scenario(), 2, n_trials=10),
        ValueError,
        "exit_readiness must be in [0, 1] (got 2)",
    ),
    (
        "checklist-none",
        lambda: clarity_from_checklist(None),
        TypeError,
        "ticked must be a list of checklist items",
    ),
    ("checklist-string", lambda: clarity_from_checklist("schedule"), TypeError, "ticked must be a list"),
    (
        "checklist-unknown",
        lambda: clarity_from_checklist(["shedule"]),
        ValueError,
        "unknown checklist item 'shedule'",
    ),
    ("checklist-costs-scenario", lambda: checklist_costs(None, []), TypeError, "scenario must be a Scenario"),
    (
        "checklist-weights",
        lambda: clarity_from_checklist([], weights=[1]),
        TypeError,
        "weights must be a mapping",
    ),
]


@pytest.mark.parametrize(("case", "call", "error", "message"), API, ids=[c[0] for c in API])
def test_a_bad_api_call_names_the_argument(case, call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)

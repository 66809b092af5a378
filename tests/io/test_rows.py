"""One way in (issue 31, goal 3): every table kind reads names, blanks, unknown columns, yes and
no, and numbers by the same rules, every user error derives from one class, and n_trials and seed
are checked by one function everywhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outsourcing_risk import Scenario, simulate
from outsourcing_risk.analyses.vendors import SCORECARD, vendor_scenarios
from outsourcing_risk.io.errors import (
    MIN_REPORT_TRIALS,
    MissingFileError,
    OutsourcingRiskError,
    SettingError,
    check_trials,
)
from outsourcing_risk.io.rows import NO, YES, column_problems, yes_no
from outsourcing_risk.model.portfolio import book_from_table, simulate_book
from outsourcing_risk.model.scenario import ScenarioError, scenarios_from_table

MARKS = dict.fromkeys(SCORECARD, "3")


def _scenarios(names, **columns):
    return scenarios_from_table(pd.DataFrame({"name": names, **columns}))


def _vendors(names, **columns):
    return vendor_scenarios(
        pd.DataFrame({"name": names, **{k: [v] * len(names) for k, v in MARKS.items()}, **columns})
    )


def _book(names, **columns):
    return book_from_table(pd.DataFrame({"name": names, "vendor": ["V"] * len(names), **columns}))


def _jobs(tmp_path, names, **columns):
    from outsourcing_risk.batch.runner import load_jobs

    path = tmp_path / "t.csv"
    pd.DataFrame({"name": names, **columns}).to_csv(path, index=False)
    return load_jobs(path, 100, 1)


KINDS = {
    "scenarios": lambda _t, names, **c: _scenarios(names, **c),
    "vendors": lambda _t, names, **c: _vendors(names, **c),
    "book": lambda _t, names, **c: _book(names, **c),
    "batch": _jobs,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("twin", ["A\u200b", "A\u00a0", " A ", "A\ufeff"])
def test_a_name_and_its_invisible_twin_are_one_name_to_every_table(kind, twin, tmp_path):
    """Before, "A" and "A" + zero-width space were one name to the batch and the book but two to
    vendor_scenarios and scenarios_from_table."""
    with pytest.raises(ScenarioError, match=r"row 2 \('A'\): name .* (repeats|looks the same as) row 1"):
        KINDS[kind](tmp_path, ["A", twin])


@pytest.mark.parametrize("kind", KINDS)
def test_a_name_of_invisible_characters_is_blank_to_every_table(kind, tmp_path):
    with pytest.raises(ScenarioError, match=r"row 2 has no name \(only invisible characters\)"):
        KINDS[kind](tmp_path, ["A", "\u200b\u200d"])


@pytest.mark.parametrize("kind", KINDS)
def test_numbers_are_read_by_one_rule_in_every_table(kind, tmp_path):
    """60,000 is sixty thousand everywhere (io.numbers); 350.000 reads two ways and is refused."""
    read = KINDS[kind](tmp_path, ["A"], switching_cost=["60,000"])
    if kind == "batch":
        assert read[0].error == ""
        assert read[0].parameters["switching_cost"] == 60_000
    elif kind == "book":
        assert read.contracts[0].scenario.switching_cost == 60_000
    else:
        first = read[0][0] if kind == "vendors" else read[0]
        assert first.switching_cost == 60_000
    if kind == "batch":
        (job,) = _jobs(tmp_path, ["A"], switching_cost=["350.000"])
        assert job.error.startswith('switching_cost "350.000" could be 350 or 350,000')
        return
    with pytest.raises(
        ScenarioError, match=r"row 1 \('A'\): switching_cost \"350.000\" could be 350 or 350,000"
    ):
        KINDS[kind](tmp_path, ["A"], switching_cost=["350.000"])


def test_the_same_scenario_from_every_table_kind(tmp_path):
    """A row read as a scenario, a vendor's base, a contract or a batch job is the same scenario."""
    cells = {
        "trust": ["0.35"],
        "switching_cost": ["250,000"],
        "vendor_failure_prob_annual": ["pert(0.02, 0.05, 0.2)"],
    }
    (scenario,) = _scenarios(["Same"], **cells)
    book = _book(["Same"], **cells)
    (job,) = _jobs(tmp_path, ["Same"], **cells)
    assert book.contracts[0].scenario == scenario
    assert (
        Scenario.from_dict({k: v for k, v in job.parameters.items() if k in cells} | {"name": "Same"})
        == scenario
    )


def test_yes_and_no_are_one_vocabulary():
    from outsourcing_risk.workbook.papermill import read_flag

    for word in YES:
        assert yes_no(word.upper()) is True
        assert read_flag("whatif", word) is True
        assert _book(["A"], critical=[word]).contracts[0].critical is True
    for word in NO:
        assert yes_no(f" {word} ") is False
        assert read_flag("whatif", word) is False
        assert _book(["A"], critical=[word]).contracts[0].critical is False
    with pytest.raises(
        ScenarioError, match=r"critical must be yes or no \(got 'maybe'\): yes, y, true, on, 1"
    ):
        _book(["A"], critical=["maybe"])


def test_progress_bars_hear_the_same_yes(monkeypatch):
    from outsourcing_risk.io.environment import progress_disabled

    for word, off in (("on", True), ("Y", True), ("0", False), ("", False), ("maybe", False)):
        monkeypatch.setenv("TQDM_DISABLE", word)
        assert progress_disabled() is off, word


def test_many_unknown_columns_are_summarised():
    """500 unknown columns printed 500 lines: now the first five and a count."""
    columns = ["name", *(f"junk{i}" for i in range(500))]
    problems = column_problems(columns, ["name", "trust"])
    assert len(problems) == 6
    assert problems[-1].startswith("and 495 more unknown columns: 'junk5', 'junk6'")
    with pytest.raises(ScenarioError) as info:
        scenarios_from_table(pd.DataFrame(columns=columns, data=[["A", *["1"] * 500]]))
    assert len(info.value.problems) == 6


def test_every_user_error_derives_from_one_class():
    from outsourcing_risk.batch.dask_pool import SchedulerError
    from outsourcing_risk.batch.output_folder import OutputError
    from outsourcing_risk.io.examples import ExampleError
    from outsourcing_risk.io.incident_log import IncidentLogError
    from outsourcing_risk.io.numbers import NumberError
    from outsourcing_risk.io.tables import TableError
    from outsourcing_risk.workbook.app import AppError

    for cls in (ScenarioError, TableError, IncidentLogError, NumberError, OutputError, SchedulerError,
                ExampleError, AppError, MissingFileError, SettingError):  # fmt: skip
        assert issubclass(cls, OutsourcingRiskError), cls
    # each keeps the built-in class its callers caught
    assert issubclass(ScenarioError, ValueError)
    assert issubclass(TableError, ValueError)
    assert issubclass(OutputError, OSError)
    assert issubclass(MissingFileError, FileNotFoundError)
    assert OutputError(28, "no space").errno == 28


@pytest.mark.parametrize(
    ("call", "least"),
    [
        (lambda n: simulate(Scenario(), n_trials=n, seed=1), 1),
        (lambda n: simulate_book(_book(["A"]), n_trials=n, seed=1), 1),
        (lambda n: check_trials(n, MIN_REPORT_TRIALS), MIN_REPORT_TRIALS),
    ],
)
@pytest.mark.parametrize("bad", [2.5, "10", True, 0, -3])
def test_n_trials_is_one_check_with_one_error_type(call, least, bad):
    """A non-integer n_trials was a TypeError in simulate and a ValueError in simulate_book (whose
    message named a function that does not exist): now one SettingError, both a TypeError and a
    ValueError, with one message."""
    with pytest.raises(SettingError) as info:
        call(bad)
    assert str(info.value).startswith(f"n_trials must be a whole number ≥ {least}")
    assert str(info.value).endswith(f"(got {bad!r})")
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("bad", [-1, 1.0, "3"])
def test_seed_is_one_check_with_one_error_type(bad):
    for call in (
        lambda: simulate(Scenario(), n_trials=10, seed=bad),
        lambda: simulate_book(_book(["A"]), n_trials=10, seed=bad),
    ):
        with pytest.raises(SettingError, match=rf"seed must be a whole number ≥ 0 \(got {bad!r}\)"):
            call()


def test_numpy_whole_numbers_are_whole_numbers():
    assert simulate(Scenario(), n_trials=np.int64(10), seed=np.int32(1)).n_trials == 10


def test_the_report_notebooks_parameters_and_the_batch_hold_the_report_rule(tmp_path):
    from outsourcing_risk.batch.runner import load_jobs
    from outsourcing_risk.workbook.papermill import scenario_from_parameters

    rule = f"n_trials must be a whole number ≥ {MIN_REPORT_TRIALS}: a report compares policies by their spread (got 1)"
    with pytest.raises(ScenarioError) as info:
        scenario_from_parameters({"n_trials": 1, "seed": 0})
    assert info.value.problems == [rule]
    (tmp_path / "t.csv").write_text("name\nA\n")
    with pytest.raises(SettingError, match=rule.replace("(", r"\(").replace(")", r"\)")):
        load_jobs(tmp_path / "t.csv", 1, 0)

"""Simulated incident logs: what they hold, and the shipped example made by its documented process."""

from scipy import stats

from outsourcing_risk.analyses.incident_simulation import EXAMPLE, example_incident_log, simulate_incident_log
from outsourcing_risk.io.data import data_dir
from outsourcing_risk.io.incident_log import read_incident_log


def test_the_shipped_example_is_exactly_what_its_documented_process_makes():
    shipped = (data_dir() / "incident_log_example.csv").read_text()
    assert shipped == example_incident_log()
    assert shipped.startswith("# ILLUSTRATIVE incident log: simulated from known parameters; not real data.")
    log = read_incident_log(data_dir() / "incident_log_example.csv")
    assert 100 <= len(log.incidents) <= 300
    assert set(log.incidents["vendor"]) == set(EXAMPLE["rates"])
    assert log.is_open.sum() >= 1


def test_a_simulated_log_is_a_log_the_reader_takes_and_is_seeded():
    log = simulate_incident_log({"A": 4.0, "B": 1.0}, 6, costs=stats.gamma(2.0, scale=100.0), seed=3)
    assert log.equals(
        simulate_incident_log({"A": 4.0, "B": 1.0}, 6, costs=stats.gamma(2.0, scale=100.0), seed=3)
    )
    read = read_incident_log(log, as_of="2025-07-01T00:00")
    still_open = read.is_open
    assert (log.loc[still_open, "cost"] == "").all()  # an open incident has no final cost yet
    assert (read.incidents["opened"] >= read.incidents["opened"].min()).all()
    days = simulate_incident_log({"A": 4.0}, 6, dates_only=True, seed=3)
    assert read_incident_log(days).dates_only

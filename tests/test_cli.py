import re
from pathlib import Path

import pytest

from outsourcing_risk.cli import main


def test_kpis_prints_one_row_per_scenario(capsys, tmp_path):
    table = tmp_path / "s.csv"
    table.write_text("name,trust\nCautious,0.3\nTrusting,0.9\n")
    assert main(["kpis", str(table), "--trials", "2000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Cautious" in out
    assert "Trusting" in out
    assert "mean_npv" in out


def test_bad_table_exits_2_naming_row_and_parameter(capsys, tmp_path):
    table = tmp_path / "s.csv"
    table.write_text("name,trust\nok,0.3\nbad,7\n")
    assert main(["kpis", str(table), "--trials", "100"]) == 2
    err = capsys.readouterr().err
    assert "row 2 ('bad'): trust must be in [0, 1] (got 7)" in err


def test_missing_table_says_so(capsys, tmp_path):
    assert main(["kpis", str(tmp_path / "nope.csv")]) == 2
    assert "no table at" in capsys.readouterr().err


def test_the_package_and_the_light_commands_load_no_numerical_library():
    """`import outsourcing_risk`, `--version` and `params` answer at once: the public names load
    when first used (start-up times are in benchmarks/RESULTS.md, section Start-up)."""
    import subprocess
    import sys

    probe = (
        "import sys, io, contextlib\n"
        "import outsourcing_risk\n"
        "first = sorted(m for m in ('numpy', 'pandas', 'plotly') if m in sys.modules)\n"
        "from outsourcing_risk.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['params'])\n"
        "print(first, sorted(m for m in ('numpy', 'pandas', 'plotly', 'scipy') if m in sys.modules))\n"
        "from outsourcing_risk import Scenario, simulate, plots\n"
        "print(type(simulate(Scenario(), n_trials=10, seed=1)).__name__, plots.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert out.splitlines() == ["[] []", "SimulationResult outsourcing_risk.present.plots"]


def test_the_command_and_the_batch_hold_the_same_longest_timeout(capsys):
    from outsourcing_risk import cli
    from outsourcing_risk.batch.runner import MAX_TIMEOUT

    assert cli._WEEK == MAX_TIMEOUT
    for bad in ("1e308", "nan", "0", "-1", "soon"):
        with pytest.raises(SystemExit):
            main(["report", "t.csv", "--timeout", bad])
        assert "--timeout: must be a" in capsys.readouterr().err


# ----- outsourcing-risk fit: the incident inputs from an incident log -------------------------

EXAMPLE_MONTHS = [
    "--months",
    "Acme Offshore=36",
    "--months",
    "Beta Nearshore=36",
    "--months",
    "Gamma Boutique=24",
]


def _example_log():
    from outsourcing_risk.io.data import data_dir

    return str(data_dir() / "incident_log_example.csv")


def test_fit_writes_a_scenario_row_that_the_report_command_runs(capsys, tmp_path):
    import subprocess
    import sys

    import pandas as pd

    row, fits = tmp_path / "fitted.csv", tmp_path / "fits.csv"
    code = main(
        [
            "fit",
            _example_log(),
            "--as-of",
            "2025-07-01T00:00",
            *EXAMPLE_MONTHS,
            "--out",
            str(row),
            "--fits",
            str(fits),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "incidents in 96 vendor-months (3 vendors pooled)" in out
    assert "incident_rate_max" in out
    assert f"wrote {row}" in out
    table = pd.read_csv(row)
    assert list(table.columns) == ["name", "notes", "incident_rate_max", "incident_cost", "currency"]
    assert table["name"][0] == "Fitted from incident_log_example.csv"
    assert set(pd.read_csv(fits)["quantity"]) == {
        "incidents per vendor-month",
        "hours an incident lasts",
        "cost of an incident (USD)",
    }
    done = subprocess.run(
        [sys.executable, "-m", "outsourcing_risk.cli", "report", str(row), "--out", str(tmp_path / "reports"),
         "--trials", "2000", "--no-whatif", "--quiet", "--workers", "1"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = pd.read_csv(tmp_path / "reports" / "summary.csv")
    assert list(summary["status"]) == ["ok"]


def test_fit_refuses_a_bad_log_with_exit_2_naming_the_row_and_writes_nothing(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("id,vendor,opened,closed\nA1,Acme,2024-01-05,2024-01-03\nA2,Acme,2024-01-06,\n")
    out = tmp_path / "row.csv"
    assert main(["fit", str(log), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("outsourcing-risk: ")
    assert "row 1 (id 'A1'): closed '2024-01-05' is before" not in err
    assert "row 1 (id 'A1'): closed '2024-01-03' is before opened '2024-01-05'" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [log]  # no temporary file left either


def test_fit_says_too_few_incidents_instead_of_fitting(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "id,vendor,opened,closed\n" + "".join(f"A{i},Acme,2024-0{i}-05,2024-0{i}-06\n" for i in range(1, 8))
    )
    assert main(["fit", str(log), "--out", str(tmp_path / "row.csv")]) == 2
    assert "7 incidents are too few to fit: at least 10 are needed" in capsys.readouterr().err
    assert not (tmp_path / "row.csv").exists()


def test_fit_refuses_a_vendor_not_in_the_vendor_table(capsys, tmp_path):
    from outsourcing_risk.io.data import data_dir

    log = tmp_path / "log.csv"
    log.write_text("id,vendor,opened,closed\nA1,Acme Offshore,2024-01-05,\nA2,Acme Ofshore,2024-01-06,\n")
    assert main(["fit", str(log), "--vendors", str(data_dir() / "vendors.csv")]) == 2
    assert (
        "row 2 (id 'A2'): vendor 'Acme Ofshore' is not in the vendor list (did you mean 'Acme Offshore'?)"
        in (capsys.readouterr().err)
    )


def test_fit_guards_the_row_against_spreadsheet_formulas_and_prints_it_without_out(capsys, tmp_path):
    import csv
    import io

    from outsourcing_risk.analyses.incident_simulation import simulate_incident_log

    log = tmp_path / "log.csv"
    simulate_incident_log({'=HYPERLINK("x")': 2.0}, 12, seed=1).to_csv(log, index=False)
    assert (
        main(["fit", str(log), "--vendor", '=HYPERLINK("x")', "--months", "12", "--as-of", "2025-07-01"]) == 0
    )
    out = capsys.readouterr().out
    header = out.index("name,notes,incident_rate_max")
    (row,) = csv.DictReader(io.StringIO(out[header:]))
    assert row["name"] == '\'=HYPERLINK("x")'
    assert row["currency"] == "USD"


def test_fit_refuses_to_write_over_its_own_log(capsys, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("id,vendor,opened,closed\n")
    assert main(["fit", str(log), "--out", str(log)]) == 2
    assert "--out and --fits must name new files, not LOG nor each other" in capsys.readouterr().err
    assert log.read_text() == "id,vendor,opened,closed\n"


def test_fit_help_documents_the_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["fit", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--vendor",
        "--as-of",
        "--months",
        "--trust",
        "--goal-clarity",
        "--cost-per-hour",
        "--out",
        "--fits",
    ):
        assert option in out
    assert "Inputs from an incident log" in " ".join(out.split())


def test_the_first_run_says_in_one_line_what_it_sets_up_in_git_and_how_to_undo_it(tmp_path):
    """Found from outside: `make report` set git filters and installed a pre-commit hook in
    silence (the README said so only far below)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.skip("needs make and git")
    root = Path(__file__).resolve().parents[1]
    venv = Path(sys.executable).parent.parent
    subprocess.run(["git", "-C", str(tmp_path), "init", "-q"], check=True)

    def make(target):
        return subprocess.run(
            ["make", "--no-print-directory", "-C", str(root), target, f"REPO={tmp_path}", f"VENV={venv}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()

    def clean_filter():
        return subprocess.run(
            ["git", "-C", str(tmp_path), "config", "--get", "filter.nbstripout.clean"],
            capture_output=True,
            check=False,
        ).returncode

    said = make("git-filter")
    assert len(said) == 1, said
    assert "a filter that keeps their outputs out of commits, and a pre-commit hook" in said[0]
    assert "undo: make unset-git-filter" in said[0]
    assert clean_filter() == 0
    assert (tmp_path / ".git" / "hooks" / "pre-commit").exists()
    make("unset-git-filter")
    assert clean_filter() == 1, "the undo it names undoes it"
    assert not (tmp_path / ".git" / "hooks" / "pre-commit").exists()


def test_kpis_prints_each_figure_as_the_reports_do(capsys, tmp_path):
    """Found from outside: money with three decimals and "breakeven_month 12.000"."""
    table = tmp_path / "s.csv"
    table.write_text("name,currency\nCautious,EUR\n")
    assert main(["kpis", str(table), "--trials", "2000", "--seed", "1"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Cautious"))
    assert re.search(r"EUR [-−]?[\d,]+ ", row), row
    assert re.search(r"\d+\.\d%", row), row
    assert re.search(r"month \d+", row), row
    assert not re.search(r"\.\d{3}\b", row), "no figure with three decimals"


def test_the_book_says_its_figures_as_the_reports_do(capsys, tmp_path):
    """Found from outside: "1 contracts, 1 vendors" and "618,307 USD" where reports write "USD 618,307"."""
    table = tmp_path / "book.csv"
    table.write_text("name,vendor\nPayroll,Acme\n")
    assert main(["portfolio", str(table), "--out", str(tmp_path / "out"), "--trials", "300"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(
        r"1 contract, 1 vendor: mean saving USD -?[\d,]+, chance of a loss \d+\.\d%, HHI [\d,]+ by vendor",
        first,
    ), first


def test_a_report_needs_two_trials_and_the_command_says_so_first(capsys, tmp_path):
    """Found from outside: --trials 1 passed the command's check, then every row failed with
    "must be ≥ 2". One rule, checked once, before anything runs."""
    from outsourcing_risk.batch.runner import MIN_REPORT_TRIALS, load_jobs
    from outsourcing_risk.cli import _MIN_REPORT_TRIALS

    assert _MIN_REPORT_TRIALS == MIN_REPORT_TRIALS == 2
    with pytest.raises(SystemExit):
        main(["report", "t.csv", "--trials", "1", "--out", str(tmp_path / "out")])
    assert (
        "--trials: must be a whole number ≥ 2: a report compares policies by their spread (got 1)"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match=r"n_trials must be a whole number ≥ 2"):
        load_jobs(tmp_path / "t.csv", 1, 0)


def test_many_unknown_columns_are_summarised(capsys, tmp_path):
    """Found from outside: 500 unknown columns printed 500 lines."""
    table = tmp_path / "wide.csv"
    columns = [f"col{i}" for i in range(500)]
    table.write_text("name," + ",".join(columns) + "\nA," + ",".join("1" * 500) + "\n")
    assert main(["report", str(table), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "problems in the table wide.csv" in err
    assert "and 495 more unknown columns" in err
    assert len(err.splitlines()) < 20


def test_names_and_notes_have_a_length_limit_in_every_table_and_the_api(capsys, tmp_path):
    """Found from outside: a 10 MiB vendor name made a 64 MB page that Chromium could not load."""
    from outsourcing_risk import Scenario
    from outsourcing_risk.model.scenario import ScenarioError

    table = tmp_path / "book.csv"
    table.write_text("name,vendor\nPayroll," + "V" * (10 << 20) + "\n")
    assert main(["portfolio", str(table), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "row 1 (line 2), column 'vendor': 10,485,760 characters, at most 200" in err
    assert not (tmp_path / "out").exists()
    table.write_text("name,notes\n" + "N" * 201 + ",fine\n")
    assert main(["report", str(table), "--out", str(tmp_path / "out")]) == 2
    assert "column 'name': 201 characters, at most 200" in capsys.readouterr().err
    Scenario(name="N" * 200, notes="n" * 10_000)
    with pytest.raises(ScenarioError, match=r"name must be at most 200 characters \(got 10,485,760\)"):
        Scenario(name="N" * (10 << 20))


def test_a_book_too_large_for_the_machine_is_refused_at_once_with_an_estimate(capsys, tmp_path):
    """Found from outside: a book of 100,000 contracts ran past 240 s at 10 GB and growing. As a
    2000 × 2000 grid, it is now refused in milliseconds with what it would cost."""
    import time

    from outsourcing_risk.io.data import data_dir
    from outsourcing_risk.model.workload import TooMuchWork, check_book_workload

    with pytest.raises(TooMuchWork, match=r"a book of 100,000 contracts .* about 80 GB of memory"):
        check_book_workload(100_000, 1_000, 20_000)
    began = time.perf_counter()
    code = main(
        [
            "portfolio",
            str(data_dir() / "portfolio.csv"),
            "--out",
            str(tmp_path / "out"),
            "--trials",
            "1000000000",
        ]
    )
    assert code == 2
    assert time.perf_counter() - began < 5
    err = capsys.readouterr().err
    assert re.search(
        r"would take about [\d,]+ (hours|days) of one core and about [\d,]+ GB of memory", err
    ), err
    assert "use fewer trials, or split the book" in err
    assert not (tmp_path / "out").exists(), "refused before the folder is claimed"


def test_the_analyses_name_themselves_in_their_errors():
    """Found from outside: trust_curve's errors named simulate()."""
    from outsourcing_risk import Scenario, trust_curve

    with pytest.raises(TypeError, match=r"^trust_curve\(\) got an unexpected keyword argument 'bogus'"):
        trust_curve(Scenario(), [0.5], n_trials=100, bogus=1)


# ----- one way in: one rule for --trials, one class of user errors ----------------------------


def test_a_report_of_one_trial_is_refused_by_the_command_as_by_the_report(capsys, tmp_path):
    """`--trials 1` passed the command's check and then failed every row with "must be ≥ 2"."""
    from outsourcing_risk import cli
    from outsourcing_risk.io.errors import MIN_REPORT_TRIALS

    assert cli._MIN_REPORT_TRIALS == MIN_REPORT_TRIALS
    with pytest.raises(SystemExit):
        main(["report", "t.csv", "--trials", "1", "--out", str(tmp_path / "o")])
    assert "--trials: must be a whole number ≥ 2: a report compares policies by their spread (got 1)" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "o").exists()


def test_the_command_catches_every_user_error_by_its_one_class(capsys, monkeypatch, tmp_path):
    from outsourcing_risk import cli
    from outsourcing_risk.io.errors import OutsourcingRiskError

    class NewKindOfMistake(OutsourcingRiskError):
        pass

    def fail(_args):
        raise NewKindOfMistake("a mistake of a kind the command has never heard of")

    monkeypatch.setattr(cli, "_print_kpis", fail)
    assert main(["kpis", str(tmp_path / "t.csv")]) == 2
    assert capsys.readouterr().err == "outsourcing-risk: a mistake of a kind the command has never heard of\n"


# ----- spreadsheets in: every table path takes an .xlsx ------------------------------------------

WORKBOOK = Path(__file__).parent / "io" / "spreadsheets" / "tables.xlsx"


def test_kpis_read_a_workbooks_first_sheet_as_its_csv_twin(capsys):
    assert main(["kpis", str(WORKBOOK), "--trials", "500", "--seed", "1"]) == 0
    from_xlsx = capsys.readouterr().out
    assert main(["kpis", str(WORKBOOK.with_name("scenarios.csv")), "--trials", "500", "--seed", "1"]) == 0
    assert capsys.readouterr().out == from_xlsx
    assert main(["kpis", str(WORKBOOK), "--sheet", "Scenario"]) == 2
    assert "has no sheet 'Scenario' (did you mean 'Scenarios'?)" in capsys.readouterr().err


def test_portfolio_reads_a_named_sheet(capsys, tmp_path):
    out = tmp_path / "book"
    assert main(["portfolio", str(WORKBOOK), "--sheet", "Book", "--out", str(out), "--trials", "300"]) == 0
    from_xlsx = (out / "contracts.csv").read_text()
    twin = tmp_path / "twin"
    assert (
        main(["portfolio", str(WORKBOOK.with_name("book.csv")), "--out", str(twin), "--trials", "300"]) == 0
    )
    assert (twin / "contracts.csv").read_text() == from_xlsx
    assert main(["portfolio", str(WORKBOOK), "--out", str(tmp_path / "x"), "--trials", "300"]) == 2
    assert "the table needs a 'vendor' column" in capsys.readouterr().err, "the first sheet is not a book"

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

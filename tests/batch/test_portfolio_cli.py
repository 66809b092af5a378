"""`outsourcing-risk portfolio` end to end: files, numbers, safety, and the page in a browser."""

import csv
import re

import pandas as pd
import pytest

from outsourcing_risk.analyses.portfolio import analyse_portfolio
from outsourcing_risk.batch.output_folder import LOCK, MANIFEST
from outsourcing_risk.batch.portfolio_run import load_book

from ..browser import browser_page
from .test_batch import run_cli

HOSTILE = "<img src=x onerror=alert(1)>"
TABLE = f"""# a small book with a hostile contract name and a vendor named like a formula
name,vendor,vendor_group,group_shock_prob_annual,critical,notice_months,rto_months,vendor_monthly_fee,vendor_failure_prob_annual,switching_months,exit_readiness
Service desk,=cmd|' /C calc'!A0,,,no,3,1,46500.5,0.05,4,0.3
Payroll,=cmd|' /C calc'!A0,,,yes,6,0.5,31000,0.05,6,0.5
{HOSTILE},Stratus,Region,0.02,yes,2,0.25,41000,0.0333,5,0
"""


@pytest.fixture(scope="module")
def book_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    table = root / "book.csv"
    table.write_text(TABLE)
    out = root / "out"
    done = run_cli("portfolio", table, "--out", out, "--trials", 3000, "--seed", 4, "--capacity", 1)
    return done, out, table


def test_the_report_and_tables_are_written_and_safe(book_run):
    done, out, _ = book_run
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["portfolio.html", "contracts.csv", "vendors.csv", MANIFEST, LOCK]
    )
    html = (out / "portfolio.html").read_text()
    assert HOSTILE not in html.split("<script")[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'src="http' not in html, "nothing fetched from the network"
    assert html.count("Plotly.newPlot") == 3
    with (out / "vendors.csv").open(newline="") as fh:
        vendors = list(csv.DictReader(fh))
    assert vendors[0]["vendor"].startswith("'="), "a spreadsheet would run it as a formula"
    contracts = pd.read_csv(out / "contracts.csv", keep_default_na=False)
    assert list(contracts["contract"]) == ["Service desk", "Payroll", HOSTILE]


def test_the_files_hold_the_analysis_numbers(book_run):
    """contracts.csv and vendors.csv are analyse_portfolio's figures for the same table and seed."""
    _, out, table = book_run
    analysis = analyse_portfolio(load_book(table, capacity=1), n_trials=3000, seed=4)
    contracts = pd.read_csv(out / "contracts.csv").set_index("contract")
    assert contracts["mean_npv"].tolist() == pytest.approx(analysis.contracts["mean_npv"].tolist(), rel=1e-12)
    vendors = pd.read_csv(out / "vendors.csv")
    assert vendors["stress_loss"].tolist() == pytest.approx(
        analysis.vendors["stress_loss"].tolist(), rel=1e-12
    )


def test_a_bad_table_or_a_foreign_file_changes_nothing(book_run, tmp_path):
    _, _out, table = book_run
    bad = tmp_path / "bad.csv"
    bad.write_text("name,vendor,notice_months\nA,V,-2\nA,W,1\n")
    done = run_cli("portfolio", bad, "--out", tmp_path / "o1")
    assert done.returncode == 2
    assert "row 1 ('A'): notice_months must be a number of months ≥ 0 (got '-2')" in done.stderr
    assert "row 2 ('A'): name 'A' repeats row 1" in done.stderr
    assert not (tmp_path / "o1").exists()
    mine = tmp_path / "o2"
    mine.mkdir()
    (mine / "vendors.csv").write_text("my own vendor table\n")
    done = run_cli("portfolio", table, "--out", mine, "--trials", 500)
    assert done.returncode == 2
    assert "vendors.csv" in done.stderr
    assert (mine / "vendors.csv").read_text() == "my own vendor table\n"
    assert not (mine / "portfolio.html").exists()
    planted = tmp_path / "o4"
    planted.mkdir()
    target = tmp_path / "not-ours.txt"
    target.write_text("someone else's file\n")
    (planted / "portfolio.html").symlink_to(target)
    done = run_cli("portfolio", table, "--out", planted, "--trials", 500)
    assert done.returncode == 2
    assert target.read_text() == "someone else's file\n"
    assert (planted / "portfolio.html").is_symlink()
    done = run_cli("portfolio", table, "--out", tmp_path / "o3", "--stress-month", 61)
    assert done.returncode == 2
    assert "--stress-month must lie within the horizon, 1..60 (got 61)" in done.stderr


def test_the_page_fits_a_phone_and_prints_whole(book_run):
    _, out, _ = book_run
    with browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto((out / "portfolio.html").as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.wait_for_timeout(1200)
        assert page.evaluate("document.documentElement.scrollWidth") <= 392
        boxes = page.evaluate(
            """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
                 const box = el.parentElement.getBoundingClientRect(), legend = el.querySelector('.legend');
                 let next = el.parentElement.nextElementSibling;
                 while (next && (next.tagName === 'SCRIPT' || next.getBoundingClientRect().height === 0 || next.getBoundingClientRect().top < 0)) {
                   next = next.nextElementSibling; }
                 return [box.bottom, legend ? legend.getBoundingClientRect().bottom : 0,
                         next ? next.getBoundingClientRect().top : 1e9]; })"""
        )
        for bottom, legend, following in boxes:
            assert legend <= bottom + 2, "the legend, moved under the plot on a phone, stays in its box"
            assert following >= bottom - 2, "nothing after a chart is drawn over"
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_timeout(800)
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        page.wait_for_timeout(500)
        widths = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(e => e.getBoundingClientRect().width)"
        )
        assert len(widths) == 3
        assert max(widths) <= 681, "drawn at the printable width of A4 and Letter"
        overflow = page.evaluate(
            "() => Array.from(document.querySelectorAll('.or-table-box')).map(b => getComputedStyle(b).overflowX)"
        )
        assert set(overflow) == {"visible"}, "printed tables are not cut at a scroll box's edge"


def test_a_register_of_information_is_a_book(tmp_path):
    """`--register` reads a DORA register (the filed ZIP, or a loose folder) through the mapping,
    says in two lines what it read and what is not modelled yet; its provider names are text from
    outside, formula-guarded in the CSV; the book is in the register's currency."""
    from ..io.test_register import PACKAGE, ROOT, write_register, zipped

    register = tmp_path / "register"
    register.mkdir()
    write_register(register)
    done = run_cli(
        "portfolio", register, "--register", "--out", tmp_path / "out", "--trials", 1000, "--capacity", 1
    )
    assert done.returncode == 0, done.stderr
    contracts = pd.read_csv(tmp_path / "out" / "contracts.csv", keep_default_na=False)
    assert list(contracts["contract"]) == ["CA-001", "CA-002", "CA-003", "CA-004", "CA-005"]
    assert "'=Beta Cloud SA" in set(contracts["vendor"])
    assert "Register of information: register" in (tmp_path / "out" / "portfolio.html").read_text()
    assert "EUR" in done.stdout
    assert "USD" not in done.stdout
    package = zipped(PACKAGE, tmp_path / f"{ROOT}.zip")
    done = run_cli("portfolio", package, "--register", "--out", tmp_path / "zip", "--trials", 1000)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        f"Register of information: {ROOT}.zip: 5 contracts with 4 providers in 1 group"
    )
    assert lines[1].startswith("read but not yet modelled: the remaining terms (4 with an end date)")


def test_a_mapping_without_a_register_or_a_book_too_big_is_refused_before_anything_is_written(tmp_path):
    from outsourcing_risk import cli

    from ..io.test_register import PACKAGE

    done = run_cli("portfolio", PACKAGE, "--mapping", tmp_path / "m.toml", "--out", tmp_path / "a")
    assert done.returncode == 2
    assert "--mapping is the mapping of a register: add --register" in done.stderr
    assert not (tmp_path / "a").exists()
    book = load_book(PACKAGE, register=True)
    assert cli._book_too_big(book, 20_000) == "", "five contracts fit anywhere"
    real = cli._memory_free
    try:
        cli._memory_free = lambda: 1_000_000
        why = cli._book_too_big(book, 20_000)
        assert why.startswith("the book's 5 contracts at 10,000 trials a block need about 0.0 GB")
        assert cli.main(["portfolio", str(PACKAGE), "--register", "--out", str(tmp_path / "b")]) == 2
    finally:
        cli._memory_free = real
    assert not (tmp_path / "b").exists(), "no manifest, no lock: the folder was never made"


def test_a_dask_cluster_gives_the_numbers_of_one_machine(book_run, tmp_path):
    """--scheduler local runs the blocks of trials on a LocalCluster: contracts.csv and vendors.csv
    are byte-identical to one machine's (two blocks of trials, the stress and diversifying too)."""
    pytest.importorskip("distributed")
    _, _, table = book_run
    here = run_cli("portfolio", table, "--out", tmp_path / "here", "--trials", 12_000, "--capacity", 1)
    there = run_cli(
        "portfolio",
        table,
        "--out",
        tmp_path / "there",
        "--trials",
        12_000,
        "--capacity",
        1,
        "--scheduler",
        "local",
        "--workers",
        2,
    )
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr
    for name in ("contracts.csv", "vendors.csv"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes(), name


def test_the_page_and_vendors_csv_show_concentration_by_group(book_run):
    """The group table with the two thresholds named and their sources, the HHI by group as a card,
    and each vendor's group figures in vendors.csv (issue 32: concentration by group)."""
    done, out, _ = book_run
    html = (out / "portfolio.html").read_text()
    assert "<h2>Concentration by group</h2>" in html
    # Each group here holds one vendor: the console's HHI by group would repeat the vendors' one.
    assert re.search(r"HHI [\d,]+ by vendor\n", done.stdout), done.stdout
    assert "Above 1,800 a market is called highly concentrated (U.S. Merger Guidelines 2023, §2.1)" in html
    assert "above 2,500 under the older test too (U.S. Horizontal Merger Guidelines 2010, §5.3)" in html
    assert "Loss if the group fails by month 12 (each vendor then, or earlier)" in html
    assert "By group (HHI)" in html
    vendors = pd.read_csv(out / "vendors.csv", keep_default_na=False).set_index("vendor")
    assert vendors.loc["Stratus", "concentration_group"] == "Region"
    assert vendors["group_stress_loss"].astype(float).gt(0).all()

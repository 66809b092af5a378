"""Spreadsheets in (issue 34, goal 1): scenario tables, vendor tables and books read from .xlsx as
from CSV, through the one reader, every refusal naming the sheet and the cell.

``spreadsheets/tables.xlsx`` was written by LibreOffice Calc (``spreadsheets/make_workbook.py``
says how): percent formats, a date, formulas with the values Calc computed, banners merged above
the header, a hidden row. Each sheet has a CSV twin beside it. Other cases are built with openpyxl
in a temporary folder (openpyxl saves formulas without values, as pandas does)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from outsourcing_risk.analyses.vendors import vendor_scenarios
from outsourcing_risk.batch.portfolio_run import load_book
from outsourcing_risk.batch.runner import load_jobs
from outsourcing_risk.io.data import load_scenarios, load_vendors, read_rows
from outsourcing_risk.io.tables import TableError
from outsourcing_risk.model.portfolio import book_from_table
from outsourcing_risk.model.scenario import ScenarioError, scenarios_from_table

HERE = Path(__file__).parent / "spreadsheets"
WORKBOOK = HERE / "tables.xlsx"


def test_a_spreadsheet_programs_workbook_reads_as_its_csv_twin():
    """Percentages (30 % is 0.3, 12.5 % is 0.125), a formula's saved value (=D3*2 is 500,000), a
    date in the notes (as ISO text), a banner merged over the header, a hidden row (read)."""
    from_xlsx = scenarios_from_table(load_scenarios(WORKBOOK))  # the first sheet
    from_csv = scenarios_from_table(load_scenarios(HERE / "scenarios.csv"))
    assert from_xlsx == from_csv
    assert [s.name for s in from_xlsx] == ["Cautious", "Trusting", "Hidden row"]
    assert from_xlsx[1].switching_cost == 500_000
    assert from_xlsx[1].notes == "2026-03-31"
    assert from_xlsx[2].vendor_failure_prob_annual == 0.125


def test_a_vendor_sheet_and_a_book_sheet_read_as_their_csv_twins():
    vendors = vendor_scenarios(load_vendors(WORKBOOK, sheet="Vendors"))
    assert vendors == vendor_scenarios(load_vendors(HERE / "vendors.csv"))
    assert vendors[1][0].vendor_monthly_fee == 52_000  # =B3+10000, computed by Calc
    book = load_book(WORKBOOK, sheet="Book")
    twin = load_book(HERE / "book.csv")
    assert book.contracts == twin.contracts
    assert book.group_shocks == twin.group_shocks
    assert book.contracts[2].scenario.vendor_failure_prob_annual == 0.03


def test_the_batch_reads_a_sheet_into_the_same_jobs(tmp_path):
    jobs = load_jobs(WORKBOOK, 100, 1)
    twins = load_jobs(HERE / "scenarios.csv", 100, 1)
    assert [(j.name, j.parameters, j.error) for j in jobs] == [(j.name, j.parameters, j.error) for j in twins]


def _workbook(tmp_path, rows, *, title="Scenarios", edit=None, name="t.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws, wb)
    path = tmp_path / name
    wb.save(path)
    return path


def _problems(call) -> str:
    with pytest.raises((ScenarioError, TableError)) as info:
        call()
    return str(info.value)


def test_a_bad_value_is_named_by_its_sheet_and_cell(tmp_path):
    path = _workbook(tmp_path, [["name", "notes", "trust"], ["Good", "", 0.5], ["Bad", "x", 2]])
    text = _problems(lambda: scenarios_from_table(load_scenarios(path)))
    assert "sheet Scenarios, cell C3 ('Bad'): trust must be in [0, 1] (got 2)" in text
    (job,) = [j for j in load_jobs(path, 100, 1) if j.error]
    assert job.error == "cell C3: trust must be in [0, 1] (got 2)"
    text = _problems(
        lambda: scenarios_from_table(load_scenarios(_workbook(tmp_path, [["name", "trsut"], ["A", 1]])))
    )
    assert "sheet Scenarios, cell B1: unknown parameter 'trsut' (did you mean 'trust'?)" in text


def test_names_repeat_by_the_sheets_row_numbers(tmp_path):
    path = _workbook(
        tmp_path, [["# scenarios for the board"], ["name", "trust"], ["A", 0.5], ["A\u200b", 0.6]]
    )
    text = _problems(lambda: load_jobs(path, 100, 1))
    assert "sheet Scenarios, cell A4 ('A'): name 'A\\u200b' looks the same as row 3's 'A'" in text


def test_a_formula_without_a_saved_value_is_refused_in_words(tmp_path):
    """openpyxl (and pandas) save formulas without a value: nothing to read."""
    path = _workbook(tmp_path, [["name", "switching_cost"], ["A", 100], ["B", "=B2*2"]])
    text = _problems(lambda: load_scenarios(path))
    assert "t.xlsx, sheet Scenarios, cell B3 holds a formula (=B2*2) with no value saved" in text
    assert "open the file in Excel or LibreOffice and save it" in text


def test_a_formula_that_shows_an_error_is_refused(tmp_path):
    path = _workbook(tmp_path, [["name", "trust"], ["A", "#DIV/0!"]])
    assert "cell B2 shows the error #DIV/0!: fix its formula" in _problems(lambda: load_scenarios(path))


def test_a_percentage_is_a_fraction_where_one_is_meant_and_refused_where_not(tmp_path):
    def formats(ws, _wb):
        ws["B2"].number_format = "0%"  # trust 15 %
        ws["C2"].number_format = "0.0%"  # a fee shown as 4500000.0 %: never a fee
        ws["D2"].number_format = "0%"  # a chance per year: fine

    rows = [["name", "trust", "vendor_monthly_fee", "vendor_failure_prob_annual"], ["A", 0.15, 45000, 0.05]]
    path = _workbook(tmp_path, rows, edit=formats)
    text = _problems(lambda: scenarios_from_table(load_scenarios(path)))
    assert (
        "sheet Scenarios, cell C2 ('A'): vendor_monthly_fee is formatted as a percentage, but "
        "vendor_monthly_fee is not a fraction (currency/month): format the cell as a number and type the amount"
    ) in text
    assert "trust" not in text
    assert "vendor_failure_prob_annual" not in text
    ok = _workbook(
        tmp_path, [rows[0][:2], rows[1][:2]], edit=lambda ws, _: setattr(ws["B2"], "number_format", "0%")
    )
    assert scenarios_from_table(load_scenarios(ok))[0].trust == 0.15


def test_a_date_in_a_numeric_column_is_refused_in_words(tmp_path):
    path = _workbook(
        tmp_path, [["name", "switching_months", "notes"], ["A", dt.date(2026, 3, 4), dt.date(2026, 1, 2)]]
    )
    text = _problems(lambda: scenarios_from_table(load_scenarios(path)))
    assert (
        "sheet Scenarios, cell B2 ('A'): switching_months holds a date (2026-03-04), but takes a number"
        in text
    )
    assert "notes" not in text.split("switching_months holds")[1], "a date in the notes reads as text"


def test_a_value_merged_down_belongs_to_each_row_and_merged_across_is_refused(tmp_path):
    def merge_down(ws, _wb):
        ws.merge_cells("B2:B3")  # the vendor's name over its two contracts

    rows = [["name", "vendor", "vendor_monthly_fee"], ["Desk", "Northwind", 40000], ["Payroll", None, 30000]]
    book = book_from_table(read_rows(_workbook(tmp_path, rows, edit=merge_down)))
    assert [c.vendor for c in book.contracts] == ["Northwind", "Northwind"]

    def merge_across(ws, _wb):
        ws.merge_cells("B2:C2")

    path = _workbook(tmp_path, [["name", "trust", "notes"], ["A", 0.5, None]], edit=merge_across)
    assert "sheet Scenarios, cells B2:C2 are merged across columns" in _problems(lambda: read_rows(path))


def test_a_two_level_header_reads_its_bottom_row_and_names_merged_down(tmp_path):
    def header(ws, _wb):
        ws.merge_cells("A1:A2")  # "name" over both header rows
        ws.merge_cells("B1:C1")  # a banner over two columns

    rows = [["name", "Quote", None], [None, "vendor_monthly_fee", "transition_cost"], ["A", 40000, 90000]]
    frame = read_rows(_workbook(tmp_path, rows, edit=header))
    assert list(frame.columns) == ["name", "vendor_monthly_fee", "transition_cost"]
    assert frame.attrs["place"].cell(1, "transition_cost") == "sheet Scenarios, cell C3"


def test_hidden_rows_and_columns_are_read_and_said(tmp_path):
    def hide(ws, _wb):
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["B"].hidden = True

    path = _workbook(tmp_path, [["name", "trust"], ["A", 0.5], ["B", 7]], edit=hide)
    text = _problems(lambda: scenarios_from_table(load_scenarios(path)))
    assert (
        "sheet Scenarios, cell B3 (in a hidden row and column) ('B'): trust must be in [0, 1] (got 7)" in text
    )


def test_the_first_visible_sheet_or_the_one_named(tmp_path):
    def sheets(ws, wb):
        ws.sheet_state = "hidden"
        other = wb.create_sheet("My scenarios")
        other.append(["name", "trust"])
        other.append(["Visible", 0.4])

    path = _workbook(tmp_path, [["name", "trust"], ["Hidden sheet", 0.2]], title="Old", edit=sheets)
    assert list(load_scenarios(path)["name"]) == ["Visible"]
    assert list(load_scenarios(path, sheet="Old")["name"]) == ["Hidden sheet"]
    text = _problems(lambda: load_scenarios(path, sheet="My scenario"))
    assert "has no sheet 'My scenario' (did you mean 'My scenarios'?)" in text
    text = _problems(lambda: load_scenarios(HERE / "scenarios.csv", sheet="Scenarios"))
    assert "is a CSV file, which has no sheets" in text


def test_not_a_workbook_and_old_formats_are_refused_with_what_to_do(tmp_path):
    fake = tmp_path / "t.xlsx"
    fake.write_text("name,trust\nA,0.5\n")
    assert "is not an .xlsx workbook (it is not a ZIP file)" in _problems(lambda: read_rows(fake))
    old = tmp_path / "t.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as 'Excel Workbook (.xlsx)' or as CSV" in _problems(lambda: read_rows(old))
    empty = _workbook(tmp_path, [])
    assert "is empty" in _problems(lambda: read_rows(empty))


def test_a_value_without_a_header_and_a_comment_row_in_disguise(tmp_path):
    path = _workbook(tmp_path, [["name", "trust"], ["A", 0.5, "stray"]])
    assert "cell C1: column C holds values (C2) but has no name in the header" in _problems(
        lambda: read_rows(path)
    )
    path = _workbook(tmp_path, [["name", "trust"], ["#1 vendor", 0.5]])
    assert "row 2 starts with '#', which marks a comment, but holds 2 values" in _problems(
        lambda: read_rows(path)
    )


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from outsourcing_risk.io import xlsx_read

    monkeypatch.setattr(xlsx_read, "UNPACKED_MAX_BYTES", 1000)
    shutil.copy(WORKBOOK, tmp_path / "big.xlsx")
    assert "unpacks to" in _problems(lambda: read_rows(tmp_path / "big.xlsx"))


def test_numbers_keep_every_digit(tmp_path):
    from openpyxl import load_workbook

    path = _workbook(tmp_path, [["name", "trust", "switching_cost"], ["A", 0.123456789012345, 1e-05]])
    saved = load_workbook(path)["Scenarios"]["B2"].value
    frame = read_rows(path)
    assert frame.loc[0, "trust"] == saved == 0.123456789012345
    assert frame.loc[0, "switching_cost"] == 1e-05
    (scenario,) = scenarios_from_table(frame)
    assert scenario.trust == saved


def test_a_number_cell_never_reads_two_ways(tmp_path):
    """A CSV's text "1.125" could be 1,125 (a point between thousands) and is refused; a number
    cell's 1.125 is a number."""
    path = _workbook(tmp_path, [["name", "tension_weight"], ["A", 1.125]])
    assert scenarios_from_table(load_scenarios(path))[0].tension_weight == 1.125
    csv = tmp_path / "t.csv"
    csv.write_text("name,tension_weight\nA,1.125\n")
    assert 'tension_weight "1.125" could be 1.125 or 1,125' in _problems(
        lambda: scenarios_from_table(load_scenarios(csv))
    )


def test_an_incident_log_with_date_cells_reads_as_its_csv(tmp_path):
    """Dates and times typed into a spreadsheet are date cells; they read as the ISO text of the
    CSV log, in one format (a time at midnight keeps its 00:00 under a date-and-time format)."""
    from outsourcing_risk.io.data import data_dir
    from outsourcing_risk.io.incident_log import read_incident_log

    csv = data_dir() / "incident_log_example.csv"
    frame = read_rows(csv)

    def when(text):
        return dt.datetime.fromisoformat(text) if text else None

    rows = [["id", "vendor", "opened", "closed", "cost"]]
    rows += [
        [r.id, r.vendor, when(r.opened), when(r.closed), float(r.cost or "nan")] for r in frame.itertuples()
    ]
    rows[1][2] = dt.datetime(2022, 7, 3, 0, 0)  # midnight: still written with its time

    def formats(ws, _wb):
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=4):
            for cell in row:
                cell.number_format = "yyyy-mm-dd hh:mm"

    log = read_incident_log(_workbook(tmp_path, rows, title="Incidents", edit=formats))
    twin = frame.copy()
    twin.loc[0, "opened"] = "2022-07-03T00:00"
    expected = read_incident_log(twin)
    pd.testing.assert_frame_equal(log.incidents.drop(columns=["opened_as_given", "closed_as_given"]),
                                  expected.incidents.drop(columns=["opened_as_given", "closed_as_given"]))  # fmt: skip
    assert log.as_of == expected.as_of

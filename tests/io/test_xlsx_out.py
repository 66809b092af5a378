"""Spreadsheets out (issue 34, goal 2), without a batch: every text cell formula-guarded as
summary.csv's, the workbook of a book equal to its CSVs and trials, export_workbook's subjects."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from outsourcing_risk import Scenario, export_workbook, simulate
from outsourcing_risk.batch import xlsx_export
from outsourcing_risk.batch.runner import Job, Outcome, slugify, summary_frame
from outsourcing_risk.io.errors import SettingError
from outsourcing_risk.io.xlsx_write import Sheet, workbook_bytes

FORMULAS = ['=HYPERLINK("http://evil.example")', "+1", "-2+3", "@SUM(A1)", "\tTab", "＝1+1", "Safe\n=cmd"]


def _values(path, sheet):
    return list(load_workbook(path)[sheet].values)


def test_every_text_cell_is_guarded_as_summary_csv_is(tmp_path):
    outcomes = [
        Outcome(
            Job(row=i, name=n, slug=slugify(n), parameters={}, given={"name": n, "notes": n}),
            "failed",
            error=n,
        )
        for i, n in enumerate(FORMULAS, start=1)
    ]
    data = xlsx_export.report_workbook(outcomes, summary_frame(outcomes), 100, 1)
    (tmp_path / "s.xlsx").write_bytes(data)
    book = load_workbook(tmp_path / "s.xlsx")
    for sheet in ("Summary", "Parameters"):
        for row in book[sheet].iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", (sheet, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not any(line[:1] in "=+-@\t＝＋－＠" for line in cell.value.splitlines()), (
                        cell.value
                    )
    assert _values(tmp_path / "s.xlsx", "Summary")[1][1] == '\'=HYPERLINK("http://evil.example")'


def test_control_characters_cannot_break_the_file(tmp_path):
    data = workbook_bytes([Sheet("T", ["name"], [["\x1b]0;owned\x07Evil\x00"]])])
    (tmp_path / "t.xlsx").write_bytes(data)
    assert _values(tmp_path / "t.xlsx", "T")[1] == ("]0;ownedEvil",)


def test_export_workbook_of_scenarios_and_of_a_result(tmp_path):
    scenarios = [Scenario(name="A"), Scenario(name="B", trust="pert(0.2, 0.5, 0.8)")]
    path = export_workbook(scenarios, tmp_path / "s.xlsx", n_trials=300, seed=4)
    book = load_workbook(path)
    assert book.sheetnames == ["Cover", "Summary", "Parameters", "Trials A", "Trials B"]
    result = simulate(scenarios[1], n_trials=300, seed=4)
    rows = list(book["Trials B"].values)
    assert rows[0][:3] == ("trial", "trust", "npv")
    # 16 significant digits, as openpyxl writes numbers (Excel keeps 15)
    assert [r[2] for r in rows[1:]] == pytest.approx(result.npv.tolist(), rel=1e-15, abs=1e-9)
    assert [r[1] for r in rows[1:]] == pytest.approx(result.inputs["trust"].tolist(), rel=1e-15)
    summary = list(book["Summary"].values)
    assert summary[2][summary[0].index("mean_npv")] == pytest.approx(result.summary()["mean_npv"], rel=1e-15)
    again = export_workbook(result, tmp_path / "r.xlsx")
    npv = [r[2] for r in list(load_workbook(again)["Trials B"].values)[1:]]
    assert npv == pytest.approx(result.npv.tolist(), rel=1e-15, abs=1e-9)
    with pytest.raises(TypeError, match="export_workbook needs a Scenario"):
        export_workbook({"trust": 0.5}, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_more_trials_than_a_sheet_holds_are_refused_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_export, "MAX_TRIAL_ROWS", 100)
    with pytest.raises(SettingError, match="n_trials must be at most 100 for a workbook"):
        export_workbook(Scenario(), tmp_path / "s.xlsx", n_trials=101, seed=1)
    assert not (tmp_path / "s.xlsx").exists()

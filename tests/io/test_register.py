"""A DORA register of information read through the editable mapping (data/register_mapping.toml)."""

import csv

import pytest

from outsourcing_risk.io.register import DAYS_PER_MONTH, HOURS_PER_MONTH, load_mapping, register_rows
from outsourcing_risk.io.tables import TableError
from outsourcing_risk.model.portfolio import book_from_table, simulate_book


def write_register(folder, mapping, *, drop=None):
    """A register built from the mapping itself: each template's CSV with the mapped column codes
    (and one column the reader must ignore)."""
    m, f = mapping, mapping["files"]
    tables = {
        "arrangements": [
            {
                m["arrangements"]["reference"]: "ARR-1",
                m["arrangements"]["annual_expense"]: "600000.5",
                m["arrangements"]["currency"]: "EUR",
            },
            {
                m["arrangements"]["reference"]: "ARR-2",
                m["arrangements"]["annual_expense"]: "240000",
                m["arrangements"]["currency"]: "EUR",
            },
            {
                m["arrangements"]["reference"]: "ARR-3",
                m["arrangements"]["annual_expense"]: "1,200,000",
                m["arrangements"]["currency"]: "EUR",
            },
        ],
        "specific": [
            {
                m["specific"]["reference"]: "ARR-1",
                m["specific"]["provider"]: "LEI-A",
                m["specific"]["function"]: "F-PAY",
                m["specific"]["notice_days"]: "90",
            },
            {
                m["specific"]["reference"]: "ARR-1",
                m["specific"]["provider"]: "LEI-A",
                m["specific"]["function"]: "F-HR",
                m["specific"]["notice_days"]: "90",
            },
            {
                m["specific"]["reference"]: "ARR-2",
                m["specific"]["provider"]: "LEI-A",
                m["specific"]["function"]: "F-HR",
                m["specific"]["notice_days"]: "30",
            },
            {
                m["specific"]["reference"]: "ARR-3",
                m["specific"]["provider"]: "LEI-B",
                m["specific"]["function"]: "F-PAY",
                m["specific"]["notice_days"]: "180",
            },
        ],
        "providers": [
            {
                m["providers"]["id"]: "LEI-A",
                m["providers"]["name"]: "Alpha Hosting",
                m["providers"]["parent"]: "PARENT-1",
            },
            {
                m["providers"]["id"]: "LEI-B",
                m["providers"]["name"]: "=Beta Cloud",
                m["providers"]["parent"]: "PARENT-1",
            },
        ],
        "functions": [
            {
                m["functions"]["id"]: "F-PAY",
                m["functions"]["critical"]: "Yes",
                m["functions"]["rto_hours"]: "4",
            },
            {
                m["functions"]["id"]: "F-HR",
                m["functions"]["critical"]: "no",
                m["functions"]["rto_hours"]: "48",
            },
        ],
        "assessment": [
            {
                m["assessment"]["reference"]: "ARR-1",
                m["assessment"]["substitutability"]: "Highly complex substitutability",
                m["assessment"]["exit_plan"]: "yes",
            },
            {
                m["assessment"]["reference"]: "ARR-3",
                m["assessment"]["substitutability"]: "easily substitutable",
                m["assessment"]["exit_plan"]: "no",
            },
        ],
    }
    for part, rows in tables.items():
        header = [*rows[0], "c9999"]
        if drop and drop[0] == part:
            header.remove(drop[1])
        with (folder / f[part].upper()).open("w", newline="") as fh:  # names compared case-insensitively
            w = csv.DictWriter(fh, header, extrasaction="ignore")
            w.writeheader()
            w.writerows({**r, "c9999": "ignored"} for r in rows)


def test_a_register_becomes_a_book(tmp_path):
    mapping = load_mapping()
    write_register(tmp_path, mapping)
    rows = register_rows(tmp_path, mapping)
    assert [r["name"] for r in rows] == ["ARR-1", "ARR-2", "ARR-3"], "one contract per arrangement"
    first = rows[0]
    assert first["vendor"] == "Alpha Hosting"
    assert first["vendor_group"] == "PARENT-1"
    assert first["critical"] == "yes"
    assert float(first["notice_months"]) == pytest.approx(90 / DAYS_PER_MONTH, abs=1e-4)
    assert float(first["rto_months"]) == pytest.approx(4 / HOURS_PER_MONTH, abs=1e-4)
    assert float(first["vendor_monthly_fee"]) == pytest.approx(600000.5 / 12, abs=0.01)
    assert first["switching_months"] == "12"
    assert first["exit_readiness"] == "0.5"
    assert "switching_months" not in rows[1], "no assessment: the defaults"
    assert float(rows[2]["vendor_monthly_fee"]) == pytest.approx(100000)
    book = book_from_table(rows, capacity=1)
    assert book.vendors == ["Alpha Hosting", "=Beta Cloud"]
    result = simulate_book(book, 2000, seed=1, keep_months=True)
    assert (result.first_failure[0] == result.first_failure[1]).mean() > 0.5, "one provider: failures shared"


def test_a_wrong_code_or_a_missing_link_is_named(tmp_path):
    mapping = load_mapping()
    write_register(tmp_path, mapping, drop=("specific", mapping["specific"]["notice_days"]))
    with pytest.raises(TableError, match=r"b_02\.02\.csv has no column 'c0100' \(notice period\)"):
        register_rows(tmp_path, mapping)
    other = tmp_path / "other"
    other.mkdir()
    write_register(other, mapping)
    providers = other / mapping["files"]["providers"].upper()
    providers.write_text(providers.read_text().replace("LEI-B", "LEI-Z"))
    with pytest.raises(TableError, match=r"provider .LEI-B. is not in b_05\.01\.csv"):
        register_rows(other, mapping)
    bad = tmp_path / "bad.toml"
    bad.write_text("[files]\narrangements = 'x.csv'\n")
    with pytest.raises(TableError, match=r"lacks \[files\] specific"):
        load_mapping(bad)

"""A DORA register of information read into a book: the report package a bank files (ZIP or
folder), every verified code and closed-list value, and hostile registers and mappings refused in
words that name the file, the row's key and the column code.

The test package (tests/io/register_package/, see its README.md) is built from the headers of the
EBA's "Annotated Table Layout DORA 4.0" (17 December 2024) with closed lists as filed.
"""

import csv
import math
import shutil
import zipfile
from pathlib import Path

import pytest

from outsourcing_risk.io.register import DAYS_PER_MONTH, HOURS_PER_MONTH, load_mapping, read_register
from outsourcing_risk.io.tables import TableError
from outsourcing_risk.model.portfolio import book_from_table, simulate_book

PACKAGE = Path(__file__).parent / "register_package"
ROOT = "TESTBANK000000000042.IND_DE_DORA010100_DORA_2025-12-31_20260115093000000"
MAPPING = Path(__file__).resolve().parents[2] / "data" / "register_mapping.toml"


def package(tmp_path: Path) -> Path:
    """A copy of the test package's folder, to edit."""
    target = tmp_path / "package"
    shutil.copytree(PACKAGE, target)
    return target


def reports(folder: Path) -> Path:
    return folder / ROOT / "reports"


def zipped(folder: Path, target: Path) -> Path:
    """The package folder as the ZIP a bank files (one folder inside)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


def edit(folder: Path, template: str, key: str, column: str, value: str, *, nth: int = 0) -> None:
    """Set one cell of a template: the ``nth`` row whose c0010 is ``key``."""
    path = reports(folder) / f"{template}.csv"
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    matches = [r for r in rows[1:] if r[0] == key]
    matches[nth][col] = value
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def append(folder: Path, template: str, row: list[str]) -> None:
    with (reports(folder) / f"{template}.csv").open("a", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerow(row)


def write_register(folder: Path, mapping=None) -> None:
    """The test register's templates as a loose folder of CSV files (what a GRC tool exports)."""
    for path in reports(PACKAGE).glob("b_*.csv"):
        shutil.copy(path, folder / path.name)


def mapping_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MAPPING.read_text()
    assert old in text, old
    if new.startswith("files = 5"):  # a top-level key of that name, the table renamed out of the way
        text = text.replace("[files]", "[renamed_files]")
    path = tmp_path / "mapping.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def refused(source, match: str, mapping=None) -> str:
    with pytest.raises(TableError, match=match) as caught:
        read_register(source, mapping)
    return str(caught.value)


# --- the package, read end to end --------------------------------------------------------------


def test_the_filed_package_is_read_into_a_book_and_simulated(tmp_path):
    reading = read_register(zipped(PACKAGE, tmp_path / f"{ROOT}.zip"))
    book = reading.book.set_index("name")
    assert list(book.index) == ["CA-001", "CA-002", "CA-003", "CA-004", "CA-005"], (
        "CA-006 supports no function"
    )
    assert reading.skipped == 1
    assert book.loc["CA-001", "vendor"] == "Atlas Hyperscale Ireland Ltd"
    assert book.loc["CA-001", "vendor_group"] == "Atlas Group Holdings plc", (
        "B_05.01 c0110, the parent's name"
    )
    assert book.loc["CA-002", "vendor_group"] == "Atlas Group Holdings plc"
    assert book.loc["CA-003", "vendor_group"] == "", "a parent of one provider is no group"
    assert set(book["currency"]) == {"EUR"}, "B_02.01 c0040 eba_CU:EUR: the book is in EUR, not USD"
    assert float(book.loc["CA-002", "vendor_monthly_fee"]) == pytest.approx(600000.50 / 12, abs=0.005)
    assert float(book.loc["CA-002", "inhouse_monthly_cost"]) == pytest.approx(600000.50 / 12 / 0.7, abs=0.005)
    assert float(book.loc["CA-001", "notice_months"]) == pytest.approx(365 / DAYS_PER_MONTH), "B_02.02 c0110"
    assert float(book.loc["CA-001", "rto_months"]) == pytest.approx(4 / HOURS_PER_MONTH, rel=1e-5), (
        "the strictest of its functions' RTOs (F-PAY 4 h, F-CORE 8 h), B_06.01 c0080"
    )
    result = book_from_table(reading.book, capacity=1, name=reading.name)
    assert result.currency == "EUR"
    assert result.vendors == [
        "Atlas Hyperscale Ireland Ltd",
        "Atlas Managed Services GmbH",
        "=Beta Cloud SA",
        "Delta Print & Mail GmbH",
    ]
    assert result.group_shocks == {"Atlas Group Holdings plc": 0.01}
    run = simulate_book(result, 2000, seed=1, keep_months=True)
    assert math.isfinite(run.npv.mean())
    first = run.first_failure
    collapsed = run.collapse[0] <= result.horizon_months
    assert collapsed.any()
    assert (first[0][collapsed] <= run.collapse[0][collapsed]).all(), (
        "CA-001 and CA-005 share Atlas Hyperscale's"
    )
    assert (first[4][collapsed] <= run.collapse[0][collapsed]).all(), (
        "collapse (CA-001 may fail earlier: Gamma)"
    )


def test_a_zip_a_package_folder_and_a_loose_folder_read_alike(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir()
    write_register(loose)
    from_zip = read_register(zipped(PACKAGE, tmp_path / "r.zip"))
    for source in (PACKAGE, PACKAGE / ROOT, loose):
        assert read_register(source).book.equals(from_zip.book), source
    assert read_register(loose).reference_date == "", "a loose folder has no parameters.csv"
    assert from_zip.reference_date == "2025-12-31", "parameters.csv refPeriod"


def test_critical_unassessed_and_not_critical_functions_read_as_such(tmp_path):
    reading = read_register(PACKAGE)
    facts = reading.facts.set_index("contract")["criticality"]
    assert facts.to_dict() == {
        "CA-001": "yes",  # F-CORE, F-PAY eba_BT:x28
        "CA-002": "yes",
        "CA-003": "not_assessed",  # F-AML eba_BT:x21: not "critical" as the old mapping read it
        "CA-004": "no",  # F-PRINT eba_BT:x29
        "CA-005": "no",
    }
    critical = reading.book.set_index("name")["critical"]
    assert critical.to_dict() == {
        "CA-001": "yes",
        "CA-002": "yes",
        "CA-003": "yes",
        "CA-004": "no",
        "CA-005": "no",
    }
    assert "3 critical (1 not assessed, read as critical)" in reading.summary()
    strict = load_mapping(
        mapping_with(tmp_path, "not_assessed_is_critical = true", "not_assessed_is_critical = false")
    )
    assert read_register(PACKAGE, strict).book.set_index("name").loc["CA-003", "critical"] == "no"


def test_the_dates_and_the_supply_chain_travel_beside_the_book():
    reading = read_register(PACKAGE)
    terms = reading.terms.set_index("contract")
    assert terms.loc["CA-001", "start_date"] == "2021-01-01", "B_02.02 c0070"
    assert terms.loc["CA-001", "end_date"] == "2028-12-31", "B_02.02 c0080"
    assert terms.loc["CA-001", "term_months"] == pytest.approx(1096 / DAYS_PER_MONTH), (
        "from refPeriod 2025-12-31"
    )
    assert math.isnan(terms.loc["CA-002", "term_months"]), "9999-12-31: open-ended"
    chain = reading.supply_chain
    assert set(chain.loc[chain["rank"] == 2, "provider"]) == {"Gamma Data Centres Ltd"}, "B_05.02 c0050 rank"
    shared = reading.shared_subcontractors()
    assert shared.to_dict("records") == [
        {
            "subcontractor": "Gamma Data Centres Ltd",
            "providers": "=Beta Cloud SA; Atlas Hyperscale Ireland Ltd",
            "contracts": "CA-001; CA-003",
        }
    ]
    proposed = reading.proposed_book().set_index("name")
    assert proposed.loc["CA-003", "subcontractors"] == "Gamma Data Centres Ltd"
    assert proposed.loc["CA-002", "subcontractors"] == ""
    line = reading.unmodelled()
    assert "remaining terms (4 with an end date)" in line
    assert "Gamma Data Centres Ltd" in line


# --- every corrected code and closed-list value ------------------------------------------------


def test_the_recovery_time_objective_is_c0080_in_hours_not_the_date_in_c0070(tmp_path):
    folder = package(tmp_path)
    edit(folder, "b_06.01", "F-AML", "c0080", "730.5")
    edit(folder, "b_06.01", "F-AML", "c0090", "12")
    reading = read_register(folder)
    assert float(reading.book.set_index("name").loc["CA-003", "rto_months"]) == pytest.approx(1.0)
    assert reading.facts.set_index("contract").loc["CA-003", "rpo_hours"] == 12, "RPO c0090"
    edit(folder, "b_06.01", "F-AML", "c0080", "2025-09-30")
    refused(
        folder,
        r"b_06\.01\.csv row 3 \(c0010 'F-AML'\) c0080: the recovery time objective must be a number of hours",
    )


@pytest.mark.parametrize(
    ("code", "months"),
    [("eba_ZZ:x959", None), ("eba_ZZ:x960", "12"), ("eba_ZZ:x961", "6"), ("eba_ZZ:x962", "3")],
)
def test_substitutability_sets_the_switching_time(tmp_path, code, months):
    folder = package(tmp_path)
    edit(folder, "b_07.01", "CA-003", "c0050", code)
    row = read_register(folder).book.set_index("name").loc["CA-003"]
    if (
        months is None
    ):  # not substitutable: no one can replace it, so it comes back in-house (reintegration easy)
        assert (row["after_failure"], row["switching_months"]) == ("insource", "6")
    else:
        assert (row["after_failure"], row["switching_months"]) == ("replace", months)


@pytest.mark.parametrize(
    ("reintegration", "after", "months"),
    [("eba_ZZ:x798", "insource", "6"), ("eba_ZZ:x966", "insource", "12"), ("eba_ZZ:x967", "replace", "6")],
)
def test_reintegration_without_alternatives_decides_after_failure(tmp_path, reintegration, after, months):
    """CA-002 (medium substitutability): no alternative provider identified (c0110 eba_BT:x29)."""
    folder = package(tmp_path)
    edit(folder, "b_07.01", "CA-002", "c0090", reintegration)
    reading = read_register(folder)
    row = reading.book.set_index("name").loc["CA-002"]
    assert (row["after_failure"], row["switching_months"]) == (after, months)
    assert reading.stuck == (2 if after == "replace" else 1), "CA-004 has neither, always"


@pytest.mark.parametrize(
    ("code", "after"), [("eba_BT:x28", "replace"), ("eba_BT:x29", "insource"), ("eba_BT:x21", "replace")]
)
def test_alternatives_identified_decide_whether_replace_is_possible(tmp_path, code, after):
    folder = package(tmp_path)
    edit(folder, "b_07.01", "CA-003", "c0110", code)
    assert read_register(folder).book.set_index("name").loc["CA-003", "after_failure"] == after


@pytest.mark.parametrize(("code", "readiness"), [("eba_BT:x28", "0.5"), ("eba_BT:x29", "0.0")])
def test_the_exit_plan_sets_exit_readiness(tmp_path, code, readiness):
    folder = package(tmp_path)
    edit(folder, "b_07.01", "CA-001", "c0080", code)
    assert read_register(folder).book.set_index("name").loc["CA-001", "exit_readiness"] == readiness


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        ("eba_ZZ:x794", "not_significant"),
        ("eba_ZZ:x795", "low"),
        ("eba_ZZ:x796", "material"),
        ("eba_ZZ:x797", "full"),
    ],
)
def test_the_level_of_reliance_is_read(tmp_path, code, meaning):
    folder = package(tmp_path)
    edit(folder, "b_02.02", "CA-003", "c0180", code)
    assert read_register(folder).facts.set_index("contract").loc["CA-003", "reliance"] == meaning


def test_both_notice_periods_and_b05_01s_twelve_columns(tmp_path):
    facts = read_register(PACKAGE).facts.set_index("contract")
    assert (facts.loc["CA-002", "entity_notice_days"], facts.loc["CA-002", "notice_days"]) == (90, 180)
    folder = package(tmp_path)
    for column in ("c0100", "c0110"):  # an older 9-column B_05.01 has neither expense nor parent there
        path = reports(folder) / "b_05.01.csv"
        path.write_text(path.read_text().replace(column, "c9999" if column == "c0100" else "c9998"))
    refused(folder, r"b_05\.01\.csv has no column 'c0100'.*has no column 'c0110'")


def test_labels_are_read_as_their_codes(tmp_path):
    folder = package(tmp_path)
    labels = {
        ("b_06.01", "F-AML", "c0050"): "Assessment not performed",
        ("b_07.01", "CA-001", "c0050"): "Highly complex substitutability",
        ("b_07.01", "CA-001", "c0080"): "yes",
        ("b_07.01", "CA-001", "c0090"): "HIGHLY  complex",
        ("b_07.01", "CA-002", "c0110"): "No",
        ("b_02.02", "CA-003", "c0180"): "Low reliance",
        ("b_02.01", "CA-001", "c0040"): "EUR",
    }
    for (template, key, column), label in labels.items():
        edit(folder, template, key, column, label)
    assert read_register(folder).book.equals(read_register(PACKAGE).book)


# --- refusals name the file, the row's key and the column code ----------------------------------


def test_an_unknown_closed_list_value_is_refused(tmp_path):
    folder = package(tmp_path)
    edit(folder, "b_06.01", "F-AML", "c0050", "critical")
    edit(folder, "b_07.01", "CA-004", "c0090", "eba_ZZ:x999")
    message = refused(folder, "2 problems")
    assert (
        "b_06.01.csv row 3 (c0010 'F-AML') c0050: criticality 'critical' is not in the list (eba_BT:x28"
        in message
    )
    assert (
        "b_07.01.csv row 4 (c0010 'CA-004') c0090: reintegration 'eba_ZZ:x999' is not in the list" in message
    )


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("600000,50", r'"600000,50" could be 600,000.5 \(a decimal comma\) or 60,000,050'),
        ("350.000", r'"350.000" could be 350 or 350,000'),
        ("1.234,5", "with a decimal comma"),
        ("0", "must be an amount > 0"),
        ("", "the annual expense is empty"),
    ],
)
def test_an_amount_that_reads_two_ways_is_refused(tmp_path, cell, why):
    folder = package(tmp_path)
    edit(folder, "b_02.01", "CA-002", "c0050", cell)
    refused(folder, r"b_02\.01\.csv row 2 \(c0010 'CA-002'\) c0050: .*" + why)


def test_thousands_commas_are_read(tmp_path):
    folder = package(tmp_path)
    edit(folder, "b_02.01", "CA-001", "c0050", "1,800,000")
    assert read_register(folder).book.equals(read_register(PACKAGE).book)


def test_duplicates_are_refused_never_last_wins(tmp_path):
    folder = package(tmp_path)
    append(
        folder,
        "b_05.01",
        ["BETACLOUD00000000044", "", "", "", "Beta Cloud (renamed)", "", "", "", "", "", "", ""],
    )
    append(folder, "b_02.01", ["CA-003", "eba_CO:x1", "", "eba_CU:EUR", "999999"])
    append(
        folder,
        "b_06.01",
        ["F-PAY", "", "Payments", "TESTBANK000000000042", "eba_BT:x29", "", "", "4", "1", ""],
    )
    message = refused(folder, "3 problems")
    assert (
        "b_05.01.csv row 7 (c0010 'BETACLOUD00000000044'): provider 'BETACLOUD00000000044' is listed again with "
        "two names, '=Beta Cloud SA' and 'Beta Cloud (renamed)' (first on row 4)"
    ) in message
    assert (
        "b_02.01.csv row 7 (c0010 'CA-003'): arrangement 'CA-003' is listed again with two annual expenses"
        in message
    )
    assert "b_06.01.csv row 6 (c0010 'F-PAY'): function 'F-PAY' is listed again (first on row 2)" in message


def test_one_arrangement_with_two_providers_or_two_end_dates_is_refused(tmp_path):
    folder = package(tmp_path)
    edit(folder, "b_02.02", "CA-001", "c0080", "2029-12-31", nth=1)
    edit(folder, "b_02.02", "CA-001", "c0030", "GAMMADC0000000000055", nth=1)
    message = refused(folder, "2 problems")
    assert "b_02.02.csv row 2 (c0010 'CA-001') c0030: arrangement 'CA-001' has a second provider" in message
    assert (
        "b_02.02.csv row 2 (c0010 'CA-001') c0080: the end date '2029-12-31' differs from row 1's" in message
    )


def test_two_files_for_one_template_are_refused(tmp_path):
    folder = package(tmp_path)
    shutil.copy(reports(folder) / "b_05.01.csv", reports(folder) / "B_05.01.csv")
    refused(folder, r"holds both (b_05\.01\.csv and B_05\.01\.csv|B_05\.01\.csv and b_05\.01\.csv)")
    refused(zipped(folder, tmp_path / "r.zip"), "holds both")


def test_a_missing_link_and_a_bad_date_are_named(tmp_path):
    folder = package(tmp_path)
    edit(folder, "b_02.02", "CA-004", "c0030", "NOSUCHPROVIDER")
    edit(folder, "b_02.02", "CA-003", "c0070", "01/01/2024")
    message = refused(folder, "2 problems")
    assert (
        "b_02.02.csv row 4 (c0010 'CA-003') c0070: the start date must be a date written YYYY-MM-DD"
        in message
    )
    assert (
        "b_02.02.csv row 5 (c0010 'CA-004') c0030: provider 'NOSUCHPROVIDER' is not in b_05.01.csv" in message
    )


def test_a_register_in_two_currencies_needs_exchange_rates(tmp_path):
    folder = package(tmp_path)
    edit(folder, "b_02.01", "CA-004", "c0040", "eba_CU:USD")
    refused(
        folder,
        r"b_02\.01\.csv c0040: the register mixes currencies: EUR \(4 arrangements\), USD \(1 arrangement\)",
    )
    rates = load_mapping(
        mapping_with(
            tmp_path,
            '# [exchange_rates]\n# currency = "EUR"\n# USD = 0.92',
            '[exchange_rates]\ncurrency = "EUR"\nUSD = 0.92',
        )
    )
    book = read_register(folder, rates).book.set_index("name")
    assert set(book["currency"]) == {"EUR"}
    assert float(book.loc["CA-004", "vendor_monthly_fee"]) == pytest.approx(90000 * 0.92 / 12, abs=0.005)


def test_a_package_of_another_taxonomy_needs_its_mapping(tmp_path):
    folder = package(tmp_path)
    report = reports(folder) / "report.json"
    report.write_text(report.read_text().replace("/dora/4.0/", "/dora/4.3/"))
    refused(
        folder,
        r"follows http://www\.eba\.europa\.eu/eu/fr/xbrl/crr/fws/dora/4\.3/mod/dora\.json .* DORA taxonomy 4\.0",
    )
    later = mapping_with(
        tmp_path,
        'version = "4.0"\nmodules = ["http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/',
        'version = "4.3"\nmodules = ["http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.3/',
    )
    assert read_register(folder, load_mapping(later)).taxonomy == "4.3"


# --- a ZIP is read in memory, safely -----------------------------------------------------------


def _zip_with(path: Path, members: dict[str, bytes], *, infos=()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for info, data in infos:
            archive.writestr(info, data)
    return path


def _mark_encrypted(path: Path, name: bytes) -> None:
    """Set the 'encrypted' flag of member ``name`` in the central directory (zipfile will not write it)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name:
            data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def _members() -> dict[str, bytes]:
    return {f"{ROOT}/reports/{p.name}": p.read_bytes() for p in reports(PACKAGE).iterdir()}


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ("/etc/b_02.01.csv", "has an absolute path"),
        (f"{ROOT}/reports/../../evil.csv", "has a '..' part"),
        ("C:/evil.csv", "has an absolute path"),
        (f"{ROOT}\\reports\\b_02.01.csv", "has a backslash"),
    ],
)
def test_unsafe_member_paths_are_refused(tmp_path, extra, why):
    path = _zip_with(tmp_path / "r.zip", {**_members(), extra: b"x"})
    refused(path, why)


def test_a_symlink_an_encrypted_member_and_a_bomb_are_refused(tmp_path):
    link = zipfile.ZipInfo(f"{ROOT}/reports/link.csv")
    link.external_attr = (0o120777) << 16
    refused(_zip_with(tmp_path / "a.zip", _members(), infos=[(link, "/etc/passwd")]), "is a symbolic link")
    secret = _zip_with(tmp_path / "b.zip", {**_members(), f"{ROOT}/reports/secret.csv": b"x"})
    _mark_encrypted(secret, f"{ROOT}/reports/secret.csv".encode())
    refused(secret, "is encrypted")
    bomb = {**_members(), f"{ROOT}/reports/b_99.01.csv": b"0" * (8 << 20)}
    refused(_zip_with(tmp_path / "c.zip", bomb), r"compressed .* to 1: a zip bomb")


def test_two_report_folders_a_zip_of_zips_and_a_non_zip_are_refused(tmp_path):
    twice = {**_members(), **{k.replace(ROOT, "OTHER"): v for k, v in _members().items()}}
    refused(_zip_with(tmp_path / "a.zip", twice), "holds 2 report folders")
    inner = zipped(PACKAGE, tmp_path / "inner.zip")
    refused(_zip_with(tmp_path / "b.zip", {"inner.zip": inner.read_bytes()}), "holds ZIP files")
    text = tmp_path / "c.zip"
    text.write_text("not a zip")
    refused(text, "is not a ZIP file")
    with pytest.raises(FileNotFoundError, match="no register at"):
        read_register(tmp_path / "missing.zip")


# --- a malformed mapping is a clear error, never a traceback ------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (
            "# How `outsourcing-risk",
            "files = 5\n# How `outsourcing-risk",
            r"files must be a table \[files\] \(got 5\)",
        ),
        (
            'arrangements = "b_02.01.csv"',
            "arrangements = 5",
            r'\[files\] arrangements must be a text such as "b_02.01.csv" \(got 5\)',
        ),
        ("fee_to_inhouse = 0.7", "fee_to_inhouse = 0", r"fee_to_inhouse must be a number > 0.*\(got 0\)"),
        (
            "fee_to_inhouse = 0.7",
            'fee_to_inhouse = "abc"',
            r"fee_to_inhouse must be a number > 0.*\(got 'abc'\)",
        ),
        (
            'critical = "c0050"',
            'critical = "c0050"\ncritical_values = "yes"',
            r"\[functions\] critical_values is not a key",
        ),
        (
            "not_substitutable = 18",
            "not_substitutable = 18.5",
            r"\[assumptions.switching_months\] not_substitutable must be a whole",
        ),
        (
            'yes = { code = "eba_BT:x28", labels = ["Yes"] }',
            'yes = "eba_BT:x28"',
            r"\[lists.criticality\] yes must be",
        ),
        (
            "group_shock_prob_annual = 0.01",
            "group_shock_prob_annual = 1.5",
            r"group_shock_prob_annual must be a chance",
        ),
        ('rto_hours = "c0080"', "rto_hours = ", "is not a valid TOML file"),
    ],
)
def test_a_malformed_mapping_is_refused_in_words(tmp_path, old, new, why):
    with pytest.raises(TableError, match=why):
        load_mapping(mapping_with(tmp_path, old, new))


def test_a_mapping_that_is_a_folder_or_a_device_is_refused(tmp_path):
    with pytest.raises(TableError, match="is a folder: give the path of a register mapping"):
        load_mapping(tmp_path)
    with pytest.raises(TableError, match="is not a regular file"):
        load_mapping("/dev/zero")
    with pytest.raises(FileNotFoundError, match="no mapping at"):
        load_mapping(tmp_path / "none.toml")
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * (2 << 20))
    with pytest.raises(TableError, match="more than a register mapping can be"):
        load_mapping(huge)


def test_the_shipped_mapping_names_its_sources_and_version():
    text = MAPPING.read_text()
    assert "UNVERIFIED" not in text.upper().replace("NOT VERIFIED", "")
    for source in ("Annotated Table Layout", "17 December 2024", "updated 3 March 2025", "2025-03-20"):
        assert source in text
    m = load_mapping()
    assert m.taxonomy == "4.0"
    assert (m.where("functions", "rto_hours"), m.where("functions", "critical")) == (
        "b_06.01.csv c0080",
        "b_06.01.csv c0050",
    )
    assert m.where("providers", "parent") == "b_05.01.csv c0110"
    assert m.where("specific", "notice_days") == "b_02.02.csv c0110"


def test_a_subcontractor_shared_by_two_providers_is_one_failure_of_their_contracts():
    """Gamma Data Centres (rank 2 under Atlas Hyperscale for CA-001 and under Beta Cloud for
    CA-003) is named by both contracts with the mapping's chance; the book reads it, and in every
    trial where it fails first both contracts fail in its month."""
    reading = read_register(PACKAGE)
    book_rows = reading.book.set_index("name")
    assert book_rows.loc["CA-001", "subcontractors"] == "Gamma Data Centres Ltd"
    assert book_rows.loc["CA-003", "subcontractors"] == "Gamma Data Centres Ltd"
    assert book_rows.loc["CA-002", "subcontractors"] == ""
    assert book_rows.loc["CA-003", "subcontractor_failure_prob_annual"] == "0.01"
    assert "each a shared failure of 1.0% a year" in reading.unmodelled()
    book = book_from_table(reading.book)
    assert dict(book.subcontractor_shocks) == {"Gamma Data Centres Ltd": 0.01}
    sure = book_from_table(reading.book.replace({"subcontractor_failure_prob_annual": {"0.01": "0.9"}}))
    result = simulate_book(sure, 2_000, seed=1, keep_months=True)
    names = [c.name for c in sure.contracts]
    first_001, first_003 = (
        result.first_failure[names.index("CA-001")],
        result.first_failure[names.index("CA-003")],
    )
    both = first_001 == first_003
    assert both.mean() > 0.5, "a 90 % chance a year: the subcontractor usually fails both first"

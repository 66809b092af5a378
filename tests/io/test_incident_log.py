"""Reading an incident log: a bad log is refused with the row, the field, the value as given and
the rule; a good one gives each incident's length as the log knows it (exact, to the day, or so
far for an open incident)."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from outsourcing_risk.io.incident_log import IncidentLogError, parse_months, parse_when, read_incident_log
from outsourcing_risk.io.tables import TableError

HEADER = "id,vendor,opened,closed,cost\n"


def log_file(tmp_path, *rows, header=HEADER):
    path = tmp_path / "log.csv"
    path.write_text(header + "".join(r + "\n" for r in rows))
    return path


def refusal(tmp_path, *rows, **kwargs) -> str:
    with pytest.raises(IncidentLogError) as info:
        read_incident_log(log_file(tmp_path, *rows), **kwargs)
    return str(info.value)


GOOD = (
    "A1,Acme,2024-01-03T09:00,2024-01-03T17:30,1200",
    "A2,Acme,2024-02-10T08:15,,",
    "B1,Beta,2024-03-01T00:00,2024-03-01T00:00,0",
)


def test_a_good_log_reads_every_incident_with_its_length(tmp_path):
    log = read_incident_log(log_file(tmp_path, *GOOD))
    assert list(log.incidents["id"]) == ["A1", "A2", "B1"]
    assert log.as_of == datetime(2024, 3, 1)  # the last time in the log
    assert not log.dates_only
    assert log.has_costs
    assert list(log.is_open) == [False, True, False]
    parts = log.durations()
    assert list(parts["exact"]) == [8.5]
    # a length of 0 is shorter than the log's clock can tell: between 0 and a minute
    assert list(parts["low"]) == [0.0]
    assert parts["high"] == pytest.approx([1 / 60])
    # the open incident is open so far from 2024-02-10 08:15 to the as-of moment
    assert parts["right"] == pytest.approx(
        [(datetime(2024, 3, 1) - datetime(2024, 2, 10, 8, 15)).total_seconds() / 3600]
    )
    assert np.isnan(log.incidents["cost"].iloc[1])


def test_a_log_of_dates_knows_each_length_to_within_a_day(tmp_path):
    log = read_incident_log(
        log_file(
            tmp_path,
            "A1,Acme,2024-01-03,2024-01-05,",
            "A2,Acme,2024-01-04,2024-01-04,",
            "A3,Acme,2024-01-06,,",
        )
    )
    assert log.dates_only
    assert log.as_of == datetime(2024, 1, 7)  # the end of the last day
    parts = log.durations()
    assert parts["exact"].size == 0
    assert list(parts["low"]) == [24.0, 0.0]
    assert list(parts["high"]) == [72.0, 24.0]
    assert list(parts["right"]) == [0.0]  # opened on the last day: at least 0 so far


def test_an_as_of_date_alone_is_the_end_of_that_day(tmp_path):
    log = read_incident_log(log_file(tmp_path, *GOOD), as_of="2024-03-31")
    assert log.as_of == datetime(2024, 4, 1)
    assert log.as_of_given
    assert read_incident_log(log_file(tmp_path, *GOOD), as_of="2024-03-31T12:00").as_of == datetime(
        2024, 3, 31, 12
    )


def test_times_with_an_offset_are_read_in_utc():
    assert parse_when("2024-03-01T14:30+01:00") == datetime(2024, 3, 1, 13, 30)
    assert parse_when("2024-03-01T14:30Z") == datetime(2024, 3, 1, 14, 30)


def test_a_frame_reads_as_a_file_does():
    frame = pd.DataFrame(
        {
            "ID": ["A", "B"],
            "Vendor": ["Acme", "Acme"],
            "opened": ["2024-01-03", "2024-02-10"],
            "closed": ["2024-01-05", None],
            "note": ["x", "y"],
        }
    )
    log = read_incident_log(frame)
    assert list(log.incidents["id"]) == ["A", "B"]
    assert log.unused_columns == ("note",)
    assert not log.has_costs


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ("A1,Acme,2024-01-05,2024-01-03,",),
            "row 1 (id 'A1'): closed '2024-01-03' is before opened '2024-01-05': an incident closes when or after it opens",
        ),
        (
            ("A1,Acme,2024-01-03,,", "A1,Beta,2024-01-04,,"),
            "row 2 (id 'A1'): the id appears again (first on row 1): ids must be unique",
        ),
        (
            ("A1,Acme,2024-01-03,,", "A2,Acme,2024-01-04 10:00,,"),
            (
                "row 2 (id 'A2'): opened '2024-01-04 10:00' is written YYYY-MM-DD HH:MM, but row 1's opened "
                "'2024-01-03' is YYYY-MM-DD: write every date of the log in one format"
            ),
        ),
        (
            ("A1,Acme,2024-01-03T10:00,2024-01-03 12:00,",),
            "closed '2024-01-03 12:00' is written YYYY-MM-DD HH:MM, but row 1's opened '2024-01-03T10:00' is YYYY-MM-DDTHH:MM",
        ),
        (
            ("A1,Acme,03/01/2024,,",),
            "row 1 (id 'A1'): opened '03/01/2024' is not a date: write dates as ISO 8601: 2024-03-01, or 2024-03-01T14:30 with a time",
        ),
        (("A1,Acme,2024-02-30,,",), "opened '2024-02-30' is not a date: not a date on the calendar"),
        (("A1,Acme,2024-01-03,soon,",), "closed 'soon' is not a date"),
        (
            ('A1,Acme,2024-01-03,2024-01-04,"1,200"',),
            "row 1 (id 'A1'): cost '1,200' is not a number: write a plain number such as 1250.50 (no currency sign, no thousands separator)",
        ),
        (("A1,Acme,2024-01-03,2024-01-04,$300",), "cost '$300' is not a number"),
        (("A1,Acme,2024-01-03,2024-01-04,nan",), "cost 'nan' is not a number"),
        (
            ("A1,Acme,2024-01-03,2024-01-04,-300",),
            "row 1 (id 'A1'): cost '-300' is negative: a cost is 0 or more",
        ),
        ((",Acme,2024-01-03,,",), "row 1: id is empty: every incident needs an id of its own"),
        (("A1,,2024-01-03,,",), "row 1 (id 'A1'): vendor is empty: name the vendor of every incident"),
        (("A1,Acme,,,",), "row 1 (id 'A1'): opened is empty: every incident needs the date it opened"),
    ],
)
def test_a_bad_log_is_refused_with_the_row_the_value_and_the_rule(tmp_path, rows, message):
    assert message in refusal(tmp_path, *rows)


def test_an_unknown_vendor_is_refused_when_a_vendor_list_is_given(tmp_path):
    rows = ("A1,Acme Offshore,2024-01-03,,", "A2,Acme Ofshore,2024-01-04,,")
    message = refusal(tmp_path, *rows, vendors=["Acme Offshore", "Beta Nearshore"])
    assert message.startswith(
        f"{tmp_path / 'log.csv'}: row 2 (id 'A2'): vendor 'Acme Ofshore' is not in the vendor list"
    )
    assert "(did you mean 'Acme Offshore'?)" in message
    assert (
        read_incident_log(log_file(tmp_path, *rows)).incidents["vendor"].nunique() == 2
    )  # no list: any name


def test_every_problem_is_named_at_once(tmp_path):
    message = refusal(
        tmp_path, "A1,Acme,2024-01-05,2024-01-03,", "A1,Acme,2024-01-06,,-5", "A3,Acme,yesterday,,"
    )
    assert message.splitlines()[0] == f"4 problems in {tmp_path / 'log.csv'}:"
    assert "row 1 (id 'A1'): closed" in message
    assert "row 2 (id 'A1'): the id appears again" in message
    assert "row 2 (id 'A1'): cost '-5' is negative" in message
    assert "row 3 (id 'A3'): opened 'yesterday' is not a date" in message


def test_an_as_of_date_before_a_date_in_the_log_is_refused(tmp_path):
    message = refusal(tmp_path, *GOOD, as_of="2024-02-20")
    assert "row 3 (id 'B1'): opened '2024-03-01T00:00' is after the as-of date '2024-02-20'" in message
    assert "as-of 'next week' is not a date" in refusal(tmp_path, *GOOD, as_of="next week")


def test_a_log_without_the_needed_columns_or_rows_is_refused(tmp_path):
    with pytest.raises(
        IncidentLogError, match=r"missing column 'closed': a log needs the columns id, vendor, opened, closed"
    ):
        read_incident_log(log_file(tmp_path, "A1,Acme,2024-01-03", header="id,vendor,opened\n"))
    with pytest.raises(TableError, match="has a header but no rows"):
        read_incident_log(log_file(tmp_path))
    with pytest.raises(IncidentLogError, match="it holds no incidents"):
        read_incident_log(pd.DataFrame(columns=["id", "vendor", "opened", "closed"]))


def test_the_refusals_are_table_errors_so_the_command_line_reports_them_in_one_line():
    assert issubclass(IncidentLogError, TableError)


def test_months_are_read_as_people_write_them():
    assert parse_months(None) is None
    assert parse_months(["24"]) == 24
    assert parse_months(["Acme=24", "Beta=12"]) == {"Acme": 24, "Beta": 12}
    assert parse_months("Acme Offshore=36; Beta=24") == {"Acme Offshore": 36, "Beta": 24}
    with pytest.raises(IncidentLogError, match=r"'Acme=two': write a whole number of months ≥ 1"):
        parse_months(["Acme=two"])
    with pytest.raises(
        IncidentLogError, match="give one number for every vendor, or VENDOR=N for each, not both"
    ):
        parse_months(["24", "Acme=12"])
    with pytest.raises(IncidentLogError, match="'0': write a whole number"):
        parse_months(["0"])

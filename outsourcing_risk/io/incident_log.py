"""Reading an incident log strictly: one row per incident, its vendor, when it opened and when it
closed (empty while it is still open), and optionally what it cost.

A log that is not what it seems is refused before anything is fitted, every problem named by its
row (row 1 is the first under the header), the field, the value as given and the rule: an unknown
vendor (when a vendor list is given), an incident closed before it opened, a duplicate incident
id, dates written in two formats, a date or cost that cannot be read, a negative cost. The file
itself goes through the one table reader, :func:`~outsourcing_risk.io.data.read_rows` (a CSV file or
the first sheet of an ``.xlsx`` workbook, whose date cells read as ISO dates), with its checks and
messages.

Dates are ISO 8601: ``2024-03-01`` (whole days), ``2024-03-01T14:30`` or ``2024-03-01 14:30``
(with seconds or an offset such as ``Z`` or ``+01:00`` if you like; times with an offset are read
in UTC), one format for the whole log. A date alone as the as-of date means the end of that day.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .data import read_rows
from .rows import normal_name
from .tables import TableError

__all__ = [
    "COLUMNS",
    "MONTH_DAYS",
    "IncidentLog",
    "IncidentLogError",
    "parse_months",
    "parse_when",
    "read_incident_log",
]

#: The columns a log needs (``cost`` may be left out); other columns are kept aside, unused.
COLUMNS = ("id", "vendor", "opened", "closed")
#: One month of the model in days: a twelfth of the mean Gregorian year.
MONTH_DAYS = 365.25 / 12

_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:(?P<sep>[T ])(?P<hm>\d{2}:\d{2})(?P<s>:\d{2}(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)


class IncidentLogError(TableError):
    """A log that cannot be fitted as given; the message names every problem with its row."""

    def __init__(self, problems: list[str], where: str = "the incident log"):
        self.problems = list(problems)
        if len(problems) == 1:
            message = f"{where}: {problems[0]}"
        else:
            message = "\n  - ".join([f"{len(problems)} problems in {where}:", *problems])
        super().__init__(message)


def _pattern(text: str) -> str:
    """How a date is written, for messages: ``2024-03-01 14:30`` is ``YYYY-MM-DD HH:MM``."""
    m = _ISO.match(text)
    if m is None:
        return "?"
    out = "YYYY-MM-DD"
    if m["sep"]:
        out += f"{m['sep']}HH:MM" + (":SS" if m["s"] else "")
    if m["tz"]:
        out += "Z" if m["tz"] == "Z" else "±HH:MM"
    return out


def parse_when(text: str) -> datetime:
    """An ISO 8601 date or date and time as a naive datetime (UTC when an offset is given).

    Raises ``ValueError`` with the rule for anything else.

    >>> parse_when("2024-03-01T14:30+01:00")
    datetime.datetime(2024, 3, 1, 13, 30)
    """
    m = _ISO.match(text.strip())
    if m is None:
        raise ValueError("write dates as ISO 8601: 2024-03-01, or 2024-03-01T14:30 with a time")
    try:
        when = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise ValueError("not a date on the calendar (ISO 8601: 2024-03-01)") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _as_of(value, dates_only: bool) -> datetime:
    """The as-of moment: a date alone is the end of that day."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day) + timedelta(days=1)
    text = str(value).strip()
    try:
        when = parse_when(text)
    except ValueError as exc:
        raise IncidentLogError([f"as-of {text!r} is not a date: {exc}"]) from None
    return when + timedelta(days=1) if _ISO.match(text)["sep"] is None else when  # type: ignore[index]


@dataclass(frozen=True)
class IncidentLog:
    """A checked incident log.

    ``incidents`` has one row per incident: ``row`` (1 = the first under the header), ``id``,
    ``vendor``, ``opened``, ``closed`` (NaT while open) and ``cost`` (NaN where not given).
    ``as_of`` is the moment the log describes (open incidents are open so far); ``dates_only``
    says that the log's dates are whole days.
    """

    incidents: pd.DataFrame
    as_of: datetime
    as_of_given: bool
    dates_only: bool
    has_costs: bool
    resolution_hours: float
    source: str = "the incident log"
    unused_columns: tuple[str, ...] = field(default=())

    @property
    def is_open(self) -> np.ndarray:
        return self.incidents["closed"].isna().to_numpy()

    def durations(self) -> dict[str, np.ndarray]:
        """Each incident's length in hours as the log knows it: ``exact`` lengths, ``low``/``high``
        bounds of lengths known to the day (a log of dates: a close ``d`` days after the opening
        lasted between d − 1 and d + 1 days), and ``right``: the open incidents' lengths so far
        (at least)."""
        inc = self.incidents
        closed = ~self.is_open
        span = (inc["closed"] - inc["opened"])[closed].dt.total_seconds().to_numpy(dtype=float) / 3600
        end_of_first_day = inc["opened"] + (pd.Timedelta(days=1) if self.dates_only else pd.Timedelta(0))
        so_far = (pd.Timestamp(self.as_of) - end_of_first_day)[~closed].dt.total_seconds().to_numpy(
            dtype=float
        ) / 3600
        if self.dates_only:
            exact = np.empty(0)
            low, high = np.maximum(span - 24.0, 0.0), span + 24.0
        else:
            zero = span == 0  # shorter than the log's clock can tell: below a minute (or second)
            exact, low = span[~zero], np.zeros(int(zero.sum()))
            high = np.full(low.size, self.resolution_hours)
        return {"exact": exact, "low": low, "high": high, "right": np.maximum(so_far, 0.0)}


def _problem(row: int, ident: str, text: str) -> str:
    return f"row {row}{f' (id {ident!r})' if ident else ''}: {text}"


def _columns(frame: pd.DataFrame, where: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Log column -> the table's header as written (case and spaces aside), and the unused ones."""
    found = {str(c).strip().lower(): str(c) for c in frame.columns}
    missing = [c for c in COLUMNS if c not in found]
    if missing:
        rule = (
            "a log needs the columns id, vendor, opened, closed (empty while still open) and optionally cost"
        )
        plural = "s" if len(missing) > 1 else ""
        raise IncidentLogError([f"missing column{plural} {', '.join(map(repr, missing))}: {rule}"], where)
    used = {c: found[c] for c in (*COLUMNS, "cost") if c in found}
    unused = tuple(str(c) for c in frame.columns if str(c).strip().lower() not in used)
    return used, unused


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat(sep="T", timespec="seconds" if value.second else "minutes")
    return str(value).strip()


def _cost(text: str) -> float:
    value = float(text)  # ValueError for anything that is not a plain number
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class _Reader:
    """The row-by-row checks, every problem collected."""

    def __init__(self, vendors: Iterable[str] | None):
        self.problems: list[str] = []
        self.known = None if vendors is None else [normal_name(v) for v in vendors]
        self.first_format: tuple[int, str, str] | None = None
        self.seen: dict[str, int] = {}

    def when(self, row: int, ident: str, name: str, text: str) -> datetime | None:
        try:
            value = parse_when(text)
        except ValueError as exc:
            self.problems.append(_problem(row, ident, f"{name} {text!r} is not a date: {exc}"))
            return None
        if self.first_format is None:
            self.first_format = (row, name, text)
        elif _pattern(text) != _pattern(self.first_format[2]):
            first_row, first_name, first = self.first_format
            self.problems.append(
                _problem(
                    row,
                    ident,
                    f"{name} {text!r} is written {_pattern(text)}, but row {first_row}'s {first_name} "
                    f"{first!r} is {_pattern(first)}: write every date of the log in one format",
                )
            )
        return value

    def identity(self, row: int, ident: str, vendor: str) -> None:
        if not ident:
            self.problems.append(_problem(row, "", "id is empty: every incident needs an id of its own"))
        elif ident in self.seen:
            self.problems.append(
                _problem(
                    row, ident, f"the id appears again (first on row {self.seen[ident]}): ids must be unique"
                )
            )
        else:
            self.seen[ident] = row
        if not vendor:
            self.problems.append(_problem(row, ident, "vendor is empty: name the vendor of every incident"))
        elif self.known is not None and vendor not in self.known:
            close = difflib.get_close_matches(vendor, self.known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.problems.append(
                _problem(
                    row,
                    ident,
                    f"vendor {vendor!r} is not in the vendor list{hint}: "
                    f"the list names {', '.join(repr(k) for k in self.known[:6])}"
                    f"{', …' if len(self.known) > 6 else ''}",
                )
            )

    def cost(self, row: int, ident: str, text: str) -> float:
        if not text:
            return math.nan
        try:
            value = _cost(text)
        except ValueError:
            self.problems.append(
                _problem(
                    row,
                    ident,
                    f"cost {text!r} is not a number: write a plain number such as "
                    "1250.50 (no currency sign, no thousands separator)",
                )
            )
            return math.nan
        if value < 0:
            self.problems.append(_problem(row, ident, f"cost {text!r} is negative: a cost is 0 or more"))
        return value

    def record(self, row: int, cells: dict[str, str]) -> dict:
        ident, vendor = cells["id"], normal_name(cells["vendor"])  # names as they read, as every table's
        self.identity(row, ident, vendor)
        opened = closed = None
        if not cells["opened"]:
            self.problems.append(
                _problem(row, ident, "opened is empty: every incident needs the date it opened")
            )
        else:
            opened = self.when(row, ident, "opened", cells["opened"])
        if cells["closed"]:
            closed = self.when(row, ident, "closed", cells["closed"])
        if opened is not None and closed is not None and closed < opened:
            self.problems.append(
                _problem(
                    row,
                    ident,
                    f"closed {cells['closed']!r} is before opened {cells['opened']!r}: "
                    "an incident closes when or after it opens",
                )
            )
        cost = self.cost(row, ident, cells.get("cost", ""))
        return {
            "row": row,
            "id": ident,
            "vendor": vendor,
            "opened": opened,
            "closed": closed,
            "cost": cost,
            "opened_as_given": cells["opened"],
            "closed_as_given": cells["closed"],
        }


def _frame(source) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source, "the incident log"
    path = Path(source)
    return read_rows(path), str(path)


def _check_as_of(incidents: pd.DataFrame, as_of: datetime, given: str) -> list[str]:
    """An as-of date given before a date in the log: the log then describes a later moment."""
    latest = incidents[["opened", "closed"]].max(axis=1)
    late = incidents[latest > pd.Timestamp(as_of)]
    if late.empty:
        return []
    first = late.iloc[0]
    which = "opened" if first["opened"] > pd.Timestamp(as_of) else "closed"
    return [
        _problem(
            int(first["row"]),
            first["id"],
            f"{which} {first[which + '_as_given']!r} is after the as-of "
            f"date {given!r}: the as-of date is when the log was read, on or after every date in it",
        )
    ]


def read_incident_log(source, *, vendors: Iterable[str] | None = None, as_of=None) -> IncidentLog:
    """An incident log (a CSV path or a DataFrame) checked row by row; see the module's rules.

    ``vendors``: the known vendors (a vendor named otherwise is refused); ``as_of``: the moment
    the log describes (a date is the end of that day; default the log's last date or time).

    >>> log = read_incident_log(pd.DataFrame({"id": ["A", "B"], "vendor": ["Acme", "Acme"],
    ...     "opened": ["2024-01-03", "2024-02-10"], "closed": ["2024-01-05", ""]}))
    >>> log.as_of, int(log.is_open.sum())
    (datetime.datetime(2024, 2, 11, 0, 0), 1)
    """
    frame, where = _frame(source)
    names, unused = _columns(frame, where)
    reader = _Reader(vendors)
    records = []
    for i, values in enumerate(frame.to_dict("records"), start=1):
        cells = {c: _cell(values[h]) for c, h in names.items()}
        records.append(reader.record(i, cells))
    if not records:
        raise IncidentLogError(["it holds no incidents: add one row per incident under the header"], where)
    if reader.problems:
        raise IncidentLogError(reader.problems, where)
    incidents = pd.DataFrame(records)
    incidents["opened"] = pd.to_datetime(incidents["opened"])
    incidents["closed"] = pd.to_datetime(incidents["closed"])
    assert reader.first_format is not None  # every row has an opened date
    fmt = _pattern(reader.first_format[2])
    dates_only = fmt == "YYYY-MM-DD"
    if as_of is None:
        last = incidents[["opened", "closed"]].max().max().to_pydatetime()
        moment = last + timedelta(days=1) if dates_only else last
    else:
        moment = _as_of(as_of, dates_only)
        problems = _check_as_of(incidents, moment, _cell(as_of))
        if problems:
            raise IncidentLogError(problems, where)
    return IncidentLog(
        incidents=incidents,
        as_of=moment,
        as_of_given=as_of is not None,
        dates_only=dates_only,
        has_costs="cost" in names,
        resolution_hours=24.0 if dates_only else 1 / 3600 if ":SS" in fmt else 1 / 60,
        source=where,
        unused_columns=unused,
    )


def parse_months(given) -> int | dict[str, int] | None:
    """Months observed as a person writes them: ``None`` (take the log's span), one whole number
    for every vendor (``"24"``), or per vendor (``"Acme=24"``), as a list of such items or one
    text with ``;`` between them.

    >>> parse_months("Acme Offshore=36; Beta=24"), parse_months(["18"])
    ({'Acme Offshore': 36, 'Beta': 24}, 18)
    """
    if given is None:
        return None
    items = [i.strip() for i in (given.split(";") if isinstance(given, str) else given) if i.strip()]
    problems, plain, named = [], [], {}
    for item in items:
        vendor, _, number = item.rpartition("=")
        try:
            value = int(number.strip())
            if value < 1:
                raise ValueError
        except ValueError:
            problems.append(
                f"{item!r}: write a whole number of months ≥ 1, for every vendor (24) or one (VENDOR=24)"
            )
            continue
        if vendor.strip():
            named[vendor.strip()] = value
        else:
            plain.append(value)
    if not problems and plain and (named or len(plain) > 1):
        problems.append(
            f"{'; '.join(items)!r}: give one number for every vendor, or VENDOR=N for each, not both"
        )
    if problems:
        raise IncidentLogError(problems, "the months observed")
    return named or (plain[0] if plain else None)

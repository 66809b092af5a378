"""One way in for every table: scenarios, vendors, batch jobs, books and incident logs are read
by :func:`~outsourcing_risk.io.data.read_rows` (a CSV file or a sheet of an ``.xlsx`` workbook)
and checked by the rules here, written once, so that every table says the same thing about the same mistake.

- **Names** are compared as they read (:func:`normal_name`): Unicode NFC, invisible characters
  removed, spaces collapsed, so "Café" typed two ways or a name with a zero-width space is the
  same name. A blank or invisible name and a name that repeats are refused (:func:`name_problems`).
- **Blank cells** (``""``, ``None``, NaN) mean "not given" (:func:`is_blank`).
- **Unknown columns** are refused with a suggestion; past a few, the rest are counted
  (:func:`column_problems`).
- **Yes and no** are one vocabulary (:data:`YES`, :data:`NO`, :func:`yes_no`).
- **Numbers** are read as people write them, by :mod:`outsourcing_risk.io.numbers` (one rule:
  ``60,000`` is sixty thousand, ``350.000`` is refused as reading two ways); whole numbers are
  numbers without a fraction (:func:`read_cell_number`, :func:`whole_number`).
- **Where** a problem is: :class:`Place` names a cell as its reader sees it, ``row 3`` in a CSV
  file (1 = the first row under the header) or ``sheet Scenarios, cell F4`` in a workbook, and
  says which cells a spreadsheet formatted as a percentage or a date (:func:`table_records`).

Each kind of table keeps its own columns and checks (in the layer that knows them); this module
knows nothing of the model.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .numbers import NumberError, read_number

__all__ = [
    "NO",
    "YES",
    "Place",
    "column_problems",
    "did_you_mean",
    "field_of",
    "is_blank",
    "name_problems",
    "normal_name",
    "place_of",
    "plain_number_text",
    "read_cell_number",
    "table_records",
    "whole_number",
    "yes_no",
    "yes_no_problem",
]

#: The words read as yes and as no, in any case, in every table, parameter and setting.
YES = ("yes", "y", "true", "on", "1")
NO = ("no", "n", "false", "off", "0")
#: Unknown columns named one by one before the rest are counted.
SHOWN_COLUMNS = 5
#: Characters that show nothing: zero-width spaces and joiners, soft hyphen, direction marks and
#: overrides, word joiner, byte-order mark.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
#: Text written as a plain number (digits and separators; no suffix: "6m" in a months column is
#: not six million), read by io.numbers.
_PLAIN = re.compile(r"[+-]?[\d.,' \u00a0]*\d[\d.,' \u00a0]*")
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def normal_name(text) -> str:
    """A name as a reader sees it, so that two names that look the same are the same: Unicode NFC
    (an "é" typed as e + accent equals "é"), invisible characters removed, every kind of space or
    line break a plain space, runs of spaces one, no space at either end.

    >>> normal_name("Caf\u0065\u0301\u200b  de\u00a0Paris ")
    'Café de Paris'
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text)))
    return " ".join(text.split())


def is_blank(value) -> bool:
    """An empty table cell: None, blank text or NaN. Blank cells take the default."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def did_you_mean(name: str, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def yes_no(value) -> bool | None:
    """True for a word of :data:`YES`, False for one of :data:`NO` (any case; a spreadsheet's
    TRUE/FALSE too), None for anything else (blank included: the caller's default).

    >>> yes_no("Yes"), yes_no(" off "), yes_no(True), yes_no("maybe")
    (True, False, True, None)
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if not is_blank(value) else ""
    return True if text in YES else False if text in NO else None


def yes_no_problem(name: str, value, say: tuple[str, str] = ("yes", "no")) -> str:
    """The one refusal of a value that is neither yes nor no.

    >>> yes_no_problem("critical", "maybe")
    "critical must be yes or no (got 'maybe'): yes, y, true, on, 1 or no, n, false, off, 0, in any case"
    """
    return f"{name} must be {say[0]} or {say[1]} (got {value!r}): {', '.join(YES)} or {', '.join(NO)}, in any case"


def read_cell_number(value) -> tuple[float | None, str]:
    """A cell's number by the one rule of :mod:`~outsourcing_risk.io.numbers` (a number as
    given stays itself): ``(number, "")``, or ``(None, why)`` quoting the cell.

    >>> read_cell_number("60,000"), read_cell_number(2.5)
    ((60000.0, ''), (2.5, ''))
    >>> read_cell_number("350.000")[1]
    '"350.000" could be 350 or 350,000 (a point between thousands): write it without doubt'
    """
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float):
        number = float(value)
        return (number, "") if math.isfinite(number) else (None, f"{value!r} is not a finite number")
    try:
        return read_number(str(value)), ""
    except NumberError as exc:
        return None, str(exc)


def whole_number(value) -> tuple[int | None, str]:
    """A cell that must hold a whole number: ``(int, "")`` or ``(None, why)``.

    >>> whole_number("12"), whole_number("1.5")[1]
    ((12, ''), '"1.5" is not a whole number')
    """
    number, problem = read_cell_number(value)
    if number is None:
        return None, problem
    if number != round(number):
        shown = value.strip() if isinstance(value, str) else repr(value)
        return None, f'"{shown}" is not a whole number'
    return int(number), ""


def plain_number_text(value):
    """A text cell that reads as a plain number, read by the one rule (a float); any other cell
    as it is (a distribution, a word, an exponent: the caller's own reader decides). Raises
    :class:`~outsourcing_risk.io.numbers.NumberError` for a number that reads two ways.

    >>> plain_number_text("60,000"), plain_number_text("pert(1, 2, 3)"), plain_number_text("1e-3")
    (60000.0, 'pert(1, 2, 3)', '1e-3')
    """
    if isinstance(value, str) and _PLAIN.fullmatch(value.strip()):
        return read_number(value)
    return value


@dataclass(frozen=True)
class Place:
    """Where a table's cells are, to name each as the person who made the table sees it.

    A CSV table (or a DataFrame) numbers its rows from 1, the first under the header: ``row 3``.
    A sheet of a workbook names cells as the spreadsheet shows them: ``sheet Scenarios, cell F4``
    (``rows`` holds each data row's number on the sheet, ``letters`` each column's letter). The
    cells a spreadsheet formatted as a percentage or a date, and hidden rows and columns, are
    listed so that each table's reader can say what it makes of them.
    """

    sheet: str = ""
    source: str = ""
    header_row: int = 0
    rows: tuple[int, ...] = ()
    letters: Mapping[str, str] = field(default_factory=dict)
    percent: frozenset[tuple[int, str]] = frozenset()  # (row from 1, column)
    dates: Mapping[tuple[int, str], str] = field(default_factory=dict)  # (row, column) -> the date
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[str] = frozenset()

    @property
    def _sheet(self) -> str:
        name = self.sheet
        return f"sheet {name}" if re.fullmatch(r"\w+", name) else f"sheet {name!r}"

    def ref(self, i: int) -> str:
        """Row ``i`` (from 1) as another message of the same table refers to it: ``row 3``."""
        return f"row {self.rows[i - 1]}" if self.sheet else f"row {i}"

    def row(self, i: int) -> str:
        """Row ``i`` (from 1) in full: ``row 3`` or ``sheet Scenarios, row 4``."""
        if not self.sheet:
            return f"row {i}"
        hidden = " (a hidden row)" if i in self.hidden_rows else ""
        return f"{self._sheet}, row {self.rows[i - 1]}{hidden}"

    def cell(self, i: int, column: str | None) -> str:
        """The cell of row ``i`` (from 1) in ``column``: ``row 3`` or ``sheet Scenarios, cell F4``."""
        if not self.sheet or column is None or column not in self.letters:
            return self.row(i)
        hidden = [
            w for w, h in (("row", i in self.hidden_rows), ("column", column in self.hidden_columns)) if h
        ]
        note = f" (in a hidden {' and '.join(hidden)})" if hidden else ""
        return f"{self._sheet}, cell {self.letters[column]}{self.rows[i - 1]}{note}"

    def at(self, i: int, column: str | None = None, name: str = "") -> str:
        """The head of a message about row ``i``: its cell (or row) and its name, if any."""
        return f"{self.cell(i, column)} ({name!r})" if name else self.cell(i, column)

    def header(self, column: str) -> str:
        """Where a column's name is: ``column 'x'`` or ``sheet Scenarios, cell C1``."""
        if not self.sheet or column not in self.letters:
            return ""
        return f"{self._sheet}, cell {self.letters[column]}{self.header_row}: "

    def located(self, i: int, problem: str, columns: Iterable[str], name: str = "") -> str:
        """``problem`` (about row ``i``) headed by the cell of the column it names first."""
        return f"{self.at(i, field_of(problem, columns), name)}: {problem}"


def field_of(problem: str, columns: Iterable[str]) -> str | None:
    """The column a problem is about: the field it names first (``trust must be …`` is about
    ``trust``), when that is a column of the table.

    >>> field_of("trust must be in [0, 1] (got 2)", ["name", "trust"])
    'trust'
    """
    match = _FIELD.match(problem)
    return match.group(0) if match and match.group(0) in set(columns) else None


def place_of(table) -> Place:
    """The :class:`Place` a table was read with (a plain one for a DataFrame built in code)."""
    place = getattr(table, "attrs", {}).get("place")
    return place if isinstance(place, Place) else Place()


def column_problems(
    columns: Iterable,
    known: Iterable[str],
    *,
    required: Iterable[str] = (),
    unknown: str = "unknown column {!r}",
    place: Place | None = None,
    needs: str = "the table needs a {!r} column",
) -> list[str]:
    """A problem for each column that is not ``known`` (``unknown`` says it, with a suggestion;
    past :data:`SHOWN_COLUMNS` the rest are counted in one line) and each ``required`` one
    missing (``needs`` says it); a sheet's column is named by its header cell.

    >>> column_problems(["name", "trsut"], ["name", "trust"])
    ["unknown column 'trsut' (did you mean 'trust'?)"]
    >>> column_problems([f"x{i}" for i in range(8)], ["name"])[-1]
    "and 3 more unknown columns: 'x5', 'x6', 'x7'"
    """
    place = place or Place()
    columns, known = [str(c) for c in columns], list(known)
    strange = [c for c in columns if c not in known]
    problems = [
        f"{place.header(c)}{unknown.format(c)}{did_you_mean(c, known)}" for c in strange[:SHOWN_COLUMNS]
    ]
    rest = strange[SHOWN_COLUMNS:]
    if rest:
        listed = ", ".join(map(repr, rest[:20])) + (", …" if len(rest) > 20 else "")
        problems.append(f"and {len(rest)} more unknown column{'s' * (len(rest) > 1)}: {listed}")
    return problems + [needs.format(c) for c in required if c not in columns]


def name_problems(
    names: list, place: Place | None = None, column: str = "name"
) -> tuple[list[str], list[str]]:
    """Each row's name as it reads (:func:`normal_name`), and a problem for every blank name (or
    one of invisible characters only) and every name that repeats an earlier row's, looks the
    same or not.

    >>> names, problems = name_problems(["Café", "Cafe\u0301", ""])
    >>> names, problems[1]
    (['Café', 'Café', ''], 'row 3 has no name')
    >>> problems[0].split(" (reports")[0]
    "row 2 ('Café'): name 'Cafe\u0301' looks the same as row 1's 'Café'"
    """
    place = place or Place()
    normal = ["" if is_blank(raw) else normal_name(raw) for raw in names]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, (raw, name) in enumerate(zip(names, normal, strict=True), start=1):
        if not name:
            invisible = not is_blank(raw)
            problems.append(
                f"{place.cell(i, column)} has no name{' (only invisible characters)' * invisible}"
            )
        elif name in seen:
            first = names[seen[name] - 1]
            if str(raw).strip() == str(first).strip():
                problems.append(f"{place.at(i, column, name)}: name {name!r} repeats {place.ref(seen[name])}")
            else:
                problems.append(
                    f"{place.at(i, column, name)}: name {raw!r} looks the same as {place.ref(seen[name])}'s "
                    f"{first!r} (reports would be confused; names are compared as they read: accents "
                    "composed, invisible characters and extra spaces left out)"
                )
        seen.setdefault(name, i)
    return normal, problems


def table_records(
    table, *, percent_ok: Iterable[str] = (), dates_ok: Iterable[str] = (), units=None
) -> tuple[list[dict], list[str]]:
    """A table's rows as mappings, and what a spreadsheet's formats make wrong: a cell formatted
    as a percentage in a column that is not a fraction (a percentage of money makes no sense), a
    date in a column that takes no date. Such a cell is left blank in its row, so that it is
    refused once, in these words. ``units`` maps a column to its unit, for the message."""
    place, units = place_of(table), units or {}
    records = table.to_dict("records") if hasattr(table, "to_dict") else [dict(r) for r in table]
    percent_ok, dates_ok = set(percent_ok), set(dates_ok)
    problems = []

    def refuse(i: int, column: str, problem: str) -> None:
        name = records[i - 1].get("name")
        problems.append(f"{place.at(i, column, '' if is_blank(name) else normal_name(name))}: {problem}")
        records[i - 1][column] = ""

    for i, column in sorted(place.percent, key=lambda c: (c[0], str(c[1]))):
        if column not in percent_ok:
            unit = f" ({units[column]})" if column in units else ""
            what = "amount" if "currency" in unit else "value"
            refuse(
                i,
                column,
                f"{column} is formatted as a percentage, but {column} is not a fraction{unit}: format "
                f"the cell as a number and type the {what}",
            )
    for (i, column), shown in sorted(place.dates.items(), key=lambda c: (c[0][0], str(c[0][1]))):
        if column not in dates_ok:
            refuse(
                i,
                column,
                f"{column} holds a date ({shown}), but takes a number: a spreadsheet may have read what "
                "was typed as a date (3/4, 1-2); format the cell as a number or text and type it again",
            )
    return records, problems

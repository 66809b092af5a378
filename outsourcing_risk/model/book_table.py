"""A portfolio table read into a :class:`~.book.Book` (docs/model.md, "A book of contracts"):
one row per contract, every problem of every row and column at once, each naming its cell. The
rules are :mod:`.book`'s, the ones a book built in code passes too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..io.rows import (
    Place,
    column_problems,
    is_blank,
    name_problems,
    normal_name,
    place_of,
    read_cell_number,
    yes_no,
    yes_no_problem,
)
from .book import (
    CONTRACT_COLUMNS,
    Book,
    Contract,
    months_problem,
    shock_problem,
    vendor_problems,
)
from .scenario import FIELDS, PERCENT_FIELDS, Scenario, ScenarioError, row_values, table_rows

__all__ = ["book_from_table"]

#: The columns of a chance per year of a shared shock, read as percentages where a sheet says so.
_SHOCKS = ("group_shock_prob_annual", "subcontractor_failure_prob_annual")


def book_from_table(rows, *, capacity: int | None = None, name: str = "Book of contracts") -> Book:
    """A :class:`~.book.Book` from a portfolio table's rows (a DataFrame of text cells, as
    :func:`~outsourcing_risk.io.data.load_scenarios` reads a CSV file or a sheet, or a list of
    mappings): one row per contract with ``name``, ``vendor`` and any scenario column, and
    optionally ``vendor_group``, ``group_shock_prob_annual``, ``critical`` (yes or no, as
    :func:`~outsourcing_risk.io.rows.yes_no` reads them; blank is no), ``notice_months``,
    ``rto_months``, ``subcontractors`` (names separated by ``;``) and
    ``subcontractor_failure_prob_annual``.

    Every problem of every row and column is reported at once in one :class:`ScenarioError`,
    each naming its cell (rows numbered from 1 under the header, or as a sheet numbers them).

    >>> book = book_from_table([
    ...     {"name": "Hosting", "vendor": "Atlas", "subcontractors": "Gamma DC",
    ...      "subcontractor_failure_prob_annual": "0.02"},
    ...     {"name": "Payments", "vendor": "Orion", "subcontractors": "Gamma DC"},
    ... ])
    >>> book.vendors, book.subcontractors, dict(book.subcontractor_shocks)
    (['Atlas', 'Orion'], ['Gamma DC'], {'Gamma DC': 0.02})
    """
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else [dict(r) for r in rows]
    if not records:
        raise ScenarioError(["the table has no rows: add one row per contract"], "the portfolio table")
    place = place_of(rows)
    columns = list(dict.fromkeys(k for r in records for k in r))
    problems = column_problems(
        columns, [*FIELDS, *CONTRACT_COLUMNS], required=("name", "vendor"), place=place
    )
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1):
        problems.append(
            f"the switching capacity must be a whole number of transitions ≥ 1 (got {capacity!r})"
        )
    if problems:
        raise ScenarioError(problems, "the portfolio table")
    table = rows if hasattr(rows, "to_dict") else records
    records, formats = table_rows(table, (*PERCENT_FIELDS, *_SHOCKS))
    labels, problems = name_problems([r.get("name") for r in records], place)
    problems += formats
    reader = _BookRows(place)
    for i, (row, label) in enumerate(zip(records, labels, strict=True), start=1):
        here = reader.contract(i, row, label)
        problems.extend(place.located(i, p, columns, label) for p in here)
    problems += reader.vendor_problems(columns)
    problems += reader.unknown("vendor group", "group_shock_prob_annual", reader.groups, reader.shocks)
    problems += reader.unknown(
        "subcontractor", "subcontractor_failure_prob_annual", reader.subs, reader.sub_shocks
    )
    if problems:
        raise ScenarioError(problems, "the portfolio table")
    shocks = {g: v for g, (v, _) in reader.shocks.items()}
    sub_shocks = {s: v for s, (v, _) in reader.sub_shocks.items()}
    return Book(tuple(reader.contracts), shocks, capacity, name, sub_shocks)


class _BookRows:
    """A portfolio table's rows, one contract at a time: what a group's or a subcontractor's rows
    must share is checked against the first row that gave it."""

    def __init__(self, place: Place) -> None:
        self.place = place
        self.contracts: list[Contract] = []
        self.rows: list[tuple[int, str]] = []  # each contract's row and label
        self.shocks: dict[str, tuple[float, int]] = {}
        self.sub_shocks: dict[str, tuple[float, int]] = {}
        self.groups: list[str] = []
        self.subs: list[str] = []

    def contract(self, i: int, row: Mapping, label: str) -> list[str]:
        """The problems of row ``i`` (none: its contract is added)."""
        here: list[str] = []
        vendor = normal_name(row.get("vendor", "") or "")
        if not vendor:
            here.append("vendor is empty (contracts with the same vendor share its failures)")
        group = normal_name(row.get("vendor_group", "") or "")
        critical = yes_no(row.get("critical"))
        if critical is None and not is_blank(row.get("critical")):
            here.append(yes_no_problem("critical", row.get("critical")))
        notice = _months(row.get("notice_months"), "notice_months", here, allow_zero=True)
        rto = _months(row.get("rto_months"), "rto_months", here, allow_zero=False)
        subs = _names(row.get("subcontractors"), here)
        self._shock(i, row.get("group_shock_prob_annual"), [group] if group else [], "vendor_group", here)
        self._shock(i, row.get("subcontractor_failure_prob_annual"), subs, "subcontractors", here)
        values = row_values(row, here)
        values["name"] = label or f"row {i}"
        try:
            scenario = Scenario.from_dict(values)
        except ScenarioError as exc:
            here.extend(exc.problems)
            return here
        if label and vendor:  # its vendor checked against the others' even when it has problems
            self.contracts.append(Contract(scenario, vendor, group, bool(critical), notice, rto, subs))
            self.rows.append((i, label))
            self.groups += [group] if group and group not in self.groups else []
            self.subs += [s for s in subs if s not in self.subs]
        return here

    def vendor_problems(self, columns) -> list[str]:
        """The vendor rule (:func:`.book.vendor_problems`), each problem at its row."""
        found = vendor_problems(self.contracts, lambda j: self.place.ref(self.rows[j][0]))
        return [self.place.located(self.rows[j][0], p, columns, self.rows[j][1]) for j, p in found]

    def _shock(self, i: int, given, names, needs: str, here: list[str]) -> None:
        """A chance per year for the group or the subcontractors ``names`` of row ``i``."""
        if is_blank(given):
            return
        column = "group_shock_prob_annual" if needs == "vendor_group" else "subcontractor_failure_prob_annual"
        known = self.shocks if needs == "vendor_group" else self.sub_shocks
        value, _ = read_cell_number(given)
        problem = (
            shock_problem(column, value, given) if value is not None else shock_problem(column, "", given)
        )
        if not names:
            here.append(f"{column} is given but {needs} is empty")
        elif problem:
            here.append(problem)
        if problem or value is None:
            return
        for name in names:
            if name in known and known[name][0] != value:
                here.append(
                    f"{column} {given!r} differs from {self.place.ref(known[name][1])}'s for {name!r} "
                    f"(one chance each)"
                )
            else:
                known.setdefault(name, (float(value), i))

    @staticmethod
    def unknown(what: str, column: str, named: list[str], known: dict) -> list[str]:
        return [
            f"unknown {what} {k!r}: give its {column} (0 when it only names what is shared) on at least "
            "one of its rows"
            for k in named
            if k not in known
        ]


def _names(value, problems: list[str]) -> tuple[str, ...]:
    """A cell of names separated by ``;`` (blank: none); a name given twice is refused."""
    if is_blank(value):
        return ()
    names = [normal_name(n) for n in str(value).split(";")]
    names = [n for n in names if n]
    if len(set(names)) < len(names):
        problems.append(f"subcontractors names one twice (got {value!r})")
    return tuple(dict.fromkeys(names))


def _months(value, column: str, problems: list[str], *, allow_zero: bool) -> float:
    if is_blank(value):
        return math.nan
    number, _ = read_cell_number(value)
    problem = months_problem(column, number if number is not None else "", value, allow_zero=allow_zero)
    if problem:
        problems.append(problem)
        return math.nan
    return float(number)  # type: ignore[arg-type]

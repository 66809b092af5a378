"""The cells of a register read one by one: amounts, days and hours, dates, currencies and closed
lists, each refused in words that name the file, the row's key and the column code.

A problem is collected, not raised, so that a register's every problem is named at once
(:class:`Problems`); the caller raises one :class:`~outsourcing_risk.io.tables.TableError`.
"""

from __future__ import annotations

import re
from datetime import date

from .numbers import plain_number
from .register_mapping import ClosedList
from .tables import TableError

__all__ = ["MAX_SHOWN", "Problems", "Where", "amount", "closed", "currency", "day", "hours", "whole"]

#: The most problems listed in one message (the count of the others follows).
MAX_SHOWN = 12
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE = re.compile(r"[A-Za-z]{3}")


class Problems:
    """Problems found in a register, each naming where it is."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.found.append(f"{where}: {what}")

    def raise_any(self) -> None:
        if not self.found:
            return
        shown = self.found[:MAX_SHOWN]
        more = len(self.found) - len(shown)
        tail = f"; and {more:,} more like them" if more else ""
        count = f"{len(self.found):,} problem{'s' if len(self.found) > 1 else ''}"
        raise TableError(f"the register has {count}: " + "; ".join(shown) + tail)


class Where:
    """A row of one template: ``b_02.01.csv row 3 (c0010 'ARR-1')``, and its cells by column code."""

    def __init__(self, file: str, row: int, key_code: str, key: str) -> None:
        self.file, self.row, self.key_code, self.key = file, row, key_code, key

    def __str__(self) -> str:
        return f"{self.file} row {self.row} ({self.key_code} {self.key!r})"

    def at(self, code: str) -> str:
        return f"{self} {code}"


def amount(cell: str, where: str, what: str, problems: Problems, *, positive: bool = True) -> float | None:
    """An amount of money written without doubt (``600000,50`` is refused, as the tables refuse
    ``1,2M``); None when blank or refused."""
    if not cell:
        return None
    number, problem = plain_number(cell.strip(), cell)
    if problem:
        problems.add(where, f"{what}: {problem}")
        return None
    if number < 0 or (positive and number == 0):
        problems.add(where, f"{what} must be an amount {'> 0' if positive else '≥ 0'} (got {cell!r})")
        return None
    return number


def whole(cell: str, where: str, what: str, problems: Problems, *, least: int = 0) -> int | None:
    """A whole number ≥ ``least`` (days, a rank); None when blank or refused."""
    if not cell:
        return None
    number, problem = plain_number(cell.strip(), cell)
    if problem or number != int(number) or number < least:
        problems.add(where, f"{what} must be a whole number ≥ {least} (got {cell!r})")
        return None
    return int(number)


def hours(cell: str, where: str, what: str, problems: Problems) -> float | None:
    """A number of hours > 0; None when blank or refused."""
    if not cell:
        return None
    number, problem = plain_number(cell.strip(), cell)
    if problem or number <= 0:
        problems.add(
            where,
            f"{what} must be a number of hours > 0 (got {cell!r}; the book reads an objective no switch meets as none)",
        )
        return None
    return number


def day(cell: str, where: str, what: str, problems: Problems, open_end: str = "") -> date | None:
    """A date written YYYY-MM-DD; None when blank, open-ended (``open_end``) or refused."""
    if not cell or cell == open_end:
        return None
    try:
        if not _ISO_DATE.fullmatch(cell):
            raise ValueError
        return date.fromisoformat(cell)
    except ValueError:
        problems.add(where, f"{what} must be a date written YYYY-MM-DD (got {cell!r})")
        return None


def currency(cell: str, prefix: str, where: str, problems: Problems) -> str | None:
    """A currency as filed (``eba_CU:EUR``) or as its ISO 4217 code (``EUR``): the code in capitals."""
    text = cell.strip()
    if prefix and text.casefold().startswith(prefix.casefold()):
        text = text[len(prefix) :]
    if not text:
        problems.add(
            where, "the currency is empty: give the currency of the annual expense (e.g. eba_CU:EUR)"
        )
        return None
    if not _CODE.fullmatch(text):
        problems.add(
            where, f"the currency must be {prefix}XXX or a three-letter code such as EUR (got {cell!r})"
        )
        return None
    return text.upper()


def closed(cell: str, closed_list: ClosedList, where: str, what: str, problems: Problems) -> str | None:
    """The meaning of a closed list's value (its eba_ code or its label); None when blank or refused."""
    if not cell:
        return None
    meaning = closed_list.meaning(cell)
    if meaning is None:
        problems.add(where, f"{what} {cell!r} is not in the list ({closed_list.accepted()}, or their labels)")
    return meaning

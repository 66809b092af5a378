"""Writing tables to an Excel workbook (``.xlsx``) a reader does not have to fix, and the one guard
of text against spreadsheet formulas (:func:`csv_text`), shared by every CSV and workbook the
package writes.

Each sheet is a table with a frozen header row, columns as wide as their content (within
bounds), and a number format by kind: money with thousands separators, chances and shares as
percentages, months and counts as whole numbers. Every text cell is formula-guarded: a cell whose
text (or a line of it) starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
full-width forms) gets an apostrophe before it, as OWASP advises, and characters a workbook
cannot hold (control characters) are dropped. Numbers stay numbers, written with 16 significant
digits (openpyxl's format; Excel itself keeps 15), so a value read back is the one written to
within 1e-15 of itself; NaN is an empty cell.

openpyxl writes in its write-only mode, row by row, so that a sheet of 20,000 trials does not
hold a cell object per value in memory; one styled cell per column carries every row's values
(a cell per value, each styled, took a third longer). openpyxl writes about twice as fast when
lxml is installed (it uses it by itself).
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FORMATS", "Sheet", "csv_text", "workbook_bytes"]

#: A formula's first character at the start of a cell or of a line in it (full-width forms too).
_FORMULA = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r＝＋－＠])")
#: Characters an .xlsx cell cannot hold (XML 1.0 forbids them): control characters but tab,
#: line feed and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Number formats by kind of column.
FORMATS = {
    "money": "#,##0;[Red]-#,##0",
    "percent": "0.0%",
    "number": "#,##0.####",
    "whole": "#,##0",
    "text": "@",
}
#: The narrowest and widest column, in characters.
_WIDTH = (8, 60)


def csv_text(text) -> str:
    """A text cell safe to open in a spreadsheet (OWASP CSV injection): no line of it may start a
    formula, the full-width ＝ ＋ － ＠ included (a cell's text after a line break is a line too).

    >>> csv_text("Safe name\\r=cmd|' /C calc'!A0")
    "Safe name\\r'=cmd|' /C calc'!A0"
    """
    text = "" if text is None else str(text)
    return _FORMULA.sub("'", text)


@dataclass
class Sheet:
    """One sheet: its name (at most 31 characters, as Excel allows), its columns and rows (an
    iterable, consumed once, so that a long sheet is written as it is made), the kind of each
    column (:data:`FORMATS`; text when not named) and a note above the header, if any."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    kinds: Mapping[str, str] = field(default_factory=dict)
    widths: Mapping[str, int] = field(default_factory=dict)


def _value(value):
    """A cell's value as the workbook holds it: text guarded, numbers as numbers, NaN empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy number
        value = value.item()
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    return _ILLEGAL.sub("", csv_text(value))


def _width(column: str, kind: str, sample: Sequence[Sequence[Any]], index: int) -> float:
    longest = len(column)
    for row in sample:
        value = row[index] if index < len(row) else None
        if isinstance(value, float) and kind == "money":
            longest = max(longest, len(f"{value:,.0f}"))
        elif isinstance(value, int | float) and kind == "percent":
            longest = max(longest, 7)
        elif value is not None:
            longest = max(longest, max((len(line) for line in str(value).splitlines()), default=0))
    return min(max(longest + 2, _WIDTH[0]), _WIDTH[1])


def _write_sheet(book, sheet: Sheet) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name[:31])
    rows = iter(sheet.rows)
    sample = [list(r) for r in itertools.islice(rows, 200)]  # widths from the first rows
    kinds = [sheet.kinds.get(c, "text") for c in sheet.columns]
    for i, column in enumerate(sheet.columns):
        width = sheet.widths.get(column) or _width(column, kinds[i], sample, i)
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=_value(column))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)
    cells = []  # one cell per column, its format set once; each row's values go through them
    for kind in kinds:
        cell = WriteOnlyCell(ws)
        if kind != "text":
            cell.number_format = FORMATS.get(kind, FORMATS["number"])
        cells.append(cell)
    for row in _chain(sample, rows):
        for cell, value in zip(cells, row, strict=False):
            cell.value = _value(value)
        ws.append(cells[: len(row)])  # written at once (write-only): the cells are free again


def _chain(first, rest):
    yield from first
    yield from rest


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The .xlsx file of ``sheets``, in order, as bytes (to be written atomically by the caller).

    >>> data = workbook_bytes([Sheet("Cover", ["what"], [["=1+1"]])])
    >>> data[:2]
    b'PK'
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Reading a sheet of an Excel workbook (``.xlsx``) as a table of cells, as its CSV twin would
hold them (text, and numbers kept as numbers), with every cell named as the spreadsheet shows it (``sheet Scenarios, cell F4``).

openpyxl reads the file (pure Python; the ecosystem's default). What a spreadsheet adds to a
table is read as a person who made it would expect:

- **Which sheet**: the first visible one, or the one named (``--sheet NAME``).
- **Where the table starts**: the first row with a value is the header, after blank rows,
  comment rows (one cell whose text starts with ``#``) and banner rows (titles merged across
  several columns above the header, such as "Quote" over three columns); a header name merged
  down from a banner row into the header row is that column's name.
- **Formulas** are read as the value the spreadsheet saved with them; a formula saved without one
  (a file written by openpyxl or pandas, never opened and saved in a spreadsheet program) and a
  formula that shows an error (``#DIV/0!``) are refused in words.
- **Numbers** stay numbers, every digit kept (0.1 is 0.1; 1.125 is not read as 1,125 as a CSV's
  text would be); a cell formatted as a **percentage** holds its
  fraction (a cell showing 15 % holds 0.15), and the table's reader refuses it where a fraction
  makes no sense (money). A **date** becomes ISO text (2024-03-01, or 2024-03-01T14:30), and is
  refused in a column that takes a number. TRUE and FALSE are "TRUE" and "FALSE" (yes and no).
- **Merged cells** inside the table: a value merged down several rows belongs to each of them
  (a vendor's name over its contracts); cells merged across columns are refused (a value belongs
  to one column).
- **Hidden rows and columns** are read like the others, as the spreadsheet's own "Save as CSV"
  keeps them: what is hidden is not deleted. Messages say when a cell is hidden.

The file is bounded as a CSV table is (a regular file of at most 64 MB), and so is what it
unpacks to, so that a file made to explode in memory is refused before it is read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import MissingFileError
from .rows import Place, did_you_mean
from .tables import TableError, read_bounded

__all__ = ["UNPACKED_MAX_BYTES", "read_sheet", "sheet_names"]

#: The most a workbook may unpack to (its XML): a table of 100,000 rows is ~100 MB of XML.
UNPACKED_MAX_BYTES = 512 << 20
#: The most cells a sheet may hold (a table of 100,000 rows by 50 columns).
CELLS_MAX = 5_000_000
_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


@dataclass
class _Cell:
    text: str | int | float  # text as typed, or a number cell's number
    percent: bool = False
    date: str = ""


def _workbooks(path: Path):
    """The workbook twice: its saved values, and its formulas (to tell a formula without a saved
    value from an empty cell)."""
    from openpyxl import load_workbook

    raw = read_bounded(path, what="an .xlsx workbook or a CSV file")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError(
            f"{path} is not an .xlsx workbook (it is not a ZIP file): save it from the spreadsheet as "
            "'Excel Workbook (.xlsx)', or as CSV"
        ) from None
    if unpacked > UNPACKED_MAX_BYTES:
        raise TableError(
            f"{path} unpacks to {unpacked / 1e6:,.0f} MB, more than a table of scenarios can be "
            f"({UNPACKED_MAX_BYTES >> 20} MB at most): is it the right file?"
        )
    try:
        with warnings.catch_warnings():  # "Data Validation extension is not supported" and the like
            warnings.simplefilter("ignore")
            values = load_workbook(io.BytesIO(raw), data_only=True)
            formulas = load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:  # noqa: BLE001  # openpyxl raises KeyError, ValueError, XML errors…
        raise TableError(
            f"{path} cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}): save it again "
            "from the spreadsheet as 'Excel Workbook (.xlsx)', or as CSV"
        ) from None
    return values, formulas


def sheet_names(path: str | Path) -> list[str]:
    """The names of a workbook's worksheets, in order."""
    values, _ = _workbooks(Path(path))
    return [ws.title for ws in values.worksheets]


def _choose(book, path: Path, sheet: str | None):
    names = [ws.title for ws in book.worksheets]
    if sheet is None:
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise TableError(f"{path} has no visible sheet: name one with --sheet ({', '.join(names)})")
        return visible[0].title
    if sheet in names:
        return sheet
    raise TableError(
        f"{path} has no sheet {sheet!r}{did_you_mean(sheet, names)}: its sheets are "
        + ", ".join(repr(n) for n in names)
    )


def _shown_date(value, number_format: str) -> str:
    """A date or time as ISO text; a date-and-time format keeps its time at midnight too (a log's
    dates then read in one format)."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and "h" not in number_format.lower():
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if value.second or value.microsecond else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    return str(value)  # a timedelta (a duration such as [h]:mm)


def _number(value) -> int | float:
    """A number cell's number, kept a number (a CSV's "1.125" reads two ways; a cell's 1.125 does
    not): a whole number as an int, 60000 rather than 60000.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _cell(value, formula, number_format: str, where: str, problems: list[str]) -> _Cell:
    if isinstance(value, str) and value in _ERRORS:
        problems.append(f"{where} shows the error {value}: fix its formula, or type the value")
        return _Cell("")
    if value is None:
        if (isinstance(formula, str) and formula.startswith("=")) or type(formula).__name__ == "ArrayFormula":
            text = formula if isinstance(formula, str) else getattr(formula, "text", "")
            problems.append(
                f"{where} holds a formula ({text}) with no value saved: open the file in Excel or "
                "LibreOffice and save it (a file written by a program such as openpyxl or pandas keeps "
                "formulas without their values), or type the value"
            )
        return _Cell("")
    if isinstance(value, bool):
        return _Cell("TRUE" if value else "FALSE")
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        shown = _shown_date(value, number_format or "")
        return _Cell(shown, date=shown)
    if isinstance(value, int | float):
        return _Cell(_number(value), percent="%" in (number_format or ""))
    return _Cell(str(value).strip())


def _merges(ws):
    """(ranges across columns, {cell: its anchor} for ranges down one column)."""
    across, down = [], {}
    for rng in ws.merged_cells.ranges:
        if rng.max_col > rng.min_col:
            across.append(rng)
        else:
            for r in range(rng.min_row + 1, rng.max_row + 1):
                down[(r, rng.min_col)] = (rng.min_row, rng.min_col)
    return across, down


def _grid(values_ws, formulas_ws, label: str, problems: list[str]) -> dict[tuple[int, int], _Cell]:
    """Every cell that holds something, as text, by (row, column)."""
    from openpyxl.utils import get_column_letter

    cells = values_ws._cells  # only the cells the file holds (iter_rows would create every empty one)
    if len(cells) > CELLS_MAX:
        raise TableError(f"{label} holds {len(cells):,} cells, more than a table can ({CELLS_MAX:,} at most)")
    grid = {}
    for (r, c), cell in cells.items():
        formula = formulas_ws._cells.get((r, c))
        where = f"{label}, cell {get_column_letter(c)}{r}"
        found = _cell(cell.value, formula.value if formula else None, cell.number_format, where, problems)
        if found.text != "":
            grid[(r, c)] = found
    return grid


def _is_comment(row: dict[int, _Cell]) -> bool:
    return len(row) == 1 and str(next(iter(row.values())).text).startswith("#")


def _header_row(by_row, across, down) -> int:
    """The header: the first row with a value that is not a comment or a banner (a row of titles
    merged across columns, beside names merged down into the header row)."""
    starts = {(rng.min_row, rng.min_col) for rng in across}
    anchors = set(down.values())
    for r in sorted(by_row):
        row = by_row[r]
        banner = any((r, c) in starts for c in row) and all((r, c) in starts | anchors for c in row)
        if _is_comment(row) or banner:
            continue
        return r
    return 0


def read_sheet(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """The table on a sheet of the workbook at ``path`` (the first visible sheet, or ``sheet``)
    as text cells, read by the module's rules; ``attrs["place"]`` names its cells. Raises
    :class:`~outsourcing_risk.io.errors.MissingFileError` for a missing file and
    :class:`~outsourcing_risk.io.tables.TableError`, naming the sheet and cell, for the rest."""
    path = Path(path)
    if not path.exists():
        raise MissingFileError(f"no table at {path}: give the path of an .xlsx workbook or a CSV file")
    values, formulas = _workbooks(path)
    name = _choose(values, path, sheet)
    sheet_label = f"sheet {name}" if re.fullmatch(r"\w+", name) else f"sheet {name!r}"
    label = f"{path.name}, {sheet_label}"
    problems: list[str] = []
    grid = _grid(values[name], formulas[name], label, problems)
    ws = values[name]
    across, down = _merges(ws)
    for cell, anchor in down.items():  # a value merged down belongs to every row it covers
        if anchor in grid:
            grid[cell] = grid[anchor]
    by_row: dict[int, dict[int, _Cell]] = {}
    for (r, c), cell in grid.items():
        by_row.setdefault(r, {})[c] = cell
    header_row = _header_row(by_row, across, down)
    if not header_row:
        raise TableError(f"{label} is empty: it needs a header row (name, …) and one row per scenario")
    return _frame(ws, path, name, label, by_row, header_row, across, problems)


def _frame(ws, path, name, label, by_row, header_row, across, problems) -> pd.DataFrame:
    from openpyxl.utils import get_column_letter

    header = {c: str(cell.text) for c, cell in by_row[header_row].items()}
    data_rows = [r for r in sorted(by_row) if r > header_row and not _is_comment(by_row[r])]
    for r in data_rows:
        row = by_row[r]
        if str(row[min(row)].text).startswith("#"):
            problems.append(
                f"{label}, row {r} starts with '#', which marks a comment, but holds {len(row)} values "
                "like a row: if it is a row, start its name otherwise; if it is a comment, keep it in one cell"
            )
    used = sorted(set(header) | {c for r in data_rows for c in by_row[r]})
    for c in used:
        if c not in header:
            first = next(r for r in data_rows if c in by_row[r])
            problems.append(
                f"{label}, cell {get_column_letter(c)}{header_row}: column {get_column_letter(c)} holds "
                f"values ({get_column_letter(c)}{first}) but has no name in the header"
            )
    for rng in across:
        if rng.max_row >= header_row and rng.min_row <= max(data_rows, default=header_row):
            problems.append(
                f"{label}, cells {rng.coord} are merged across columns: a value belongs to one column; "
                "unmerge them"
            )
    names = [header[c] for c in used if c in header]
    dupes = sorted({h for h in names if names.count(h) > 1})
    if dupes:
        problems.append(f"{label}, row {header_row}: column {dupes[0]!r} appears more than once")
    if not data_rows and not problems:
        raise TableError(f"{label} has a header but no rows: add one row per scenario under it")
    if problems:
        count = len(problems)
        raise TableError(
            problems[0] if count == 1 else "\n  - ".join([f"{count} problems in {path.name}:", *problems])
        )
    columns = [c for c in used if c in header]
    frame = pd.DataFrame(
        [[by_row[r][c].text if c in by_row[r] else "" for c in columns] for r in data_rows],
        columns=[header[c] for c in columns],
        dtype=object,
    )
    frame.attrs["place"] = _place(ws, path, name, header_row, data_rows, columns, header, by_row)
    return frame


def _place(ws, path, name, header_row, data_rows, columns, header, by_row) -> Place:
    from openpyxl.utils import get_column_letter, range_boundaries

    letters = {header[c]: get_column_letter(c) for c in columns}
    percent = frozenset(
        (i, header[c])
        for i, r in enumerate(data_rows, 1)
        for c in columns
        if c in by_row[r] and by_row[r][c].percent
    )
    dates = {
        (i, header[c]): by_row[r][c].date
        for i, r in enumerate(data_rows, 1)
        for c in columns
        if c in by_row[r] and by_row[r][c].date
    }
    hidden_rows = frozenset(i for i, r in enumerate(data_rows, 1) if ws.row_dimensions[r].hidden)
    hidden_cols = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            low, high = (dim.min, dim.max) if dim.min else (range_boundaries(f"{key}1")[0],) * 2
            hidden_cols |= {header[c] for c in columns if low <= c <= high}
    return Place(
        sheet=name,
        source=str(path),
        header_row=header_row,
        rows=tuple(data_rows),
        letters=letters,
        percent=percent,
        dates=dates,
        hidden_rows=hidden_rows,
        hidden_columns=frozenset(hidden_cols),
    )

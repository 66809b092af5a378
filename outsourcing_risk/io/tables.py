"""Reading a scenario or vendor table (CSV) strictly: a table that is not what it seems is refused
with one line that names the row or column and says what to do, before anything runs.

Refused: a file that is not UTF-8 text, binary content, an empty file, comments only, a header
with no rows, a row with more or fewer fields than the header (an unquoted ``pert(0.2, 0.5, 0.9)``
is the usual cause), an unbalanced quote, duplicate column names, and a semicolon-separated table
(with a hint), a file that is not a regular file or is larger than :data:`TABLE_MAX_BYTES`. Any
line ending is read (CRLF, LF, classic Mac CR, a mix). Lines whose first non-blank character is
``#`` are comments when they start a record; a ``#`` inside a cell, or on a line inside a quoted
cell, is kept, and a "comment" with as many fields as the header is refused as a row in disguise.
A cell longer than :func:`text_limit` allows (a name past 200 characters, a note past 10,000) is
refused: the same rule for every table (scenarios, vendors, books, a register's templates).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from .errors import MissingFileError, OutsourcingRiskError

__all__ = [
    "MAX_NAME",
    "MAX_NOTE",
    "TABLE_MAX_BYTES",
    "TableError",
    "parse_table",
    "read_bounded",
    "read_table",
    "text_limit",
]


class TableError(OutsourcingRiskError, ValueError):
    """A table that cannot be read as a table; the message is one line naming where and why."""


#: The longest name (of a scenario, a vendor, a contract, a group: any cell but a note), and the
#: longest note, in characters: a name is a label a page shows in a heading and a table; a 10 MiB
#: one made a 64 MB page that no browser opened.
MAX_NAME = 200
MAX_NOTE = 10_000


def text_limit(column: str) -> int:
    """The most characters a cell of ``column`` (or a scenario's text field) may hold.

    >>> text_limit("notes"), text_limit("vendor")
    (10000, 200)
    """
    return MAX_NOTE if column == "notes" else MAX_NAME


def _long_cell(path, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
    """Refuse the first cell longer than its column allows, naming row, column and length."""
    for number, (line, fields) in enumerate(rows, start=1):
        for column, cell in zip(header, fields, strict=True):
            most = text_limit(column)
            if len(cell.strip()) > most:
                raise TableError(
                    f"{path}, row {number} (line {line}), column {column!r}: {len(cell.strip()):,} "
                    f"characters, at most {most:,} (a {'note' if most == MAX_NOTE else 'name or value'} "
                    "is shown in pages and tables: shorten it)"
                )


#: The largest table read: far beyond any book of scenarios (a 100,000-row table is ~20 MB),
#: small enough that a wrong path (a device, a disk image) is refused rather than read into memory.
TABLE_MAX_BYTES = 64 << 20


def read_bounded(
    path: Path, limit: int = TABLE_MAX_BYTES, what: str = "a CSV file", kind: str = "a table of scenarios"
) -> bytes:
    """The bytes of the regular file ``path``, refused in one line when it is a folder, a device or
    a pipe (``/dev/zero`` is never read), larger than ``limit`` bytes (``kind`` names what could not
    be that large), or unreadable."""
    try:
        info = path.stat()
        if path.is_dir():
            raise TableError(f"{path} is a folder: give the path of {what}")
        if not path.is_file():
            raise TableError(f"{path} is not a regular file (a device or a pipe): give the path of {what}")
        if info.st_size > limit:
            raise TableError(
                f"{path} is {info.st_size / 1e6:.0f} MB, more than {kind} can be "
                f"({limit >> 20} MB at most): is it the right file?"
            )
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except PermissionError:
        raise TableError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise TableError(f"{path} grew past {limit >> 20} MB while being read: is it the right file?")
    return raw


def _decoded(raw: bytes, where) -> str:
    """The text of a table's bytes: UTF-8 (with or without a byte-order mark), nothing else."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TableError(f"{where} is UTF-16 text: save the table as 'CSV UTF-8' and run again")
    if b"\x00" in raw:
        raise TableError(f"{where} is not a text table (it holds binary data): give a CSV file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableError(
            f"{where} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}): "
            "save the table as 'CSV UTF-8' and run again"
        ) from None


_LINE_END = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    """Physical lines with their endings, whichever the file uses: Windows (CRLF), Unix (LF),
    classic Mac (CR), or a mix of them."""
    lines, start = [], 0
    for end in _LINE_END.finditer(text):
        lines.append(text[start : end.end()])
        start = end.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _without_comments(lines: list[str]) -> list[str]:
    """The lines with comments blanked (kept as empty lines, so line numbers hold). A comment is a
    line whose first non-blank character is ``#`` at the start of a record; a line inside a quoted
    cell that spans lines is the cell's text, ``#`` or not."""
    kept, open_quote = [], False
    for line in lines:
        if not open_quote and line.lstrip().startswith("#"):
            kept.append("\n")
            continue
        kept.append(line)
        open_quote ^= line.count('"') % 2 == 1
    return kept


def _records(path, text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-comment, non-blank record, quotes honoured."""
    lines = _without_comments(_lines(text))
    reader = csv.reader(lines, strict=True, skipinitialspace=True)
    records = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, TABLE_MAX_BYTES))  # one cell may be long (a note): the file is bounded
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                records.append((reader.line_num, fields))
    except csv.Error as exc:
        raise TableError(
            f'{path}, line {reader.line_num}: {exc} — is a quote (") left open? '
            'Quote a whole cell, e.g. "pert(0.2, 0.5, 0.9)"'
        ) from None
    finally:
        csv.field_size_limit(limit)
    return records


def _comment_rows(path, text: str, width: int) -> None:
    """A comment line that holds as many fields as the header looks like a row whose name starts
    with ``#``: refuse it, rather than drop a row without a word."""
    for number, line in enumerate(_lines(text), start=1):
        if line.lstrip().startswith("#") and len(next(csv.reader([line]), [])) == width and width > 1:
            raise TableError(
                f"{path}, line {number} starts with '#', which marks a comment, but holds {width} "
                'fields like a row: if it is a row, quote its name ("#1 vendor",...); if it is a '
                "comment, leave out its commas"
            )


def read_table(path: str | Path) -> pd.DataFrame:
    """The table as text cells (empty cells are ``""``), one row per data row, refused when broken.

    Raises ``FileNotFoundError`` for a missing file and :class:`TableError` for everything else.
    """
    path = Path(path)
    if not path.exists():
        raise MissingFileError(f"no table at {path}: give the path of a CSV file")
    return parse_table(read_bounded(path), path)


def parse_table(raw: bytes, where, *, allow_empty: bool = False) -> pd.DataFrame:
    """The table in ``raw`` (the bytes of a CSV file, named ``where`` in messages), checked as
    :func:`read_table` checks a file. ``allow_empty``: a header with no rows (or an empty file) is
    an empty table rather than a mistake, as in a register's template that holds nothing.
    """
    text = _decoded(raw, where)
    if not text.strip():
        if allow_empty:
            return pd.DataFrame(dtype=str)
        raise TableError(f"{where} is empty: it needs a header line (name,...) and one row per scenario")
    records = _records(where, text)
    if not records:
        if allow_empty:
            return pd.DataFrame(dtype=str)
        raise TableError(f"{where} holds only comments: add a header line (name,...) and rows")
    (header_line, header), rows = records[0], records[1:]
    header = [h.strip() for h in header]
    _check_header(where, header_line, header)
    _comment_rows(where, text, len(header))
    if not rows:
        if allow_empty:
            return pd.DataFrame(columns=header, dtype=str)
        raise TableError(f"{where} has a header but no rows: add one row per scenario under it")
    for number, (line, fields) in enumerate(rows, start=1):
        if len(fields) != len(header):
            raise TableError(
                f"{where}, row {number} (line {line}): {len(fields)} fields but the header has "
                f'{len(header)} — a value with commas must be quoted, e.g. "pert(0.2, 0.5, 0.9)"'
            )
    _long_cell(where, header, rows)
    return pd.DataFrame([[f.strip() for f in fields] for _, fields in rows], columns=header, dtype=str)


def _check_header(where, header_line: int, header: list[str]) -> None:
    if len(header) == 1 and "\t" in header[0]:
        raise TableError(
            f"{where} looks tab-separated: save it with commas as separators (in a spreadsheet: CSV, "
            "comma-delimited)"
        )
    if len(header) == 1 and ";" in header[0]:
        raise TableError(
            f"{where} looks semicolon-separated (header {header[0]!r}): save it with commas as "
            "separators (in a spreadsheet: CSV, comma-delimited)"
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise TableError(f"{where}, line {header_line}: column {dupes[0]!r} appears more than once")
    blank = [i + 1 for i, h in enumerate(header) if not h]
    if blank:
        raise TableError(f"{where}, line {header_line}: column {blank[0]} has no name in the header")

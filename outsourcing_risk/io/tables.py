"""Reading a scenario or vendor table (CSV) strictly: a table that is not what it seems is refused
with one line that names the row or column and says what to do, before anything runs.

Refused: a file that is not UTF-8 text, binary content, an empty file, comments only, a header
with no rows, a row with more or fewer fields than the header (an unquoted ``pert(0.2, 0.5, 0.9)``
is the usual cause), an unbalanced quote, duplicate column names, and a semicolon-separated table
(with a hint). Lines whose first non-blank character is ``#`` are comments; a ``#`` inside a
cell is kept.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

__all__ = ["TableError", "read_table"]


class TableError(ValueError):
    """A table that cannot be read as a table; the message is one line naming where and why."""


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise TableError(f"{path} is a folder: give the path of a CSV file") from None
    except PermissionError:
        raise TableError(f"cannot read {path}: permission denied") from None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise TableError(f"{path} is UTF-16 text: save the table as 'CSV UTF-8' and run again")
    if b"\x00" in raw:
        raise TableError(f"{path} is not a text table (it holds binary data): give a CSV file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}): "
            "save the table as 'CSV UTF-8' and run again"
        ) from None


def _records(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-comment, non-blank record, quotes honoured."""
    kept = "".join(line if not line.lstrip().startswith("#") else "\n" for line in text.splitlines(True))
    reader = csv.reader(io.StringIO(kept), strict=True, skipinitialspace=True)
    records = []
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                records.append((reader.line_num, fields))
    except csv.Error as exc:
        raise TableError(
            f'{path}, line {reader.line_num}: {exc} — is a quote (") left open? '
            'Quote a whole cell, e.g. "pert(0.2, 0.5, 0.9)"'
        ) from None
    return records


def read_table(path: str | Path) -> pd.DataFrame:
    """The table as text cells (empty cells are ``""``), one row per data row, refused when broken.

    Raises ``FileNotFoundError`` for a missing file and :class:`TableError` for everything else.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no table at {path}: give the path of a CSV file")
    text = _text(path)
    if not text.strip():
        raise TableError(f"{path} is empty: it needs a header line (name,...) and one row per scenario")
    records = _records(path, text)
    if not records:
        raise TableError(f"{path} holds only comments: add a header line (name,...) and rows")
    (header_line, header), rows = records[0], records[1:]
    header = [h.strip() for h in header]
    if len(header) == 1 and "\t" in header[0]:
        raise TableError(
            f"{path} looks tab-separated: save it with commas as separators (in a spreadsheet: CSV, "
            "comma-delimited)"
        )
    if len(header) == 1 and ";" in header[0]:
        raise TableError(
            f"{path} looks semicolon-separated (header {header[0]!r}): save it with commas as "
            "separators (in a spreadsheet: CSV, comma-delimited)"
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise TableError(f"{path}, line {header_line}: column {dupes[0]!r} appears more than once")
    blank = [i + 1 for i, h in enumerate(header) if not h]
    if blank:
        raise TableError(f"{path}, line {header_line}: column {blank[0]} has no name in the header")
    if not rows:
        raise TableError(f"{path} has a header but no rows: add one row per scenario under it")
    for number, (line, fields) in enumerate(rows, start=1):
        if len(fields) != len(header):
            raise TableError(
                f"{path}, row {number} (line {line}): {len(fields)} fields but the header has "
                f'{len(header)} — a value with commas must be quoted, e.g. "pert(0.2, 0.5, 0.9)"'
            )
    frame = pd.DataFrame([[f.strip() for f in fields] for _, fields in rows], columns=header, dtype=str)
    return frame

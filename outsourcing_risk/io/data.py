"""Loading the project's data files (sourced defaults, the scenario table and the vendor table), and
the one way in for every table a user gives: :func:`read_rows`.

Nothing is read at import time; each loader reads its file when first called.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is loaded by the table readers, not by `outsourcing-risk params`
    import pandas as pd

__all__ = [
    "data_dir",
    "default_values",
    "defaults_table",
    "is_spreadsheet",
    "load_scenarios",
    "load_vendors",
    "read_rows",
]


def data_dir() -> Path:
    """The folder holding ``defaults.toml``, ``scenarios.csv`` and ``vendors.csv``.

    A wheel carries a copy inside the package (``outsourcing_risk/_data``); a source checkout
    (editable install) reads the repository's ``data/``.
    """
    packaged = Path(str(resources.files("outsourcing_risk"))) / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


@functools.cache
def defaults_table() -> dict[str, dict]:
    """Every default with its ``value``, ``unit``, ``range``, ``rationale`` and ``source``."""
    with open(data_dir() / "defaults.toml", "rb") as fh:
        return tomllib.load(fh)


def default_values() -> dict[str, object]:
    """The default scenario as ``{parameter: value}``."""
    return {name: entry["value"] for name, entry in defaults_table().items()}


def load_scenarios(path: str | Path | None = None, *, sheet: str | None = None) -> pd.DataFrame:
    """The scenario table (default ``data/scenarios.csv``): one row per named scenario.

    ``path`` is a CSV file or an Excel workbook (``.xlsx``: its first sheet, or ``sheet``), read
    by the one table reader (:func:`read_rows`). Cells hold numbers or
    distributions as text; empty cells mean "use the default". Turn rows into scenarios with
    :func:`outsourcing_risk.scenarios_from_table`.
    """
    return read_rows(path or data_dir() / "scenarios.csv", sheet)


def load_vendors(path: str | Path | None = None, *, sheet: str | None = None) -> pd.DataFrame:
    """The vendor table (default ``data/vendors.csv``): quotes and interview scorecards; a CSV
    file or a sheet of an ``.xlsx`` workbook, as :func:`load_scenarios` reads them."""
    return read_rows(path or data_dir() / "vendors.csv", sheet)


def is_spreadsheet(path: str | Path) -> bool:
    """Whether ``path`` names an Excel workbook (read as one, whatever its content)."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def read_rows(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """A table as text cells, one row per data row, from a CSV file
    (:func:`~outsourcing_risk.io.tables.read_table`) or a sheet of a workbook
    (:func:`~outsourcing_risk.io.xlsx_read.read_sheet`: the first sheet, or ``sheet``); the
    frame's ``attrs["place"]`` names its cells. ``sheet`` on a CSV file is refused, and so is a
    spreadsheet in another format (``.xls``, ``.ods``), with what to save it as."""
    if is_spreadsheet(path):
        from .xlsx_read import read_sheet

        return read_sheet(path, sheet)
    from .tables import TableError, read_table

    if Path(path).suffix.lower() in (".xls", ".xlsb", ".ods", ".numbers"):
        raise TableError(
            f"{path} is a {Path(path).suffix} spreadsheet, which is not read: save it as 'Excel Workbook "
            "(.xlsx)' or as CSV"
        )
    if sheet is not None:
        raise TableError(f"{path} is a CSV file, which has no sheets: leave out the sheet ({sheet!r})")
    return read_table(path)

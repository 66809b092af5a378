"""Loading the project's data files: sourced defaults, the scenario table and the vendor table.

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

__all__ = ["data_dir", "default_values", "defaults_table", "load_scenarios", "load_vendors"]


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


def load_scenarios(path: str | Path | None = None) -> pd.DataFrame:
    """The scenario table (default ``data/scenarios.csv``): one row per named scenario.

    Cells hold numbers or distributions as text; empty cells mean "use the default".
    Turn rows into scenarios with :func:`outsourcing_risk.scenarios_from_table`.
    """
    return _read_table(path or data_dir() / "scenarios.csv")


def load_vendors(path: str | Path | None = None) -> pd.DataFrame:
    """The vendor table (default ``data/vendors.csv``): quotes and interview scorecards."""
    return _read_table(path or data_dir() / "vendors.csv")


def _read_table(path: str | Path) -> pd.DataFrame:
    """A CSV as text cells, refused with one clear line when it is not a proper table."""
    from .tables import read_table

    return read_table(path)

"""The example tables and notebooks that ship with the package, and copying them out.

A user who installed a wheel has no repository checkout: ``outsourcing-risk example DIR`` copies
the sourced defaults, the example scenario and vendor tables, the explore notebooks and the report
notebook into ``DIR``, laid out as in the repository (``data/``, ``notebooks/explore/``,
``notebooks/reports/``), so the paths the notebooks mention hold there too.
"""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import write_atomic
from .data import data_dir
from .errors import MissingFileError, OutsourcingRiskError

__all__ = [
    "DOCS",
    "ExampleError",
    "copy_examples",
    "doc_path",
    "docs_dir",
    "example_files",
    "notebooks_dir",
    "report_notebook",
]

DATA_FILES = (
    "defaults.toml",
    "scenarios.csv",
    "vendors.csv",
    "portfolio.csv",
    "portfolio_bank.csv",
    "register_mapping.toml",
    "incident_log_example.csv",
)


class ExampleError(OutsourcingRiskError):
    """The examples cannot be copied (the folder is a file, or cannot be written)."""


def notebooks_dir() -> Path:
    """The folder holding ``explore/`` and ``reports/``: the packaged copy in a wheel, else the
    repository's ``notebooks/``."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_notebooks"
    return packaged if packaged.is_dir() else package.parent / "notebooks"


#: The documents that ship with the package, by the name ``outsourcing-risk docs NAME`` takes.
DOCS = {"model": "model.md", "analyses": "analyses.md"}


def docs_dir() -> Path:
    """The folder holding the model's specification and the analyses' guide: the packaged copy in
    a wheel, else the repository's ``docs/``."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_docs"
    return packaged if packaged.is_dir() else package.parent / "docs"


def doc_path(name: str) -> Path:
    """The installed copy of document ``name`` (see :data:`DOCS`)."""
    if name not in DOCS:
        raise ExampleError(f"no document {name!r}: choose one of {', '.join(DOCS)}")
    path = docs_dir() / DOCS[name]
    if not path.is_file():
        raise MissingFileError(f"the document {DOCS[name]} is missing from the installation")
    return path


def report_notebook() -> Path:
    """The report notebook: the packaged copy in a wheel, else the repository's."""
    candidate = notebooks_dir() / "reports" / "scenario_report.ipynb"
    if candidate.is_file():
        return candidate
    raise MissingFileError("the report notebook scenario_report.ipynb is missing from the installation")


def example_files() -> dict[str, Path]:
    """Every example file: its place inside the target folder -> its installed copy."""
    files = {f"data/{name}": data_dir() / name for name in DATA_FILES}
    notebooks = notebooks_dir()
    for sub in ("explore", "reports"):
        for path in sorted((notebooks / sub).glob("*.ipynb")):
            files[f"notebooks/{sub}/{path.name}"] = path
    return files


def copy_examples(target: str | os.PathLike) -> tuple[list[Path], list[Path]]:
    """Copy the examples into ``target``; returns the files written and those kept because they
    were already there (a user's edits are never overwritten). Each file is written whole or not
    at all."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ExampleError(f"{target} is a file, not a folder: give a folder for the examples")
    written, kept = [], []
    for relative, source in example_files().items():
        dest = target / relative
        if dest.exists():
            kept.append(dest)
            continue
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(dest, source.read_bytes())
        except OSError as exc:
            raise ExampleError(
                f"cannot write {dest}: {exc.strerror or exc}; choose a folder you can write to"
            ) from None
        written.append(dest)
    return written, kept

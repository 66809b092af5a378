"""``outsourcing-risk portfolio``: a portfolio table in; ``portfolio.html``, ``contracts.csv`` and
``vendors.csv`` out, under the batch's guarantees: the output folder checked and locked before
anything runs, nothing of ours or anyone's touched that we did not write, every file atomic,
text cells formula-safe, names escaped in the page."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

import pandas as pd

from ..analyses.portfolio import STRESS_MONTH, PortfolioAnalysis, analyse_portfolio
from ..io.data import load_scenarios
from ..model.portfolio import Book, book_from_table
from ..present.portfolio_page import contracts_frame, portfolio_html, vendors_frame
from .output_folder import OutputFolder
from .runner import csv_text

__all__ = ["PORTFOLIO_FILES", "load_book", "run_portfolio"]

#: What a portfolio run writes into ``--out``.
PORTFOLIO_FILES = ("portfolio.html", "contracts.csv", "vendors.csv")
_TEXT = ("contract", "vendor", "vendor_group")


def load_book(
    table: str | Path,
    *,
    capacity: int | None = None,
    register: bool = False,
    mapping: str | Path | None = None,
) -> Book:
    """Read and check a portfolio table (see ``data/portfolio.csv``), or with ``register`` a DORA
    register of information (its report package, a ZIP, or a folder of its templates' CSV files)
    through ``mapping`` (default ``data/register_mapping.toml``); the book is named after the file
    or folder."""
    if register:
        from ..io.register import load_mapping, read_register

        reading = read_register(table, load_mapping(mapping))
        return book_from_table(reading.book, capacity=capacity, name=reading.name)
    frame = load_scenarios(table)
    return book_from_table(frame, capacity=capacity, name=f"Book of contracts: {Path(table).stem}")


def _csv(frame: pd.DataFrame) -> str:
    frame = frame.copy()
    for column in _TEXT:
        if column in frame:
            frame[column] = [csv_text(v) for v in frame[column]]
    return frame.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)


def _check_pdf(paper: str) -> None:
    """``--pdf`` refused before anything runs when it cannot print (no playwright, no browser)."""
    from .output_folder import OutputError
    from .pdf import PAGE_FORMATS, pdf_problem
    from .runner import image_browser

    if paper not in PAGE_FORMATS:
        raise ValueError(f"pdf must be 'a4', 'letter' or None (got {paper!r})")
    problem = pdf_problem(image_browser())
    if problem:
        raise OutputError(problem)


def _print_page(folder: OutputFolder, paper: str) -> None:
    """The book's page printed beside it as a reader's Ctrl+P prints it: every chart and table whole."""
    from .output_folder import OutputError
    from .pdf import print_reports
    from .runner import image_browser

    problems = print_reports(
        [("portfolio.pdf", folder.path / "portfolio.html")], image_browser() or "", paper, folder.write
    )
    if problems:
        raise OutputError(f"portfolio.pdf could not be printed: {problems['portfolio.pdf']}")


def run_portfolio(
    book: Book,
    out_dir: str | Path,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
    stress_month: int = STRESS_MONTH,
    force: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    title: str | None = None,
    pdf: str | None = None,
) -> PortfolioAnalysis:
    """Analyse ``book`` and write its report and tables into ``out_dir``. The folder is claimed
    before the simulation (files there that this tool did not write are refused unless
    ``force``); a run stopped before writing leaves the folder as it was. ``scheduler``: run the
    blocks of trials on a dask cluster ("local" for a LocalCluster of ``workers`` processes, or a
    scheduler's address); the numbers are those of one machine. ``title``: the page's title (default
    the book's name). ``pdf`` (``"a4"`` or ``"letter"``): the page also printed to ``portfolio.pdf``
    as a reader's Ctrl+P prints it (checked before the simulation)."""
    if pdf:
        _check_pdf(pdf)
    folder = OutputFolder(out_dir, force=force)
    try:
        folder.claim([*PORTFOLIO_FILES, "portfolio.pdf"])
        with contextlib.ExitStack() as stack:
            executor = None
            if scheduler:
                from .dask_pool import cluster_session

                executor = stack.enter_context(cluster_session(scheduler, workers or 2))
            analysis = analyse_portfolio(
                book, n_trials=n_trials, seed=seed, stress_month=stress_month, executor=executor
            )
        folder.write("contracts.csv", _csv(contracts_frame(analysis)))
        folder.write("vendors.csv", _csv(vendors_frame(analysis)))
        folder.write("portfolio.html", portfolio_html(analysis, title))
        if pdf:
            _print_page(folder, pdf)
    except BaseException:
        folder.abandon()
        raise
    folder.close()
    return analysis

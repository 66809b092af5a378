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
from ..io.processes import remove_orphans
from ..model.portfolio import Book, book_from_table
from ..model.workload import check_book_workload
from ..present.portfolio_page import contracts_frame, portfolio_html, vendors_frame
from .output_folder import BOOK_FILES, OutputError, OutputFolder
from .runner import csv_text
from .xlsx_export import BOOK_WORKBOOK, book_workbook, check_workbook_trials

__all__ = ["PORTFOLIO_FILES", "load_book", "run_portfolio"]

#: What a portfolio run writes into ``--out``.
PORTFOLIO_FILES = BOOK_FILES
_TEXT = ("contract", "vendor", "vendor_group")


def load_book(
    table: str | Path,
    *,
    capacity: int | None = None,
    register: bool = False,
    mapping: str | Path | None = None,
    sheet: str | None = None,
) -> Book:
    """Read and check a portfolio table (see ``data/portfolio.csv``; a CSV file, or a sheet of an
    ``.xlsx`` workbook: the first, or ``sheet``), or with ``register`` a DORA register of
    information (its report package, a ZIP, or a folder of its templates' CSV files) through
    ``mapping`` (default ``data/register_mapping.toml``); the book is named after the file or
    folder."""
    if register:
        from ..io.register import load_mapping, read_register

        reading = read_register(table, load_mapping(mapping))
        return book_from_table(reading.book, capacity=capacity, name=reading.name)
    frame = load_scenarios(table, sheet=sheet)
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
        [("portfolio.pdf", folder.staged("portfolio.html"))], image_browser() or "", paper, folder.write
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
    xlsx: bool = False,
    title: str | None = None,
    pdf: str | None = None,
) -> PortfolioAnalysis:
    """Analyse ``book`` and write its report and tables into ``out_dir``. The folder is claimed
    before the simulation (files there that this tool did not write are refused unless
    ``force``); a run stopped before writing leaves the folder as it was. ``scheduler``: run the
    blocks of trials on a dask cluster ("local" for a LocalCluster of ``workers`` processes, or a
    scheduler's address); the numbers are those of one machine. The files move in together at the
    end (a failure or a signal before that leaves the folder as it was), and a report batch's files
    in the same folder are left alone. ``xlsx``: also write ``portfolio.xlsx``
    (:func:`~outsourcing_risk.batch.xlsx_export.book_workbook`). ``title``: the page's title
    (default the book's name). ``pdf`` (``"a4"`` or ``"letter"``): the page also printed to
    ``portfolio.pdf`` as a reader's Ctrl+P prints it (checked before the simulation)."""
    # The whole analysis simulates the book about four times over (the stresses of a vendor and of a group, the diversifying).
    check_book_workload(len(book.contracts), len(book.vendors), n_trials, runs=4)
    if pdf:
        _check_pdf(pdf)
    remove_orphans()  # the scratch folders of batches, books and apps killed outright
    folder = OutputFolder(out_dir, force=force, kind="book")
    try:
        if xlsx:
            check_workbook_trials(n_trials)  # before the simulation, not after it
        folder.claim([*PORTFOLIO_FILES])
        with contextlib.ExitStack() as stack:
            executor = None
            if scheduler:
                from .dask_pool import cluster_session

                executor = stack.enter_context(cluster_session(scheduler, workers or 2))
            analysis = analyse_portfolio(
                book, n_trials=n_trials, seed=seed, stress_month=stress_month, executor=executor
            )
        try:
            folder.write("contracts.csv", _csv(contracts_frame(analysis)))
            folder.write("vendors.csv", _csv(vendors_frame(analysis)))
            folder.write("portfolio.html", portfolio_html(analysis, title))
            if xlsx:
                folder.write(BOOK_WORKBOOK, book_workbook(analysis))
            if pdf:
                _print_page(folder, pdf)
            folder.close()  # stop signals wait until the three files are in place
        except OutputError as exc:
            raise OutputError(f"{exc}; nothing new was written to {folder.path}") from None
    except BaseException:
        folder.abandon()
        raise
    return analysis

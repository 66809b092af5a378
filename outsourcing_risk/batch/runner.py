"""Batch reports: one run of the report notebook per row of a scenario or vendor table, each
exported to a self-contained offline HTML, plus ``index.html`` and ``summary.csv``.

The table is read and checked before anything runs (:mod:`outsourcing_risk.io.tables`). Rows run in
worker processes (:mod:`outsourcing_risk.batch.local_pool`): a row that fails — a bad value, a failing
cell, a timeout, a worker that dies — is recorded with its reason and the others go on. On Ctrl-C
or SIGTERM the batch stops within seconds and still writes the index and summary of the rows that
finished. The output folder is locked, and a run's files move in together at its end
(:mod:`outsourcing_risk.batch.output_folder`): a run that fails to write its index leaves the
previous run's set as it was.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ..analyses.appetite import APPETITE_FIELDS, appetite_from_values
from ..analyses.vendors import SCORECARD, read_scorecard, selection_score
from ..io.data import load_scenarios
from ..io.environment import progress_disabled
from ..io.errors import MIN_REPORT_TRIALS, REPORT_TRIALS_WHY, check_seed, check_trials
from ..io.examples import report_notebook
from ..io.processes import remove_orphans, scratch_folder, stop_signals
from ..io.rows import Place, column_problems, field_of, is_blank, name_problems, normal_name, place_of
from ..io.xlsx_write import csv_text  # the one formula guard, shared with the workbooks
from ..model.scenario import FIELDS, PERCENT_FIELDS, Scenario, ScenarioError, row_values, table_rows
from ..workbook.papermill import as_parameters, read_amount
from .local_pool import LocalPool
from .output_folder import OutputError, OutputFolder
from .pools import RowPool
from .report_row import RowResult

__all__ = [
    "BatchInterrupted",
    "BatchWriteError",
    "Job",
    "Outcome",
    "csv_text",
    "load_jobs",
    "report_notebook",
    "run_batch",
    "slugify",
    "summary_frame",
]

KPI_COLUMNS = (
    "mean_npv",
    "se_npv",
    "p_loss",
    "p5",
    "p50",
    "p95",
    "cvar5",
    "p_failure",
    "expected_switching_cost",
    "breakeven_month",
    "p_breakeven",
)
#: What each report recorded of its value of information (docs/model.md, "Value of
#: information"): the value of learning every uncertain input, its error, and the input most
#: worth learning (empty when none is alone).
INFORMATION_COLUMNS = ("evpi", "evpi_se", "top_input")
#: What each report concluded: its verdict against the reader's risk appetite and the input that
#: moves the mean saving most (docs/analyses.md, "The verdict").
STORY_COLUMNS = ("verdict", "top_driver")
TEXT_COLUMNS = ("scenario", "status", "error", "report", "notebook")
#: The workbook ``--xlsx`` writes beside summary.csv.
REPORT_WORKBOOK = "summary.xlsx"
#: Columns of a table that are the report's own settings rather than the scenario's.
REPORT_COLUMNS = ("interview_cost", "appetite_p_loss", "appetite_p_failure", "appetite_worst5")


class BatchWriteError(OutputError):
    """The rows ran but the summary or index could not be written (disk full, folder gone): nothing
    of this run was moved into the output folder, which keeps the previous run's files."""

    def __init__(self, message: str, outcomes: list):
        super().__init__(message)
        self.outcomes = outcomes


class BatchInterrupted(Exception):
    """The batch was stopped by a signal; the finished rows' reports, the index and the summary
    were written. ``signum`` is the signal, ``outcomes`` every row (the rest marked "not run")."""

    def __init__(self, signum: int, outcomes: list):
        self.signum, self.outcomes = signum, outcomes
        super().__init__(f"stopped by {signal.Signals(signum).name}")


@dataclass(frozen=True)
class Job:
    """One row of the table: its name, output file stem and papermill parameters."""

    row: int
    name: str
    slug: str
    parameters: dict
    error: str = ""  # set when the row is invalid: it is recorded, not run
    currency: str = "USD"
    horizon_months: int = 60
    given: dict = field(default_factory=dict)  # the row as read, for the workbook's Parameters


@dataclass
class Outcome:
    job: Job
    status: str  # "ok", "failed" or "not run"
    error: str = ""
    summary: dict = field(default_factory=dict)
    report: str = ""
    notebook: str = ""
    seconds: float = 0.0
    images: list[str] = field(default_factory=list)
    pdf: str = ""


def slugify(name: str) -> str:
    """A safe, unique file stem for a name: ASCII letters, digits and dashes, plus a short hash.

    No path separators or dots survive, so a name cannot escape the output folder, and the hash
    of the full name keeps similar names ("A/B", "A-B", "a b") from overwriting each other.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "scenario"
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{stem}-{digest}"


def load_jobs(
    table: str | Path, n_trials: int, seed: int, *, whatif: bool = True, sheet: str | None = None
) -> list[Job]:
    """Read and check a scenario or vendor table (CSV, or a sheet of an ``.xlsx`` workbook: the
    first, or ``sheet``); one :class:`Job` per row.

    The table itself (encoding, shape, columns, names, a spreadsheet's formats) is checked before
    anything runs: a problem raises :class:`~outsourcing_risk.io.tables.TableError` or
    :class:`ScenarioError`. A row with a bad value becomes a job that carries its error. A table
    with scorecard columns (see ``data/vendors.csv``) is a vendor table: each vendor's scorecard
    gives its ``selection_score``. ``whatif=False`` leaves the interactive what-if section out of
    the reports. ``n_trials`` must be a whole number ≥ ``MIN_REPORT_TRIALS`` and ``seed`` ≥ 0 (a
    :class:`~outsourcing_risk.io.errors.SettingError` before the table is read).
    """
    check_trials(n_trials, MIN_REPORT_TRIALS, REPORT_TRIALS_WHY)
    check_seed(seed)
    frame = load_scenarios(table, sheet=sheet)
    place = place_of(frame)
    vendors = any(c in SCORECARD for c in frame.columns)
    known = [*FIELDS, *REPORT_COLUMNS, *(SCORECARD if vendors else ())]
    problems = column_problems(frame.columns, known, place=place)
    if "name" not in frame.columns:
        problems.append("the table needs a 'name' column naming each row")
    if vendors:
        problems += [f"a vendor table needs a {c!r} column" for c in SCORECARD if c not in frame.columns]
        if "selection_score" in frame.columns:
            problems.append(
                "a vendor table computes selection_score from its scorecard columns: remove the "
                "selection_score column, or the scorecard columns to give the score yourself"
            )
    rows, formats = table_rows(frame, (*PERCENT_FIELDS, "appetite_p_loss", "appetite_p_failure"))
    if not problems:
        problems += name_problems(list(frame["name"]), place)[1] + formats
    if problems:
        raise ScenarioError(problems, f"the table {Path(table).name}")
    jobs = [
        _job(i, row, vendors, n_trials, seed, place, list(frame.columns))
        for i, row in enumerate(rows, start=1)
    ]
    for job in jobs:
        job.parameters["whatif"] = bool(whatif)
    return jobs


def _job(i: int, row: dict, vendors: bool, n_trials: int, seed: int, place: Place, columns: list) -> Job:
    name = normal_name(row["name"])
    problems: list[str] = []
    if vendors:
        marks, problems = read_scorecard(row)
    values = row_values(row, problems)
    values["name"] = name
    if vendors and not problems:
        values["selection_score"] = selection_score(marks)
    scenario = None
    if not problems:
        try:
            scenario = Scenario.from_dict(values)
        except ScenarioError as exc:
            problems += exc.problems
    parameters = as_parameters(values)
    parameters.update(n_trials=n_trials, seed=seed)
    try:
        cost = read_amount("interview_cost", row.get("interview_cost"))
    except ScenarioError as exc:
        problems += exc.problems
    else:
        if cost is not None:
            parameters["interview_cost"] = cost
    try:
        appetite_from_values(row)  # checked here, so that a bad limit fails its row before it runs
    except ScenarioError as exc:
        problems += exc.problems
    parameters.update({k: row[k] for k in APPETITE_FIELDS if k in row and not is_blank(row[k])})
    return Job(
        given=dict(row),
        row=i,
        name=name,
        slug=slugify(name),
        parameters=parameters,
        error="; ".join(_in_cell(place, i, p, columns) for p in problems),
        currency=scenario.currency if scenario else "USD",
        horizon_months=(scenario or Scenario()).horizon_months,
    )


def _in_cell(place: Place, i: int, problem: str, columns: list) -> str:
    """A row's problem as the summary shows it: as it is for a CSV table (the row is its own
    column there), headed by its cell for a sheet (``cell F4: …``)."""
    column = field_of(problem, columns)
    if not place.sheet or column is None:
        return problem
    return f"cell {place.letters[column]}{place.rows[i - 1]}: {problem}"


def image_browser() -> str | None:
    """The Chrome or Chromium kaleido will use for ``--images`` (None when there is none)."""
    if os.environ.get("BROWSER_PATH") and Path(os.environ["BROWSER_PATH"]).is_file():
        return os.environ["BROWSER_PATH"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _show_progress(progress: bool | None) -> bool | None:
    """tqdm's convention: forced on or off when asked, else off when TQDM_DISABLE is set, else
    only on a terminal (``disable=None``)."""
    if progress is not None:
        return not progress
    if progress_disabled():
        return True
    return None


def run_batch(
    jobs: list[Job],
    out_dir: str | Path,
    *,
    workers: int | None = None,
    timeout: float = 600,
    images: str | None = None,
    progress: bool | None = None,
    notebook: Path | None = None,
    scheduler: str | None = None,
    force: bool = False,
    pdf: str | None = None,
    xlsx: bool = False,
) -> list[Outcome]:
    """Run every job; write the reports, ``summary.csv`` and ``index.html`` into ``out_dir``.

    Rows run in worker processes on this machine (``workers`` at a time), or with ``scheduler``
    on a dask cluster: ``"local"`` starts a LocalCluster of ``workers`` processes, an address such
    as ``"tcp://host:8786"`` uses a running one (see :mod:`outsourcing_risk.batch.dask_pool`). The same
    table and seed give the same ``summary.csv`` either way.

    Only files this tool wrote are ever replaced or removed (see
    :mod:`~outsourcing_risk.batch.output_folder`); ``force=True`` lets the run replace files of the
    same names that it did not write.

    Raises :class:`OutputError` (before anything runs) when ``out_dir`` cannot be used, another
    run holds it, or it holds files this run would replace that are not its own, and when the
    summary or index cannot be written at the end; :class:`~outsourcing_risk.batch.dask_pool.SchedulerError`
    (before anything runs) when the cluster cannot be used; :class:`BatchInterrupted` after writing
    the index and summary when SIGINT, SIGTERM or SIGHUP stopped the run (a second one while they
    are written waits until they are on disk).

    ``pdf`` (``"a4"`` or ``"letter"``) also prints each written report to ``<name>.pdf`` as a
    reader's Ctrl+P does (:mod:`~outsourcing_risk.batch.pdf`), after the rows.

    ``xlsx`` also writes ``summary.xlsx`` (:mod:`~outsourcing_risk.batch.xlsx_export`): a cover, the
    summary, the table as given and each report's trials; not after a stop.
    """
    _check_options(timeout, images, pdf)
    if xlsx and jobs:
        from .xlsx_export import check_workbook_trials

        check_workbook_trials(jobs[0].parameters["n_trials"])
    with stop_signals() as late:  # a signal between the pool's own handling and the end
        ordered, stopped = _batch(
            jobs, out_dir, workers, timeout, images, progress, notebook, scheduler, force, late, pdf, xlsx
        )
    stopped = stopped or (late[0] if late else None)
    if stopped:
        raise BatchInterrupted(stopped, ordered)
    return ordered


def _batch(
    jobs, out_dir, workers, timeout, images, progress, notebook, scheduler, force, late, pdf=None, xlsx=False
):
    """The run itself (see :func:`run_batch`): the outcomes in table order and the stopping signal."""
    remove_orphans()
    custom_notebook = notebook is not None
    notebook = notebook or report_notebook()
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    cluster = _dask_pool(scheduler, workers, timeout, notebook.read_bytes() if custom_notebook else None)
    try:
        folder = OutputFolder(out_dir, force=force)
        folder.claim(
            [
                "index.html",
                *(["index.pdf"] if pdf else []),
                "summary.csv",
                "claims.csv",
                *([REPORT_WORKBOOK] if xlsx else []),
                *(n for job in jobs for n in _files_of(job, images, pdf=bool(pdf))),
            ]
        )
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise
    try:
        request = dict(notebook=notebook, timeout=timeout, images=images)
        outcomes, stopped = _run_rows(
            jobs, folder, request, cluster, workers=workers, progress=progress, late=late
        )
        why = (
            f"the batch was stopped ({signal.Signals(stopped).name}) before this row finished"
            if stopped
            else ""
        )
        ordered = [outcomes.get(j.row) or Outcome(j, "not run", why) for j in jobs]
        if pdf and not stopped:
            _print_pdfs(folder, ordered, pdf, late)
        # A signal during the printing (``late``) stops it: the index is not printed either.
        _write_summary_and_index(
            folder, ordered, workbook=xlsx and not stopped, pdf=pdf if not (stopped or late) else None
        )
    except BaseException:
        folder.abandon()  # nothing of this run moves in: the previous set stays whole
        raise
    return ordered, stopped


def _print_pdfs(folder: OutputFolder, ordered: list[Outcome], paper: str, late: list) -> None:
    """``--pdf``: each written report printed beside it; a report that cannot be printed flags
    its row with the reason (its HTML stays). A signal stops the printing between reports."""
    from .pdf import print_reports

    printed = {o.job.slug: o for o in ordered if o.report}
    unwritten: dict[str, str] = {}

    def save(name: str, data: bytes) -> None:
        try:
            folder.write(name, data)
        except OutputError as exc:  # a full disk: this PDF is missing, the rest goes on
            unwritten[name] = f"pdf: {exc}"

    problems = print_reports(
        [(f"{slug}.pdf", folder.staged(o.report)) for slug, o in printed.items()],
        image_browser() or "",
        paper,
        save,
        stop=lambda: bool(late),
    )
    problems.update(unwritten)
    for slug, outcome in printed.items():
        name = f"{slug}.pdf"
        if name in problems:
            outcome.status, outcome.error = "failed", problems[name]
        elif name in folder.written:
            outcome.pdf = name


def _print_index(folder: OutputFolder, paper: str) -> None:
    """``--pdf``: the index printed beside it, every column on paper; a failure leaves no
    ``index.pdf`` and is said on stderr (the reports and their PDFs stand)."""
    from .pdf import print_reports

    problems = print_reports(
        [("index.pdf", folder.staged("index.html"))], image_browser() or "", paper, folder.write
    )
    for problem in problems.values():
        print(f"outsourcing-risk: index.pdf not written: {problem}", file=sys.stderr)


def _check_options(timeout, images, pdf=None) -> None:
    """Refuse a bad timeout, image format or paper, and images or PDFs without what they need,
    before anything runs."""
    if isinstance(timeout, bool) or not (isinstance(timeout, int | float) and 0 < timeout <= MAX_TIMEOUT):
        raise ValueError(
            f"timeout must be a positive number of seconds, at most {MAX_TIMEOUT:,} (a week) (got {timeout!r})"
        )
    if images not in (None, "png", "svg"):
        raise ValueError(f"images must be 'png', 'svg' or None (got {images!r})")
    if images and importlib.util.find_spec("kaleido") is None:
        raise OutputError(
            '--images needs kaleido, which is not installed: pip install "outsourcing-risk[images]" '
            "(it also needs Chrome or Chromium), or run without --images"
        )
    if images and image_browser() is None:
        raise OutputError(
            "--images needs Chrome or Chromium for kaleido and none was found: install chromium "
            "(apt-get install chromium) or set BROWSER_PATH, or run without --images"
        )
    if pdf not in (None, "a4", "letter"):
        raise ValueError(f"pdf must be 'a4', 'letter' or None (got {pdf!r})")
    if pdf:
        from .pdf import pdf_problem

        problem = pdf_problem(image_browser())
        if problem:
            raise OutputError(problem)


def _dask_pool(scheduler: str | None, workers: int, timeout: float, notebook: bytes | None) -> RowPool | None:
    """The cluster's pool when ``scheduler`` names one (connected now, so that a cluster that
    cannot be used stops the run before anything is written), else None."""
    if scheduler is None:
        return None
    from .dask_pool import DaskPool

    # Workers use their installed report notebook unless the batch brings its own.
    return DaskPool(scheduler, workers, timeout, notebook)


def _run_rows(
    jobs: list[Job],
    folder: OutputFolder,
    request: dict,
    cluster: RowPool | None,
    *,
    workers: int,
    progress,
    late: list[int],
) -> tuple[dict[int, Outcome], int | None]:
    """Every row, stored in ``folder`` as it ends (invalid rows without a worker): the outcomes
    by row, and the signal that stopped the run, if one did."""
    outcomes: dict[int, Outcome] = {}
    bar = tqdm(total=len(jobs), unit="report", desc="reports", disable=_show_progress(progress))
    tmp_root = scratch_folder()
    try:

        def done(job: Job, result: RowResult) -> None:
            outcomes[job.row] = _store(folder, job, result)
            bar.set_postfix_str(f"{job.name[:30]}: {outcomes[job.row].status}")
            bar.update()

        for job in jobs:
            if job.error:
                done(job, RowResult("failed", f"ScenarioError: {job.error}"))
        pool: RowPool = cluster or LocalPool(workers, request["timeout"], tmp_root)
        stopped = late[0] if late else None  # stopped before the first row started: none starts
        if stopped is None:
            stopped = pool.run([(j, {**request, "job": j}) for j in jobs if not j.error], done)
    finally:
        bar.close()
        _remove_soon(tmp_root)
        if cluster is not None:
            cluster.close()
    return outcomes, stopped


def _write_summary_and_index(
    folder: OutputFolder, ordered: list[Outcome], workbook: bool = False, pdf: str | None = None
) -> None:
    """``summary.csv`` and ``index.html`` (and with ``pdf``, the index printed to ``index.pdf``),
    then every file of the run moves in; on a full disk the index falls back to its table without
    the chart (which carries plotly.js, ~5 MB), and when even that does not fit nothing moves in
    (:class:`BatchWriteError`)."""
    from .index_page import index_html

    try:
        # Every text cell quoted: a bare CR in a name then stays inside its cell in any reader.
        folder.write("summary.csv", summary_frame(ordered).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC))
        folder.write("claims.csv", claims_frame(ordered).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC))
        if workbook and ordered:
            from .xlsx_export import report_workbook

            first = ordered[0].job.parameters
            summary = summary_frame(ordered)
            folder.write(REPORT_WORKBOOK, report_workbook(ordered, summary, first["n_trials"], first["seed"]))
        try:
            folder.write("index.html", index_html(ordered))
        except OutputError:
            folder.write("index.html", index_html(ordered, chart=False))
        if pdf:
            _print_index(folder, pdf)
        folder.close()
    except OutputError as exc:
        raise BatchWriteError(str(exc), ordered) from None


#: The longest a report may take, in seconds (a week): longer would be a mistake, and a number
#: past what the clocks' arithmetic holds (1e308) used to fail every row.
MAX_TIMEOUT = 7 * 24 * 3600


def _remove_soon(folder: Path, seconds: float = 3.0) -> None:
    """Remove the batch's temporary folder. After a stop, a kernel in its last moments may still
    write there while it is removed (seen on a loaded machine): try again until it is gone."""
    end = time.monotonic() + seconds
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists() or time.monotonic() > end:
            return
        time.sleep(0.1)


def _files_of(job: Job, images: str | None = "any", pdf: bool = True) -> list[str]:
    """The files a row may write: its report and notebook, its images (``"any"``: of both
    formats) and its PDF (by default: a rerun removes what an earlier run printed)."""
    kinds = ("png", "svg") if images == "any" else (images,) if images else ()
    ends = (
        ".html",
        ".ipynb",
        *(f"-{c}.{k}" for k in kinds for c in ("fan", "npv")),
        *((".pdf",) if pdf else ()),
    )
    return [f"{job.slug}{end}" for end in ends]


def _store(folder: OutputFolder, job: Job, result: RowResult) -> Outcome:
    """Write a row's files; a write that fails flags the row (and says why) but keeps the others."""
    outcome = Outcome(job, result.status, result.error, result.summary, seconds=result.seconds)
    try:
        for name, data in result.files.items():
            folder.write(name, data)
    except OutputError as exc:
        outcome.status, outcome.error = "failed", str(exc)
    written = set(folder.written)
    outcome.notebook = result.notebook if result.notebook in written else ""
    outcome.report = result.report if result.report in written else ""
    outcome.images = [i for i in result.images if i in written]
    return outcome


def summary_frame(outcomes: list[Outcome]) -> pd.DataFrame:
    """One row per table row: status, error, file names and the KPIs (empty when it failed).

    Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
    prefixed with an apostrophe, as OWASP advises; numbers are left as numbers.
    """
    rows = []
    for o in outcomes:
        row = {
            "row": o.job.row,
            "scenario": o.job.name,
            "status": o.status,
            "error": o.error,
            "report": o.report,
            "notebook": o.notebook,
        }
        row = {k: (csv_text(v) if k in TEXT_COLUMNS else v) for k, v in row.items()}
        row.update({k: o.summary.get(k) for k in KPI_COLUMNS})
        row.update({k: o.summary.get(k) for k in INFORMATION_COLUMNS})
        row["top_input"] = csv_text(row["top_input"]) if row["top_input"] else ""
        row.update({k: csv_text(o.summary.get(k) or "") for k in STORY_COLUMNS})
        rows.append(row)
    columns = ["row", *TEXT_COLUMNS, *KPI_COLUMNS, *INFORMATION_COLUMNS, *STORY_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


#: The columns of ``claims.csv``: one row per claim of every report (docs/analyses.md, "Claims").
CLAIM_COLUMNS = (
    "key",
    "kind",
    "subject",
    "value",
    "se",
    "unit",
    "direction",
    "section",
    "evidence",
    "detail",
    "basis",
)


def claims_frame(outcomes: list[Outcome]) -> pd.DataFrame:
    """Every claim every finished report made, with its evidence, for audit (``claims.csv``);
    text cells guarded against formulas as in ``summary.csv``."""
    rows = []
    for o in outcomes:
        for claim in o.summary.get("claims") or []:
            row = {"row": o.job.row, "scenario": csv_text(o.job.name)}
            for k in CLAIM_COLUMNS:
                value = claim.get(k)
                row[k] = value if k in ("value", "se") else csv_text(value if value is not None else "")
            rows.append(row)
    return pd.DataFrame(rows, columns=["row", "scenario", *CLAIM_COLUMNS])

"""Batch reports: one papermill run of the report notebook per row of a scenario or vendor table,
each exported to a self-contained offline HTML, plus ``index.html`` and ``summary.csv``.

Rows run in parallel worker processes (each starts its own kernel). A row that fails — a bad
value, a failing cell, a timeout — is recorded with its error and does not stop the others.
Every file is written to a temporary name and renamed into place, so an interrupted or failed
run never leaves a half-written report.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
from tqdm import tqdm

from .data import load_scenarios
from .export import export_html
from .notebook import SUMMARY_MIME
from .scenario import FIELDS, Scenario, ScenarioError, did_you_mean, is_blank
from .vendors import SCORECARD, read_scorecard, selection_score

__all__ = ["Job", "Outcome", "load_jobs", "report_notebook", "run_batch", "slugify"]

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


@dataclass
class Outcome:
    job: Job
    status: str  # "ok" or "failed"
    error: str = ""
    summary: dict = field(default_factory=dict)
    report: str = ""
    notebook: str = ""
    seconds: float = 0.0
    images: list[str] = field(default_factory=list)


def report_notebook() -> Path:
    """The report notebook: the packaged copy in a wheel, else the repository's."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here / "_notebooks" / "scenario_report.ipynb",
        here.parent / "notebooks" / "reports" / "scenario_report.ipynb",
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("the report notebook scenario_report.ipynb is missing from the installation")


def slugify(name: str) -> str:
    """A safe, unique file stem for a name: ASCII letters, digits and dashes, plus a short hash.

    No path separators or dots survive, so a name cannot escape the output folder, and the hash
    of the full name keeps similar names ("A/B", "A-B", "a b") from overwriting each other.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "scenario"
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{stem}-{digest}"


def load_jobs(table: str | Path, n_trials: int, seed: int) -> list[Job]:
    """Read and check a scenario or vendor table; one :class:`Job` per row.

    Column names are checked before anything runs (unknown ones with a suggestion): a bad column
    raises :class:`ScenarioError`. A row with a bad value becomes a job that carries its error.
    A table with scorecard columns (see ``data/vendors.csv``) is a vendor table: each vendor's
    scorecard gives its ``selection_score``.
    """
    frame = load_scenarios(table)
    vendors = any(c in SCORECARD for c in frame.columns)
    known = set(FIELDS) | (set(SCORECARD) if vendors else set())
    problems = [f"unknown column {c!r}{did_you_mean(str(c), known)}" for c in frame.columns if c not in known]
    if "name" not in frame.columns:
        problems.append("the table needs a 'name' column naming each row")
    if vendors:
        problems += [f"a vendor table needs a {c!r} column" for c in SCORECARD if c not in frame.columns]
    names = [str(n).strip() for n in frame.get("name", [])]
    problems += [
        f"name {n!r} appears more than once" for n in sorted({n for n in names if names.count(n) > 1})
    ]
    problems += [f"row {i} has no name" for i, n in enumerate(names, start=1) if not n]
    if problems:
        raise ScenarioError(problems, f"the table {Path(table).name}")
    return [_job(i, row, vendors, n_trials, seed) for i, row in enumerate(frame.to_dict("records"), start=1)]


def _job(i: int, row: dict, vendors: bool, n_trials: int, seed: int) -> Job:
    name = str(row["name"]).strip()
    values = {k: v for k, v in row.items() if k in FIELDS and not is_blank(v)}
    error = ""
    if vendors:
        marks, bad_marks = read_scorecard(row)
        error = "; ".join(bad_marks)
        if not error:
            values["selection_score"] = selection_score(marks)
    scenario = None
    if not error:
        try:
            scenario = Scenario.from_dict(values)
        except ScenarioError as exc:
            error = "; ".join(exc.problems)
    parameters = {("scenario_name" if k == "name" else k): v for k, v in values.items()}
    parameters.update(n_trials=n_trials, seed=seed)
    shown = scenario or Scenario()
    return Job(
        row=i,
        name=name,
        slug=slugify(name),
        parameters=parameters,
        error=error,
        currency=shown.currency if scenario else str(values.get("currency", "USD")),
        horizon_months=shown.horizon_months,
    )


def _write_atomic(path: Path, data: str | bytes) -> None:
    """Write next to ``path`` under a temporary name, then rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a shared report must be readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _summary_of(nb: nbformat.NotebookNode) -> dict | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if SUMMARY_MIME in out.get("data", {}):
                return out["data"][SUMMARY_MIME]["summary"]
    return None


def run_one(job: Job, out_dir: Path, notebook: Path, timeout: float, images: str | None = None) -> Outcome:
    """Execute, check and export one row; never raises for a failure of the row itself."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    _remove_earlier_outputs(job, out_dir)  # a row that fails now must not leave last run's report
    if job.error:
        return Outcome(job, "failed", f"ScenarioError: {job.error}")
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".run-") as tmp:
        executed = Path(tmp) / f"{job.slug}.ipynb"
        error = ""
        try:
            papermill.execute_notebook(
                str(notebook),
                str(executed),
                parameters=job.parameters,
                cwd=str(notebook.parent),
                execution_timeout=timeout,
                progress_bar=False,
                kernel_name="python3",
                log_output=False,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # quiet kernel start
            )
        except PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue}"
        except Exception as exc:  # noqa: BLE001 - a timeout or dead kernel: recorded, the batch goes on
            error = f"{type(exc).__name__}: {exc}".strip()
        nb = nbformat.read(str(executed), as_version=4) if executed.exists() else None
        summary = _summary_of(nb) if nb is not None else None
        if not error and (nb is None or summary is None or not _complete(nb)):
            error = f"incomplete run: not every cell finished within the {timeout:g} s timeout"
        outcome = Outcome(job, "failed" if error else "ok", error, summary or {})
        if nb is not None:  # the executed notebook, failed or not, is kept for diagnosis
            os.replace(executed, out_dir / f"{job.slug}.ipynb")
            outcome.notebook = f"{job.slug}.ipynb"
        if not error:
            _write_atomic(out_dir / f"{job.slug}.html", export_html(nb, job.name))
            outcome.report = f"{job.slug}.html"
            if images:
                try:
                    outcome.images = write_images(job, out_dir, images)
                except Exception as exc:  # noqa: BLE001 - the report stands; the row is flagged
                    outcome.status, outcome.error = "failed", f"images: {type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - start
    return outcome


def _remove_earlier_outputs(job: Job, out_dir: Path) -> None:
    for stale in (
        f"{job.slug}.html",
        f"{job.slug}.ipynb",
        f"{job.slug}-fan.png",
        f"{job.slug}-npv.png",
        f"{job.slug}-fan.svg",
        f"{job.slug}-npv.svg",
    ):
        (out_dir / stale).unlink(missing_ok=True)


def _complete(nb: nbformat.NotebookNode) -> bool:
    return all(c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip())


def write_images(job: Job, out_dir: Path, fmt: str) -> list[str]:
    """The key charts as PNG or SVG for slide decks (kaleido, which drives the system chromium)."""
    from . import plots
    from .model import simulate

    params = {
        ("name" if k == "scenario_name" else k): v
        for k, v in job.parameters.items()
        if k not in ("n_trials", "seed")
    }
    result = simulate(
        Scenario.from_dict(params), n_trials=job.parameters["n_trials"], seed=job.parameters["seed"]
    )
    written = []
    for kind, fig in (("fan", plots.fan_chart(result)), ("npv", plots.npv_histogram(result))):
        name = f"{job.slug}-{kind}.{fmt}"
        _write_atomic(out_dir / name, fig.to_image(format=fmt, width=1100, height=600))
        written.append(name)
    return written


def run_batch(
    jobs: list[Job],
    out_dir: str | Path,
    *,
    workers: int | None = None,
    timeout: float = 600,
    images: str | None = None,
    progress: bool = True,
    notebook: Path | None = None,
) -> list[Outcome]:
    """Run every job in parallel worker processes; write the reports, summary.csv and index.html."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    notebook = notebook or report_notebook()
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    outcomes: list[Outcome] = []
    bar = tqdm(total=len(jobs), unit="report", desc="reports", disable=not progress)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_one, job, out_dir, notebook, timeout, images): job for job in jobs}
        try:
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                bar.set_postfix_str(f"{outcome.job.name[:30]}: {outcome.status}")
                bar.update()
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
        finally:
            bar.close()
    outcomes.sort(key=lambda o: o.job.row)
    from .index_page import index_html

    _write_atomic(out_dir / "summary.csv", summary_frame(outcomes).to_csv(index=False))
    _write_atomic(out_dir / "index.html", index_html(outcomes))
    return outcomes


def summary_frame(outcomes: list[Outcome]) -> pd.DataFrame:
    """One row per table row: status, error, file names and the KPIs (empty when it failed)."""
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
        row.update({k: o.summary.get(k) for k in KPI_COLUMNS})
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["row", "scenario", "status", "error", "report", "notebook", *KPI_COLUMNS]
    )

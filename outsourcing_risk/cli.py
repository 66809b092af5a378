"""outsourcing-risk: Monte Carlo risk analysis for IT outsourcing decisions.

Start with `outsourcing-risk example DIR` (example tables and notebooks), then
`outsourcing-risk report DIR/data/scenarios.csv`; `outsourcing-risk params` lists the parameters,
`outsourcing-risk docs model` prints the model's specification."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from pathlib import Path

__all__ = ["main", "run"]

# Imports are made by the commands that need them, so that --help, --version and a mistyped
# option answer at once.


def _whole_number(least: int, why: str = ""):
    """An argparse type: a whole number ≥ ``least``, refused in words (``why`` says the rule's reason)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be ≥ {least}{why} (got {value})")
        return value

    return parse


_positive_int = _whole_number(1)


def _trials(least: int, why: str = ""):
    """An argparse type for ``--trials``: the rule every function that runs trials checks
    (:func:`~outsourcing_risk.io.errors.trials_problem`), said before anything runs."""
    from .io.errors import trials_problem

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        problem = trials_problem(value, least, why)
        if problem:
            raise argparse.ArgumentTypeError(problem.removeprefix("n_trials "))
        return value

    return parse


def _table_options(command, what: str = "the table") -> None:
    """``--sheet``: which sheet of an .xlsx workbook holds the table."""
    command.add_argument(
        "--sheet",
        metavar="NAME",
        help=f"the sheet of an .xlsx workbook that holds {what} (default: its first visible sheet)",
    )


#: The fewest trials of a report: ``io.errors.MIN_REPORT_TRIALS`` (tests/test_cli.py holds the
#: two equal; not imported here, so that the parser is built without the package's modules).
_MIN_REPORT_TRIALS = 2
#: The longest report, in seconds: the batch's ``MAX_TIMEOUT`` (not imported: the batch loads
#: pandas, and ``--help`` answers without it; tests/test_cli.py holds the two equal).
_WEEK = 7 * 24 * 3600


def _positive_number(unit: str, most: float, most_words: str):
    """An argparse type: a positive number of ``unit`` up to ``most``, refused in words."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number of {unit} (got {text!r})") from None
        if not (0 < value <= most):  # NaN and inf fail here too
            raise argparse.ArgumentTypeError(
                f"must be a positive number of {unit}, at most {most:g} ({most_words}) (got {text})"
            )
        return value

    return parse


_positive_float = _positive_number("seconds", _WEEK, "a week")
_minutes = _positive_number("minutes", 24 * 60, "a day")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0 (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0 (got {value})")
    return value


class _Defaults(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default where it tells the reader something: not for a flag (its
    default is only the flag's absence) nor where there is none or the help says it already."""

    def _get_help_string(self, action):
        if action.default is None or action.nargs == 0 or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def _parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per job, each built by its own function below."""
    parser = argparse.ArgumentParser(
        prog="outsourcing-risk", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    _example_command(sub)
    _kpis_command(sub)
    sub.add_parser("params", help="list every parameter: unit, allowed range, default and source")
    _docs_command(sub)
    _app_command(sub)
    _report_command(sub)
    _portfolio_command(sub)
    _fit_command(sub)
    return parser


def _fit_command(sub) -> None:
    fit = sub.add_parser(
        "fit",
        help="fit incident_rate_max and incident_cost to an incident log; writes a scenario row",
        description="Fit the scenario's incident inputs to a log of incidents (id, vendor, opened, closed: empty "
        "while still open, optional cost; ISO dates, one format): incidents per vendor-month (Poisson or "
        "negative binomial, by AIC, with a goodness-of-fit test) give incident_rate_max, the rate at full trust; "
        "the costs (or the lengths, with --cost-per-hour) give incident_cost. Prints every fit in words and "
        "writes a scenario row that `outsourcing-risk report` reads. See data/incident_log_example.csv and "
        "docs/model.md, 'Inputs from an incident log'.",
        formatter_class=_Defaults,
    )
    fit.add_argument(
        "log", metavar="LOG", help="CSV or .xlsx log of incidents (see data/incident_log_example.csv)"
    )
    fit.add_argument("--vendor", help="fit this vendor's incidents only (default: every vendor's, pooled)")
    fit.add_argument(
        "--as-of",
        metavar="DATE",
        help="when the log was read: open incidents are open until then (a date alone is the end of that day; "
        "default: the log's last date)",
    )
    fit.add_argument(
        "--months",
        action="append",
        metavar="N|VENDOR=N",
        help="months each vendor was observed, ending on the as-of date: one number for all, or VENDOR=N "
        "once per vendor (default: the log's span, from its first incident)",
    )
    fit.add_argument(
        "--vendors", metavar="TABLE", help="a vendor table: a vendor of the log not named in it is refused"
    )
    for name, words in (
        ("trust", "trust"),
        ("goal-clarity", "goal clarity"),
        ("selection-score", "selection score"),
        ("clarity-weight", "clarity weight"),
        ("selection-weight", "selection weight"),
    ):
        fit.add_argument(
            f"--{name}",
            metavar="X",
            help=f"the {words} in force while the log was kept (default: data/defaults.toml)",
        )
    fit.add_argument(
        "--cost-per-hour",
        type=_positive_number("currency", 1e12, "10^12"),
        metavar="AMOUNT",
        help="what an hour of an incident costs: incident_cost = mean length × this, for a log without costs",
    )
    fit.add_argument("--currency", default="USD", help="currency of the costs")
    fit.add_argument(
        "--name", help="the scenario's name in the row (default: the vendor, or 'Fitted from LOG')"
    )
    fit.add_argument(
        "--out", metavar="FILE.csv", help="write the scenario row to this file (default: print it)"
    )
    fit.add_argument(
        "--fits", metavar="FILE.csv", help="also write every candidate fit (family, AIC, mean ± se)"
    )
    fit.add_argument("--seed", type=_seed, default=2026, help="seed of the goodness-of-fit test's resamples")


def _portfolio_command(sub) -> None:
    book = sub.add_parser(
        "portfolio",
        help="one report on a book of contracts: shared vendor failures, concentration, exits",
        description="Simulate every contract of a portfolio table together (contracts with the same vendor "
        "share its failures; switches compete for the switching capacity) and write portfolio.html (the "
        "conclusion first, offline), contracts.csv and vendors.csv into --out. See data/portfolio.csv and "
        "docs/model.md, 'A book of contracts'.",
        formatter_class=_Defaults,
    )
    book.add_argument(
        "table",
        help="CSV or .xlsx table of contracts: name, vendor and any scenario column (see data/portfolio.csv)",
    )
    book.add_argument("--out", required=True, help="folder for portfolio.html, contracts.csv and vendors.csv")
    _table_options(book, "the contracts")
    book.add_argument(
        "--xlsx",
        action="store_true",
        help="also write portfolio.xlsx: a cover sheet, the summary, the contracts and vendors, the table as "
        "given and every trial of the book",
    )
    book.add_argument("--trials", type=_trials(1), default=20_000, help="Monte Carlo trials")
    book.add_argument("--seed", type=_seed, default=2026, help="seed of all randomness")
    book.add_argument(
        "--capacity",
        type=_positive_int,
        default=None,
        help="how many transitions the firm can run at once (default: as many as needed)",
    )
    book.add_argument(
        "--stress-month",
        type=_positive_int,
        default=12,
        help="the month of the stress 'vendor X fails in month M'",
    )
    book.add_argument(
        "--force", action="store_true", help="replace files in --out that this tool did not write"
    )
    book.add_argument(
        "--scheduler",
        help="run the blocks of trials on a dask cluster: 'local' (a LocalCluster here) or a scheduler's "
        "address; the same numbers as one machine (needs outsourcing-risk[dask])",
    )
    book.add_argument("--workers", type=_positive_int, help="workers of --scheduler local (default 2)")
    book.add_argument(
        "--register",
        action="store_true",
        help="TABLE is a DORA register of information: the report package filed (.zip), or a folder of "
        "its templates' CSV files",
    )
    book.add_argument(
        "--mapping",
        help="with --register: the register's mapping (default: data/register_mapping.toml, DORA taxonomy "
        "4.0, codes checked against the EBA's files); for another version or a national variant",
    )
    book.add_argument("--title", help="the page's title (default: the book's name, from the file's name)")
    book.add_argument(
        "--pdf",
        action="store_true",
        help="also print portfolio.html to portfolio.pdf as a reader's Ctrl+P does (needs "
        "outsourcing-risk[pdf] and Chrome or Chromium)",
    )
    book.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="paper of --pdf, portrait (default: a4)"
    )


def _example_command(sub) -> None:
    example = sub.add_parser(
        "example",
        help="copy the example tables and notebooks into a folder, to start from",
        description="Copy the example scenario and vendor tables, the sourced defaults, the explore "
        "notebooks and the report notebook into DIR (created if needed; existing files are kept).",
    )
    example.add_argument("dir", metavar="DIR", help="folder to copy them into")


def _kpis_command(sub) -> None:
    kpis = sub.add_parser(
        "kpis", help="print the KPI table of every scenario in a CSV table", formatter_class=_Defaults
    )
    kpis.add_argument(
        "table", help="CSV or .xlsx table of scenarios (`outsourcing-risk example DIR` writes one)"
    )
    kpis.add_argument("--trials", type=_trials(1), default=20_000, help="Monte Carlo trials per scenario")
    _table_options(kpis, "the scenarios")
    kpis.add_argument("--seed", type=_seed, default=2026, help="seed of all randomness")


def _docs_command(sub) -> None:
    docs = sub.add_parser(
        "docs",
        help="print the model's specification (model) or the guide to the analyses (analyses)",
        description="Print a document that ships with the package, as Markdown: 'model' is the "
        "model's full specification, 'analyses' which question each analysis answers.",
        formatter_class=_Defaults,
    )
    docs.add_argument(
        "name", nargs="?", default="model", choices=("model", "analyses"), help="which document"
    )
    docs.add_argument("--path", action="store_true", help="print where the file is instead of its text")


def _app_command(sub) -> None:
    app = sub.add_parser(
        "app",
        help="serve the what-if explorer (or the vendor selection) as a web app: no code shown",
        description="Serve an app notebook with Voilà on this machine, offline; each visitor gets a "
        "kernel of their own. To let colleagues in, use --ip 0.0.0.0 and give them the URL it prints: "
        "off this machine the app asks for the token in it (needs outsourcing-risk[app]).",
        formatter_class=_Defaults,
    )
    app.add_argument("name", nargs="?", default="what-if", choices=("what-if", "vendors"), help="which app")
    app.add_argument("--port", type=_positive_int, default=8866, help="port to serve on")
    app.add_argument("--ip", default="127.0.0.1", help="address to listen on (0.0.0.0: every network)")
    app.add_argument("--open", action="store_true", help="open it in a browser")
    app.add_argument(
        "--max-visitors",
        type=_positive_int,
        default=12,
        help="the most people at once (each gets a kernel of ~200 MB); the next one is told the app is full",
    )
    app.add_argument(
        "--idle-minutes",
        type=_minutes,
        default=3.0,
        help="a closed or abandoned page's kernel is shut down after this many idle minutes",
    )
    app.add_argument("--verbose", action="store_true", help="also print Voilà's own log (kernels, culling)")


def _report_command(sub) -> None:
    report = sub.add_parser(
        "report",
        help="one offline HTML report per row of a scenario or vendor table, plus index.html and summary.csv",
        description="Run the report notebook for every row of TABLE (scenarios, or vendors with their "
        "interview scorecards) and write offline HTML reports, index.html and summary.csv to --out.",
        formatter_class=_Defaults,
    )
    report.add_argument(
        "table",
        help="CSV or .xlsx table of scenarios or of vendors with their scorecards (`outsourcing-risk "
        "example DIR` writes one of each)",
    )
    _table_options(report)
    report.add_argument(
        "--xlsx",
        action="store_true",
        help="also write summary.xlsx: a cover sheet, the summary, the table as given and each report's "
        "trials (inputs as drawn, NPV, failures, switches) for an audit trail",
    )
    report.add_argument("--out", default="reports", help="output folder")
    report.add_argument(
        "--force",
        action="store_true",
        help="replace files in --out that have the names of this run's files but were not written "
        "by outsourcing-risk (without it such a run stops before it starts and names them)",
    )
    report.add_argument(
        "--trials",
        type=_trials(_MIN_REPORT_TRIALS, "a report compares policies by their spread"),
        default=20_000,
        help="Monte Carlo trials per report",
    )
    report.add_argument("--seed", type=_seed, default=2026, help="seed of all randomness")
    report.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="parallel reports on this machine, or LocalCluster workers with --scheduler local "
        "(default: the number of cores)",
    )
    report.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the rows on a dask.distributed cluster: 'local' starts one on this machine, "
        "tcp://host:8786 uses a running scheduler (needs outsourcing-risk[dask]; default: no cluster, "
        "worker processes on this machine)",
    )
    report.add_argument(
        "--timeout",
        type=_positive_float,
        default=600.0,
        help="seconds one report may take, kernel start included (any positive number)",
    )
    report.add_argument("--images", choices=("png", "svg"), help="also write the key charts as images")
    report.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to a PDF as Ctrl+P prints it, every chart whole (needs "
        "outsourcing-risk[pdf] and Chrome or Chromium)",
    )
    report.add_argument(
        "--paper", choices=("a4", "letter"), default="a4", help="paper of --pdf, portrait (default: a4)"
    )
    report.add_argument(
        "--no-whatif",
        dest="whatif",
        action="store_false",
        help="leave out the interactive what-if section (it takes a few seconds per report)",
    )
    bar = report.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_const",
        const=True,
        default=None,
        help="show the progress bar even when the output is not a terminal",
    )
    bar.add_argument("--quiet", dest="progress", action="store_const", const=False, help="no progress bar")


#: The figures ``kpis`` prints, each as the reports show it.
_KPIS_SHOWN = ("mean_npv", "se_npv", "p_loss", "cvar5", "p_failure", "breakeven_month")


def _print_kpis(args) -> int:
    import pandas as pd

    from .io.data import load_scenarios
    from .model.scenario import scenarios_from_table
    from .model.simulation import simulate
    from .present.kpis import format_kpi

    rows = {}
    for s in scenarios_from_table(load_scenarios(args.table, sheet=args.sheet)):
        summary = simulate(s, n_trials=args.trials, seed=args.seed).summary()
        rows[s.name] = {k: format_kpi(k, summary[k], s.currency, s.horizon_months) for k in _KPIS_SHOWN}
    shown = pd.DataFrame.from_dict(rows, orient="index", columns=list(_KPIS_SHOWN))
    with pd.option_context("display.width", 160, "display.max_columns", None):
        print(_safe(shown.to_string()))
    return 0


def _params(_args) -> int:
    """Every parameter with its label, unit, allowed range, default and source."""
    from .io.data import defaults_table
    from .model.parameters import PARAMETERS
    from .present.formatting import param_label

    defaults = defaults_table()
    for p in PARAMETERS:
        entry = defaults[p.name]
        plausible = "–".join(f"{v:g}" for v in entry["range"]) if "range" in entry else "fixed"
        print(f"{p.name}  —  {param_label(p)}")
        print(f"    {p.help}")
        print(f"    unit {p.unit}; allowed: {p.rule()}; default {entry['value']:g}; plausible {plausible}")
        print(f"    source: {entry['source']}")
    after = defaults["after_failure"]
    print(f"after_failure  —  After a vendor failure: insource or replace (default {after['value']})")
    print(f"    source: {after['source']}")
    policy = defaults["trust_policy"]
    print(
        f"trust_policy  —  Trust policy: fixed (trust for the whole horizon) or ramp (each vendor starts at "
        f"trust and earns or loses it at milestones) (default {policy['value']})"
    )
    print(f"    source: {policy['source']}")
    print("Any number may also be a distribution: pert(low, mode, high), triangular(low, mode, high),")
    print("uniform(low, high), lognormal(median, p90), except the decisions of 'Trust over time'")
    print(
        "(trust_step to exit_trigger_window) and trust under the ramp. Money is in the scenario's currency."
    )
    return 0


def _docs(args) -> int:
    from .io.examples import doc_path

    path = doc_path(args.name)
    print(path if args.path else path.read_text(encoding="utf-8"), end="\n" if args.path else "")
    return 0


def _app(args) -> int:
    from .workbook.app import serve

    return serve(
        args.name,
        port=args.port,
        ip=args.ip,
        browser=args.open,
        max_visitors=args.max_visitors,
        idle_seconds=60 * args.idle_minutes,
        verbose=args.verbose,
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("outsourcing-risk")
    except PackageNotFoundError:
        return "0+unknown (not installed)"


def _example(args) -> int:
    from .io.examples import copy_examples

    written, kept = copy_examples(args.dir)
    for path in written:
        print(_safe(f"wrote {path}"))
    for path in kept:
        print(_safe(f"kept  {path} (already there)"))
    folder = Path(args.dir)
    print(
        _safe(
            "\nNext:\n"
            f"  outsourcing-risk report {folder / 'data' / 'scenarios.csv'} --out {folder / 'reports'}\n"
            f"  jupyter lab {folder / 'notebooks'}    (needs: pip install 'outsourcing-risk[lab]')"
        )
    )
    return 0


def _report(args) -> int:
    from .io.processes import stop_signals

    # Ctrl-C, SIGTERM and SIGHUP stop the rows (see run_batch); one that comes while the last
    # lines are printed changes nothing more.
    with stop_signals():
        return _run_report(args)


def _run_report(args) -> int:
    from .batch.runner import BatchInterrupted, BatchWriteError, load_jobs, run_batch

    if args.scheduler not in (None, "local") and args.workers is not None:
        print(
            _safe(
                "outsourcing-risk: --workers sets the workers of this machine or of --scheduler local; a "
                f"running cluster ({args.scheduler}) has its own: leave out --workers"
            ),
            file=sys.stderr,
        )
        return 2
    jobs = load_jobs(args.table, args.trials, args.seed, whatif=args.whatif, sheet=args.sheet)
    out = Path(args.out).resolve()
    try:
        outcomes = run_batch(
            jobs,
            args.out,
            workers=args.workers,
            timeout=args.timeout,
            images=args.images,
            progress=args.progress,
            scheduler=args.scheduler,
            force=args.force,
            pdf=args.paper if args.pdf else None,
            xlsx=args.xlsx,
        )
    except BatchInterrupted as exc:
        done = sum(o.status != "not run" for o in exc.outcomes)
        print(
            _safe(
                f"outsourcing-risk: stopped by {signal.Signals(exc.signum).name}: {done} of {len(jobs)} "
                f"rows finished and are listed in {out / 'index.html'} and summary.csv; the rest are "
                "marked 'not run'. Run the same command again to redo them."
            ),
            file=sys.stderr,
        )
        return 128 + exc.signum
    except BatchWriteError as exc:
        print(_safe(f"outsourcing-risk: {exc}"), file=sys.stderr)
        print(
            _safe(
                f"Nothing new was written to {out}: what it held before is as it was. Free some space "
                "(or fix the folder) and run again."
            ),
            file=sys.stderr,
        )
        return 1
    failed = [o for o in outcomes if o.status != "ok"]
    reported = [o for o in outcomes if o.report]
    without_images = sum(o.status != "ok" for o in reported)
    extras = "images or PDF" if args.pdf and args.images else "PDF" if args.pdf else "images"
    note = f" ({without_images} of them without their {extras})" if without_images else ""
    print(_safe(f"{len(reported)} of {len(outcomes)} reports written to {out}{note}"))
    if args.pdf:
        print(
            _safe(f"{sum(bool(o.pdf) for o in outcomes)} printed to PDF ({args.paper.upper()}) beside them")
        )
    print(_safe(f"open {out / 'index.html'} in a browser (it works offline)"))
    if args.xlsx and (out / "summary.xlsx").exists():
        print(_safe(f"the summary, the table and every report's trials: {out / 'summary.xlsx'}"))
    for o in failed:
        print(
            _safe(f"failed: row {o.job.row} ({o.job.name}): {o.error.splitlines()[0] if o.error else ''}"),
            file=sys.stderr,
        )
    if failed:
        print("Fix the rows above (summary.csv and index.html list them too) and run again.", file=sys.stderr)
    return 1 if failed else 0


def _portfolio(args) -> int:
    from .batch.portfolio_run import load_book, run_portfolio

    if args.mapping and not args.register:
        print("outsourcing-risk: --mapping is the mapping of a register: add --register", file=sys.stderr)
        return 2
    if args.sheet and args.register:
        print(
            "outsourcing-risk: --sheet names a sheet of a table, not of a register: leave it out",
            file=sys.stderr,
        )
        return 2
    if args.register:
        book = _register_book(args)
    else:
        book = load_book(args.table, capacity=args.capacity, sheet=args.sheet)
    if args.stress_month > book.horizon_months:
        print(
            _safe(
                f"outsourcing-risk: --stress-month must lie within the horizon, 1..{book.horizon_months} "
                f"(got {args.stress_month})"
            ),
            file=sys.stderr,
        )
        return 2
    too_big = _book_too_big(book, args.trials)
    if too_big:
        print(_safe(f"outsourcing-risk: {too_big}"), file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    from .io.processes import stop_signals

    try:
        with stop_signals(interrupt=True) as stopped:  # the files move in whole, or none of them
            analysis = run_portfolio(
                book,
                args.out,
                n_trials=args.trials,
                seed=args.seed,
                stress_month=args.stress_month,
                force=args.force,
                scheduler=args.scheduler,
                workers=args.workers,
                xlsx=args.xlsx,
                title=args.title,
                pdf=args.paper if args.pdf else None,
            )
    except KeyboardInterrupt:
        signum = stopped[0] if stopped else signal.SIGINT
        print(
            _safe(
                f"outsourcing-risk: stopped by {signal.Signals(signum).name}: nothing new written to {out}"
            ),
            file=sys.stderr,
        )
        return 128 + signum
    from .present.formatting import money, percent

    summary = analysis.summary
    contracts, vendors = int(summary["contracts"]), int(summary["vendors"])
    print(
        _safe(
            f"{contracts} contract{'s' * (contracts != 1)}, {vendors} vendor{'s' * (vendors != 1)}: mean "
            f"saving {money(summary['mean_npv'], book.currency)}, chance of a loss "
            f"{percent(summary['p_loss'])}, HHI {summary['hhi']:,.0f} by vendor"
            + (
                f", {summary['hhi_group']:,.0f} by group"
                if summary.get("hhi_group") is not None and summary["hhi_group"] != summary["hhi"]
                else ""
            )
        )
    )
    print(
        _safe(
            f"open {out / 'portfolio.html'} in a browser (it works offline); contracts.csv and vendors.csv "
            f"beside it{' and portfolio.xlsx' if args.xlsx else ''}"
            + ("; portfolio.pdf printed beside it" if args.pdf else "")
        )
    )
    return 0


#: What a book's simulation holds per contract and trial of a block of trials, in bytes (measured:
#: 1,000 and 2,000 contracts at 10,000 trials took 730 and 770 kB a contract).
_BOOK_BYTES = 80


def _book_too_big(book, trials: int) -> str:
    """Why the book's simulation would not fit in the memory this process may use, before anything
    is written ("" when it fits, or when the memory is not known)."""
    from .model.sampling import BLOCK

    n = min(trials, BLOCK)
    need = _BOOK_BYTES * len(book.contracts) * n
    free = _memory_free()
    if free is None or need <= free:
        return ""
    return (
        f"the book's {len(book.contracts):,} contracts at {n:,} trials a block need about {need / 1e9:,.1f} GB "
        f"of memory, and this run may use about {free / 1e9:,.1f} GB: split the book (or run fewer --trials "
        "below 10,000); nothing was written"
    )


def _memory_free() -> int | None:
    """The memory this process may still take: the smaller of the address-space limit's headroom
    and the system's available memory (Linux); None when neither is known."""
    known = []
    with contextlib.suppress(ImportError, OSError, ValueError):
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            status = Path("/proc/self/status").read_text()
            used = next(
                int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize:")
            )
            known.append(soft - used)
    with contextlib.suppress(OSError, ValueError, StopIteration):
        info = Path("/proc/meminfo").read_text()
        known.append(
            next(
                int(line.split()[1]) * 1024 for line in info.splitlines() if line.startswith("MemAvailable:")
            )
        )
    return min(known) if known else None


def _register_book(args):
    """The book of a DORA register, saying in two lines what was read and what is not modelled yet."""
    from .io.register import load_mapping, read_register
    from .model.portfolio import book_from_table

    reading = read_register(args.table, load_mapping(args.mapping))
    book = book_from_table(reading.book, capacity=args.capacity, name=reading.name)
    print(_safe(reading.summary()))
    print(_safe(reading.unmodelled()))
    return book


def _fit(args) -> int:
    """``outsourcing-risk fit``: fit, print the fits in words, then write every file whole."""
    import textwrap

    from .analyses.incident_fit import fit_incident_log
    from .io.atomic import write_atomic
    from .io.incident_log import parse_months
    from .present.fit_report import fit_sentences

    targets = [Path(p).resolve() for p in (args.out, args.fits) if p]
    if Path(args.log).resolve() in targets or len(set(targets)) < len(targets):
        print(
            "outsourcing-risk: --out and --fits must name new files, not LOG nor each other", file=sys.stderr
        )
        return 2
    levers = ("trust", "goal_clarity", "selection_score", "clarity_weight", "selection_weight")
    fit = fit_incident_log(
        args.log,
        vendor=args.vendor,
        as_of=args.as_of,
        months=parse_months(args.months),
        vendors=_vendor_names(args.vendors) if args.vendors else None,
        cost_per_hour=args.cost_per_hour,
        currency=args.currency,
        seed=args.seed,
        **{k: getattr(args, k) for k in levers},
    )
    row, fits = _fit_tables(fit, args.name)
    for sentence in fit_sentences(fit):
        print(_safe(textwrap.fill(sentence, 100)), end="\n\n")
    files = {Path(p): text for p, text in ((args.out, row), (args.fits, fits)) if p}
    try:
        for path, text in files.items():
            write_atomic(path, text)
    except OSError as exc:
        print(_safe(f"outsourcing-risk: cannot write {exc.filename}: {exc.strerror}"), file=sys.stderr)
        return 1
    if not args.out:
        print(_safe(row), end="")
    for path in files:
        print(_safe(f"wrote {path}"))
    return 0


def _vendor_names(path: str) -> list[str]:
    """The ``name`` column of a vendor table: the vendors a log may name."""
    from .io.data import load_vendors
    from .io.tables import TableError

    table = load_vendors(path)
    if "name" not in table.columns:
        raise TableError(f"{path} has no 'name' column naming the vendors")
    return list(table["name"])


def _fit_tables(fit, name: str | None) -> tuple[str, str]:
    """The scenario row and the candidate fits as CSV text, every text cell formula-guarded as
    summary.csv's are."""
    from .batch.runner import csv_text
    from .present.fit_report import candidates_table, scenario_table

    def guarded(frame) -> str:
        return frame.map(lambda v: csv_text(v) if isinstance(v, str) else v).to_csv(index=False)

    return guarded(scenario_table(fit, name)), guarded(candidates_table(fit))


def main(argv: list[str] | None = None) -> int:
    from .io.environment import skip_slow_optional_import

    args = _parser().parse_args(argv)
    skip_slow_optional_import()
    commands = {
        "kpis": _print_kpis,
        "report": _report,
        "portfolio": _portfolio,
        "params": _params,
        "docs": _docs,
        "example": _example,
        "app": _app,
        "fit": _fit,
    }
    try:
        return commands[args.command](args)
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly, as cat does
        _quiet_stdout()
        return 1
    except Exception as exc:
        from .io.errors import OutsourcingRiskError

        if not isinstance(exc, OutsourcingRiskError):  # the user's to fix: one line, exit 2
            raise
        print(_safe(f"outsourcing-risk: {exc}"), file=sys.stderr)
        return 2


def _safe(text: str) -> str:
    """Text for the terminal, with whatever came from a table or a path escaped (see
    :func:`~outsourcing_risk.present.formatting.terminal_text`)."""
    from .present.formatting import terminal_text

    return terminal_text(text)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit raises nothing more."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run() -> None:
    """The ``outsourcing-risk`` command: :func:`main`, then exit with its code. Once the command
    has said its last word, a late Ctrl-C, SIGTERM or SIGHUP (a third Ctrl-C after the batch has
    already stopped and written its index) changes nothing: the process is ending anyway."""
    from .io.processes import ignore_stop_signals

    code = main()
    ignore_stop_signals()
    sys.exit(code)


if __name__ == "__main__":
    run()

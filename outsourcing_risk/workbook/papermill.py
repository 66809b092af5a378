"""The contract between the report notebook and whoever runs it (papermill, the batch, the pages
that show a command): its parameters in and out, and the summary it records for the batch."""

from __future__ import annotations

import math
import shlex

from ..io.errors import MIN_REPORT_TRIALS, REPORT_TRIALS_WHY, seed_problem, trials_problem
from ..io.rows import did_you_mean, read_cell_number, yes_no, yes_no_problem
from ..model.parameters import MONEY_MAX
from ..model.scenario import FIELDS, Scenario, ScenarioError

__all__ = [
    "NAME_PARAMETER",
    "RUN_PARAMETERS",
    "SUMMARY_MIME",
    "as_parameters",
    "papermill_command",
    "publish_report",
    "publish_summary",
    "read_amount",
    "read_appetite",
    "read_flag",
    "report_parameters",
    "scenario_from_parameters",
]

#: Mime type under which a report notebook records its summary for the batch runner.
SUMMARY_MIME = "application/vnd.outsourcing-risk.summary+json"

#: The report notebook's parameter for the scenario's ``name`` (``name`` alone would read as the
#: notebook's own name in papermill's command line and help).
NAME_PARAMETER = "scenario_name"

#: Names a notebook's parameters cell may hold besides the scenario fields.
RUN_PARAMETERS = ("n_trials", "seed")
_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}
_SIMPLE = (int, float, str, bool, type(None))


def scenario_from_parameters(
    namespace: dict, extra: tuple[str, ...] = (), scenario_name_key: str = NAME_PARAMETER
) -> tuple[Scenario, int, int]:
    """(scenario, n_trials, seed) from a notebook's parameters, refusing unknown names.

    Papermill only warns about a parameter the notebook does not declare; this raises a
    :class:`ScenarioError` naming it (with a suggestion), together with every invalid value.
    Scenario parameters left at ``None`` take the defaults of ``data/defaults.toml``; ``extra``
    names the notebook's own parameters that are not scenario fields. ``n_trials`` is a whole
    number ≥ ``MIN_REPORT_TRIALS`` and ``seed`` ≥ 0, checked as everywhere
    (:func:`~outsourcing_risk.io.errors.trials_problem`).
    """
    known = set(FIELDS) | set(RUN_PARAMETERS) | {scenario_name_key, *extra}
    problems = [
        f"unknown parameter {k!r}{did_you_mean(k, known)}"
        for k, v in namespace.items()
        if not k.startswith("_") and k not in _IPYTHON_NAMES and isinstance(v, _SIMPLE) and k not in known
    ]
    n_trials, seed = namespace.get("n_trials"), namespace.get("seed")
    problems += filter(
        None, [trials_problem(n_trials, MIN_REPORT_TRIALS, REPORT_TRIALS_WHY), seed_problem(seed)]
    )
    values = {k: namespace[k] for k in FIELDS if namespace.get(k) is not None}
    if namespace.get(scenario_name_key) is not None:
        values["name"] = namespace[scenario_name_key]
    try:
        scenario = Scenario.from_dict(values)
    except ScenarioError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems, "the notebook's parameters")
    return scenario, int(n_trials), int(seed)  # type: ignore[arg-type]  # checked above


def read_flag(name: str, value) -> bool:
    """A yes/no parameter as papermill may hand it over: ``True``/``False``, or text (``-r whatif
    no``, ``-p whatif False`` gives the string ``"False"``), read by the one vocabulary of yes and
    no (:func:`~outsourcing_risk.io.rows.yes_no`). Anything else is a :class:`ScenarioError`
    naming it, never read as "yes".

    >>> read_flag("whatif", "No"), read_flag("whatif", True)
    (False, True)
    """
    flag = yes_no(value)
    if flag is None:
        raise ScenarioError([yes_no_problem(name, value, ("true", "false"))], "the notebook's parameters")
    return flag


def read_amount(name: str, value) -> float | None:
    """An optional amount of money ≥ 0 as papermill or a table hands it over: ``None`` or blank
    text is "not given"; a number, or text that reads as one, is the amount. Anything else (a
    negative amount, text, an ambiguous '350.000', more than 10¹² or infinity) is a
    :class:`ScenarioError` naming it.

    >>> read_amount("interview_cost", "12500.5"), read_amount("interview_cost", None)
    (12500.5, None)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):  # a blank cell of a table
        return None
    amount, why = read_cell_number(value)
    if amount is None or not 0 <= amount <= MONEY_MAX:
        because = f": {why}" if why else ""
        raise ScenarioError(
            [f"{name} must be an amount of money from 0 to {MONEY_MAX:,.0f} (got {value!r}){because}"],
            "the notebook's parameters",
        )
    return amount


def report_parameters(scenario: Scenario, n_trials: int, seed: int, *, changed_only: bool = False) -> dict:
    """The report notebook's parameters that make ``scenario``'s report, the inverse of
    :func:`scenario_from_parameters`: its name as ``scenario_name``, its notes and currency, every
    field (distributions as text), ``n_trials`` and ``seed``. ``changed_only`` leaves out what
    equals the defaults, which the notebook fills in itself: a shorter command, the same report."""
    base = Scenario().to_dict()
    values = {k: v for k, v in scenario.to_dict().items() if not changed_only or v != base[k]}
    return {
        **as_parameters(values),
        "n_trials": n_trials,
        "seed": seed,
    }


def as_parameters(values: dict) -> dict:
    """Scenario fields as the report notebook's parameters: ``name`` becomes
    :data:`NAME_PARAMETER`, every other field keeps its name.

    >>> as_parameters({"name": "Offshore", "trust": 0.7})
    {'scenario_name': 'Offshore', 'trust': 0.7}
    """
    return {(NAME_PARAMETER if k == "name" else k): v for k, v in values.items()}


def papermill_command(parameters: dict, notebook="scenario_report.ipynb", output="report.ipynb") -> str:
    """The shell command that runs ``notebook`` with ``parameters``, every value quoted for the
    shell. Text goes as ``-r`` (raw), so that papermill keeps a name such as "2026" or a note
    "True" as text; numbers go as ``-p``.

    >>> papermill_command({"scenario_name": "Offshore $HOME", "trust": 0.7})
    "papermill scenario_report.ipynb report.ipynb -r scenario_name 'Offshore $HOME' -p trust 0.7"
    """
    flags = (
        f"-{'r' if isinstance(v, str) else 'p'} {k} {shlex.quote(str(v))}" for k, v in parameters.items()
    )
    return " ".join(["papermill", shlex.quote(str(notebook)), shlex.quote(str(output)), *flags])


def read_appetite(namespace: dict):
    """The reader's risk appetite from a notebook's parameters ``appetite_p_loss``,
    ``appetite_p_failure`` and ``appetite_worst5`` (None keeps a default; text as papermill may
    hand it over; see :func:`~outsourcing_risk.analyses.appetite.appetite_from_values`)."""
    from ..analyses.appetite import APPETITE_FIELDS, appetite_from_values

    return appetite_from_values({k: namespace.get(k) for k in APPETITE_FIELDS})


def publish_report(report) -> None:
    """Record the report for the batch runner (invisible in the HTML report): the summary, what
    every section adds to ``summary.csv`` (the verdict, the value of information, the top driver)
    and every claim with its evidence (``claims.csv``)."""
    from IPython.display import display

    result = report.run.result
    values = {**result.summary().to_dict(), **report.columns()}
    summary = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in values.items()}
    claims = [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in c.to_row().items()}
        for c in report.claims
    ]
    payload = {
        "scenario": result.scenario.name,
        "n_trials": result.n_trials,
        "seed": result.seed,
        "summary": summary,
        "claims": claims,
    }
    display(
        {SUMMARY_MIME: payload, "text/plain": "summary and claims recorded for the batch index"}, raw=True
    )


def publish_summary(result) -> None:
    """Record the summary in the notebook for the batch runner (invisible in the HTML report)."""
    from IPython.display import display

    summary = {
        k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in result.summary().items()
    }
    payload = {
        "scenario": result.scenario.name,
        "n_trials": result.n_trials,
        "seed": result.seed,
        "summary": summary,
    }
    display({SUMMARY_MIME: payload, "text/plain": "summary recorded for the batch index"}, raw=True)

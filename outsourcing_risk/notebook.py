"""Helpers the notebooks call: plotly set-up, parameters from papermill, KPI display, versions."""

from __future__ import annotations

import html
import math
import shlex
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from .formatting import money, month, param_label, param_value, percent
from .narrative import conclusion, horizon_words
from .parameters import PARAMETERS
from .results import KPI_HELP, KPI_LABELS
from .scenario import FIELDS, Scenario, ScenarioError, did_you_mean

__all__ = [
    "SUMMARY_MIME",
    "changed_parameters",
    "format_kpi",
    "kpi_cards_html",
    "kpi_table",
    "papermill_command",
    "parameter_table",
    "publish_summary",
    "ranking_table",
    "report_header",
    "report_parameters",
    "scenario_from_parameters",
    "setup_plotly",
    "show_parameters",
    "show_whatif",
    "versions",
]

#: Mime type under which a report notebook records its summary for the batch runner.
SUMMARY_MIME = "application/vnd.outsourcing-risk.summary+json"

#: Names a notebook's parameters cell may hold besides the scenario fields.
RUN_PARAMETERS = ("n_trials", "seed")
_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}
_SIMPLE = (int, float, str, bool, type(None))


def setup_plotly() -> None:
    """Charts are stored in the notebook as plotly JSON: JupyterLab draws them, the executed
    notebook stays small, and the HTML export embeds plotly.js once (see
    :mod:`outsourcing_risk.export`), so the shared report works offline."""
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"


def scenario_from_parameters(
    namespace: dict, extra: tuple[str, ...] = (), scenario_name_key: str = "scenario_name"
) -> tuple[Scenario, int, int]:
    """(scenario, n_trials, seed) from a notebook's parameters, refusing unknown names.

    Papermill only warns about a parameter the notebook does not declare; this raises a
    :class:`ScenarioError` naming it (with a suggestion), together with every invalid value.
    Scenario parameters left at ``None`` take the defaults of ``data/defaults.toml``; ``extra``
    names the notebook's own parameters that are not scenario fields.
    """
    known = set(FIELDS) | set(RUN_PARAMETERS) | {scenario_name_key, *extra}
    problems = [
        f"unknown parameter {k!r}{did_you_mean(k, known)}"
        for k, v in namespace.items()
        if not k.startswith("_") and k not in _IPYTHON_NAMES and isinstance(v, _SIMPLE) and k not in known
    ]
    n_trials, seed = namespace.get("n_trials"), namespace.get("seed")
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        problems.append(f"n_trials must be a whole number ≥ 1 (got {n_trials!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        problems.append(f"seed must be a whole number ≥ 0 (got {seed!r})")
    values = {k: namespace[k] for k in FIELDS if namespace.get(k) is not None}
    if namespace.get(scenario_name_key) is not None:
        values["name"] = namespace[scenario_name_key]
    try:
        scenario = Scenario.from_dict(values)
    except ScenarioError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems, "the notebook's parameters")
    return scenario, n_trials, seed


def report_parameters(scenario: Scenario, n_trials: int, seed: int, *, changed_only: bool = False) -> dict:
    """The report notebook's parameters that make ``scenario``'s report, the inverse of
    :func:`scenario_from_parameters`: its name as ``scenario_name``, its notes and currency, every
    field (distributions as text), ``n_trials`` and ``seed``. ``changed_only`` leaves out what
    equals the defaults, which the notebook fills in itself: a shorter command, the same report."""
    base = Scenario().to_dict()
    values = {k: v for k, v in scenario.to_dict().items() if not changed_only or v != base[k]}
    return {
        **{("scenario_name" if k == "name" else k): v for k, v in values.items()},
        "n_trials": n_trials,
        "seed": seed,
    }


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


def format_kpi(key: str, value, currency: str = "", horizon: int | None = None) -> str:
    """One summary figure as a reader sees it (see :mod:`outsourcing_risk.formatting`)."""
    if key == "breakeven_month":
        return month(value, horizon)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if key.startswith("p_"):
        return percent(value)
    if key == "expected_switches":
        return f"{value:.2f}"
    return money(value, currency)


def kpi_table(summaries: pd.Series | pd.DataFrame, keys=None, currency: str = "") -> pd.DataFrame:
    """Summary figures formatted for reading (rounded, units): one column per scenario.

    Rounding to whole currency units and 0.1 % keeps the printed table identical across machines,
    which is what the notebooks' nbval checks compare.
    """
    frame = summaries.to_frame().T if isinstance(summaries, pd.Series) else summaries
    keys = list(keys or KPI_LABELS)
    columns = {}
    for name, row in frame.iterrows():
        columns[name] = [format_kpi(k, row[k], currency) for k in keys]
    return pd.DataFrame(columns, index=[KPI_LABELS[k] for k in keys])


CARD_KEYS = ("mean_npv", "p_loss", "cvar5", "p_failure", "breakeven_month")


def _card_label(key: str, horizon: int) -> str:
    if key == "p_failure":
        return f"Chance of a vendor failure within {horizon_words(horizon)}"
    if key == "cvar5":
        return "Worst-5 % average"
    return KPI_LABELS[key]


def _card_detail(key: str, summary: pd.Series, currency: str) -> str:
    """The jargon under a card, for those who want it: standard error, CVaR, definitions."""
    if key == "mean_npv":
        return f"± {money(summary['se_npv'], currency)} (standard error)"
    if key == "cvar5":
        return "CVaR 5 %: mean of the worst 5 % of futures"
    if key == "breakeven_month":
        return "median cumulative saving positive for good"
    if key == "p_loss":
        return "present value of savings below zero"
    return "at least one failure"


def kpi_cards_html(summary: pd.Series, currency: str = "", horizon: int = 60) -> str:
    """The KPI cards of the reports and the explorer as HTML; every value is escaped, raw numbers in
    ``data-value``."""
    cards = []
    for key in CARD_KEYS:
        value = summary[key]
        shown = format_kpi(key, value, currency, horizon)
        raw = "nan" if value is None else repr(float(value))
        cards.append(
            f'<div class="or-kpi" data-kpi="{key}" data-value="{raw}" title="{html.escape(KPI_HELP[key])}" '
            'style="flex:1 1 150px;padding:8px 12px;border-radius:6px;background:#f4f6f8;'
            'border-left:4px solid #2e86de">'
            f'<div style="font-size:12px;color:#566573">{html.escape(_card_label(key, horizon))}</div>'
            f'<div class="or-kpi-value" style="font-size:20px;font-weight:600">{html.escape(shown)}</div>'
            f'<div style="font-size:11px;color:#7f8c8d">{html.escape(_card_detail(key, summary, currency))}</div>'
            "</div>"
        )
    title = html.escape(str(summary.name))
    return (
        f'<div class="or-kpis" data-scenario="{title}" '
        'style="display:flex;flex-wrap:wrap;gap:8px;max-width:1100px;margin:8px 0">'
        + "".join(cards)
        + "</div>"
    )


def report_header(result):
    """The report's first screen: the scenario's name, its notes, a plain-language conclusion
    from the numbers, and the KPI cards. Everything that came from users is escaped."""
    from IPython.display import HTML

    scenario = result.scenario
    summary = result.summary()
    notes = f'<p class="or-notes">{html.escape(scenario.notes)}</p>' if scenario.notes else ""
    changed = "; ".join(html.escape(text) for text in changed_parameters(scenario).values())
    return HTML(
        f'<h1 class="or-title">{html.escape(scenario.name)}</h1>{notes}'
        f'<p class="or-conclusion" style="font-size:17px;line-height:1.45;max-width:60em">'
        f"{html.escape(conclusion(result))}</p>"
        f"{kpi_cards_html(summary, scenario.currency, scenario.horizon_months)}"
        f'<p class="or-run" style="color:#566573;font-size:13px">{result.n_trials:,} simulated futures, '
        f"seed {result.seed}. Changed from the sourced defaults: {changed or 'nothing'}.</p>"
    )


def show_whatif(scenario: Scenario, n_trials: int, seed: int):
    """The report's what-if section: levers that work in the shared HTML without Python."""
    from IPython.display import HTML

    from .whatif_page import whatif_html

    return HTML(whatif_html(scenario, n_trials, seed))


def changed_parameters(scenario: Scenario) -> dict[str, str]:
    """What differs from the defaults, by parameter name, each written for reading
    ("Vendor monthly fee USD 62,000/month")."""
    base = Scenario()
    out = {}
    for p in PARAMETERS:
        value = getattr(scenario, p.name)
        if str(value) != str(getattr(base, p.name)):
            out[p.name] = f"{param_label(p, unit=False)} {param_value(p, value, scenario.currency)}"
    if scenario.after_failure != base.after_failure:
        out["after_failure"] = f"After a vendor failure: {scenario.after_failure}"
    return out


def ranking_table(ranking: pd.DataFrame, currency: str = "USD") -> pd.DataFrame:
    """A vendor ranking (:func:`~outsourcing_risk.compare_vendors`) written for people: plain
    column names with units, money with currency, chances as percentages."""
    return pd.DataFrame(
        {
            "Rank": ranking["rank"].astype(int),
            f"Risk-adjusted score ({currency})": [money(v, currency) for v in ranking["score"]],
            f"Mean saving ({currency})": [money(v, currency) for v in ranking["mean_npv"]],
            "Chance of a loss": [percent(v) for v in ranking["p_loss"]],
            f"Worst-5 % average ({currency})": [money(v, currency) for v in ranking["cvar5"]],
            "Chance of a vendor failure": [percent(v) for v in ranking["p_failure"]],
            "Selection score": [percent(v, 0) for v in ranking["selection_score"]],
        },
        index=pd.Index(ranking.index, name="Vendor"),
    )


def show_parameters(scenario: Scenario):
    """The parameter table as HTML for the report: nothing cut short, text aligned to the left."""
    from IPython.display import HTML

    table = parameter_table(scenario).reset_index()
    return HTML(
        table.to_html(index=False, escape=True, classes="or-parameters", border=0, justify="left")
        .replace("<td>", '<td style="text-align:left;vertical-align:top">')
        .replace('<th style="text-align: left;">', '<th style="text-align:left">')
    )


def parameter_table(scenario: Scenario) -> pd.DataFrame:
    """Every parameter of the run for the report: label, value and default written for people,
    the help text in full, and the parameter's name for papermill and the API."""
    defaults = Scenario()
    rows = [
        {
            "Parameter": param_label(p, scenario.currency, unit=False),
            "Value": param_value(p, getattr(scenario, p.name), scenario.currency),
            "Default": param_value(p, getattr(defaults, p.name), scenario.currency),
            "What it means": p.help,
            "Name": p.name,
        }
        for p in PARAMETERS
    ]
    rows.append(
        {
            "Parameter": "After a vendor failure",
            "Value": scenario.after_failure,
            "Default": defaults.after_failure,
            "What it means": "insource: take the work back in-house; replace: hire another vendor",
            "Name": "after_failure",
        }
    )
    return pd.DataFrame(rows).set_index("Parameter")


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


def versions() -> pd.DataFrame:
    """Versions of the packages behind the numbers, for the last cell of every notebook."""
    names = ["outsourcing-risk", "numpy", "scipy", "pandas", "plotly", "ipywidgets", "papermill"]
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return pd.DataFrame({"version": found}).rename_axis("package")

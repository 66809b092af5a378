"""Helpers the notebooks call: plotly set-up, parameters from papermill, KPI display, versions."""

from __future__ import annotations

import html
import math
import re
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from .results import KPI_LABELS
from .scenario import FIELDS, Scenario, ScenarioError, did_you_mean

__all__ = [
    "SUMMARY_MIME",
    "kpi_cards_html",
    "kpi_table",
    "publish_summary",
    "report_header",
    "scenario_from_parameters",
    "setup_plotly",
    "versions",
]

#: Mime type under which a report notebook records its summary for the batch runner.
SUMMARY_MIME = "application/vnd.outsourcing-risk.summary+json"

#: Names a notebook's parameters cell may hold besides the scenario fields.
RUN_PARAMETERS = ("n_trials", "seed")
_IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython"}
_SIMPLE = (int, float, str, bool, type(None))


def setup_plotly() -> None:
    """Charts show in JupyterLab and survive an HTML export offline (plotly.js embedded once).

    plotly's own ``notebook`` renderer adds a MathJax ``<script>`` from a CDN to every chart; the
    ``offline_notebook`` renderer registered here is the same renderer without it.
    """
    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        def to_mimebundle(self, fig_dict):
            bundle = super().to_mimebundle(fig_dict)
            bundle["text/html"] = _MATHJAX_CDN.sub("", bundle["text/html"])
            return bundle

    if "offline_notebook" not in pio.renderers:
        pio.renderers["offline_notebook"] = OfflineNotebookRenderer()
    pio.renderers.default = "plotly_mimetype+offline_notebook"


_MATHJAX_CDN = re.compile(r'<script src="https://[^"]*mathjax[^"]*"></script>')


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


def _fmt(key: str, value: float, currency: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "never" if key == "breakeven_month" else "n/a"
    if key.startswith("p_"):
        return f"{value:.1%}"
    if key in ("breakeven_month",):
        return f"month {value:.0f}"
    if key == "expected_switches":
        return f"{value:.2f}"
    return f"{value:,.0f} {currency}".strip()


def kpi_table(summaries: pd.Series | pd.DataFrame, keys=None) -> pd.DataFrame:
    """Summary figures formatted for reading (rounded, units): one column per scenario.

    Rounding to whole currency units and 0.1 % keeps the printed table identical across machines,
    which is what the notebooks' nbval checks compare.
    """
    frame = summaries.to_frame().T if isinstance(summaries, pd.Series) else summaries
    keys = list(keys or KPI_LABELS)
    columns = {}
    for name, row in frame.iterrows():
        columns[name] = [_fmt(k, row[k], "") for k in keys]
    return pd.DataFrame(columns, index=[KPI_LABELS[k] for k in keys])


CARD_KEYS = ("mean_npv", "p_loss", "cvar5", "p_failure", "breakeven_month")


def kpi_cards_html(summary: pd.Series, currency: str = "") -> str:
    """The KPI cards of the explorer as HTML; every value is escaped, raw numbers in data-value."""
    cards = []
    for key in CARD_KEYS:
        value = summary[key]
        shown = _fmt(key, value, currency)
        if key == "mean_npv":
            shown += f" ± {summary['se_npv']:,.0f}"
        cards.append(
            f'<div class="or-kpi" data-kpi="{key}" data-value="{float(value)!r}" '
            'style="display:inline-block;min-width:150px;margin:4px;padding:8px 12px;border-radius:6px;'
            'background:#f4f6f8;border-left:4px solid #2e86de">'
            f'<div style="font-size:12px;color:#566573">{html.escape(KPI_LABELS[key])}</div>'
            f'<div style="font-size:18px;font-weight:600">{html.escape(shown)}</div></div>'
        )
    title = html.escape(str(summary.name))
    return f'<div class="or-kpis" data-scenario="{title}">' + "".join(cards) + "</div>"


def report_header(scenario: Scenario, n_trials: int, seed: int):
    """The report's heading: scenario name, notes and run settings, escaped (names come from users)."""
    from IPython.display import HTML

    notes = f"<p>{html.escape(scenario.notes)}</p>" if scenario.notes else ""
    changed = ", ".join(html.escape(f"{k} = {v}") for k, v in _changed(scenario).items()) or "the defaults"
    return HTML(
        f'<h1 class="or-title">{html.escape(scenario.name)}</h1>{notes}'
        f"<p>{n_trials:,} Monte Carlo trials, seed {seed}. Parameters changed from the sourced "
        f"defaults: {changed}.</p>"
    )


def _changed(scenario: Scenario) -> dict:
    base = Scenario().to_dict()
    return {k: v for k, v in scenario.to_dict().items() if k not in ("name", "notes") and v != base[k]}


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


def versions() -> pd.Series:
    """Versions of the packages behind the numbers, for the last cell of every notebook."""
    names = ["outsourcing-risk", "numpy", "scipy", "pandas", "plotly", "ipywidgets", "papermill"]
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return pd.Series(found, name="version")

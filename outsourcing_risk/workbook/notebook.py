"""Helpers the notebooks call, in one import: plotly set-up, the report's sections, versions.

The notebooks' parameters (:mod:`.papermill`) and the KPI tables (:mod:`outsourcing_risk.present.kpis`)
are defined where they belong and named here too, so a notebook's first cell imports from one place.
"""

from __future__ import annotations

import html
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from ..model.scenario import Scenario
from ..present.formatting import money
from ..present.kpis import (
    changed_parameters,
    format_kpi,
    kpi_cards_html,
    kpi_table,
    parameter_table,
    policy_table,
    ranking_table,
)
from ..present.narrative import conclusion, failure_explained, verdict
from .papermill import (
    SUMMARY_MIME,
    papermill_command,
    publish_information,
    publish_summary,
    read_amount,
    read_flag,
    report_parameters,
    scenario_from_parameters,
)

__all__ = [
    "SUMMARY_MIME",
    "analyst_section",
    "changed_parameters",
    "format_kpi",
    "kpi_cards_html",
    "kpi_table",
    "papermill_command",
    "parameter_table",
    "publish_information",
    "publish_summary",
    "ranking_table",
    "read_amount",
    "read_flag",
    "report_header",
    "report_parameters",
    "scenario_from_parameters",
    "setup_plotly",
    "show_information",
    "show_parameters",
    "show_trust_over_time",
    "show_whatif",
    "versions",
]


def setup_plotly() -> None:
    """Charts are stored in the notebook as plotly JSON: JupyterLab draws them, the executed
    notebook stays small, and the HTML export embeds plotly.js once (see
    :mod:`outsourcing_risk.batch.export`), so the shared report works offline."""
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"


#: The verdict's mark: red for a risk to read first, amber for care, green for a go.
_VERDICT_COLOURS = {
    "not worth it": "#c0392b",
    "risky": "#c0392b",
    "worth it with care": "#e67e22",
    "worth it": "#27ae60",
}


def report_header(result):
    """The report's first screen: the scenario's name, its notes, a plain-language conclusion
    from the numbers, and the KPI cards. Everything that came from users is escaped."""
    from IPython.display import HTML

    scenario = result.scenario
    summary = result.summary()
    notes = f'<p class="or-notes">{html.escape(scenario.notes)}</p>' if scenario.notes else ""
    changed = "; ".join(html.escape(text) for text in changed_parameters(scenario).values())
    level, verdict_text = verdict(summary, scenario.horizon_months, scenario.currency)
    colour = _VERDICT_COLOURS[level]
    return HTML(
        f'<h1 class="or-title">{html.escape(scenario.name)}</h1>{notes}'
        f'<p class="or-verdict" data-verdict="{level}" style="font-size:17px;font-weight:600;'
        f'padding:8px 12px;border-left:5px solid {colour};background:#f8f9fa;max-width:60em">'
        f"{html.escape(verdict_text)}</p>"
        f'<p class="or-conclusion" style="font-size:17px;line-height:1.45;max-width:60em">'
        f"{html.escape(conclusion(result))}</p>"
        f"{kpi_cards_html(summary, scenario.currency, scenario.horizon_months)}"
        f'<p class="or-why-failure" style="color:#34495e;font-size:14px;max-width:60em">'
        f"{html.escape(failure_explained(result))}</p>"
        f'<p class="or-run" style="color:#566573;font-size:13px">Based on {result.n_trials:,} simulated '
        f"futures. Changed from the sourced defaults: {changed or 'nothing'}.</p>"
    )


def show_whatif(scenario: Scenario, n_trials: int, seed: int):
    """The report's what-if section: levers that work in the shared HTML without Python."""
    from IPython.display import HTML

    from .whatif_page import whatif_html

    return HTML(whatif_html(scenario, n_trials, seed))


def show_trust_over_time(result, n_trials: int, seed: int) -> None:
    """The report's section "Building trust over time": the policies compared in a sentence, the
    trust path by month as a fan (this scenario's ramp, or the best ramp when it keeps trust
    fixed) and the policy table (docs/model.md, "Comparing policies")."""
    from IPython.display import HTML, display

    from ..analyses.trust_policy import compare_policies
    from ..present import plots
    from ..present.narrative import policy_sentence

    scenario = result.scenario
    table = compare_policies(scenario, n_trials=n_trials, seed=seed, given=result)
    display(
        HTML(
            '<p class="or-policy-sentence" style="font-size:16px;line-height:1.45;max-width:60em">'
            f"{html.escape(policy_sentence(table, scenario.currency))}</p>"
        )
    )
    paths = table.attrs["trust_paths"]
    if scenario.trust_policy == "ramp":
        shown, title, subtitle = paths["as given"], "Trust by month under this scenario's ramp", ""
    else:
        shown, title = paths["best ramp"], "Trust by month under the best ramp"
        subtitle = (
            f"This scenario keeps trust at {scenario.trust:.0%}" if isinstance(scenario.trust, float) else ""
        )
        subtitle += (
            ". " if subtitle else ""
        ) + "The band holds 80 % of futures with a vendor; the line is the median."
    plots.trust_path_chart(shown, title, subtitle).show()
    display(HTML(_table_html(policy_table(table, scenario.currency).reset_index(), "or-policies")))


def show_information(result, interview_cost: float | None = None):
    """The report's section "Which uncertainty matters", after the tornado: what knowing each
    uncertain input before signing is worth (EVPPI) and everything (EVPI), in a sentence and a
    chart; with vendors that differ, what an interview about the vendor is worth by its accuracy,
    next to ``interview_cost`` when given; and the Sobol indices of the outcome (SALib), which
    share of its spread each uncertain input and chance cause. A scenario whose inputs are all
    single numbers gets one line saying there is nothing to learn.

    Returns the EVPPI table (None when there is nothing to learn), for :func:`publish_information`.
    """
    from IPython.display import HTML, display

    from ..analyses.sobol import sobol_indices
    from ..analyses.value_of_information import QUALITY, evppi_table, interview_from_result, learnable_inputs
    from ..present import plots
    from ..present.narrative import information_sentence, sobol_against_information, sobol_sentence

    scenario = result.scenario
    learn = learnable_inputs(result)
    if interview_cost is not None and QUALITY not in learn:
        display(
            HTML(
                '<p class="or-interview-cost">The interview\'s cost '
                f"({html.escape(money(interview_cost, scenario.currency))}) cannot be weighed here: this "
                "scenario takes every vendor to be alike (vendor_quality_spread 0), so an interview has "
                "nothing to tell apart. Say how much vendors differ to value it.</p>"
            )
        )
    if not learn:
        display(
            HTML(
                '<p class="or-information">Every input of this scenario is a single number, so there is '
                "nothing uncertain left to learn before signing. Give an input as a range (low, most "
                "likely, high) to see what learning it would be worth.</p>"
            )
        )
        return None
    table = evppi_table(result.npv, learn, currency=scenario.currency, seed=result.seed)
    interview = interview_from_result(result) if QUALITY in learn else None
    display(
        HTML(
            '<p class="or-information" style="font-size:16px;line-height:1.45;max-width:60em">'
            f"{html.escape(information_sentence(table, interview, interview_cost))}</p>"
        )
    )
    plots.information_chart(table, scenario.currency).show()
    if interview is not None:
        plots.interview_chart(interview, scenario.currency, interview_cost).show()
    if scenario.uncertain:
        indices = sobol_indices(scenario, seed=result.seed)
        display(
            HTML(
                '<p class="or-sobol" style="font-size:16px;line-height:1.45;max-width:60em">'
                f"{html.escape(sobol_sentence(indices, scenario.currency))} "
                f"{html.escape(sobol_against_information(indices, table, scenario.currency))}</p>"
            )
        )
        plots.sobol_chart(indices, scenario.currency).show()
    return table


def show_parameters(scenario: Scenario):
    """The parameter table as HTML for the report: nothing cut short, text aligned to the left."""
    from IPython.display import HTML

    return HTML(_table_html(parameter_table(scenario).drop(columns="Name").reset_index(), "or-parameters"))


def _table_html(table: pd.DataFrame, css_class: str) -> str:
    """A table for a report: every cell escaped, nothing cut short, text aligned to the left."""
    return (
        table.to_html(index=False, escape=True, classes=css_class, border=0, justify="left")
        .replace("<td>", '<td style="text-align:left;vertical-align:top">')
        .replace('<th style="text-align: left;">', '<th style="text-align:left">')
    )


def analyst_section(result):
    """The report's last cell: what an analyst needs and a manager does not, in a closed section:
    the run (trials, seed, the standard error of the mean saving), each parameter's name and value
    as papermill and the API take them, the command that makes this report again, and the
    versions of the packages behind the numbers."""
    from IPython.display import HTML

    scenario = result.scenario
    summary = result.summary()
    given = scenario.to_dict()
    names = pd.DataFrame({"Name": list(given), "Value as given": [str(v) for v in given.values()]})
    command = papermill_command(report_parameters(scenario, result.n_trials, result.seed, changed_only=True))
    found = versions().reset_index()
    return HTML(
        '<details class="or-analysts"><summary style="cursor:pointer;font-weight:600">For analysts: the run, '
        "the parameters' names, the versions</summary>"
        f"<p>{result.n_trials:,} simulated futures, seed {result.seed} (the same seed gives the same numbers "
        f"on any machine). Mean saving (NPV) {html.escape(money(summary['mean_npv'], scenario.currency))} "
        f"± {html.escape(money(summary['se_npv'], scenario.currency))} (Monte Carlo standard error); the "
        "worst-5 % average is the CVaR 5 %.</p>"
        f"{_table_html(names, 'or-analyst-parameters')}"
        "<p>This report again (papermill; edit a value to try another):</p>"
        f'<pre style="white-space:pre-wrap">{html.escape(command)}</pre>'
        f"{_table_html(found, 'or-versions')}</details>"
    )


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

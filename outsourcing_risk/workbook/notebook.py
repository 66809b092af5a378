"""Helpers the notebooks call, in one import: plotly set-up, the report's sections, versions.

The notebooks' parameters (:mod:`.papermill`) and the KPI tables (:mod:`outsourcing_risk.present.kpis`)
are defined where they belong and named here too, so a notebook's first cell imports from one place.
"""

from __future__ import annotations

import html
import re
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
    ranking_table,
)
from ..present.page import components_style
from ..present.tables import table_html
from .papermill import (
    SUMMARY_MIME,
    papermill_command,
    publish_report,
    publish_summary,
    read_amount,
    read_appetite,
    read_flag,
    report_parameters,
    scenario_from_parameters,
)

__all__ = [
    "SUMMARY_MIME",
    "analyse",
    "analyst_section",
    "changed_parameters",
    "claims_table",
    "format_kpi",
    "kpi_cards_html",
    "kpi_table",
    "papermill_command",
    "parameter_table",
    "publish_report",
    "publish_summary",
    "ranking_table",
    "read_amount",
    "read_appetite",
    "read_flag",
    "report_header",
    "report_parameters",
    "scenario_from_parameters",
    "section_text",
    "setup_plotly",
    "show_parameters",
    "show_section",
    "show_sections",
    "show_spread",
    "show_whatif",
    "versions",
]


def setup_plotly() -> None:
    """Charts are stored in the notebook as plotly JSON: JupyterLab draws them, the executed
    notebook stays small, and the HTML export embeds plotly.js once (see
    :mod:`outsourcing_risk.batch.export`), so the shared report works offline."""
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"


def analyse(result, *, interview_cost=None, appetite=None, only=None):
    """Every section of the report on ``result`` (:func:`~outsourcing_risk.analyses.sections.analyse_report`);
    ``only``: some sections (with the outcome's)."""
    from ..analyses.sections import analyse_report

    return analyse_report(result, appetite=appetite, interview_cost=interview_cost, only=only)


def section_text(report, key: str) -> str:
    """The sentences of section ``key`` as plain text, one a line (for a notebook's checked output)."""
    import re

    from ..present.sections import render_section

    texts = [x for x in render_section(report, key) if isinstance(x, str) and "data-claims" in x]
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts)


def book_conclusion(analysis) -> str:
    """The book's conclusion as plain text, one sentence a line, from its claims."""
    from ..analyses.book_claims import book_claims
    from ..present.book_story import book_sentences

    return "\n".join(text for text, _ in book_sentences(analysis, book_claims(analysis)))


def report_header(report):
    """The report's first screen, from its claims: the scenario's name and notes, the verdict
    against the reader's risk appetite, what to do, what to learn before signing, the conclusion,
    the KPI cards and why the chance of a failure is what it is. Everything from users is escaped;
    every sentence names the claims it renders (``data-claims``)."""
    from IPython.display import HTML

    from ..present import story
    from ..present.wording import sentence

    result = report.run.result
    scenario, summary = result.scenario, result.summary()
    notes = f'<p class="or-notes">{html.escape(scenario.notes)}</p>' if scenario.notes else ""
    changed = "; ".join(html.escape(text) for text in changed_parameters(scenario).values())
    level, verdict_text, verdict_claims = story.verdict(report)
    # The look is the page shell's stylesheet (classes only; the verdict's mark is coloured by
    # its level), which comes along so that the header looks the same in JupyterLab.
    parts = [
        components_style(),
        f'<h1 class="or-title">{html.escape(scenario.name)}</h1>{notes}',
        sentence(verdict_text, ["story/verdict", *verdict_claims], css="or-verdict").replace(
            "<p ", f'<p data-verdict="{level}" ', 1
        ),
        f'<p class="or-appetite">{_code_names(html.escape(story.appetite_line(report)))}</p>',
        _top_list("What to do", "or-actions", *story.actions(report)),
        _top_list("What to learn before signing", "or-learn", *story.learning(report), ""),
        sentence(*story.conclusion(report), css="or-conclusion"),
        kpi_cards_html(summary, scenario.currency, scenario.horizon_months, style=False),
        sentence(*story.failure_why(report), css="or-why-failure"),
        (
            f'<p class="or-run">Based on {result.n_trials:,} simulated '
            f"futures. Changed from the sourced defaults: {changed or 'nothing'}. “±” is a margin of two standard "
            "errors: a difference within it is not claimed.</p>"
        ),
    ]
    return HTML("".join(parts))


def _code_names(text: str) -> str:
    """The parameters a sentence names (``appetite_p_loss``) set as code: what to type, not words."""
    return re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", r"<code>\g<0></code>", text)


def _top_list(title: str, css: str, lines, claims, empty: str) -> str:
    """A short list at the top of the report, each line naming its claims; ``empty`` when none."""
    from ..present.wording import sentence

    if not lines:
        if not empty:
            return ""
        body = sentence(empty, ["story/actions"], css=f"{css}-none")
    else:
        items = "".join(sentence(text, used, tag="li") for text, used in zip(lines, claims, strict=True))
        tag = "ol" if css == "or-actions" else "ul"
        body = f'<{tag} class="{css}">{items}</{tag}>'
    return f'<h3 class="{css}-title">{html.escape(title)}</h3>{body}'


def show_section(report, key: str) -> None:
    """Display section ``key`` of ``report``: its heading, how to read it, its sentences and charts
    (:mod:`outsourcing_risk.present.sections`)."""
    from ..present.sections import render_section

    _display(render_section(report, key))


def show_spread(report) -> None:
    """The spread of the outcome: its sentence against the risk appetite and its two charts."""
    from ..present.sections.outcome import render_spread

    _display(render_spread(report))


def show_sections(report, *, skip=("outcome",), whatif: bool = True) -> None:
    """Every section of the report in the registry's order, but those in ``skip`` (and the
    what-if section unless ``whatif``)."""
    for key in report.sections:
        if key in skip or (key == "whatif" and not whatif):
            continue
        show_section(report, key)


def _display(items) -> None:
    from IPython.display import HTML, display

    from ..present.sections.whatif import WhatIfPage
    from .whatif_page import whatif_html

    for item in items:
        if isinstance(item, str):
            if item:
                display(HTML(item))
        elif isinstance(item, WhatIfPage):
            display(HTML(whatif_html(item.scenario, item.n_trials, item.seed)))
        else:
            item.show()


def show_whatif(scenario: Scenario, n_trials: int, seed: int):
    """The report's what-if section: levers that work in the shared HTML without Python."""
    from IPython.display import HTML

    from .whatif_page import whatif_html

    return HTML(whatif_html(scenario, n_trials, seed))


def show_parameters(scenario: Scenario):
    """The parameter table as HTML for the report: nothing cut short, text aligned to the left."""
    from IPython.display import HTML

    # or-stack: on a phone each parameter reads as a card, its description in full lines.
    return HTML(
        table_html(parameter_table(scenario).drop(columns="Name").reset_index(), "or-parameters or-stack")
    )


def analyst_section(report):
    """The report's last cell: what an analyst needs and a manager does not, in a closed section:
    the run (trials, seed, the standard error of the mean saving), every claim the report makes
    with its evidence (how to recompute it), each parameter's name and value as papermill and the
    API take them, the command that makes this report again, and the versions of the packages
    behind the numbers."""
    from IPython.display import HTML

    result = report.run.result
    scenario = result.scenario
    summary = result.summary()
    given = scenario.to_dict()
    names = pd.DataFrame({"Name": list(given), "Value as given": [str(v) for v in given.values()]})
    extra = {**report.run.appetite.as_parameters(), "interview_cost": report.run.interview_cost}
    parameters = {
        **report_parameters(scenario, result.n_trials, result.seed, changed_only=True),
        **{
            k: v
            for k, v in extra.items()
            if v is not None and not (k.startswith("appetite") and report.run.appetite.is_default)
        },
    }
    command = papermill_command(parameters)
    found = versions().reset_index()
    return HTML(
        '<details class="or-analysts"><summary>For analysts: the run, '
        "every claim and its evidence, the parameters' names, the versions</summary>"
        f"<p>{result.n_trials:,} simulated futures, seed {result.seed} (the same seed gives the same numbers "
        f"on any machine). Mean saving (NPV) {html.escape(money(summary['mean_npv'], scenario.currency))} "
        f"± {html.escape(money(summary['se_npv'], scenario.currency))} (Monte Carlo standard error); the "
        "worst-5 % average is the CVaR 5 %.</p>"
        "<p>Every sentence above is rendered from one of these claims; a difference is claimed only beyond two "
        "standard errors. <code>outsourcing_risk.analyses.claims.recheck</code> recomputes any of them from its "
        "evidence.</p>"
        f"{table_html(claims_table(report), 'or-claims')}"
        f"{table_html(names, 'or-analyst-parameters')}"
        "<p>This report again (papermill; edit a value to try another):</p>"
        f"<pre>{html.escape(command)}</pre>"
        f"{table_html(found, 'or-versions')}</details>"
    )


def claims_table(report) -> pd.DataFrame:
    """The report's claims for a reader of the analysts' section: what, size, standard error,
    direction, where shown, and the evidence (the method, the statistic and what the evidence's
    runs change from the scenario)."""
    base = report.run.scenario.to_dict()
    rows = []
    for c in report.claims:
        ev = dict(c.evidence)
        changes = {}
        for side in ("scenario", "a", "b"):
            if side in ev:
                diff = {k: v for k, v in dict(ev[side]).items() if base.get(k) != v}
                if diff:
                    changes[side] = diff
        rows.append(
            {
                "Claim": c.key,
                "About": c.subject,
                "Value": "" if c.kind == "note" else f"{c.value:.6g}",
                "Standard error": "" if c.kind == "note" or c.se != c.se else f"{c.se:.3g}",
                "Direction": c.direction,
                "Shown in": c.section,
                "Evidence": "; ".join(
                    [f"{k}={ev[k]}" for k in ("method", "stat", "input", "n_trials", "seed") if k in ev]
                    + [f"{side} changes {d}" for side, d in changes.items()]
                )
                or "stands on " + ", ".join(c.basis),
            }
        )
    return pd.DataFrame(rows)


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

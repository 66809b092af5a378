"""The what-if section of a shared report: sliders for trust, failure probability and switching
cost that redraw the KPI cards, the fan chart and the NPV distribution in the browser, with no
kernel and no network, from the grid that :func:`outsourcing_risk.present.whatif.whatif_grid` precomputed.

The data travel as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, read with ``JSON.parse``: nothing in a scenario's name or notes can end the script or run.
"""

from __future__ import annotations

import html
import json
import uuid
from importlib.resources import files
from pathlib import Path

from ..model.distributions import Distribution, centre
from ..model.scenario import Scenario, require_scenario
from ..present.formatting import rules_html
from ..present.kpis import HEADLINE_KPIS, headline_label
from ..present.page import components_style, page_html
from ..present.whatif import axes_for, whatif_grid
from .papermill import papermill_command, report_parameters

__all__ = ["export_whatif", "whatif_html"]

#: The section's own rules (its cards, the chart's box and the page's colours are the page
#: shell's: :mod:`outsourcing_risk.present.page`).
_STYLE = """
.or-whatif { max-width: 1100px; margin: 1em 0; font-family: DejaVu Sans, Arial, sans-serif; color: var(--or-ink); }
.or-whatif .or-levers { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(300px, 100%), 1fr)); gap: 14px 28px; }
.or-whatif .or-lever label { display: block; font-size: 13px; color: var(--or-note); }
.or-whatif .or-lever output { font-weight: 600; color: var(--or-ink); }
.or-whatif input[type=range] { width: 100%; }
.or-whatif .or-ends { display: flex; justify-content: space-between; font-size: 11px; color: var(--or-note); }
.or-whatif .or-setting { font-size: 14px; margin: 10px 0; }
.or-whatif .or-note { font-size: 12px; }
.or-whatif .or-note code { font-size: 11px; white-space: pre-wrap; overflow-wrap: anywhere; }
.or-whatif details.or-note > code { display: block; margin: 4px 0 12px; }
.or-whatif .or-kpi { border-left-color: var(--or-accent); }
.or-whatif .or-whatif-charts { height: 860px; }
@media print {
  /* On paper: the setting shown, its cards and its chart, on one page; no levers, no instructions. */
  .or-whatif .or-levers, .or-whatif .or-note { display: none; }
  .or-whatif .or-setting { font-weight: 600; }
  .or-whatif .or-kpis { flex-wrap: nowrap; gap: 4px; }
  .or-whatif .or-kpi { flex: 1 1 0; padding: 4px 6px; }
  .or-whatif .or-kpi-value { font-size: 15px; }
  .or-whatif .or-figure, .or-whatif .or-kpis { break-inside: avoid-page; page-break-inside: avoid; }
  .or-whatif .or-figure { break-before: avoid-page; page-break-before: avoid; }  /* the cards and their chart */
}
"""


#: The trace types the section's script draws (``static/whatif_page.js``): the fan's scatters and
#: the distribution's bars.
TRACE_TYPES = frozenset({"scatter", "bar"})


def _script() -> str:
    """The section's browser code (``static/whatif_page.js``), read from the installed package."""
    return files("outsourcing_risk.workbook").joinpath("static", "whatif_page.js").read_text(encoding="utf-8")


def _json_for_script(data: dict) -> str:
    """JSON that cannot end its ``<script>`` element or start markup inside it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _example_trust(scenario: Scenario) -> float:
    """For the example command: halfway between the scenario's own trust (its median when it is
    uncertain) and the slider's next position, a value the page cannot show."""
    numbers = sorted(v for v in axes_for(scenario)[0].values if not isinstance(v, Distribution))
    own = centre(scenario.trust)
    i = min(range(len(numbers)), key=lambda j: abs(numbers[j] - own))
    other = numbers[i + 1] if i + 1 < len(numbers) else numbers[i - 1]
    return round((numbers[i] + other) / 2, 3)


def _command(scenario: Scenario, n_trials: int, seed: int) -> str:
    """The papermill command that reruns this report at the example trust (a command to edit)."""
    parameters = report_parameters(scenario, n_trials, seed, changed_only=True)
    parameters.pop("trust", None)
    return papermill_command({**parameters, "trust": _example_trust(scenario)})


def whatif_html(scenario: Scenario, n_trials: int = 20_000, seed: int = 0, grid: dict | None = None) -> str:
    """The what-if section as an HTML fragment (needs plotly.js on the page, as every report has)."""
    require_scenario(scenario)
    grid = grid or whatif_grid(scenario, n_trials, seed)
    data = {**grid, "currency": scenario.currency, "horizon": scenario.horizon_months}
    uid = f"or-whatif-{uuid.uuid4().hex[:8]}"
    levers = []
    for a, axis in enumerate(grid["axes"]):
        sid = f"{uid}-{a}"
        levers.append(
            f'<div class="or-lever"><label for="{sid}">{html.escape(axis["label"])}: '
            f'<output for="{sid}">{html.escape(axis["texts"][axis["start"]])}</output></label>'
            f'<input type="range" id="{sid}" name="{html.escape(axis["name"])}" min="0" '
            f'max="{len(axis["texts"]) - 1}" step="1" value="{axis["start"]}" '
            f'aria-valuetext="{html.escape(axis["texts"][axis["start"]])}">'
            f'<div class="or-ends"><span>{html.escape(axis["texts"][0])}</span>'
            f"<span>{len(axis['texts'])} positions</span><span>{html.escape(axis['texts'][-1])}</span></div></div>"
        )
    cards = "".join(
        f'<div class="or-kpi" data-kpi="{key}"><div class="or-kpi-label">{html.escape(label)}</div>'
        '<div class="or-kpi-value"></div></div>'
        for key, label in ((k, headline_label(k, scenario.horizon_months)) for k in HEADLINE_KPIS)
    )
    command = html.escape(_command(scenario, n_trials, seed))
    # The shell's stylesheet and the formatting rules come along, so that the section also works
    # shown alone in JupyterLab (in a page they are already there: the first copy wins).
    return (
        f"{components_style()}{rules_html()}<style>{_STYLE}</style>"
        f'<section class="or-whatif" id="{uid}" aria-label="What if? Move the levers" '
        f'data-plotly-traces="{" ".join(sorted(TRACE_TYPES))}">'
        '<a id="what-if"></a>'
        f'<p class="or-note">Move a lever with the mouse or the arrow keys: the figures and charts below '
        f"follow at once, with no Python and no network. Every position was simulated in advance with "
        f"this report's {n_trials:,} futures and seed {seed}, so each shows the model's own numbers at "
        f"that setting, not an interpolation, and moving one lever shows its effect, not noise. The fan "
        f"chart is drawn by quarter. For values between the positions, ask for the report to be run "
        f"again with them.</p>"
        f'<details class="or-note"><summary>For the analyst: the command for other values</summary>'
        f"<p>This report again with trust at {_example_trust(scenario) * 100:g} %, between two of the "
        f"slider's positions; change any value (a number, or a distribution such as "
        f"<code>'pert(0.4, 0.6, 0.8)'</code>):</p><code>{command}</code></details>"
        f'<div class="or-levers">{"".join(levers)}</div>'
        f'<p class="or-setting" id="{uid}-setting" aria-live="polite"></p>'
        f'<div class="or-kpis">{cards}</div>'
        f'<figure class="or-figure" aria-label="What-if charts" aria-describedby="{uid}-setting">'
        '<div class="or-whatif-charts"></div>'
        '<figcaption></figcaption><details class="or-chart-data"><summary>The chart\'s numbers</summary>'
        '<div class="or-table-box" role="region" tabindex="0" aria-label="The fan\'s figures by quarter">'
        "</div></details></figure>"
        f'<script type="application/json" id="{uid}-data">{_json_for_script(data)}</script>'
        f"<script>{_script().replace('__ID__', json.dumps(uid)).replace('__DATA_ID__', json.dumps(uid + '-data'))}</script>"
        "</section>"
    )


def export_whatif(scenario: Scenario, path: str | Path, n_trials: int = 20_000, seed: int = 0) -> Path:
    """Write a single-file, offline what-if page for ``scenario`` and return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = export_whatif(Scenario(name="Base"), pathlib.Path(tempfile.mkdtemp()) / "w.html", n_trials=500)
    >>> out.stat().st_size > 1_000_000  # plotly.js is embedded: the page works offline
    True
    """
    from ..io.atomic import write_atomic

    title = f"{scenario.name}: what if?"
    body = f"<h1>{html.escape(title)}</h1>{whatif_html(scenario, n_trials, seed)}"
    page = page_html(title, body, plotly=TRACE_TYPES)
    path = Path(path)
    write_atomic(path, page)
    return path

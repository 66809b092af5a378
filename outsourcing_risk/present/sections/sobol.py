"""What drives the result, part three: which uncertainty causes the spread of the outcome
(Sobol indices; chance included)."""

from __future__ import annotations

import html

from .. import plots
from ..wording import chance, input_name, sentence

__all__ = ["HEADING", "render"]

HEADING = None  # under "What drives the result"


def render(result, report) -> list:
    cur = report.run.scenario.currency
    if "sobol" not in result.tables:
        return []
    items = [
        '<h3 id="sobol">What causes the spread of the outcome</h3>',
        (
            '<p class="or-intro">The share of the outcome\'s variance from one future to the next that each '
            "uncertain input causes, alone and with its interactions, and the share chance causes (when failures "
            "and incidents happen).</p>"
        ),
    ]
    if result.note:
        items.append(f'<p class="or-sobol">{html.escape(result.note)}</p>')
        items.append(plots.sobol_chart(result.tables["sobol"], cur))
        return items
    chance_c, top = result.claim("driver/chance"), result.claim("driver/spread")
    inter, lead = result.claim("driver/spread_interactions"), result.claim("driver/spread_lead")
    assert chance_c is not None
    assert top is not None
    assert inter is not None
    text = (
        f"Chance, that is when failures and incidents happen, causes about {chance(max(chance_c.value, 0))} of the "
        f"spread on its own. Of the uncertain inputs, {input_name(top.subject, cur)} causes the most"
    )
    used = [chance_c, top, inter]
    if lead is not None and not lead.significant:
        text += f" (about as much as {input_name(lead.detail['second'], cur)}, within the margins)"
        used.append(lead)
    elif lead is not None:
        used.append(lead)
    alone = top.detail["alone"]
    if inter.direction == "higher":
        text += f": about {chance(top.value)} with its interactions, {chance(max(alone, 0))} alone."
    else:
        text += f": about {chance(top.value)}, alone and with its interactions alike."
    items.append(sentence(text, used, css="or-sobol"))
    items.append(plots.sobol_chart(result.tables["sobol"], cur))
    return items

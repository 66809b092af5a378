"""What drives the result, part two: what learning each uncertain input before signing is worth,
and an interview of the vendor beside its cost."""

from __future__ import annotations

import html

from .. import plots
from ..formatting import money
from ..wording import input_name, margin, sentence, size

__all__ = ["HEADING", "action_words", "render"]

HEADING = None  # under "What drives the result"


def render(result, report) -> list:
    cur = report.run.scenario.currency
    items = ['<h3 id="information">What is worth learning before signing</h3>']
    if result.note:
        return [*items, f'<p class="or-information">{html.escape(result.note)}</p>']
    items.append(
        '<p class="or-intro">What knowing an uncertain input before signing would be worth: how much better, on '
        "average, the decision to outsource or stay in-house becomes once it is known. A bar whose margin "
        "reaches zero is not worth learning. When failures happen cannot be known in advance and is not "
        "counted.</p>"
    )
    evpi, top = result.claim("learn/evpi"), result.claim("learn/top")
    assert evpi is not None
    assert top is not None
    if top.significant:
        text = (
            f"{input_name(top.subject, cur).capitalize()} is the input most worth learning: about {size(top, cur)} "
            f"({margin(top, cur)})"
            + (
                f"; all of them together about {size(evpi, cur)} ({margin(evpi, cur)})."
                if evpi.detail.get("inputs", 2) > 1
                else "."
            )
        )
    elif evpi.significant:
        text = (
            f"No input is worth learning on its own beyond its margin; all of them together would be worth about "
            f"{size(evpi, cur)} ({margin(evpi, cur)})."
        )
    else:
        text = (
            f"Nothing here is worth learning before signing: knowing every uncertain input is worth "
            f"{size(evpi, cur)} ({margin(evpi, cur)}), no more than nothing."
        )
    items.append(sentence(text, [evpi, top], css="or-information"))
    items.append(plots.information_chart(result.tables["information"], cur))
    interview = result.claim("learn/interview")
    if interview is not None:
        cost = report.run.interview_cost
        text = (
            f"An interview or reference check that halves your uncertainty about the vendor's quality is worth about "
            f"{size(interview, cur)} ({margin(interview, cur)})"
            if interview.significant
            else (
                "An interview or reference check that halves your uncertainty about the vendor's quality would "
                f"not change the decision beyond its margin ({size(interview, cur)}, {margin(interview, cur)})"
            )
        )
        used = [interview]
        net = result.claim("action/interview")
        if net is not None:
            used.append(net)
            words = {
                "higher": "less than it is worth",
                "lower": "more than it is worth",
                "none": "about what it is worth",
            }
            text += f"; it costs {money(cost, cur)}, {words[net.direction]}"
        items.append(sentence(text + ".", used, css="or-interview"))
        items.append(plots.interview_chart(result.tables["interview"], cur, cost))
    elif report.run.interview_cost is not None:
        items.append(
            '<p class="or-interview-cost">The interview\'s cost '
            f"({html.escape(money(report.run.interview_cost, cur))}) cannot be weighed here: this scenario takes "
            "every vendor to be alike (vendor_quality_spread 0), so an interview has nothing to tell apart. Say how "
            "much vendors differ to value it.</p>"
        )
    return items


def action_words(c, claims: dict, cur: str) -> str:
    """The line of "What to do" for an interview worth more than its cost."""
    return (
        "Interview the vendor or check its references before signing: an interview that halves your "
        f"uncertainty about its quality is worth {money(c.detail['worth'], cur)}, {size(c, cur)} more than its "
        f"cost of {money(c.detail['cost'], cur)} ({margin(c, cur)})."
    )

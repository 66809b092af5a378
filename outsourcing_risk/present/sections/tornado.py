"""What drives the result, part one: what moves the mean saving over each input's plausible range
(the tornado), with the note that reads the three kinds of driver once."""

from __future__ import annotations

from .. import plots
from ..wording import input_name, margin, sentence, size

__all__ = ["HEADING", "INTRO", "drivers_note", "render"]

HEADING = "What drives the result"
INTRO = (
    "Three different questions: <b>what moves the mean saving</b> when an input moves over its "
    "plausible range (the bars just below), <b>what causes the spread</b> of the outcome from one "
    "future to the next (Sobol indices), and <b>what is worth learning before signing</b>, because "
    "knowing it could change the decision (the value of information). The last two have charts "
    "when some input is uncertain (given as a distribution)."
)


def drivers_note(report) -> str:
    """The three drivers in one sentence, and why they may differ (from ``story/drivers``)."""
    claims = {c.key: c for c in report.claims}
    note = claims.get("story/drivers")
    if note is None:
        return ""
    d, cur = note.detail, report.run.scenario.currency
    parts = []
    if d.get("mean") and d.get("mean_tie"):
        parts.append(
            f"{input_name(d['mean'], cur)} and {input_name(d['mean_tie'], cur)} move the mean saving "
            "about as much over their ranges (within the margin)"
        )
    elif d.get("mean"):
        parts.append(f"{input_name(d['mean'], cur)} moves the mean saving most over its range")
    if d.get("spread") and d.get("spread_tie"):
        parts.append(
            f"{input_name(d['spread'], cur)} and {input_name(d['spread_tie'], cur)} cause about as much "
            "of the spread (within the margin)"
        )
    elif d.get("spread") and d.get("only_uncertain"):
        parts.append(f"{input_name(d['spread'], cur)} is the only uncertain input")
    elif d.get("spread"):
        parts.append(f"{input_name(d['spread'], cur)} causes the most spread among the uncertain inputs")
    if "learn/top" in note.basis:
        parts.append(
            (
                "learning it before signing is worth something (beyond its margin)"
                if d.get("only_uncertain")
                else "it is the one most worth learning"
            )
            if d.get("learn") == d.get("spread") and d.get("learn") and not d.get("spread_tie")
            else f"{input_name(d['learn'], cur)} is the one most worth learning"
            if d.get("learn")
            else "no single input is worth learning before signing beyond its margin"
        )
    text = "In short: " + "; ".join(parts) + "."
    if d.get("differ"):
        text += (
            " They need not be the same input: a wide range moves the mean a lot, a wide spread can come from "
            "chance, and learning an input is worth something only if some value it could take would change "
            "the decision to outsource."
        )
    return sentence(text[0].upper() + text[1:], [note, *(claims[k] for k in note.basis)], css="or-drivers")


def render(result, report) -> list:
    items = [drivers_note(report), '<h3 id="tornado">What moves the mean saving</h3>']
    items.append(
        '<p class="or-intro">Each input is moved 20 % below and above this scenario\'s value (an uncertain '
        "input: between its 10th and 90th percentile), one at a time, in the same simulated futures.</p>"
    )
    cur = report.run.scenario.currency
    top = result.claim("driver/mean")
    lead = result.claim("driver/mean_lead")
    if top is not None:
        text = (
            f"Over its plausible range {input_name(top.subject, cur)} moves the mean saving most: by "
            f"{size(top, cur)} ({margin(top, cur)})"
        )
        used = [top]
        if lead is not None:
            used.append(lead)
            second = input_name(lead.detail["second"], cur)
            text += (
                f", {size(lead, cur)} more than the next, {second}."
                if lead.significant
                else f", about as much as {second} (the difference is within its margin)."
            )
        else:
            text += "."
        items.append(sentence(text, used, css="or-tornado-sentence"))
    items.append(plots.tornado_chart(result.tables["tornado"]))
    return items

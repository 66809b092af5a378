"""Building trust over time: fixed trust at its best, trust earned milestone by milestone, an exit
trigger; what each does against the scenario as given."""

from __future__ import annotations

import html

from .. import plots
from ..kpis import policy_table
from ..tables import table_html
from ..wording import chance, margin, sentence, size, tail_words

__all__ = ["HEADING", "INTRO", "action_words", "render"]

HEADING = "Building trust over time"
INTRO = (
    "Should trust be fixed when the contract is signed, or earned milestone by milestone: start low, give the "
    "vendor more leeway after each quarter without an incident, less after one with an incident, and perhaps "
    "leave a vendor that keeps disappointing? The policies below are compared in the same simulated futures, "
    "each tuned on a separate run so that none is flattered by luck."
)


def _trust_sentence(result, cur: str) -> tuple[str, list]:
    c = result.claim("action/trust")
    best = c.detail["setting"].removeprefix("trust ")
    if c.detail.get("same"):
        return f"This scenario's trust is already the best fixed trust ({best}).", [c]
    now = c.detail["now"].split(";")[0]
    if c.direction == "higher":
        return (
            f"Fixed trust does best at {best} ({now} here): the mean saving is {size(c, cur)} higher ({margin(c, cur)}).",
            [c],
        )
    return (
        (
            f"The best fixed trust on the search run, {best}, is no better than this scenario's ({now}) beyond the margin "
            f"({size(c, cur)}, {margin(c, cur)})."
        ),
        [c],
    )


def _policy_sentence(result, cur: str, spread: float) -> tuple[str, list]:
    ramp, trig, exits = (result.claim(k) for k in ("trust/ramp", "trust/trigger", "trust/trigger_exits"))
    if ramp.direction == "higher":
        text = f"Earning trust by milestones pays: the best ramp ({ramp.detail['setting']}) beats fixed trust at its best by {size(ramp, cur)} ({margin(ramp, cur)})."
    elif ramp.direction == "lower":
        text = f"Earning trust by milestones does not pay here: the best ramp's mean saving is {size(ramp, cur)} lower than fixed trust at its best ({margin(ramp, cur)})."
    else:
        text = f"Earning trust by milestones makes no difference we can tell ({size(ramp, cur)}, {margin(ramp, cur)})."
    verb = {"higher": "higher", "lower": "lower", "none": "different, within its margin,"}[trig.direction]
    text += (
        f" An exit trigger ({trig.detail['short'].rsplit('; ', 1)[-1]}) leaves the vendor in {chance(exits.value)} of "
        f"futures; the mean saving is then {size(trig, cur)} {verb} than with fixed trust at its best ({margin(trig, cur)})."
    )
    if spread == 0:
        text += (
            " Every vendor is alike here (quality spread 0), so a ramp or a trigger cannot tell a better vendor from a "
            "worse one: a trigger leaves on bad luck alone."
        )
    return text, [ramp, trig, exits]


def render(result, report) -> list:
    cur = report.run.scenario.currency
    if result.note:
        return [f'<p class="or-policy-sentence">{html.escape(result.note)}</p>']
    table = result.tables["policies"]
    spread = float(table.attrs.get("spread", 0))
    first, used1 = _trust_sentence(result, cur)
    second, used2 = _policy_sentence(result, cur, spread)
    items = [sentence(f"{first} {second}", [*used1, *used2], css="or-policy-sentence")]
    paths = table.attrs["trust_paths"]
    scenario = report.run.scenario
    if scenario.trust_policy == "ramp":
        shown, title, subtitle = paths["as given"], "Trust by month under this scenario's ramp", ""
    else:
        shown, title = paths["best ramp"], "Trust by month under the best ramp"
        subtitle = (
            f"This scenario keeps trust at {scenario.trust:.0%}. "
            if isinstance(scenario.trust, float)
            else ""
        )
        subtitle += "The band holds 80 % of futures with a vendor; the line is the median."
    items.append(plots.trust_path_chart(shown, title, subtitle))
    items.append(table_html(policy_table(table, cur).reset_index(), "or-policies"))
    return items


def action_words(c, claims: dict, cur: str) -> str:
    """The line of "What to do" for fixed trust at its best, or a ramp or trigger that wins."""
    tail = tail_words(claims.get(c.detail["also"][0]) if c.detail.get("also") else None, cur)
    if c.key == "action/trust":
        best = c.detail["setting"].removeprefix("trust ")
        now = c.detail["now"].split(";")[0].removeprefix("trust ")
        return f"Set trust to {best} (now {now}): the mean saving rises by {size(c, cur)} ({margin(c, cur)}){tail}."
    return (
        f"Adopt the {c.detail['policy']} ({c.detail['setting']}): the mean saving rises by {size(c, cur)} "
        f"({margin(c, cur)}){tail}."
    )

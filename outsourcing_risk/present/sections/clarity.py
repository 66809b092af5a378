"""What clear goals are worth, in words and a small table (mistake 1)."""

from __future__ import annotations

import html

import pandas as pd

from ..formatting import money, percent
from ..tables import table_html
from ..wording import chance, margin, sentence, size, tail_words

__all__ = ["HEADING", "INTRO", "action_words", "render"]

HEADING = "What clear goals are worth"
INTRO = (
    "Unclear goals raise the rate of quality incidents and the chance that the relationship breaks down "
    "(the model lets both grow as clarity falls). Below: this scenario with its goals agreed in full, in the same simulated futures, "
    "and the figures at a few levels of goal clarity (the four-item checklist: 0 % none agreed, 100 % all)."
)


def action_words(c, claims: dict, cur: str) -> str:
    """The line of "What to do" for stating the goals in full."""
    tail = tail_words(claims.get("clarity/tail"), cur)
    return (
        f"Agree the goals in full before signing (goal clarity 100%, now {percent(c.detail['now'], 0)}): the mean "
        f"saving rises by {size(c, cur)} ({margin(c, cur)}){tail}."
    )


def render(result, report) -> list:
    cur = report.run.scenario.currency
    if result.note:
        return [f'<p class="or-clarity">{html.escape(result.note)}</p>']
    items: list = []
    gain, fail = result.claim("action/clarity"), result.claim("clarity/p_failure")
    if gain is None:
        items.append(sentence("This scenario's goals are agreed in full already.", [], css="or-clarity"))
    else:
        verb = {"higher": "raises", "lower": "lowers", "none": "changes"}
        text = (
            f"Agreeing the goals in full (now {percent(gain.detail['now'], 0)}) {verb[gain.direction]} the mean saving"
            + (
                f" by {size(gain, cur)} ({margin(gain, cur)})"
                if gain.direction != "none"
                else " by no amount we can tell"
            )
            + f", and {verb[fail.direction]} the chance of a vendor failure"
            + (
                f" from {chance(fail.detail['before'])} to {chance(fail.detail['after'])} ({margin(fail, cur)})."
                if fail.direction != "none"
                else " by no amount we can tell."
            )
        )
        items.append(sentence(text, [gain, fail], css="or-clarity"))
    table: pd.DataFrame = result.tables["clarity"]
    shown = pd.DataFrame(
        {
            "Goal clarity": [percent(v, 0) for v in table["goal_clarity"]],
            f"Mean saving ({cur})": [money(v, cur) for v in table["mean_npv"]],
            "Chance of a loss": [percent(v) for v in table["p_loss"]],
            f"Worst-5 % average ({cur})": [money(v, cur) for v in table["cvar5"]],
            "Chance of a vendor failure": [percent(v) for v in table["p_failure"]],
        }
    )
    items.append(table_html(shown, "or-clarity-table"))
    return items

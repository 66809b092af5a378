"""The value of an exit strategy: what a plan changes, and what it does not (the chance of a
failure: it acts after one)."""

from __future__ import annotations

import html

from .. import plots
from ..formatting import percent
from ..wording import chance, margin, sentence, signed_money, size, tail_words

__all__ = ["HEADING", "INTRO", "action_words", "render"]

HEADING = "Value of an exit strategy"
INTRO = (
    "Mean saving and worst-5 % average at each level of exit-plan readiness, in the same simulated futures. "
    "A plan costs money up front and every month; it pays back when a vendor fails or is left."
)


def _changes(c, cur: str, what: str) -> str:
    """How a paired difference moves a figure, in words (never a direction its margin does not carry)."""
    if c.unit == "chance":
        before, after = chance(c.detail["before"]), chance(c.detail["after"])
        if c.value == 0 and c.se == 0:
            return f"does not change {what} ({before})"
        if c.direction == "none":
            return f"leaves {what} where it is within its margin ({before} and {after}, {margin(c, cur)})"
        verb = "raises" if c.direction == "higher" else "lowers"
        return f"{verb} {what} from {before} to {after} ({margin(c, cur)})"
    if c.direction == "none":
        return f"leaves {what} where it is within its margin ({signed_money(c.value, cur)}, {margin(c, cur)})"
    verb = "raises" if c.direction == "higher" else "lowers"
    return f"{verb} {what} by {size(c, cur)} ({margin(c, cur)})"


def render(result, report) -> list:
    cur = report.run.scenario.currency
    if result.note:
        return [f'<p class="or-exit">{html.escape(result.note)}</p>']
    p_fail, p_loss = result.claim("exit/full_p_failure"), result.claim("exit/full_p_loss")
    mean, tail = result.claim("exit/full_mean"), result.claim("exit/full_cvar")
    assert p_fail
    assert p_loss
    assert mean
    assert tail
    to, now = p_fail.detail["to"], p_fail.detail["now"]
    subject = (
        f"A full exit plan (readiness 100%; this scenario: {percent(now, 0)})"
        if to == 1.0
        else "Without this scenario's full exit plan, the business"
    )
    text = (
        f"{subject} {_changes(p_fail, cur, 'the chance of a vendor failure')}: a plan acts after a failure, not "
        f"on it. It {_changes(p_loss, cur, 'the chance of a loss')}, {_changes(tail, cur, 'the worst-5 % average')} "
        f"and {_changes(mean, cur, 'the mean saving')}."
    )
    items = [sentence(text, [p_fail, p_loss, tail, mean], css="or-exit")]
    best = result.claim("action/exit")
    if best is not None:
        if best.detail["to"] == now:
            words = f"The readiness that does best on average is this scenario's own, {percent(now, 0)}."
        elif best.significant:
            words = (
                f"On average the best readiness is {percent(best.detail['to'], 0)}: {signed_money(best.value, cur)} "
                f"against this scenario's {percent(now, 0)} ({margin(best, cur)})."
            )
        else:
            words = (
                f"No readiness beats this scenario's {percent(now, 0)} on average beyond its margin (the best, "
                f"{percent(best.detail['to'], 0)}, differs by {signed_money(best.value, cur)}, {margin(best, cur)})."
            )
        items.append(sentence(words, [best], css="or-exit-best"))
    items.append(plots.exit_strategy_chart(result.tables["exit"], cur))
    return items


def _move(d) -> str:
    to, now = d["to"], d["now"]
    if to > now:
        return f"Prepare an exit plan to {percent(to, 0)} readiness (now {percent(now, 0)})"
    if to == 0:
        return f"Drop the exit plan (now {percent(now, 0)} readiness)"
    return f"Scale the exit plan back to {percent(to, 0)} readiness (now {percent(now, 0)})"


def action_words(c, claims: dict, cur: str) -> str:
    """The line of "What to do" for the readiness that does best on average, or that protects the
    worst futures when the appetite is broken there."""
    also = claims.get(c.detail["also"][0]) if c.detail.get("also") else None
    if c.detail.get("aim") == "mean":
        return f"{_move(c.detail)}: the mean saving rises by {size(c, cur)} ({margin(c, cur)}){tail_words(also, cur)}."
    cost = ""
    if also is not None:
        cost = (
            f"; on average the saving changes by {signed_money(also.value, cur)} ({margin(also, cur)})"
            if also.significant
            else "; the mean saving stays where it is, within its margin"
        )
    return (
        f"{_move(c.detail)} to protect the worst futures: the worst-5 % average rises by {size(c, cur)} "
        f"({margin(c, cur)}){cost}."
    )

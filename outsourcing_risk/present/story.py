"""The top of a report in words, from its claims (docs/analyses.md, "The top of a report"): the
verdict against the reader's risk appetite, what to do (the actions that change the outcome most,
best first, each with its paired gain and margin and the section that shows it), what to learn
before signing, and the conclusion the cards stand under.

Every sentence is rendered from claims and names them; none computes a number of its own.
"""

from __future__ import annotations

import math

from ..analyses.claims import Claim
from ..analyses.sections import Report
from ..analyses.sections.story import VERDICTS
from .formatting import chance_in_words, month
from .narrative import horizon_words
from .wording import chance, input_name, margin, setting_words, signed_money, size

__all__ = [
    "actions",
    "appetite_line",
    "conclusion",
    "failure_why",
    "learning",
    "verdict",
]


def _claims(report: Report) -> dict[str, Claim]:
    return {c.key: c for c in report.claims}


def _limit_words(c: Claim, currency: str, span: str) -> str:
    limit = c.detail["limit"]
    if c.subject == "p_loss":
        return f"a {chance(c.value)} chance of a loss (your limit: {chance(limit)})"
    if c.subject == "p_failure":
        return f"a {chance(c.value)} chance of a vendor failure within {span} (your limit: {chance(limit)})"
    return (
        f"a worst-5 % average of {signed_money(c.value, currency, compact=True)} "
        f"(your limit: {signed_money(limit, currency, compact=True)})"
    )


def verdict(report: Report) -> tuple[str, str, list[Claim]]:
    """(level, sentence, claims): the report's first line, against the reader's risk appetite."""
    c = _claims(report)
    cur, span = report.run.scenario.currency, horizon_words(report.run.scenario.horizon_months)
    level = c["story/verdict"].detail["level"]
    mean = c["appetite/mean"]
    limits = [v for k, v in c.items() if k.startswith("appetite/") and v.kind == "limit"]
    used = [mean, *limits]
    if level == VERDICTS[3]:
        if mean.direction == "lower":
            text = (
                f"Not worth it: on average outsourcing costs {size(mean, cur)} more than staying in-house "
                f"({margin(mean, cur)})."
            )
        else:
            text = (
                f"Not worth it as it stands: the mean saving, {signed_money(mean.value, cur)} "
                f"({margin(mean, cur)}), cannot be told apart from nothing."
            )
        return level, text, [mean]
    saves = f"it saves {size(mean, cur, compact=True)} on average"
    outside = [x for x in limits if x.direction == "outside"]
    edge = [x for x in limits if x.direction == "at the edge"]
    if outside:
        text = f"Outside your risk appetite: {saves}, but with " + _joined(
            [_limit_words(x, cur, span) for x in outside]
        )
    elif edge:
        text = f"At the edge of your risk appetite: {saves}, with " + _joined(
            [_limit_words(x, cur, span) + ", within its margin of the limit" for x in edge]
        )
    else:
        text = f"Within your risk appetite: {saves}, with " + _joined(
            [_limit_words(x, cur, span) for x in limits]
        )
    return level, text + ".", used


def appetite_line(report: Report) -> str:
    """The appetite the verdict used, in one line, saying when it is the workbook's default."""
    a = report.run.appetite
    span = horizon_words(report.run.scenario.horizon_months)
    cur = report.run.scenario.currency
    parts = [
        f"a chance of a loss of at most {chance(a.p_loss)}"
        if a.p_loss is not None
        else "no limit on the chance of a loss",
        f"a chance of a vendor failure within {span} of at most {chance(a.p_failure)}"
        if a.p_failure is not None
        else "no limit on the chance of a vendor failure",
        f"a worst-5 % average no worse than {signed_money(a.worst5, cur, compact=True)}"
        if a.worst5 is not None
        else "no limit on the worst-5 % average",
    ]
    whose = (
        "the workbook's defaults, not a recommendation: set your own with appetite_p_loss, "
        "appetite_p_failure and appetite_worst5"
        if a.is_default
        else "as given for this report"
    )
    return f"Risk appetite: {_joined(parts)} ({whose})."


def _action_words(c: Claim, claims: dict[str, Claim], cur: str) -> str:
    """One line of "What to do": the section that proposes the action words it
    (``action_words(claim, claims, currency)`` in its module of :mod:`.sections`), then where to see it."""
    from .sections import heading_of, presenter

    where = heading_of(c.section)
    see = f" See “{where}”." if where else ""
    return presenter(c.section).action_words(c, claims, cur) + see


def _trade_off(action: Claim, claims: dict[str, Claim]) -> bool:
    """An action for the mean saving that lowers the worst-5 % average beyond its margin: listed
    after the actions that cost nothing in the worst futures, and called a trade-off."""
    if action.detail.get("aim") != "mean":
        return False
    tail = [claims[k] for k in action.detail.get("also", ()) if k in claims and claims[k].unit == "money"]
    return any(t.significant and t.direction == "lower" for t in tail)


def money_words(value: float, currency: str) -> str:
    from .formatting import money

    return money(value, currency)


def actions(report: Report) -> tuple[list[str], list[list[Claim]], str]:
    """(one line per action, the claims of each line, the sentence when there is none)."""
    c = _claims(report)
    cur = report.run.scenario.currency
    chosen = sorted((c[k] for k in c["story/actions"].detail["actions"]), key=lambda a: _trade_off(a, c))
    lines = [("A trade-off: " if _trade_off(a, c) else "") + _action_words(a, c, cur) for a in chosen]
    used = [[a, *(c[k] for k in a.detail.get("also", ()) if k in c)] for a in chosen]
    none = ""
    if not chosen:
        tried = [
            x.detail["tried"] for x in report.claims if x.key.startswith("action/") and x.detail.get("tried")
        ]
        none = (
            (
                "None of the levers tried ("
                + _joined(tried)
                + ") raises the mean saving beyond its margin of error: the scenario as given is as good as "
                "we can tell."
            )
            if tried
            else ""
        )
    return lines, used, none


def learning(report: Report) -> tuple[list[str], list[list[Claim]]]:
    """What to learn before signing: the input most worth learning (when one is beyond its error),
    everything together, and the interview when vendors differ and no cost was given."""
    c = _claims(report)
    cur = report.run.scenario.currency
    info = report.sections.get("information")
    if info is None or "learn/evpi" not in c:
        return ([info.note], [[]]) if info is not None and info.note else ([], [])
    evpi, top = c["learn/evpi"], c["learn/top"]
    out: list[tuple[str, list[Claim]]] = []
    if top.significant:
        out.append(
            (
                (
                    f"Learn {input_name(top.subject, cur)} before signing if you can: knowing it is worth about "
                    f"{size(top, cur)} ({margin(top, cur)}), because it could change the decision."
                ),
                [top],
            )
        )
    if evpi.significant and not top.significant:
        out.append(
            (
                (
                    f"Knowing every uncertain input together would be worth about {size(evpi, cur)} "
                    f"({margin(evpi, cur)}), but no single input is worth learning on its own beyond its margin."
                ),
                [evpi, top],
            )
        )
    elif evpi.significant and evpi.detail.get("inputs", 2) > 1:
        out.append(
            (
                f"Knowing every uncertain input would be worth about {size(evpi, cur)} ({margin(evpi, cur)}).",
                [evpi],
            )
        )
    elif not evpi.significant:
        now = "outsourcing" if c["outcome/mean"].value > 0 else "staying in-house"
        out.append(
            (
                (
                    f"Nothing uncertain here is worth learning before signing: whatever the inputs turn out to be, "
                    f"{now} stays the better choice (knowing them all is worth {size(evpi, cur)}, {margin(evpi, cur)})."
                ),
                [evpi],
            )
        )
    interview = c.get("learn/interview")
    if interview is not None and "action/interview" not in c:
        text = (
            f"An interview or reference check that halves your uncertainty about the vendor's quality is worth about "
            f"{size(interview, cur)} ({margin(interview, cur)})"
            if interview.significant
            else (
                "An interview or reference check that halves your uncertainty about the vendor's quality would "
                f"not change the decision beyond its margin ({size(interview, cur)}, {margin(interview, cur)})"
            )
        )
        out.append((text + "; give its cost (interview_cost) to weigh it.", [interview]))
    elif "action/interview" in c and not c["action/interview"].significant:
        a = c["action/interview"]
        out.append(
            (
                (
                    f"An interview that halves your uncertainty about the vendor's quality is worth "
                    f"{money_words(a.detail['worth'], cur)}, no more than its cost of {money_words(a.detail['cost'], cur)} "
                    f"beyond its margin ({signed_money(a.value, cur)}, {margin(a, cur)})."
                ),
                [a],
            )
        )
    return [t for t, _ in out], [u for _, u in out]


def conclusion(report: Report) -> tuple[str, list[Claim]]:
    """The conclusion under the verdict: what it saves, how often and why it loses, the worst
    futures, and when it pays back."""
    c = _claims(report)
    cur, horizon = report.run.scenario.currency, report.run.scenario.horizon_months
    span = horizon_words(horizon)
    mean, p_loss, worst, be = (
        c["outcome/mean"],
        c["outcome/p_loss"],
        c["outcome/cvar5"],
        c["outcome/breakeven"],
    )
    used = [mean, p_loss, worst, be]
    if mean.value >= 0:
        first = f"Outsourcing saves about {size(mean, cur, compact=True)} over {span} in present value"
    else:
        first = f"Outsourcing costs about {size(mean, cur, compact=True)} more than staying in-house over {span} in present value"
    if p_loss.value == 0:
        first += "; it loses money in none of the simulated futures."
    else:
        first += f"; in {chance_in_words(p_loss.value)} ({chance(p_loss.value)}) it loses money"
        share = c.get("outcome/losses_with_failure")
        if share is not None:
            used.append(share)
            first += f", and {_share_words(share.value)} a vendor failure"
        first += "."
    worst_text = (
        f"The worst 5 % of futures lose {size(worst, cur, compact=True)} on average"
        if worst.value < 0
        else f"Even the worst 5 % of futures save {size(worst, cur, compact=True)} on average"
    )
    payback = (
        f"the median cumulative saving is still not positive after {horizon} months"
        if math.isnan(be.value)
        else f"the median cumulative saving is positive for good from {month(be.value)} (break-even)"
    )
    return f"{first} {worst_text}, and {payback}.", used


def _share_words(share: float) -> str:
    """How many of the losing futures have ...: "every one of them has", "98% of them have"."""
    if share >= 0.9995:
        return "every one of them has"
    if share <= 0.0005:
        return "none of them has"
    return f"{chance(share)} of them have"


def failure_why(report: Report) -> tuple[str, list[Claim]]:
    """Why the chance of a vendor failure is what it is: the vendor's yearly figure compounded over
    the horizon, then what this scenario's mistakes (or vendors that differ) do to it."""
    c = _claims(report)
    scenario = report.run.scenario
    span = horizon_words(scenario.horizon_months)
    p_fail, base, raised = c["outcome/p_failure"], c["outcome/failure_base"], c["outcome/failure_raised"]
    raisers = c["outcome/failure_raisers"].detail["raisers"]
    yearly = setting_words(
        "vendor_failure_prob_annual", scenario.vendor_failure_prob_annual, scenario.currency
    )
    yearly = yearly.replace(" per year", " a year")
    text = (
        f"Why {chance(p_fail.value)} within {span}: a relationship that is run well fails with {yearly}, "
        f"which alone would give a failure within {span} in {chance(base.value)} of futures"
    )
    names = {
        "trust": "trust",
        "goal_clarity": "goal clarity",
        "selection_score": "interview score",
        "scope_creep_annual": "scope creep",
    }
    if raised.direction == "higher" and raisers:
        text += f"; this scenario's {_joined([names[r] for r in raisers])} raise that hazard month by month."
    elif raised.direction == "lower":
        text += (
            "; here fewer fail, because vendors differ: a few very bad ones fail almost surely, the many better "
            "ones far less"
            if scenario.vendors_differ
            else "; here fewer fail."
        )
    else:
        text += "; this scenario adds nothing to that we can tell apart."
    return text, [p_fail, base, raised, c["outcome/failure_raisers"]]


def _joined(items: list[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

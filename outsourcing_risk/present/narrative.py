"""The vendor choice in words, and the horizon in words.

The vendor choice's sentences are rendered from its claims
(:mod:`outsourcing_risk.analyses.vendor_choice`): nothing here computes a number; each sentence
writes its claims' sizes, margins and directions, and names the claims it renders.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analyses.claims import Claim
from .formatting import money, percent
from .wording import margin, sentence, size

__all__ = ["horizon_words", "vendor_choice_html", "vendor_choice_sentences"]


def horizon_words(horizon_months: int) -> str:
    """``5 years`` for 60 months, ``18 months`` otherwise."""
    years, rest = divmod(horizon_months, 12)
    if rest == 0:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{horizon_months} months"


def vendor_choice_sentences(claims: Iterable[Claim], currency: str = "USD") -> list[tuple[str, list[Claim]]]:
    """The vendor choice in words: (sentence, the claims it renders) for the ranking's claims
    (best on average against best risk-adjusted, and why they differ) and the interview's (what
    interviewing every candidate is worth, and against its cost), in that order; a claim that is
    not there is not said."""
    by_key = {c.key: c for c in claims}
    out = _ranking_words(by_key, currency)
    interview = by_key.get("choice/interview")
    if interview is not None:
        out.append(_interview_words(interview, by_key.get("choice/interview_net"), currency))
    return out


def vendor_choice_html(claims: Iterable[Claim], currency: str = "USD") -> str:
    """:func:`vendor_choice_sentences` as HTML paragraphs, escaped, each naming its claims."""
    return "".join(
        sentence(text, used, css="or-choice") for text, used in vendor_choice_sentences(claims, currency)
    )


def _lead(claim: Claim, currency: str) -> str:
    """``USD 6,558 (± USD 6,118)``: a claim's size with its margin."""
    spread = margin(claim, currency)
    return f"{size(claim, currency)} ({spread})" if spread else size(claim, currency)


def _ranking_words(by_key: dict[str, Claim], currency: str) -> list[tuple[str, list[Claim]]]:
    mean, score, tail = (by_key.get(f"choice/{k}") for k in ("mean_gap", "score_gap", "tail_gap"))
    if mean is None or score is None:
        return []
    first, on_average = mean.detail["first"], mean.detail["on_average"]
    aversion = float(mean.detail["risk_aversion"])
    if first == on_average:
        return [_agree_words(mean, score, aversion, currency)]
    return [_mean_words(mean, currency), _differ_words(score, tail, aversion, currency)]


def _mean_words(mean: Claim, currency: str) -> tuple[str, list[Claim]]:
    best, other = mean.detail["better"], mean.detail["worse"]
    if mean.significant:
        text = (
            f"Best on average: {best}, whose mean saving is {_lead(mean, currency)} above {other}'s "
            "over the same simulated futures."
        )
    else:
        text = (
            f"On average {best} and {other} are level: {best}'s mean saving is {_lead(mean, currency)} "
            f"above {other}'s over the same simulated futures, within its margin."
        )
    return text, [mean]


def _weighing(aversion: float) -> str:
    return (
        f"the risk-adjusted score counts the worst-5 % average at {percent(aversion, 0)} (your risk "
        f"aversion) and the mean saving at {percent(1 - aversion, 0)}"
    )


def _differ_words(
    score: Claim, tail: Claim | None, aversion: float, currency: str
) -> tuple[str, list[Claim]]:
    first, other = score.detail["better"], score.detail["worse"]
    used = [score]
    if tail is not None:
        used.append(tail)
        why = (
            f"its worst-5 % average is {_lead(tail, currency)} better than {other}'s"
            if tail.significant
            else f"its worst-5 % average is level with {other}'s ({_lead(tail, currency)} better, within its margin)"
        )
    else:
        why = f"its worst-5 % average is better than {other}'s"
    ranked = (
        f"it ranks first by {_lead(score, currency)}"
        if score.significant
        else f"the two are level risk-adjusted ({first} ahead by {_lead(score, currency)}, within its margin)"
    )
    return f"Best risk-adjusted: {first}, because {why}, and {_weighing(aversion)}: {ranked}.", used


def _agree_words(mean: Claim, score: Claim, aversion: float, currency: str) -> tuple[str, list[Claim]]:
    first = mean.detail["better"]

    def against(claim: Claim, how: str) -> str:
        other = claim.detail["worse"]
        if claim.significant:
            return f"{_lead(claim, currency)} above {other} {how}"
        return f"level with {other} {how} ({_lead(claim, currency)} ahead, within its margin)"

    if aversion == 0:  # the score is the mean: one comparison
        text = (
            f"{first} is the best on average and ranks first (risk aversion 0 ranks on the mean saving "
            f"alone): {against(mean, 'on average')}, over the same simulated futures."
        )
        return text, [mean, score]
    text = (
        f"{first} is both the best on average and the best risk-adjusted: {against(mean, 'on average')} and "
        f"{against(score, 'risk-adjusted')}, over the same simulated futures."
    )
    return text, [mean, score]


_COST_WORDS = {
    "higher": "less than they are worth",
    "lower": "more than they are worth",
    "none": "about what they are worth, within the margin",
}


def _interview_words(value: Claim, net: Claim | None, currency: str) -> tuple[str, list[Claim]]:
    if value.significant:
        text = (
            "Interviews or reference checks that halve your uncertainty about each candidate's quality are "
            f"worth about {_lead(value, currency)} before choosing, because they can show which one to pick "
            "instead"
        )
    else:
        text = (
            "An interview that halves your uncertainty about each candidate's quality would not change the "
            f"choice beyond its margin (worth {_lead(value, currency)})"
        )
    used: list[Claim] = [value]
    if net is not None:
        used.append(net)
        text += f"; they cost {money(float(net.detail['cost']), currency)}, {_COST_WORDS[net.direction]}"
    return text + ".", used

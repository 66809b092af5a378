"""Stay or leave at a review, in words: one sentence rendered from the review's claim
(:func:`outsourcing_risk.analyses.stay_or_leave.review_claims`). Nothing here computes a number:
the sentence writes the claim's size, margin (two standard errors) and direction, and the record
and chance its ``detail`` holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..analyses.claims import Claim
from .wording import chance, margin, sentence, signed_money, size

__all__ = ["review_html", "review_sentence"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _record(claim: Claim) -> str:
    months, incidents = int(claim.detail["months"]), int(claim.detail["incidents"])
    if months == 0:
        return "Before the vendor has served a month"
    return f"After {_plural(months, 'month')} and {_plural(incidents, 'incident')}"


def _lead(claim: Claim, currency: str) -> str:
    spread = margin(claim, currency)
    return f"{size(claim, currency)} ({spread})" if spread else size(claim, currency)


def _verdict(claim: Claim, currency: str) -> str:
    if claim.direction == "higher":
        return f"leaving now gains {_lead(claim, currency)} over staying"
    if claim.direction == "lower":
        return f"staying gains {_lead(claim, currency)} over leaving now"
    spread = margin(claim, currency)
    return (
        "the record cannot tell at this error whether leaving now or staying is better (leaving now: "
        f"{signed_money(claim.value, currency)}{f', {spread}' if spread else ''})"
    )


def _why(claim: Claim) -> str:
    if not claim.detail.get("informative", True):
        if int(claim.detail["months"]) == 0:
            return "; there is no record yet, so this vendor is any vendor"
        return "; vendors do not differ in this scenario (a quality spread of 0), so the record says nothing about this one"
    p_bad = float(claim.detail.get("p_bad", math.nan))
    if not math.isfinite(p_bad):
        return ""
    return f"; the record puts the chance that this vendor is one of the worst quarter at {chance(p_bad)} ({chance(0.25)} before it)"


def review_sentence(claims: Iterable[Claim], currency: str = "USD") -> tuple[str, list[Claim]]:
    """The review in words, and the claims it renders: "After 6 months and 4 incidents: leaving now
    gains USD 260,864 (± USD 7,463) over staying over the rest of the horizon; ...", "staying
    gains ...", or "the record cannot tell at this error ..." when the difference lies within two
    standard errors of 0.

    >>> from outsourcing_risk.analyses.claims import difference
    >>> c = difference("review/leave_now", "leave_now", 260_864.3, 3_731.4, "money", section="review",
    ...                evidence={"method": "stay_or_leave"}, months=6, incidents=4, p_bad=0.899, informative=True)
    >>> review_sentence([c])[0]
    'After 6 months and 4 incidents: leaving now gains USD 260,864 (± USD 7,463) over staying, over the rest of the horizon; the record puts the chance that this vendor is one of the worst quarter at 90% (25% before it).'
    """
    by_key = {c.key: c for c in claims}
    claim = by_key.get("review/leave_now")
    if claim is None:
        raise ValueError("review_sentence needs the claim review/leave_now (from review_claims)")
    text = f"{_record(claim)}: {_verdict(claim, currency)}"
    if claim.significant:
        text += ", over the rest of the horizon"
    return f"{text}{_why(claim)}.", [claim]


def review_html(claims: Iterable[Claim], currency: str = "USD") -> str:
    """:func:`review_sentence` as an HTML paragraph, escaped, naming its claim."""
    text, used = review_sentence(claims, currency)
    return sentence(text, used, css="or-review")

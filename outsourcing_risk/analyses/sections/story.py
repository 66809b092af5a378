"""The story told at the top of a report, from the sections' claims only (docs/analyses.md, "The
top of a report"): is it worth it against the reader's risk appetite, what to do, what to learn
before signing, and what drives the result in the three senses a reader meets on the page."""

from __future__ import annotations

from ..claims import Claim, against_limit, difference, note
from .base import Run, SectionResult  # the story stands on the sections: it imports them, never the reverse

__all__ = ["ACTION", "VERDICTS", "tell", "verdict_level"]

#: The verdict's levels, best first (the page's ``data-verdict`` and the index's column).
VERDICTS = (
    "within your risk appetite",
    "at the edge of your risk appetite",
    "outside your risk appetite",
    "not worth it",
)

#: An action is a claim whose key starts with this (docs/analyses.md, "The top of a report"): a
#: section proposes one by making it, with ``aim`` ("mean" or "tail"), ``also`` (the claims its line
#: quotes besides) and ``tried`` (how the page names the lever when no action passes).
ACTION = "action/"

_LIMITS = (
    # appetite field, claim it judges, the side that is bad, unit
    ("p_loss", "outcome/p_loss", "above", "chance"),
    ("p_failure", "outcome/p_failure", "above", "chance"),
    ("worst5", "outcome/cvar5", "below", "money"),
)


def _find(results: dict[str, SectionResult], key: str) -> Claim | None:
    for r in results.values():
        found = r.claim(key)
        if found is not None:
            return found
    return None


def verdict_level(claims: dict[str, Claim]) -> str:
    """The verdict from the story's claims: ``not worth it`` when the mean saving is not above 0
    beyond its error; else outside the appetite when a limit is broken beyond its error, at its
    edge when one is within error of a limit, within it otherwise."""
    mean = claims["appetite/mean"]
    if mean.direction != "higher":
        return VERDICTS[3]
    sides = [c.direction for k, c in claims.items() if k.startswith("appetite/") and c.kind == "limit"]
    if "outside" in sides:
        return VERDICTS[2]
    if "at the edge" in sides:
        return VERDICTS[1]
    return VERDICTS[0]


def _appetite_claims(run: Run, results) -> list[Claim]:
    mean = _find(results, "outcome/mean")
    assert mean is not None  # the outcome section always runs
    out = [
        difference(
            "appetite/mean",
            "mean_npv",
            mean.value,
            mean.se,
            "money",
            section="outcome",
            evidence=mean.evidence,
        )
    ]
    for field, key, bad, unit in _LIMITS:
        limit = getattr(run.appetite, field)
        figure = _find(results, key)
        if limit is None or figure is None:
            continue
        out.append(
            against_limit(
                f"appetite/{field}",
                figure.subject,
                figure.value,
                figure.se,
                unit,
                limit=limit,
                bad=bad,
                section="outcome",
                evidence=figure.evidence,
            )
        )
    return out


def _actions(results, appetite_claims: list[Claim]) -> list[Claim]:
    """The actions worth taking, best first: each one aimed at the mean raises the mean saving
    beyond its error; one aimed at the tail (the worst-5 % average) is listed when the worst-5 %
    average or the chance of a loss is outside (or at the edge of) the appetite, it lifts the tail
    beyond its error, and its section proposes no mean action to the same setting."""
    found = [c for r in results.values() for c in r.claims if c.key.startswith(ACTION)]
    tail_breached = any(
        c.key in ("appetite/worst5", "appetite/p_loss") and c.direction in ("outside", "at the edge")
        for c in appetite_claims
    )
    chosen = [c for c in found if c.detail.get("aim") == "mean" and c.direction == "higher"]
    for c in found:
        if c.detail.get("aim") != "tail" or not tail_breached or c.direction != "higher":
            continue
        same = any(m.section == c.section and m.detail.get("to") == c.detail.get("to") for m in chosen)
        if not same:
            chosen.append(c)
    return sorted(chosen, key=lambda c: (c.detail.get("aim") == "tail", -c.value))


def _drivers_note(results) -> list[Claim]:
    """What drives the result, in the three senses, said once: what moves the mean over its
    plausible range (tornado), what causes the spread (Sobol), what is worth learning (value of
    information). When they name different inputs, the note says why they may."""
    mean = _find(results, "driver/mean")
    spread = _find(results, "driver/spread")
    learn = _find(results, "learn/top")
    # A lead within its margin is a tie: the note names both inputs, never one as "the" driver.
    mean_lead = _find(results, "driver/mean_lead")
    spread_lead = _find(results, "driver/spread_lead")
    basis = tuple(c.key for c in (mean, spread, learn, mean_lead, spread_lead) if c is not None)
    if not basis:
        return []
    names = {
        "mean": mean.subject if mean is not None else None,
        "spread": spread.subject if spread is not None else None,
        "learn": learn.subject if learn is not None and learn.significant else None,
        "mean_tie": _tied_with(mean_lead),
        "spread_tie": _tied_with(spread_lead),
        "only_uncertain": spread is not None and spread_lead is None,
    }
    named = {v for k, v in names.items() if k in ("mean", "spread", "learn") and v}
    return [note("story/drivers", "drivers", section="drivers", basis=basis, differ=len(named) > 1, **names)]


def _tied_with(lead: Claim | None) -> str | None:
    """The runner-up a lead does not beat beyond its margin (None: no runner-up, or beaten)."""
    if lead is None or lead.significant:
        return None
    return lead.detail.get("second")


def tell(run: Run, results: dict[str, SectionResult]) -> SectionResult:
    """The story at the top of the report, from the sections' claims."""
    appetite = _appetite_claims(run, results)
    by_key = {c.key: c for c in appetite}
    level = verdict_level(by_key)
    actions = _actions(results, appetite)
    story = SectionResult("story", "The story")
    story.claims = [
        *appetite,
        note("story/verdict", "verdict", section="outcome", basis=tuple(by_key), level=level),
        note(
            "story/actions",
            "actions",
            section="outcome",
            basis=tuple(c.key for c in actions) or ("appetite/mean",),
            actions=[c.key for c in actions],
        ),
        *_drivers_note(results),
    ]
    story.columns = {"verdict": level}
    story.tables["actions"] = actions
    return story

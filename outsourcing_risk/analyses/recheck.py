"""Rechecking claims: each claim's evidence recomputed through the API, and what no longer holds
(docs/analyses.md, "Claims"). The recipes live with the analyses that make the claims
(:mod:`.claim_checks`, :mod:`.book_claims`, :mod:`.stay_or_leave`,
:mod:`.vendor_choice`); importing this module registers them all."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from . import book_claims, stay_or_leave, vendor_choice  # noqa: F401  (each registers its recipes)
from .claim_checks import CHECKS
from .claims import Claim, direction_of, limit_side

__all__ = ["recheck", "recheck_all", "recheck_book"]


def recheck(claim: Claim, *, rtol: float = 1e-9, context: Mapping | None = None) -> list[str]:
    """Recompute ``claim`` from its evidence through the API and say what no longer holds (an
    empty list: the claim holds). Checked: the value (to ``rtol``; the same seed gives the same
    numbers), its standard error (within 10 %: some are bootstrap estimates), the figures its
    words quote besides its size (``detail``, where the evidence recomputes them: the levels
    before and after a change), and that the direction is the one the rule gives the recomputed
    value and error. ``context``: objects the evidence names but cannot carry (the book of a
    book's claims)."""
    if claim.kind == "note":
        return []
    method = claim.evidence.get("method")
    if method not in CHECKS:
        return [f"{claim.key}: no way to recompute evidence of method {method!r}"]
    found = CHECKS[method]({**claim.evidence, **(context or {})})
    value, se = found[0], found[1]
    details = found[2] if len(found) > 2 else {}
    problems = [
        f"{claim.key}: the evidence gives {k} = {v!r}, the claim says {claim.detail.get(k)!r}"
        for k, v in details.items()
        if k in claim.detail and not _close(float(v), float(claim.detail[k]), rtol)
    ]
    if not _close(value, claim.value, rtol):
        problems.append(f"{claim.key}: the evidence gives {value!r}, the claim says {claim.value!r}")
    if math.isfinite(se) and math.isfinite(claim.se) and not _close(se, claim.se, 0.1, floor=1e-12):
        problems.append(f"{claim.key}: the evidence's standard error is {se!r}, the claim's {claim.se!r}")
    expected = _direction(claim, value, se)
    if expected != claim.direction:
        problems.append(f"{claim.key}: the numbers say {expected!r}, the claim says {claim.direction!r}")
    return problems


def _direction(claim: Claim, value: float, se: float) -> str:
    if claim.kind == "difference":
        return direction_of(value, se)
    if claim.kind == "limit":
        return limit_side(value, se, claim.detail["limit"], claim.detail["bad"])
    return ""


def _close(a: float, b: float, rtol: float, floor: float = 1e-9) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + floor


def recheck_all(claims: Iterable[Claim]) -> list[str]:
    """:func:`recheck` of every claim, and that every ``basis`` names a claim among them."""
    claims = list(claims)
    keys = {c.key for c in claims}
    problems = [
        f"{c.key}: stands on {k!r}, which is not among the claims"
        for c in claims
        for k in c.basis
        if k not in keys
    ]
    dupes = sorted({c.key for c in claims if [d.key for d in claims].count(c.key) > 1})
    problems += [f"claim key {k!r} appears more than once" for k in dupes]
    for c in claims:
        problems.extend(recheck(c))
    return problems


def recheck_book(claims: Iterable[Claim], book) -> list[str]:
    """:func:`recheck` of a book's claims, with the book they were made of."""
    problems: list[str] = []
    for c in claims:
        problems.extend(recheck(c, context={"book_object": book}))
    return problems

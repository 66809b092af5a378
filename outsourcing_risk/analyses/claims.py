"""Claims: what a report says, as data that a function can check against the numbers.

Every sentence of a report's top, its sections' sentences, the index line and the book's
conclusion is rendered from a :class:`Claim` (docs/analyses.md, "Claims"). A claim holds what it
is about, its size, the standard error of that size, the direction the words will give it, and the
**evidence**: the recipe of API calls that recompute it (which scenario, trials and seed, which
statistic, which rows). :func:`~outsourcing_risk.analyses.recheck.recheck` runs that recipe again and says whether the claim still
holds (:mod:`.recheck`); the report's "For analysts" section and the batch's ``claims.csv`` list the claims with their
evidence for audit.

The rule for words about a difference ("lowers", "beats", "drives", "is worth learning"): a
difference is claimed only when it lies beyond :data:`CLAIM_SE` standard errors of zero; otherwise the
direction is ``"none"`` and the words say that it makes no difference we can tell. The same rule
judges a figure against a limit of the reader's risk appetite: ``"outside"`` beyond the limit by
more than two standard errors, ``"within"`` inside it by more, ``"at the edge"`` in between.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

__all__ = [
    "CLAIM_SE",
    "Claim",
    "against_limit",
    "binomial_se",
    "claims_frame",
    "difference",
    "direction_of",
    "level",
    "limit_side",
    "mean_se",
    "score_se",
    "tail_mean_se",
]

#: A difference is claimed when it lies beyond this many standard errors of zero.
CLAIM_SE = 2.0

#: A figure as the analyses hold it: a float, a numpy scalar or a pandas cell (``float()`` takes it).
Number = Any

#: Units a claim's size can have (how its words write it).
UNITS = ("money", "chance", "share", "month", "count", "hhi", "number")


@dataclass(frozen=True)
class Claim:
    """One thing a report says, with the numbers that prove it.

    Attributes
    ----------
    key
        Unique within a report, e.g. ``"action/trust"``; sentences name the claims they render.
    kind
        ``"level"`` (a figure), ``"difference"`` (a paired or estimated difference, or a value of
        information), ``"limit"`` (a figure against a limit of the risk appetite) or ``"note"``
        (a statement with no figure of its own that stands on other claims, named in ``basis``).
    subject
        What it is about: a summary figure (``p_loss``), a parameter (``trust``), an input.
    value, se
        The size and its standard error (0 for an exact figure; NaN when there is none).
    unit
        How the size is written: one of :data:`UNITS`.
    direction
        ``"higher"``, ``"lower"`` or ``"none"`` for a difference; ``"within"``, ``"outside"``
        or ``"at the edge"`` for a limit; ``""`` for a level. Set by the rule, never by hand.
    section
        The report section that shows the evidence (its anchor).
    evidence
        The recipe that recomputes ``value`` (a dict of plain values: JSON).
    detail
        What the words need besides the size (the setting moved to, the limit, a name), plain
        values only.
    basis
        Keys of the claims a ``"note"`` (or a ranking) stands on.
    """

    key: str
    kind: str
    subject: str
    value: float
    se: float
    unit: str
    direction: str = ""
    section: str = ""
    evidence: Mapping = field(default_factory=dict)
    detail: Mapping = field(default_factory=dict)
    basis: tuple[str, ...] = ()

    @property
    def significant(self) -> bool:
        """A difference beyond :data:`CLAIM_SE` standard errors of zero."""
        return self.direction in ("higher", "lower")

    def to_row(self) -> dict:
        """The claim as one flat row (for ``claims.csv`` and the analysts' table)."""
        row = asdict(self)
        row["evidence"] = json.dumps(row["evidence"], sort_keys=True, default=_plain)
        row["detail"] = json.dumps(row["detail"], sort_keys=True, default=_plain)
        row["basis"] = " ".join(self.basis)
        return row


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return str(value)


def direction_of(value: float, se: float) -> str:
    """``"higher"`` or ``"lower"`` when ``value`` lies beyond :data:`CLAIM_SE` standard errors of
    zero, else ``"none"``. An exact difference (se 0) has a direction whenever it is not 0.

    >>> direction_of(120.0, 50.0), direction_of(80.0, 50.0), direction_of(-3.0, 0.0)
    ('higher', 'none', 'lower')
    """
    if not math.isfinite(value):
        return "none"
    margin = CLAIM_SE * se if math.isfinite(se) else math.inf
    if value > margin and value > 0:
        return "higher"
    if value < -margin and value < 0:
        return "lower"
    return "none"


def limit_side(value: float, se: float, limit: float, bad: str) -> str:
    """Where ``value`` lies against a limit of the risk appetite: ``bad`` is ``"above"`` when
    larger is worse (a chance of a loss), ``"below"`` when smaller is worse (the worst-5 % average).

    >>> limit_side(0.36, 0.003, 0.20, "above"), limit_side(0.201, 0.003, 0.20, "above")
    ('outside', 'at the edge')
    """
    if bad not in ("above", "below"):
        raise ValueError(f"bad must be 'above' or 'below' (got {bad!r})")
    excess = (value - limit) if bad == "above" else (limit - value)
    side = direction_of(excess, se)
    return {"higher": "outside", "lower": "within", "none": "at the edge"}[side]


def level(
    key: str, subject: str, value: Number, se: Number, unit: str, *, section: str, evidence, **detail
) -> Claim:
    """A figure (no direction): "a 16 % chance of a loss"."""
    return _made(
        Claim(key, "level", subject, float(value), float(se), unit, "", section, dict(evidence), detail)
    )


def difference(
    key: str,
    subject: str,
    value: Number,
    se: Number,
    unit: str,
    *,
    section: str,
    evidence,
    basis=(),
    **detail,
) -> Claim:
    """A difference with the direction the rule gives it: higher, lower, or none we can tell."""
    v, s = float(value), float(se)
    claim = Claim(key, "difference", subject, v, s, unit, direction_of(v, s), section, dict(evidence), detail)
    return _made(replace(claim, basis=tuple(basis)))


def against_limit(
    key: str,
    subject: str,
    value: Number,
    se: Number,
    unit: str,
    *,
    limit: float,
    bad: str,
    section: str,
    evidence,
) -> Claim:
    """A figure against a limit of the risk appetite: within, outside or at the edge."""
    side = limit_side(float(value), float(se), float(limit), bad)
    detail = {"limit": float(limit), "bad": bad}
    return _made(
        Claim(key, "limit", subject, float(value), float(se), unit, side, section, dict(evidence), detail)
    )


def note(key: str, subject: str, *, section: str, basis: Iterable[str], **detail) -> Claim:
    """A statement with no figure of its own, standing on the claims ``basis`` names."""
    return _made(
        Claim(key, "note", subject, math.nan, math.nan, "number", "", section, {}, detail, tuple(basis))
    )


def _made(claim: Claim) -> Claim:
    if claim.unit not in UNITS:
        raise ValueError(f"a claim's unit must be one of {', '.join(UNITS)} (got {claim.unit!r})")
    if claim.kind != "note" and not claim.evidence:
        raise ValueError(f"claim {claim.key!r} has no evidence: every figure says how to recompute it")
    return claim


# --- standard errors ---------------------------------------------------------------------------


def mean_se(x) -> float:
    """The standard error of a mean: the sample standard deviation (ddof 1) over √n."""
    x = np.asarray(x, dtype=float)
    return float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan


def binomial_se(p: float, n: int) -> float:
    """The standard error of a share ``p`` of ``n`` independent trials."""
    return math.sqrt(max(p * (1 - p), 0.0) / n) if n > 0 else math.nan


def tail_mean_se(npv, other=None, *, level: float = 0.05, seed: int | None = None) -> float:
    """The standard error of the worst-``level`` average of ``npv`` (CVaR, the mean of its ⌈level·n⌉
    lowest values), or of the paired difference of two runs' worst averages (``other`` − ``npv``,
    trial for trial), by the influence function of the expected shortfall (the delta method):
    each trial contributes IF = q + (x − q)·1{x ≤ q}/p − CVaR, with q the k-th lowest value and
    p = k/n, and the error is the sample standard deviation of IF (of IF_other − IF for a
    difference) over √n. It agrees with a bootstrap of the trials within a few per cent and costs
    one partial sort. ``seed`` is accepted and ignored (the estimate draws nothing).

    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=20_000)
    >>> round(tail_mean_se(x), 3)
    0.017
    """
    a = np.asarray(npv, dtype=float)
    d = _tail_influence(a, level)
    if other is not None:
        d = _tail_influence(np.asarray(other, dtype=float), level) - d
    return float(d.std(ddof=1) / math.sqrt(a.size)) if a.size > 1 else math.nan


def score_se(npv, other=None, *, risk_aversion: float, level: float = 0.05) -> float:
    """The standard error of a risk-adjusted score, (1 − ρ)·mean + ρ·CVaR with ρ =
    ``risk_aversion`` (the vendor ranking's), or of the paired difference of two runs' scores
    (``other`` − ``npv``, trial for trial): each trial contributes (1 − ρ)·(x − mean) + ρ·IF, the
    influence functions of the mean and of the worst-``level`` average (see :func:`tail_mean_se`),
    and the error is their standard deviation over √n.

    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=20_000)
    >>> score_se(x, risk_aversion=0.0) == mean_se(x), round(score_se(x, risk_aversion=1.0), 3)
    (True, 0.017)
    """

    def influence(x: np.ndarray) -> np.ndarray:
        return (1 - risk_aversion) * (x - x.mean()) + risk_aversion * _tail_influence(x, level)

    a = np.asarray(npv, dtype=float)
    d = influence(a)
    if other is not None:
        d = influence(np.asarray(other, dtype=float)) - d
    return float(d.std(ddof=1) / math.sqrt(a.size)) if a.size > 1 else math.nan


def _tail_influence(x: np.ndarray, level: float) -> np.ndarray:
    n = x.size
    k = max(1, math.ceil(level * n))
    part = np.partition(x, k - 1)
    q, cvar = part[k - 1], part[:k].mean()
    return q + (x - q) * (x <= q) / (k / n) - cvar


def claims_frame(claims: Iterable[Claim]):
    """The claims as a table, one row each (``claims.csv``, the analysts' section)."""
    import pandas as pd

    rows = [c.to_row() for c in claims]
    columns = list(Claim.__dataclass_fields__)
    return pd.DataFrame(rows, columns=columns)

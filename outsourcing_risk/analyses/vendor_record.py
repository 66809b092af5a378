"""A vendor's record updates the model: the posterior of its quality Z from the months it has
served, the incidents it had and the trust in force (docs/model.md, "A vendor's record: the
posterior of its quality").

The likelihood is the rule :func:`~outsourcing_risk.model.rules.record_log_likelihood`; this
module reads and checks the record, and computes the posterior on the spec's fixed grid.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..io.errors import OutsourcingRiskError
from ..model.distributions import Distribution
from ..model.rules import (
    BAD_QUALITY,
    base_hazard,
    creep,
    hazard,
    hazard_level,
    incident_rate,
    milestone_trust,
    quality,
    record_log_likelihood,
    vendor_quality,
)
from ..model.scenario import Scenario

__all__ = ["GRID", "QualityPosterior", "Record", "RecordError", "posterior_quality", "read_record"]

#: The spec's grid of quality scores: −12, −11.999, …, 12 (24,001 points).
GRID = np.linspace(-12.0, 12.0, 24_001)
#: A posterior with more weight than this within 0.5 of the grid's ends is refused.
EDGE_WEIGHT = 1e-9
#: A posterior narrower than this (five grid steps) is refused: the grid would not resolve it.
FINEST = 0.005

#: The parameters the record's likelihood reads: they must be numbers.
LIKELIHOOD = (
    "incident_rate_max",
    "goal_clarity",
    "clarity_weight",
    "selection_score",
    "selection_weight",
    "vendor_failure_prob_annual",
    "tension_weight",
    "scope_creep_annual",
    "creep_strain",
    "vendor_quality_spread",
)
RAMP = ("trust_step", "trust_cut", "trust_ceiling", "milestone_months")


class RecordError(OutsourcingRiskError, ValueError):
    """A vendor's record that cannot be read: every problem, each naming the field, the value as
    given and the rule."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the vendor's record:"
        super().__init__("\n  - ".join([head, *problems]))


@dataclass(frozen=True)
class Record:
    """A vendor's record as the likelihood and the review read it (see :func:`read_record`)."""

    months: int
    incidents: int  # N, the total
    trust: tuple[float, ...]  # τ_1..τ_m, the trust in force in each month served
    exposure: float  # Λ = Σ λ_t at Q = 1
    hazards: tuple[float, ...]  # h_1..h_m at Q = 1
    trust_next: float  # the trust in force from month m + 1 if the vendor stays
    due: int  # months of service left until its next milestone (ramp)
    since_milestone: int  # its incidents since its last milestone (ramp)


def _whole(name: str, value, low: int, high: int | None = None) -> str:
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return ""
    rule = f"a whole number from {low} to {high}" if high is not None else f"a whole number ≥ {low}"
    return f"{name} must be {rule} (got {value!r})"


def _problems(scenario: Scenario, months, incidents, trust) -> list[str]:
    horizon = scenario.horizon_months
    problems = [p for p in [_whole("months", months, 0, horizon)] if p]
    if problems and isinstance(months, numbers.Integral) and months > horizon:
        problems[0] += f": the scenario's horizon is {horizon} months"
    if isinstance(incidents, (Sequence, np.ndarray)) and not isinstance(incidents, str):
        problems += [p for i, v in enumerate(incidents, 1) if (p := _whole(f"incidents of month {i}", v, 0))]
        if not problems and len(incidents) != months:
            problems.append(
                f"incidents month by month must give one count per month served ({months}), not {len(incidents)}"
            )
    else:
        problems += [p for p in [_whole("incidents", incidents, 0)] if p]
    uncertain = set(scenario.uncertain)
    needed = list(LIKELIHOOD) + (["trust"] if trust is None else [])
    needed += list(RAMP) if scenario.trust_policy == "ramp" else []
    problems += [
        f"{name} must be a number for a record's posterior (got a distribution): the posterior is "
        "computed for one value of each parameter its likelihood reads"
        for name in needed
        if name in uncertain
    ]
    problems += _trust_problems(scenario, months, incidents, trust)
    return problems


def _trust_problems(scenario: Scenario, months, incidents, trust) -> list[str]:
    if trust is None:
        monthly = isinstance(incidents, (Sequence, np.ndarray))
        if scenario.trust_policy == "ramp" and not monthly:
            return [
                (
                    "incidents must be given month by month under trust_policy 'ramp' (got a total of "
                    f"{incidents!r}): the ramp's trust in each month depends on when the incidents fell; "
                    "or give the trust of each month"
                )
            ]
        return []
    values = [trust] if isinstance(trust, numbers.Real) else list(trust)
    bad = [v for v in values if not isinstance(v, numbers.Real) or not 0 <= float(v) <= 1]
    if bad:
        return [f"trust must be a number from 0 to 1, or one such number per month (got {bad[0]!r})"]
    if not isinstance(trust, numbers.Real) and isinstance(months, numbers.Integral) and len(values) != months:
        return [f"trust month by month must give one value per month served ({months}), not {len(values)}"]
    return []


def read_record(scenario: Scenario, months, incidents, trust=None) -> Record:
    """Check a record and turn it into what the likelihood and the review read.

    ``incidents``: the total over the months served, or one count per month. ``trust``: the trust
    in force in every month served (one number), or one per month; by default the scenario's
    (under ``ramp``: the ramp's own, from the incidents month by month). Every problem is raised
    at once (:class:`RecordError`).
    """
    problems = _problems(scenario, months, incidents, trust)
    if problems:
        raise RecordError(problems)
    monthly = None if isinstance(incidents, numbers.Integral) else [int(v) for v in incidents]
    total = int(incidents) if monthly is None else sum(monthly)
    path, trust_next, due, since = _trust_path(scenario, months, monthly, trust)
    p = scenario.to_dict()
    q = quality(p["clarity_weight"], p["goal_clarity"], p["selection_weight"], p["selection_score"])
    tau = np.asarray(path, dtype=float)
    ages = np.arange(1, months + 1)
    level = hazard_level(base_hazard(p["vendor_failure_prob_annual"]), q, tau, p["tension_weight"])
    hazards = hazard(level, creep(p["scope_creep_annual"], p["creep_strain"]), ages)
    exposure = float(np.sum(incident_rate(p["incident_rate_max"], tau, q)))
    return Record(
        int(months), total, tuple(map(float, path)), exposure, tuple(map(float, hazards)),
        float(trust_next), int(due), int(since),
    )  # fmt: skip


def _trust_path(scenario: Scenario, months: int, monthly, trust):
    """τ_1..τ_m, the trust from month m + 1, the months to the next milestone and the incidents
    since the last one."""
    if trust is not None:
        path = [float(trust)] * months if isinstance(trust, numbers.Real) else [float(v) for v in trust]
        last = (
            path[-1] if path else float(scenario.trust) if isinstance(scenario.trust, numbers.Real) else 0.0
        )
        return path, last, 0, 0
    if scenario.trust_policy != "ramp":
        return [float(scenario.trust)] * months, float(scenario.trust), 0, 0
    step, cut, ceiling = scenario.trust_step, scenario.trust_cut, scenario.trust_ceiling
    every = int(scenario.milestone_months)
    tau, path, since = float(scenario.trust), [], 0
    for a, n in enumerate(monthly or [], 1):
        path.append(tau)
        since += n
        if a % every == 0:
            tau = float(milestone_trust(tau, since == 0, step, cut, ceiling))
            since = 0
    return path, tau, every - months % every, since


@dataclass(frozen=True)
class QualityPosterior:
    """The posterior of a vendor's quality score Z on the spec's grid.

    Attributes: ``record``, ``spread`` (s), ``grid`` and ``weights`` (w_i, summing to 1),
    ``informative`` (False at a spread of 0 or an empty record: the posterior is the prior).
    """

    record: Record
    spread: float
    grid: np.ndarray
    weights: np.ndarray
    informative: bool

    def mean(self) -> float:
        """E[Z | record]."""
        return float(self.weights @ self.grid)

    def sd(self) -> float:
        """The posterior standard deviation of Z."""
        return math.sqrt(max(float(self.weights @ (self.grid - self.mean()) ** 2), 0.0))

    def mean_quality(self) -> float:
        """E[Q | record], the expected multiplier on the incident rate and the hazard."""
        return float(self.weights @ vendor_quality(self.spread, self.grid))

    def cdf(self, z: float) -> float:
        """P(Z ≤ z | record)."""
        return float(self.weights[self.grid <= z].sum())

    def p_good(self) -> float:
        """P(the vendor is good: Z < 0 | record)."""
        return float(self.weights[self.grid < 0].sum())

    def p_bad(self) -> float:
        """P(the vendor is of the worst quarter: Z > Φ⁻¹(0.75) | record)."""
        return float(self.weights[self.grid > BAD_QUALITY].sum())

    def draw(self, u) -> np.ndarray:
        """Posterior draws by the inverse transform of uniforms ``u``: the first grid point whose
        cumulative weight reaches u."""
        cdf = np.cumsum(self.weights)
        idx = np.searchsorted(cdf, np.asarray(u, dtype=float), side="left")
        return self.grid[np.minimum(idx, self.grid.size - 1)]


def prior_weights() -> np.ndarray:
    """The standard normal prior on the grid, normalised."""
    w = np.exp(-(GRID**2) / 2)
    return w / w.sum()


def posterior_of(scenario: Scenario, record: Record) -> QualityPosterior:
    """The posterior of a checked record (the prior where the record says nothing)."""
    spread = scenario.vendor_quality_spread
    if spread == 0 or record.months == 0:
        return QualityPosterior(record, float(spread), GRID, prior_weights(), False)
    log_w = -(GRID**2) / 2 + record_log_likelihood(
        GRID, spread, record.incidents, record.exposure, np.asarray(record.hazards)
    )
    top = np.max(log_w)
    if not np.isfinite(top):
        raise RecordError([f"months: no vendor of the model survives {record.months} months at this hazard"])
    w = np.exp(log_w - top)
    w /= w.sum()
    edge = w[np.abs(GRID) > 11.5].sum()
    if edge > EDGE_WEIGHT:
        raise RecordError(
            [
                (
                    f"incidents: {record.incidents} in {record.months} months (the model expects "
                    f"{record.exposure:.3g} from a median vendor) lies beyond any vendor the spread "
                    f"{spread} allows: the posterior reaches 11.5 standard deviations of the prior"
                )
            ]
        )
    posterior = QualityPosterior(record, float(spread), GRID, w, True)
    if posterior.sd() < FINEST:
        raise RecordError(
            [
                (
                    f"incidents: {record.incidents} in {record.months} months pin the vendor's quality "
                    f"more finely than the grid resolves (a posterior sd of {posterior.sd():.2g} in Z, "
                    f"below {FINEST}): a record this long or this extreme is beyond what the model "
                    "can weigh"
                )
            ]
        )
    return posterior


def posterior_quality(scenario: Scenario, *, months, incidents, trust=None) -> QualityPosterior:
    """The posterior of a vendor's quality score Z given its record (docs/model.md, "A vendor's
    record: the posterior of its quality").

    Parameters
    ----------
    scenario
        The scenario whose rules made the record; ``vendor_quality_spread`` must be above 0.
    months
        Months the vendor (the first, signed at the start) has served without failing, 0..H.
    incidents
        Its incidents in those months: the total, or one count per month.
    trust
        The trust in force in those months: one number or one per month (default: the
        scenario's; under ``ramp`` the ramp's own, which needs the incidents month by month).

    Examples
    --------
    >>> s = Scenario(vendor_quality_spread=0.8)
    >>> post = posterior_quality(s, months=6, incidents=4)
    >>> round(post.mean(), 3), round(post.sd(), 3), round(post.p_bad(), 3)
    (1.36, 0.649, 0.853)

    Four incidents in six months where the median vendor has about one (0.88): the vendor is
    likely of the worst quarter (a chance of 0.25 before the record, 0.853 after it).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"posterior_quality needs a Scenario (got {type(scenario).__name__})")
    record = read_record(scenario, months, incidents, trust)
    spread = scenario.vendor_quality_spread
    if isinstance(spread, Distribution) or spread == 0:
        raise RecordError(
            [
                (
                    f"vendor_quality_spread is {spread!r}: a record says something about a vendor's "
                    "quality only where vendors differ (a spread above 0, a number); at 0 every vendor "
                    "is alike and the posterior is the prior"
                )
            ]
        )
    return posterior_of(scenario, record)

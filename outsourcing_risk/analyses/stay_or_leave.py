"""Stay or leave at a review (docs/model.md, "Stay or leave at a review"): the rest of the horizon
simulated from the posterior of the vendor's quality, staying and leaving now on the same random
numbers, and the difference with its error as a claim.

Which runs the claim compares: block b of 10,000 trials of both actions takes the same parameter
draws (``sample_parameters``), the failure, incident and quality streams of block b, and the
vendor under review's quality score from the stream ``record_quality`` (block b): trial i of
*stay* and trial i of *leave* meet the same vendor, the same incidents' uniforms and the same next
vendors, so the difference's error is that of the per-trial differences.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..io.errors import check_seed, check_trials
from ..model.adaptive import Review, simulate_adaptive_block
from ..model.sampling import BLOCK, sample_parameters
from ..model.scenario import Scenario
from ..model.streams import generator
from .claim_checks import register_check
from .claims import Claim, difference, mean_se
from .vendor_record import QualityPosterior, RecordError, posterior_of, read_record

__all__ = ["StayOrLeave", "review_claims", "stay_or_leave"]

#: The anchor of the review's claims.
REVIEW = "review"


@dataclass(frozen=True)
class StayOrLeave:
    """The review's result: the posterior, each action's value per trial (Σ_{t>m} d^t·s_t) and
    the paired difference leave − stay with its standard error."""

    scenario: Scenario
    months: int
    incidents: object  # as given: a total or one count per month
    posterior: QualityPosterior
    stay: np.ndarray
    leave: np.ndarray
    seed: int

    @property
    def n_trials(self) -> int:
        return int(self.stay.size)

    @property
    def difference(self) -> float:
        """Mean of leave − stay over the trials: above 0, leaving now gains."""
        return float(np.mean(self.leave - self.stay))

    @property
    def se(self) -> float:
        """The standard error of :attr:`difference`: the per-trial differences' sd over √n."""
        return mean_se(self.leave - self.stay)


def _check(scenario: Scenario, months) -> None:
    problems = []
    if scenario.exit_trigger_incidents > 0:
        problems.append(
            f"exit_trigger_incidents is {scenario.exit_trigger_incidents}: with an exit trigger the "
            "trigger, not the firm, decides at a review; set it and exit_trigger_window to 0"
        )
    if isinstance(months, int) and months == scenario.horizon_months:
        problems.append(
            f"months must be below the horizon ({scenario.horizon_months}) for a review (got {months}): "
            "no month is left to stay or leave for"
        )
    if problems:
        raise RecordError(problems)


def stay_or_leave(
    scenario: Scenario, *, months, incidents, n_trials: int = 20_000, seed: int = 0
) -> StayOrLeave:
    """What leaving the vendor now gains over staying, at the end of month ``months``, given its
    record (docs/model.md, "Stay or leave at a review").

    Parameters
    ----------
    scenario
        The contract's scenario (no exit trigger; the record's likelihood inputs as numbers).
    months
        Months the vendor (the first) has served, 0 ≤ months < the horizon.
    incidents
        Its incidents in those months: the total, or one count per month (needed under ``ramp``).
    n_trials, seed
        Trials of each action and the seed of all their draws.

    Examples
    --------
    >>> s = Scenario(vendor_quality_spread=1.0, switching_months=2, incident_cost=80_000)
    >>> r = stay_or_leave(s, months=6, incidents=4, n_trials=4_000, seed=1)
    >>> round(r.posterior.p_bad(), 3), round(r.difference, -3), round(r.se, -2)
    (0.899, 264000.0, 8200.0)

    Four incidents in six months (about one expected) make this vendor likely one of the worst
    quarter: leaving now gains about USD 264,000 over staying, 30 standard errors above 0.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"stay_or_leave needs a Scenario (got {type(scenario).__name__})")
    n, seed = check_trials(n_trials), check_seed(seed)
    _check(scenario, months)
    record = read_record(scenario, months, incidents)
    posterior = posterior_of(scenario, record)
    stay: list[np.ndarray] = []
    leave: list[np.ndarray] = []
    for b, lo in enumerate(range(0, n, BLOCK)):
        size = min(BLOCK, n - lo)
        p = sample_parameters(scenario, seed, b, size)
        z = posterior.draw(generator(seed, "record_quality", block=b).random(size))
        for leaving, values in ((False, stay), (True, leave)):
            review = Review(record.months, z, record.trust_next, record.due, record.since_milestone, leaving)
            values.append(_rest(scenario, p, size, seed, b, review))
    return StayOrLeave(
        scenario, record.months, incidents, posterior, np.concatenate(stay), np.concatenate(leave), seed
    )


def _rest(scenario: Scenario, p: dict, size: int, seed: int, b: int, review: Review) -> np.ndarray:
    """The value of months m + 1..H of block ``b`` for one action."""
    path = np.empty((size, scenario.horizon_months))
    block = simulate_adaptive_block(
        scenario,
        p,
        size,
        generator(seed, "failures", block=b),
        generator(seed, "incidents", block=b),
        generator(seed, "quality", block=b),
        path,
        review,
    )
    return block.npv


def review_claims(result: StayOrLeave) -> list[Claim]:
    """The review as a claim: ``review/leave_now``, leave − stay with its error (higher: leaving
    now gains; lower: staying does; none: the record cannot tell at this error). Its ``detail``
    holds the record (months, incidents in all), each action's mean value, the posterior chance
    that the vendor is of the worst quarter, and whether the record could say anything
    (``informative``: vendors differ and the vendor served at least a month).

    Examples
    --------
    >>> s = Scenario(vendor_quality_spread=1.0, switching_months=2, incident_cost=80_000)
    >>> (claim,) = review_claims(stay_or_leave(s, months=6, incidents=1, n_trials=4_000, seed=1))
    >>> claim.key, claim.direction, claim.detail["incidents"]
    ('review/leave_now', 'lower', 1)

    After one incident in six months staying gains (the difference is below 0 by more than two
    standard errors); :func:`~outsourcing_risk.present.review_words.review_sentence` says so.
    """
    record = result.posterior.record
    given = result.incidents
    incidents = int(given) if isinstance(given, numbers.Integral) else [int(v) for v in given]  # type: ignore[attr-defined]
    evidence = {
        "method": "stay_or_leave",
        "scenario": result.scenario.to_dict(),
        "months": result.months,
        "incidents": incidents,
        "n_trials": result.n_trials,
        "seed": result.seed,
    }
    return [
        difference(
            "review/leave_now",
            "leave_now",
            result.difference,
            result.se,
            "money",
            section=REVIEW,
            evidence=evidence,
            months=result.months,
            incidents=record.incidents,
            stay=float(result.stay.mean()),
            leave=float(result.leave.mean()),
            p_bad=result.posterior.p_bad() if result.posterior.informative else float("nan"),
            informative=result.posterior.informative,
        )
    ]


@register_check("stay_or_leave")
def _stay_or_leave(ev: Mapping) -> tuple:
    r = stay_or_leave(
        Scenario.from_dict(dict(ev["scenario"])),
        months=int(ev["months"]),
        incidents=ev["incidents"],
        n_trials=int(ev["n_trials"]),
        seed=int(ev["seed"]),
    )
    return r.difference, r.se, {"stay": float(r.stay.mean()), "leave": float(r.leave.mean())}

"""Every random stream of the package, by name: the one place a generator is made.

A stream is ``numpy.random.SeedSequence(seed, spawn_key=KEY)``, its key written here once
(docs/model.md, "Uncertainty and random numbers"). A key may hold slots, filled when the stream is
asked for: ``"block"`` (the block of 10,000 trials), ``"vendor"``, ``"group"``, ``"subcontractor"`` and
``"candidate"`` (their 0-based index). A parameter's stream follows its **name**
(:data:`PARAMETER_STREAMS`), never its place in ``PARAMETERS``, so a parameter added anywhere in
that list changes no other parameter's draws. ``tests/model/test_streams.py`` pins both tables and
fails when a generator is made anywhere else in the package.

Besides streams, two seeds are derived from the seed given: contract i of a book runs the single
model with ``seed + i·2³²`` (:func:`~.portfolio.contract_seed`), and the policy comparison
searches with ``seed + 1`` (:mod:`~outsourcing_risk.analyses.trust_policy`).

>>> spawn_key("vendor_collapse", block=3, vendor=1)
(3, 40, 1)
>>> generator(7, "failures", block=0).standard_exponential(2).round(6).tolist()
[0.689952, 1.061439]
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "PARAMETER_STREAMS",
    "STREAMS",
    "fresh_seed",
    "generator",
    "parameter_generator",
    "sequence",
    "spawn_key",
]

#: Name -> spawn key, slots by name. The numbers are part of the definition of every result:
#: never change one, never reuse one; a new purpose takes a new name and an unused key.
STREAMS: dict[str, tuple[int | str, ...]] = {
    # The single model, per block of trials (docs/model.md, "Uncertainty and random numbers").
    "failures": ("block", 0),  # the g-th standard_exponential(n): every trial's g-th vendor's E
    "incidents": ("block", 1),  # random((n, H)): trial i's uniform of month t at [i, t - 1]
    "quality": ("block", 2),  # the g-th standard_normal(n): every trial's g-th vendor's Z
    "record_quality": ("block", 3),  # a review: random(n), u of the reviewed vendor's posterior Z
    # Analyses of one run (block 0).
    "interview_noise": (0, 7),  # value of information: the interview's ε, one per trial
    "sobol_chance": (0, 8),  # Sobol indices: generate_state(2), the seeds of chance A and chance B
    "candidate_seed": (0, 9, "candidate"),  # choosing among vendors: generate_state(1), its seed
    # A book of contracts, per block (docs/model.md, "A book of contracts").
    "vendor_collapse": ("block", 40, "vendor"),  # standard_exponential(n): E_v
    "vendor_failure_prob": ("block", 41, "vendor"),  # random(n): u of its uncertain failure probability
    "group_shock": ("block", 42, "group"),  # standard_exponential(n): E_g
    "subcontractor_failure": ("block", 43, "subcontractor"),  # standard_exponential(n): E_s
    "vendor_quality": ("block", 44, "vendor"),  # standard_normal(n): a shared vendor's Z_v
    # The seed's own stream, as np.random.default_rng(seed) draws it: only for draws that measure
    # an error, never for a future that is simulated.
    "voi_bootstrap": (),  # value of information: the Bayesian bootstrap's block weights (200 draws)
    "count_fit_resamples": (),  # an incident log's count fit: the goodness-of-fit test's resamples
    "incident_log": (),  # an incident log simulated from known parameters (analyses.incident_simulation)
    "sobol_bootstrap": (),  # Sobol indices: SALib's resamples for the intervals
}
# One more is made by a library from the seed itself: Sobol indices hand ``seed`` to SALib's
# sample(), whose scipy ``qmc.Sobol`` scrambles the design from it in scipy's own way.

#: Parameter name -> its stream (block, number): ``standard_normal(n)``, the normal scores of
#: its draws. Today's numbers (100 + the parameter's place when the table was made); a new
#: parameter takes the next unused number.
PARAMETER_STREAMS: dict[str, int] = {
    "trust": 100,
    "vendor_failure_prob_annual": 101,
    "switching_cost": 102,
    "inhouse_monthly_cost": 103,
    "inhouse_escalation_annual": 104,
    "vendor_monthly_fee": 105,
    "fee_escalation_annual": 106,
    "transition_cost": 107,
    "transition_months": 108,
    "transition_overlap": 109,
    "governance_min": 110,
    "micromanagement_overhead": 111,
    "incident_rate_max": 112,
    "incident_cost": 113,
    "tension_weight": 114,
    "goal_clarity": 115,
    "clarity_weight": 116,
    "selection_score": 117,
    "selection_weight": 118,
    "scope_creep_annual": 119,
    "creep_strain": 120,
    "switching_months": 121,
    "disruption_premium": 122,
    "exit_readiness": 123,
    "exit_plan_upfront_cost": 124,
    "exit_plan_monthly_cost": 125,
    "exit_cost_reduction": 126,
    "exit_time_reduction": 127,
    "horizon_months": 128,
    "discount_rate_annual": 129,
    "trust_step": 130,
    "trust_cut": 131,
    "trust_ceiling": 132,
    "milestone_months": 133,
    "exit_trigger_incidents": 134,
    "exit_trigger_window": 135,
    "vendor_quality_spread": 136,
}


def spawn_key(name: str, **slots: int) -> tuple[int, ...]:
    """The spawn key of stream ``name`` with its slots filled (``block=``, ``vendor=``...)."""
    if name not in STREAMS:
        raise KeyError(f"no random stream named {name!r}: add it to outsourcing_risk.model.streams.STREAMS")
    key = STREAMS[name]
    missing = [part for part in key if isinstance(part, str) and part not in slots]
    if missing:
        raise TypeError(f"stream {name!r} needs {', '.join(f'{m}=' for m in missing)}")
    return tuple(int(slots[part]) if isinstance(part, str) else part for part in key)


def sequence(seed: int, name: str, **slots: int) -> np.random.SeedSequence:
    """The ``SeedSequence`` of stream ``name`` (for ``generate_state``)."""
    return np.random.SeedSequence(seed, spawn_key=spawn_key(name, **slots))


def generator(seed: int, name: str, **slots: int) -> np.random.Generator:
    """The generator of stream ``name``: ``default_rng(SeedSequence(seed, spawn_key=...))``."""
    return np.random.default_rng(sequence(seed, name, **slots))


def parameter_generator(seed: int, block: int, name: str) -> np.random.Generator:
    """The generator of parameter ``name``'s draws in block ``block``: spawn key (block, its number)."""
    if name not in PARAMETER_STREAMS:
        raise KeyError(
            f"parameter {name!r} has no random stream: give it the next unused number in "
            "outsourcing_risk.model.streams.PARAMETER_STREAMS"
        )
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, PARAMETER_STREAMS[name])))


def fresh_seed() -> int:
    """A seed from fresh entropy (the operating system's), for a run given none; it is recorded."""
    return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]

"""Many simulations at once: in this process, on a ``concurrent.futures`` executor, or on a dask
cluster.

The analyses (:func:`~outsourcing_risk.sweep`, :func:`~outsourcing_risk.trust_curve`,
:func:`~outsourcing_risk.grid`, :func:`~outsourcing_risk.analyses.tornado`) take ``executor=``:

- ``None`` (the default) runs every point here, one after the other;
- a :class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, say) spreads the points over
  its workers;
- a ``dask.distributed.Client`` spreads them over a cluster (a ``LocalCluster`` on this machine,
  or workers on other machines: they need ``outsourcing-risk`` installed, not this folder).

Each point is one :func:`~outsourcing_risk.simulate` call with the analysis's seed and trials, so
the numbers are identical wherever it runs; only its summary figures travel back (a few hundred
bytes, where a full 20,000-trial result is about 10 MB).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..model.scenario import Scenario
from ..model.simulation import simulate
from ..model.workload import refuse_beyond

__all__ = ["MAX_FUTURES", "as_executor", "check_work", "pair_differences", "summaries"]


def as_executor(executor):
    """``executor`` as a :class:`concurrent.futures.Executor`: a dask ``Client`` through its own
    adapter, ``client.get_executor()`` (each point a task, never cached as "pure": a point is
    computed where it is asked for); any other object with ``map`` as it is."""
    if callable(getattr(executor, "get_executor", None)):
        executor = executor.get_executor(pure=False)
    if not callable(getattr(executor, "map", None)):
        raise TypeError(
            "executor must be None, a concurrent.futures executor (e.g. ProcessPoolExecutor()) or a "
            f"dask.distributed Client (got {type(executor).__name__})"
        )
    return executor


#: The most simulated futures one analysis may ask for (settings × trials): about three hours of
#: one core at the engine's ~3 µs per 60-month future, far beyond any study in the notebooks.
MAX_FUTURES = 4_000_000_000
_SECONDS_PER_FUTURE = 3e-6
#: What one setting costs besides its futures (the scenario, the run, its summary): ~3 ms, so that
#: a grid of millions of settings at a few trials each is refused too.
_SECONDS_PER_SETTING = 3e-3


def check_work(settings: int, n_trials: int, what: str) -> None:
    """Refuse, before anything is built, an analysis longer than three hours of one core, saying
    what it would cost (:func:`~outsourcing_risk.model.workload.refuse_beyond`); a grid of 2,000 ×
    2,000 settings used to run for ever and fill the memory, at 100 trials for minutes in silence."""
    futures = settings * max(1, int(n_trials))
    refuse_beyond(
        f"{what} of {settings:,} settings at {n_trials:,} trials each ({futures:,} simulated futures)",
        settings * _SECONDS_PER_SETTING + futures * _SECONDS_PER_FUTURE,
        advice="use fewer settings or trials, or spread it over a cluster in parts (executor=)",
    )


def summarise(scenario: Scenario, *, n_trials: int, seed: int, simulate_kwargs: dict) -> pd.Series:
    """The summary figures of one simulation (what travels back from a worker)."""
    kwargs = {"progress": False, **simulate_kwargs}
    return simulate(scenario, n_trials=n_trials, seed=seed, **kwargs).summary()


def summaries(
    scenarios: Sequence[Scenario],
    *,
    n_trials: int,
    seed: int,
    executor=None,
    simulate_kwargs: dict | None = None,
) -> list[pd.Series]:
    """:meth:`SimulationResult.summary` of every scenario, in order, run where ``executor`` says."""
    scenarios = list(scenarios)
    check_work(len(scenarios), n_trials, "an analysis")
    job = functools.partial(summarise, n_trials=n_trials, seed=seed, simulate_kwargs=simulate_kwargs or {})
    if executor is None:
        return [
            simulate(s, n_trials=n_trials, seed=seed, **(simulate_kwargs or {})).summary() for s in scenarios
        ]
    return list(as_executor(executor).map(job, scenarios))


def _pair_difference(pair, *, n_trials: int, seed: int, simulate_kwargs: dict):
    """One pair's summaries and its per-trial difference of NPV (the second less the first)."""
    kwargs = {"progress": False, **simulate_kwargs}
    low, high = (simulate(s, n_trials=n_trials, seed=seed, **kwargs) for s in pair)
    return low.summary(), high.summary(), high.npv - low.npv


def pair_differences(
    pairs: Sequence[tuple[Scenario, Scenario]],
    *,
    n_trials: int,
    seed: int,
    executor=None,
    simulate_kwargs: dict | None = None,
) -> list[tuple[pd.Series, pd.Series, np.ndarray]]:
    """For each pair of scenarios: both summaries and the per-trial difference of NPV (second
    less first), on common random numbers; the difference's standard error and any contrast
    between pairs follow from it. Run where ``executor`` says (a pair per task: 8 bytes a trial
    travel back)."""
    pairs = list(pairs)
    check_work(2 * len(pairs), n_trials, "an analysis")
    job = functools.partial(
        _pair_difference, n_trials=n_trials, seed=seed, simulate_kwargs=simulate_kwargs or {}
    )
    if executor is None:
        return [job(p) for p in pairs]
    return list(as_executor(executor).map(job, pairs))

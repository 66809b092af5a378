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

import pandas as pd

from ..model.scenario import Scenario
from ..model.simulation import simulate

__all__ = ["as_executor", "summaries"]


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
    job = functools.partial(summarise, n_trials=n_trials, seed=seed, simulate_kwargs=simulate_kwargs or {})
    if executor is None:
        return [
            simulate(s, n_trials=n_trials, seed=seed, **(simulate_kwargs or {})).summary() for s in scenarios
        ]
    return list(as_executor(executor).map(job, scenarios))

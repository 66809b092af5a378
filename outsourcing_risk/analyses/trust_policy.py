"""Trust over time: which trust policy and exit trigger serve a scenario best, and the trust path.

docs/model.md, "Comparing policies", is the contract: each policy is chosen on a *search* run and
evaluated on a *check* run with another seed, paired on common random numbers with the best
fixed trust.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io.data import default_values
from ..io.errors import MIN_REPORT_TRIALS, check_trials
from ..model.results import SimulationResult, cvar_of
from ..model.scenario import RAMP_FIELDS, Scenario, require_scenario
from ..model.simulation import simulate
from .claims import tail_mean_se

__all__ = [
    "FIXED_TRUST_GRID",
    "RAMP_GRID",
    "TRIGGER_GRID",
    "WIN_SE",
    "compare_policies",
    "policy_scenario",
    "trust_quantiles",
]

#: Fixed trust levels searched for the best fixed trust.
FIXED_TRUST_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(16))  # 0.20 … 0.95
#: The ramps searched: start (``trust``), step, cut and ceiling. 36 ramps: the corners and
#: middles of the plausible ranges of data/defaults.toml, wide enough to start small or not.
RAMP_GRID = {
    "trust": (0.2, 0.4, 0.6),
    "trust_step": (0.05, 0.1, 0.2),
    "trust_cut": (0.1, 0.3),
    "trust_ceiling": (0.8, 1.0),
}
#: The exit triggers searched with the best ramp: (incidents, window in months).
TRIGGER_GRID = ((2, 6), (3, 6), (2, 12), (3, 12), (4, 12), (6, 24))
#: A policy wins when its mean NPV is above the best fixed trust's by more than this many
#: standard errors of the paired difference.
WIN_SE = 2.0

_NO_TRIGGER = {"exit_trigger_incidents": 0, "exit_trigger_window": 0}


def policy_scenario(scenario: Scenario, policy: str = "fixed", trigger=None, **ramp) -> Scenario:
    """``scenario`` under another trust policy: ``fixed`` (give ``trust=``) or ``ramp`` (give any of
    ``trust`` and the ramp's parameters), with ``trigger=(incidents, window)`` or none. The
    world (costs, hazard, the vendors' spread) stays the scenario's."""
    defaults = default_values()
    changes: dict = {"trust_policy": policy, **_NO_TRIGGER}
    if policy == "fixed":
        changes.update({name: defaults[name] for name in RAMP_FIELDS})
    changes.update(ramp)
    if trigger is not None:
        changes["exit_trigger_incidents"], changes["exit_trigger_window"] = trigger
    return scenario.replace(**changes)


@dataclass(frozen=True)
class _Candidate:
    label: str
    scenario: Scenario
    setting: str

    @property
    def short(self) -> str:
        """The setting in a table's cell."""
        s = self.scenario
        trust = _ramp_setting(s, short=True) if s.trust_policy == "ramp" else _fixed_setting(s)
        return f"{trust}; {_trigger_setting(s, short=True)}" if s.exit_trigger_incidents else trust


def _best(candidates: list[_Candidate], n: int, seed: int) -> _Candidate:
    """The candidate with the highest mean NPV on the search run (the first, on a tie)."""
    means = [simulate(c.scenario, n_trials=n, seed=seed).npv.mean() for c in candidates]
    return candidates[int(np.argmax(means))]


def _search_ramp(scenario: Scenario, n: int, seed: int) -> _Candidate:
    """The best ramp of :data:`RAMP_GRID` on the search run."""
    ramps = [
        policy_scenario(scenario, "ramp", **dict(zip(RAMP_GRID, values, strict=True)))
        for values in itertools.product(*RAMP_GRID.values())
    ]
    return _best([_Candidate("best ramp", s, _ramp_setting(s)) for s in ramps], n, seed)


def _points(share: float) -> str:
    """A change of trust in percentage points: ``5 points``, ``12.5 points``."""
    return f"{share * 100:.3g} points"


def _ramp_setting(s: Scenario, short: bool = False) -> str:
    if short:
        return (
            f"start {s.trust:.0%}, +{s.trust_step * 100:.3g} / −{s.trust_cut * 100:.3g} points per "
            f"{s.milestone_months}-month milestone, at most {s.trust_ceiling:.0%}"
        )
    return (
        f"start at {s.trust:.0%}; {_points(s.trust_step)} more after each milestone of {s.milestone_months} "
        f"months without an incident, {_points(s.trust_cut)} less after one with an incident; at most "
        f"{s.trust_ceiling:.0%}"
    )


def _trigger_setting(s: Scenario, short: bool = False) -> str:
    k, w = s.exit_trigger_incidents, s.exit_trigger_window
    if short:
        return f"leave after {k} incidents in {w} months" if k else "no trigger"
    return f"leave after {k} incidents within {w} months" if k else "no exit trigger"


def compare_policies(
    scenario: Scenario,
    *,
    n_trials: int = 20_000,
    seed: int = 0,
    search_trials: int | None = None,
    given: SimulationResult | None = None,
) -> pd.DataFrame:
    """The scenario's trust policies side by side (docs/model.md, "Comparing policies").

    Rows: ``as given`` (the scenario itself), ``best fixed trust``, ``best ramp`` and ``ramp +
    trigger``. Columns: ``short`` and ``setting`` (the policy in a few words and in full), ``mean_npv``, ``se_npv``, ``p_loss``, ``cvar5``,
    ``p_voluntary_exit``, ``p_left_good``, ``p_kept_bad`` (NaN with a spread of 0: vendors are all
    alike), ``mean_trust``, ``p_failure``, and
    ``gain`` = mean NPV minus the best fixed trust's on the same trials, with ``se_gain`` its
    standard error, and ``gain_vs_given`` ± ``se_vs_given``, the same against the scenario as given
    (what moving to that policy would change), and ``cvar_vs_given`` ± ``cvar_se_vs_given``, the
    change of the worst-5 % average against the scenario as given (a paired bootstrap). The search runs ``search_trials`` trials (default an eighth of ``n_trials``,
    at least 2,000) with seed ``seed + 1``; the table is the check run, ``n_trials`` with ``seed``.
    ``.attrs``: ``winner`` (a row, or None when no policy beats the best fixed trust by more
    than :data:`WIN_SE` standard errors), ``spread`` (the scenario's vendor quality spread) and
    ``scenarios`` (each row's scenario) and ``trust_paths`` (:func:`trust_quantiles` of the best
    ramp and, under the ramp policy, of the scenario as given);
    :func:`outsourcing_risk.present.narrative.policy_sentence` says the conclusion in words.
    ``given``: the scenario's own simulation at ``n_trials`` and ``seed``, if there is one already
    (a report has it), so that it is not run again.

    Examples
    --------
    >>> table = compare_policies(Scenario(), n_trials=4_000, search_trials=1_000, seed=1)
    >>> list(table.index)
    ['as given', 'best fixed trust', 'best ramp', 'ramp + trigger']
    """
    require_scenario(scenario)
    check_trials(n_trials, MIN_REPORT_TRIALS, "the policies are compared by their spread")
    search_n = max(2_000, n_trials // 8) if search_trials is None else search_trials
    search_seed = seed + 1
    fixed = _best(
        [
            _Candidate("best fixed trust", policy_scenario(scenario, trust=t), f"trust {t:.0%}")
            for t in FIXED_TRUST_GRID
        ],
        search_n,
        search_seed,
    )
    ramp = _search_ramp(scenario, search_n, search_seed)
    ramp_ramp = {name: getattr(ramp.scenario, name) for name in ("trust", *RAMP_FIELDS)}
    triggered = [policy_scenario(scenario, "ramp", trigger=kw, **ramp_ramp) for kw in TRIGGER_GRID]
    trigger = _best(
        [_Candidate("ramp + trigger", s, f"{_ramp_setting(s)}; {_trigger_setting(s)}") for s in triggered],
        search_n,
        search_seed,
    )
    as_given = _Candidate("as given", scenario, _given_setting(scenario))
    reuse = (
        given is not None and given.scenario == scenario and given.n_trials == n_trials and given.seed == seed
    )
    results: dict[str, SimulationResult] = {}
    for c in (as_given, fixed, ramp, trigger):
        own = given if c is as_given and reuse else None
        results[c.label] = own if own is not None else simulate(c.scenario, n_trials=n_trials, seed=seed)
    base, given_npv = results["best fixed trust"].npv, results["as given"].npv
    rows = {}
    for c in (as_given, fixed, ramp, trigger):
        rows[c.label] = {"short": c.short, **_row(c.setting, results[c.label], base, given_npv)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["spread"] = scenario.vendor_quality_spread
    table.attrs["winner"] = _winner(table)
    table.attrs["n_trials"], table.attrs["search_trials"] = n_trials, search_n
    table.attrs["scenarios"] = {c.label: c.scenario for c in (as_given, fixed, ramp, trigger)}
    table.attrs["trust_paths"] = {"best ramp": trust_quantiles(results["best ramp"])}
    if scenario.trust_policy == "ramp":
        table.attrs["trust_paths"]["as given"] = trust_quantiles(results["as given"])
    return table


def _fixed_setting(s: Scenario) -> str:
    return f"trust {s.trust:.0%}" if isinstance(s.trust, float) else f"trust {s.trust}"


def _given_setting(s: Scenario) -> str:
    trust = _ramp_setting(s) if s.trust_policy == "ramp" else _fixed_setting(s)
    return f"{trust}; {_trigger_setting(s)}"


def _row(setting: str, result: SimulationResult, base: np.ndarray, given: np.ndarray) -> dict:
    summary, policy = result.summary(), result.policy_summary()
    diff = result.npv - base
    n = diff.size
    against_given = result.npv - given
    return {
        "setting": setting,
        "mean_npv": summary["mean_npv"],
        "se_npv": summary["se_npv"],
        "p_loss": summary["p_loss"],
        "cvar5": summary["cvar5"],
        "p_voluntary_exit": policy["p_voluntary_exit"],
        "p_left_good": policy["p_left_good"],
        "p_kept_bad": policy["p_kept_bad"],
        "mean_trust": policy["mean_trust"],
        "p_failure": policy["p_failure"],
        "gain": float(diff.mean()),
        "se_gain": float(diff.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "gain_vs_given": float(against_given.mean()),
        "se_vs_given": float(against_given.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
        "cvar_vs_given": float(summary["cvar5"] - cvar_of(given)),
        "cvar_se_vs_given": tail_mean_se(given, result.npv),
    }


def _winner(table: pd.DataFrame) -> str | None:
    """The policy row (not "as given") with the largest gain above WIN_SE standard errors."""
    policies = table.loc[["best ramp", "ramp + trigger"]]
    wins = policies[policies["gain"] > WIN_SE * policies["se_gain"]]
    return None if wins.empty else str(wins["gain"].idxmax())


def trust_quantiles(result: SimulationResult, quantiles=(0.1, 0.5, 0.9)) -> pd.DataFrame:
    """Trust by month over the trials with a vendor that month: the ``quantiles`` and the share of
    trials with a vendor (``served``). For a scenario without "Trust over time" rules, its
    constant trust."""
    horizon = result.path.shape[1]
    months = pd.RangeIndex(1, horizon + 1, name="month")
    columns = [f"p{round(q * 100):g}" for q in quantiles]
    if result.trust_path is None:
        trust = result.scenario.trust
        if not isinstance(trust, float):  # a distribution under fixed trust: its draws
            values = np.quantile(result.inputs["trust"], quantiles)
        else:
            values = np.full(len(quantiles), trust)
        frame = pd.DataFrame(np.tile(values, (horizon, 1)), index=months, columns=columns)
        frame["served"] = np.nan
        return frame
    path = result.trust_path.astype(float)
    served = np.isfinite(path)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a month nobody is served: NaN
            values = np.nanquantile(path, quantiles, axis=0).T
    frame = pd.DataFrame(values, index=months, columns=columns)
    frame["served"] = served.mean(axis=0)
    return frame

"""Building trust over time: fixed trust at its best, trust earned by milestones, an exit trigger,
compared in the same futures (docs/model.md, "Comparing policies")."""

from __future__ import annotations

from ..claims import difference, level
from ..trust_policy import compare_policies
from .base import Run, Section, SectionResult

__all__ = ["SECTION"]


def compute(run: Run) -> SectionResult:
    scenario = run.scenario
    out = SectionResult("trust", "Building trust over time")
    if "trust" in scenario.uncertain:
        out.note = "Trust is given as a range here, so the report does not move it."
        return out
    table = compare_policies(scenario, n_trials=run.n_trials, seed=run.seed, given=run.result)
    out.tables["policies"] = table
    scenarios = table.attrs["scenarios"]

    def vs(key: str, row: str, against: str, **detail):
        gain, se = (
            (table.loc[row, "gain_vs_given"], table.loc[row, "se_vs_given"])
            if against == "as given"
            else (table.loc[row, "gain"], table.loc[row, "se_gain"])
        )
        evidence = {
            "method": "paired",
            "a": scenarios[against].to_dict(),
            "b": scenarios[row].to_dict(),
            "n_trials": run.n_trials,
            "seed": run.seed,
            "stat": "mean_npv",
        }
        setting = table.loc[row, "setting"]
        return difference(
            key,
            "trust",
            gain,
            se,
            "money",
            section="trust",
            evidence=evidence,
            policy=row,
            setting=str(setting),
            short=str(table.loc[row, "short"]),
            **detail,
        )

    def tail(key: str, row: str):
        evidence = {
            "method": "paired",
            "a": scenarios["as given"].to_dict(),
            "b": scenarios[row].to_dict(),
            "n_trials": run.n_trials,
            "seed": run.seed,
            "stat": "cvar5",
        }
        return difference(
            key,
            "trust",
            table.loc[row, "cvar_vs_given"],
            table.loc[row, "cvar_se_vs_given"],
            "money",
            section="trust",
            evidence=evidence,
            policy=row,
        )

    same = scenarios["best fixed trust"] == scenario
    out.claims.append(
        vs(
            "action/trust",
            "best fixed trust",
            "as given",
            now=str(table.loc["as given", "setting"]),
            same=bool(same),
            aim="mean",
            also=("trust/tail",),
            tried="another fixed trust",
        )
    )
    out.claims.append(tail("trust/tail", "best fixed trust"))
    out.claims.append(vs("trust/ramp", "best ramp", "best fixed trust"))
    out.claims.append(vs("trust/trigger", "ramp + trigger", "best fixed trust"))
    winner = table.attrs.get("winner")
    if winner is not None:
        out.claims.append(
            vs("action/policy", winner, "as given", aim="mean", also=("policy/tail",), tried="a trust ramp")
        )
        out.claims.append(tail("policy/tail", winner))
    trig = table.loc["ramp + trigger"]
    out.claims.append(
        level(
            "trust/trigger_exits",
            "p_voluntary_exit",
            trig["p_voluntary_exit"],
            _share_se(trig["p_voluntary_exit"], run.n_trials),
            "chance",
            section="trust",
            evidence={
                "method": "summary",
                "scenario": scenarios["ramp + trigger"].to_dict(),
                "n_trials": run.n_trials,
                "seed": run.seed,
                "stat": "p_voluntary_exit",
            },
            spread=float(scenario.vendor_quality_spread),
        )
    )
    return out


def _share_se(p, n: int) -> float:
    from ..claims import binomial_se

    return binomial_se(p, n)


SECTION = Section("trust", "Building trust over time", 60, compute)

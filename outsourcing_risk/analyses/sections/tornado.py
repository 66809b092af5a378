"""What moves the mean saving over the inputs' plausible ranges (the tornado)."""

from __future__ import annotations

from ..claims import difference, level
from ..tornado import tornado
from .base import Run, Section, SectionResult

__all__ = ["SECTION"]


def compute(run: Run) -> SectionResult:
    table = tornado(run.scenario, n_trials=run.n_trials, seed=run.seed)
    top, second = table.index[0], (table.index[1] if len(table) > 1 else None)
    row = table.loc[top]
    claims = [
        level(
            "driver/mean",
            top,
            row["swing"],
            row["swing_se"],
            "money",
            section="tornado",
            evidence=run.evidence("tornado", input=top, stat="swing"),
            low=float(row["low"]),
            high=float(row["high"]),
            npv_low=float(row["npv_low"]),
            npv_high=float(row["npv_high"]),
        )
    ]
    if second is not None:
        claims.append(
            difference(
                "driver/mean_lead",
                top,
                row["swing"] - table.loc[second, "swing"],
                row["lead_se"],
                "money",
                section="tornado",
                evidence=run.evidence("tornado", input=top, stat="lead"),
                second=str(second),
            )
        )
    return SectionResult(
        "tornado",
        "What moves the result",
        tables={"tornado": table},
        claims=claims,
        columns={"top_driver": str(top)},
    )


SECTION = Section("tornado", "What moves the result", 30, compute, columns=("top_driver",))

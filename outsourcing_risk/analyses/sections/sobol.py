"""Which uncertainty causes the spread of the outcome: Sobol indices (SALib), chance included."""

from __future__ import annotations

import math
from typing import Any

from ..claims import difference, level
from ..sobol import CHANCE, sobol_indices
from .base import Run, Section, SectionResult

__all__ = ["SECTION"]

#: SALib's intervals are 95 %: half-width / 1.96 is the standard error.
_Z95 = 1.959963984540054


def compute(run: Run) -> SectionResult:
    out = SectionResult("sobol", "What causes the spread of the outcome")
    if not run.scenario.uncertain:
        return out
    table = sobol_indices(run.scenario, seed=run.seed)
    out.tables["sobol"] = table
    if table.attrs.get("note"):
        out.note = str(table.attrs["note"])
        return out

    def ev(name: str, stat: str) -> dict:
        return {
            "method": "sobol",
            "scenario": run.scenario.to_dict(),
            "seed": run.seed,
            "input": name,
            "stat": stat,
        }

    chance: Any = table.loc[CHANCE]
    out.claims.append(
        level(
            "driver/chance",
            CHANCE,
            chance["first"],
            chance["first_conf"] / _Z95,
            "share",
            section="sobol",
            evidence=ev(CHANCE, "first"),
        )
    )
    inputs = table.drop(index=CHANCE).sort_values("total", ascending=False, kind="stable")
    top = str(inputs.index[0])
    row: Any = inputs.loc[top]
    out.claims.append(
        level(
            "driver/spread",
            top,
            row["total"],
            row["total_conf"] / _Z95,
            "share",
            section="sobol",
            evidence=ev(top, "total"),
            alone=float(row["first"]),
            alone_se=float(row["first_conf"] / _Z95),
        )
    )
    out.claims.append(
        difference(
            "driver/spread_interactions",
            top,
            row["total"] - row["first"],
            math.hypot(row["total_conf"], row["first_conf"]) / _Z95,
            "share",
            section="sobol",
            evidence=ev(top, "interactions"),
        )
    )
    if len(inputs) > 1:
        second = str(inputs.index[1])
        other: Any = inputs.loc[second]
        out.claims.append(
            difference(
                "driver/spread_lead",
                top,
                row["total"] - other["total"],
                math.hypot(row["total_conf"], other["total_conf"]) / _Z95,
                "share",
                section="sobol",
                evidence=ev(top, f"lead:{second}"),
                second=second,
            )
        )
    return out


SECTION = Section("sobol", "What causes the spread of the outcome", 45, compute)

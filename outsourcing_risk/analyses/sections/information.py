"""What learning an uncertain input before signing is worth (the value of information), and what
an interview of the vendor is worth beside its cost (docs/model.md, "Value of information")."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..claims import difference
from ..value_of_information import QUALITY, evppi_table, interview_from_result, learnable_inputs
from .base import Run, Section, SectionResult

__all__ = ["SECTION", "half_uncertainty"]

#: The interview the report values: one that removes half the uncertainty about the vendor's quality.
HALF = 0.5

NOTHING_TO_LEARN = (
    "Every input of this scenario is a single number, so there is nothing uncertain left to learn "
    "before signing. Give an input as a range (low, most likely, high) to see what learning it would be worth."
)


def half_uncertainty(interview) -> tuple[float, float]:
    """The interview's value and error at the accuracy that halves the uncertainty."""
    levels = interview.index.to_numpy(dtype=float)
    return (
        float(np.interp(HALF, levels, interview["value"].to_numpy())),
        float(np.interp(HALF, levels, interview["se"].to_numpy())),
    )


def compute(run: Run) -> SectionResult:
    result = run.result
    learn = learnable_inputs(result)
    out = SectionResult("information", "What is worth learning before signing")
    out.columns = {"evpi": None, "evpi_se": None, "top_input": ""}
    if not learn:
        out.note = NOTHING_TO_LEARN
        return out
    table = evppi_table(result.npv, learn, currency=run.scenario.currency, seed=result.seed)
    out.tables["information"] = table
    evpi: Any = table.loc["all"]
    out.claims.append(
        difference(
            "learn/evpi",
            "all",
            evpi["value"],
            evpi["se"],
            "money",
            section="information",
            evidence=run.evidence("information", input="all"),
            inputs=len(learn),
        )
    )
    inputs = table.drop(index="all")
    top = str(inputs["value"].idxmax())
    out.claims.append(
        difference(
            "learn/top",
            top,
            inputs.loc[top, "value"],
            inputs.loc[top, "se"],
            "money",
            section="information",
            evidence=run.evidence("information", input=top),
        )
    )
    worth = out.claims[-1].significant
    out.columns = {
        "evpi": float(evpi["value"]),
        "evpi_se": float(evpi["se"]),
        "top_input": top if worth else "",
    }
    if QUALITY in learn:
        interview = interview_from_result(result)
        out.tables["interview"] = interview
        value, se = half_uncertainty(interview)
        out.claims.append(
            difference(
                "learn/interview",
                QUALITY,
                value,
                se,
                "money",
                section="information",
                evidence=run.evidence("interview", accuracy=HALF),
                accuracy=HALF,
            )
        )
        if run.interview_cost is not None:
            out.claims.append(
                difference(
                    "action/interview",
                    QUALITY,
                    value - run.interview_cost,
                    se,
                    "money",
                    section="information",
                    evidence=run.evidence("interview", accuracy=HALF, cost=run.interview_cost),
                    cost=run.interview_cost,
                    worth=value,
                    aim="mean",
                    also=(),
                    tried="an interview",
                )
            )
    return out


SECTION = Section(
    "information",
    "What is worth learning before signing",
    40,
    compute,
    columns=("evpi", "evpi_se", "top_input"),
)

"""The outcome's charts: cumulative savings by month (the fan) and the spread of the outcome
(histogram and the chance of saving at least an amount, with the reader's risk appetite drawn)."""

from __future__ import annotations

from .. import plots
from ..wording import chance, sentence
from . import captioned

__all__ = ["HEADING", "INTRO", "render", "render_spread"]

HEADING = "Cumulative savings by month"
INTRO = (
    "How the savings build up over time, nominal (not discounted), after the up-front costs. The bands "
    "hold 50 % and 90 % of the simulated futures, the solid line is the median and the dotted line marks "
    "the <b>break-even month</b>: the first month from which the median cumulative saving stays above zero."
)


def render(result, report) -> list:
    return [plots.fan_chart(report.run.result)]


SPREAD_HEADING = "Spread of the outcome"
SPREAD_INTRO = (
    "The present value of the savings in each simulated future. Red bars are futures in which "
    "outsourcing loses money. The second chart reads as “the chance of saving at least this much”; "
    "the dashed line is your risk appetite."
)


_SIDE = {"within": "within", "outside": "outside", "at the edge": "at the edge of"}


def render_spread(report) -> list:
    """The spread's heading, its sentence and its two charts."""
    claims = {c.key: c for c in report.claims}
    p_loss = claims["outcome/p_loss"]
    limit = report.run.appetite.p_loss
    items = [f'<h2 id="spread">{SPREAD_HEADING}</h2>', f'<p class="or-intro">{SPREAD_INTRO}</p>']
    if limit is not None:
        side = claims["appetite/p_loss"].direction
        items.append(
            sentence(
                f"It loses money in {chance(p_loss.value)} of futures; your appetite accepts at most "
                f"{chance(limit)}, so this is {_SIDE[side]} that limit.",
                [p_loss, claims["appetite/p_loss"]],
                css="or-spread-sentence",
            )
        )
    items.append(plots.npv_histogram(report.run.result))
    items.append(plots.exceedance_chart(report.run.result, appetite=report.run.appetite))
    return captioned(items)

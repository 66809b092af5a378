"""What if? Sliders that redraw the figures in the shared page, with no Python and no network."""

from __future__ import annotations

__all__ = ["HEADING", "INTRO", "WhatIfPage", "render"]

HEADING = "What if? Move the levers"
INTRO = (
    "The meeting's first question is usually “and if the vendor were twice as likely to fail?”. Move trust, "
    "the vendor's failure probability or the switching cost below: the figures and charts follow in this page, "
    "with no Python and no network. The page opens on this report's setting."
)


class WhatIfPage:
    """The interactive page of the scenario, simulated at every position with the report's trials
    and seed; the notebook layer writes it (it carries the command that makes the report again)."""

    def __init__(self, scenario, n_trials: int, seed: int):
        self.scenario, self.n_trials, self.seed = scenario, n_trials, seed


def render(result, report) -> list:
    return [WhatIfPage(report.run.scenario, report.run.n_trials, report.run.seed)]

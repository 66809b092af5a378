"""Weights over a fixed list of items (the goal-clarity checklist, the interview scorecard),
checked one way for both."""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..model.scenario import ScenarioError, did_you_mean, require_mapping

__all__ = ["item_weights"]


def item_weights(
    weights: Mapping[str, float] | None, items: Mapping[str, str], kind: str, context: str
) -> dict:
    """Every item's weight (1 where not given), or a :class:`ScenarioError` listing every problem:
    an unknown item (with a suggestion), a weight that is not a finite number ≥ 0, all weights 0.

    ``kind`` names an item in messages ("checklist item"), ``context`` the whole ("the scorecard
    weights").

    >>> item_weights({"b": 2}, {"a": "A", "b": "B"}, "item", "the test")
    {'a': 1.0, 'b': 2.0}
    """
    if weights is None:
        return dict.fromkeys(items, 1.0)
    require_mapping(weights, "weights", f"a mapping {{{kind}: weight}}")
    problems = [f"unknown {kind} {k!r}{did_you_mean(k, items)}" for k in weights if k not in items]
    full = {k: weights.get(k, 1.0) for k in items}
    problems += [
        f"weight of {k!r} must be a number ≥ 0 (got {w!r})" for k, w in full.items() if not _nonneg(w)
    ]
    if not problems and sum(full.values()) <= 0:
        problems.append(f"at least one {kind.split()[0]} weight must be > 0")
    if problems:
        raise ScenarioError(problems, context)
    return {k: float(v) for k, v in full.items()}


def _nonneg(w) -> bool:
    return isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w >= 0

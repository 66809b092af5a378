"""The estimator behind the value of information: what acting on a regression is worth, and its error.

docs/model.md, "Value of information", "Method" and "Its error", is the contract. For each option
j (an outsourcing decision, or a candidate vendor) E[NPVⱼ | what is learned] is fitted by least
squares on a basis of what is learned (:func:`design`: natural cubic splines, and for several
inputs their pairwise products; Strong, Oakley & Brennan, Medical Decision Making 34(3), 2014).
The value is then not read off the fitted curve (the mean of max(fitted, 0), which noise in the fit
pushes up wherever the fit crosses 0), but estimated honestly by cross-fitting: the trials are cut
into 5 folds; the regression fitted on the other 4 folds chooses, for each trial of a fold, the
option it would take knowing that trial's inputs, and "deciding now" takes the option best on
average over those same 4 folds; the trial's own NPV under the choice made knowing, less its NPV
under the choice made now, is averaged over all trials. So a fit that has learned nothing scores
0 on average, and one that has learned something scores what acting on it gains.

The standard error is a bootstrap of that whole procedure: the trials are cut into 100 blocks,
each block weighted by an exponential draw (the Bayesian bootstrap), 200 times; each time the fits
(to first order in the weights: one Newton step from the unweighted fit), the decision now and the
averages are recomputed with the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from typing import NamedTuple

import numpy as np

from ..model.streams import generator

__all__ = ["BLOCKS", "DRAWS", "FOLDS", "KNOTS", "Estimate", "decision_value", "design", "natural_spline"]

#: Knots of each input's natural cubic spline, at these quantiles of its draws.
KNOTS = (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95)
#: Folds of the cross-fitting: each trial is judged by a fit that did not see it.
FOLDS = 5
#: Blocks of trials the bootstrap weights (whole blocks: the fits need only each block's sums).
BLOCKS = 100
#: Bootstrap draws for the standard error.
DRAWS = 200
#: Array elements per option in one batch of bootstrap draws (small enough to stay in cache).
_BATCH_ELEMENTS = 64_000


class Estimate(NamedTuple):
    """What acting on a regression is worth (``value``, in the net benefit's unit, may be below 0
    when the truth is 0), its bootstrap standard error ``se``, the share of the net benefit's
    variance the fits explain out of fold (``explained``, at least 0) and how many trials' choice
    the fits change from the choice made now (``changed``)."""

    value: float
    se: float
    explained: float
    changed: int


def natural_spline(x: np.ndarray) -> np.ndarray:
    """The columns of a natural cubic spline of ``x`` without the constant: ``x`` standardised and
    one column per inner knot (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning,
    eq. 5.4-5.5). Knots at the :data:`KNOTS` quantiles, each a value the input takes (the
    smallest with at least that share of the draws at or below it), duplicates merged: an input
    with few distinct values (whole months) has one knot per distinct value among those quantiles,
    never more knots than values, and with fewer than 3 knots it is linear. The spline is cubic between its outer knots and linear beyond them. An input
    with a single value has no columns.

    Examples
    --------
    >>> natural_spline(np.arange(100.0)).shape
    (100, 6)
    >>> natural_spline(np.array([1.0, 2.0] * 50)).shape  # two distinct values: linear
    (100, 1)
    """
    x = np.asarray(x, dtype=float)
    scale = x.std()
    if not scale > 0:
        return np.zeros((x.size, 0))
    z = (x - x.mean()) / scale
    knots = np.unique(np.quantile(z, KNOTS, method="inverted_cdf"))
    if knots.size < 3:
        return z[:, None]
    last = knots[-1]

    def d(k: float) -> np.ndarray:
        return (np.maximum(z - k, 0) ** 3 - np.maximum(z - last, 0) ** 3) / (last - k)

    before_last = d(knots[-2])
    return np.column_stack([z] + [d(k) - before_last for k in knots[:-2]])


def design(inputs: Mapping[str, np.ndarray], *, interactions: bool = True) -> np.ndarray:
    """The regression's design: a constant, each input's :func:`natural_spline`, and with several
    inputs (``interactions``) the pairwise products of their standardised values."""
    columns = [natural_spline(np.asarray(v, dtype=float)) for v in inputs.values()]
    n = columns[0].shape[0] if columns else 0
    if interactions and len(columns) > 1:
        linear = [c[:, 0] for c in columns if c.shape[1]]
        columns += [
            (linear[i] * linear[j])[:, None] for i in range(len(linear)) for j in range(i + 1, len(linear))
        ]
    return np.column_stack([np.ones(n), *columns])


def decision_value(
    net_benefits: Sequence[np.ndarray], designs: Sequence[np.ndarray], *, seed: int = 0
) -> Estimate:
    """What choosing among the options after learning is worth, against choosing now, where option
    j's net benefit per trial is ``net_benefits[j]``, what is learned about it is ``designs[j]``
    (rows: trials, as :func:`design` makes), and one more option (in-house) is worth 0.
    Trial i of every option is read together (the options' trials are paired by index). ``seed``
    seeds the bootstrap's weights.

    Examples
    --------
    Learning z before choosing between μ + σz + noise and 0 is worth σφ(μ/σ) + μΦ(μ/σ) − max(μ, 0):

    >>> rng = np.random.default_rng(3)
    >>> z = rng.standard_normal(20_000)
    >>> y = 0.3 + z + 3 * rng.standard_normal(20_000)
    >>> est = decision_value([y], [design({"z": z})])
    >>> abs(est.value - 0.2668) < 2 * est.se
    True
    """
    ys, n = _checked(net_benefits, designs)
    blocks = _blocks(n)
    starts = np.r_[0, np.cumsum(blocks)[:-1]]
    fold_of_block = np.arange(blocks.size) % FOLDS
    # Row 0 weighs every block 1 (the estimate itself); rows 1.. are the bootstrap's draws.
    weights = np.vstack(
        [np.ones(blocks.size), generator(seed, "voi_bootstrap").standard_exponential((DRAWS, blocks.size))]
    )
    grams = [_fold_grams(X, y, starts, blocks, fold_of_block) for X, y in zip(designs, ys, strict=True)]
    total, changed, residual = np.zeros(weights.shape[0]), 0, np.zeros(len(ys))
    for k in range(FOLDS):
        train, test = fold_of_block != k, fold_of_block == k
        rows = _rows(starts, blocks, test)
        fits = [
            _fold_fit(X, y, g, starts, blocks, train, k, weights)
            for X, y, g in zip(designs, ys, grams, strict=True)
        ]
        now = np.vstack([np.zeros(weights.shape[0])] + [m for _, m in fits]).argmax(axis=0)
        local = np.r_[0, np.cumsum(blocks[test])[:-1]]
        gain, (moved, squares) = _gain(fits, [y[rows] for y in ys], [X[rows] for X in designs], now, local)
        total += np.einsum("br,rb->r", gain, weights[:, test])
        changed, residual = changed + moved, residual + squares
    values = total / (weights @ blocks)
    variances = np.array([y.var() * n for y in ys])
    explained = float(np.mean(np.clip(1 - residual / np.where(variances > 0, variances, 1), 0, 1)))
    return Estimate(float(values[0]), float(values[1:].std(ddof=1)), explained, int(changed))


def _checked(net_benefits, designs) -> tuple[list[np.ndarray], int]:
    """The net benefits as float arrays and their common length, after checking that every option
    has one design with a row per trial."""
    ys = [np.asarray(y, dtype=float).ravel() for y in net_benefits]
    n = ys[0].size if ys else 0
    shapes = [(y.size, np.shape(X)[0]) for y, X in zip(ys, designs, strict=False)]
    if not ys or len(ys) != len(designs) or any(a != n or b != n for a, b in shapes):
        raise ValueError(
            "decision_value needs one net benefit and one design per option, each with a value or a "
            f"row per trial (got net benefits of {[y.size for y in ys]} and designs of "
            f"{[np.shape(X) for X in designs]})"
        )
    if not all(np.isfinite(y).all() for y in ys):
        raise ValueError("decision_value needs finite net benefits (got NaN or infinity)")
    return ys, n


def _blocks(n: int) -> np.ndarray:
    """Sizes of the bootstrap's blocks of consecutive trials: :data:`BLOCKS`, or fewer for a short
    run, always a whole number of folds with at least 2 trials each."""
    count = min(BLOCKS, n // 2) // FOLDS * FOLDS
    if count < FOLDS:
        raise ValueError(f"the value of information needs at least {2 * FOLDS} samples (got {n})")
    return np.diff((np.arange(count + 1) * n) // count)


def _fold_grams(X, y, starts, blocks, fold_of_block):
    """Each fold's XᵀX and Xᵀy, so that a fit on all folds but one is a difference."""
    out = []
    for k in range(FOLDS):
        rows = _rows(starts, blocks, fold_of_block == k)
        out.append((X[rows].T @ X[rows], X[rows].T @ y[rows]))
    return out


def _rows(starts, blocks, chosen) -> np.ndarray:
    """The trials of the ``chosen`` blocks, in order."""
    return np.concatenate([np.arange(starts[b], starts[b] + blocks[b]) for b in np.flatnonzero(chosen)])


def _fold_fit(X, y, grams, starts, blocks, train, k, weights):
    """The fit on every fold but ``k`` (its blocks ``train``) for every bootstrap weighting:
    coefficients (draws × columns, the first unweighted) to first order in the weights, and the
    weighted mean net benefit."""
    gram = sum(g for g, _ in grams) - grams[k][0]
    xty = sum(h for _, h in grams) - grams[k][1]
    inverse = np.linalg.pinv(gram, hermitian=True)
    beta = inverse @ xty
    inside = _rows(starts, blocks, train)
    Xt, yt = X[inside], y[inside]
    local = np.r_[0, np.cumsum(blocks[train])[:-1]]
    scores = np.add.reduceat(Xt * (yt - Xt @ beta)[:, None], local, axis=0)  # blocks × columns
    sums = np.add.reduceat(yt, local)
    w = weights[:, train]
    betas = beta + (w - 1) @ scores @ inverse
    return betas, (w @ sums) / (w @ blocks[train])


def _gain(fits, ys, Xs, now, local):
    """Per block of the held-out fold and draw, the sum over its trials of the NPV of the option
    chosen knowing less that of the option chosen now; also, for the unweighted fits, how many
    trials' choice changed and the squared residuals of each option's fit."""
    n, draws = ys[0].size, now.size
    batch = max(1, _BATCH_ELEMENTS // max(n, 1))
    out = np.empty((local.size, draws))
    Y = np.column_stack([np.zeros(n), *ys])
    sums = np.add.reduceat(Y, local, axis=0)  # blocks × options, in-house first
    residual = np.array(
        [float(np.sum((y - X @ b[0]) ** 2)) for (b, _), y, X in zip(fits, ys, Xs, strict=True)]
    )
    changed = 0
    for lo in range(0, draws, batch):
        part = slice(lo, lo + batch)
        fitted = [X @ betas[part].T for (betas, _), X in zip(fits, Xs, strict=True)]
        if len(fitted) == 1:  # one option against 0, the common case
            chosen = ys[0][:, None] * (fitted[0] > 0)
        else:  # the best option, 0 (in-house) among them; exact ties have probability 0
            best = reduce(np.maximum, fitted[1:], np.maximum(fitted[0], 0.0))
            chosen = sum(y[:, None] * (f >= best) for y, f in zip(ys, fitted, strict=True))
        out[:, part] = np.add.reduceat(chosen, local, axis=0) - sums[:, now[part]]
        if lo == 0:
            first = np.column_stack([np.zeros(n)] + [f[:, 0] for f in fitted]).argmax(axis=1)
            changed = int(np.sum(first != now[0]))
    return out, (changed, residual)

"""Fitting distributions to incident data by maximum likelihood (docs/model.md, "Inputs from an
incident log").

Counts of incidents per vendor-month: Poisson against negative binomial (over-dispersion), chosen
by AIC and checked by a Monte Carlo goodness-of-fit test. Positive amounts (how long incidents
last, what they cost): exponential, lognormal, Weibull and gamma, each through
``scipy.stats``' fit on :class:`scipy.stats.CensoredData` (an incident still open is at least as
long as it has been open; a length known to the day lies within an interval), ranked by AIC. Every
estimate carries its standard error, from the observed information (the numerical Hessian of the
log-likelihood); how closely a fit follows the data is the share of the Kaplan–Meier curve's steps
where the fitted curve passes through the curve's 95 % pointwise band.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special, stats

from ..model.streams import generator

__all__ = [
    "FAMILIES",
    "CountFit",
    "CountFits",
    "FamilyFit",
    "Observations",
    "band_agreement",
    "fit_counts",
    "fit_family",
    "rank_families",
    "survival_curve",
]

#: The candidate families of a positive amount, each with its origin at 0.
FAMILIES = {
    "exponential": stats.expon,
    "lognormal": stats.lognorm,
    "Weibull": stats.weibull_min,
    "gamma": stats.gamma,
}
_EMPTY = np.empty(0)


@dataclass(frozen=True)
class Observations:
    """Positive amounts as known: ``exact`` values, ``right`` lower bounds (at least this), and
    intervals ``low``–``high`` (somewhere between)."""

    exact: np.ndarray
    right: np.ndarray = field(default_factory=lambda: _EMPTY)
    low: np.ndarray = field(default_factory=lambda: _EMPTY)
    high: np.ndarray = field(default_factory=lambda: _EMPTY)

    @property
    def n(self) -> int:
        return self.exact.size + self.right.size + self.low.size

    @property
    def n_known(self) -> int:
        """Amounts known, exactly or within an interval (not the lower bounds)."""
        return self.exact.size + self.low.size

    def censored_data(self) -> stats.CensoredData:
        interval = np.column_stack([self.low, self.high]) if self.low.size else None
        return stats.CensoredData(uncensored=self.exact, right=self.right, interval=interval)

    def for_curve(self) -> stats.CensoredData:
        """The Kaplan–Meier view: an interval at its middle (scipy's ``ecdf`` takes no intervals)."""
        middle = (self.low + self.high) / 2
        return stats.CensoredData(uncensored=np.concatenate([self.exact, middle]), right=self.right)

    def loglik(self, family: str, shapes, scale: float) -> float:
        """The log-likelihood of ``family`` with ``shapes`` and ``scale`` (origin 0)."""
        dist, args = FAMILIES[family], (*shapes, 0.0, scale)
        total = np.sum(dist.logpdf(self.exact, *args)) + np.sum(dist.logsf(self.right, *args))
        if self.low.size:
            below = dist.cdf(self.high, *args) - dist.cdf(self.low, *args)
            above = dist.sf(self.low, *args) - dist.sf(self.high, *args)
            with np.errstate(divide="ignore"):
                total += np.sum(np.log(np.maximum(below, above)))
        return float(total)


@dataclass(frozen=True)
class FamilyFit:
    """One family fitted by maximum likelihood: its shapes and scale (origin 0), log-likelihood,
    AIC, and the mean with its standard error."""

    family: str
    shapes: tuple[float, ...]
    scale: float
    loglik: float
    mean: float
    mean_se: float

    @property
    def n_params(self) -> int:
        return len(self.shapes) + 1

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    def frozen(self):
        return FAMILIES[self.family](*self.shapes, scale=self.scale)

    def parameters(self, amount=lambda v: f"{v:,.4g}") -> str:
        """The fitted parameters in the family's usual terms, amounts written by ``amount``."""
        if self.family == "exponential":
            return f"mean {amount(self.scale)}"
        if self.family == "lognormal":
            return f"median {amount(self.scale)}, log-sd {self.shapes[0]:.3g}"
        return f"shape {self.shapes[0]:.3g}, scale {amount(self.scale)}"


def _loglik(obs: Observations, family: str, theta: np.ndarray) -> float:
    """The log-likelihood at log parameters ``theta`` (shapes, then scale); -inf where undefined."""
    values = np.exp(theta)
    with np.errstate(all="ignore"):
        value = obs.loglik(family, values[:-1], values[-1])
    return value if math.isfinite(value) else -math.inf


def _mean(family: str, theta: np.ndarray) -> float:
    values = np.exp(theta)
    return float(FAMILIES[family].mean(*values[:-1], scale=values[-1]))


def _hessian(f, x: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """The Hessian of ``f`` at ``x`` by central differences."""
    k = x.size
    h = np.eye(k) * step
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            out[i, j] = out[j, i] = (
                f(x + h[i] + h[j]) - f(x + h[i] - h[j]) - f(x - h[i] + h[j]) + f(x - h[i] - h[j])
            ) / (4 * step * step)
    return out


def _gradient(f, x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    return np.array([(f(x + d) - f(x - d)) / (2 * step) for d in np.eye(x.size) * step])


def _start(family: str, obs: Observations) -> np.ndarray:
    """Log parameters to start from: the moments of the amounts as known (bounds and middles)."""
    x = np.concatenate([obs.exact, obs.right, (obs.low + obs.high) / 2])
    x = x[x > 0]
    mean = float(x.mean())
    if family == "exponential":
        return np.log([mean])
    if family == "lognormal":
        logs = np.log(x)
        return np.array([math.log(max(float(logs.std()), 0.05)), float(logs.mean())])
    if family == "Weibull":
        return np.array([0.0, math.log(mean)])
    cv2 = max(float(x.var()) / mean**2, 1e-3)
    return np.log([1 / cv2, mean * cv2])


def _mle(family: str, obs: Observations) -> np.ndarray:
    """The maximum of the likelihood in log parameters (Nelder–Mead from the moments; the optimum
    scipy's ``fit`` finds on the same :class:`~scipy.stats.CensoredData`, to 1e-6, tested)."""

    def nll(t):
        return min(-_loglik(obs, family, t), 1e300)

    best = optimize.minimize(
        nll,
        _start(family, obs),
        method="Nelder-Mead",
        options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000},
    )
    return best.x


def fit_family(family: str, obs: Observations) -> FamilyFit:
    """``family`` fitted to ``obs``, with the standard error of its mean from the observed
    information (the inverse Hessian of the negative log-likelihood in log parameters)."""
    theta = _mle(family, obs)
    grad = _gradient(lambda t: _mean(family, t), theta)
    try:
        cov = np.linalg.inv(_hessian(lambda t: -_loglik(obs, family, t), theta))
        variance = float(grad @ cov @ grad)
    except np.linalg.LinAlgError:
        variance = math.nan
    values = np.exp(theta)
    return FamilyFit(
        family=family,
        shapes=tuple(float(v) for v in values[:-1]),
        scale=float(values[-1]),
        loglik=_loglik(obs, family, theta),
        mean=_mean(family, theta),
        mean_se=math.sqrt(variance) if variance > 0 else math.nan,
    )


def rank_families(obs: Observations, families=tuple(FAMILIES)) -> tuple[FamilyFit, ...]:
    """Every family fitted, best (lowest AIC) first.

    >>> rng = np.random.default_rng(1)
    >>> fits = rank_families(Observations(exact=rng.lognormal(1.0, 0.8, 300)))
    >>> fits[0].family, round(fits[0].shapes[0], 2)  # drawn with log-sd 0.8
    ('lognormal', 0.74)
    """
    fits = [fit_family(f, obs) for f in families]
    return tuple(sorted(fits, key=lambda f: f.aic))


def survival_curve(obs: Observations) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The data's share above each amount (Kaplan–Meier: an amount known only to exceed a value
    counts as above it until then; an interval at its middle), at each step ``x``, with its 95 %
    pointwise band (log-log; NaN where the band is undefined, at 0 and 1)."""
    sf = stats.ecdf(obs.for_curve()).sf
    with warnings.catch_warnings():  # "undefined at some observations": where the curve is 0 or 1
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(0.95, method="log-log")
    return sf.quantiles, sf.probabilities, band.low.probabilities, band.high.probabilities


def band_agreement(fit: FamilyFit, obs: Observations) -> float:
    """The share of the Kaplan–Meier curve's steps where the fitted survival curve passes through
    the curve's 95 % pointwise band, steps without a band left out. A true family scores about
    0.96 or more (checked by simulation); a wrong one falls as the data grow."""
    x, _, low, high = survival_curve(obs)
    ends = np.append(x[1:], max(x[-1], obs.right.max(initial=x[-1])))
    fitted = fit.frozen()
    top, bottom = fitted.sf(x), fitted.sf(ends)  # the fitted curve over each step
    ok = np.isfinite(low) & np.isfinite(high)
    inside = (bottom <= high + 1e-12) & (top >= low - 1e-12)
    return float(inside[ok].mean()) if ok.any() else math.nan


# ----- counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountFit:
    """A count family fitted to the counts per period: its mean with its standard error, the
    negative binomial's size r (infinite for the Poisson), log-likelihood and AIC."""

    family: str
    mean: float
    mean_se: float
    size: float
    loglik: float
    n_params: int

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    def pmf(self, k) -> np.ndarray:
        if math.isinf(self.size):
            return stats.poisson.pmf(k, self.mean)
        return stats.nbinom.pmf(k, self.size, self.size / (self.size + self.mean))


@dataclass(frozen=True)
class CountFits:
    """Poisson and negative binomial side by side, the one with the lower AIC chosen, and the
    chosen one's Monte Carlo goodness-of-fit p-value."""

    counts: np.ndarray
    poisson: CountFit
    negative_binomial: CountFit
    gof_p: float
    gof_resamples: int

    @property
    def chosen(self) -> CountFit:
        return self.negative_binomial if self.negative_binomial.aic < self.poisson.aic else self.poisson


def _nb_loglik(values: np.ndarray, weights: np.ndarray, mean: float, size: float) -> float:
    """The negative binomial's log-likelihood of counts ``values`` seen ``weights`` times."""
    ll = (
        special.gammaln(values + size)
        - special.gammaln(size)
        - special.gammaln(values + 1)
        + size * np.log(size / (size + mean))
        + special.xlogy(values, mean / (size + mean))
    )
    return float(weights @ ll)


def _poisson_fit(counts: np.ndarray) -> CountFit:
    mean = float(counts.mean())
    ll = float(np.sum(stats.poisson.logpmf(counts, mean)))
    return CountFit("Poisson", mean, math.sqrt(mean / counts.size), math.inf, ll, 1)


def _nb_fit(counts: np.ndarray, poisson: CountFit) -> CountFit:
    """The negative binomial (variance μ + μ²/r) by maximum likelihood: μ is the sample mean (its
    score equation), r maximises the profile likelihood. No over-dispersion leaves r infinite:
    the Poisson, with one parameter more."""
    mean = poisson.mean
    values, weights = np.unique(counts, return_counts=True)
    values, weights = values.astype(float), weights.astype(float)
    if counts.var(ddof=1) <= mean or mean == 0:
        return CountFit("negative binomial", mean, poisson.mean_se, math.inf, poisson.loglik, 2)
    best = optimize.minimize_scalar(
        lambda lr: -_nb_loglik(values, weights, mean, math.exp(lr)), bounds=(-9.0, 14.0), method="bounded"
    )
    size = math.exp(best.x)
    ll = -float(best.fun)
    if ll <= poisson.loglik or best.x > 13.9:
        return CountFit("negative binomial", mean, poisson.mean_se, math.inf, poisson.loglik, 2)
    se = math.sqrt((mean + mean * mean / size) / counts.size)
    return CountFit("negative binomial", mean, se, size, ll, 2)


def _pearson(counts: np.ndarray, fit: CountFit, top: int) -> float:
    """Pearson's statistic over the cells 0, 1, …, top − 1 and 'top or more'."""
    k = np.arange(top)
    expected = np.append(fit.pmf(k), max(1 - fit.pmf(k).sum(), 1e-300)) * counts.size
    observed = np.bincount(np.minimum(counts, top), minlength=top + 1)
    return float(np.sum((observed - expected) ** 2 / expected))


def _refit(counts: np.ndarray, family: str) -> CountFit:
    poisson = _poisson_fit(counts)
    return poisson if family == "Poisson" else _nb_fit(counts, poisson)


def _draw(fit: CountFit, n: int, rng: np.random.Generator) -> np.ndarray:
    if math.isinf(fit.size):
        return rng.poisson(fit.mean, n)
    return rng.negative_binomial(fit.size, fit.size / (fit.size + fit.mean), n)


def fit_counts(counts, *, seed: int = 0, n_resamples: int = 499) -> CountFits:
    """Poisson and negative binomial fitted to ``counts`` (incidents per period), and a parametric
    bootstrap goodness-of-fit test of the chosen one: Pearson's statistic over the counts' cells,
    its null distribution from ``n_resamples`` samples drawn from the fit and refitted each time.

    >>> fits = fit_counts(np.random.default_rng(3).poisson(2.0, 120), n_resamples=99)
    >>> fits.chosen.family, round(fits.chosen.mean, 2)
    ('Poisson', 2.14)
    """
    counts = np.asarray(counts, dtype=np.int64)
    poisson = _poisson_fit(counts)
    nb = _nb_fit(counts, poisson)
    chosen = nb if nb.aic < poisson.aic else poisson
    top = max(int(counts.max()), 1)
    observed = _pearson(counts, chosen, top)
    rng = generator(seed, "count_fit_resamples")
    exceed = 0
    for _ in range(n_resamples):
        sample = _draw(chosen, counts.size, rng)
        exceed += _pearson(sample, _refit(sample, chosen.family), top) >= observed
    return CountFits(counts, poisson, nb, (exceed + 1) / (n_resamples + 1), n_resamples)

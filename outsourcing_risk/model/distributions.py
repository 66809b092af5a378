"""Probability distributions that a numeric scenario parameter may take instead of a number.

Every distribution is sampled by inverse transform (``ppf`` of a uniform), so the same uniform
always maps to the same quantile. That is what keeps paired comparisons (common random numbers)
smooth: moving a distribution's mode moves every trial's draw in the same direction.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from numbers import Real

import numpy as np
from scipy import special

__all__ = [
    "Distribution",
    "LogNormal",
    "Pert",
    "ThreePoint",
    "Triangular",
    "Uniform",
    "centre",
    "digits",
    "expected",
    "parse_value",
]

_Z90 = 1.2815515655446004  # standard normal 90th percentile
_U_MIN, _U_MAX = 2.0**-1074, 1 - 2.0**-53  # the extreme uniforms a draw can hold


class Distribution:
    """Base class: a one-dimensional distribution with an inverse CDF.

    Its arguments are checked for type on construction (each a real number); whether they make a
    valid distribution (finite, ordered) is :meth:`problems`, which a scenario reports with the
    parameter's name.
    """

    def __post_init__(self) -> None:
        kind = type(self).__name__.lower()
        for name, value in self.__dict__.items():
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(f"{kind}(...): {name} must be a number (got {value!r})")
            try:
                float(value)
            except OverflowError:  # a whole number beyond any double: 10**5000
                size = (
                    f"a {digits(value)}-digit whole number" if isinstance(value, int) else "a larger number"
                )
                raise ValueError(
                    f"{kind}(...): {name} must be a number a double can hold, within ±1.8e308 (got {size})"
                ) from None

    def ppf(self, u: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def problems(self) -> list[str]:
        """Rule violations of the distribution's own arguments (empty when valid)."""
        raise NotImplementedError

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can produce."""
        raise NotImplementedError

    def quantile(self, q: float) -> float:
        return float(self.ppf(np.asarray([q]))[0])

    def mean(self) -> float:
        """Mean, computed from 20,001 evenly spaced quantiles (exact enough for display)."""
        u = (np.arange(20_001) + 0.5) / 20_001
        return float(self.ppf(u).mean())

    def __str__(self) -> str:
        args = ", ".join(_fmt(v) for v in self.__dict__.values())
        return f"{type(self).__name__.lower()}({args})"


def centre(value) -> float:
    """Where an input stands when one number must stand for it: a number is itself, a distribution
    its **median** (the 50 % quantile, which a skewed PERT or lognormal input has inside its range
    and nearer its mode than the mean). The tornado draws its bars around it, the what-if puts its
    own positions around it and the widgets set their sliders to it.

    >>> centre(0.3), round(centre(Pert(0.1, 0.15, 0.5)), 4)
    (0.3, 0.1884)
    """
    return value.quantile(0.5) if isinstance(value, Distribution) else float(value)


def expected(value) -> float:
    """An input's expected value: a number is itself, a distribution its mean. For formulas in
    expected values (the model design's τ*), not for placing an input (see :func:`centre`)."""
    return value.mean() if isinstance(value, Distribution) else float(value)


def digits(n: int) -> int:
    """How many digits a whole number has, without writing it out (Python refuses to write one
    of more than 4,300 digits).

    >>> digits(10**5000), digits(-999)
    (5001, 3)
    """
    n = abs(n)
    return len(str(n)) if n < 10**4000 else math.floor(math.log10(n)) + 1


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e15 else repr(v)


def _finite(*values: float) -> list[str]:
    bad = [v for v in values if not math.isfinite(v)]
    return [f"needs finite numbers (got {', '.join(_fmt(v) for v in bad)})"] if bad else []


def _ordered(lo: float, mode: float, hi: float) -> list[str]:
    if _finite(lo, mode, hi):
        return _finite(lo, mode, hi)
    if not lo <= mode <= hi:
        return [f"needs low ≤ mode ≤ high (got {_fmt(lo)}, {_fmt(mode)}, {_fmt(hi)})"]
    if lo == hi:
        return [f"needs low < high (got {_fmt(lo)} and {_fmt(hi)})"]
    return []


@dataclass(frozen=True)
class ThreePoint(Distribution):
    """A distribution from a three-point estimate: low ≤ mode ≤ high, low < high, all finite."""

    low: float
    mode: float
    high: float

    def problems(self) -> list[str]:
        return _ordered(self.low, self.mode, self.high)

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclass(frozen=True)
class Pert(ThreePoint):
    """Beta-PERT: a smooth bounded distribution from a three-point estimate."""

    def ppf(self, u):
        width = self.high - self.low
        a = 1 + 4 * (self.mode - self.low) / width
        b = 1 + 4 * (self.high - self.mode) / width
        return self.low + width * special.betaincinv(a, b, u)

    def mean(self) -> float:
        return (self.low + 4 * self.mode + self.high) / 6


@dataclass(frozen=True)
class Triangular(ThreePoint):
    """Triangular distribution from a three-point estimate."""

    def ppf(self, u):
        lo, m, hi = self.low, self.mode, self.high
        u = np.asarray(u, dtype=float)
        cut = (m - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (m - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - m))
        return np.where(u < cut, left, right)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform between two bounds."""

    low: float
    high: float

    def problems(self) -> list[str]:
        if _finite(self.low, self.high):
            return _finite(self.low, self.high)
        if not self.low < self.high:
            return [f"needs low < high (got {_fmt(self.low)} and {_fmt(self.high)})"]
        return []

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def ppf(self, u):
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    def mean(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Lognormal given by its median and 90th percentile (a right-skewed cost estimate)."""

    median: float
    p90: float

    def problems(self) -> list[str]:
        if _finite(self.median, self.p90):
            return _finite(self.median, self.p90)
        if not 0 < self.median < self.p90:
            return [f"needs 0 < median < p90 (got {_fmt(self.median)} and {_fmt(self.p90)})"]
        return []

    @property
    def bounds(self) -> tuple[float, float]:
        """Zero and the largest value a draw can take (the most extreme uniform a double holds)."""
        with np.errstate(over="ignore"):
            return (0.0, float(self.ppf(np.asarray([_U_MAX]))[0]))

    def ppf(self, u):
        sigma = math.log(self.p90 / self.median) / _Z90
        u = np.clip(u, _U_MIN, _U_MAX)  # 0 and 1 exactly would give 0 and infinity
        return self.median * np.exp(sigma * special.ndtri(u))

    def mean(self) -> float:
        sigma = math.log(self.p90 / self.median) / _Z90
        return self.median * math.exp(sigma**2 / 2)


_KINDS: dict[str, type[Distribution]] = {
    "pert": Pert,
    "triangular": Triangular,
    "uniform": Uniform,
    "lognormal": LogNormal,
}
_CALL = re.compile(r"^\s*([a-zA-Z_]+)\s*\((.*)\)\s*$")


def parse_value(text: str) -> float | Distribution:
    """Read a number or a distribution from text such as ``"0.8"`` or ``"pert(1, 2, 4)"``.

    Raises ``ValueError`` with a message that says what form was expected.

    Examples
    --------
    >>> parse_value("pert(0.05, 0.12, 0.25)")
    Pert(low=0.05, mode=0.12, high=0.25)
    >>> parse_value(" 85_000 ")
    85000.0
    """
    text = text.strip()
    match = _CALL.match(text)
    if match is None:
        try:
            return float(text)
        except ValueError:
            raise ValueError(
                f"is not a number or a distribution such as 'pert(low, mode, high)' (got {text!r})"
            ) from None
    kind, body = match.group(1).lower(), match.group(2)
    cls = _KINDS.get(kind)
    if cls is None:
        raise ValueError(f"names an unknown distribution {kind!r}; use one of {', '.join(_KINDS)}")
    fields = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    arity = len(fields)
    try:
        args = [float(part) for part in body.split(",")]
    except ValueError:
        raise ValueError(f"{kind}(...) takes {arity} numbers (got {text!r})") from None
    if len(args) != arity:
        names = ", ".join(fields)
        raise ValueError(f"{kind}(...) takes {arity} numbers ({names}), got {len(args)}")
    return cls(*args)

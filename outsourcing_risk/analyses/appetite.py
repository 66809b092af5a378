"""The reader's risk appetite: the limits a verdict compares the outcome with.

A verdict is not ours to give: "worth it" means "within the risk you are willing to take". The
reader states three limits (docs/analyses.md, "The verdict"); the defaults below are defaults, a
starting point written on every page, not facts:

- ``p_loss``: the largest chance of losing money (NPV below 0) the reader accepts (default 20 %);
- ``p_failure``: the largest chance of a vendor failure within the horizon (default 50 %);
- ``worst5``: the worst-5 % average the reader can live with, an amount of money (a loss is
  negative: ``-500_000`` accepts that the worst 1 future in 20 loses USD 500,000 on average); not set
  by default, because no default amount fits every contract.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..model.scenario import ScenarioError

__all__ = ["APPETITE_FIELDS", "DEFAULT_APPETITE", "RiskAppetite", "appetite_from_values"]

#: The names the limits take as papermill parameters and table columns, and their fields.
APPETITE_FIELDS = {
    "appetite_p_loss": "p_loss",
    "appetite_p_failure": "p_failure",
    "appetite_worst5": "worst5",
}


@dataclass(frozen=True)
class RiskAppetite:
    """Limits of the risk a reader accepts; see the module's docstring. ``None`` sets no limit."""

    p_loss: float | None = 0.20
    p_failure: float | None = 0.50
    worst5: float | None = None

    def __post_init__(self):
        problems = []
        for name in ("p_loss", "p_failure"):
            value = getattr(self, name)
            if value is not None and not _is_chance(value):
                problems.append(
                    f"appetite_{name} must be a chance in [0, 1], e.g. 0.2 for 20 % (got {value!r})"
                )
        if self.worst5 is not None and not _is_amount(self.worst5):
            problems.append(
                f"appetite_worst5 must be an amount of money, negative for a loss (got {self.worst5!r})"
            )
        if problems:
            raise ScenarioError(problems, "the risk appetite")

    @property
    def is_default(self) -> bool:
        return self == DEFAULT_APPETITE

    def as_parameters(self) -> dict:
        """The limits as the report notebook's parameters (``appetite_p_loss`` …)."""
        return {name: getattr(self, field) for name, field in APPETITE_FIELDS.items()}


def _is_chance(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and 0 <= value <= 1


def _is_amount(value) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
        and abs(value) <= 1e12
    )


DEFAULT_APPETITE = RiskAppetite()


def appetite_from_values(values: Mapping) -> RiskAppetite:
    """A :class:`RiskAppetite` from papermill parameters or a table row: ``appetite_p_loss``,
    ``appetite_p_failure``, ``appetite_worst5``. A missing or blank value keeps the default; the
    word ``none`` sets no limit; text that reads as a number is that number; a percentage such as
    ``"15%"`` is 0.15. Anything else is refused, naming it.

    >>> appetite_from_values({"appetite_p_loss": "15%", "appetite_worst5": "-250000"})
    RiskAppetite(p_loss=0.15, p_failure=0.5, worst5=-250000.0)
    """
    given = {}
    problems = []
    for name, fld in APPETITE_FIELDS.items():
        value = values.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        try:
            given[fld] = _read(value, percent=fld != "worst5")
        except ValueError:
            problems.append(f"{name} must be {_rule(fld)} (got {value!r})")
    if problems:
        raise ScenarioError(problems, "the risk appetite")
    return RiskAppetite(**{**DEFAULT_APPETITE.__dict__, **given})


def _rule(fld: str) -> str:
    if fld == "worst5":
        return "an amount of money, negative for a loss, or none"
    return "a chance in [0, 1] (0.2 or 20%), or none"


def _read(value, *, percent: bool):
    from ..io.numbers import NumberError, read_number

    if isinstance(value, bool):
        raise NumberError(str(value))
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if not text:
        raise NumberError(text)
    if text.lower() == "none":
        return None
    if percent and text.endswith("%"):
        return read_number(text[:-1]) / 100
    return read_number(text)

"""The immutable, validated parameter set of one outsourcing decision."""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from numbers import Real

import pandas as pd

from ..io.data import default_values, defaults_table
from ..io.errors import OutsourcingRiskError
from ..io.numbers import NumberError
from ..io.rows import (
    column_problems,
    did_you_mean,
    is_blank,
    name_problems,
    normal_name,
    place_of,
    plain_number_text,
    table_records,
)
from ..io.tables import text_limit
from .currency import check_currency
from .distributions import Distribution, digits, parse_value
from .parameters import PARAMETERS, ParamSpec

__all__ = [
    "AFTER_FAILURE",
    "FIELDS",
    "PERCENT_FIELDS",
    "RAMP_FIELDS",
    "TEXT_FIELDS",
    "TRIGGER_FIELDS",
    "TRUST_POLICIES",
    "UNITS",
    "Scenario",
    "ScenarioError",
    "did_you_mean",
    "is_blank",
    "normal_name",
    "require_mapping",
    "require_scenario",
    "row_values",
    "scenarios_from_table",
    "table_rows",
    "unknown_name_problems",
]

AFTER_FAILURE = ("insource", "replace")
#: Descriptive fields that the model does not use but reports carry (shown escaped in HTML).
TEXT_FIELDS = ("name", "notes", "currency")
_TEXT_DEFAULTS = {"name": "Base case", "notes": "", "currency": "USD"}
_NUMERIC = tuple(p.name for p in PARAMETERS)
FIELDS = (*TEXT_FIELDS, "after_failure", "trust_policy", *_NUMERIC)
#: ``fixed``: trust is one number for the whole horizon; ``ramp``: earned milestone by milestone.
TRUST_POLICIES = ("fixed", "ramp")
#: The parameters only the ramp policy uses; under ``fixed`` they must keep their defaults.
RAMP_FIELDS = ("trust_step", "trust_cut", "trust_ceiling", "milestone_months")
#: The exit trigger: both 0 (no trigger) or both given.
TRIGGER_FIELDS = ("exit_trigger_incidents", "exit_trigger_window")


class ScenarioError(OutsourcingRiskError, ValueError):
    """Every problem found in a scenario's parameters, each naming the field, value and rule."""

    #: The most problems the message lists (all are in :attr:`problems`): 500 unknown columns
    #: printed 500 lines.
    SHOWN = 12

    def __init__(self, problems: list[str], label: str = "scenario"):
        self.problems = list(problems)
        count = len(problems)
        head = f"{count} problem{'s' if count > 1 else ''} in {label}:"
        shown = self.problems[: self.SHOWN]
        if count > self.SHOWN:
            shown.append(f"and {count - self.SHOWN:,} more")
        tail = "Fix the values above; `outsourcing-risk params` lists every parameter with its range."
        super().__init__("\n  - ".join([head, *shown]) + "\n" + tail)


class _Default:
    def __repr__(self) -> str:
        return "<default>"


DEFAULT = _Default()


def unknown_name_problems(names, known=FIELDS) -> list[str]:
    """A problem line for each name that is not a scenario field, with a suggestion."""
    return [f"unknown parameter {n!r}{did_you_mean(str(n), known)}" for n in names if n not in known]


def require_scenario(value, argument: str = "scenario") -> Scenario:
    """``value`` if it is a :class:`Scenario`, else a TypeError that names the argument."""
    if not isinstance(value, Scenario):
        raise TypeError(
            f"{argument} must be a Scenario (got {type(value).__name__}); build one with Scenario(...) "
            "or Scenario.from_dict(row)"
        )
    return value


def require_mapping(value, argument: str, expected: str):
    """``value`` if it is a mapping, else a TypeError naming the argument and what was expected."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{argument} must be {expected} (got {type(value).__name__})")
    return value


def _as_given(raw) -> str:
    """A value as the user gave it, for a message: the cell's text, or the number's exact repr
    (``60.000000001``, not ``60``; ``1000000000000.001``, not ``1e+12``)."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, float):  # every digit it has; a whole number without its ".0"
        return str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    return str(raw)


def _coerce_number(p: ParamSpec, raw, problems: list[str]):
    value = raw
    if isinstance(raw, str):
        try:
            value = parse_value(raw)
        except ValueError as exc:
            problems.append(f"{p.name} {exc}")
            return None
    if isinstance(value, Distribution):
        return _check_distribution(p, value, problems)
    if isinstance(value, bool) or not isinstance(value, Real):
        problems.append(f"{p.name} must be {p.rule()} or a distribution (got {raw!r})")
        return None
    try:
        value = float(value)
    except OverflowError:  # a whole number too large for any float: 10**400
        problems.append(
            f"{p.name} must be {p.bounds(math.inf if value > 0 else -math.inf)} "
            f"(got a {digits(value)}-digit number)"
        )
        return None
    if not math.isfinite(value):
        problems.append(f"{p.name} must be a finite number (got {_as_given(raw)})")
        return None
    if not p.low <= value <= p.high:
        problems.append(f"{p.name} must be {p.bounds(value)} (got {_as_given(raw)})")
        return None
    if p.integer:
        if value != round(value):
            problems.append(f"{p.name} must be a whole number of {p.unit} (got {_as_given(raw)})")
            return None
        return int(value)
    return value


def _check_distribution(p: ParamSpec, dist: Distribution, problems: list[str]):
    if not p.random:
        problems.append(f"{p.name} must be a fixed number, not a distribution (got {dist})")
        return None
    own = dist.problems()
    if own:
        problems.extend(f"{p.name}: {dist} {msg}" for msg in own)
        return None
    lo, hi = dist.bounds
    if lo < p.low or hi > p.high:
        problems.append(
            f"{p.name}: {dist} can reach values outside the allowed range "
            f"(must be {p.rule()}; {type(dist).__name__} spans [{lo:g}, {hi:g}])"
        )
        return None
    return dist


def _choice(name: str, raw, choices: tuple[str, ...], problems: list[str]) -> str:
    value = str(raw).strip().lower()
    if value not in choices:
        problems.append(f"{name} must be one of {', '.join(choices)} (got {raw!r})")
    return value


def _policy_problems(values: dict) -> list[str]:
    """What the trust policy and the exit trigger need of each other (docs/model.md, "Trust over
    time"): no parameter may be given that the chosen policy would not use."""
    problems = []
    defaults = default_values()
    if values["trust_policy"] == "fixed":
        for name in RAMP_FIELDS:
            value = values[name]
            if value is not None and value != defaults[name]:
                problems.append(
                    f"{name} is used only by the ramp policy (got {_as_given(value)} with trust_policy "
                    f"'fixed'): set trust_policy to 'ramp', or leave {name} at its default "
                    f"{_as_given(defaults[name])}"
                )
    elif values["trust_policy"] == "ramp":
        start, ceiling = values["trust"], values["trust_ceiling"]
        if isinstance(start, Distribution):
            problems.append(
                f"trust is where every vendor starts under the ramp policy and must be a number, "
                f"not a distribution (got {start})"
            )
        elif start is not None and ceiling is not None and ceiling < start:
            problems.append(
                f"trust_ceiling must be at least the ramp's start, trust = {_as_given(start)} "
                f"(got {_as_given(ceiling)})"
            )
    k, window = values["exit_trigger_incidents"], values["exit_trigger_window"]
    if k is not None and window is not None:
        if k > 0 and window == 0:
            problems.append(
                f"exit_trigger_window must be at least 1 month when exit_trigger_incidents is given "
                f"(got 0 with exit_trigger_incidents = {k}): the trigger counts incidents in a window"
            )
        if k == 0 and window > 0:
            problems.append(
                f"exit_trigger_incidents must be at least 1 when exit_trigger_window is given "
                f"(got 0 with exit_trigger_window = {window}): 0 means no trigger"
            )
    return problems


class Scenario:
    """All parameters of one outsourcing decision, validated and immutable.

    Parameters not given take the sourced defaults of ``data/defaults.toml``. Any numeric
    parameter except ``horizon_months`` may be a distribution, in Python or as text such as
    ``"pert(0.05, 0.12, 0.25)"``. Invalid input raises one :class:`ScenarioError` listing every
    problem.

    Examples
    --------
    >>> s = Scenario(name="Offshore", trust=0.8, vendor_failure_prob_annual="pert(0.03, 0.06, 0.15)")
    >>> s.trust
    0.8
    >>> s.replace(trust=0.5).trust
    0.5
    """

    __slots__ = ("_values",)

    def __init__(self, **values):
        problems = unknown_name_problems(values)
        merged = {**_TEXT_DEFAULTS, **default_values()}
        merged.update({k: v for k, v in values.items() if k in FIELDS})
        clean: dict[str, object] = {}
        for name in TEXT_FIELDS:
            raw = merged[name]
            clean[name] = "" if raw is None else str(raw)
            if len(clean[name]) > text_limit(name):  # as in every table (io.tables)
                problems.append(
                    f"{name} must be at most {text_limit(name):,} characters (got {len(clean[name]):,})"
                )
                clean[name] = clean[name][:40] + "…"
        currency_problem = check_currency(clean["currency"])
        if currency_problem:
            problems.append(currency_problem)
        clean["after_failure"] = _choice("after_failure", merged["after_failure"], AFTER_FAILURE, problems)
        clean["trust_policy"] = _choice("trust_policy", merged["trust_policy"], TRUST_POLICIES, problems)
        for p in PARAMETERS:
            clean[p.name] = _coerce_number(p, merged[p.name], problems)
        problems.extend(_policy_problems(clean))
        if problems:
            label = f"scenario {clean['name']!r}" if clean["name"] else "scenario"
            raise ScenarioError(problems, label)
        object.__setattr__(self, "_values", clean)

    # --- construction helpers
    @classmethod
    def from_dict(cls, mapping: Mapping) -> Scenario:
        """Build from a mapping such as a CSV row; blank cells (``""``, ``None``, NaN) mean default."""
        require_mapping(
            mapping,
            "Scenario.from_dict's argument",
            "a mapping of field names to values, such as a table row",
        )
        return cls(**{str(k): v for k, v in mapping.items() if not is_blank(v)})

    def to_dict(self) -> dict[str, object]:
        """Every field; distributions as text, so the dict round-trips through CSV and papermill."""
        return {k: str(v) if isinstance(v, Distribution) else v for k, v in self._values.items()}

    def replace(self, **changes) -> Scenario:
        """A copy with some fields changed (validated like a new scenario)."""
        return Scenario(**{**self._values, **changes})

    # --- access
    def __getattr__(self, name: str):
        try:
            return self._values[name]
        except (KeyError, AttributeError):
            raise AttributeError(f"Scenario has no field {name!r}{did_you_mean(name, FIELDS)}") from None

    def __setattr__(self, name, value):
        raise AttributeError("Scenario is immutable: use scenario.replace(...) for a changed copy")

    def __dir__(self):
        return [*super().__dir__(), *FIELDS]

    def __eq__(self, other) -> bool:
        return isinstance(other, Scenario) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(self.to_dict().items()))

    def __repr__(self) -> str:
        defaults = {**_TEXT_DEFAULTS, **default_values()}
        values = self.to_dict()
        changed = [f"{k}={values[k]!r}" for k in FIELDS if values[k] != defaults.get(k)]
        return f"Scenario({', '.join(changed)})"

    def __getstate__(self):
        return self._values

    def __setstate__(self, state):
        object.__setattr__(self, "_values", state)

    @property
    def adaptive(self) -> bool:
        """Whether the scenario uses the rules of "Trust over time": a trust ramp, an exit trigger
        or vendors that differ. If not, it is exactly the original model."""
        return (
            self._values["trust_policy"] != "fixed"
            or self._values["exit_trigger_incidents"] > 0
            or self.vendors_differ
        )

    @property
    def vendors_differ(self) -> bool:
        """Whether each vendor has a quality of its own: a spread above 0, or an uncertain one."""
        spread = self._values["vendor_quality_spread"]
        return isinstance(spread, Distribution) or spread > 0

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Names of the parameters given as distributions."""
        return tuple(n for n in _NUMERIC if isinstance(self._values[n], Distribution))

    def table(self) -> pd.DataFrame:
        """Every numeric parameter with its value, unit, default, group and help, for display."""
        defaults = defaults_table()
        rows = [
            {
                "parameter": p.name,
                "value": str(self._values[p.name]),
                "unit": p.unit,
                "default": defaults[p.name]["value"],
                "group": p.group,
                "help": p.help,
            }
            for p in PARAMETERS
        ]
        return pd.DataFrame(rows).set_index("parameter")


Scenario.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=DEFAULT) for n in FIELDS]
)


#: The parameters that are fractions (a share, a chance): a spreadsheet cell formatted as a
#: percentage holds one (15 % is 0.15); in any other column a percentage is refused.
PERCENT_FIELDS = tuple(p.name for p in PARAMETERS if p.unit.startswith(("fraction", "probability")))
#: Each numeric parameter's unit, for messages about a table's cells.
UNITS = {p.name: p.unit for p in PARAMETERS}
_WORD_FIELDS = (*TEXT_FIELDS, "after_failure", "trust_policy")


def row_values(row: Mapping, problems: list[str]) -> dict:
    """The scenario fields of a table row as :class:`Scenario` takes them: blank cells left out
    (they take the default), text written as a plain number read by the one rule of
    :mod:`~outsourcing_risk.io.numbers` (``60,000`` is sixty thousand; ``350.000``, which reads two
    ways, is a problem appended to ``problems``), anything else (a distribution) as written.

    >>> row_values({"name": "A", "switching_cost": "250,000", "trust": ""}, [])
    {'name': 'A', 'switching_cost': 250000.0}
    """
    values = {}
    for key, value in row.items():
        if key not in FIELDS or is_blank(value):
            continue
        try:
            values[key] = value if key in _WORD_FIELDS else plain_number_text(value)
        except NumberError as exc:
            problems.append(f"{key} {exc}")
    return values


def table_rows(table, percent_ok=PERCENT_FIELDS) -> tuple[list[dict], list[str]]:
    """A table of scenario columns as rows, and what a spreadsheet's formats make wrong: a
    percentage in a column that is not a fraction (money), a date in any but the text columns,
    where it reads as ISO text (see :func:`~outsourcing_risk.io.rows.table_records`)."""
    return table_records(table, percent_ok=percent_ok, dates_ok=TEXT_FIELDS, units=UNITS)


def scenarios_from_table(table: pd.DataFrame) -> list[Scenario]:
    """One scenario per row of a scenario table (a CSV file's or a sheet's, as
    :func:`~outsourcing_risk.io.data.load_scenarios` reads it); every bad row and column reported
    at once, each naming its cell (``row 2``, or ``sheet Scenarios, cell F4``).

    Rows are numbered from 1, the first row under the header (a sheet's, as the sheet numbers them).
    """
    place = place_of(table)
    problems = column_problems(table.columns, FIELDS, unknown="unknown parameter {!r}", place=place)
    if "name" not in table.columns:
        problems.append("the table needs a 'name' column naming each scenario")
    if problems:
        raise ScenarioError(problems, "the scenario table's columns")
    rows, formats = table_rows(table)
    names, problems = name_problems([row.get("name") for row in rows], place)
    problems += formats
    scenarios = []
    for i, (row, name) in enumerate(zip(rows, names, strict=True), start=1):
        found: list[str] = []
        values = row_values(row, found)
        values["name"] = name
        try:
            scenario = Scenario.from_dict(values)
        except ScenarioError as exc:
            found += exc.problems
        problems.extend(place.located(i, p, table.columns, name) for p in found)
        if not found:
            scenarios.append(scenario)
    if problems:
        raise ScenarioError(problems, "the scenario table")
    return scenarios

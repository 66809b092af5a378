"""A book of contracts as data: :class:`Contract`, :class:`Book` and the one check both pass
however they are built, in code or from a portfolio table (docs/model.md, "A book of contracts").

A book built in Python refuses exactly what :func:`~.book_table.book_from_table` refuses: the
table reader and ``Book(...)`` call the same rules (:func:`contract_problems`,
:func:`vendor_problems`, :func:`book_problems`), and a :class:`~.scenario.ScenarioError` names
every problem at once, each with its field, the value as given and the rule.

>>> from outsourcing_risk import Scenario
>>> a = Scenario(name="Hosting", vendor_failure_prob_annual=0.05)
>>> b = Scenario(name="Payments", vendor_failure_prob_annual=0.08)
>>> Book((Contract(a, "Atlas"), Contract(b, "Atlas")))
Traceback (most recent call last):
...
outsourcing_risk.model.scenario.ScenarioError: 1 problem in the book 'Book of contracts':
  - contract 'Payments': vendor 'Atlas' has vendor_failure_prob_annual 0.08 here but 0.05 in contract 'Hosting': a vendor's collapse, its group and its quality are the same for every contract it runs
Fix the values above; `outsourcing-risk params` lists every parameter with its range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from .distributions import Distribution
from .rules import annual_spend, switch_order
from .scenario import Scenario, ScenarioError

__all__ = [
    "CONTRACT_COLUMNS",
    "Book",
    "Contract",
    "book_problems",
    "check_book",
    "contract_problems",
    "contract_seed",
    "shock_problem",
    "vendor_problems",
]

#: The columns of a portfolio table besides the scenario's (docs/model.md, "A book of contracts").
CONTRACT_COLUMNS = (
    "vendor",
    "vendor_group",
    "group_shock_prob_annual",
    "critical",
    "notice_months",
    "rto_months",
    "subcontractors",
    "subcontractor_failure_prob_annual",
)
#: The longest notice period or recovery-time objective taken, in months (a century).
MAX_MONTHS = 1200


@dataclass(frozen=True)
class Contract:
    """One contract (service) of a book: its scenario (named like the contract), its vendor and
    what a register says of it. Checked when its book is made (:func:`contract_problems`).

    >>> from outsourcing_risk import Scenario
    >>> c = Contract(Scenario(name="Payments", vendor_monthly_fee=50_000), "Atlas", critical=True)
    >>> c.name, c.annual_spend
    ('Payments', 600000.0)
    """

    scenario: Scenario
    vendor: str
    group: str = ""  # a group of closely connected vendors ("" for none)
    critical: bool = False  # supports a critical or important function (DORA Art. 28)
    notice_months: float = math.nan  # notice period: how long an exit may take (NaN: not given)
    rto_months: float = math.nan  # recovery-time objective, in months (NaN: not given)
    subcontractors: tuple[str, ...] = ()  # the subcontractors its service depends on (B_05.02 rank ≥ 2)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def annual_spend(self) -> float:
        """What the contract costs a year at its first-year fee (:func:`.rules.annual_spend`)."""
        return annual_spend(self.scenario.vendor_monthly_fee)


@dataclass(frozen=True)
class Book:
    """Contracts, the annual chance of each group's common shock and of each subcontractor's
    failure, and the switching capacity: how many transitions the firm can run at once (None: as
    many as needed). Refused on construction, every problem at once, as a portfolio table is
    (:func:`check_book`).

    >>> from outsourcing_risk import Scenario
    >>> book = Book(
    ...     (Contract(Scenario(name="Hosting"), "Atlas", "Atlas group"),
    ...      Contract(Scenario(name="Payments"), "Orion")),
    ...     group_shocks={"Atlas group": 0.01},
    ...     capacity=1,
    ... )
    >>> book.vendors, book.groups
    (['Atlas', 'Orion'], ['Atlas group'])
    """

    contracts: tuple[Contract, ...]
    group_shocks: Mapping[str, float] = field(default_factory=dict)
    capacity: int | None = None
    name: str = "Book of contracts"
    subcontractor_shocks: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_book(self)

    @property
    def vendors(self) -> list[str]:
        """Vendor names in the order they first appear."""
        return list(dict.fromkeys(c.vendor for c in self.contracts))

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(c.group for c in self.contracts if c.group))

    @property
    def subcontractors(self) -> list[str]:
        """Subcontractor names in the order they first appear in the contracts' lists."""
        return list(dict.fromkeys(s for c in self.contracts for s in c.subcontractors))

    @property
    def horizon_months(self) -> int:
        return self.contracts[0].scenario.horizon_months

    @property
    def currency(self) -> str:
        return self.contracts[0].scenario.currency

    def shared(self, vendor: str) -> bool:
        """Whether the vendor's collapse is drawn on its own: it runs several contracts, or its
        group has a shock. Otherwise its one contract fails as the single model draws it."""
        rows = [c for c in self.contracts if c.vendor == vendor]
        return len(rows) > 1 or self.group_shocks.get(rows[0].group, 0.0) > 0

    def priority(self) -> list[int]:
        """The order in which switches of one month take the free capacity: critical contracts
        first, then the larger annual spend, then the table's order (:func:`.rules.switch_order`)."""
        return switch_order([c.critical for c in self.contracts], [c.annual_spend for c in self.contracts])

    def replace_contract(self, index: int, **changes) -> Book:
        """The same book with contract ``index`` changed (its vendor, group, scenario...)."""
        contracts = list(self.contracts)
        contracts[index] = replace(contracts[index], **changes)
        return Book(
            tuple(contracts),
            dict(self.group_shocks),
            self.capacity,
            self.name,
            dict(self.subcontractor_shocks),
        )

    def subset(self, indices) -> Book:
        """The book of the contracts ``indices`` only (their seeds stay theirs: see :func:`contract_seed`)."""
        return _Subset(
            tuple(self.contracts),
            dict(self.group_shocks),
            self.capacity,
            self.name,
            dict(self.subcontractor_shocks),
            keep=frozenset(indices),
        )


@dataclass(frozen=True)
class _Subset(Book):
    """A book that simulates some of its contracts only, each with the streams it has in the whole
    book, so that the part's futures are the whole's."""

    keep: frozenset = frozenset()


def contract_seed(seed: int, index: int) -> int:
    """The seed of contract ``index`` (0-based, in the table's order): ``seed + index·2³²``. The
    first contract draws exactly as ``simulate(its scenario, seed=seed)`` does.

    >>> contract_seed(7, 2)
    8589934599
    """
    return int(seed) + int(index) * 2**32


def months_problem(column: str, value, given=None, *, allow_zero: bool) -> str | None:
    """The rule of ``notice_months`` (``allow_zero``: [0, 1200]) and ``rto_months`` ((0, 1200]):
    a problem naming the column and the value as given (``given``, default ``value``), or None.
    NaN is "not given".

    >>> months_problem("rto_months", 0.0, allow_zero=False)
    'rto_months must be a number of months > 0 (got 0.0)'
    """
    shown = value if given is None else given
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and math.isnan(value):
        return None
    if not number or value < 0 or (value == 0 and not allow_zero) or value > MAX_MONTHS:
        return f"{column} must be a number of months {'≥ 0' if allow_zero else '> 0'} (got {shown!r})"
    return None


def shock_problem(column: str, value, given=None) -> str | None:
    """The rule of a chance per year of a shared shock (``group_shock_prob_annual``,
    ``subcontractor_failure_prob_annual``): a number in [0, 1).

    >>> shock_problem("group_shock_prob_annual", 1.0)
    'group_shock_prob_annual must be a chance per year in [0, 1) (got 1.0)'
    """
    shown = value if given is None else given
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        return f"{column} must be a chance per year in [0, 1) (got {shown!r})"
    return None


def contract_problems(contract: Contract) -> list[str]:
    """What one contract must be, whatever built it: a scenario, a vendor's name, a group's name,
    critical yes or no, its notice period and RTO in months, its subcontractors' names."""
    if not isinstance(contract, Contract):
        return [f"each contract must be a Contract (got {type(contract).__name__})"]
    if not isinstance(contract.scenario, Scenario):
        return [f"scenario must be a Scenario (got {type(contract.scenario).__name__})"]
    problems = []
    if not isinstance(contract.vendor, str) or not contract.vendor.strip():
        problems.append(
            f"vendor is empty (got {contract.vendor!r}; contracts with the same vendor share its failures)"
        )
    if not isinstance(contract.group, str):
        problems.append(f"vendor_group must be a name or '' for none (got {contract.group!r})")
    if not isinstance(contract.critical, bool):
        problems.append(f"critical must be True or False (got {contract.critical!r})")
    for column, value, zero in (
        ("notice_months", contract.notice_months, True),
        ("rto_months", contract.rto_months, False),
    ):
        problem = months_problem(column, value, allow_zero=zero)
        if problem:
            problems.append(problem)
    subs = contract.subcontractors
    if not isinstance(subs, tuple) or not all(isinstance(s, str) and s.strip() for s in subs):
        problems.append(f"subcontractors must be a tuple of names (got {subs!r})")
    elif len(set(subs)) < len(subs):
        problems.append(f"subcontractors names one twice (got {'; '.join(subs)!r})")
    return problems


def vendor_problems(contracts, ref: Callable[[int], str]) -> list[tuple[int, str]]:
    """The rule a vendor's contracts share: one ``vendor_failure_prob_annual``, one group and one
    ``vendor_quality_spread`` (a vendor's collapse and its quality). Each problem with the 0-based
    index of the contract that breaks it; ``ref(j)`` names contract j where the problem points
    back to it ("row 2", "contract 'A'")."""
    first: dict[str, tuple[int, str, str, str]] = {}
    out = []
    for i, c in enumerate(contracts):
        s = c.scenario
        rule = (i, str(s.vendor_failure_prob_annual), c.group, str(s.vendor_quality_spread))
        known = first.setdefault(c.vendor, rule)
        if known[1:] == rule[1:]:
            continue
        if known[1] != rule[1]:
            what = f"vendor_failure_prob_annual {rule[1]} here but {known[1]}"
        elif known[2] != rule[2]:
            what = f"vendor_group {rule[2] or '(none)'!r} here but {known[2] or '(none)'!r}"
        else:
            what = f"vendor_quality_spread {rule[3]} here but {known[3]}"
        words = "a vendor's collapse, its group and its quality are the same for every contract it runs"
        out.append((i, f"vendor {c.vendor!r} has {what} in {ref(known[0])}: {words}"))
    return out


def book_problems(book: Book) -> list[str]:
    """Every problem of a book, however it was built: each contract's, each vendor's, each
    group's and subcontractor's chance, the capacity, one horizon, one currency, unique names."""
    if not isinstance(book.contracts, tuple) or not book.contracts:
        return [f"contracts must be a non-empty tuple of Contract (got {book.contracts!r})"]
    problems = [f"contract {_label(c)}: {p}" for c in book.contracts for p in contract_problems(c)]
    if not all(isinstance(c, Contract) and isinstance(c.scenario, Scenario) for c in book.contracts):
        return problems
    names = [c.name for c in book.contracts]
    problems += [f"contract {n!r} is named twice (reports would be confused)" for n in _repeated(names)]
    problems += [
        f"contract {names[i]!r}: {p}"
        for i, p in vendor_problems(book.contracts, lambda j: f"contract {names[j]!r}")
    ]
    problems += _shock_problems(book.group_shocks, book.groups, "group_shock_prob_annual", "vendor group")
    problems += _quality_problems(book)
    problems += _shock_problems(
        book.subcontractor_shocks, book.subcontractors, "subcontractor_failure_prob_annual", "subcontractor"
    )
    capacity = book.capacity
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1):
        problems.append(
            f"the switching capacity must be a whole number of transitions ≥ 1 (got {capacity!r})"
        )
    horizons = {c.scenario.horizon_months for c in book.contracts}
    if len(horizons) > 1:
        problems.append(f"every contract needs the same horizon_months (got {sorted(horizons)})")
    currencies = {c.scenario.currency for c in book.contracts}
    if len(currencies) > 1:
        problems.append(f"every contract needs the same currency (got {', '.join(sorted(currencies))})")
    return problems


def _quality_problems(book: Book) -> list[str]:
    """A vendor whose collapse is shared (several contracts, or a group with a shock) has one
    quality per trial: its ``vendor_quality_spread`` must be a number, not a distribution."""
    out = []
    for vendor in book.vendors:
        c = next(c for c in book.contracts if c.vendor == vendor)
        spread = c.scenario.vendor_quality_spread
        if isinstance(spread, Distribution) and book.shared(vendor):
            out.append(
                f"vendor {vendor!r}: vendor_quality_spread must be a number for a vendor that runs several "
                f"contracts or is in a group with a shock (its quality is one draw per vendor; got {spread})"
            )
    return out


def _shock_problems(shocks: Mapping, named: list[str], column: str, what: str) -> list[str]:
    problems = []
    for key, value in dict(shocks).items():
        problem = shock_problem(column, value)
        if problem:
            problems.append(f"{what} {key!r}: {problem}")
        elif key not in named:
            problems.append(f"{column} is given for {what} {key!r}, which no contract names")
    problems += [
        f"unknown {what} {k!r}: give its {column} (0 when it only names what is shared)"
        for k in named
        if k not in shocks
    ]
    return problems


def _label(contract) -> str:
    scenario = getattr(contract, "scenario", None)
    return repr(scenario.name) if isinstance(scenario, Scenario) else "?"


def _repeated(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]


def check_book(book: Book) -> None:
    """Raise one :class:`ScenarioError` naming every problem of :func:`book_problems`."""
    problems = book_problems(book)
    if problems:
        raise ScenarioError(problems, f"the book {getattr(book, 'name', '?')!r}")

"""A book of contracts: one failure process per vendor, shared by every contract it runs.

docs/model.md, "A book of contracts", is the contract. Each contract is a scenario of the single
model. A vendor's **collapse** (its base hazard, from ``vendor_failure_prob_annual``) is shared
by every contract it runs and, for a group of closely connected vendors, a common shock fails
them all at once; the rest of each contract's hazard (distrust, unclear goals, a weak selection,
scope creep) is its own **relationship** breaking down. Switches that start while others are
under way compete for the firm's switching capacity. A contract alone in the book is the single
model trial for trial.

Trials run in blocks of :data:`~.sampling.BLOCK`; nothing grows with the trials but the book's
and each vendor's NPV per trial (and each contract's first failure month).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..io.errors import check_seed, check_trials
from ..io.rows import (
    Place,
    column_problems,
    is_blank,
    name_problems,
    normal_name,
    place_of,
    read_cell_number,
    yes_no,
    yes_no_problem,
)
from .distributions import Distribution
from .rules import (
    annual_spend,
    calendar,
    collapse_month,
    collapse_rate,
    failure_age,
    hazard_curve,
    monthly_terms,
    relationship_age,
    replacement_start,
    switch_order,
    take_slots,
)
from .sampling import BLOCK, sample_parameters
from .scenario import FIELDS, PERCENT_FIELDS, Scenario, ScenarioError, row_values, table_rows
from .simulation import active_months, settle
from .streams import generator
from .workload import check_book_workload

__all__ = [
    "CONTRACT_COLUMNS",
    "Book",
    "BookResult",
    "Contract",
    "book_from_table",
    "contract_seed",
    "simulate_book",
]

#: The columns of a portfolio table besides the scenario's (docs/model.md, "A book of contracts").
CONTRACT_COLUMNS = (
    "vendor",
    "vendor_group",
    "group_shock_prob_annual",
    "critical",
    "notice_months",
    "rto_months",
)


@dataclass(frozen=True)
class Contract:
    """One contract (service) of a book: its scenario (named like the contract), its vendor and
    what a register says of it."""

    scenario: Scenario
    vendor: str
    group: str = ""  # a group of closely connected vendors ("" for none)
    critical: bool = False  # supports a critical or important function (DORA Art. 28)
    notice_months: float = math.nan  # notice period: how long an exit may take (NaN: not given)
    rto_months: float = math.nan  # recovery-time objective, in months (NaN: not given)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def annual_spend(self) -> float:
        """What the contract costs a year at its first-year fee (:func:`.rules.annual_spend`)."""
        return annual_spend(self.scenario.vendor_monthly_fee)


@dataclass(frozen=True)
class Book:
    """Contracts, the annual chance of each group's common shock, and the switching capacity:
    how many transitions the firm can run at once (None: as many as needed)."""

    contracts: tuple[Contract, ...]
    group_shocks: Mapping[str, float] = field(default_factory=dict)
    capacity: int | None = None
    name: str = "Book of contracts"

    @property
    def vendors(self) -> list[str]:
        """Vendor names in the order they first appear."""
        return list(dict.fromkeys(c.vendor for c in self.contracts))

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(c.group for c in self.contracts if c.group))

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
        contracts[index] = _replace(contracts[index], **changes)
        return Book(tuple(contracts), dict(self.group_shocks), self.capacity, self.name)

    def subset(self, indices) -> Book:
        """The book of the contracts ``indices`` only (their seeds stay theirs: see :func:`contract_seed`)."""
        keep = set(indices)
        return _Subset(
            tuple(self.contracts), dict(self.group_shocks), self.capacity, self.name, frozenset(keep)
        )


@dataclass(frozen=True)
class _Subset(Book):
    """A book that simulates some of its contracts only, each with the streams it has in the whole
    book, so that the part's futures are the whole's."""

    keep: frozenset = frozenset()


def _replace(contract: Contract, **changes) -> Contract:
    from dataclasses import replace

    return replace(contract, **changes)


def contract_seed(seed: int, index: int) -> int:
    """The seed of contract ``index`` (0-based, in the table's order): ``seed + index·2³²``. The
    first contract draws exactly as ``simulate(its scenario, seed=seed)`` does."""
    return int(seed) + int(index) * 2**32


@dataclass
class BookResult:
    """What :func:`simulate_book` returns: per trial, the book's NPV and each vendor's (the sum of
    its contracts') and each shared vendor's collapse month; per contract, running sums for its
    figures (and, when kept, each trial's first failure month; H + 1: none)."""

    book: Book
    seed: int
    npv: np.ndarray  # (trials,)
    vendor_npv: np.ndarray  # (vendors, trials)
    first_failure: np.ndarray | None  # (contracts, trials), int16, with keep_months=True
    collapse: np.ndarray  # (vendors, trials), int16: the month a shared vendor collapses (H + 1: never)
    sums: dict[
        str, np.ndarray
    ]  # per contract: npv, npv2, losses, failed, switches, within_notice, over_rto, disrupted

    @property
    def n_trials(self) -> int:
        return int(self.npv.size)


def simulate_book(
    book: Book,
    n_trials: int = 20_000,
    seed: int = 0,
    *,
    force: Mapping[str, int] | None = None,
    split=(),
    keep_months: bool = False,
    executor=None,
) -> BookResult:
    """Simulate the book (docs/model.md, "A book of contracts").

    ``force``: ``{vendor: month}`` makes each named vendor collapse at the start of that month in
    every future (the deterministic stress "vendor X fails in month 12"), unless a contract's own
    relationship broke down earlier. ``split``: vendors whose collapse is drawn on its own even
    when they run one contract (as a forced vendor's is), so that a run with ``force`` and one
    without meet the same futures. ``keep_months``: keep each contract's first failure month per
    trial (contracts x trials, 2 bytes each; for checks), otherwise only the book's and each
    vendor's NPV per trial are kept. ``executor``: an object with ``map`` (a
    ``concurrent.futures`` executor, or a dask ``Client``'s ``get_executor()``) that runs the blocks
    of 10,000 trials; the numbers are the same wherever they run. A book too large for this
    machine (hours of work, more memory than is free) is refused at once with the estimate
    (:class:`~outsourcing_risk.model.workload.TooMuchWork`).
    """
    if not isinstance(book, Book) or not book.contracts:
        raise TypeError("simulate_book needs a Book with at least one contract (see book_from_table)")
    n_trials, seed = check_trials(n_trials), check_seed(seed)
    check_book(book)
    vendors = book.vendors
    check_book_workload(len(book.contracts), len(vendors), int(n_trials), keep_months=keep_months)
    unknown = sorted(set(force or {}) - set(vendors))
    if unknown:
        raise ValueError(
            f"force names {unknown[0]!r}, which is not a vendor of the book ({', '.join(vendors)})"
        )
    out = _empty(book, int(seed), n_trials, keep_months)
    starts = list(range(0, n_trials, BLOCK))
    job = functools.partial(
        _block_part, book, int(seed), force=dict(force or {}), split=set(split), keep_months=keep_months
    )
    sizes = [min(BLOCK, n_trials - lo) for lo in starts]
    blocks = list(range(len(starts)))
    parts = map(job, blocks, sizes) if executor is None else executor.map(job, blocks, sizes)
    for lo, part in zip(starts, parts, strict=True):  # in block order: the same sums anywhere
        window = slice(lo, lo + part.n_trials)
        out.npv[window] = part.npv
        out.vendor_npv[:, window] = part.vendor_npv
        out.collapse[:, window] = part.collapse
        if out.first_failure is not None and part.first_failure is not None:
            out.first_failure[:, window] = part.first_failure
        for key, values in part.sums.items():
            out.sums[key] += values
    return out


def _empty(book: Book, seed: int, n: int, keep_months: bool) -> BookResult:
    horizon = book.horizon_months
    n_c, n_v = len(book.contracts), len(book.vendors)
    return BookResult(
        book=book,
        seed=seed,
        npv=np.zeros(n),
        vendor_npv=np.zeros((n_v, n)),
        first_failure=np.full((n_c, n), horizon + 1, dtype=np.int16) if keep_months else None,
        collapse=np.full((n_v, n), horizon + 1, dtype=np.int16),
        sums={
            k: np.zeros(n_c)
            for k in ("npv", "npv2", "losses", "failed", "switches", "within_notice", "over_rto", "disrupted")
        },
    )


def _block_part(
    book: Book, seed: int, b: int, n: int, *, force: dict, split: set, keep_months: bool
) -> BookResult:
    """Block ``b`` of ``n`` trials on its own (a task for an executor): its streams are the
    block's, so where it runs changes nothing."""
    part = _empty(book, seed, n, keep_months)
    _block(book, seed, b, 0, n, part, force, split)
    return part


def _active(book: Book) -> list[int]:
    keep = getattr(book, "keep", None)
    return [i for i in range(len(book.contracts)) if keep is None or i in keep]


def _block(book: Book, seed: int, b: int, lo: int, n: int, out: BookResult, force: dict, split: set) -> None:
    horizon = book.horizon_months
    months = calendar(horizon)
    vendors = book.vendors
    active = _active(book)
    shared = {v: book.shared(v) or v in force or v in split for v in vendors}
    # The vendors' and groups' own draws.
    collapse: dict[str, np.ndarray] = {}
    vendor_prob: dict[str, Any] = {}
    group_month = {}
    for g_i, group in enumerate(book.groups):
        p_g = book.group_shocks.get(group, 0.0)
        e_g = generator(seed, "group_shock", block=b, group=g_i).standard_exponential(n)
        group_month[group] = collapse_month(e_g, collapse_rate(p_g), horizon)
    for v_i, vendor in enumerate(vendors):
        if not shared[vendor]:
            continue
        lead = next(c for c in book.contracts if c.vendor == vendor)
        prob = lead.scenario.vendor_failure_prob_annual
        if isinstance(prob, Distribution):
            u = generator(seed, "vendor_failure_prob", block=b, vendor=v_i).random(n)
            prob = prob.ppf(np.clip(u, 1e-12, 1 - 1e-12))
        vendor_prob[vendor] = prob
        e_v = generator(seed, "vendor_collapse", block=b, vendor=v_i).standard_exponential(n)
        month = collapse_month(e_v, collapse_rate(prob), horizon)
        if lead.group in group_month:
            month = np.minimum(month, group_month[lead.group])
        if vendor in force:
            month = np.full(n, int(force[vendor]))
        collapse[vendor] = month
        out.collapse[v_i, lo : lo + n] = np.minimum(month, horizon + 1)

    # Each contract's parameters, money terms, hazard and first failure.
    state = {}
    for i in active:
        contract = book.contracts[i]
        s = contract.scenario
        c_seed = contract_seed(seed, i)
        p = sample_parameters(s, c_seed, b, n)
        if shared[contract.vendor]:
            p["vendor_failure_prob_annual"] = vendor_prob[contract.vendor]
        t = monthly_terms(p, months)
        cum = hazard_curve(p, t.quality, months)
        rng_fail = generator(c_seed, "failures", block=b)
        e0 = rng_fail.standard_exponential(n)
        rows = np.arange(n)
        if shared[contract.vendor]:
            first = np.minimum(
                relationship_age(cum, p["vendor_failure_prob_annual"], e0, months), collapse[contract.vendor]
            )
        else:
            first = failure_age(cum, e0, rows)
        state[i] = {"p": p, "t": t, "cum": cum, "rng": rng_fail, "e": [e0], "c_seed": c_seed}
        state[i]["next"] = np.where(first <= horizon, first, horizon + 1)
        state[i]["gen"] = np.zeros(n, dtype=np.int64)
        state[i]["events"] = []

    _run_months(book, active, state, n, horizon)

    for i in active:
        _settle_contract(book, i, state[i], b, lo, n, out, months)


def _run_months(book: Book, active: list[int], state: dict, n: int, horizon: int) -> None:
    """Month by month: the switches that start, in order (critical first, larger spend, table
    order), take the first free switching slot; a switch that waits stays disrupted while it waits;
    a replacement's failure is drawn from its own exponential, as the single model draws it."""
    order = [i for i in book.priority() if i in state]
    capacity = book.capacity
    free = np.zeros((n, capacity)) if capacity else None
    for month in range(1, horizon + 1):
        for i in order:
            st = state[i]
            idx = np.flatnonzero(st["next"] == month)
            if idx.size == 0:
                continue
            d = np.broadcast_to(np.asarray(st["t"].disruption), (n,))[idx].astype(np.int64)
            wait = take_slots(free, idx, month, d) if free is not None else np.zeros(idx.size, dtype=np.int64)
            length = wait + d
            st["events"].append((idx, np.full(idx.size, month, dtype=np.int64), length))
            if book.contracts[i].scenario.after_failure == "insource":
                st["next"][idx] = horizon + 1
                continue
            # The replacement serves from month + length; its age is 1 then (or the next month).
            start_month = replacement_start(month, length)
            st["next"][idx] = horizon + 1
            alive = idx[start_month <= horizon]
            if alive.size == 0:
                continue
            gen = st["gen"][alive] + 1
            st["gen"][alive] = gen
            while len(st["e"]) <= int(gen.max()):  # drawn in order of generation, n at a time
                st["e"].append(st["rng"].standard_exponential(n))
            e = np.stack(st["e"])[gen, alive]
            age = failure_age(st["cum"], e, alive)
            nxt = start_month[start_month <= horizon] + age - 1
            st["next"][alive] = np.where(nxt <= horizon, nxt, horizon + 1)


def _settle_contract(book: Book, i: int, st: dict, b: int, lo: int, n: int, out: BookResult, months) -> None:
    contract = book.contracts[i]
    horizon = months.size
    t, p = st["t"], st["p"]
    if st["events"]:
        idx = np.concatenate([e[0] for e in st["events"]])
        when = np.concatenate([e[1] for e in st["events"]])
        length = np.concatenate([e[2] for e in st["events"]])
    else:
        idx = when = length = np.zeros(0, dtype=np.int64)
    first_failure = np.zeros(n, dtype=np.int64)
    order = np.argsort(when, kind="stable")[::-1]  # the earliest month written last: it wins
    first_failure[idx[order]] = when[order]
    s = np.empty((n, horizon))
    active_months(s, t.active_saving, p, t.quality, generator(st["c_seed"], "incidents", block=b))
    events = [(idx, when)] if idx.size else []
    npv = settle(contract.scenario, p, t, s, events, [length] if idx.size else [], first_failure)
    window = slice(lo, lo + n)
    out.npv[window] += npv
    out.vendor_npv[book.vendors.index(contract.vendor), window] += npv
    if out.first_failure is not None:
        out.first_failure[i, window] = np.where(first_failure > 0, first_failure, horizon + 1)
    sums = out.sums
    sums["npv"][i] += npv.sum()
    sums["npv2"][i] += np.square(npv).sum()
    sums["losses"][i] += np.count_nonzero(npv < 0)
    sums["failed"][i] += np.count_nonzero(first_failure > 0)
    sums["switches"][i] += idx.size
    if not math.isnan(contract.notice_months):
        sums["within_notice"][i] += np.count_nonzero(length <= contract.notice_months)
    if not math.isnan(contract.rto_months) and idx.size:
        over = np.zeros(n, dtype=bool)
        over[idx[length > contract.rto_months]] = True
        sums["over_rto"][i] += np.count_nonzero(over)
    sums["disrupted"][i] += float(np.minimum(length, horizon + 1 - when).sum())


def book_from_table(rows, *, capacity: int | None = None, name: str = "Book of contracts") -> Book:
    """A :class:`Book` from a portfolio table's rows (a DataFrame of text cells, as
    :func:`~outsourcing_risk.io.data.load_scenarios` reads a CSV file or a sheet, or a list of
    mappings): one row per contract with ``name``, ``vendor`` and any scenario column, and
    optionally ``vendor_group``, ``group_shock_prob_annual``, ``critical`` (yes or no, as
    :func:`~outsourcing_risk.io.rows.yes_no` reads them; blank is no),
    ``notice_months``, ``rto_months``.

    Every problem of every row and column is reported at once in one :class:`ScenarioError`,
    each naming its cell (rows numbered from 1 under the header, or as a sheet numbers them).
    """
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else [dict(r) for r in rows]
    if not records:
        raise ScenarioError(["the table has no rows: add one row per contract"], "the portfolio table")
    place = place_of(rows)
    columns = list(dict.fromkeys(k for r in records for k in r))
    problems = column_problems(
        columns, [*FIELDS, *CONTRACT_COLUMNS], required=("name", "vendor"), place=place
    )
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1):
        problems.append(
            f"the switching capacity must be a whole number of transitions ≥ 1 (got {capacity!r})"
        )
    if problems:
        raise ScenarioError(problems, "the portfolio table")
    table = rows if hasattr(rows, "to_dict") else records
    records, formats = table_rows(table, (*PERCENT_FIELDS, "group_shock_prob_annual"))
    labels, problems = name_problems([r.get("name") for r in records], place)
    problems += formats
    reader = _BookRows(place)
    for i, (row, label) in enumerate(zip(records, labels, strict=True), start=1):
        here = reader.contract(i, row, label)
        problems.extend(place.located(i, p, columns, label) for p in here)
    contracts = reader.contracts
    unknown = sorted({c.group for c in contracts if c.group and c.group not in reader.shocks})
    problems += [
        f"unknown vendor group {g!r}: give its group_shock_prob_annual (0 when the group only names "
        "connected vendors) on at least one of its rows"
        for g in unknown
    ]
    if problems:
        raise ScenarioError(problems, "the portfolio table")
    book = Book(tuple(contracts), {g: v for g, (v, _) in reader.shocks.items()}, capacity, name)
    check_book(book)
    return book


class _BookRows:
    """A portfolio table's rows, one contract at a time: what a vendor's rows and a group's rows
    must share is checked against the first row that gave it."""

    def __init__(self, place: Place) -> None:
        self.place = place
        self.contracts: list[Contract] = []
        self.shocks: dict[str, tuple[float, int]] = {}
        self.vendor_rule: dict[str, tuple[int, str, str]] = {}

    def contract(self, i: int, row: Mapping, label: str) -> list[str]:
        """The problems of row ``i`` (none: its contract is added)."""
        here: list[str] = []
        vendor = normal_name(row.get("vendor", "") or "")
        if not vendor:
            here.append("vendor is empty (contracts with the same vendor share its failures)")
        group = normal_name(row.get("vendor_group", "") or "")
        critical = yes_no(row.get("critical"))
        if critical is None and not is_blank(row.get("critical")):
            here.append(yes_no_problem("critical", row.get("critical")))
        notice = _months(row.get("notice_months"), "notice_months", here, allow_zero=True)
        rto = _months(row.get("rto_months"), "rto_months", here, allow_zero=False)
        self._shock(i, row.get("group_shock_prob_annual"), group, here)
        values = row_values(row, here)
        values["name"] = label or f"row {i}"
        try:
            scenario = Scenario.from_dict(values)
        except ScenarioError as exc:
            here.extend(exc.problems)
            return here
        here.extend(_unsupported(scenario))
        here.extend(self._vendor(i, vendor, scenario, group))
        if not here and label:
            self.contracts.append(Contract(scenario, vendor, group, bool(critical), notice, rto))
        return here

    def _shock(self, i: int, shock, group: str, here: list[str]) -> None:
        if is_blank(shock):
            return
        value, _ = read_cell_number(shock)
        if not group:
            here.append("group_shock_prob_annual is given but vendor_group is empty")
        elif value is None or not 0 <= value < 1:
            here.append(f"group_shock_prob_annual must be a chance per year in [0, 1) (got {shock!r})")
        elif group in self.shocks and self.shocks[group][0] != value:
            here.append(
                f"group_shock_prob_annual {shock!r} differs from {self.place.ref(self.shocks[group][1])}'s for group "
                f"{group!r} (a group has one shock)"
            )
        else:
            self.shocks.setdefault(group, (value, i))

    def _vendor(self, i: int, vendor: str, scenario: Scenario, group: str) -> list[str]:
        rule = (i, str(scenario.vendor_failure_prob_annual), group)
        first = self.vendor_rule.setdefault(vendor, rule)
        if first[1:] == rule[1:]:
            return []
        if first[1] != rule[1]:
            what = f"vendor_failure_prob_annual {rule[1]} here but {first[1]}"
        else:
            what = f"vendor_group {rule[2] or '(none)'!r} here but {first[2] or '(none)'!r}"
        rule_words = "a vendor's collapse and its group are the same for every contract it runs"
        return [f"vendor {vendor!r} has {what} in {self.place.ref(first[0])}: {rule_words}"]


def _months(value, column: str, problems: list[str], *, allow_zero: bool) -> float:
    if is_blank(value):
        return math.nan
    number, _ = read_cell_number(value)
    if number is None or number < 0 or (number == 0 and not allow_zero) or number > 1200:
        rule = "≥ 0" if allow_zero else "> 0"
        problems.append(f"{column} must be a number of months {rule} (got {value!r})")
        return math.nan
    return number


def _unsupported(scenario: Scenario) -> list[str]:
    """Rules of the single model the book does not simulate yet: trust over time."""
    found = []
    if scenario.adaptive:
        found.append(
            "the book does not simulate trust over time yet (trust_policy ramp, an exit trigger, vendors "
            "that differ): leave trust_policy, exit_trigger_incidents and vendor_quality_spread at their "
            "defaults in a portfolio table"
        )
    return found


def check_book(book: Book) -> None:
    """What the joint model needs of a book, however it was built (a table, or contracts in code);
    a :class:`ScenarioError` naming each problem: one horizon, one currency, no rule of "Trust
    over time" (which the book does not simulate: it would be ignored)."""
    problems = [f"contract {c.name!r}: {p}" for c in book.contracts for p in _unsupported(c.scenario)]
    horizons = {c.scenario.horizon_months for c in book.contracts}
    if len(horizons) > 1:
        problems.append(f"every contract needs the same horizon_months (got {sorted(horizons)})")
    currencies = {c.scenario.currency for c in book.contracts}
    if len(currencies) > 1:
        problems.append(f"every contract needs the same currency (got {', '.join(sorted(currencies))})")
    if problems:
        raise ScenarioError(problems, f"the book {book.name!r}")

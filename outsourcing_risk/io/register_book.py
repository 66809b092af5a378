"""The book table (``book_from_table``'s columns) and what travels beside it, built from a
register's records: the rules by which a register's answers become the model's inputs.

- **Fee**: the annual expense / 12, in the book's currency (one currency per register, or the
  mapping's exchange rates); the in-house cost is the fee / ``fee_to_inhouse`` (an assumption).
- **Critical**: yes when any function the arrangement supports is critical (B_06.01 c0050
  ``eba_BT:x28``); a function not assessed (``x21``) counts as critical unless the mapping says
  ``not_assessed_is_critical = false``.
- **RTO**: the strictest (smallest) of its functions' objectives, hours / 730.5 (= 24 × 365.25 / 12).
- **Notice**: the provider's notice period (B_02.02 c0110), days / 30.4375: how long the firm has
  to exit when the provider ends the arrangement.
- **Group**: the provider's ultimate parent (B_05.01 c0110), named by the parent's legal name,
  when two or more of the book's providers share it.
- **After a failure** (:func:`exit_cells`): another provider (``replace``) unless no alternative
  was identified (B_07.01 c0110 ``x29``) or the provider is not substitutable (c0050 ``x959``);
  then the service comes back in-house (``insource``) when reintegration is easy or difficult
  (c0090), after the mapping's ``insource_months``; otherwise ``replace`` after
  ``switching_months`` by substitutability. ``exit_readiness`` from the exit plan (c0080).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from .register_cells import Problems
from .register_mapping import RegisterMapping
from .register_templates import Assessment, Function, Provider, Service, expense

__all__ = ["BOOK_COLUMNS", "DAYS_PER_MONTH", "HOURS_PER_MONTH", "Built", "build", "exit_cells"]

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
HOURS_PER_MONTH = 730.5  # 24 x 30.4375

#: The book table's columns, in order (docs/model.md, "A book of contracts").
BOOK_COLUMNS = (
    "name",
    "vendor",
    "vendor_group",
    "group_shock_prob_annual",
    "critical",
    "notice_months",
    "rto_months",
    "currency",
    "vendor_monthly_fee",
    "inhouse_monthly_cost",
    "after_failure",
    "switching_months",
    "exit_readiness",
)


@dataclass
class Built:
    book: pd.DataFrame
    facts: pd.DataFrame
    terms: pd.DataFrame
    currency: str
    stuck: int  # contracts with neither an alternative provider nor a way back in-house


def exit_cells(a: Assessment | None, assumptions: dict) -> tuple[dict[str, str], bool]:
    """The book's ``after_failure``, ``switching_months`` and ``exit_readiness`` cells from an
    assessment, and whether the contract can neither be replaced nor brought in-house.

    >>> exit_cells(Assessment("easy", "no", "easy", "no"), {"insource_months": {"easy": 6},
    ...     "switching_months": {"easy": 3}, "exit_readiness": {"no": 0.0}})
    ({'after_failure': 'insource', 'switching_months': '6', 'exit_readiness': '0.0'}, False)
    """
    if a is None:
        return {}, False
    cells: dict[str, str] = {}
    replace = a.alternatives != "no" and a.substitutability != "not_substitutable"
    back = assumptions["insource_months"].get(a.reintegration)
    if not replace and back is not None:
        cells = {"after_failure": "insource", "switching_months": str(back)}
    else:
        cells = {"after_failure": "replace"}
        months = assumptions["switching_months"].get(a.substitutability)
        if months is not None:
            cells["switching_months"] = str(months)
    readiness = assumptions["exit_readiness"].get(a.exit_plan)
    if readiness is not None:
        cells["exit_readiness"] = str(readiness)
    return cells, not replace and back is None


def _vendor_names(codes: list[str], found: dict[str, Provider]) -> dict[str, str]:
    """Each provider's legal name; two providers with one name are told apart by their codes."""
    names = {c: " ".join(found[c].name.split()) for c in codes}
    folded: dict[str, list[str]] = {}
    for code, name in names.items():
        folded.setdefault(name.casefold(), []).append(code)
    return {c: (f"{n} ({c})" if len(folded[n.casefold()]) > 1 else n) for c, n in names.items()}


def _groups(codes: list[str], found: dict[str, Provider]) -> dict[str, str]:
    """Provider code -> its group's name, for parents that two or more of the book's providers share."""
    parent = {c: found[c].parent for c in codes}
    count: dict[str, int] = {}
    for p in parent.values():
        count[p] = count.get(p, 0) + 1
    label = {p: (found[p].name if p in found and found[p].name else p) for p in count}
    return {c: label[p] for c, p in parent.items() if count[p] > 1}


def _critical(fs: list[Function]) -> str:
    meanings = {f.criticality for f in fs}
    return "yes" if "yes" in meanings else "not_assessed" if "not_assessed" in meanings else "no"


def _months(value: float | None, per_month: float) -> str:
    return "" if value is None else repr(value / per_month)


def _term(service: Service, reference: date | None) -> list:
    start = service.one("start_date")
    end = service.one("end_date")
    term = math.nan
    if end is not None and reference is not None:
        term = max(0.0, (end - reference).days / DAYS_PER_MONTH)
    return [start.isoformat() if start else "", end.isoformat() if end else "", term]


def _money(records, m: RegisterMapping, problems: Problems) -> tuple[dict[str, float], str]:
    """Each contract's annual expense in the book's currency, and that currency."""
    read = {ref: expense(a, m, problems) for ref, a in records.items()}
    currencies: dict[str, int] = {}
    for _, code in read.values():
        if code:
            currencies[code] = currencies.get(code, 0) + 1
    rates = m.exchange_rates
    if len(currencies) > 1 and not rates:
        listed = ", ".join(
            f"{c} ({n} arrangement{'s' if n > 1 else ''})" for c, n in sorted(currencies.items())
        )
        problems.add(
            f"{m.where('arrangements', 'currency')}",
            f"the register mixes currencies: {listed}; a book has one currency: give the rates in the "
            "mapping's [exchange_rates] (see data/register_mapping.toml)",
        )
    if rates:
        for code in sorted(set(currencies) - set(rates)):
            problems.add(
                m.where("arrangements", "currency"), f"{code} has no rate in the mapping's [exchange_rates]"
            )
    book = m.currency or (next(iter(currencies)) if len(currencies) == 1 else "")
    money = {ref: v * rates.get(c or "", 1.0) for ref, (v, c) in read.items() if v is not None}
    return money, book


def build(records: dict, m: RegisterMapping, reference: date | None, problems: Problems) -> Built | None:
    """The book table, facts and terms from a register's records (None when a problem was found)."""
    svc, assessed = records["services"], records["assessed"]
    refs = list(svc)
    money, book_currency = _money({r: records["arrangements"][r] for r in refs}, m, problems)
    codes = list(dict.fromkeys(svc[r].provider for r in refs))
    vendors = (_vendor_names(codes, records["providers"]), _groups(codes, records["providers"]))
    rows, facts, terms, stuck = [], [], [], 0
    for ref in refs:
        s = svc[ref]
        mine = [records["functions"][k] for k in s.functions]
        exit_, no_way = exit_cells(assessed.get(ref), m.assumptions)
        stuck += no_way
        rows.append({**_row(ref, s, mine, vendors, money.get(ref), book_currency, m.assumptions), **exit_})
        facts.append(_facts(ref, s, mine, assessed.get(ref), records["arrangements"][ref]))
        terms.append([ref, *_term(s, reference), reference.isoformat() if reference else ""])
    if problems.found:
        return None
    return Built(
        pd.DataFrame(rows, columns=list(BOOK_COLUMNS)).fillna(""),
        pd.DataFrame(facts),
        pd.DataFrame(terms, columns=["contract", "start_date", "end_date", "term_months", "reference_date"]),
        book_currency,
        stuck,
    )


def _row(ref: str, s: Service, mine: list[Function], vendors, fee, currency: str, a: dict) -> dict[str, str]:
    """A contract's cells of the book table, but those of :func:`exit_cells`."""
    names, groups = vendors
    criticality = _critical(mine)
    critical = criticality == "yes" or (criticality == "not_assessed" and a["not_assessed_is_critical"])
    rtos = [f.rto_hours for f in mine if f.rto_hours is not None]
    group = groups.get(s.provider, "")
    return {
        "name": ref,
        "vendor": names[s.provider],
        "vendor_group": group,
        "group_shock_prob_annual": str(a["group_shock_prob_annual"]) if group else "",
        "critical": "yes" if critical else "no",
        "notice_months": _months(s.one("notice_days"), DAYS_PER_MONTH),
        "rto_months": _months(min(rtos) if rtos else None, HOURS_PER_MONTH),
        "currency": currency,
        "vendor_monthly_fee": "" if fee is None else f"{fee / 12:.2f}",
        "inhouse_monthly_cost": "" if fee is None else f"{fee / 12 / a['fee_to_inhouse']:.2f}",
    }


def _facts(ref: str, s: Service, mine: list[Function], a: Assessment | None, arrangement) -> dict:
    """What the register says of a contract that the book does not take (yet)."""
    rpos = [f.rpo_hours for f in mine if f.rpo_hours is not None]
    reliance = [r for r in s.reliance if r is not None]
    order = ("not_significant", "low", "material", "full")
    return {
        "contract": ref,
        "provider_code": s.provider,
        "functions": "; ".join(dict.fromkeys(f for f, _ in s.functions)),
        "criticality": _critical(mine),
        "reliance": max(reliance, key=order.index) if reliance else "",
        "entity_notice_days": s.one("entity_notice_days"),
        "notice_days": s.one("notice_days"),
        "rpo_hours": min(rpos) if rpos else None,
        "substitutability": (a.substitutability if a else None) or "",
        "reintegration": (a.reintegration if a else None) or "",
        "alternatives": (a.alternatives if a else None) or "",
        "exit_plan": (a.exit_plan if a else None) or "",
        "annual_expense": arrangement.cells["annual_expense"],
        "currency": arrangement.cells["currency"],
    }

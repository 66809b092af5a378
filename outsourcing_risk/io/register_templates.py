"""Each template of a register read into plain records, keys joined and duplicates refused (never
"last wins"): B_05.01 providers, B_02.01 arrangements, B_06.01 functions, B_02.02 the services
that tie them, B_07.01 assessments and B_05.02 supply chains. Every problem is collected with the
file, the row's key and the column code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .register_cells import Problems, Where, amount, closed, currency, day, hours, whole
from .register_mapping import LISTS, RegisterMapping

__all__ = [
    "Arrangement",
    "Assessment",
    "Function",
    "Provider",
    "Service",
    "arrangements",
    "assessments",
    "functions",
    "providers",
    "services",
    "supply_chain",
]


def _rows(frame: pd.DataFrame, m: RegisterMapping, part: str, key: str):
    """(where, {key: cell}) for every row, rows numbered from 1 under the header."""
    codes = m.columns[part]
    cells = {k: list(frame[c]) if c in frame.columns else [""] * len(frame) for k, c in codes.items()}
    for i in range(len(frame)):
        row = {k: str(v[i]).strip() for k, v in cells.items()}
        yield Where(m.files[part], i + 1, codes[key], row[key]), row


def _worst(part: str, key: str, values) -> str | None:
    """The worst of a list's meanings given (LISTS orders them best first)."""
    order = next(o for p, k, o in LISTS.values() if (p, k) == (part, key))
    given = [v for v in values if v is not None]
    return max(given, key=order.index) if given else None


@dataclass
class Provider:
    name: str
    parent: str
    total_expense: float | None
    row: int


def providers(frame: pd.DataFrame, m: RegisterMapping, problems: Problems) -> dict[str, Provider]:
    """B_05.01 by provider code; a code listed twice is refused."""
    out: dict[str, Provider] = {}
    for where, row in _rows(frame, m, "providers", "id"):
        code = row["id"]
        if not code:
            problems.add(str(where), "the provider's identification code is empty")
            continue
        if code in out:
            first = out[code]
            names = (
                f" with two names, {first.name!r} and {row['name']!r}" if first.name != row["name"] else ""
            )
            problems.add(str(where), f"provider {code!r} is listed again{names} (first on row {first.row})")
            continue
        if not row["name"]:
            problems.add(where.at(m.columns["providers"]["name"]), "the provider's legal name is empty")
        total = amount(
            row.get("total_expense", ""),
            where.at(m.columns["providers"].get("total_expense", "")),
            "the total annual expense",
            problems,
            positive=False,
        )
        out[code] = Provider(row["name"], row.get("parent", "") or code, total, where.row)
    return out


@dataclass
class Arrangement:
    cells: dict
    where: Where


def arrangements(frame: pd.DataFrame, m: RegisterMapping, problems: Problems) -> dict[str, Arrangement]:
    """B_02.01 by reference; its amounts are read only for the arrangements the book takes."""
    out: dict[str, Arrangement] = {}
    for where, row in _rows(frame, m, "arrangements", "reference"):
        ref = row["reference"]
        if not ref:
            problems.add(str(where), "the contractual arrangement's reference is empty")
        elif ref in out:
            first = out[ref].cells
            what = (
                f" with two annual expenses, {first['annual_expense']!r} and {row['annual_expense']!r}"
                if first["annual_expense"] != row["annual_expense"]
                else ""
            )
            problems.add(
                str(where), f"arrangement {ref!r} is listed again{what} (first on row {out[ref].where.row})"
            )
        else:
            out[ref] = Arrangement(row, where)
    return out


def expense(a: Arrangement, m: RegisterMapping, problems: Problems) -> tuple[float | None, str | None]:
    """(annual expense, currency) of an arrangement the book takes."""
    c = m.columns["arrangements"]
    cell = a.cells["annual_expense"]
    where = a.where.at(c["annual_expense"])
    if not cell:
        problems.add(where, "the annual expense is empty: the book needs what the arrangement costs a year")
        value = None
    else:
        value = amount(cell, where, "the annual expense", problems)
    code = currency(a.cells["currency"], m.currency_prefix, a.where.at(c["currency"]), problems)
    return value, code


@dataclass
class Function:
    criticality: str | None
    rto_hours: float | None
    rpo_hours: float | None
    row: int


def functions(frame: pd.DataFrame, m: RegisterMapping, problems: Problems) -> dict[tuple[str, str], Function]:
    """B_06.01 by (function identifier, the entity's LEI when mapped)."""
    c = m.columns["functions"]
    out: dict[tuple[str, str], Function] = {}
    for where, row in _rows(frame, m, "functions", "id"):
        key = (row["id"], row.get("entity", ""))
        if not row["id"]:
            problems.add(str(where), "the function identifier is empty")
            continue
        if key in out:
            problems.add(str(where), f"function {row['id']!r} is listed again (first on row {out[key].row})")
            continue
        critical = closed(
            row["critical"], m.lists["criticality"], where.at(c["critical"]), "criticality", problems
        )
        if not row["critical"]:
            problems.add(where.at(c["critical"]), "the criticality assessment is empty")
        rto = hours(
            row.get("rto_hours", ""),
            where.at(c.get("rto_hours", "")),
            "the recovery time objective",
            problems,
        )
        rpo = whole(
            row.get("rpo_hours", ""),
            where.at(c.get("rpo_hours", "")),
            "the recovery point objective",
            problems,
        )
        out[key] = Function(critical, rto, rpo, where.row)
    return out


@dataclass
class Service:
    """What B_02.02's rows say of one arrangement."""

    provider: str
    first: Where
    functions: list[tuple[str, str]] = field(default_factory=list)
    given: dict[str, set] = field(default_factory=dict)
    reliance: list[str | None] = field(default_factory=list)

    def one(self, key: str):
        """The one value of a date or notice period (None when not given)."""
        return next(iter(self.given.get(key, {None})), None)


_ONE_VALUE = {
    "start_date": "the start date",
    "end_date": "the end date",
    "notice_days": "the provider's notice period",
    "entity_notice_days": "the financial entity's notice period",
}


def services(frame, m, known: dict, problems: Problems) -> dict[str, Service]:
    """B_02.02 by arrangement: one provider each, its functions, one value of each date and
    notice period (two are refused), its level of reliance (the highest of its rows)."""
    c = m.columns["specific"]
    out: dict[str, Service] = {}
    for where, row in _rows(frame, m, "specific", "reference"):
        if not _linked(where, row, m, known, problems):
            continue
        ref = row["reference"]
        service = out.setdefault(ref, Service(row["provider"], where))
        if row["provider"] != service.provider:
            problems.add(
                where.at(c["provider"]),
                f"arrangement {ref!r} has a second provider {row['provider']!r} (first {service.provider!r} on row "
                f"{service.first.row}): the book needs one provider per contract",
            )
        service.functions.append((row["function"], row.get("entity", "")))
        service.reliance.append(
            closed(
                row.get("reliance", ""),
                m.lists.get("reliance"),
                where.at(c.get("reliance", "")),
                "the level of reliance",
                problems,
            )
            if "reliance" in c
            else None
        )
        for key, what in _ONE_VALUE.items():
            if key not in c:
                continue
            value = _one(key, row[key], where.at(c[key]), what, m, problems)
            seen = service.given.setdefault(key, set())
            if seen and value not in seen:
                problems.add(
                    where.at(c[key]),
                    f"{what} {row[key]!r} differs from row {service.first.row}'s for arrangement {ref!r}",
                )
            seen.add(value)
    return out


def _one(key: str, cell: str, where: str, what: str, m: RegisterMapping, problems: Problems):
    if key.endswith("date"):
        return day(cell, where, what, problems, m.open_end_date)
    return whole(cell, where, f"{what} (days)", problems)


def _linked(where: Where, row: dict, m: RegisterMapping, known: dict, problems: Problems) -> bool:
    """Whether a B_02.02 row's arrangement, provider and function are in their templates."""
    c, files = m.columns["specific"], m.files
    missing = []
    if row["reference"] not in known["arrangements"]:
        missing.append(
            (c["reference"], f"arrangement {row['reference']!r} is not in {files['arrangements']}")
        )
    if row["provider"] not in known["providers"]:
        missing.append((c["provider"], f"provider {row['provider']!r} is not in {files['providers']}"))
    if (row["function"], row.get("entity", "")) not in known["functions"]:
        entity = f" of entity {row['entity']!r}" if row.get("entity") else ""
        missing.append(
            (c["function"], f"function {row['function']!r}{entity} is not in {files['functions']}")
        )
    for code, what in missing:
        problems.add(where.at(code), what)
    return not missing


@dataclass
class Assessment:
    substitutability: str | None = None
    exit_plan: str | None = None
    reintegration: str | None = None
    alternatives: str | None = None


def assessments(frame, m: RegisterMapping, known: dict, problems: Problems) -> dict[str, Assessment]:
    """B_07.01 by arrangement; an arrangement with several rows (several services) takes the worst
    answer of each; a row repeated on its key (arrangement, provider, service) is refused."""
    if frame is None:
        return {}
    c = m.columns["assessment"]
    lists = [(k, n) for n, (p, k, _) in LISTS.items() if p == "assessment" and k in c]
    rows: dict[str, list[dict]] = {}
    keys: dict[tuple, int] = {}
    for where, row in _rows(frame, m, "assessment", "reference"):
        key = (row["reference"], row.get("provider", ""), row.get("service", ""))
        if row["reference"] not in known["arrangements"]:
            problems.add(str(where), f"arrangement {row['reference']!r} is not in {m.files['arrangements']}")
            continue
        if key in keys:
            problems.add(
                str(where),
                f"the assessment of {row['reference']!r} is listed again (first on row {keys[key]})",
            )
            continue
        keys[key] = where.row
        read = {
            k: closed(row[k], m.lists[n], where.at(c[k]), n.replace("_", " "), problems) for k, n in lists
        }
        rows.setdefault(row["reference"], []).append(read)
    return {
        ref: Assessment(**{k: _worst("assessment", k, [r[k] for r in found]) for k, _ in lists})
        for ref, found in rows.items()
    }


def supply_chain(frame, m: RegisterMapping, known: dict, problems: Problems) -> pd.DataFrame:
    """B_05.02's rows: contract, provider code, rank, recipient code (providers in B_05.01)."""
    columns = ["contract", "provider_code", "rank", "recipient_code"]
    if frame is None:
        return pd.DataFrame(columns=columns)
    c = m.columns["supply_chain"]
    out: list[list] = []
    seen: dict[tuple, int] = {}
    for where, row in _rows(frame, m, "supply_chain", "reference"):
        rank = whole(row["rank"], where.at(c["rank"]), "the rank", problems, least=1)
        for name, what in (
            ("reference", "arrangements"),
            ("provider", "providers"),
            ("recipient", "providers"),
        ):
            value = row.get(name, "")
            if value and value not in known[what]:
                problems.add(where.at(c[name]), f"{value!r} is not in {m.files[what]}")
        if not row["rank"]:
            problems.add(where.at(c["rank"]), "the rank is empty (1 is the direct provider)")
        key = (row["reference"], row["provider"], row["rank"], row.get("recipient", ""))
        if key in seen:
            problems.add(str(where), f"the link is listed again (first on row {seen[key]})")
        seen[key] = where.row
        out.append([row["reference"], row["provider"], rank, row.get("recipient", "")])
    return pd.DataFrame(out, columns=columns)

"""A DORA register of information (Implementing Regulation (EU) 2024/2956) read into a book of
contracts, through a mapping a user can edit (``data/register_mapping.toml``, which names the EBA
file and date each code was checked against).

One contract per contractual arrangement that B_02.02 ties to a provider and a function: its name
is the arrangement's reference (B_02.01 c0010), its vendor the provider's legal name (B_05.01
c0050), its group the provider's ultimate parent (B_05.01 c0110) when the book has two or more of
that parent's providers; its fee the annual expense (B_02.01 c0050) / 12 in the arrangement's
currency (c0040; one currency per book); critical when any function it supports is (B_06.01
c0050); its notice period the provider's (B_02.02 c0110, days); its recovery time objective the
strictest of its functions' (B_06.01 c0080, hours); what happens after a failure and how long it
takes from the assessment (B_07.01): see :func:`exit_cells`; its subcontractors the rank ≥ 2
providers of its supply chain (B_05.02) that two or more of the book's providers depend on, each a
shared failure with the mapping's ``subcontractor_failure_prob_annual``. The dates (remaining term)
and the whole supply chain are read and carried beside the book for the model's next rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .register_book import DAYS_PER_MONTH, HOURS_PER_MONTH, build
from .register_cells import Problems, day
from .register_mapping import RegisterMapping, load_mapping
from .register_package import RegisterFiles, open_register
from .register_templates import arrangements, assessments, functions, providers, services, supply_chain
from .tables import TableError

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_MONTH",
    "RegisterReading",
    "load_mapping",
    "read_register",
    "register_rows",
    "shared_chain",
]


@dataclass(frozen=True)
class RegisterReading:
    """A register read whole: the book table and what travels beside it.

    - ``book``: one row per contract in ``book_from_table``'s columns (text cells; blank: the
      scenario's default).
    - ``facts``: per contract, what the register says that the book does not take yet: the
      criticality as filed (``yes``, ``no``, ``not_assessed``), the functions, the level of
      reliance (the highest of its services), the firm's own notice period and the provider's
      (days), the strictest RPO (hours), the assessment's answers, the expense and currency as filed.
    - ``terms``: per contract, its start and end dates and the remaining term in months from the
      register's reference date (``term_months``; NaN when open-ended or without a reference date).
    - ``supply_chain``: B_05.02's links: contract, provider, rank (1 is the direct provider),
      recipient, by legal name and code.
    """

    name: str
    book: pd.DataFrame
    facts: pd.DataFrame
    terms: pd.DataFrame
    supply_chain: pd.DataFrame
    currency: str
    taxonomy: str
    reference_date: str
    skipped: int  # arrangements of B_02.01 that B_02.02 ties to no provider and function
    stuck: int  # contracts with neither an alternative provider nor a way back in-house
    unassessed_critical: bool  # functions not assessed read as critical (the mapping's assumption)

    def shared_subcontractors(self) -> pd.DataFrame:
        """Subcontractors (rank ≥ 2) in the chains of two or more direct providers: each with the
        providers and contracts that depend on it (a shared failure of the book: its contracts
        name it in ``subcontractors``)."""
        direct = dict(zip(self.book["name"], self.book["vendor"], strict=True))
        rows = [
            [name, "; ".join(sorted({direct[c] for c in contracts})), "; ".join(contracts)]
            for name, contracts in shared_chain(self.book, self.supply_chain).items()
        ]
        return pd.DataFrame(rows, columns=["subcontractor", "providers", "contracts"])

    def proposed_book(self) -> pd.DataFrame:
        """The book table with the two columns proposed for the model's next rules: ``term_months``
        (the remaining term) and ``subcontractors`` (the contract's rank ≥ 2 providers, "; "-joined)."""
        chain = self.supply_chain[self.supply_chain["rank"] >= 2]
        subs = chain.groupby("contract")["provider"].agg(lambda p: "; ".join(dict.fromkeys(p)))
        book = self.book.copy()
        book["term_months"] = list(self.terms["term_months"])
        book["subcontractors"] = [subs.get(n, "") for n in book["name"]]
        return book

    def summary(self) -> str:
        """One line: what was read."""
        n, v = len(self.book), self.book["vendor"].nunique()
        groups = self.book.loc[self.book["vendor_group"] != "", "vendor_group"].nunique()
        critical = int((self.book["critical"] == "yes").sum())
        unassessed = int((self.facts["criticality"] == "not_assessed").sum())
        parts = [
            f"{self.name}: {n} contract{'s' if n != 1 else ''} with {v} provider{'s' if v != 1 else ''}"
            + (f" in {groups} group{'s' if groups != 1 else ''}" if groups else ""),
            f"in {self.currency}",
            f"DORA taxonomy {self.taxonomy}",
            f"{critical} critical"
            + (
                f" ({unassessed} not assessed, read as {'critical' if critical >= unassessed else 'not critical'})"
                if unassessed
                else ""
            ),
        ]
        if self.skipped:
            parts.append(
                f"{self.skipped} arrangement{'s' if self.skipped != 1 else ''} with no function left out"
            )
        if self.stuck:
            parts.append(f"{self.stuck} with no alternative and no way back in-house, read as replace")
        return "; ".join(parts)

    def unmodelled(self) -> str:
        """One line: what was read but is not yet modelled."""
        ends = int((self.terms["end_date"] != "").sum())
        terms = f"{ends} with an end date" + (
            "" if self.reference_date else ", no reference date to count from"
        )
        shared = self.shared_subcontractors()
        subs = f"{len(shared)} subcontractor{'s' if len(shared) != 1 else ''} shared by several providers"
        if len(shared):
            subs += f": {', '.join(shared['subcontractor'][:3])}{', ...' if len(shared) > 3 else ''}"
            chance = self.book.loc[self.book["subcontractors"] != "", "subcontractor_failure_prob_annual"]
            subs += (
                f", each a shared failure of {float(chance.iloc[0]):.1%} a year (the mapping's assumption)"
            )
        links = int((self.supply_chain["rank"] >= 2).sum())
        return (
            f"read but not yet modelled: the remaining terms ({terms}), the level of reliance, "
            "the firm's own notice periods and the RPOs; modelled from the supply chain "
            f"({links} subcontracting link{'s' if links != 1 else ''}): {subs}"
        )


def read_register(source: str | Path, mapping: RegisterMapping | None = None) -> RegisterReading:
    """The register at ``source`` (a ZIP report package, or a folder) read through ``mapping``
    (default ``data/register_mapping.toml``). Raises :class:`~outsourcing_risk.io.tables.TableError`
    naming every problem (file, row's key, column code) and ``FileNotFoundError`` for a path that
    does not exist."""
    m = mapping if mapping is not None else load_mapping()
    if not isinstance(m, RegisterMapping):
        raise TypeError(f"mapping must be a RegisterMapping from load_mapping() (got {type(m).__name__})")
    files = open_register(source)
    _check_taxonomy(files, m)
    frames = _frames(files, m)
    problems = Problems()
    records = _records(frames, m, problems)
    problems.raise_any()
    reference = _reference_date(files, problems)
    built = build(records, m, reference, problems)
    problems.raise_any()
    assert built is not None
    if built.book.empty:
        raise TableError(
            f"the register {files.label}: {m.files['specific']} ties no arrangement to a provider"
        )
    names = {c: p.name for c, p in records["providers"].items()}
    chain = records["chain"].assign(
        provider=[names.get(c, c) for c in records["chain"]["provider_code"]],
        recipient=[names.get(c, c) for c in records["chain"]["recipient_code"]],
    )
    return RegisterReading(
        name=f"Register of information: {Path(files.label).name}",
        book=_with_subcontractors(built.book, chain, m.assumptions["subcontractor_failure_prob_annual"]),
        facts=built.facts,
        terms=built.terms,
        supply_chain=chain,
        currency=built.currency,
        taxonomy=m.taxonomy,
        reference_date=reference.isoformat() if reference else "",
        skipped=len(set(records["arrangements"]) - set(records["services"])),
        stuck=built.stuck,
        unassessed_critical=m.assumptions["not_assessed_is_critical"],
    )


def shared_chain(book: pd.DataFrame, chain: pd.DataFrame) -> dict[str, list[str]]:
    """Subcontractor (rank ≥ 2 in B_05.02) -> the book's contracts that depend on it, for those in
    the chains of two or more of the book's direct providers: the shared failures of the model
    (docs/model.md, "A book of contracts": a shared subcontractor)."""
    direct = dict(zip(book["name"], book["vendor"], strict=True))
    sub = chain[(chain["rank"] >= 2) & chain["contract"].isin(direct)]
    out = {}
    for name, links in sub.groupby("provider", sort=True):
        if len({direct[c] for c in links["contract"]}) > 1:
            out[str(name)] = list(dict.fromkeys(links["contract"]))
    return out


def _with_subcontractors(book: pd.DataFrame, chain: pd.DataFrame, chance: float) -> pd.DataFrame:
    """The book table with ``subcontractors`` (each contract's shared subcontractors, "; "-joined)
    and their ``subcontractor_failure_prob_annual`` (the mapping's assumption)."""
    names: dict[str, list[str]] = {}
    for sub, contracts in shared_chain(book, chain).items():
        for c in contracts:
            names.setdefault(c, []).append(sub)
    out = book.copy()
    out["subcontractors"] = ["; ".join(names.get(n, [])) for n in out["name"]]
    out["subcontractor_failure_prob_annual"] = [str(chance) if names.get(n) else "" for n in out["name"]]
    return out


def register_rows(source: str | Path, mapping: RegisterMapping | None = None) -> list[dict]:
    """The book table of :func:`read_register` as a list of rows (for ``book_from_table``)."""
    return read_register(source, mapping).book.to_dict("records")


def _check_taxonomy(files: RegisterFiles, m: RegisterMapping) -> None:
    """A package that extends another taxonomy module than the mapping's is refused."""
    modules = files.modules()
    if modules and m.modules and not set(modules) & set(m.modules):
        raise TableError(
            f"{files.label} follows {', '.join(modules)} (report.json), but the mapping {m.source} follows DORA "
            f"taxonomy {m.taxonomy} ({', '.join(m.modules)}): pass a mapping for that version with --mapping FILE"
        )


def _frames(files: RegisterFiles, m: RegisterMapping) -> dict[str, pd.DataFrame | None]:
    """Each mapped template's table, and every missing file or column named at once."""
    frames: dict[str, pd.DataFrame | None] = {}
    missing: list[str] = []
    absent = files.not_reported()
    for part, name in m.files.items():
        frame = files.table(name)
        if frame is None:
            if part in ("supply_chain", "assessment") or name.casefold() in absent:
                frames[part] = None
                continue
            missing.append(f"no {name} (the mapping's [files] {part})")
            continue
        frames[part] = frame
        gone = [c for c in m.columns[part].values() if c not in frame.columns and not frame.empty]
        missing += [f"{files.found[name.casefold()]} has no column {c!r}" for c in gone]
    if missing:
        raise TableError(
            f"the register {files.label}: {'; '.join(missing)}: check the codes against the register's "
            "templates and edit the mapping (--mapping FILE)"
        )
    return frames


def _records(frames: dict, m: RegisterMapping, problems: Problems) -> dict:
    known: dict = {}
    known["providers"] = providers(_table(frames, "providers"), m, problems)
    known["arrangements"] = arrangements(_table(frames, "arrangements"), m, problems)
    known["functions"] = functions(_table(frames, "functions"), m, problems)
    known["services"] = services(_table(frames, "specific"), m, known, problems)
    known["assessed"] = assessments(frames.get("assessment"), m, known, problems)
    known["chain"] = supply_chain(frames.get("supply_chain"), m, known, problems)
    return known


def _table(frames: dict, part: str) -> pd.DataFrame:
    frame = frames.get(part)
    return frame if frame is not None else pd.DataFrame(dtype=str)


def _reference_date(files: RegisterFiles, problems: Problems):
    text = files.reference_date()
    return (
        day(text, f"{files.label} parameters.csv refPeriod", "the reference date", problems) if text else None
    )

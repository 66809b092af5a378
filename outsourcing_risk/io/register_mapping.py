"""The register's mapping (``data/register_mapping.toml``): which file and column code holds what,
what each code of a closed list means, and the assumptions a register does not hold. Checked
whole when loaded: every problem is named at once, in words, never a traceback.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .data import data_dir
from .errors import MissingFileError
from .tables import TableError, read_bounded

__all__ = ["LISTS", "MAPPING_MAX_BYTES", "ClosedList", "RegisterMapping", "load_mapping"]

#: The largest mapping read (the shipped one is a few kB).
MAPPING_MAX_BYTES = 1 << 20

_REQ, _OPT = True, False
#: Each section's keys (column codes) and whether the reader needs them.
_COLUMNS: dict[str, dict[str, bool]] = {
    "arrangements": {"reference": _REQ, "currency": _REQ, "annual_expense": _REQ},
    "specific": {
        "reference": _REQ,
        "entity": _OPT,
        "provider": _REQ,
        "function": _REQ,
        "start_date": _OPT,
        "end_date": _OPT,
        "entity_notice_days": _OPT,
        "notice_days": _OPT,
        "reliance": _OPT,
    },
    "providers": {"id": _REQ, "name": _REQ, "total_expense": _OPT, "parent": _OPT},
    "supply_chain": {"reference": _REQ, "provider": _REQ, "rank": _REQ, "recipient": _OPT},
    "functions": {"id": _REQ, "entity": _OPT, "critical": _REQ, "rto_hours": _OPT, "rpo_hours": _OPT},
    "assessment": {
        "reference": _REQ,
        "provider": _OPT,
        "service": _OPT,
        "substitutability": _OPT,
        "exit_plan": _OPT,
        "reintegration": _OPT,
        "alternatives": _OPT,
    },
}
_OPTIONAL_FILES = ("supply_chain", "assessment")

#: Each closed list: (section, column key) it reads, and the meanings the model knows, in order
#: from the best case to the worst where an arrangement with several rows takes the worst.
LISTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "criticality": ("functions", "critical", ("no", "not_assessed", "yes")),
    "substitutability": (
        "assessment",
        "substitutability",
        ("easy", "medium", "highly_complex", "not_substitutable"),
    ),
    "exit_plan": ("assessment", "exit_plan", ("yes", "no")),
    "reintegration": (
        "assessment",
        "reintegration",
        ("easy", "difficult", "highly_complex", "not_applicable"),
    ),
    "alternatives": ("assessment", "alternatives", ("yes", "not_assessed", "no")),
    "reliance": ("specific", "reliance", ("not_significant", "low", "material", "full")),
}

#: The assumption tables: (the list whose meanings key them, the rule of a value).
_TABLES = {
    "switching_months": ("substitutability", "whole number of months in [0, 60]"),
    "insource_months": ("reintegration", "whole number of months in [0, 60]"),
    "exit_readiness": ("exit_plan", "fraction in [0, 1]"),
}


@dataclass(frozen=True)
class ClosedList:
    """A closed list: each code and label (folded to lower case) -> the meaning the model reads."""

    name: str
    words: dict[str, str]
    codes: dict[str, str]  # meaning -> the code as filed

    def meaning(self, cell: str) -> str | None:
        """The meaning of a register's cell, or None when the list has no such value."""
        return self.words.get(" ".join(cell.split()).casefold())

    def accepted(self) -> str:
        return ", ".join(self.codes.values())


@dataclass(frozen=True)
class RegisterMapping:
    """A checked mapping: files and column codes by section, closed lists, assumptions."""

    source: str
    taxonomy: str
    modules: tuple[str, ...]
    currency_prefix: str
    open_end_date: str
    files: dict[str, str]
    columns: dict[str, dict[str, str]]
    lists: dict[str, ClosedList]
    assumptions: dict = field(default_factory=dict)
    exchange_rates: dict[str, float] = field(default_factory=dict)
    currency: str = ""  # the book's currency when exchange_rates converts a mixed register

    def where(self, part: str, key: str) -> str:
        """The template's file and the column code of ``key``, e.g. ``b_02.01.csv c0050``."""
        return f"{self.files[part]} {self.columns[part][key]}"


def load_mapping(path: str | Path | None = None) -> RegisterMapping:
    """The register mapping at ``path`` (default ``data/register_mapping.toml``), checked whole.

    Raises ``FileNotFoundError`` when there is no such file and
    :class:`~outsourcing_risk.io.tables.TableError` naming every problem otherwise.

    Examples
    --------
    >>> m = load_mapping()
    >>> m.taxonomy, m.where("functions", "rto_hours")
    ('4.0', 'b_06.01.csv c0080')
    >>> m.lists["criticality"].meaning("eba_BT:x21")
    'not_assessed'
    """
    path = Path(path) if path else data_dir() / "register_mapping.toml"
    if not path.exists():
        raise MissingFileError(f"no mapping at {path}: give the path of a register mapping (.toml)")
    raw = read_bounded(path, MAPPING_MAX_BYTES, "a register mapping (.toml)", "a register mapping")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TableError(f"{path} is not a valid TOML file: {exc}") from None
    problems: list[str] = []
    mapping = _checked(str(path), data, problems)
    if problems:
        raise TableError(f"the register mapping {path}: " + "; ".join(problems))
    assert mapping is not None
    return mapping


def _table(data: dict, name: str, problems: list[str], required: bool = True) -> dict | None:
    """The section ``name`` (``{}`` when absent or not a table, the problem named once)."""
    value = data.get(name)
    if value is None:
        if required:
            problems.append(f"[{name}] is missing")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{name} must be a table [{name}] (got {value!r})")
        return None  # given wrong, and said so: its keys are not reported missing too
    return value


def _text(value, where: str, problems: list[str], example: str = "c0010") -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f'{where} must be a text such as "{example}" (got {value!r})')
        return ""
    return value.strip()


def _unknown(section: str, given: dict, known, problems: list[str]) -> None:
    problems.extend(
        f"[{section}] {k} is not a key this reader knows (known: {', '.join(known)})"
        for k in given
        if k not in known
    )


def _checked(source: str, data: dict, problems: list[str]) -> RegisterMapping | None:
    known_top = {"taxonomy", "files", "lists", "assumptions", "exchange_rates", *_COLUMNS}
    problems.extend(f"[{k}] is not a section this reader knows" for k in data if k not in known_top)
    taxonomy = _table(data, "taxonomy", problems) or {}
    version = _text(taxonomy.get("version"), "[taxonomy] version", problems, "4.0") if taxonomy else ""
    modules = taxonomy.get("modules", [])
    if not isinstance(modules, list) or not all(isinstance(x, str) for x in modules):
        problems.append(f"[taxonomy] modules must be a list of texts (got {modules!r})")
        modules = []
    prefix = taxonomy.get("currency_prefix", "")
    open_end = taxonomy.get("open_end_date", "")
    if not isinstance(prefix, str) or not isinstance(open_end, str):
        problems.append("[taxonomy] currency_prefix and open_end_date must be texts")
        prefix, open_end = "", ""
    _unknown("taxonomy", taxonomy, ("version", "modules", "currency_prefix", "open_end_date"), problems)
    files = _files(_table(data, "files", problems), problems)
    columns = _columns(data, files, problems)
    lists = _lists(_table(data, "lists", problems) or {}, columns, problems)
    assumptions = _assumptions(_table(data, "assumptions", problems, required=False) or {}, problems)
    rates, currency = _rates(_table(data, "exchange_rates", problems, required=False) or {}, problems)
    if problems:
        return None
    return RegisterMapping(
        source, version, tuple(modules), prefix, open_end, files, columns, lists, assumptions, rates, currency
    )


def _files(given: dict | None, problems: list[str]) -> dict[str, str]:
    if given is None:
        return {}
    _unknown("files", given, tuple(_COLUMNS), problems)
    files = {}
    for part in _COLUMNS:
        if part not in given:
            if part not in _OPTIONAL_FILES:
                problems.append(f"[files] {part} is missing")
            continue
        name = _text(given[part], f"[files] {part}", problems, "b_02.01.csv")
        if name and ("/" in name or "\\" in name):
            problems.append(f"[files] {part} must be a file name, not a path (got {name!r})")
        elif name:
            files[part] = name
    return files


def _columns(data: dict, files: dict[str, str], problems: list[str]) -> dict[str, dict[str, str]]:
    columns: dict[str, dict[str, str]] = {}
    for part, keys in _COLUMNS.items():
        columns[part] = {}
        section = _table(data, part, problems, required=part in files)
        if section is None:
            continue
        _unknown(part, section, tuple(keys), problems)
        for key, required in keys.items():
            if key in section:
                code = _text(section[key], f"[{part}] {key}", problems)
                if code:
                    columns[part][key] = code
            elif required and part in files:
                problems.append(f"[{part}] {key} is missing")
    return columns


def _lists(given: dict, columns: dict, problems: list[str]) -> dict[str, ClosedList]:
    _unknown("lists", given, tuple(LISTS), problems)
    lists = {}
    for name, (part, key, meanings) in LISTS.items():
        if key not in columns.get(part, {}):
            continue
        section = _table(given, name, problems)
        where = f"[lists.{name}]"
        if section is None:
            continue
        _unknown(f"lists.{name}", section, meanings, problems)
        words: dict[str, str] = {}
        codes: dict[str, str] = {}
        for meaning, entry in section.items():
            if meaning not in meanings:
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
                problems.append(
                    f'{where} {meaning} must be {{ code = "eba_..", labels = [...] }} (got {entry!r})'
                )
                continue
            labels = entry.get("labels", [])
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                problems.append(f"{where} {meaning}: labels must be a list of texts (got {labels!r})")
                continue
            codes[meaning] = entry["code"]
            for word in (entry["code"], *labels):
                folded = " ".join(word.split()).casefold()
                if words.get(folded, meaning) != meaning:
                    problems.append(f"{where}: {word!r} is given for both {words[folded]} and {meaning}")
                words[folded] = meaning
        if not codes:
            problems.append(f"{where} gives no code: add at least one of {', '.join(meanings)}")
        lists[name] = ClosedList(name, words, codes)
    return lists


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _assumptions(given: dict, problems: list[str]) -> dict:
    known = (
        "fee_to_inhouse",
        "group_shock_prob_annual",
        "subcontractor_failure_prob_annual",
        "not_assessed_is_critical",
        *_TABLES,
    )
    _unknown("assumptions", given, known, problems)
    out: dict = {}
    ratio = _number(given.get("fee_to_inhouse", 0.7))
    if ratio is None or ratio <= 0:
        problems.append(
            f"[assumptions] fee_to_inhouse must be a number > 0, the vendor's fee over the in-house cost "
            f"(got {given.get('fee_to_inhouse')!r})"
        )
    out["fee_to_inhouse"] = ratio
    shock = _number(given.get("group_shock_prob_annual", 0.0))
    if shock is None or not 0 <= shock < 1:
        problems.append(
            f"[assumptions] group_shock_prob_annual must be a chance per year in [0, 1) "
            f"(got {given.get('group_shock_prob_annual')!r})"
        )
    out["group_shock_prob_annual"] = shock
    for key in ("subcontractor_failure_prob_annual",):
        chance = _number(given.get(key, 0.0))
        if chance is None or not 0 <= chance < 1:
            problems.append(
                f"[assumptions] {key} must be a chance per year in [0, 1) (got {given.get(key)!r})"
            )
        out[key] = chance
    flag = given.get("not_assessed_is_critical", True)
    if not isinstance(flag, bool):
        problems.append(f"[assumptions] not_assessed_is_critical must be true or false (got {flag!r})")
    out["not_assessed_is_critical"] = flag
    for table, (list_name, rule) in _TABLES.items():
        section = _table(given, table, problems, required=False) or {}
        meanings = LISTS[list_name][2]
        _unknown(f"assumptions.{table}", section, meanings, problems)
        values = {}
        for meaning, value in section.items():
            number = _number(value)
            whole = rule.startswith("whole")
            wrong = number is None or (
                (number != int(number) or not 0 <= number <= 60) if whole else not 0 <= number <= 1
            )
            if wrong:
                problems.append(f"[assumptions.{table}] {meaning} must be a {rule} (got {value!r})")
            elif meaning in meanings and number is not None:
                values[meaning] = int(number) if whole else number
        out[table] = values
    return out


def _rates(given: dict, problems: list[str]) -> tuple[dict[str, float], str]:
    if not given:
        return {}, ""
    currency = given.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        problems.append(
            f"[exchange_rates] currency must be the book's three-letter currency (got {currency!r})"
        )
        currency = ""
    rates = {}
    for code, value in given.items():
        if code == "currency":
            continue
        number = _number(value)
        if len(code) != 3 or not code.isalpha() or number is None or number <= 0:
            problems.append(
                f"[exchange_rates] {code} must be a three-letter currency with a rate > 0, what one unit is "
                f"worth in {currency or 'the book currency'} (got {value!r})"
            )
            continue
        rates[code.upper()] = number
    if currency:
        rates[currency.upper()] = 1.0
    return rates, currency.upper()

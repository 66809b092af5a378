"""A DORA register of information (Implementing Regulation (EU) 2024/2956) read into a portfolio
table, through a column mapping a user can edit (``data/register_mapping.toml``, whose header says
what was and was not verified).

One portfolio row per contractual arrangement of B_02.02 (its first function when it lists
several): its name is the arrangement's reference, its vendor the provider's legal name, its group
the provider's ultimate parent, its fee the arrangement's annual expense / 12; whether it is
critical, its notice period and recovery-time objective from B_02.02 and B_06.01; how long a switch
takes and how ready an exit plan is, from B_07.01 through the mapping's stated assumptions.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from .data import data_dir
from .tables import TableError, read_table

__all__ = ["DAYS_PER_MONTH", "HOURS_PER_MONTH", "load_mapping", "register_rows"]

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
HOURS_PER_MONTH = 730.5  # 24 x 30.4375

_NEEDED = {
    "files": ("arrangements", "specific", "providers", "functions"),
    "arrangements": ("reference", "annual_expense"),
    "specific": ("reference", "provider", "function", "notice_days"),
    "providers": ("id", "name"),
    "functions": ("id", "critical", "rto_hours"),
}


def load_mapping(path: str | Path | None = None) -> dict:
    """The column mapping (default ``data/register_mapping.toml``), checked for what the reader needs."""
    path = Path(path) if path else data_dir() / "register_mapping.toml"
    try:
        mapping = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no mapping at {path}: give the path of a register mapping (.toml)"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TableError(f"{path} is not a valid TOML file: {exc}") from None
    missing = [
        f"[{part}] {key}"
        for part, keys in _NEEDED.items()
        for key in keys
        if key not in mapping.get(part, {})
    ]
    if missing:
        raise TableError(f"{path} lacks {', '.join(missing)}: see data/register_mapping.toml for every entry")
    return mapping


def _template(folder: Path, name: str, required: bool = True):
    found = {p.name.lower(): p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    path = found.get(name.lower())
    if path is None:
        if not required:
            return None
        raise FileNotFoundError(
            f"the register {folder} has no {name} (file names are set in the mapping's [files])"
        )
    return read_table(path)


def _column(frame, path_name: str, code: str, what: str):
    if code not in frame.columns:
        raise TableError(
            f"{path_name} has no column {code!r} ({what}): check the code against the register's templates and "
            "edit the mapping (--mapping FILE)"
        )
    return frame[code]


def register_rows(folder: str | Path, mapping: dict | None = None) -> list[dict]:
    """Portfolio rows (text cells, as a portfolio table's) from the register in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no register folder at {folder}: give a folder of the register's CSV files")
    m = mapping or load_mapping()
    files = m["files"]
    frames = {key: _template(folder, files[key]) for key in _NEEDED["files"]}
    assessment = _template(folder, files["assessment"], required=False) if "assessment" in files else None

    def col(part: str, key: str, what: str):
        return list(_column(frames[part], files[part], m[part][key], what))

    expense = dict(
        zip(
            col("arrangements", "reference", "reference"),
            col("arrangements", "annual_expense", "annual expense"),
            strict=True,
        )
    )
    names = dict(
        zip(col("providers", "id", "provider code"), col("providers", "name", "provider name"), strict=True)
    )
    parents = (
        dict(
            zip(
                col("providers", "id", "provider code"),
                col("providers", "parent", "ultimate parent"),
                strict=True,
            )
        )
        if "parent" in m["providers"]
        else {}
    )
    critical_words = {str(v).lower() for v in m["functions"].get("critical_values", ["yes"])}
    functions = {
        f: (str(c).strip().lower() in critical_words, r)
        for f, c, r in zip(
            col("functions", "id", "function id"),
            col("functions", "critical", "criticality"),
            col("functions", "rto_hours", "recovery time objective"),
            strict=True,
        )
    }
    assumptions = m.get("assumptions", {})
    switching = {str(k).lower(): v for k, v in assumptions.get("switching_months", {}).items()}
    readiness = {str(k).lower(): v for k, v in assumptions.get("exit_readiness", {}).items()}
    assessed: dict[str, tuple[str, str]] = {}
    if assessment is not None:
        a = m["assessment"]
        refs = list(_column(assessment, files["assessment"], a["reference"], "reference"))
        subs = list(_column(assessment, files["assessment"], a["substitutability"], "substitutability"))
        plans = list(_column(assessment, files["assessment"], a["exit_plan"], "exit plan"))
        assessed = {r: (s, p) for r, s, p in zip(refs, subs, plans, strict=True)}
    ratio = float(assumptions.get("fee_to_inhouse", 0.7))
    shock = assumptions.get("group_shock_prob_annual", 0.0)

    rows, seen, problems = [], set(), []
    for i, (ref, provider, function, notice) in enumerate(
        zip(
            col("specific", "reference", "reference"),
            col("specific", "provider", "provider code"),
            col("specific", "function", "function id"),
            col("specific", "notice_days", "notice period"),
            strict=True,
        ),
        start=1,
    ):
        if ref in seen:  # one contract per arrangement: its first function
            continue
        seen.add(ref)
        where = f"{files['specific']} row {i} ({ref!r})"
        if ref not in expense:
            problems.append(f"{where}: arrangement {ref!r} is not in {files['arrangements']}")
            continue
        if provider not in names:
            problems.append(f"{where}: provider {provider!r} is not in {files['providers']}")
            continue
        if function not in functions:
            problems.append(f"{where}: function {function!r} is not in {files['functions']}")
            continue
        fee = _amount(expense[ref])
        if fee is None or fee <= 0:
            problems.append(f"{where}: the annual expense must be an amount > 0 (got {expense[ref]!r})")
            continue
        critical, rto = functions[function]
        row = {
            "name": ref,
            "vendor": names[provider],
            "vendor_group": parents.get(provider, "") or "",
            "critical": "yes" if critical else "no",
            "notice_months": _converted(notice, DAYS_PER_MONTH),
            "rto_months": _converted(rto, HOURS_PER_MONTH),
            "vendor_monthly_fee": f"{fee / 12:.2f}",
            "inhouse_monthly_cost": f"{fee / 12 / ratio:.2f}",
        }
        if row["vendor_group"]:
            row["group_shock_prob_annual"] = str(shock)
        if ref in assessed:
            sub, plan = (str(x).strip().lower() for x in assessed[ref])
            if sub and sub in switching:
                row["switching_months"] = str(switching[sub])
            elif sub:
                problems.append(
                    f"{files['assessment']} ({ref!r}): substitutability {sub!r} is not in the mapping's "
                    f"[assumptions.switching_months] ({', '.join(switching)})"
                )
            if plan in readiness:
                row["exit_readiness"] = str(readiness[plan])
        rows.append(row)
    if problems:
        raise TableError("the register: " + "; ".join(problems))
    if not rows:
        raise TableError(f"the register: {files['specific']} lists no contractual arrangement")
    return rows


def _amount(value) -> float | None:
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _converted(value, per_month: float) -> str:
    """A number of days or hours as months (text); blank stays blank, so the row reads as 'not given'."""
    number = _amount(value)
    if str(value).strip() == "":
        return ""
    if number is None:
        return str(value)  # the portfolio table refuses it with the row named
    return f"{number / per_month:.4f}"

"""Adding a parameter (CONTRIBUTING.md, "Adding a parameter"): every place the recipe names has
every parameter. The places are read as text (nothing is imported), so the check also runs on a
scratch copy of the files, where a parameter added to ``PARAMETERS`` alone is reported missing
from each place until each has it."""

from __future__ import annotations

import ast
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The recipe's places, as CONTRIBUTING.md names them, and the files that make each.
PLACES = {
    "the spec's parameter tables (docs/model.md)": ("docs/model.md",),
    "the defaults (data/defaults.toml)": ("data/defaults.toml",),
    "its stream (outsourcing_risk/model/streams.py)": ("outsourcing_risk/model/streams.py",),
    "a rule (outsourcing_risk/model/rules/)": ("outsourcing_risk/model/rules",),
    "the reference model (benchmarks/reference_model.py)": ("benchmarks/reference_model.py",),
    "the reference test (tests/model/test_reference.py)": ("tests/model/test_reference.py",),
    "the report's parameters cell (notebooks/reports/scenario_report.ipynb)": (
        "notebooks/reports/scenario_report.ipynb",
    ),
}
DESCRIPTION = "outsourcing_risk/model/parameters.py"


def parameter_names(root: Path) -> list[str]:
    """The names in ``PARAMETERS``: the first argument of each ``ParamSpec(...)`` in its tuple."""
    tree = ast.parse((root / DESCRIPTION).read_text())
    table = next(
        n.value
        for n in tree.body
        if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "PARAMETERS"
    )
    return [
        call.args[0].value
        for call in ast.walk(table)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "ParamSpec"
    ]


def _words_of_python(paths) -> set[str]:
    """Every string constant, argument name and name in the Python files ``paths``."""
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
            elif isinstance(node, ast.Name):
                found.add(node.id)
    return found


def _spec_rows(path: Path) -> set[str]:
    text = path.read_text()
    tables = text[text.index("\n## Parameters") :]
    tables = tables[: tables.find("\n## ", 1)]
    return set(re.findall(r"^\| `(\w+)` \|", tables, re.MULTILINE))


def _stream_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    table = next(
        n.value
        for n in tree.body
        if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "PARAMETER_STREAMS"
    )
    return {k.value for k in table.keys}


def _notebook_parameters(path: Path) -> set[str]:
    cells = json.loads(path.read_text())["cells"]
    cell = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    return set(re.findall(r"^(\w+):", "".join(cell["source"]), re.MULTILINE))


def present(root: Path) -> dict[str, set[str]]:
    """Per place, the names found there."""
    return {
        "the spec's parameter tables (docs/model.md)": _spec_rows(root / "docs/model.md"),
        "the defaults (data/defaults.toml)": set(tomllib.loads((root / "data/defaults.toml").read_text())),
        "its stream (outsourcing_risk/model/streams.py)": _stream_names(
            root / "outsourcing_risk/model/streams.py"
        ),
        "a rule (outsourcing_risk/model/rules/)": _words_of_python(
            sorted((root / "outsourcing_risk/model/rules").glob("*.py"))
        ),
        "the reference model (benchmarks/reference_model.py)": _words_of_python(
            [root / "benchmarks/reference_model.py"]
        ),
        "the reference test (tests/model/test_reference.py)": _words_of_python(
            [root / "tests/model/test_reference.py"]
        ),
        "the report's parameters cell (notebooks/reports/scenario_report.ipynb)": _notebook_parameters(
            root / "notebooks/reports/scenario_report.ipynb"
        ),
    }


def missing(root: Path) -> list[str]:
    """Each parameter of ``PARAMETERS`` absent from a place of the recipe, in words."""
    found = present(root)
    return [
        f"{name}: not in {place}"
        for name in parameter_names(root)
        for place, names in found.items()
        if name not in names
    ]


def test_every_parameter_is_in_every_place_of_the_recipe():
    assert missing(ROOT) == []


def test_contributing_names_every_place():
    recipe = (ROOT / "CONTRIBUTING.md").read_text()
    recipe = recipe[recipe.index("## Adding a parameter") :]
    for files in [*PLACES.values(), (DESCRIPTION,)]:
        for file in files:
            assert f"`{file}" in recipe, file


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A copy of the files the recipe names, laid out as in the repository."""
    for files in [*PLACES.values(), (DESCRIPTION,)]:
        for file in files:
            source, target = ROOT / file, tmp_path / file
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, target)
    return tmp_path


def _append(path: Path, text: str, before: str | None = None) -> None:
    old = path.read_text()
    path.write_text(old.replace(before, text + before, 1) if before else old + text)


def test_a_parameter_added_to_parameters_alone_is_missing_everywhere_else(scratch):
    """Add ``licence_monthly_cost`` to PARAMETERS only: the check names every other place; it
    passes only once each place has it, one place at a time."""
    name = "licence_monthly_cost"
    _append(
        scratch / DESCRIPTION,
        f'    ParamSpec("{name}", MONEY_MONTH, _G["cost"], "A licence paid every month with a vendor"),\n',
        before="    # --- trust over time",
    )
    assert name in parameter_names(scratch)
    assert missing(scratch) == [f"{name}: not in {place}" for place in PLACES]
    fixes = {
        "docs/model.md": lambda p: _append(
            p,
            f"| `{name}` | currency/month | a number in [0, 10^12] | 0 | 0–5000 | A licence |\n",
            "\n**Transition**",
        ),
        "data/defaults.toml": lambda p: _append(p, f'\n[{name}]\nvalue = 0\nunit = "currency/month"\n'),
        "outsourcing_risk/model/streams.py": lambda p: _append(
            p, f'    "{name}": 137,\n', "}\n\n\ndef spawn_key"
        ),
        "outsourcing_risk/model/rules": lambda p: _append(
            p / "cash_flows.py", f"\n\ndef licence(exit_readiness, {name}):\n    return {name}\n"
        ),
        "benchmarks/reference_model.py": lambda p: _append(p, f'\nLICENCE = "{name}"\n'),
        "tests/model/test_reference.py": lambda p: _append(p, f'\nCASES["licence"] = {{"{name}": 900}}\n'),
        "notebooks/reports/scenario_report.ipynb": lambda p: p.write_text(
            p.read_text().replace(
                '"trust: float = None',
                f'"{name}: float = None  # a licence\\n",\n    "trust: float = None',
                1,
            )
        ),
    }
    left = len(PLACES)
    for place, (file,) in PLACES.items():
        fixes[file](scratch / file)
        left -= 1
        assert f"{name}: not in {place}" not in missing(scratch)
        assert len(missing(scratch)) == left, missing(scratch)
    assert missing(scratch) == []

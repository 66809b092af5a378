"""One rule, one place (issue 31): each function of model.rules names its section of
docs/model.md, and the spec names each function; the engines write no rule of their own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from outsourcing_risk.model import rules

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "docs" / "model.md").read_text()
SECTIONS = set(re.findall(r"^#+ (.+)$", SPEC, re.MULTILINE))
#: Array helpers the engines share, not rules of the spec.
HELPERS = {"at", "col", "Terms"}
RULES = [name for name in rules.__all__ if name not in HELPERS]


@pytest.mark.parametrize("name", RULES)
def test_the_spec_names_the_rule(name):
    assert re.search(rf"`rules\.{name}`", SPEC), f"docs/model.md does not name rules.{name}"


@pytest.mark.parametrize("name", [n for n in RULES if callable(getattr(rules, n))])
def test_the_rule_names_its_section(name):
    doc = " ".join((getattr(rules, name).__doc__ or "").split())
    named = [s for s in SECTIONS if f'"{s}"' in doc or f'"{s.split(",")[0]}' in doc]
    assert named, f"rules.{name}'s docstring names no section of docs/model.md"


#: Formulas of the spec that only model.rules may write (a fragment of each, as code writes it).
FORMULAS = {
    "the base hazard h0": r"expm1\(\s*np\.log1p\(",
    "the cumulative hazard −ln(1 − h)": r"-\s*np\.log1p\(\s*-",
    "governance or tension (1 − τ)²": r"\(1 - [\w\[\]\"'.]+\) \*\* 2",
    "the incident rate τ²": r"\b(trust|tr|tau)\b[\w\[\]\"']*\s*\*\*\s*2\s*\*",
    "a vendor's quality exp(s·Z − s²/2)": r"np\.exp\([^)]*spread",
    "half up (D, whole months)": r"\+ 0\.5\)",
    "the instant replacement max(D, 1)": r"np\.maximum\([^)]*, 1\)",
    "discounting (1 + r)^(−t/12)": r"\*\* \(-months / 12",
}
ENGINES = [
    "outsourcing_risk/model/sampling.py",
    "outsourcing_risk/model/simulation.py",
    "outsourcing_risk/model/adaptive.py",
    "outsourcing_risk/model/portfolio.py",
    "outsourcing_risk/model/closed_form.py",
    "outsourcing_risk/analyses/sweeps.py",
]


def written_again(paths) -> list[str]:
    """The spec's formulas written in ``paths`` (code only: docstrings and comments left out)."""
    found = []
    for path in paths:
        tree = ast.parse(Path(path).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                node.value.value = ""  # a docstring
        code = ast.unparse(tree)
        found += [
            f"{Path(path).name}: {what}" for what, pattern in FORMULAS.items() if re.search(pattern, code)
        ]
    return found


def test_no_engine_writes_a_rule_of_its_own():
    assert written_again([ROOT / p for p in ENGINES]) == []
    rules_code = sorted((ROOT / "outsourcing_risk/model/rules").glob("*.py"))
    assert len(written_again(rules_code)) >= 6  # the check sees them where they belong


def test_the_check_sees_a_rule_written_again(tmp_path):
    engine = tmp_path / "adaptive.py"
    engine.write_text(
        (ROOT / "outsourcing_risk/model/adaptive.py").read_text() + "\nh0 = -np.expm1(np.log1p(-p) / 12)\n"
    )
    assert written_again([engine]) == ["adaptive.py: the base hazard h0"]

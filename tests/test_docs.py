import re
from pathlib import Path

from outsourcing_risk.io.data import defaults_table
from outsourcing_risk.model.parameters import PARAMETERS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "model.md").read_text()


def test_every_parameter_is_documented_with_unit_rule_and_default():
    for p in PARAMETERS:
        row = re.search(rf"^\| `{p.name}` \| (.*?) \| (.*?) \| (.*?) \|", DOC, flags=re.MULTILINE)
        assert row, f"docs/model.md lacks a row for {p.name}"
        unit, rule, default = row.groups()
        assert (unit, rule) == (p.unit, p.rule()), p.name
        assert float(default) == defaults_table()[p.name]["value"], p.name


def test_help_texts_survive_papermill_parameter_parsing():
    # papermill's parser gives up on a parameter line whose comment contains "=".
    for p in PARAMETERS:
        assert "=" not in p.help, p.name

import math

from outsourcing_risk import load_scenarios, load_vendors, scenarios_from_table
from outsourcing_risk.io.data import defaults_table
from outsourcing_risk.model.parameters import PARAMETERS


def test_every_default_has_unit_rationale_and_source():
    table = defaults_table()
    assert set(table) == {p.name for p in PARAMETERS} | {"after_failure", "trust_policy"}
    for name, entry in table.items():
        assert entry["unit"], name
        assert entry["rationale"].strip(), name
        source = entry["source"].strip()
        assert source == "assumption" or any(c.isdigit() for c in source), f"{name}: cite a dated source"


def test_units_and_ranges_agree_with_the_parameter_spec():
    table = defaults_table()
    for p in PARAMETERS:
        entry = table[p.name]
        assert entry["unit"] == p.unit, p.name
        assert p.low <= entry["value"] <= p.high, p.name
        if "range" in entry:
            lo, hi = entry["range"]
            assert p.low <= lo <= entry["value"] <= hi <= p.high, p.name
        elif p.random:
            raise AssertionError(f"{p.name} needs a plausible range for the tornado and sliders")


def test_cited_figures_appear_in_the_sources():
    text = str(defaults_table())
    for citation in (
        "Dun & Bradstreet",
        "Peukert (2019)",
        "Deloitte",
        "TPI (2006)",
        "people3",
        "Barthélemy (2001)",
    ):
        assert citation in text


def test_shipped_scenarios_are_valid_and_named():
    scenarios = scenarios_from_table(load_scenarios())
    assert 4 <= len(scenarios) <= 6
    assert all(s.name and s.notes for s in scenarios)
    assert any(s.uncertain for s in scenarios)


def test_shipped_vendors_have_quotes_and_scorecards():
    vendors = load_vendors()
    assert 4 <= len(vendors) <= 6
    for column in (
        "name",
        "vendor_monthly_fee",
        "communication",
        "references",
        "hours_overlap",
        "cost_effectiveness",
        "quality",
    ):
        assert column in vendors.columns
    assert all(1 <= float(x) <= 5 for x in vendors["quality"])
    assert not any(math.isnan(float(x)) for x in vendors["vendor_monthly_fee"])


def test_hash_inside_a_cell_is_kept_and_comment_lines_are_dropped(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("# a comment line\nname,notes\nVendor #2,see ticket #41\n  # indented comment\n")
    frame = load_scenarios(table)
    assert frame.to_dict("records") == [{"name": "Vendor #2", "notes": "see ticket #41"}]

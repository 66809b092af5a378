import math

from outsourcing_risk import load_scenarios, load_vendors, scenarios_from_table
from outsourcing_risk.io.data import defaults_table
from outsourcing_risk.model.parameters import PARAMETERS

CITED_FIELDS = ("url", "figure", "year", "mapping")


def _evidence_problems(name, entry):
    """Every way a default's evidence falls short: a cited figure or a stated assumption."""
    problems = [f"{name}: no {key}" for key in ("unit", "rationale", "source") if not entry.get(key)]
    source = str(entry.get("source", "")).strip()
    if source == "assumption":
        if len(str(entry.get("reason", "")).strip()) < 40:
            problems.append(
                f"{name}: an assumption needs a reason (why no public figure, what it was judged from)"
            )
        problems += [f"{name}: an assumption cannot carry a {key}" for key in CITED_FIELDS if key in entry]
        return problems
    problems += [f"{name}: a cited source needs a {key}" for key in CITED_FIELDS if not entry.get(key)]
    year = entry.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        problems.append(f"{name}: year must be a whole year (got {year!r})")
    elif str(year) not in source + str(entry.get("figure", "")):
        problems.append(f"{name}: the year {year} appears neither in the source nor in the figure")
    if not any(c.isdigit() for c in source):
        problems.append(f"{name}: cite a dated source")
    for address in filter(None, (a.strip() for a in str(entry.get("url", "")).split(";"))):
        if not address.startswith(("https://", "http://")):
            problems.append(f"{name}: {address!r} is not an address")
    if not any(c.isdigit() for c in str(entry.get("mapping", ""))):
        problems.append(f"{name}: the mapping must show the arithmetic")
    if "reason" in entry:
        problems.append(f"{name}: a cited source has a mapping, not a reason")
    return problems


def test_every_default_has_a_unit_and_a_cited_figure_or_a_stated_assumption():
    table = defaults_table()
    assert set(table) == {p.name for p in PARAMETERS} | {"after_failure", "trust_policy"}
    problems = [problem for name, entry in table.items() for problem in _evidence_problems(name, entry)]
    assert problems == []


def test_the_evidence_check_fails_on_what_is_missing():
    cited = dict(defaults_table()["switching_cost"])
    assert _evidence_problems("x", cited) == []
    assert _evidence_problems("x", {k: v for k, v in cited.items() if k != "figure"}) == [
        "x: a cited source needs a figure"
    ]
    assert "x: year must be a whole year (got '2019')" in _evidence_problems("x", cited | {"year": "2019"})
    assert "x: the mapping must show the arithmetic" in _evidence_problems(
        "x", cited | {"mapping": "about a third"}
    )
    assert "x: 'somewhere' is not an address" in _evidence_problems("x", cited | {"url": "somewhere"})
    bare = {"unit": "months", "rationale": "r", "source": "assumption"}
    assert _evidence_problems("x", bare) == [
        "x: an assumption needs a reason (why no public figure, what it was judged from)"
    ]
    assert "x: an assumption cannot carry a figure" in _evidence_problems(
        "x", bare | {"reason": "no public figure; judged from practice " * 2, "figure": "3 months"}
    )


def test_at_least_twelve_defaults_cite_a_public_figure():
    cited = [name for name, entry in defaults_table().items() if entry["source"] != "assumption"]
    assert len(cited) >= 12, cited


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
        "TPI, research on outsourcing contracts",
        "people3",
        "Barthélemy (2001)",
        "EquaTerra",
        "Regulation (EU) 2023/2854",
        "Uptime Institute",
        "S&P Global Ratings",
        "Bureau of Labor Statistics",
        "Kroll",
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

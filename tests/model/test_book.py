"""A book built in Python is held to the portfolio table's rules, by the same check
(outsourcing_risk/model/book.py; docs/model.md, "A book of contracts")."""

import math

import pytest

from outsourcing_risk import Scenario, ScenarioError
from outsourcing_risk.model.book import Book, Contract, book_problems
from outsourcing_risk.model.book_table import book_from_table


def _problems(make) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        make()
    return err.value.problems


def test_a_ramp_with_an_inconsistent_vendor_is_refused_alike_in_code_and_in_a_table():
    """Ramps are the contract's own; a vendor's failure chance and quality spread are the
    vendor's: two of either for one vendor are refused by the same rule, in code and in a table."""
    rows = [
        {"name": "Desk", "vendor": "V", "vendor_failure_prob_annual": "0.05", "trust_policy": "ramp"},
        {"name": "Hosting", "vendor": "V", "vendor_failure_prob_annual": "0.08", "trust_policy": "ramp"},
        {"name": "Payroll", "vendor": "W", "vendor_quality_spread": "0.4"},
        {"name": "Archive", "vendor": "W", "vendor_quality_spread": "0.6"},
    ]
    table = _problems(lambda: book_from_table(rows))
    contracts = (
        Contract(Scenario(name="Desk", vendor_failure_prob_annual=0.05, trust_policy="ramp"), "V"),
        Contract(Scenario(name="Hosting", vendor_failure_prob_annual=0.08, trust_policy="ramp"), "V"),
        Contract(Scenario(name="Payroll", vendor_quality_spread=0.4), "W"),
        Contract(Scenario(name="Archive", vendor_quality_spread=0.6), "W"),
    )
    code = _problems(lambda: Book(contracts))
    rule = "a vendor's collapse, its group and its quality are the same for every contract it runs"
    vendor = "vendor 'V' has vendor_failure_prob_annual 0.08 here but 0.05 in"
    assert f"row 2 ('Hosting'): {vendor} row 1: {rule}" in table
    assert f"contract 'Hosting': {vendor} contract 'Desk': {rule}" in code
    spread = "vendor 'W' has vendor_quality_spread 0.6 here but 0.4 in"
    assert f"row 4 ('Archive'): {spread} row 3: {rule}" in table
    assert f"contract 'Archive': {spread} contract 'Payroll': {rule}" in code
    assert len(table) == len(code) == 2
    # Each contract's ramp alone is accepted: the same book with one chance per vendor is a book.
    book_from_table([{**r, "vendor_failure_prob_annual": "0.05", "vendor_quality_spread": ""} for r in rows])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"vendor": ""}, "vendor is empty (got ''"),
        ({"notice_months": -1.0}, "notice_months must be a number of months ≥ 0 (got -1.0)"),
        ({"rto_months": 0.0}, "rto_months must be a number of months > 0 (got 0.0)"),
        ({"critical": "yes"}, "critical must be True or False (got 'yes')"),
        ({"subcontractors": "Gamma"}, "subcontractors must be a tuple of names (got 'Gamma')"),
        ({"group": "G"}, "unknown vendor group 'G': give its group_shock_prob_annual"),
        ({"subcontractors": ("S",)}, "unknown subcontractor 'S': give its subcontractor_failure_prob_annual"),
    ],
)
def test_each_field_of_a_contract_built_in_code_is_checked(changes, expected):
    contract = Contract(Scenario(name="Desk"), **{"vendor": "V", **changes})
    problems = _problems(lambda: Book((contract,)))
    assert any(expected in p for p in problems), problems


def test_a_books_own_fields_are_checked():
    one = (Contract(Scenario(name="Desk"), "V", "G"),)
    assert _problems(lambda: Book(one, {"G": 1.5})) == [
        "vendor group 'G': group_shock_prob_annual must be a chance per year in [0, 1) (got 1.5)"
    ]
    assert "group_shock_prob_annual is given for vendor group 'H', which no contract names" in _problems(
        lambda: Book(one, {"G": 0.01, "H": 0.02})
    )
    assert _problems(lambda: Book(one, {"G": 0.0}, capacity=0)) == [
        "the switching capacity must be a whole number of transitions ≥ 1 (got 0)"
    ]
    twice = (Contract(Scenario(name="Desk"), "V"), Contract(Scenario(name="Desk"), "W"))
    assert _problems(lambda: Book(twice)) == ["contract 'Desk' is named twice (reports would be confused)"]
    assert _problems(lambda: Book(())) == ["contracts must be a non-empty tuple of Contract (got ())"]


def test_a_good_book_has_no_problems_and_keeps_what_it_was_given():
    book = Book(
        (
            Contract(Scenario(name="Desk"), "V", "G", True, 3.0, math.nan, ("S",)),
            Contract(Scenario(name="Hosting"), "W", "G", subcontractors=("S",)),
        ),
        {"G": 0.01},
        capacity=2,
        subcontractor_shocks={"S": 0.02},
    )
    assert book_problems(book) == []
    assert book.groups == ["G"]
    assert book.subcontractors == ["S"]


def test_a_tables_subcontractors_and_their_chances():
    rows = [
        {"name": "A", "vendor": "V", "subcontractors": "S; T", "subcontractor_failure_prob_annual": "0.02"},
        {"name": "B", "vendor": "W", "subcontractors": "S"},
        {"name": "C", "vendor": "X", "subcontractors": "S", "subcontractor_failure_prob_annual": "0.03"},
        {"name": "D", "vendor": "Y", "subcontractor_failure_prob_annual": "0.03"},
        {"name": "E", "vendor": "Z", "subcontractors": "U; U"},
    ]
    problems = _problems(lambda: book_from_table(rows))
    assert (
        "row 3 ('C'): subcontractor_failure_prob_annual '0.03' differs from row 1's for 'S' (one chance each)"
        in problems
    )
    assert "row 4 ('D'): subcontractor_failure_prob_annual is given but subcontractors is empty" in problems
    assert "row 5 ('E'): subcontractors names one twice (got 'U; U')" in problems
    good = book_from_table(rows[:2])
    assert [c.subcontractors for c in good.contracts] == [("S", "T"), ("S",)]
    assert dict(good.subcontractor_shocks) == {"S": 0.02, "T": 0.02}


def test_the_books_functions_are_public_names():
    import outsourcing_risk

    for name in ("Book", "Contract", "book_from_table", "simulate_book", "analyse_portfolio", "load_book"):
        assert name in outsourcing_risk.__all__
        assert getattr(outsourcing_risk, name).__doc__
    assert outsourcing_risk.Book is Book

"""outsourcing-risk: a Monte Carlo workbook for IT outsourcing decisions.

The four classic mistakes (unclear goals, too much or too little trust, a skipped interview stage,
no exit strategy) are levers of one model; ``outsourcing-risk params`` lists its parameters.

The package is built in layers, each importing only from those below it: ``io`` (files and the
environment), ``model``, ``analyses``, ``present`` (words and charts), ``workbook`` (notebooks and
the app), ``batch`` (reports in bulk), then the command line. The names below are the public API;
each is imported when first used (PEP 562), so ``import outsourcing_risk`` and
``outsourcing-risk --version`` load no numerical library.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .analyses.clarity import CHECKLIST, checklist_costs, clarity_from_checklist
    from .analyses.exit_strategy import exit_strategy_value
    from .analyses.portfolio import PortfolioAnalysis, analyse_portfolio, diversify, prepare_exit
    from .analyses.sobol import sobol_indices
    from .analyses.stay_or_leave import review_claims, stay_or_leave
    from .analyses.sweeps import grid, sweep, trust_curve
    from .analyses.tornado import tornado
    from .analyses.trust_policy import compare_policies
    from .analyses.value_of_information import choice_value, interview_value, value_of_information
    from .analyses.vendor_record import posterior_quality
    from .analyses.vendors import SCORECARD, compare_vendors, selection_score
    from .batch.portfolio_run import load_book
    from .batch.xlsx_export import export_workbook
    from .io.data import load_scenarios, load_vendors
    from .io.errors import OutsourcingRiskError
    from .io.register import read_register
    from .model.book import Book, Contract
    from .model.book_table import book_from_table
    from .model.distributions import LogNormal, Pert, Triangular, Uniform
    from .model.parameters import PARAMETERS
    from .model.portfolio import BookResult, simulate_book
    from .model.results import SimulationResult
    from .model.scenario import Scenario, ScenarioError, scenarios_from_table
    from .model.simulation import simulate
    from .present import plots
    from .present.kpis import KPI_LABELS
    from .present.review_words import review_sentence
    from .present.whatif import whatif_grid
    from .workbook.whatif_page import export_whatif

try:
    __version__ = version("outsourcing-risk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

#: Public name -> the module that defines it (a module itself where the name is a module).
_PUBLIC = {
    "CHECKLIST": "analyses.clarity",
    "checklist_costs": "analyses.clarity",
    "clarity_from_checklist": "analyses.clarity",
    "exit_strategy_value": "analyses.exit_strategy",
    "compare_policies": "analyses.trust_policy",
    "value_of_information": "analyses.value_of_information",
    "interview_value": "analyses.value_of_information",
    "choice_value": "analyses.value_of_information",
    "sobol_indices": "analyses.sobol",
    "posterior_quality": "analyses.vendor_record",
    "stay_or_leave": "analyses.stay_or_leave",
    "review_claims": "analyses.stay_or_leave",
    "review_sentence": "present.review_words",
    "grid": "analyses.sweeps",
    "sweep": "analyses.sweeps",
    "trust_curve": "analyses.sweeps",
    "tornado": "analyses.tornado",
    "SCORECARD": "analyses.vendors",
    "compare_vendors": "analyses.vendors",
    "selection_score": "analyses.vendors",
    "load_scenarios": "io.data",
    "load_vendors": "io.data",
    "LogNormal": "model.distributions",
    "Pert": "model.distributions",
    "Triangular": "model.distributions",
    "Uniform": "model.distributions",
    "PARAMETERS": "model.parameters",
    "SimulationResult": "model.results",
    "Scenario": "model.scenario",
    "ScenarioError": "model.scenario",
    "scenarios_from_table": "model.scenario",
    "simulate": "model.simulation",
    "KPI_LABELS": "present.kpis",
    "whatif_grid": "present.whatif",
    "export_whatif": "workbook.whatif_page",
    "export_workbook": "batch.xlsx_export",
    "OutsourcingRiskError": "io.errors",
    # A book of contracts (docs/model.md, "A book of contracts").
    "Book": "model.book",
    "Contract": "model.book",
    "book_from_table": "model.book_table",
    "BookResult": "model.portfolio",
    "simulate_book": "model.portfolio",
    "PortfolioAnalysis": "analyses.portfolio",
    "analyse_portfolio": "analyses.portfolio",
    "diversify": "analyses.portfolio",
    "prepare_exit": "analyses.portfolio",
    "read_register": "io.register",
    "load_book": "batch.portfolio_run",
}
#: Modules the notebooks use by name (``from outsourcing_risk import plots``).
_MODULES = {"plots": "present.plots"}

__all__ = [
    "CHECKLIST",
    "KPI_LABELS",
    "PARAMETERS",
    "SCORECARD",
    "Book",
    "BookResult",
    "Contract",
    "LogNormal",
    "OutsourcingRiskError",
    "Pert",
    "PortfolioAnalysis",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Triangular",
    "Uniform",
    "__version__",
    "analyse_portfolio",
    "book_from_table",
    "checklist_costs",
    "choice_value",
    "clarity_from_checklist",
    "compare_policies",
    "compare_vendors",
    "diversify",
    "exit_strategy_value",
    "export_whatif",
    "export_workbook",
    "grid",
    "interview_value",
    "load_book",
    "load_scenarios",
    "load_vendors",
    "plots",
    "posterior_quality",
    "prepare_exit",
    "read_register",
    "review_claims",
    "review_sentence",
    "scenarios_from_table",
    "selection_score",
    "simulate",
    "simulate_book",
    "sobol_indices",
    "stay_or_leave",
    "sweep",
    "tornado",
    "trust_curve",
    "value_of_information",
    "whatif_grid",
]


def __getattr__(name: str):
    if name in _MODULES:
        value = importlib.import_module(f"{__name__}.{_MODULES[name]}")
    elif name in _PUBLIC:
        value = getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

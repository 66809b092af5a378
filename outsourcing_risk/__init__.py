"""outsourcing-risk: a Monte Carlo workbook for IT outsourcing decisions.

The four classic mistakes (unclear goals, too much or too little trust, a skipped interview stage,
no exit strategy) are levers of one model; ``outsourcing-risk params`` lists its parameters.
"""

from importlib.metadata import PackageNotFoundError, version

from .clarity import CHECKLIST, checklist_costs, clarity_from_checklist
from .data import load_scenarios, load_vendors
from .distributions import LogNormal, Pert, Triangular, Uniform
from .exit_strategy import exit_strategy_value
from .model import simulate
from .parameters import PARAMETERS
from .results import KPI_LABELS, SimulationResult
from .scenario import Scenario, ScenarioError, scenarios_from_table
from .sweeps import grid, sweep, trust_curve
from .tornado import tornado
from .vendors import SCORECARD, compare_vendors, selection_score
from .whatif import whatif_grid
from .whatif_page import export_whatif

try:
    __version__ = version("outsourcing-risk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "CHECKLIST",
    "KPI_LABELS",
    "PARAMETERS",
    "SCORECARD",
    "LogNormal",
    "Pert",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Triangular",
    "Uniform",
    "__version__",
    "checklist_costs",
    "clarity_from_checklist",
    "compare_vendors",
    "exit_strategy_value",
    "export_whatif",
    "grid",
    "load_scenarios",
    "load_vendors",
    "scenarios_from_table",
    "selection_score",
    "simulate",
    "sweep",
    "tornado",
    "trust_curve",
    "whatif_grid",
]

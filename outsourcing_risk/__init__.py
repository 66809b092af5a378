"""outsourcing-risk: a Monte Carlo workbook for IT outsourcing decisions.

The four classic mistakes (unclear goals, too much or too little trust, a skipped interview stage,
no exit strategy) are levers of one model; see docs/model.md.
"""

from importlib.metadata import PackageNotFoundError, version

from .data import load_scenarios, load_vendors
from .distributions import LogNormal, Pert, Triangular, Uniform
from .model import simulate
from .parameters import PARAMETERS
from .results import KPI_LABELS, SimulationResult
from .scenario import Scenario, ScenarioError, scenarios_from_table

try:
    __version__ = version("outsourcing-risk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "KPI_LABELS",
    "PARAMETERS",
    "LogNormal",
    "Pert",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Triangular",
    "Uniform",
    "__version__",
    "load_scenarios",
    "load_vendors",
    "scenarios_from_table",
    "simulate",
]

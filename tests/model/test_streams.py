"""Random streams by name (outsourcing_risk/model/streams.py): one table, pinned, the only place a
generator is made."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from outsourcing_risk import Pert, Scenario, simulate
from outsourcing_risk.model import streams
from outsourcing_risk.model.parameters import PARAMETERS

PACKAGE = Path(__file__).resolve().parents[2] / "outsourcing_risk"
TABLE = PACKAGE / "model" / "streams.py"

#: The table as it stands: every number is part of every shipped result. Never edit a line of it;
#: a new stream is a new line here and in streams.py.
PINNED_STREAMS = {
    "failures": ("block", 0),
    "incidents": ("block", 1),
    "quality": ("block", 2),
    "record_quality": ("block", 3),
    "interview_noise": (0, 7),
    "sobol_chance": (0, 8),
    "candidate_seed": (0, 9, "candidate"),
    "vendor_collapse": ("block", 40, "vendor"),
    "vendor_failure_prob": ("block", 41, "vendor"),
    "group_shock": ("block", 42, "group"),
    "subcontractor_failure": ("block", 43, "subcontractor"),
    "vendor_quality": ("block", 44, "vendor"),
    "voi_bootstrap": (),
    "count_fit_resamples": (),
    "incident_log": (),
    "sobol_bootstrap": (),
}
#: Parameter streams 100, 101, ... in this order (the order of PARAMETERS when the numbers were
#: frozen): by name from now on, whatever the order of PARAMETERS.
_FROZEN_ORDER = """
    trust vendor_failure_prob_annual switching_cost inhouse_monthly_cost
    inhouse_escalation_annual vendor_monthly_fee fee_escalation_annual transition_cost
    transition_months transition_overlap governance_min micromanagement_overhead
    incident_rate_max incident_cost tension_weight goal_clarity clarity_weight selection_score
    selection_weight scope_creep_annual creep_strain switching_months disruption_premium
    exit_readiness exit_plan_upfront_cost exit_plan_monthly_cost exit_cost_reduction
    exit_time_reduction horizon_months discount_rate_annual trust_step trust_cut trust_ceiling
    milestone_months exit_trigger_incidents exit_trigger_window vendor_quality_spread
"""
PINNED_PARAMETERS = {name: 100 + i for i, name in enumerate(_FROZEN_ORDER.split())}

#: What makes a generator or draws from numpy's global one.
_MAKERS = {"SeedSequence", "default_rng", "Generator", "RandomState", "PCG64", "PCG64DXSM", "MT19937"}
_MAKERS |= {"Philox", "SFC64", "BitGenerator"}


def test_the_table_is_pinned():
    assert streams.STREAMS == PINNED_STREAMS
    assert streams.PARAMETER_STREAMS == PINNED_PARAMETERS


def test_every_parameter_has_a_stream_of_its_own():
    assert set(streams.PARAMETER_STREAMS) == {p.name for p in PARAMETERS}
    numbers = list(streams.PARAMETER_STREAMS.values())
    assert len(set(numbers)) == len(numbers)
    own = {key[1] for key in streams.STREAMS.values() if len(key) > 1 and key[0] == "block"}
    assert not own & set(numbers)


def test_no_two_streams_share_a_key():
    """Only the seed's own stream () is shared, by draws that measure an error (listed by use)."""
    keys = [k for k in streams.STREAMS.values() if k != ()]
    assert len(set(keys)) == len(keys)


def test_a_parameters_draws_follow_its_name():
    """The draws of an uncertain input are ppf(Φ(z)), z from (block, its number): by name."""
    fee = Pert(60_000, 70_000, 85_000)
    result = simulate(Scenario(vendor_monthly_fee=fee), n_trials=10_003, seed=9)
    for block, lo in ((0, 0), (1, 10_000)):
        z = np.random.default_rng(np.random.SeedSequence(9, spawn_key=(block, 105))).standard_normal(
            min(10_000, 10_003 - lo)
        )
        np.testing.assert_array_equal(
            result.inputs["vendor_monthly_fee"][lo : lo + z.size], fee.ppf(special.ndtr(z))
        )


def test_a_stream_is_asked_for_by_name_with_its_slots():
    assert streams.spawn_key("group_shock", block=2, group=5) == (2, 42, 5)
    assert streams.spawn_key("interview_noise") == (0, 7)
    with pytest.raises(KeyError, match="no random stream named 'failure'"):
        streams.generator(1, "failure", block=0)
    with pytest.raises(TypeError, match="needs vendor="):
        streams.generator(1, "vendor_collapse", block=0)
    with pytest.raises(KeyError, match="'new_cost' has no random stream"):
        streams.parameter_generator(1, 0, "new_cost")
    same = np.random.default_rng(4).random(3)
    np.testing.assert_array_equal(streams.generator(4, "incident_log").random(3), same)


def generator_sites(root: Path) -> list[str]:
    """Every place under ``root`` that makes a random generator or draws from a global one:
    a call to numpy.random's makers or functions, or the standard library's ``random``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import) and any(a.name == "random" for a in node.names):
                found.append(f"{where} import random")
            elif isinstance(node, ast.ImportFrom) and node.module in ("random", "numpy.random"):
                found.append(f"{where} from {node.module} import ...")
            elif isinstance(node, ast.Call):
                name = _dotted(node.func)
                if name.split(".")[-1] in _MAKERS or ".random." in f".{name}":
                    found.append(f"{where} {name}(...)")
    return found


def _dotted(node: ast.expr) -> str:
    """``np.random.default_rng`` for that call's function; ``?`` for a part that is no name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else "?")
    return ".".join(reversed(parts))


def test_no_generator_is_made_outside_the_table():
    sites = generator_sites(PACKAGE)
    table = str(TABLE.relative_to(PACKAGE))
    assert [s for s in sites if not s.startswith(f"{table}:")] == []
    assert len(sites) >= 3  # the table's own makers are seen


def test_the_scan_sees_a_planted_generator(tmp_path):
    """The check can fail: each way of making a stream, planted in a copy of a module, is found."""
    module = PACKAGE / "analyses" / "portfolio.py"
    plants = [
        "rng = np.random.default_rng(seed)\n",
        "ss = np.random.SeedSequence(1, spawn_key=(0, 99))\n",
        "x = np.random.normal(size=3)\n",
        "import random\n",
        "from numpy.random import PCG64\n",
    ]
    for i, plant in enumerate(plants):
        copy = tmp_path / str(i) / "portfolio.py"
        copy.parent.mkdir()
        copy.write_text(module.read_text() + plant)
        assert generator_sites(copy.parent) != [], plant

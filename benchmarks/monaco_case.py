"""Run the reference model trial by trial through monaco (in monaco's own environment).

Usage: python monaco_case.py PARAMS.json N_CASES  → prints JSON with the time per case.
monaco pins psutil~=5, which clashes with IPython's psutil>=7, so it lives in a separate venv.
"""

import json
import sys
import time
from pathlib import Path

import monaco as mc
import numpy as np
from scipy.stats import triang, uniform

sys.path.insert(0, str(Path(__file__).parent))
from reference_model import npv_one_trial

PARAMS = json.loads(Path(sys.argv[1]).read_text())
N = int(sys.argv[2])


def preprocess(case):
    p = dict(PARAMS)
    for name in ("trust", "vendor_failure_prob_annual", "switching_cost"):
        p[name] = case.invals[name].val
    return (p, case.seed)


def run(p, seed):
    return npv_one_trial(p, np.random.default_rng(seed))


def postprocess(case, npv):
    case.addOutVal("npv", npv)


sim = mc.Sim(
    "outsourcing",
    N,
    {"preprocess": preprocess, "run": run, "postprocess": postprocess},
    seed=7,
    singlethreaded=True,
    verbose=False,
)
sim.addInVar("trust", uniform, {"loc": 0.3, "scale": 0.6})
sim.addInVar("vendor_failure_prob_annual", triang, {"c": 1 / 3, "loc": 0.03, "scale": 0.09})
sim.addInVar("switching_cost", uniform, {"loc": 150_000, "scale": 300_000})
start = time.perf_counter()
sim.runSim()
elapsed = time.perf_counter() - start
npv = np.array(sim.outvars["npv"].nums, dtype=float)
print(
    json.dumps(
        {
            "cases": N,
            "seconds": elapsed,
            "per_case_s": elapsed / N,
            "mean_npv": float(npv.mean()),
            "se_npv": float(npv.std(ddof=1) / np.sqrt(N)),
        }
    )
)

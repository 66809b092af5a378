"""The command on a platform without POSIX's fcntl and SIGHUP (as on Windows): emulated here by
hiding them from the process before the package loads. params, kpis and a one-row report work;
the output folder falls back to filelock's portable lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd

#: Hides fcntl (``import fcntl`` fails, as on Windows) and SIGHUP, then runs the command.
PRELUDE = """
import sys, signal, warnings
sys.modules["fcntl"] = None
del signal.SIGHUP
warnings.simplefilter("ignore")  # filelock says once that only its portable lock is available
import filelock
from outsourcing_risk.cli import main
print(json.dumps({"lock": filelock.FileLock.__name__}), file=sys.stderr)
sys.exit(main(sys.argv[1:]))
"""


def _run(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-c", "import json\n" + PRELUDE, *map(str, args)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "TQDM_DISABLE": "1"},
    )


def test_params_kpis_and_a_report_without_fcntl_or_sighup(tmp_path):
    params = _run(tmp_path, "params")
    assert params.returncode == 0, params.stderr
    assert json.loads(params.stderr.splitlines()[-1]) == {"lock": "SoftFileLock"}, "fcntl is really gone"
    assert "switching_cost" in params.stdout
    table = tmp_path / "t.csv"
    table.write_text("name,trust\nOne third,0.3333333333333333\n")
    kpis = _run(tmp_path, "kpis", table, "--trials", 500)
    assert kpis.returncode == 0, kpis.stderr
    assert "One third" in kpis.stdout
    report = _run(tmp_path, "report", table, "--out", "out", "--trials", 300, "--quiet")
    assert report.returncode == 0, report.stderr
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert list(summary.status) == ["ok"]
    assert (tmp_path / "out" / summary.report[0]).stat().st_size > 100_000
    again = _run(tmp_path, "report", table, "--out", "out", "--trials", 300, "--quiet")
    assert again.returncode == 0, "the portable lock is released at the end of a run"

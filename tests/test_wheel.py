"""The built wheel, installed without extras into a fresh virtual environment with no repository on
the path, is a complete product: `example` copies the tables and notebooks out, `report` runs on
the example table, `python -m outsourcing_risk` and `--version` work, and no help text names a
path that only the repository has."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel (base dependencies only) and a folder outside the repository."""
    home = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(home / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (home / "dist").glob("outsourcing_risk-*.whl")
    venv.create(home / "env", with_pip=True)
    python = home / "env" / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{home / 'env' / 'bin'}{os.pathsep}{env['PATH']}"
    work = home / "work"
    work.mkdir()
    return python, env, work


def _run(installed, *args, timeout=600):
    python, env, work = installed
    return subprocess.run(
        [str(python), "-m", "outsourcing_risk", *map(str, args)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_wheel_runs_the_example_table_without_the_repository(installed):
    python, env, work = installed
    where = subprocess.run(
        [str(python), "-c", "import outsourcing_risk; print(outsourcing_risk.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(ROOT) not in where  # the installed copy, not the checkout
    done = _run(installed, "example", "ex")
    assert done.returncode == 0, done.stderr
    for name in (
        "data/scenarios.csv",
        "data/vendors.csv",
        "data/defaults.toml",
        "data/portfolio.csv",
        "data/register_mapping.toml",
        "notebooks/reports/scenario_report.ipynb",
        "notebooks/explore/what_if_explorer.ipynb",
    ):
        assert (work / "ex" / name).is_file(), name
    # Run twice over: the user's edits are kept.
    (work / "ex" / "data" / "scenarios.csv").write_text(
        "\n".join((work / "ex" / "data" / "scenarios.csv").read_text().splitlines()[:5]) + "\n"
    )
    again = _run(installed, "example", "ex")
    assert "kept" in again.stdout
    report = _run(
        installed,
        "report",
        "ex/data/scenarios.csv",
        "--out",
        "reports",
        "--trials",
        1000,
        "--no-whatif",
        "--quiet",
    )
    assert report.returncode == 0, report.stderr
    summary = pd.read_csv(work / "reports" / "summary.csv")
    assert len(summary) == 2
    assert (summary["status"] == "ok").all()
    assert (work / "reports" / summary["report"][0]).stat().st_size > 100_000


def test_version_help_and_messages_speak_for_the_installed_product(installed):
    version = _run(installed, "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == "outsourcing-risk 0.1.0"
    texts = [_run(installed, *args).stdout for args in (["--help"], ["report", "--help"], ["kpis", "--help"])]
    assert "(default: 20000)" in texts[1]  # help shows the defaults
    assert "(default: reports)" in texts[1]
    for text in texts:  # repository paths a wheel user lacks (DIR/data/... of `example` is fine)
        assert not re.search(r"(?<![\w/])(data|docs|notebooks)/", text), text
    missing = _run(installed, "report", "nowhere.csv")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


def test_the_wheel_carries_its_licence_its_spec_and_its_metadata(installed):
    python, env, work = installed
    spec = _run(installed, "docs", "model")
    assert spec.returncode == 0, spec.stderr
    assert spec.stdout.startswith("# The model")
    assert "Month by month, exactly" in spec.stdout
    where = _run(installed, "docs", "analyses", "--path").stdout.strip()
    assert str(ROOT) not in where
    assert Path(where).is_file()
    probe = (
        "import json; from importlib.metadata import metadata, files\n"
        "m = metadata('outsourcing-risk')\n"
        "print(json.dumps({'license': m['License-Expression'], 'author': m['Author'],\n"
        "    'classifiers': m.get_all('Classifier'), 'keywords': m['Keywords'],\n"
        "    'files': sorted(f.name for f in files('outsourcing-risk'))}))"
    )
    meta = json.loads(
        subprocess.run(
            [str(python), "-c", probe], cwd=work, env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert meta["license"] == "MIT"
    assert meta["author"] == "The outsourcing-risk developers"
    assert "Typing :: Typed" in meta["classifiers"]
    assert "outsourcing" in meta["keywords"]
    assert {"LICENSE", "py.typed", "model.md", "analyses.md"} <= set(meta["files"])

"""environment.yml must give conda users what pyproject.toml gives pip users."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"kaleido": "python-kaleido"}
_REQ = re.compile(r"([A-Za-z0-9_.-]+)(.*)")


def _pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    own = project["name"]
    return {CONDA_NAMES.get(m[1], m[1]): m[2] for m in map(_REQ.fullmatch, lines) if m[1] != own}


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    return {m[1]: m[2] for m in map(_REQ.fullmatch, specs) if m[1] not in {"python", "pip"}}


def test_environment_yml_matches_pyproject():
    assert _conda_requirements() == _pip_requirements()


def test_environment_yml_installs_the_project_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_part == ["-e ."]


def test_binder_builds_the_same_environment_with_an_exact_python():
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / ".binder" / "environment.yml").read_text())
    assert binder["dependencies"] == [d for d in root["dependencies"] if isinstance(d, str)]
    python = next(d for d in binder["dependencies"] if d.startswith("python"))
    assert re.fullmatch(r"python=3\.\d+", python)  # repo2docker needs an exact version
    post = (ROOT / ".binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post
    assert (ROOT / ".binder" / "postBuild").stat().st_mode & 0o111

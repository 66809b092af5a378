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


def test_binder_installs_a_lock_of_what_the_notebooks_need_with_an_exact_python():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    binder = yaml.safe_load((ROOT / ".binder" / "environment.yml").read_text())
    python = next(d for d in binder["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert re.fullmatch(r"python=3\.\d+\.\d+", python), "an exact Python, not a minor one"
    lock = next(d["pip"] for d in binder["dependencies"] if isinstance(d, dict))
    pins = {}
    for line in lock:
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{line}: every package pinned exactly"
        pins[canonicalize_name(requirement.name)] = spec.version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    needed = (
        project["dependencies"] + extras["lab"] + [r for r in extras["app"] if "outsourcing-risk" not in r]
    )
    for line in [*needed, "nbstripout>=0.8"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name}: the notebooks need it"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} against {requirement}"
    for name in ("pytest", "hypothesis", "nbval", "playwright", "ruff", "mypy", "kaleido", "distributed"):
        assert name not in pins, f"{name}: visitors do not need it"
    post = (ROOT / ".binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post
    assert (ROOT / ".binder" / "postBuild").stat().st_mode & 0o111

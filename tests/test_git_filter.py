"""The notebook filter of `make git-filter` keeps git working without its venv, and never lets a
notebook's outputs into a commit: with the venv it strips them, without it a hook refuses."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _notebook_with_outputs() -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 3,
        "id": "a1",
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["secret figures\n"]}],
        "source": ["print('secret figures')"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


@pytest.fixture
def repo(tmp_path):
    shutil.copy(ROOT / ".gitattributes", tmp_path / ".gitattributes")

    def git(*args, check=True):
        return subprocess.run(
            ["git", "-C", str(tmp_path), *args], capture_output=True, text=True, check=check
        )

    git("init", "-q")
    git("config", "user.email", "test@example.com")
    git("config", "user.name", "test")
    return tmp_path, git


def _set_up(repo_path: Path, venv: Path) -> None:
    subprocess.run(
        ["make", "-s", "-C", str(ROOT), "git-filter", f"REPO={repo_path}", f"VENV={venv}"],
        check=True,
        capture_output=True,
    )


def test_with_its_venv_the_filter_strips_what_is_committed(repo):
    path, git = repo
    _set_up(path, ROOT / ".venv")
    (path / "study.ipynb").write_text(_notebook_with_outputs())
    git("add", "-A")
    git("commit", "-qm", "a notebook")
    stored = git("show", "HEAD:study.ipynb").stdout
    assert "secret figures" not in stored.split('"outputs"')[1].split("]")[0]
    assert "print('secret figures')" in stored
    assert "secret figures" in (path / "study.ipynb").read_text(), "the file on disk keeps its outputs"


def test_without_its_venv_git_keeps_working_and_outputs_cannot_be_committed(repo, tmp_path_factory):
    path, git = repo
    gone = tmp_path_factory.mktemp("deleted") / ".venv"  # a venv that `make clean` removed
    _set_up(path, gone)
    git("add", ".gitattributes")
    git("commit", "-qm", "start")
    (path / "study.ipynb").write_text(_notebook_with_outputs())
    assert git("status", "--porcelain").returncode == 0
    assert git("add", "study.ipynb").returncode == 0
    assert git("stash").returncode == 0
    assert git("stash", "pop").returncode == 0
    git("add", "study.ipynb")
    refused = git("commit", "-qm", "outputs", check=False)
    assert refused.returncode == 1
    assert "would be committed with their outputs: study.ipynb" in refused.stderr
    assert "make venv" in refused.stderr

"""A real client: JupyterLab in headless chromium runs the what-if explorer and moves a slider."""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from outsourcing_risk import Scenario, simulate

from ..browser import browser_page, chromium_path
from ..notebook_runs import ROOT

pytestmark = pytest.mark.browser
NOTEBOOK = ROOT / "notebooks" / "explore" / "what_if_explorer.ipynb"


@contextlib.contextmanager
def lab_server(root: Path, state: Path, config_path: Path | None = None):
    """JupyterLab serving ``root``, with its settings and runtime files under ``state`` (and the
    Jupyter settings in ``config_path``, as ``make lab`` passes the project's .jupyter/)."""
    chromium_path()
    env = {**os.environ}
    if config_path is not None:
        env["JUPYTER_CONFIG_PATH"] = str(config_path)
    for var in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "IPYTHONDIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
    ):
        env[var] = str(state / var.lower())
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True})
    )
    token = secrets.token_hex(16)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.allow_root=True",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            "--MappingKernelManager.default_kernel_name=python3",
            "--LabApp.expose_app_in_browser=True",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = _wait_for_server(Path(env["JUPYTER_RUNTIME_DIR"]), server, token)
        yield url, token
    finally:
        try:
            request = urllib.request.Request(
                f"{url}api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
            )
            urllib.request.urlopen(request, timeout=10)
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired, NameError):
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


@pytest.fixture
def lab(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)  # never let Lab autosave into the repository
    with lab_server(root, tmp_path / "state") as served:
        yield served


def _wait_for_server(runtime: Path, server, token: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {server.returncode}")
        for info in runtime.glob("jpserver-*.json"):
            url = json.loads(info.read_text())["url"]
            try:
                request = urllib.request.Request(
                    f"{url}api/status", headers={"Authorization": f"token {token}"}
                )
                urllib.request.urlopen(request, timeout=5)
                return url
            except OSError:
                pass
        time.sleep(0.3)
    raise RuntimeError("JupyterLab did not start within a minute")


_KERNEL_READY = (
    "() => { const w = window.jupyterapp.shell.currentWidget;"
    " const k = w && w.sessionContext.session && w.sessionContext.session.kernel;"
    " return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }"
)
# Lab 4 virtualises cells out of view (their prompts stay empty): ask the notebook model instead.
_COUNTS = (
    "() => { const cells = window.jupyterapp.shell.currentWidget.content.model.cells; const n = [];"
    " for (let i = 0; i < cells.length; i++) { const c = cells.get(i); if (c.type === 'code') n.push(c.executionCount); }"
    " return n; }"
)


def _run_all_cells(page) -> None:
    """Run all cells once the kernel is connected; send the command again if nothing started."""
    page.wait_for_function(_KERNEL_READY)
    for _attempt in range(3):
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        try:
            page.wait_for_function(f"() => ({_COUNTS})().some(Boolean)", timeout=20_000)
            break
        except PlaywrightTimeout:
            continue
    page.wait_for_function(f"() => ({_COUNTS})().every(Boolean)")


def _kpi(page, key: str) -> float:
    return float(page.locator(f'.or-kpi[data-kpi="{key}"]').first.get_attribute("data-value"))


def test_moving_the_trust_slider_updates_the_kpis_to_what_simulate_gives(lab):
    url, token = lab
    with browser_page() as page:
        page.set_default_timeout(120_000)
        page.goto(f"{url}lab/tree/{NOTEBOOK.name}?token={token}", wait_until="commit")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-KernelName')].some(e => e.textContent.includes('Python 3'))"
        )
        _run_all_cells(page)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")
        page.wait_for_selector(".or-kpis")
        base = simulate(Scenario(), n_trials=20_000, seed=2026).summary()
        assert _kpi(page, "mean_npv") == pytest.approx(base["mean_npv"], rel=1e-12)

        handle = page.locator(".widget-hslider .noUi-handle").first  # trust: the first headline lever
        shown = page.locator('.or-kpi[data-kpi="mean_npv"]').first.get_attribute("data-value")
        handle.focus()
        handle.press("ArrowRight")  # one step: trust 0.60 -> 0.61
        page.wait_for_function(  # the card's own text, not a repr of it, until the update lands
            f"() => document.querySelector('.or-kpi[data-kpi=\"mean_npv\"]').dataset.value != '{shown}'"
        )
        moved = simulate(Scenario(trust=0.61), n_trials=20_000, seed=2026).summary()
        for key in ("mean_npv", "p_loss", "cvar5", "p_failure"):
            assert _kpi(page, key) == pytest.approx(moved[key], rel=1e-12), key
        assert page.locator(".js-plotly-plot .main-svg").count() >= 2, "the live charts are drawn"
        page.screenshot(
            path=str(Path(os.environ.get("OR_SCREENSHOTS", "/tmp")) / "lab_what_if.png"), full_page=False
        )

        body = page.inner_text("body")
        assert "Error displaying widget" not in body
        assert page.locator(".jupyter-widgets-error-widget").count() == 0
        assert not [m for m in page.console_errors if "No version of module" in m]
        assert page.outside_requests == []


def _open_and_run_all(page, url: str, token: str, name: str) -> None:
    page.goto(f"{url}lab/tree/{name}?token={token}", wait_until="commit")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")
    _run_all_cells(page)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")


def test_run_all_and_save_in_lab_leaves_git_status_clean(tmp_path):
    """The project's Lab settings (.jupyter/, as `make lab` uses them) save notebooks as git stores
    them: after running all cells and saving, the file is what was committed (the checked cell's
    reference output included) and git sees no change."""
    repo = tmp_path / "repo"
    repo.mkdir()
    source = ROOT / "notebooks" / "explore" / "goal_clarity.ipynb"
    shutil.copy(source, repo / source.name)
    for name in (".gitattributes", ".gitignore"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / ".jupyter", repo / ".jupyter")

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("config", "user.email", "test@example.com")
    git("config", "user.name", "test")
    subprocess.run(
        ["make", "-s", "-C", str(ROOT), "git-filter", f"REPO={repo}"], check=True, capture_output=True
    )
    git("add", "-A")
    git("commit", "-qm", "notebook as committed")
    committed = (repo / source.name).read_bytes()
    saved_before = (repo / source.name).stat().st_mtime_ns
    with (
        lab_server(repo, tmp_path / "state", config_path=repo / ".jupyter") as (url, token),
        browser_page() as page,
    ):
        page.set_default_timeout(120_000)
        _open_and_run_all(page, url, token, source.name)
        page.wait_for_selector(".jp-OutputArea-output .plotly")  # the run's outputs are on screen
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        deadline = time.monotonic() + 60
        while (repo / source.name).stat().st_mtime_ns == saved_before and time.monotonic() < deadline:
            time.sleep(0.2)
    assert (repo / source.name).stat().st_mtime_ns != saved_before, "Lab saved the notebook"
    assert (repo / source.name).read_bytes() == committed
    assert git("status", "--porcelain") == "", git("diff")

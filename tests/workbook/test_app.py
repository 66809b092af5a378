"""`outsourcing-risk app` against a visitor it does not know: kernels reclaimed and capped, a
token off this machine, the URL it prints is the one it serves, nothing outlives it (no browser:
plain HTTP, as `curl` would)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from outsourcing_risk.io.data import data_dir

from ..app_server import free_port

pytest.importorskip("voila")


def _start(tmp_path, *args):
    (tmp_path / "tmp").mkdir(exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "outsourcing_risk", "app", *map(str, args)],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},  # its scratch folder: the test's own
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    line = server.stdout.readline()  # the URL, printed once before Voilà starts
    url = re.search(r"http://\S+", line).group(0)
    port = int(re.search(r":(\d+)/", url).group(1))
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert server.poll() is None, "the app exited"
            assert time.monotonic() < deadline, "the app did not start in time"
            time.sleep(0.3)
    return server, url, port


def _stop(server):
    with pytest.raises(ProcessLookupError):  # noqa: PT012 - the group must end, or the test says so
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        os.killpg(server.pid, 0)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as page:
            return page.status, page.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _kernels(server) -> list[psutil.Process]:
    """The app's live kernels. A kernel culled while they are listed is gone (a zombie until its
    parent reaps it, or no process at all): it is not counted."""
    live = []
    for p in psutil.Process(server.pid).children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(_command_line(p)):
                live.append(p)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue
    return live


def test_visitors_beyond_the_cap_get_a_page_that_says_so_and_idle_kernels_go(tmp_path):
    # Idle for 15 s: on a machine loaded by other work a page load took 11–15 s, and with 6 s the
    # first kernels went before the third visitor came.
    server, url, _ = _start(tmp_path, "--port", free_port(), "--max-visitors", 2, "--idle-minutes", 0.25)
    try:
        assert [_get(url)[0] for _ in range(2)] == [200, 200]  # two page loads that never connect
        status, page = _get(url)
        assert status == 503
        assert "The app is full: 2 people are using it now" in page
        assert "a page left idle frees its place after 15 seconds" in page, "--idle-minutes 0.25, said"
        assert len(_kernels(server)) <= 2
        deadline = time.monotonic() + 60
        while _kernels(server) and time.monotonic() < deadline:
            time.sleep(1)
        assert _kernels(server) == [], "kernels with no page connected are shut down when idle"
        assert _get(url)[0] == 200, "their places are free again"
    finally:
        _stop(server)
    # A visitor turned away is the one line Voilà still says (an error, to the server: 503).
    said = [line for line in server.stdout.read().splitlines() if not line.startswith("503 GET / ")]
    assert said == [
        (
            "Up to 2 visitors at once, each with a kernel of their own; a page left idle frees its "
            "place after 15 seconds. Voilà's own log: --verbose."
        )
    ], "found from outside: 59 lines of Voilà, a websocket warning and WARNING lines for normal culling"
    assert list((tmp_path / "tmp").iterdir()) == [], "the app's scratch folder went with it"


def test_off_this_machine_the_app_asks_for_the_token_it_printed(tmp_path):
    server, url, port = _start(tmp_path, "--port", free_port(), "--ip", "0.0.0.0")
    try:
        token = re.search(r"\?token=([\w-]+)", url).group(1)
        assert len(token) >= 30
        assert url.startswith(f"http://{socket.gethostname()}:{port}/")
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status in (401, 403) or ("token" in page.lower() and "outsourcing" not in page.lower())
        assert _get(f"http://127.0.0.1:{port}/?token={token}")[0] == 200
    finally:
        _stop(server)


def test_a_busy_port_moves_on_and_the_printed_url_says_where(tmp_path):
    busy = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", busy))
        holder.listen()
        server, url, port = _start(tmp_path, "--port", busy)
        try:
            assert port != busy
            assert url == f"http://127.0.0.1:{port}/"
            assert _get(url)[0] == 200
        finally:
            _stop(server)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_the_app_killed_outright_takes_voila_and_its_kernels_with_it(tmp_path):
    server, url, port = _start(tmp_path, "--port", free_port())
    assert _get(url)[0] == 200
    family = psutil.Process(server.pid).children(recursive=True)
    assert any("voila" in " ".join(_command_line(p)) for p in family)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=30)
    assert alive == [], "Voilà and its kernels stop with the app"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    left = list((tmp_path / "tmp").glob(f"outsourcing-risk-app-{server.pid}-*"))
    assert [p.name for p in left[0].iterdir()] != [], "a scratch folder named for the app (its secret in it)"
    book = subprocess.run(
        [
            sys.executable,
            "-m",
            "outsourcing_risk",
            "portfolio",
            data_dir() / "portfolio.csv",
            "--out",
            str(tmp_path / "o"),
            "--trials",
            "200",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
    )
    assert book.returncode == 0, book.stderr
    assert not left[0].exists(), "found from outside: it stayed for good; the next command removes it"


def _command_line(p) -> list[str]:
    """A process's command line, or [] once it is gone or a zombie (a race, not a failure)."""
    try:
        return p.cmdline()
    except psutil.Error:
        return []

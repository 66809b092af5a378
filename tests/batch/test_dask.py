"""Batch reports and analyses on a real dask.distributed cluster: a scheduler and two workers
started as processes on 127.0.0.1, as a user would with `dask scheduler` and `dask worker`.

What a user would notice: the same table and seed give a byte-identical summary.csv on the local
pool, a LocalCluster and the external cluster; analyses give identical numbers; a worker killed
mid-batch loses no row (each ends ok or failed with its reason, index and summary complete) and
leaves no stray report process behind; a scheduler that cannot be reached is one line, exit 2.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import psutil
import pytest
from distributed import Client

from outsourcing_risk import Pert, Scenario, grid, sweep, tornado

from .test_batch_faults import command_line, descendants, run, start, wait_for

DASK = Path(sys.executable).with_name("dask")
ROWS = ("Alpha", "Beta")


def _spawn(*args, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(DASK), *args],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
        # a worker killed on purpose cannot clean up: its folders stay in the test's own
        env={**os.environ, "TMPDIR": str(log.parent)},
    )


def _key_files(folder: Path) -> set[Path]:
    """Kernel connection files anywhere in ``folder``: they hold a kernel's message key."""
    return {
        p
        for pattern in ("tmp*.json", "kernel-*.json")
        for p in folder.rglob(pattern)
        if '"key"' in p.read_text(errors="replace")
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """An external cluster: `dask scheduler` and two single-threaded `dask worker`s (no nanny, so
    a killed worker stays dead)."""
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    procs = [
        _spawn(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(file),
            log=folder / "scheduler.log",
        )
    ]
    wait_for(file.exists, seconds=60)
    for i in range(2):
        procs.append(
            _spawn(
                "worker",
                "--scheduler-file",
                str(file),
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--name",
                f"w{i}",
                log=folder / f"worker{i}.log",
            )
        )
    client = Client(scheduler_file=str(file), timeout="30s")
    client.wait_for_workers(2, timeout=60)
    try:
        yield client, procs[1:]
    finally:
        client.close()
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()


@pytest.fixture(scope="module")
def local_summary(tmp_path_factory):
    folder = tmp_path_factory.mktemp("local")
    (folder / "t.csv").write_text(
        "name,trust,vendor_failure_prob_annual\n"
        + "".join(f"{n},{0.2 + 0.3 * i},{0.03 + 0.04 * i}\n" for i, n in enumerate(ROWS))
    )
    done = run("report", folder / "t.csv", "--out", folder / "out", "--trials", 2000, "--seed", 11, "--quiet")
    assert done.returncode == 0, done.stderr
    return folder / "t.csv", (folder / "out" / "summary.csv").read_bytes()


def test_external_cluster_and_local_cluster_write_the_local_pools_summary(cluster, local_summary, tmp_path):
    client, _ = cluster
    table, expected = local_summary
    address = client.scheduler.address
    for scheduler in (address, "local"):
        out = tmp_path / scheduler.replace(":", "").replace("/", "")
        private = tmp_path / f"tmp-{len(scheduler)}"  # this run's own temporary folder: nobody else's files
        private.mkdir()
        done = run(
            "report", table, "--out", out, "--trials", 2000, "--seed", 11, "--quiet", "--scheduler", scheduler,
            env={"TMPDIR": str(private)},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if scheduler == "local":  # its workers stopped with the batch, and cleaned up after them
            # (the global temporary folder is not looked at: another process's folders are not ours)
            assert _key_files(private) == set(), "no kernel connection file (with its key) is left"
            ours = [p.name for p in private.iterdir() if p.name.startswith("outsourcing-risk-")]
            assert ours == [], "none of our temporary folders is left (dask keeps its own scratch space)"
        assert (out / "summary.csv").read_bytes() == expected, scheduler
        summary = pd.read_csv(out / "summary.csv")
        assert (summary["status"] == "ok").all()
        for name in summary["report"]:
            assert (out / name).stat().st_size > 100_000  # the reports came back from the workers
        assert "Traceback" not in done.stderr


def test_analyses_on_the_cluster_equal_the_local_numbers(cluster):
    client, _ = cluster
    s = Scenario(
        trust=0.35, switching_cost=Pert(120_000, 250_000, 500_000), currency="EUR", after_failure="insource"
    )
    local = sweep(s, "vendor_failure_prob_annual", [0.02, 0.1, 0.3], n_trials=3000, seed=5)
    remote = sweep(s, "vendor_failure_prob_annual", [0.02, 0.1, 0.3], n_trials=3000, seed=5, executor=client)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)
    a = tornado(s, ["trust", "switching_cost", "goal_clarity"], n_trials=3000, seed=5)
    b = tornado(s, ["trust", "switching_cost", "goal_clarity"], n_trials=3000, seed=5, executor=client)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.attrs == b.attrs
    g = dict(x_values=[0.05, 0.2], y_values=[100_000, 400_000], n_trials=2000, seed=2)
    with ProcessPoolExecutor(2) as pool:
        pd.testing.assert_frame_equal(grid(s, **g), grid(s, **g, executor=pool), check_exact=True)
    pd.testing.assert_frame_equal(grid(s, **g), grid(s, **g, executor=client), check_exact=True)


def test_a_killed_worker_loses_no_row(cluster, tmp_path):
    client, workers = cluster
    table = tmp_path / "t.csv"
    table.write_text("name\n" + "".join(f"Row {i}\n" for i in range(3)))
    batch = start(
        "report",
        table,
        "--out",
        tmp_path / "out",
        "--trials",
        2000,
        "--seed",
        1,
        "--quiet",
        "--scheduler",
        client.scheduler.address,
    )
    alive = [w for w in workers if w.poll() is None]

    def row_running():  # a worker with a report process of its own, its kernel started
        for w in alive:
            rows = [
                p for p in descendants(w.pid) if "outsourcing_risk.batch.worker" in " ".join(command_line(p))
            ]
            if rows and any("ipykernel" in " ".join(command_line(p)) for p in descendants(w.pid)):
                return w, rows
        return None

    victim, rows = wait_for(row_running, seconds=120)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    _out, err = batch.communicate(timeout=600)
    assert batch.returncode in (0, 1), err
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert len(summary) == 3
    assert set(summary["status"]) <= {"ok", "failed"}
    assert all(len(str(e)) > 10 for e in summary.loc[summary["status"] != "ok", "error"])
    assert (summary["status"] == "ok").all()  # dask gave the lost row to the other worker
    index = (tmp_path / "out" / "index.html").read_text()
    assert all(f"Row {i}" in index for i in range(3))
    # The killed worker's report process died with it.
    wait_for(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in rows), seconds=10)


def test_an_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "t.csv").write_text("name\nA\n")
    started = time.monotonic()
    done = run("report", tmp_path / "t.csv", "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 2
    assert "cannot reach the dask scheduler at 'tcp://127.0.0.1:9'" in done.stderr
    assert "dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    assert time.monotonic() - started < 60


def test_workers_with_a_running_cluster_is_refused(tmp_path):
    (tmp_path / "t.csv").write_text("name\nA\n")
    done = run("report", tmp_path / "t.csv", "--scheduler", "tcp://127.0.0.1:9", "--workers", "2")
    assert done.returncode == 2
    assert "leave out --workers" in done.stderr


def test_ctrl_c_on_a_local_cluster_stops_everything_and_keeps_the_index(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("name\n" + "".join(f"Row {i}\n" for i in range(4)))
    batch = start(
        "report",
        table,
        "--out",
        tmp_path / "out",
        "--trials",
        2000,
        "--seed",
        1,
        "--scheduler",
        "local",
        "--workers",
        "2",
    )
    wait_for(
        lambda: any("ipykernel" in " ".join(command_line(p)) for p in descendants(batch.pid)), seconds=120
    )
    tree = descendants(batch.pid)
    os.kill(batch.pid, signal.SIGINT)
    _out, err = batch.communicate(timeout=60)
    assert batch.returncode == 130, err
    assert "stopped by SIGINT" in err
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert len(summary) == 4
    assert "not run" in set(summary["status"])
    wait_for(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in tree), seconds=15)


def test_a_scheduler_killed_mid_batch_fails_the_rows_left_and_writes_the_index(tmp_path):
    """Found from outside: the client crashed within a second (FuturesCancelledError), with no
    index and no summary. The rows left now fail with the reason; the finished report stays."""
    file = tmp_path / "scheduler.json"
    scheduler = _spawn(
        "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file),
        log=tmp_path / "scheduler.log",
    )  # fmt: skip
    wait_for(file.exists, seconds=60)
    worker = _spawn(
        "worker", "--scheduler-file", str(file), "--nthreads", "1", "--no-nanny", "--no-dashboard",
        "--death-timeout", "5", log=tmp_path / "worker.log",
    )  # fmt: skip
    address = json.loads(file.read_text())["address"]
    out = tmp_path / "out"
    names = ["First", "Second", "Third"]
    table = tmp_path / "t.csv"
    table.write_text("name\n" + "".join(f"{n}\n" for n in names))
    proc = start("report", table, "--out", out, "--scheduler", address, "--trials", 20_000, "--quiet")
    try:
        wait_for(lambda: list(out.glob(".outsourcing-risk-stage-*/first-*.html")), 180)  # staged
        scheduler.kill()
        _, err = proc.communicate(timeout=120)
    finally:
        for p in (proc, scheduler, worker):
            if p.poll() is None:
                p.kill()
            p.wait()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    assert list(summary.scenario) == names
    assert summary.status.iloc[0] == "ok"
    lost = summary[summary.status == "failed"]
    assert len(lost) >= 1
    assert all("the dask scheduler" in e and "was lost" in e for e in lost.error)
    assert (out / "index.html").exists()

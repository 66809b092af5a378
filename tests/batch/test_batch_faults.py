"""Faults on purpose: a killed worker, Ctrl-C and SIGTERM, a full disk, a read-only or wrong --out,
two runs at once, a rerun with fewer rows, fractional timeouts, progress-bar conventions.

Each test asserts what a user would notice: the exit code, the message, that every finished
report is on disk and listed in index.html and summary.csv, that no process outlives the command,
and that no temporary file is left. Every process a test starts has a temporary folder of its own
(TMPDIR), so that what another process leaves in the shared one is never taken for a leak.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from outsourcing_risk.batch.output_folder import LOCK, MANIFEST

NOISE = ("Traceback", "[IPKernelApp]", "ZMQError", "KeyboardInterrupt")


@pytest.fixture(autouse=True)
def own_tmp(tmp_path, monkeypatch) -> Path:
    """The temporary folder of every process this test starts (TMPDIR, read by Python's tempfile)."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setenv("TMPDIR", str(where))
    return where


def cli(*args, env=None):
    # These tests are about processes, files and messages, not report content: no what-if section.
    command = [sys.executable, "-m", "outsourcing_risk.cli", *map(str, args)]
    if len(args) > 0 and args[0] == "report":
        command.append("--no-whatif")
    return command, {**os.environ, **(env or {})}


def run(*args, env=None, timeout=600):
    command, environ = cli(*args, env=env)
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout, env=environ)


def start(*args):
    command, environ = cli(*args)
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
        start_new_session=True,
    )


def table(tmp_path, names, extra="") -> Path:
    path = tmp_path / "t.csv"
    path.write_text("name\n" + "".join(f"{n}{extra}\n" for n in names))
    return path


def descendants(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).children(recursive=True)
    return []


def wait_for(condition, seconds=120, step=0.1):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def kernels_of(pid: int) -> list[psutil.Process]:
    return [p for p in descendants(pid) if "ipykernel" in " ".join(command_line(p))]


def command_line(p) -> list[str]:
    """A process's command line, or [] once it is gone or a zombie (a race, not a failure)."""
    with contextlib.suppress(psutil.Error):
        return p.cmdline()
    return []


def finished_reports(out: Path) -> list[str]:
    """The reports of rows finished so far: staged until the run moves its files in at the end."""
    return [p.name for p in out.glob(".outsourcing-risk-stage-*/*.html")] + listed_reports(out)


def listed_reports(out: Path) -> list[str]:
    with contextlib.suppress(OSError, ValueError):
        return [f for f in json.loads((out / MANIFEST).read_text())["files"] if f.endswith(".html")]
    return []


def assert_consistent(out: Path, names: list[str]) -> pd.DataFrame:
    """index.html and summary.csv list every row, and every listed report is on disk (and only those)."""
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    assert list(summary.scenario) == names
    index = (out / "index.html").read_text()
    for name in names:
        assert name in index
    listed = {r for r in summary.report if r}
    on_disk = {p.name for p in out.glob("*.html")} - {"index.html"}
    assert listed == on_disk
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name not in (MANIFEST, LOCK)]
    assert leftovers == [], "no temporary files are left in --out"
    return summary


def gone(processes) -> bool:
    return not [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.fixture
def temp_roots(own_tmp):
    """The scratch folders left in the test's own temporary folder: any is a leak."""
    return lambda: set(own_tmp.glob("outsourcing-risk-*"))


def test_a_killed_worker_fails_its_row_and_the_batch_goes_on(tmp_path, temp_roots):
    out = tmp_path / "out"
    proc = start(
        "report",
        table(tmp_path, ["Killed", "Survivor"]),
        "--out",
        out,
        "--workers",
        1,
        "--trials",
        20_000,
        "--quiet",
    )
    kernel = wait_for(lambda: kernels_of(proc.pid))
    seen = descendants(proc.pid)
    worker = next(p for p in seen if "outsourcing_risk.batch.worker" in " ".join(command_line(p)))
    worker.kill()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    summary = assert_consistent(out, ["Killed", "Survivor"]).set_index("scenario")
    assert summary.loc["Killed", "status"] == "failed"
    assert "worker process was killed by SIGKILL" in summary.loc["Killed", "error"]
    assert summary.loc["Survivor", "status"] == "ok"
    assert "failed: row 1 (Killed): the worker process was killed by SIGKILL" in err
    assert not any(word in err for word in NOISE), err
    assert wait_for(lambda: gone(seen + kernel), 10), "the killed worker's kernel was stopped too"
    assert temp_roots() == set()


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_stops_promptly_and_keeps_every_finished_report(tmp_path, temp_roots, signum, code):
    out = tmp_path / "out"
    names = ["First", "Second", "Third", "Fourth"]
    proc = start(
        "report", table(tmp_path, names), "--out", out, "--workers", 2, "--trials", 20_000, "--quiet"
    )
    wait_for(lambda: finished_reports(out), 180)
    wait_for(lambda: len(kernels_of(proc.pid)) >= 1)
    seen = descendants(proc.pid)
    sent = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == code
    assert took <= 5, f"stopped in {took:.1f} s"
    summary = assert_consistent(out, names)
    assert (summary.status == "ok").sum() >= 1
    assert (summary.status == "not run").sum() >= 1
    assert set(summary.status) <= {"ok", "not run"}
    assert f"stopped by {signal.Signals(signum).name}" in err
    assert "Traceback" not in err
    assert wait_for(lambda: gone(seen), 10), "no worker or kernel outlives the command"
    assert temp_roots() == set()


def test_ctrl_c_three_times_still_writes_the_index_and_summary(tmp_path, temp_roots):
    """Found from outside: a second Ctrl-C a fraction of a second after the first broke the index
    while it was being built. The later ones now wait until it is on disk."""
    out = tmp_path / "out"
    names = ["First", "Second", "Third"]
    proc = start(
        "report", table(tmp_path, names), "--out", out, "--workers", 1, "--trials", 20_000, "--quiet"
    )
    wait_for(lambda: finished_reports(out), 180)
    seen = descendants(proc.pid)
    for pause in (0.0, 0.15, 0.4):
        time.sleep(pause)
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    summary = assert_consistent(out, names)
    assert (summary.status == "ok").sum() >= 1
    assert wait_for(lambda: gone(seen), 10)
    assert temp_roots() == set()


@pytest.fixture
def tiny_disk(tmp_path):
    where = tmp_path / "tiny"
    where.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2500k", "tmpfs", str(where)],
            check=False,
            capture_output=True,
        ).returncode
        != 0
    ):
        pytest.skip("needs root to mount a small tmpfs")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_is_one_clear_line_and_keeps_what_fit(tmp_path, tiny_disk):
    out = tiny_disk / "out"
    done = run(
        "report",
        table(tmp_path, ["Fits", "No room"]),
        "--out",
        out,
        "--workers",
        1,
        "--trials",
        2_000,
        "--quiet",
    )
    assert done.returncode == 1
    assert "no space left on device while writing" in done.stderr
    assert "Traceback" not in done.stderr
    assert "NotJSONError" not in done.stderr
    summary = assert_consistent(out, ["Fits", "No room"]).set_index("scenario")
    assert summary.loc["Fits", "status"] == "ok"
    assert (out / summary.loc["Fits", "report"]).stat().st_size > 1e6  # with plotly.js basic, 2.1 MB
    assert summary.loc["No room", "status"] == "failed"
    assert "no space left on device while writing" in summary.loc["No room", "error"]
    assert "there was no room for it on the disk" in (out / "index.html").read_text()


@pytest.fixture
def read_only_dir(tmp_path):
    where = tmp_path / "ro"
    where.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(where), str(where)], check=False, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("needs root to make a read-only bind mount")
    subprocess.run(["mount", "-o", "remount,ro,bind", str(where)], check=True)
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_out_is_refused_before_anything_runs(tmp_path, read_only_dir):
    done = run("report", table(tmp_path, ["A"]), "--out", read_only_dir, "--quiet")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"outsourcing-risk: cannot write to --out {read_only_dir}: read-only file system"
    )


def test_an_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("mine")
    done = run("report", table(tmp_path, ["A"]), "--out", target, "--quiet")
    assert done.returncode == 2
    assert "is a file, not a folder" in done.stderr
    assert target.read_text() == "mine"


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    first = start("report", table(tmp_path, ["Slow"]), "--out", out, "--trials", 20_000, "--quiet")
    wait_for(lambda: (out / MANIFEST).exists() and kernels_of(first.pid))
    second = run("report", table(tmp_path, ["Slow"]), "--out", out, "--quiet", timeout=60)
    assert second.returncode == 2
    assert f"another outsourcing-risk run (process {first.pid}) is writing to {out}" in second.stderr
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert_consistent(out, ["Slow"])


def test_a_rerun_with_fewer_rows_removes_the_reports_it_no_longer_lists(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "my-notes.txt").write_text("not the batch's")
    assert run("report", table(tmp_path, ["Kept", "Dropped"]), "--out", out, "--trials", 300).returncode == 0
    dropped = list(out.glob("dropped-*"))
    assert len(dropped) == 2
    again = run("report", table(tmp_path, ["Kept"]), "--out", out, "--trials", 300)
    assert again.returncode == 0
    assert not any(word in again.stderr for word in NOISE), again.stderr
    assert_consistent(out, ["Kept"])
    assert not any(p.exists() for p in dropped)
    assert (out / "my-notes.txt").read_text() == "not the batch's", "files the batch did not write stay"


def test_a_fractional_timeout_is_accepted_and_a_timed_out_row_is_quiet(tmp_path, temp_roots):
    out = tmp_path / "out"
    done = run(
        "report", table(tmp_path, ["Slow"]), "--out", out, "--trials", 20_000, "--timeout", 2.5, "--quiet"
    )
    assert done.returncode == 1
    summary = assert_consistent(out, ["Slow"])
    assert summary.error[0].startswith("timed out after 2.5 s")
    assert not any(word in done.stderr for word in NOISE), done.stderr
    assert temp_roots() == set()


@pytest.mark.parametrize(
    ("flags", "env", "bar"),
    [
        ((), {}, False),
        (("--progress",), {}, True),
        ((), {"TQDM_DISABLE": "1"}, False),
        (("--quiet",), {}, False),
    ],
)
def test_the_progress_bar_follows_tqdm_conventions(tmp_path, flags, env, bar):
    # A row with a bad value counts on the bar as any row does, without a worker or a kernel
    # (each case took a report's 8–35 s before; the bar is the same either way).
    bad = tmp_path / "bad.csv"
    bad.write_text("name,trust\nA,7\n")
    done = run("report", bad, "--out", tmp_path / "out", "--trials", 200, *flags, env=env)
    assert done.returncode == 1, done.stderr
    assert "failed: row 1 (A): ScenarioError: trust must be in [0, 1] (got 7)" in done.stderr
    assert ("reports: 100%" in done.stderr) is bar, done.stderr


def test_images_without_a_browser_are_refused_before_anything_runs(tmp_path):
    out = tmp_path / "out"
    empty = tmp_path / "no-browsers"
    empty.mkdir()
    done = run(
        "report",
        table(tmp_path, ["A"]),
        "--out",
        out,
        "--images",
        "png",
        "--quiet",
        env={"PATH": str(empty), "BROWSER_PATH": ""},
    )
    assert done.returncode == 2
    assert "--images needs Chrome or Chromium" in done.stderr
    assert not out.exists() or not list(out.glob("*.html"))


def test_images_without_the_images_extra_are_refused_naming_it(tmp_path):
    """Found from outside: without kaleido the whole batch ran, every row then failed naming it, and
    the command said "0 of 5 reports written" with 5 reports on disk."""
    out = tmp_path / "out"
    prelude = (
        "import sys; sys.modules['kaleido'] = None\nfrom outsourcing_risk.cli import main\nsys.exit(main())"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            prelude,
            "report",
            str(table(tmp_path, ["A"])),
            "--out",
            str(out),
            "--images",
            "png",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert 'pip install "outsourcing-risk[images]"' in done.stderr
    assert not out.exists() or not any(out.iterdir()), "nothing ran, nothing was written"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_batch_killed_outright_takes_its_workers_and_kernels_with_it(tmp_path, own_tmp, temp_roots):
    """Found from outside: after SIGKILL of the command its worker and kernel ran on for 10–30 s,
    finishing a report nobody would write. They now die with it, and the next run removes the
    scratch folder it could not."""
    proc = start(
        "report", table(tmp_path, ["Orphan"]), "--out", tmp_path / "out", "--trials", 20_000, "--quiet"
    )
    kernels = wait_for(lambda: kernels_of(proc.pid))
    family = descendants(proc.pid) + kernels
    proc.kill()
    proc.wait(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=5)
    assert alive == [], "no worker or kernel outlives a batch killed outright"
    left = temp_roots()
    assert left != set(), "its scratch folder is left (nobody could remove it)..."
    alive = own_tmp / f"outsourcing-risk-{os.getpid()}-alive"  # a running process's: not ours to remove
    (alive / "runtime").mkdir(parents=True)
    bad = tmp_path / "bad.csv"  # the next batch (a row with a bad value: no worker needed)
    bad.write_text("name,trust\nNext,7\n")
    done = run("report", bad, "--out", tmp_path / "next", "--quiet")
    assert done.returncode == 1, done.stderr
    assert temp_roots() == {alive}, "...until the next run, which leaves a live process's alone"


def test_pdf_with_a_browser_that_cannot_start_is_refused_before_the_rows(tmp_path, own_tmp, temp_roots):
    """Found from outside: the rows ran, then the printing crashed with a 61-line traceback and
    left no index or summary. The browser is now started before the rows, and refused in words."""
    broken = tmp_path / "chromium"
    broken.write_text('#!/bin/sh\necho "cannot open display" >&2\nexit 1\n')
    broken.chmod(0o755)
    out = tmp_path / "out"
    done = run(
        "report", table(tmp_path, ["A"]), "--out", out, "--pdf", "--quiet", env={"BROWSER_PATH": str(broken)}
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().startswith(
        f"outsourcing-risk: --pdf: Chrome or Chromium ({broken}) could not start"
    )
    assert "cannot open display (exit code 1)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists(), "nothing ran, nothing was written"
    assert temp_roots() == set()
    assert list(own_tmp.iterdir()) == [], "no browser profile left either"


@pytest.mark.browser
def test_ctrl_c_while_printing_stops_quietly_and_leaves_no_browser_behind(tmp_path, own_tmp, temp_roots):
    """Found from outside: Ctrl-C while printing marked the row as failed with a Playwright error,
    printed asyncio noise and left a Chromium profile in the temporary folder. The terminal's
    Ctrl-C (sent to the command's process group) now stops the printing between two breaths."""
    out = tmp_path / "out"
    proc = start("report", table(tmp_path, ["Printed"]), "--out", out, "--trials", 300, "--pdf", "--quiet")
    wait_for(lambda: finished_reports(out) or proc.poll() is not None, 180)
    assert proc.poll() is None, proc.communicate()

    def printing():
        return [p for p in descendants(proc.pid) if "outsourcing_risk.batch.pdf" in " ".join(command_line(p))]

    def rendering():  # the browser has opened its page: the report is being printed
        printer = printing()
        family = [*printer, *(c for p in printer for c in p.children(recursive=True))]
        return family if any("--type=renderer" in " ".join(command_line(p)) for p in family) else None

    family = wait_for(rendering, 60, step=0.05)
    printer = printing()
    os.killpg(proc.pid, signal.SIGINT)  # what a Ctrl-C at the terminal sends
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    for word in (*NOISE, "asyncio", "Playwright", "playwright"):
        assert word not in err, err
    summary = assert_consistent(out, ["Printed"])
    assert list(summary.status) == ["ok"], "the row is not failed for a printing that was stopped"
    _gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []
    assert temp_roots() == set()
    assert [p.name for p in own_tmp.iterdir()] == [], "no Chromium profile is left"
    # (With a temporary folder as long as pytest's, the printer works in /tmp: Chromium's socket
    # path would be too long.)
    assert not list(Path("/tmp").glob(f".outsourcing-risk-print-{printer[0].pid}-*"))
    assert not list(out.glob("*.pdf"))

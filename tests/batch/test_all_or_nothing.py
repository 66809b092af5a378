"""A command's files arrive whole or not at all, and one command never removes another's: real
folders, a real full disk (a small tmpfs, as root) and real signals, on a book of three contracts
at a few hundred trials (each run takes a few seconds)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from outsourcing_risk.batch.output_folder import LOCK, MANIFEST

BOOK = """name,vendor,critical,notice_months,rto_months,vendor_monthly_fee
Service desk,Acme,no,3,1,46500
Payroll,Acme,yes,6,0.5,31000
Hosting,Stratus,yes,2,0.25,41000
"""
BOOK_FILES = ("contracts.csv", "portfolio.html", "vendors.csv")
#: Run before the command in a subprocess: one function patched to misbehave at one moment.
PRELUDE = """import os, signal, sys
import outsourcing_risk.batch.portfolio_run as run
import outsourcing_risk.batch.output_folder as folder
{patch}
from outsourcing_risk.cli import main
sys.exit(main())
"""


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setenv("TMPDIR", str(where))  # each command's scratch folders: the test's own
    path = tmp_path / "book.csv"
    path.write_text(BOOK)
    return path


def cli(*args, patch: str = ""):
    command = (
        [sys.executable, "-c", PRELUDE.format(patch=patch)]
        if patch
        else [sys.executable, "-m", "outsourcing_risk.cli"]
    )
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=dict(os.environ),
    )


def portfolio(table, out, seed, patch=""):
    return cli("portfolio", table, "--out", out, "--trials", 400, "--seed", seed, patch=patch)


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def listed(out: Path) -> dict[str, str]:
    return json.loads((out / MANIFEST).read_text())["files"]


def assert_listed_as_on_disk(out: Path) -> None:
    """The manifest lists exactly the files of ours on disk, each with the hash of its content."""
    files = listed(out)
    on_disk = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert set(files) == on_disk
    for name, digest in files.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.name not in (MANIFEST, LOCK)] == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A folder on a tmpfs of a given size (root only): ``tiny_disk(kilobytes)``."""
    mounts = []

    def mount(kilobytes: int) -> Path:
        where = tmp_path / f"disk{len(mounts)}"
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"needs root to mount a small tmpfs ({done.stderr.decode().strip()})")
        mounts.append(where)
        return where

    yield mount
    for where in mounts:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_book_and_a_batch_in_one_folder_keep_each_others_files(book, tmp_path):
    """Found from outside: `report … --out out` then `portfolio … --out out` removed the batch's
    index.html, summary.csv and reports as the previous run's stale files."""
    out = tmp_path / "out"
    table = tmp_path / "scenarios.csv"
    table.write_text("name\nKept\n")
    first = cli("report", table, "--out", out, "--trials", 200, "--no-whatif", "--quiet")
    assert first.returncode == 0, first.stderr
    batch = {n: b for n, b in contents(out).items() if not n.startswith(".")}
    assert portfolio(book, out, 1).returncode == 0
    after = contents(out)
    assert {n: after.get(n) for n in batch} == batch, "the book removed or changed none of the batch's files"
    assert set(listed(out)) == set(batch) | set(BOOK_FILES)
    table.write_text("name,trust\nKept,7\n")  # the row now fails (no worker needed): its report goes
    again = cli("report", table, "--out", out, "--trials", 200, "--no-whatif", "--quiet")
    assert again.returncode == 1, again.stderr
    assert not [n for n in batch if n.startswith("kept-") and (out / n).exists()], (
        "the batch's own rerun tidies its own"
    )
    assert {n: (out / n).read_bytes() for n in BOOK_FILES} == {n: after[n] for n in BOOK_FILES}, (
        "the book's stay"
    )
    assert_listed_as_on_disk(out)


def test_a_full_disk_leaves_no_book_or_the_previous_one_whole(book, tmp_path, tiny_disk):
    """Found from outside: on a full disk the book wrote its CSVs, failed on the page and listed
    all three as current; on a rerun the CSVs were the new run's and the page the old one's."""
    roomy = tmp_path / "roomy"
    assert portfolio(book, roomy, 1).returncode == 0
    page = (roomy / "portfolio.html").stat().st_size
    tables = sum((roomy / n).stat().st_size for n in ("contracts.csv", "vendors.csv"))

    fresh = tiny_disk((tables + page // 2) // 1024 + 16) / "out"  # the tables fit, the page does not
    done = portfolio(book, fresh, 1)
    assert done.returncode == 2
    assert "no space left on device while writing" in done.stderr
    assert f"nothing new was written to {fresh}" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(fresh.iterdir()) == [], "none of the three files, no list, no lock: the folder as found"

    disk = tiny_disk((2 * tables + page + page // 2) // 1024 + 16)  # one book, and a second's tables
    out = disk / "out"
    assert portfolio(book, out, 1).returncode == 0
    before = contents(out)
    again = portfolio(book, out, 2)  # other numbers: the tables differ
    assert again.returncode == 2
    assert "no space left on device while writing" in again.stderr
    assert {n: b for n, b in contents(out).items() if n != MANIFEST} == {
        n: b for n, b in before.items() if n != MANIFEST
    }, "the previous book, whole: its tables and its page"
    assert_listed_as_on_disk(out)


def test_a_signal_while_a_book_is_written_leaves_the_previous_one(book, tmp_path):
    """Found from outside: SIGTERM during a rerun said "nothing new written" while the folder held
    the new CSVs beside the old page. A real SIGTERM, sent as the page is being made (the tables
    already written), now leaves the previous set; one sent while the files move in waits until
    they are all in place."""
    out = tmp_path / "out"
    assert portfolio(book, out, 1).returncode == 0
    before = {n: (out / n).read_bytes() for n in BOOK_FILES}
    stop_at_page = (
        "page = run.portfolio_html\n"
        "def late(analysis, *rest):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return page(analysis, *rest)\n"
        "run.portfolio_html = late"
    )
    done = portfolio(book, out, 2, patch=stop_at_page)
    assert done.returncode == 143, done.stderr
    assert f"stopped by SIGTERM: nothing new written to {out}" in done.stderr
    assert {n: (out / n).read_bytes() for n in BOOK_FILES} == before
    assert_listed_as_on_disk(out)

    stop_at_move = (
        "move = folder.OutputFolder._move_in\n"
        "def late(self):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return move(self)\n"
        "folder.OutputFolder._move_in = late"
    )
    done = portfolio(book, out, 2, patch=stop_at_move)
    assert done.returncode == 0, done.stderr
    after = {n: (out / n).read_bytes() for n in BOOK_FILES}
    assert all(after[n] != before[n] for n in ("contracts.csv", "vendors.csv")), "the new set, whole"
    assert_listed_as_on_disk(out)

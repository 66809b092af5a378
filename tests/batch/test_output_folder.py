"""The batch never writes over, or deletes, a file it did not write; every refusal is one line,
exit 2, before anything runs, and leaves the folder as it was."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys

import pytest

from outsourcing_risk.batch.output_folder import LOCK, MANIFEST, OutputError, OutputFolder
from outsourcing_risk.cli import main

TABLE = "name,trust\nFirst,0.5\n"


def _report(tmp_path, out, *extra, table=TABLE):
    path = tmp_path / "table.csv"
    path.write_text(table)
    return main(["report", str(path), "--out", str(out), "--trials", "200", "--no-whatif", "--quiet", *extra])


def _snapshot(folder):
    return {p.name: (p.is_symlink(), p.read_bytes() if p.is_file() else None) for p in folder.iterdir()}


def test_a_folder_with_the_users_own_index_is_refused_and_left_as_it_was(tmp_path, capsys):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.html").write_text("<h1>my site</h1>")
    (out / "summary.csv").write_text("my,numbers\n")
    before = _snapshot(out)
    assert _report(tmp_path, out) == 2
    err = capsys.readouterr().err
    assert "2 file(s) this tool did not write" in err
    assert "index.html, summary.csv" in err
    assert "--force" in err
    assert _snapshot(out) == before, "nothing written, not even our lock or manifest"


def test_force_replaces_them_and_from_then_on_they_are_ours(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.html").write_text("<h1>my site</h1>")
    assert _report(tmp_path, out, "--force") == 0
    assert "my site" not in (out / "index.html").read_text()
    assert _report(tmp_path, out) == 0, "a rerun needs no --force: the files are ours now"


def test_a_file_we_wrote_and_someone_changed_is_no_longer_ours(tmp_path, capsys):
    out = tmp_path / "reports"
    assert _report(tmp_path, out) == 0
    (out / "summary.csv").write_text("edited by hand\n")
    assert _report(tmp_path, out) == 2
    assert "summary.csv" in capsys.readouterr().err
    assert (out / "summary.csv").read_text() == "edited by hand\n"


def test_a_planted_manifest_cannot_make_us_delete_anything(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "precious.txt").write_text("thesis")
    (out / "thesis.docx").write_bytes(b"docx")
    lookalike = out / "base-case-0123abcd.html"  # a batch-like name, but not what we wrote
    lookalike.write_text("someone's page")
    listed = {"precious.txt": None, "thesis.docx": "00", lookalike.name: "11" * 32, "../outside.txt": None}
    (out / MANIFEST).write_text(json.dumps({"files": listed}))
    (tmp_path / "outside.txt").write_text("outside")
    assert _report(tmp_path, out) == 0
    assert (out / "precious.txt").read_text() == "thesis"
    assert (out / "thesis.docx").read_bytes() == b"docx"
    assert lookalike.read_text() == "someone's page"
    assert (tmp_path / "outside.txt").read_text() == "outside"


def test_a_rerun_removes_only_what_it_wrote_and_can_prove(tmp_path):
    out = tmp_path / "reports"
    assert _report(tmp_path, out, table="name,trust\nFirst,0.5\nSecond,0.6\n") == 0
    manifest = json.loads((out / MANIFEST).read_text())["files"]
    second = next(n for n in manifest if n.startswith("second-") and n.endswith(".html"))
    assert manifest[second] == hashlib.sha256((out / second).read_bytes()).hexdigest()
    assert _report(tmp_path, out) == 0, "the second row is gone from the table"
    assert not (out / second).exists(), "its report is removed: we wrote it and nobody changed it"


@pytest.mark.parametrize("planted", [MANIFEST, LOCK])
def test_a_planted_link_in_place_of_our_files_is_refused(tmp_path, capsys, planted):
    out = tmp_path / "reports"
    out.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours")
    (out / planted).symlink_to(target)
    assert _report(tmp_path, out) == 2
    assert "is a symbolic link, which this tool never makes" in capsys.readouterr().err
    assert target.read_text() == "not yours"


def test_a_linked_out_folder_is_refused(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert _report(tmp_path, tmp_path / "link") == 2
    assert "is a symbolic link (to" in capsys.readouterr().err
    assert list(real.iterdir()) == []


@pytest.mark.parametrize(
    ("out", "message"),
    [("", "--out is empty"), ("x" * 300, "the name is too long for the file system")],
)
def test_an_unusable_out_name_is_one_line(tmp_path, capsys, monkeypatch, out, message):
    monkeypatch.chdir(tmp_path)
    assert _report(tmp_path, out) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"], (
        "nothing written in the current folder"
    )


def test_a_folder_where_a_report_goes_is_not_ours(tmp_path, capsys):
    out = tmp_path / "reports"
    assert _report(tmp_path, out) == 0
    html = next(p for p in out.glob("first-*.html"))
    html.unlink()
    html.mkdir()
    assert _report(tmp_path, out) == 2
    assert html.name in capsys.readouterr().err
    assert html.is_dir()


def test_a_second_run_is_refused_while_the_first_holds_the_folder(tmp_path):
    out = tmp_path / "reports"
    first = OutputFolder(out)
    try:
        with pytest.raises(OutputError, match=f"another outsourcing-risk run \\(process {os.getpid()}\\)"):
            OutputFolder(out)
    finally:
        first.close()
    OutputFolder(out).close()


def test_a_device_or_a_huge_file_is_not_read_as_a_table(tmp_path, capsys):
    assert main(["report", "/dev/zero", "--out", str(tmp_path / "o")]) == 2
    assert "is not a regular file" in capsys.readouterr().err
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(65 << 20)  # sparse: 65 MB of zeros on paper
    assert main(["report", str(big), "--out", str(tmp_path / "o")]) == 2
    assert "more than a table of scenarios can be" in capsys.readouterr().err


def test_a_closed_standard_output_ends_quietly():
    proc = subprocess.Popen(
        [sys.executable, "-m", "outsourcing_risk", "params"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # as `| head` does once it has its lines
    err = proc.stderr.read().decode()
    assert proc.wait() == 1
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err


def test_export_whatif_names_the_path_it_was_asked_for(tmp_path):
    from outsourcing_risk import Scenario, export_whatif

    target = tmp_path / "missing" / "dir" / "x.html"
    with pytest.raises(FileNotFoundError) as info:
        export_whatif(Scenario(), target, n_trials=200, seed=1)
    assert info.value.filename == str(target)
    assert ".tmp" not in str(info.value)


def test_summary_cells_stay_cells_and_no_line_starts_a_formula(tmp_path):
    out = tmp_path / "reports"
    names = ["Safe name\r=cmd|' /C calc'!A0", '＝HYPERLINK("x")', "Line\n@SUM(1)"]
    table = "name,trust\n" + "".join(f'"{n.replace(chr(34), chr(34) * 2)}",0.5\n' for n in names)
    assert _report(tmp_path, out, table=table) == 0
    with (out / "summary.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 4, "one record per row, whatever the names hold"
    for row in rows[1:]:
        cell = row[1]
        assert not any(line[:1] in "=+-@＝＋－＠" for line in io.StringIO(cell.replace("\r", "\n")))
    raw = (out / "summary.csv").read_text()
    assert raw.splitlines()[1].startswith('1,"'), "text cells are quoted"


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["Café", "Cafe\u0301"], "looks the same as row 1's 'Café'"),
        (["Vendor", "Vendor\u200b"], "looks the same as row 1's"),
        (["Big vendor", "Big\u00a0vendor"], "looks the same as row 1's"),
        (["Big vendor", "Big  vendor"], "looks the same as row 1's"),
        (["\u200b\u200d", "B"], "row 1 has no name (only invisible characters)"),
    ],
)
def test_names_that_look_the_same_are_the_same(tmp_path, capsys, names, message):
    table = "name,trust\n" + "".join(f'"{n}",0.5\n' for n in names)
    assert _report(tmp_path, tmp_path / "o", table=table) == 2
    assert message in capsys.readouterr().err


def test_a_name_cannot_drive_the_terminal(tmp_path, capsys):
    table = 'name,trust\n"\x1b]0;owned\x07\x1b[2JEvil",7\n'
    assert _report(tmp_path, tmp_path / "o", table=table) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\\x1b]0;owned\\x07\\x1b[2JEvil" in err


@pytest.mark.parametrize(
    "text",
    [
        "name,trust\rA,0.5\rB,0.6\r",  # classic Mac
        "name,trust\r\nA,0.5\nB,0.6\r",  # mixed
        'name,notes,trust\nA,"one\n# not a comment\nthree",0.5\nB,,0.6\n',  # '#' inside a quoted cell
        "name,notes,trust\nA," + "x" * 10_000 + ",0.5\nB,,0.6\n",  # a note as long as allowed
    ],
)
def test_tables_with_any_line_ending_or_long_cells_are_read(tmp_path, capsys, text):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    assert main(["kpis", str(path), "--trials", "100"]) == 0
    out = capsys.readouterr().out
    assert "A " in out
    assert "B " in out


def test_a_row_whose_name_starts_with_a_hash_is_not_dropped_without_a_word(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("name,trust\n#1 vendor,0.5\nB,0.6\n")
    assert main(["kpis", str(path)]) == 2
    assert (
        "line 2 starts with '#', which marks a comment, but holds 2 fields like a row"
        in capsys.readouterr().err
    )
    path.write_text('name,trust\n"#1 vendor",0.5\n# a comment\n')
    assert main(["kpis", str(path), "--trials", "100"]) == 0
    assert "#1 vendor" in capsys.readouterr().out

"""Every notebook runs headless through papermill, shows its figures and refuses bad parameters."""

import re

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from outsourcing_risk import Scenario, simulate
from outsourcing_risk.batch.export import PLOTLY_MIME
from outsourcing_risk.workbook.notebook import SUMMARY_MIME

from ..notebook_runs import NOTEBOOKS, REPORT, run, texts

#: The header every plotly.js bundle starts with (full, basic or cartesian).
PLOTLY_JS = re.compile(r"^\* plotly\.js.* v\d+\.\d+\.\d+$", re.MULTILINE)

pytestmark = pytest.mark.notebook
_PARAM_LINE = re.compile(r"^\w+: \w+ = .+  # .+$")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_follows_the_house_layout(path):
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(nb.cells) <= 25
    assert "import" in code[0].source
    assert "setup_plotly()" in code[0].source
    params = code[1]
    assert params.metadata.get("tags") == ["parameters"]
    lines = [ln for ln in params.source.splitlines() if ln and not ln.startswith("#")]
    assert all(_PARAM_LINE.match(ln) for ln in lines), "write parameters as name: type = default  # help"
    assert any(ln.startswith("n_trials: int") for ln in lines)
    assert any(ln.startswith("seed: int") for ln in lines)
    # the last cell shows the package versions (the report's, in its closed section for analysts)
    assert code[-1].source == "versions()" or code[-1].source.startswith("analyst_section(report)")
    assert "scenario_from_parameters(" in code[2].source, "parameters are validated right after"
    for cell in code:
        if "NBVAL_CHECK_OUTPUT" not in cell.source:
            assert cell.outputs == [], "commit notebooks without outputs (make notebooks)"
    assert not any(c.source.lstrip().startswith(("def ", "class ")) for c in code), (
        "logic belongs in the package"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_headless_with_small_trials(path, tmp_path):
    nb = run(path, tmp_path, n_trials=2_000, seed=7)
    assert nb.metadata.papermill.parameters == {"n_trials": 2_000, "seed": 7}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every cell ran to completion"
    charts = [o for c in code for o in c.outputs if PLOTLY_MIME in o.get("data", {})]
    assert charts, "charts are stored as plotly JSON (JupyterLab draws them; the export embeds plotly.js)"
    shown = texts(nb, kinds=("text/html", "text/plain", "stream"))
    assert not PLOTLY_JS.search(shown), "no copy of plotly.js in the notebook"
    assert "cdn.plot.ly" not in shown
    assert "Error" not in "".join(o.get("ename", "") for c in code for o in c.outputs)
    streams = [
        o for c in code for o in c.outputs if o.get("output_type") == "stream" and o["name"] == "stderr"
    ]
    assert streams == [], "no warnings or progress bars in a notebook's output"
    assert "dtype:" not in shown, "no pandas Series repr left in the output"


def test_executed_report_notebook_stays_small(tmp_path):
    nb = run(REPORT, tmp_path, n_trials=20_000, seed=3)
    assert (tmp_path / REPORT.name).stat().st_size <= 1_000_000
    from outsourcing_risk.batch.export import export_html

    page = export_html(nb, "Small")
    assert len(PLOTLY_JS.findall(page)) == 1, "plotly.js embedded once, in the page"
    start = re.search(r'<section[^>]*class="or-whatif"', page).start()  # attributes in any order
    whatif = page[start : page.index("</section>", start)]
    assert len(whatif.encode()) <= 1.5e6, "the what-if adds at most 1.5 MB"
    assert len(page.encode()) - len(whatif.encode()) <= 5.5e6, "the report itself stays within 5.5 MB"


def test_report_records_the_summary_simulate_gives(tmp_path):
    nb = run(
        REPORT,
        tmp_path,
        scenario_name="Small run",
        trust=0.8,
        vendor_failure_prob_annual="pert(0.02, 0.05, 0.2)",
        n_trials=3_000,
        seed=11,
    )
    payload = next(
        o["data"][SUMMARY_MIME]
        for c in nb.cells
        for o in c.get("outputs", [])
        if SUMMARY_MIME in o.get("data", {})
    )
    expected = simulate(
        Scenario(name="Small run", trust=0.8, vendor_failure_prob_annual="pert(0.02, 0.05, 0.2)"),
        n_trials=3_000,
        seed=11,
    ).summary()
    assert payload["scenario"] == "Small run"
    assert payload["summary"]["mean_npv"] == pytest.approx(expected["mean_npv"], rel=1e-12)
    assert payload["summary"]["p_loss"] == expected["p_loss"]
    assert f"USD {expected['mean_npv']:,.0f}" in texts(nb), "the KPI cards show the same mean NPV"


def test_report_escapes_names_and_notes_from_users(tmp_path):
    nb = run(
        REPORT, tmp_path, scenario_name="<img src=x onerror=alert(1)>", notes="<b>bold</b> & co", n_trials=500
    )
    shown = texts(nb, kinds=("text/html",))
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<img src=x" not in shown
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in shown
    assert "<b>bold" not in shown


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"trsut": 0.5}, "unknown parameter 'trsut' (did you mean 'trust'?)"),
        ({"trust": 1.5}, "trust must be in [0, 1] (got 1.5)"),
        ({"switching_cost": "lots"}, "switching_cost is not a number or a distribution"),
        (
            {"n_trials": 0},
            "n_trials must be a whole number ≥ 2: a report compares policies by their spread (got 0)",
        ),
    ],
)
def test_bad_parameters_stop_the_report_in_its_first_cell_after_the_parameters(parameters, message, tmp_path):
    with pytest.raises(PapermillExecutionError) as info:
        run(REPORT, tmp_path, **parameters)
    assert info.value.ename == "ScenarioError"
    assert message in info.value.evalue
    nb = nbformat.read(str(tmp_path / REPORT.name), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    injected = next(i for i, c in enumerate(code) if "injected-parameters" in c.metadata.get("tags", []))
    failed = [
        i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert failed == [injected + 1]


def test_help_notebook_documents_every_parameter():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(REPORT)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    from outsourcing_risk.model.parameters import PARAMETERS

    for p in PARAMETERS:
        assert re.search(
            rf"^\s+{p.name}: {'int' if p.integer else 'float'} \(default None\)", out, re.MULTILINE
        ), p.name
    assert "trust" in out
    assert "Trust in the vendor" in out


def _filtered(path) -> bytes:
    """What the nbstripout git filter of `make git-filter` stores for this file."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "nbstripout", "--keep-id", "--extra-keys", "metadata.language_info", "-t"],
        input=path.read_bytes(),
        capture_output=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_are_what_the_git_filter_stores(path):
    """A fresh checkout is clean: each notebook is exactly what the filter writes, and the checked
    cells are tagged keep_output so that their reference outputs survive it."""
    assert _filtered(path) == path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source]
    for cell in checked:
        assert "keep_output" in cell.metadata.get("tags", [])
        assert cell.outputs, "the reference output nbval compares"


def test_a_report_with_a_ramp_and_a_trigger_shows_trust_over_time(tmp_path):
    import json

    nb = run(
        REPORT,
        tmp_path,
        scenario_name="Ramp <b>and</b> trigger",
        trust_policy="ramp",
        trust=0.4,
        vendor_quality_spread=1.0,
        exit_trigger_incidents=3,
        exit_trigger_window=12,
        n_trials=2_000,
        seed=3,
        whatif=False,
    )
    shown = texts(nb, kinds=("text/html",))
    assert "or-policy-sentence" in shown
    assert "Fixed trust, at its best" in shown
    assert "The ramp and an exit trigger" in shown
    assert "Ramp &lt;b&gt;and&lt;/b&gt; trigger" in shown
    figures = [
        o["data"][PLOTLY_MIME]
        for c in nb.cells
        for o in c.get("outputs", [])
        if PLOTLY_MIME in o.get("data", {})
    ]
    titles = [f["layout"]["title"]["text"] for f in figures]
    assert "Trust by month under this scenario's ramp" in titles
    # Vendors that differ: their quality is worth learning (the value of information, issue 24).
    assert "What learning each input before signing is worth" in titles
    assert "or-information" in shown
    assert "halves your uncertainty about the vendor" in shown
    # The tornado moves the rules this scenario uses.
    assert any("Trust gained per clean milestone" in json.dumps(f) for f in figures)
    assert any("Exit trigger: leave after" in json.dumps(f) for f in figures)

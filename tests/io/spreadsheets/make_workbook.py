"""How tests/io/spreadsheets/tables.xlsx was made: by a spreadsheet program, not by openpyxl.

This script writes the workbook as LibreOffice's flat XML (``tables.fods``: what a person would
have typed and formatted) and has LibreOffice Calc convert it to .xlsx, so the .xlsx is written
the way a spreadsheet program writes it: formulas with the values it computed, percentages and
dates as number formats, merged banners above the header, a hidden row. The tests read only the
committed .xlsx and its CSV twins (``*.csv`` beside it); they never need LibreOffice.

Run (Debian: ``apt-get install -y libreoffice-calc``)::

    python tests/io/spreadsheets/make_workbook.py   # writes tables.xlsx beside it

Made with LibreOffice 7.4 (Debian 12's libreoffice-calc).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

STYLES = """
<office:automatic-styles>
 <number:percentage-style style:name="pct"><number:number number:decimal-places="0" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
 <number:percentage-style style:name="pct1"><number:number number:decimal-places="1" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
 <number:number-style style:name="money"><number:number number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
 <number:date-style style:name="iso"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
 <style:style style:name="cpct" style:family="table-cell" style:data-style-name="pct"/>
 <style:style style:name="cpct1" style:family="table-cell" style:data-style-name="pct1"/>
 <style:style style:name="cmoney" style:family="table-cell" style:data-style-name="money"/>
 <style:style style:name="cdate" style:family="table-cell" style:data-style-name="iso"/>
 <style:style style:name="hidden" style:family="table-row"><style:table-row-properties/></style:style>
</office:automatic-styles>
"""


def text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def pct(value: float, style: str = "cpct") -> str:
    return (
        f'<table:table-cell table:style-name="{style}" office:value-type="percentage" office:value="{value}">'
        "<text:p/></table:table-cell>"
    )


def money(value: float, formula: str = "") -> str:
    f = f' table:formula="of:={formula}"' if formula else ""
    return (
        f'<table:table-cell table:style-name="cmoney"{f} office:value-type="float" office:value="{value}">'
        "<text:p/></table:table-cell>"
    )


def num(value: float) -> str:
    return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p/></table:table-cell>'


def date(value: str) -> str:
    return (
        f'<table:table-cell table:style-name="cdate" office:value-type="date" office:date-value="{value}">'
        "<text:p/></table:table-cell>"
    )


def empty(n: int = 1) -> str:
    return f'<table:table-cell table:number-columns-repeated="{n}"/>' if n > 1 else "<table:table-cell/>"


def banner(title: str, span: int) -> str:
    return (
        f'<table:table-cell table:number-columns-spanned="{span}" office:value-type="string">'
        f"<text:p>{escape(title)}</text:p></table:table-cell>" + "<table:covered-table-cell/>" * (span - 1)
    )


def row(*cells: str, hidden: bool = False) -> str:
    visibility = ' table:visibility="collapse"' if hidden else ""
    return f"<table:table-row{visibility}>{''.join(cells)}</table:table-row>"


def sheet(name: str, *rows: str) -> str:
    return f'<table:table table:name="{name}">{"".join(rows)}</table:table>'


SCENARIOS = sheet(
    "Scenarios",
    row(empty(), banner("Risk", 2), banner("Money (USD)", 2), empty()),
    row(
        *map(
            text,
            ("name", "trust", "vendor_failure_prob_annual", "switching_cost", "vendor_monthly_fee", "notes"),
        )
    ),
    row(text("Cautious"), pct(0.3), pct(0.05), money(250000), money(46500), text("Low trust, <b>bold</b>")),
    row(
        text("Trusting"),
        pct(0.9),
        text("pert(0.02, 0.06, 0.2)"),
        money(500000, "[.D3]*2"),
        money(46500),
        date("2026-03-31"),
    ),
    row(text("Hidden row"), pct(0.6), pct(0.125, "cpct1"), money(100000), money(50000), empty(), hidden=True),
)
VENDORS = sheet(
    "Vendors",
    row(empty(), banner("Quote", 2), banner("Interview scorecard (1-5)", 5)),
    row(
        *map(
            text,
            (
                "name",
                "vendor_monthly_fee",
                "vendor_failure_prob_annual",
                "communication",
                "references",
                "hours_overlap",
                "cost_effectiveness",
                "quality",
            ),
        )
    ),
    row(text("Acme Offshore"), money(42000), pct(0.08), num(3), num(4), num(2), num(5), num(3)),
    row(
        text("Beta Nearshore"), money(52000, "[.B3]+10000"), pct(0.04), num(4), num(4), num(4), num(3), num(4)
    ),
)
BOOK = sheet(
    "Book",
    row(
        *map(
            text,
            (
                "name",
                "vendor",
                "vendor_group",
                "group_shock_prob_annual",
                "critical",
                "notice_months",
                "rto_months",
                "vendor_monthly_fee",
                "inhouse_monthly_cost",
                "vendor_failure_prob_annual",
            ),
        )
    ),
    row(
        text("Service desk"),
        text("Northwind Services"),
        empty(2),
        text("no"),
        num(3),
        num(1),
        money(46500),
        money(60000),
        pct(0.05),
    ),
    row(
        text("Payroll system"),
        text("Northwind Services"),
        empty(2),
        text("yes"),
        num(6),
        num(0.5),
        money(31000),
        money(40000),
        pct(0.05),
    ),
    row(
        text("Website hosting"),
        text("Stratus Cloud"),
        text("Cloud region EU-1"),
        pct(0.01),
        text("no"),
        num(3),
        num(0.25),
        money(17500),
        money(25000),
        pct(0.03),
    ),
)

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
{STYLES}
<office:body><office:spreadsheet>{SCENARIOS}{VENDORS}{BOOK}</office:spreadsheet></office:body>
</office:document>
"""


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("needs LibreOffice Calc: apt-get install -y libreoffice-calc", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "tables.fods"
        source.write_text(DOCUMENT, encoding="utf-8")
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.copy(Path(tmp) / "tables.xlsx", HERE / "tables.xlsx")
    print(f"wrote {HERE / 'tables.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

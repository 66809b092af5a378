"""Tables in a page: the one way a table becomes HTML, for a report, the index, the book's page
and a chart's numbers.

A cell is a string (shown as text, escaped) or a :class:`Cell` (a sort key for a sortable table,
a class, or markup its writer has escaped, such as a link). Every cell carries its column's name
(``data-label``), so that on a phone a table of class ``or-stack`` reads as one card a row
(``static/page.css``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["Cell", "Column", "rows_html", "table_box", "table_html"]


@dataclass(frozen=True)
class Cell:
    """A cell: ``text`` (escaped when written), or ``markup`` already escaped by its writer; a
    ``sort`` key for a sortable table (``data-sort``) and a ``css`` class."""

    text: str = ""
    sort: str | float | None = None
    css: str = ""
    markup: str | None = None


@dataclass(frozen=True)
class Column:
    """A column's heading: its ``label``, a tooltip (``title``), and ``numeric`` for figures
    (aligned to the right, kept on one line)."""

    label: str
    title: str = ""
    numeric: bool = False


def _cell(value, column: Column) -> str:
    cell = value if isinstance(value, Cell) else Cell("" if value is None else str(value))
    classes = " ".join(c for c in (cell.css, "or-num" if column.numeric else "") if c)
    attrs = f' class="{classes}"' if classes else ""
    if cell.sort is not None:
        key = cell.sort if isinstance(cell.sort, str) else repr(float(cell.sort))
        attrs += f' data-sort="{html.escape(key)}"'
    attrs += f' data-label="{html.escape(column.label)}"'
    shown = cell.markup if cell.markup is not None else html.escape(cell.text)
    return f"<td{attrs}>{shown}</td>"


def _heading(column: Column, sortable: bool) -> str:
    title = f' title="{html.escape(column.title)}"' if column.title else ""
    num = ' class="or-num"' if column.numeric else ""
    label = html.escape(column.label)
    if sortable:
        return f'<th scope="col"{num}{title} aria-sort="none"><button type="button">{label}</button></th>'
    return f'<th scope="col"{num}{title}>{label}</th>'


def rows_html(
    columns: Sequence[Column | str],
    rows: Sequence[Sequence],
    css_class: str = "",
    *,
    sortable: bool = False,
    table_id: str = "",
    row_classes: Sequence[str] | None = None,
    caption: str = "",
) -> str:
    """A table from its columns and rows of cells (strings or :class:`Cell`), every text escaped.

    >>> rows_html(["Name", Column("Saving", numeric=True)], [["<b>", Cell("USD 5", sort=5.0)]])
    '<table class="or-table"><thead><tr><th scope="col">Name</th><th scope="col" class="or-num">Saving</th></tr></thead><tbody><tr><td data-label="Name">&lt;b&gt;</td><td class="or-num" data-sort="5.0" data-label="Saving">USD 5</td></tr></tbody></table>'
    """
    cols = [c if isinstance(c, Column) else Column(str(c)) for c in columns]
    head = "".join(_heading(c, sortable) for c in cols)
    body = []
    for i, row in enumerate(rows):
        css = f' class="{html.escape(row_classes[i])}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{css}>" + "".join(_cell(v, c) for v, c in zip(row, cols, strict=True)) + "</tr>")
    ident = f' id="{html.escape(table_id)}"' if table_id else ""
    classes = html.escape(" ".join(c for c in ("or-table", css_class) if c))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table{ident} class="{classes}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def table_html(table: pd.DataFrame, css_class: str = "", *, numeric: Sequence[str] = (), **options) -> str:
    """A pandas table (its index left out: ``reset_index()`` first to show it), every cell escaped,
    nothing cut short; ``numeric`` names the columns of figures.

    >>> table_html(pd.DataFrame({"a": ["x<y"], "b": [1]}), "or-demo", numeric=["b"]).count("or-num")
    2
    """
    columns = [Column(str(c), numeric=c in numeric) for c in table.columns]
    rows = [
        [v if isinstance(v, Cell) else ("" if _missing(v) else str(v)) for v in r]
        for r in table.itertuples(index=False)
    ]
    return rows_html(columns, rows, css_class, **options)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def table_box(table: str, label: str) -> str:
    """A table in a box that scrolls sideways when the table is wider than the screen; the box
    can be reached and scrolled from the keyboard (a named region in the tab order)."""
    return f'<div class="or-table-box" role="region" tabindex="0" aria-label="{html.escape(label)}">{table}</div>'

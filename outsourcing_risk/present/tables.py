"""Tables in a page: one way to write a pandas table as HTML for a report or a page."""

from __future__ import annotations

import pandas as pd

__all__ = ["table_html"]


def table_html(table: pd.DataFrame, css_class: str) -> str:
    """A table for a report: every cell escaped, nothing cut short, text aligned to the left."""
    return (
        table.to_html(index=False, escape=True, classes=css_class, border=0, justify="left")
        .replace("<td>", '<td style="text-align:left;vertical-align:top">')
        .replace('<th style="text-align: left;">', '<th style="text-align:left">')
    )

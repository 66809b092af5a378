"""What makes a page fit its reader: a phone (390 px), a tablet, or paper.

:func:`page_fit_html` is a ``<style>`` and a ``<script>`` (``static/page_fit.css`` and
``static/page_fit.js``) that a report, the index and the what-if page carry: wide tables scroll
inside their box; on a narrow screen every plotly chart wraps its titles and puts its legend under
the plot; in print (Ctrl+P) every chart is drawn at the printable width of A4 and Letter portrait,
no chart or card is split across pages and no heading is left alone at a page's foot.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["PRINT_WIDTH", "page_fit_html"]

#: The width charts are printed at, in CSS pixels: A4 (210 mm) and Letter (8.5 in) portrait less
#: 12 mm margins each side, at 96 px an inch (kept equal to page_fit.js's).
PRINT_WIDTH = 680


@cache
def page_fit_html() -> str:
    """The ``<style>`` and ``<script>`` elements, to go once in a page that has plotly charts."""
    static = files("outsourcing_risk.present").joinpath("static")
    css = static.joinpath("page_fit.css").read_text(encoding="utf-8")
    js = static.joinpath("page_fit.js").read_text(encoding="utf-8")
    return f"<style>{css}</style><script>{js}</script>"

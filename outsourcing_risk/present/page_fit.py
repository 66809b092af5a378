"""What makes a page fit its reader: a phone (390 px), a tablet, or paper.

``static/page_fit.css`` and ``static/page_fit.js``, which the page shell (:mod:`.page`) puts in
every page: wide tables scroll inside their box; on a narrow screen every plotly chart wraps its
titles (by :func:`~.formatting.wrap`'s rule) and puts its legend under the plot; in print (Ctrl+P)
every chart is drawn at the printable width of A4 and Letter portrait, no chart or card is split
across pages and no heading is left alone at a page's foot.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["PRINT_WIDTH", "page_fit_css", "page_fit_js"]

#: The width charts are printed at, in CSS pixels: A4 (210 mm) and Letter (8.5 in) portrait less
#: 12 mm margins each side, at 96 px an inch (kept equal to page_fit.js's).
PRINT_WIDTH = 680


def _static(name: str) -> str:
    return files("outsourcing_risk.present").joinpath("static", name).read_text(encoding="utf-8")


@cache
def page_fit_css() -> str:
    """The page-fit stylesheet's text."""
    return _static("page_fit.css")


@cache
def page_fit_js() -> str:
    """The page-fit script's text (it needs ``window.orRules``: the shell puts that first)."""
    return _static("page_fit.js")

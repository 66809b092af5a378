"""One page shell: what every HTML page of the package carries, the index, the book's page, the
what-if page and the report (its nbconvert template asks for :func:`head_html`).

- ``<meta name="viewport">``, the title and the language;
- one stylesheet: the palette as CSS custom properties (:mod:`.palette`), the shared parts
  (``static/page.css``: cards, tables, captions, print) and the page-fit rules (:mod:`.page_fit`);
- the formatting rules and their script (:func:`~.formatting.rules_html`), then the page-fit
  script; plotly.js, the smallest bundle that draws the page's charts, when it has any.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from .formatting import rules_html
from .page_fit import page_fit_css, page_fit_js
from .palette import css_variables
from .plotlyjs import script_tag

__all__ = ["components_style", "head_html", "page_html"]


def _static(name: str) -> str:
    return files("outsourcing_risk.present").joinpath("static", name).read_text(encoding="utf-8")


@cache
def components_style() -> str:
    """The palette and the shared parts' stylesheet as one ``<style>``: what a fragment shown in
    JupyterLab needs to look as it does in the page (every rule is scoped to an ``or-`` class)."""
    return f"<style>{css_variables()}{_static('page.css')}</style>"


@cache
def head_html() -> str:
    """What goes in every page's ``<head>`` after its title: the stylesheet and the scripts."""
    return (
        f"{components_style()}<style>{page_fit_css()}</style>{rules_html()}<script>{page_fit_js()}</script>"
    )


def page_html(title: str, body: str, *, style: str = "", plotly: Iterable[str] = ()) -> str:
    """A whole offline page: ``title`` (escaped here), ``body`` (HTML, escaped by its writer), a
    page's own ``style``, and plotly.js when ``plotly`` names the trace types its charts draw.

    >>> page = page_html("A & B", "<p>Hello</p>")
    >>> page.startswith('<!DOCTYPE html>') and "<title>A &amp; B</title>" in page
    True
    """
    types = set(plotly)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>{head_html()}"
        + (f"<style>{style}</style>" if style else "")
        + (script_tag(types) if types else "")
        + f'</head>\n<body class="or-page"><main>\n{body}\n</main></body></html>\n'
    )

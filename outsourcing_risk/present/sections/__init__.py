"""The words and charts of each report section, one module per section of
:mod:`outsourcing_risk.analyses.sections` (the same names), each with the same shape:
``HEADING`` (the section's title, or ``None`` for a part of the section before it), ``INTRO``
(how to read it) and ``render(result, report)``, which returns the section's elements in order:
HTML strings (each sentence naming the claims it renders) and plotly figures.

:func:`render_section` finds the module of a section by its key, as the report notebook asks.
"""

from __future__ import annotations

import html
import importlib
import re
from types import ModuleType

__all__ = ["GROUPS", "captioned", "heading_of", "presenter", "render_section"]

#: Sections shown under one heading: the drivers are read once, in one place.
GROUPS = {"tornado": "drivers", "sobol": "drivers", "information": "drivers"}


def presenter(key: str) -> ModuleType:
    """The module that renders section ``key``."""
    try:
        return importlib.import_module(f"{__name__}.{key}")
    except ModuleNotFoundError:
        raise KeyError(f"no words or charts for report section {key!r}") from None


def heading_of(key: str) -> str:
    """The heading a reader finds section ``key`` under (its group's, for a part of a group)."""
    try:
        module = presenter(GROUPS.get(key, key) if GROUPS.get(key) != "drivers" else "tornado")
    except KeyError:
        return ""
    return getattr(module, "HEADING", "") or ""


def render_section(report, key: str) -> list:
    """The elements of section ``key`` of ``report`` (HTML strings and figures), heading first."""
    module = presenter(key)
    result = report.sections[key]
    items: list = []
    if getattr(module, "HEADING", None):
        items.append(f'<h2 id="{key}">{module.HEADING}</h2>')
    if getattr(module, "INTRO", ""):
        items.append(f'<p class="or-intro">{module.INTRO}</p>')
    items.extend(module.render(result, report))
    return captioned(items)


def captioned(items: list) -> list:
    """Every chart among ``items`` captioned with the finding its section wrote just before it
    (the last sentence that renders claims), as its text alternative
    (:func:`~outsourcing_risk.present.chart_text.chart_html` reads ``layout.meta.caption``); a
    chart with no sentence before it keeps its title and marks as its caption."""
    finding = ""
    for item in items:
        if isinstance(item, str):
            if "data-claims" in item:
                finding = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
        elif finding and hasattr(item, "update_layout"):
            item.update_layout(meta={"caption": finding})
    return items

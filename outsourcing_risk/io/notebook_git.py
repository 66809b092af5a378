"""Notebooks as git stores them: nbstripout's settings, shared by JupyterLab's save hook
(``.jupyter/jupyter_server_config.py``) and the script that refreshes the checked outputs
(``notebooks/refresh_outputs.py``), so both write what the git filter of ``make git-filter`` would.

Outputs, execution counts, widget state and the kernel's Python version go; cells tagged
``keep_output`` (the ``NBVAL_CHECK_OUTPUT`` ones, whose reference tables the tests compare) keep
their outputs; cell ids stay.
"""

from __future__ import annotations

__all__ = ["STRIP_KEYS", "strip_for_git"]

#: nbstripout's default keys (its command line adds them itself; its Python function does not),
#: and the kernel's Python version, which the git filter adds (``filter.nbstripout.extrakeys``).
STRIP_KEYS = (
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
    "metadata.language_info",
)


def strip_for_git(nb):
    """``nb`` (an nbformat notebook) stripped as the git filter strips it; needs nbstripout."""
    from nbstripout import strip_output

    return strip_output(nb, keep_output=None, keep_count=False, keep_id=True, extra_keys=list(STRIP_KEYS))

"""JupyterLab settings shipped with the project (``make lab`` and Binder load them).

Notebooks are saved the way git stores them: without outputs, execution counts, widget state or
the kernel's Python version, except the cells tagged ``keep_output`` (the NBVAL_CHECK_OUTPUT
cells, whose reference tables the test suite compares). So after running all cells and saving,
``git status`` shows only what you typed. The stripping is nbstripout's, with the same settings as
the git filter that ``make git-filter`` installs for notebooks written by other tools.
"""

#: nbstripout's default keys, and the kernel's Python version (``language_info``).
STRIP_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
    "metadata.language_info",
]


def strip_before_save(model, **_kwargs):
    """Save a notebook as git stores it (outputs of cells tagged keep_output stay)."""
    if model.get("type") != "notebook" or model.get("content") is None:
        return
    try:
        import nbformat
        from nbstripout import strip_output
    except ImportError:  # nbstripout comes with `make venv`; without it, save as Lab does
        return
    nb = nbformat.from_dict(model["content"])
    model["content"] = strip_output(
        nb, keep_output=None, keep_count=False, keep_id=True, extra_keys=STRIP_KEYS
    )


c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file
c.FileContentsManager.pre_save_hook = strip_before_save

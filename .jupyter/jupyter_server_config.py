"""JupyterLab settings shipped with the project (``make lab`` and Binder load them).

Notebooks are saved the way git stores them: without outputs, execution counts, widget state or
the kernel's Python version, except the cells tagged ``keep_output`` (the NBVAL_CHECK_OUTPUT
cells, whose reference tables the test suite compares). So after running all cells and saving,
``git status`` shows only what you typed. The stripping is nbstripout's, with the same settings as
the git filter that ``make git-filter`` installs for notebooks written by other tools
(``outsourcing_risk.io.notebook_git`` holds them).
"""


def strip_before_save(model, **_kwargs):
    """Save a notebook as git stores it (outputs of cells tagged keep_output stay)."""
    if model.get("type") != "notebook" or model.get("content") is None:
        return
    try:
        import nbformat
        import nbstripout  # noqa: F401 - comes with `make venv`; without it, save as Lab does

        from outsourcing_risk.io.notebook_git import strip_for_git
    except ImportError:
        return
    model["content"] = strip_for_git(nbformat.from_dict(model["content"]))


c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file
c.FileContentsManager.pre_save_hook = strip_before_save

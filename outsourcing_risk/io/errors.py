"""The user's errors: one base class for every mistake that is the user's to fix (a bad table,
folder, cluster, option or setting), and the one check of a run's ``n_trials`` and ``seed``.

Every such error derives from :class:`OutsourcingRiskError` (papermill's ``exceptions.py`` is the
pattern), so that the command line catches one class and prints its message in one line instead
of a traceback. Each keeps the built-in class it had (``ValueError``, ``OSError``, …), so code that
caught that goes on working.
"""

from __future__ import annotations

import numbers

__all__ = [
    "MIN_REPORT_TRIALS",
    "REPORT_TRIALS_WHY",
    "MissingFileError",
    "OutsourcingRiskError",
    "SettingError",
    "check_seed",
    "check_trials",
    "seed_problem",
    "trials_problem",
]


class OutsourcingRiskError(Exception):
    """A mistake the user can fix, said in words that name the field, the value and the rule.

    The command line prints the message and exits with status 2; the Python API raises it.
    """


class MissingFileError(OutsourcingRiskError, FileNotFoundError):
    """A path the user gave names no file (a table, a mapping, a log)."""


class SettingError(OutsourcingRiskError, ValueError, TypeError):
    """A run's setting that cannot run: ``n_trials`` or ``seed``. It is both a ``ValueError`` and
    a ``TypeError``, as numpy's ``AxisError`` is both a ``ValueError`` and an ``IndexError``: a
    count of ``2.5`` and a count of ``0`` are the same mistake, caught by either."""


#: The fewest trials a report (the report notebook, every notebook, ``outsourcing-risk report``)
#: runs, and why: its tables give standard errors and compare policies by their spread.
MIN_REPORT_TRIALS = 2
REPORT_TRIALS_WHY = "a report compares policies by their spread"


def trials_problem(n_trials, least: int = 1, why: str = "") -> str:
    """Why ``n_trials`` cannot run (``""`` when it can): a whole number ≥ ``least``; ``why`` says
    the reason for a ``least`` above 1.

    >>> trials_problem(2.5), trials_problem(1, 2, "a report compares policies by their spread")
    ('n_trials must be a whole number ≥ 1 (got 2.5)', 'n_trials must be a whole number ≥ 2: a report compares policies by their spread (got 1)')
    """
    if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral) or n_trials < least:
        return f"n_trials must be a whole number ≥ {least}{f': {why}' if why else ''} (got {n_trials!r})"
    return ""


def seed_problem(seed) -> str:
    """Why ``seed`` cannot seed a run (``""`` when it can): a whole number ≥ 0.

    >>> seed_problem(-1)
    'seed must be a whole number ≥ 0 (got -1)'
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        return f"seed must be a whole number ≥ 0 (got {seed!r})"
    return ""


def check_trials(n_trials, least: int = 1, why: str = "") -> int:
    """``n_trials`` as an ``int``, or a :class:`SettingError` saying the rule (see
    :func:`trials_problem`). The one check of every function that runs trials, the notebooks'
    parameters and the command line's ``--trials``."""
    problem = trials_problem(n_trials, least, why)
    if problem:
        raise SettingError(problem)
    return int(n_trials)


def check_seed(seed) -> int:
    """``seed`` as an ``int``, or a :class:`SettingError` saying the rule."""
    problem = seed_problem(seed)
    if problem:
        raise SettingError(problem)
    return int(seed)

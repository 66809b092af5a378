"""How much a simulation asks of the machine, estimated before anything is built, and refused past
a bound with the estimate in words.

A grid of 2,000 × 2,000 settings, or a book of 100,000 contracts, used to run for hours and fill
the memory with no word; now each is refused in milliseconds, saying what it would cost ("about
33 hours of one core", "about 80 GB of memory"). The figures per unit are measured on a 2-core
machine (``benchmarks/RESULTS.md``): an estimate to the nearest order of magnitude, enough to tell
a run of minutes from one of days.
"""

from __future__ import annotations

from ..io.errors import OutsourcingRiskError

__all__ = [
    "MAX_SECONDS",
    "TooMuchWork",
    "book_workload",
    "check_book_workload",
    "duration",
    "refuse_beyond",
]

#: The longest simulation started without a word: three hours of one core.
MAX_SECONDS = 3 * 3600
#: The share of the memory free now that one simulation may plan to take.
MEMORY_SHARE = 0.8
#: A book: one contract's future (a 60-month horizon) takes about 2 µs; a block of trials holds
#: about 80 bytes per contract and trial of the block while it runs (500 contracts, 10,000 trials
#: a block: 0.4 GB).
_BOOK_SECONDS = 2e-6
_BOOK_BYTES = 80
_BLOCK = 10_000


class TooMuchWork(OutsourcingRiskError, ValueError):
    """A simulation past :data:`MAX_SECONDS` of one core, or past the memory free: refused before
    it starts, with what it would cost and what to do."""


def duration(seconds: float) -> str:
    """A length of time in the unit a person reads it in.

    >>> duration(40), duration(720), duration(119_000), duration(3 * 3600)
    ('about 40 seconds', 'about 12 minutes', 'about 33 hours', 'about 3 hours')
    """
    for unit, size, least in (("day", 86_400, 3 * 86_400), ("hour", 3_600, 2 * 3_600), ("minute", 60, 120)):
        if seconds >= least:
            return f"about {round(seconds / size):,} {unit}s"
    return f"about {max(1, round(seconds))} seconds"


def _free_memory() -> float:
    """Bytes of memory free now (psutil), or infinity where it cannot be known."""
    try:
        import psutil

        return float(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - no estimate of memory: only time is checked
        return float("inf")


def refuse_beyond(what: str, seconds: float, memory: float = 0.0, *, advice: str) -> None:
    """:class:`TooMuchWork` when ``what`` would take more than :data:`MAX_SECONDS` of one core or
    more than :data:`MEMORY_SHARE` of the memory free; the message says both estimates and
    ``advice``.

    >>> refuse_beyond("a tiny grid", 2.0, 1e6, advice="fine")
    >>> refuse_beyond("a huge grid", 4e5, advice="use fewer settings")
    Traceback (most recent call last):
    ...
    outsourcing_risk.model.workload.TooMuchWork: a huge grid would take about 5 days of one core (at most about 3 hours): use fewer settings
    """
    free = _free_memory()
    too_long = seconds > MAX_SECONDS
    too_big = memory > MEMORY_SHARE * free
    if not (too_long or too_big):
        return
    parts = [f"{duration(seconds)} of one core"]
    if too_big or memory > 1e9:
        parts.append(f"about {memory / 1e9:,.0f} GB of memory ({free / 1e9:,.0f} GB are free)")
    limit = f"at most {duration(MAX_SECONDS)}" if too_long else "more memory than this machine has free"
    raise TooMuchWork(f"{what} would take {' and '.join(parts)} ({limit}): {advice}")


def book_workload(
    contracts: int, vendors: int, n_trials: int, *, keep_months: bool = False
) -> tuple[float, float]:
    """Seconds of one core and peak bytes of one :func:`~outsourcing_risk.model.portfolio.simulate_book`.

    >>> seconds, memory = book_workload(500, 50, 20_000)
    >>> round(seconds), round(memory / 1e9, 2)
    (20, 0.41)
    """
    block = min(n_trials, _BLOCK)
    seconds = contracts * n_trials * _BOOK_SECONDS
    memory = contracts * block * _BOOK_BYTES + n_trials * (
        8 + vendors * 10 + (2 * contracts if keep_months else 0)
    )
    return seconds, memory


def check_book_workload(
    contracts: int, vendors: int, n_trials: int, *, runs: int = 1, keep_months: bool = False
) -> None:
    """Refuse a book too large to simulate ``runs`` times here (see :func:`refuse_beyond`)."""
    seconds, memory = book_workload(contracts, vendors, n_trials, keep_months=keep_months)
    what = f"a book of {contracts:,} contracts at {n_trials:,} trials"
    refuse_beyond(
        what + (f", simulated {runs} times (the stress by vendor, the diversifying)" if runs > 1 else ""),
        seconds * runs,
        memory,
        advice="use fewer trials, or split the book (by business line, say) and run each part",
    )

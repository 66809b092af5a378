"""The shape every report section has, the registry, and the run they share."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from ...model.results import SimulationResult
from ...model.scenario import Scenario
from ..appetite import DEFAULT_APPETITE, RiskAppetite
from ..claims import Claim

__all__ = ["SECTIONS", "Report", "Run", "Section", "SectionResult", "section"]


@dataclass(frozen=True)
class Run:
    """What every section of one report starts from: the report's own simulation (its trials and
    seed are the report's), the reader's risk appetite and the interview's cost if given."""

    result: SimulationResult
    appetite: RiskAppetite = DEFAULT_APPETITE
    interview_cost: float | None = None

    @property
    def scenario(self) -> Scenario:
        return self.result.scenario

    @property
    def n_trials(self) -> int:
        return self.result.n_trials

    @property
    def seed(self) -> int:
        return self.result.seed

    def evidence(self, method: str, **more) -> dict:
        """The evidence of a claim recomputed from this run's scenario, trials and seed."""
        return {
            "method": method,
            "scenario": self.scenario.to_dict(),
            "n_trials": self.n_trials,
            "seed": self.seed,
            **more,
        }


@dataclass
class SectionResult:
    """What a section computed: ``tables`` (what its charts draw), ``claims`` (what its words
    say), ``columns`` (its figures in the batch's ``summary.csv``), ``note`` (a sentence of fact
    when the section does not apply, e.g. nothing uncertain to learn)."""

    key: str
    title: str
    tables: dict = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    note: str = ""

    def claim(self, key: str) -> Claim | None:
        return next((c for c in self.claims if c.key == key), None)


@dataclass(frozen=True)
class Section:
    """A report section: its ``key`` (the module's name), the ``title`` a reader sees, where it
    comes in the report (``order``), the batch columns it may fill (``columns``, in order), and
    ``compute``."""

    key: str
    title: str
    order: int
    compute: Callable[[Run], SectionResult]
    columns: tuple[str, ...] = ()


def _discover() -> tuple[Section, ...]:
    """Every module of this package that defines ``SECTION``, in report order."""
    found = []
    package = importlib.import_module(__package__ or "")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in ("base", "story", "report"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        if isinstance(getattr(module, "SECTION", None), Section):
            found.append(module.SECTION)
    return tuple(sorted(found, key=lambda s: s.order))


class _Registry:
    """:data:`SECTIONS`, discovered on first use (no work at import time)."""

    _sections: tuple[Section, ...] | None = None

    def __iter__(self):
        return iter(self.all())

    def all(self) -> tuple[Section, ...]:
        if self._sections is None:
            type(self)._sections = _discover()
        assert self._sections is not None
        return self._sections

    def __getitem__(self, key: str) -> Section:
        for s in self.all():
            if s.key == key:
                return s
        raise KeyError(f"no report section {key!r} (sections: {', '.join(s.key for s in self.all())})")


#: Every report section, in the order a report shows them.
SECTIONS = _Registry()


def section(key: str) -> Section:
    """The registered section ``key``."""
    return SECTIONS[key]


@dataclass
class Report:
    """A report's analyses: the run, each section's result in order, and the story at the top."""

    run: Run
    sections: dict[str, SectionResult]
    story: SectionResult

    @property
    def claims(self) -> list[Claim]:
        """Every claim the report makes, the story's first."""
        return [*self.story.claims, *(c for s in self.sections.values() for c in s.claims)]

    def columns(self) -> dict:
        """The figures every section adds to the batch's ``summary.csv``."""
        out: dict = {}
        for s in (self.story, *self.sections.values()):
            out.update(s.columns)
        return out

    def claims_table(self) -> pd.DataFrame:
        from ..claims import claims_frame

        return claims_frame(self.claims)

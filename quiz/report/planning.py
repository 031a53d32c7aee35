"""A training plan: the modules that close the gaps, ordered by prerequisites and by what matters."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from quiz.content.bank import Bank
from quiz.content.models import Module
from quiz.measure.scoring import Gap

CONFIDENTLY_MET = 0.8  # a target met with at least this probability needs no module


@dataclass(frozen=True)
class PlannedModule:
    module: Module
    start_week: float
    end_week: float
    start: date
    end: date
    why: str  # "gap" for a module that closes a gap, "prerequisite" for one another module needs


@dataclass(frozen=True)
class Plan:
    items: tuple[PlannedModule, ...]
    hours_per_week: float
    start: date

    @property
    def total_hours(self) -> int:
        return sum(item.module.hours for item in self.items)

    @property
    def weeks(self) -> int:
        return math.ceil(self.total_hours / self.hours_per_week) if self.items else 0

    @property
    def target_date(self) -> date:
        return self.start + timedelta(weeks=self.weeks)


def _current_level(gap: Gap) -> int:
    return int(gap.estimate.level) if gap.estimate is not None else 0


def modules_for_gap(bank: Bank, gap: Gap) -> list[Module]:
    """The skill's modules above the learner's level, up to (at least one step towards) the target."""
    current = _current_level(gap)
    chain = sorted((m for m in bank.modules.values() if m.skill == gap.skill_id), key=lambda m: (m.level, m.id))
    above = [module for module in chain if module.level > current]
    needed = [module for module in above if module.level <= gap.target.level]
    return needed or above[:1]


def _known_levels(gaps: Sequence[Gap]) -> dict[str, int]:
    return {gap.skill_id: _current_level(gap) for gap in gaps if gap.measured}


def build_plan(bank: Bank, gaps: Sequence[Gap], hours_per_week: float, start: date) -> Plan:
    """Modules for every measured gap not confidently met, with their prerequisites, scheduled in order."""
    if hours_per_week <= 0:
        raise ValueError("hours per week must be positive")
    known = _known_levels(gaps)
    priority: dict[str, float] = {}
    why: dict[str, str] = {}

    def include(module: Module, weight: float, reason: str) -> None:
        if priority.get(module.id, -1.0) >= weight:
            return
        priority[module.id] = weight
        if reason == "gap" or module.id not in why:
            why[module.id] = reason
        for prerequisite_id in module.prerequisites:
            prerequisite = bank.modules[prerequisite_id]
            if known.get(prerequisite.skill, -1) >= prerequisite.level:
                continue  # the learner already shows this level
            include(prerequisite, weight, "prerequisite")

    for gap in gaps:
        if not gap.measured or (gap.probability_meets or 0.0) >= CONFIDENTLY_MET:
            continue
        # Lower modules of a chain come first; the gap's weight carries the whole chain up the queue.
        for module in modules_for_gap(bank, gap):
            include(module, gap.priority + gap.target.weight * 0.01, "gap")
    ordered = _prerequisites_first(bank, priority)
    return _schedule(ordered, why, hours_per_week, start)


def _prerequisites_first(bank: Bank, priority: dict[str, float]) -> list[Module]:
    """Kahn's topological order, taking the most important available module first."""
    selected = set(priority)
    waiting = {module_id: {p for p in bank.modules[module_id].prerequisites if p in selected} for module_id in selected}
    ready = [(-priority[m], bank.modules[m].level, m) for m, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[Module] = []
    while ready:
        _, _, module_id = heapq.heappop(ready)
        ordered.append(bank.modules[module_id])
        for other, needs in waiting.items():
            if module_id in needs:
                needs.remove(module_id)
                if not needs:
                    heapq.heappush(ready, (-priority[other], bank.modules[other].level, other))
    return ordered


def _schedule(modules: Sequence[Module], why: dict[str, str], hours_per_week: float, start: date) -> Plan:
    items = []
    hours_done = 0.0
    for module in modules:
        start_week = hours_done / hours_per_week
        hours_done += module.hours
        end_week = hours_done / hours_per_week
        items.append(
            PlannedModule(
                module,
                start_week,
                end_week,
                start + timedelta(days=round(start_week * 7)),
                start + timedelta(days=round(end_week * 7)),
                why[module.id],
            )
        )
    return Plan(tuple(items), hours_per_week, start)

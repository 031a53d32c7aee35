"""A learner's progress: every finished attempt, readiness and levels over time, comparisons."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.bank import Bank
from quiz.results import AttemptResult


@dataclass(frozen=True)
class SkillChange:
    skill_id: str
    before: float | None  # level, None when not measured in that attempt
    after: float | None
    before_se: float | None
    after_se: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> str:
        """improved / slipped only when the change exceeds its own uncertainty; else steady."""
        if self.change is None:
            return "not_compared"
        noise = math.sqrt((self.before_se or 0.0) ** 2 + (self.after_se or 0.0) ** 2)
        if self.change > noise:
            return "improved"
        if self.change < -noise:
            return "slipped"
        return "steady"


def compare_attempts(first: AttemptResult, second: AttemptResult) -> list[SkillChange]:
    """Skill by skill, what changed from `first` to `second`; largest improvement first."""
    skills = sorted(set(first.estimates) | set(second.estimates))
    changes = []
    for skill_id in skills:
        before, after = first.estimates.get(skill_id), second.estimates.get(skill_id)
        changes.append(
            SkillChange(
                skill_id,
                before.level if before and before.enough_answers else None,
                after.level if after and after.enough_answers else None,
                before.se if before else None,
                after.se if after else None,
            )
        )
    return sorted(changes, key=lambda c: (c.change is None, -(c.change or 0.0), c.skill_id))


@dataclass(frozen=True)
class RetakeHint:
    skill_id: str
    reason: str  # "uncertain", "gap" or "not_measured"


def retake_hints(latest: AttemptResult, limit: int = 3) -> list[RetakeHint]:
    """What to measure next: big gaps first, then the least certain or unmeasured skills."""
    hints: list[RetakeHint] = []
    gaps = [gap for gap in latest.gaps if gap.measured and gap.size > 0]
    for gap in sorted(gaps, key=lambda g: -g.priority)[:limit]:
        hints.append(RetakeHint(gap.skill_id, "gap"))
    unmeasured = [gap for gap in latest.gaps if not gap.measured]
    for gap in sorted(unmeasured, key=lambda g: -g.target.weight):
        if len(hints) >= limit + 2:
            break
        hints.append(RetakeHint(gap.skill_id, "not_measured"))
    uncertain = sorted(
        (gap for gap in latest.gaps if gap.measured and gap.estimate is not None),
        key=lambda g: -(g.estimate.se if g.estimate else 0.0),
    )
    for gap in uncertain:
        if len(hints) >= limit + 3:
            break
        if all(h.skill_id != gap.skill_id for h in hints):
            hints.append(RetakeHint(gap.skill_id, "uncertain"))
    return hints


def level_series(results: Sequence[AttemptResult], skill_id: str) -> list[tuple[int, float, float]]:
    """(attempt index, level, se) for every attempt that measured `skill_id` with enough answers."""
    series = []
    for index, result in enumerate(results):
        estimate = result.estimates.get(skill_id)
        if estimate is not None and estimate.enough_answers:
            series.append((index, estimate.level, estimate.se))
    return series


def measured_skills(results: Sequence[AttemptResult], bank: Bank) -> list[str]:
    seen = {skill for result in results for skill, e in result.estimates.items() if e.enough_answers}
    return [skill_id for skill_id in bank.skills if skill_id in seen]

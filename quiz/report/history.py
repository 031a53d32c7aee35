"""A learner's progress: every finished attempt, readiness and levels over time, comparisons."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.content.bank import Bank
from quiz.report.attempt_result import AttemptResult


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
    reason: str  # "gap", "not_measured" (inferred from the others), "no_estimate" (nothing counted) or "uncertain"


def retake_hints(latest: AttemptResult, gaps: int = 3, unmeasured: int = 2, uncertain: int = 1) -> list[RetakeHint]:
    """What to measure next, at most `gaps` + `unmeasured` + `uncertain` skills, each named once: the
    biggest gaps first, then the weightiest skills not measured yet, then the least certain estimates."""
    direct = [g for g in latest.gaps if g.estimate is not None and not g.estimate.inferred]
    by_priority = sorted((g for g in direct if g.size > 0), key=lambda g: -g.priority)
    hints = [RetakeHint(gap.skill_id, "gap") for gap in by_priority[:gaps]]
    # Inferred from the other skills only: a few answers of its own would tell far more.
    by_weight = sorted((g for g in latest.gaps if g not in direct), key=lambda g: -g.target.weight)
    # An attempt none of whose answers counted (all too fast to read) has nothing to infer from either.
    hints += [
        RetakeHint(gap.skill_id, "not_measured" if gap.estimate is not None else "no_estimate")
        for gap in by_weight[:unmeasured]
    ]
    named = {hint.skill_id for hint in hints}
    by_uncertainty = sorted(
        (g for g in direct if g.skill_id not in named),
        key=lambda g: -(g.estimate.se if g.estimate else 0.0),
    )
    hints += [RetakeHint(gap.skill_id, "uncertain") for gap in by_uncertainty[:uncertain]]
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

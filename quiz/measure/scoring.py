"""From answers to a readiness figure: per-skill estimates, gaps against a profile, readiness.

Pure functions of their inputs; the formulas are documented with a worked example in
docs/scoring.md, and the tests check them against hand-computed values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt

from quiz.content.kinds import NO_CREDIT, score_choice
from quiz.content.models import Profile, Question, SkillTarget
from quiz.measure.irt import Posterior, level_cut, theta_to_level

MIN_ANSWERS_FOR_LEVEL = 3
SKIP_CREDIT = NO_CREDIT  # a skipped question, or one removed from the bank since it was asked, earns nothing


def score_answer(question: Question, chosen: Sequence[str]) -> float:
    """Credit in [0, 1] for the option texts a learner chose; nothing chosen (a skip) scores 0."""
    return score_choice(question.kind, question.choices, chosen)  # each kind's rule: quiz/content/kinds.py


@dataclass(frozen=True)
class SkillEstimate:
    skill_id: str
    ability: float
    se: float
    answers: int
    posterior: Posterior

    @property
    def level(self) -> float:
        return theta_to_level(self.ability)

    @property
    def enough_answers(self) -> bool:
        return self.answers >= MIN_ANSWERS_FOR_LEVEL

    @property
    def inferred(self) -> bool:
        """Fewer than MIN_ANSWERS_FOR_LEVEL answers of its own: the estimate rests mostly on the other skills."""
        return not self.enough_answers

    def probability_meets(self, target_level: float) -> float:
        return self.posterior.probability_at_least(level_cut(target_level))


@dataclass(frozen=True)
class Gap:
    """How far an estimate falls short of a profile's target, and how sure we are of it."""

    skill_id: str
    target: SkillTarget
    estimate: SkillEstimate | None  # None: nothing to estimate it from (no answer counted in the attempt)
    is_language: bool = False

    @property
    def size(self) -> float:
        """Target level minus estimated level; positive is a shortfall."""
        if self.estimate is None:
            return 0.0
        return self.target.level - self.estimate.level

    @property
    def probability_meets(self) -> float | None:
        if self.estimate is None:
            return None
        return self.estimate.probability_meets(self.target.level)

    @property
    def priority(self) -> float:
        """How much closing this gap matters: weight × expected shortfall in levels."""
        if self.estimate is None:
            return 0.0
        return self.target.weight * max(self.size, 0.0)

    @property
    def measured(self) -> bool:
        """Estimated, from its own answers or (inferred) mostly from the other skills'."""
        return self.estimate is not None


def best_language(estimates: dict[str, SkillEstimate], languages: Sequence[str], target: SkillTarget) -> str | None:
    """The profile's language rule: the chosen language most likely to meet the target counts."""
    measured = [language for language in languages if language in estimates]
    if not measured:
        return None
    return max(measured, key=lambda language: (estimates[language].probability_meets(target.level), language))


def profile_gaps(profile: Profile, estimates: dict[str, SkillEstimate], languages: Sequence[str]) -> list[Gap]:
    """A gap per target skill, plus one for the best chosen language; largest priority first."""
    gaps = [Gap(skill_id, target, estimates.get(skill_id)) for skill_id, target in profile.targets.items()]
    language = best_language(estimates, languages, profile.language_target)
    if language is not None:
        gaps.append(Gap(language, profile.language_target, estimates[language], is_language=True))
    elif languages:
        gaps.append(Gap(languages[0], profile.language_target, None, is_language=True))
    return sorted(gaps, key=lambda gap: (-gap.priority, -gap.size, gap.skill_id))


@dataclass(frozen=True)
class Readiness:
    """Expected weighted share of the profile's targets met, with its posterior SD.

    Every estimated skill counts, an inferred one with its wider uncertainty. If each skill meets its
    target with probability p_s, independently, the weighted share
    S = Σ w_s·[θ_s ≥ cut_s] / Σ w_s has mean Σ w_s p_s / Σ w_s and variance Σ w_s² p_s(1-p_s) / (Σ w_s)².
    """

    value: float
    sd: float
    skills_measured: int
    skills_total: int


def readiness(gaps: Sequence[Gap]) -> Readiness:
    measured = [gap for gap in gaps if gap.measured]
    if not measured:
        return Readiness(0.0, 0.0, 0, len(gaps))
    total_weight = sum(gap.target.weight for gap in measured)
    probabilities = [(gap.target.weight, gap.probability_meets or 0.0) for gap in measured]
    value = sum(weight * p for weight, p in probabilities) / total_weight
    variance = sum(weight * weight * p * (1.0 - p) for weight, p in probabilities) / total_weight**2
    return Readiness(value, sqrt(variance), len(measured), len(gaps))


def gaps_that_matter(gaps: Sequence[Gap], limit: int = 2) -> list[Gap]:
    """The measured shortfalls that weigh most, for the one-sentence summary."""
    shortfalls = [gap for gap in gaps if gap.measured and gap.size > 0 and (gap.probability_meets or 0) < 0.5]
    return sorted(shortfalls, key=lambda gap: -gap.priority)[:limit]

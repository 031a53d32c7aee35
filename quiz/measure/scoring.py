"""From answers to a readiness figure: per-skill estimates, gaps against a profile, readiness.

Pure functions of their inputs; the formulas are documented with a worked example in
docs/scoring.md, and the tests check them against hand-computed values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import sqrt
from statistics import NormalDist

import numpy as np

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
    # Posterior correlation of this skill's ability with each other skill's (from the joint model);
    # empty when the skill was estimated alone.
    correlations: Mapping[str, float] = field(default_factory=dict, compare=False)

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

    Every estimated skill counts, an inferred one with its wider uncertainty. The weighted share
    S = Σ w_s·[θ_s ≥ cut_s] / Σ w_s has mean Σ w_s p_s / Σ w_s; its SD comes from the skills' posterior
    correlations when the estimates carry them (`_share_sd`), else from Σ w_s² p_s(1-p_s) / (Σ w_s)²,
    as if the skills were independent.
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
    correlation = _correlation_matrix(measured)
    if correlation is None:
        variance = sum(weight * weight * p * (1.0 - p) for weight, p in probabilities) / total_weight**2
        return Readiness(value, sqrt(variance), len(measured), len(gaps))
    return Readiness(value, _share_sd(probabilities, correlation, total_weight), len(measured), len(gaps))


SHARE_DRAWS = 4000  # Monte Carlo draws for the readiness SD: its error is about 1% of the SD


def _correlation_matrix(gaps: Sequence[Gap]) -> np.ndarray | None:
    """The posterior correlations between the gaps' skills, when the estimates carry them."""
    skills = [gap.skill_id for gap in gaps]
    rows = []
    for gap in gaps:
        correlations = gap.estimate.correlations if gap.estimate is not None else {}
        if not all(skill in correlations for skill in skills):
            return None
        rows.append([correlations[skill] for skill in skills])
    return np.array(rows)


def _share_sd(probabilities: Sequence[tuple[float, float]], correlation: np.ndarray, total_weight: float) -> float:
    """SD of the weighted share of targets met when the skills' abilities are correlated.

    A Gaussian copula keeps each skill's own P(meets) exactly and couples the skills with their
    posterior correlation: draw z ~ N(0, R), and skill s meets its target when z_s ≥ Φ⁻¹(1 − p_s).
    Seeded, so the same answers always give the same SD.
    """
    normal = NormalDist()
    thresholds = np.array([normal.inv_cdf(min(max(1.0 - p, 1e-12), 1.0 - 1e-12)) for _, p in probabilities])
    weights = np.array([weight for weight, _ in probabilities])
    symmetric = (correlation + correlation.T) / 2.0  # rounding aside, it is; the draw needs it exactly
    rng = np.random.default_rng(0)
    draws = rng.multivariate_normal(np.zeros(len(weights)), symmetric, size=SHARE_DRAWS, method="eigh")
    shares = (draws >= thresholds) @ weights / total_weight
    return float(shares.std())


def gaps_that_matter(gaps: Sequence[Gap], limit: int = 2) -> list[Gap]:
    """The measured shortfalls that weigh most, for the one-sentence summary."""
    shortfalls = [gap for gap in gaps if gap.measured and gap.size > 0 and (gap.probability_meets or 0) < 0.5]
    return sorted(shortfalls, key=lambda gap: -gap.priority)[:limit]

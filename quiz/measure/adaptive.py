"""Adaptive assessment: a confident ready / not-ready decision per skill from few questions.

Per skill, the next question is the one most informative at the cut point of the profile's target
(a readiness check needs the side of the cut, not a precise ability), picked at random among the k
most informative unused items (exposure control). Skills are visited in proportion to their weight
until each is decided: its posterior probability of being on one side of the cut reaches the
threshold, its SE reaches the target, or it hits its maximum. Skills correlate (someone strong in
SQL tends to be strong in relational design), so each skill's prior is conditioned on what the
other skills' answers already say: the same 2PL model and EAP estimate, with a better-informed prior.
See docs/adaptive.md.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from quiz.content.bank import Bank
from quiz.measure.irt import (
    GRID,
    FloatArray,
    Posterior,
    guessing_floor,
    information,
    item_parameters,
    level_cut,
    normalised,
    p_correct,
)
from quiz.measure.scoring import MIN_ANSWERS_FOR_LEVEL

DECISION_THRESHOLD = 0.9
SE_TARGET = 0.3
MIN_PER_SKILL = MIN_ANSWERS_FOR_LEVEL  # never claim a level from fewer answers than the fixed form
MAX_PER_SKILL = 8
MAX_TOTAL = 80
EXPOSURE_TOP_K = 4
# The shared prior is a general level plus a skill-specific part (docs/scoring.md, "The prior"): where a
# learner stands overall is wide open (anyone may take the test), while one skill strays from that
# general level by about 0.6 of a level. Compound symmetry with these two parts:
GENERAL_LEVEL_SD = 1.3
SKILL_SPECIFIC_SD = 0.4**0.5
SKILL_PRIOR_SD = (GENERAL_LEVEL_SD**2 + SKILL_SPECIFIC_SD**2) ** 0.5  # 1.45
SKILL_CORRELATION = GENERAL_LEVEL_SD**2 / SKILL_PRIOR_SD**2  # 0.81
_LOG_P_FLOOR = 1e-12


@dataclass(frozen=True)
class AdaptiveConfig:
    threshold: float = DECISION_THRESHOLD
    se_target: float = SE_TARGET
    min_per_skill: int = MIN_PER_SKILL
    max_per_skill: int = MAX_PER_SKILL
    max_total: int = MAX_TOTAL
    top_k: int = EXPOSURE_TOP_K
    correlation: float = SKILL_CORRELATION
    prior_sd: float = SKILL_PRIOR_SD  # spread of learners' abilities around the cut, per skill
    select_at: str = "cut"  # "cut" (the decision point) or "estimate" (the current EAP)


@dataclass(frozen=True)
class ItemPool:
    """Per skill, the item ids, their parameters (a, b) and guessing floors (c) as arrays, built once per bank."""

    ids: dict[str, tuple[str, ...]]
    a: dict[str, FloatArray]
    b: dict[str, FloatArray]
    c: dict[str, FloatArray] = field(default_factory=dict)  # empty for a skill: no guessing (c = 0)

    @classmethod
    def from_bank(cls, bank: Bank) -> ItemPool:
        ids, a, b, c = {}, {}, {}, {}
        for skill_id, questions in bank.by_skill.items():
            params = [item_parameters(q) for q in questions]
            ids[skill_id] = tuple(q.id for q in questions)
            a[skill_id] = np.array([p[0] for p in params], dtype=float)
            b[skill_id] = np.array([p[1] for p in params], dtype=float)
            c[skill_id] = np.array([guessing_floor(q) for q in questions], dtype=float)
        return cls(ids, a, b, c)

    def floors(self, skill: str) -> FloatArray:
        return self.c.get(skill, np.zeros_like(self.a[skill]))

    @cached_property
    def index(self) -> dict[str, tuple[str, int]]:
        return {qid: (skill, i) for skill, qids in self.ids.items() for i, qid in enumerate(qids)}


def item_pool(bank: Bank) -> ItemPool:
    """The bank's item parameters as arrays per skill, for adaptive selection: built once per bank."""
    return bank.derived("adaptive.item_pool", ItemPool.from_bank)


@dataclass(frozen=True)
class SkillDecision:
    skill_id: str
    cut: float
    answers: int
    mean: float
    sd: float
    p_above: float  # posterior probability that ability is at or above the cut
    confident: bool  # the side of the cut is known with at least the decision threshold
    stopped: bool
    reason: str  # "decided", "precise", "max_items", "bank_exhausted", "" while still open
    all_right: bool
    all_wrong: bool
    posterior: Posterior

    @property
    def meets(self) -> bool:
        return self.p_above >= 0.5

    @property
    def confidence(self) -> float:
        return max(self.p_above, 1.0 - self.p_above)


def stop_reason(answers: int, p_above: float, sd: float, available: int, config: AdaptiveConfig) -> str:
    """The adaptive stop rule (docs/adaptive.md): why a skill is no longer asked, or "" while it stays open.

    - "decided": at least `min_per_skill` answers and the side of the cut known with `threshold`;
    - "precise": at least `min_per_skill` answers and the estimate within `se_target`, yet too close
      to the cut to decide (more questions would barely move it);
    - "max_items": `max_per_skill` answers without a decision;
    - "bank_exhausted": every question of the skill has been asked.
    """
    enough = answers >= config.min_per_skill
    if enough and max(p_above, 1.0 - p_above) >= config.threshold:
        return "decided"
    if enough and sd <= config.se_target:
        return "precise"
    if answers >= config.max_per_skill:
        return "max_items"
    if answers >= available:
        return "bank_exhausted"
    return ""


def _compound_symmetry(size: int, correlation: float) -> FloatArray:
    return np.full((size, size), correlation) + np.eye(size) * (1.0 - correlation)


@dataclass
class AdaptiveSession:
    """The state of one adaptive attempt: skills, cut points, weights and the answers so far."""

    pool: ItemPool
    skills: tuple[str, ...]
    cuts: Mapping[str, float]
    weights: Mapping[str, float]
    config: AdaptiveConfig = field(default_factory=AdaptiveConfig)
    prior_means: Mapping[str, float] | None = None
    answered: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # skill -> [(item index, score)]
    seen: frozenset[str] = frozenset()  # questions this learner met in earlier attempts: asked last among equals

    def __post_init__(self) -> None:
        for skill in self.skills:
            self.answered.setdefault(skill, [])
        size = len(self.skills)
        self._prior_cov = self.config.prior_sd**2 * _compound_symmetry(size, self.config.correlation)
        self._prior_precision = np.linalg.inv(self._prior_cov)
        means = self.prior_means or {}
        self._prior_mean = np.array([means.get(s, 0.0) for s in self.skills], dtype=float)
        self._row = {skill: i for i, skill in enumerate(self.skills)}
        self._log_lik = np.zeros((size, len(GRID)))  # one row per skill: log-likelihood of its answers on GRID
        self._cuts = np.array([self.cuts[s] for s in self.skills], dtype=float)

    # ---- answers

    def record(self, question_id: str, score: float) -> None:
        skill, index = self.pool.index[question_id]
        self.answered[skill].append((index, score))
        a, b, c = self.pool.a[skill][index], self.pool.b[skill][index], self.pool.floors(skill)[index]
        p = np.clip(p_correct(GRID, a, b, c), _LOG_P_FLOOR, 1 - _LOG_P_FLOOR)
        self._log_lik[self._row[skill]] += score * np.log(p) + (1.0 - score) * np.log1p(-p)
        self.__dict__.pop("_decisions", None)

    @property
    def total_answered(self) -> int:
        return sum(len(items) for items in self.answered.values())

    def used(self, skill: str) -> set[int]:
        return {index for index, _ in self.answered[skill]}

    # ---- estimation

    def _gaussian_likelihoods(self) -> tuple[FloatArray, FloatArray]:
        """Each skill's likelihood summarised as a normal (mean, precision); precision 0 without answers."""
        wide = -0.5 * (GRID / 4.0) ** 2  # a very weak N(0, 4²) keeps all-right/all-wrong summaries finite
        w = normalised(self._log_lik + wide)
        means = w @ GRID
        variances = np.maximum((w * (GRID - means[:, None]) ** 2).sum(axis=1), 1e-6)
        likelihood_vars = 1.0 / np.maximum(1.0 / variances - 1.0 / 16.0, 1e-6)  # remove the weak prior again
        asked = np.array([bool(self.answered[s]) for s in self.skills])
        return np.where(asked, means, 0.0), np.where(asked, 1.0 / likelihood_vars, 0.0)

    def posterior_correlations(self) -> dict[str, dict[str, float]]:
        """How the skills' abilities co-vary given every answer (the joint Gaussian approximation): a
        skill inferred from the others rises and falls with them, which the readiness SD must know."""
        _, precisions = self._gaussian_likelihoods()
        covariance = np.linalg.inv(self._prior_precision + np.diag(precisions))
        sd = np.sqrt(np.diag(covariance))
        correlation = covariance / np.outer(sd, sd)
        return {a: {b: float(correlation[i, j]) for j, b in enumerate(self.skills)} for i, a in enumerate(self.skills)}

    def conditional_priors(self, means: FloatArray, precisions: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Per skill, N(mean, sd) given the prior and every *other* skill's answers.

        One joint Gaussian posterior (one matrix inverse) serves every skill: removing a skill's own
        likelihood from its joint marginal leaves exactly its conditional prior (the Gaussian "cavity").
        """
        covariance = np.linalg.inv(self._prior_precision + np.diag(precisions))
        joint_mean = covariance @ (self._prior_precision @ self._prior_mean + precisions * means)
        joint_precision = 1.0 / np.diag(covariance)
        cavity_precision = joint_precision - precisions
        cavity_mean = (joint_precision * joint_mean - precisions * means) / cavity_precision
        return cavity_mean, np.sqrt(1.0 / cavity_precision)

    @cached_property
    def _decisions(self) -> dict[str, SkillDecision]:
        prior_means, prior_sds = self.conditional_priors(*self._gaussian_likelihoods())
        weights = normalised(self._log_lik - 0.5 * ((GRID - prior_means[:, None]) / prior_sds[:, None]) ** 2)
        means = weights @ GRID
        sds = np.sqrt((weights * (GRID - means[:, None]) ** 2).sum(axis=1))
        p_above = (weights * (GRID >= self._cuts[:, None] - 1e-9)).sum(axis=1)
        decisions = {}
        for i, skill in enumerate(self.skills):
            mean, sd, p = float(means[i]), float(sds[i]), float(p_above[i])
            scores = [score for _, score in self.answered[skill]]
            n = len(scores)
            reason = stop_reason(n, p, sd, len(self.pool.ids.get(skill, ())), self.config)
            confident = reason == "decided"
            decisions[skill] = SkillDecision(
                skill, self.cuts[skill], n, mean, sd, p, confident, bool(reason), reason,
                bool(scores) and min(scores) == 1.0, bool(scores) and max(scores) == 0.0,
                Posterior(mean, sd, weights[i]),
            )  # fmt: skip
        return decisions

    def decisions(self) -> dict[str, SkillDecision]:
        return self._decisions

    @property
    def finished(self) -> bool:
        return self.total_answered >= self.config.max_total or all(d.stopped for d in self._decisions.values())

    @property
    def decided_count(self) -> int:
        """Skills whose side of the cut is known (a skill stopped by its question limit is not decided)."""
        return sum(d.confident for d in self._decisions.values())

    @property
    def stopped_count(self) -> int:
        """Skills no longer asked, decided or not: how far the assessment has come."""
        return sum(d.stopped for d in self._decisions.values())

    # ---- selection

    def next_skill(self) -> str | None:
        """The open skill furthest behind its weight-proportional share of the questions."""
        open_skills = [s for s, d in self._decisions.items() if not d.stopped]
        if not open_skills or self.total_answered >= self.config.max_total:
            return None
        total_weight = sum(self.weights[s] for s in open_skills)
        asked = sum(len(self.answered[s]) for s in open_skills)

        def deficit(skill: str) -> tuple[float, float]:
            share = self.weights[skill] / total_weight * (asked + 1)
            uncertainty = -abs(self._decisions[skill].p_above - 0.5)
            return (share - len(self.answered[skill]), uncertainty)

        return max(open_skills, key=deficit)

    def next_question(self, rng: random.Random) -> str | None:
        skill = self.next_skill()
        if skill is None:
            return None
        a, b = self.pool.a[skill], self.pool.b[skill]
        theta = self.cuts[skill] if self.config.select_at == "cut" else self._decisions[skill].mean
        informative = information(theta, a, b, self.pool.floors(skill))
        used = self.used(skill)
        if used:
            informative[list(used)] = -1.0
        available = int((informative >= 0).sum())
        if available == 0:
            return None
        k = min(self.config.top_k, available)
        kth_best = float(np.partition(informative, len(informative) - k)[len(informative) - k])
        # Ties count: items with the same parameters are interchangeable, and cutting them off by their
        # position in the file would serve the same first few to everyone.
        eligible = [int(i) for i in np.flatnonzero(informative >= kth_best * (1 - 1e-9))]
        # A retake should not repeat questions while equally good unseen ones exist.
        fresh = [i for i in eligible if self.pool.ids[skill][i] not in self.seen] or eligible
        return self.pool.ids[skill][fresh[rng.randrange(len(fresh))]]


def session_for_profile(
    bank: Bank,
    pool: ItemPool,
    profile_id: str,
    languages: Sequence[str],
    config: AdaptiveConfig | None = None,
    seen: frozenset[str] = frozenset(),
) -> AdaptiveSession:
    """An adaptive session over the profile's skills and the learner's chosen languages; `seen` holds
    the questions the learner met in earlier attempts."""
    targets = bank.profiles[profile_id].skill_targets(languages)
    cuts = {skill_id: level_cut(target.level) for skill_id, target in targets.items()}
    # The chosen languages share the language weight: the best one counts, not their sum.
    weights = {
        skill_id: target.weight / len(languages) if skill_id in languages else target.weight
        for skill_id, target in targets.items()
    }
    # The prior is centred on each cut point: before any answer, "ready" and "not yet" are equally
    # likely, so every decision is made by the answers, not by a prior lean (see docs/adaptive.md).
    return AdaptiveSession(
        pool, tuple(targets), cuts, weights, config or AdaptiveConfig(), prior_means=dict(cuts), seen=seen
    )

"""The item response model on a quadrature grid: the one scoring model every mode uses.

A 2PL curve with a fixed lower asymptote per item (a 3PL whose guessing floor c comes from the
question's form, never fitted): P(right | θ) = c + (1 − c) / (1 + exp(−a (θ − b))). Ability θ lives
on the level scale shifted by 3: a learner at θ = d − 3 knows a question of authored difficulty
level d with probability 1/2 (see docs/scoring.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from quiz.content.kinds import KINDS, Answering
from quiz.content.models import Question

FloatArray = npt.NDArray[np.float64]

GRID: FloatArray = np.linspace(-5.0, 5.0, 101)
PRIOR_MEAN = 0.0
PRIOR_SD = 1.0
DEFAULT_DISCRIMINATION = 1.5
LEVEL_OFFSET = 3.0  # θ = level - 3, so the junior-ready level 3 sits at θ = 0


@dataclass(frozen=True)
class ItemResponse:
    """One scored answer: the item's parameters and a score in [0, 1] (partial credit allowed)."""

    a: float
    b: float
    score: float
    c: float = 0.0  # the guessing floor


@dataclass(frozen=True)
class Posterior:
    mean: float
    sd: float
    weights: FloatArray  # normalised posterior mass on GRID

    def probability_at_least(self, theta: float) -> float:
        return float(self.weights[GRID >= theta - 1e-9].sum())


def guessing_floor(question: Question) -> float:
    """The chance of answering right by picking at random, the item's lower asymptote c.

    One answer among n options (single choice, code reading, true/false): 1/n. Several answers
    ("select all that apply", scored all-or-nothing): a random clicker's chance of hitting exactly
    the keyed set, taking every non-empty subset of the n options as equally likely: 1/(2^n − 1).
    Partial credit (scenarios): 0, since a random pick earns its credit, which the likelihood
    already weighs (docs/scoring.md).
    """
    rules = KINDS[question.kind]
    if rules.partial_credit:
        return 0.0
    options = len(question.choices)
    if rules.answering is Answering.SEVERAL:
        return 1.0 / (2**options - 1)
    return 1.0 / options


def item_parameters(question: Question) -> tuple[float, float]:
    """Calibrated (a, b) where known, else the documented defaults from the authored difficulty."""
    if question.irt is not None:
        return question.irt.a, question.irt.b
    return DEFAULT_DISCRIMINATION, question.difficulty - LEVEL_OFFSET


def p_correct(
    theta: FloatArray | float, a: FloatArray | float, b: FloatArray | float, c: FloatArray | float = 0.0
) -> FloatArray:
    known = 1.0 / (1.0 + np.exp(-a * (np.asarray(theta, dtype=np.float64) - b)))
    return c + (1.0 - c) * known


def information(
    theta: FloatArray | float, a: FloatArray | float, b: FloatArray | float, c: FloatArray | float = 0.0
) -> FloatArray:
    """Fisher information of an item at θ; with c = 0 the 2PL's a² P (1 − P)."""
    p = p_correct(theta, a, b, c)
    return a * a * (p - c) ** 2 * (1.0 - p) / ((1.0 - c) ** 2 * p)


def normalised(log_weights: FloatArray) -> FloatArray:
    """Log-weights on GRID (last axis) as weights summing to 1, shifted by their maximum first so that
    nothing underflows; a matrix is normalised row by row."""
    weights = np.exp(log_weights - log_weights.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def prior_weights(mean: float = PRIOR_MEAN, sd: float = PRIOR_SD) -> FloatArray:
    return normalised(-0.5 * ((GRID - mean) / sd) ** 2)


def posterior(responses: Sequence[ItemResponse], prior: FloatArray | None = None) -> Posterior:
    """EAP estimate and posterior SD of ability from scored responses.

    A partial-credit score s enters the likelihood as p^s (1-p)^(1-s): the fractional Bernoulli
    likelihood, which equals the dichotomous one for s in {0, 1} (see docs/scoring.md).
    """
    log_weights = np.log(prior if prior is not None else prior_weights())
    for response in responses:
        p = np.clip(p_correct(GRID, response.a, response.b, response.c), 1e-12, 1 - 1e-12)
        log_weights = log_weights + response.score * np.log(p) + (1.0 - response.score) * np.log1p(-p)
    weights = normalised(log_weights)
    mean = float((weights * GRID).sum())
    sd = float(np.sqrt((weights * (GRID - mean) ** 2).sum()))
    return Posterior(mean, sd, weights)


def theta_to_level(theta: float) -> float:
    """The continuous level (0-5) an ability corresponds to."""
    return float(np.clip(theta + LEVEL_OFFSET, 0.0, 5.0))


def level_cut(level: float) -> float:
    """The ability at which a learner reaches `level`."""
    return level - LEVEL_OFFSET

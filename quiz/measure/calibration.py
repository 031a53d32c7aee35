"""Calibrating item parameters from answers: marginal maximum likelihood by EM (Bock–Aitkin).

The response model is the scoring's (`irt.py`): a 2PL curve above a guessing floor c that is fixed
per item from its form (1/options, and so on), never fitted; only a and b are estimated. With every
c = 0 it is the plain 2PL, and reproduces the published LSAT estimates (tests/test_calibration.py).

Ability is integrated out over a fixed quadrature grid with θ ~ N(0, 1), the same prior the scoring
uses (docs/scoring.md), which pins the scale: θ = 0 is the centre of the learners who answered.
Each EM cycle computes, per item and grid point, the expected number of persons who answered and
their expected total score (E-step), then maximises each item's expected complete-data
log-likelihood plus weak log-priors on its parameters (M-step, Fisher scoring, all items at once).
Everything is vectorised over persons, items and grid points; no SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
ArrayT = TypeVar("ArrayT", bound=np.ndarray)  # type: ignore[type-arg]

QUADRATURE: FloatArray = np.linspace(-5.0, 5.0, 61)
# log a ~ N(0.4, 0.5²): median e^0.4 ≈ 1.49, the house default a = 1.5; 95% of the mass in [0.56, 3.96].
PRIOR_LOG_A = (0.4, 0.5)
# b ~ N(0, 2²): the ability scale's centre, wide enough to reach every authored level (b = −2 … 2).
PRIOR_B = (0.0, 2.0)
# The range ItemParameters accepts (with a small positive floor for a); reaching it means divergence.
A_BOUNDS = (0.05, 4.0)
B_BOUNDS = (-6.0, 6.0)
_MAX_STEP = 1.0  # per Fisher-scoring step, on log a and on b
_INNER_STEPS = 10


@dataclass(frozen=True)
class Calibration:
    """The fitted parameters of every item (the columns of the response matrix), in column order.

    Attributes:
        a: Discriminations.
        b: Difficulties, on the ability scale (θ = level − 3).
        responses: How many persons answered each item.
        diverged: Items whose estimate is not finite or ran into a bound of `A_BOUNDS`/`B_BOUNDS`:
            their parameters are not to be trusted.
        rmsd: Root mean squared difference between the item's posterior-observed and model
            proportions correct over the grid, weighted by where its respondents are (the PISA item
            fit statistic); NaN for an item nobody answered.
        iterations: EM cycles run.
        converged: Whether the largest parameter change fell below the tolerance.
        log_likelihood: Marginal log-likelihood of the responses at the estimates (priors excluded).
    """

    a: FloatArray
    b: FloatArray
    responses: IntArray
    diverged: BoolArray
    rmsd: FloatArray
    iterations: int
    converged: bool
    log_likelihood: float


def calibrate_2pl(
    responses: npt.ArrayLike,
    *,
    prior_a: tuple[float, float] = PRIOR_LOG_A,
    prior_b: tuple[float, float] = PRIOR_B,
    max_iter: int = 500,
    tol: float = 1e-4,
    guessing: npt.ArrayLike | None = None,
) -> Calibration:
    """Fit 2PL parameters (a, b) to a persons × items matrix of scores by marginal maximum likelihood.

    A plain 0/1 matrix works as it is. A score between 0 and 1 (partial credit) enters the
    likelihood as the fractional Bernoulli term P^s (1 − P)^(1 − s), as in the scoring. NaN marks an
    item the person did not answer: persons may answer different items, and a person with no
    answer at all contributes nothing.

    The estimates are posterior modes under weak priors, so an item with few responses (or everyone
    right) stays finite and near the prior rather than running off to infinity.

    Args:
        responses: Scores in [0, 1] or NaN, one row per person, one column per item.
        prior_a: Mean and SD of the normal prior on log a (a lognormal prior on a). An SD of
            `math.inf` means no prior.
        prior_b: Mean and SD of the normal prior on b; `math.inf` SD means no prior.
        max_iter: Maximum EM cycles.
        tol: Convergence when no a or b moves by more than this in one cycle.
        guessing: Each item's fixed lower asymptote c in [0, 1) (`irt.guessing_floor`); None means 0
            for every item (the plain 2PL).

    Returns:
        The fitted `Calibration`.

    Raises:
        ValueError: If `responses` is not a 2-D matrix of scores in [0, 1] or NaN.
    """
    scores = np.asarray(responses, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"responses must be a persons × items matrix, got {scores.ndim} dimension(s)")
    answered = ~np.isnan(scores)
    if np.any((scores[answered] < 0.0) | (scores[answered] > 1.0)):
        raise ValueError("scores must lie in [0, 1] (NaN for unanswered)")
    c = np.zeros(scores.shape[1]) if guessing is None else np.asarray(guessing, dtype=np.float64)
    if c.shape != (scores.shape[1],) or np.any((c < 0.0) | (c >= 1.0)):
        raise ValueError("guessing must give one floor in [0, 1) per item")
    mask = answered.astype(np.float64)
    right = np.where(answered, scores, 0.0)
    wrong = mask - right
    log_prior = _log_normal_weights(QUADRATURE)

    log_a, b = _starting_values(right, mask, prior_a)
    converged = False
    iterations = 0
    for cycle in range(1, max_iter + 1):
        iterations = cycle
        counts, expected_right, _ = _expected_counts(right, wrong, mask, log_a, b, c, log_prior)
        new_log_a, new_b = _maximise(counts, expected_right, log_a, b, c, prior_a, prior_b)
        change = max(
            np.max(np.abs(np.exp(new_log_a) - np.exp(log_a)), initial=0.0), np.max(np.abs(new_b - b), initial=0.0)
        )
        log_a, b = new_log_a, new_b
        if not math.isfinite(change):
            break
        if change < tol:
            converged = True
            break

    counts, expected_right, log_likelihood = _expected_counts(right, wrong, mask, log_a, b, c, log_prior)
    a = np.exp(log_a)
    return Calibration(
        a=_frozen(a),
        b=_frozen(b),
        responses=_frozen(answered.sum(axis=0).astype(np.int64)),
        diverged=_frozen(_diverged(a, b)),
        rmsd=_frozen(_rmsd(counts, expected_right, log_a, b, c)),
        iterations=iterations,
        converged=converged,
        log_likelihood=log_likelihood,
    )


def _log_normal_weights(grid: FloatArray) -> FloatArray:
    log_density = -0.5 * grid**2
    return log_density - np.logaddexp.reduce(log_density)


def _starting_values(
    right: FloatArray, mask: FloatArray, prior_a: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """log a at the prior's centre; b from each item's facility, so easy items start easy."""
    answered = mask.sum(axis=0)
    facility = np.where(answered > 0, right.sum(axis=0) / np.maximum(answered, 1.0), 0.5)
    facility = np.clip(facility, 0.05, 0.95)
    log_a = np.full(right.shape[1], prior_a[0] if math.isfinite(prior_a[1]) else 0.0)
    b = np.clip(-np.log(facility / (1.0 - facility)), -3.0, 3.0)
    return log_a, b


def _logits(log_a: FloatArray, b: FloatArray) -> FloatArray:
    """z = a (θ − b) for every item (rows) and grid point (columns)."""
    return np.exp(log_a)[:, None] * (QUADRATURE[None, :] - b[:, None])


def _log_p_q(log_a: FloatArray, b: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log P(right) and log P(wrong) for every item and grid point, with each item's guessing floor."""
    z = _logits(log_a, b)
    log_known, log_unknown = -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)
    floor = c[:, None]
    with np.errstate(divide="ignore"):  # log 0 = −inf for an item without guessing: logaddexp handles it
        log_floor = np.log(floor)
    return np.logaddexp(log_floor, np.log1p(-floor) + log_known), np.log1p(-floor) + log_unknown


def _expected_counts(
    right: FloatArray,
    wrong: FloatArray,
    mask: FloatArray,
    log_a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    log_prior: FloatArray,
) -> tuple[FloatArray, FloatArray, float]:
    """E-step: per item and grid point, expected respondents and expected score; and the log-likelihood."""
    log_p, log_q = _log_p_q(log_a, b, c)
    # einsum, not `@`: these products are small, and a multithreaded BLAS on a busy machine spends far
    # longer synchronising its threads than computing them (measured 40x slower on two shared cores).
    log_joint = np.einsum("nj,jq->nq", right, log_p) + np.einsum("nj,jq->nq", wrong, log_q) + log_prior
    top = log_joint.max(axis=1, keepdims=True)
    posterior = np.exp(log_joint - top)
    total = posterior.sum(axis=1, keepdims=True)
    posterior /= total
    log_marginal = float((top + np.log(total)).sum())
    return np.einsum("nj,nq->jq", mask, posterior), np.einsum("nj,nq->jq", right, posterior), log_marginal


def _objective(
    counts: FloatArray,
    expected_right: FloatArray,
    log_a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    prior_a: tuple[float, float],
    prior_b: tuple[float, float],
) -> FloatArray:
    log_p, log_q = _log_p_q(log_a, b, c)
    fit = (expected_right * log_p + (counts - expected_right) * log_q).sum(axis=1)
    return fit - _penalty(log_a, prior_a) - _penalty(b, prior_b)


def _penalty(value: FloatArray, prior: tuple[float, float]) -> FloatArray:
    mean, sd = prior
    if not math.isfinite(sd):
        return np.zeros_like(value)
    return 0.5 * ((value - mean) / sd) ** 2


def _precision(prior: tuple[float, float]) -> float:
    return 0.0 if not math.isfinite(prior[1]) else 1.0 / prior[1] ** 2


def _maximise(
    counts: FloatArray,
    expected_right: FloatArray,
    log_a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    prior_a: tuple[float, float],
    prior_b: tuple[float, float],
) -> tuple[FloatArray, FloatArray]:
    """M-step: damped Fisher scoring on (log a, b) of every item at once, never lowering its objective.

    With the floor c, P = c + (1 − c) P* where P* is the logistic curve: the score of z = a (θ − b) is
    (r − n P) P*/P and its information n P* (1 − P*) (P − c)/P, which are the 2PL's when c = 0.
    """
    low_log_a, high_log_a = math.log(A_BOUNDS[0]), math.log(A_BOUNDS[1])
    current = _objective(counts, expected_right, log_a, b, c, prior_a, prior_b)
    floor = c[:, None]
    for _ in range(_INNER_STEPS):
        a = np.exp(log_a)
        distance = QUADRATURE[None, :] - b[:, None]
        known = 1.0 / (1.0 + np.exp(-a[:, None] * distance))
        p = floor + (1.0 - floor) * known
        residual = (expected_right - counts * p) * known / p
        weight = counts * known * (1.0 - known) * (p - floor) / p
        grad_log_a = a * (residual * distance).sum(axis=1) - _precision(prior_a) * (log_a - prior_a[0])
        grad_b = -a * residual.sum(axis=1) - _precision(prior_b) * (b - prior_b[0])
        info_aa = a**2 * (weight * distance**2).sum(axis=1) + _precision(prior_a)
        info_ab = -(a**2) * (weight * distance).sum(axis=1)
        info_bb = a**2 * weight.sum(axis=1) + _precision(prior_b)
        determinant = info_aa * info_bb - info_ab**2
        usable = determinant > 1e-12
        safe = np.where(usable, determinant, 1.0)
        step_log_a = np.where(usable, (info_bb * grad_log_a - info_ab * grad_b) / safe, 0.0)
        step_b = np.where(usable, (info_aa * grad_b - info_ab * grad_log_a) / safe, 0.0)
        step_log_a = np.clip(step_log_a, -_MAX_STEP, _MAX_STEP)
        step_b = np.clip(step_b, -_MAX_STEP, _MAX_STEP)
        scale = np.ones_like(b)
        for _halving in range(12):
            trial_log_a = np.clip(log_a + scale * step_log_a, low_log_a, high_log_a)
            trial_b = np.clip(b + scale * step_b, *B_BOUNDS)
            trial = _objective(counts, expected_right, trial_log_a, trial_b, c, prior_a, prior_b)
            worse = ~(trial >= current - 1e-10)
            if not worse.any():
                break
            scale = np.where(worse, scale / 2.0, scale)
        accepted = ~worse
        log_a = np.where(accepted, trial_log_a, log_a)
        b = np.where(accepted, trial_b, b)
        current = np.where(accepted, trial, current)
        if (
            np.max(np.abs(scale * step_log_a), initial=0.0) < 1e-6
            and np.max(np.abs(scale * step_b), initial=0.0) < 1e-6
        ):
            break
    return log_a, b


def _diverged(a: FloatArray, b: FloatArray) -> BoolArray:
    finite = np.isfinite(a) & np.isfinite(b)
    at_bound = (a <= A_BOUNDS[0] * (1 + 1e-6)) | (a >= A_BOUNDS[1] * (1 - 1e-6)) | (np.abs(b) >= B_BOUNDS[1] - 1e-6)
    return ~finite | at_bound


def _rmsd(
    counts: FloatArray, expected_right: FloatArray, log_a: FloatArray, b: FloatArray, c: FloatArray
) -> FloatArray:
    """PISA's item RMSD between posterior-observed and model proportions correct over the grid."""
    total = counts.sum(axis=1)
    observed = np.divide(expected_right, counts, out=np.zeros_like(counts), where=counts > 1e-12)
    model = c[:, None] + (1.0 - c[:, None]) / (1.0 + np.exp(-_logits(log_a, b)))
    weights = np.divide(counts, total[:, None], out=np.zeros_like(counts), where=total[:, None] > 0)
    squared = (weights * (observed - model) ** 2).sum(axis=1)
    return np.where(total > 0, np.sqrt(squared), np.nan)


def _frozen(array: ArrayT) -> ArrayT:
    """A read-only copy, so a frozen `Calibration` cannot be changed through its arrays either."""
    copy = array.copy()
    copy.flags.writeable = False
    return copy

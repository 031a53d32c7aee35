"""Calibration: 2PL item parameters recovered from simulated answers by marginal maximum likelihood."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quiz.measure.calibration import A_BOUNDS, B_BOUNDS, PRIOR_LOG_A, Calibration, calibrate_2pl

Matrix = npt.NDArray[np.float64]


def _simulate(persons: int, a: Matrix, b: Matrix, seed: int, draws: int = 1) -> Matrix:
    """Scores of persons with θ ~ N(0, 1); with `draws` > 1, the mean of that many right/wrong draws."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=persons)
    p = 1.0 / (1.0 + np.exp(-a * (theta[:, None] - b)))
    return np.mean([rng.random(p.shape) < p for _ in range(draws)], axis=0).astype(np.float64)


def _rmse(estimate: Matrix, truth: Matrix) -> float:
    return float(np.sqrt(np.mean((estimate - truth) ** 2)))


@pytest.fixture(scope="module")
def truth() -> tuple[Matrix, Matrix]:
    rng = np.random.default_rng(2024)
    return rng.uniform(0.8, 2.2, 30), rng.uniform(-2.0, 2.0, 30)


@pytest.fixture(scope="module")
def recovered(truth: tuple[Matrix, Matrix]) -> tuple[Calibration, float]:
    a, b = truth
    scores = _simulate(2000, a, b, seed=1)
    start = time.perf_counter()
    fit = calibrate_2pl(scores)
    return fit, time.perf_counter() - start


def test_2000_examinees_on_30_items_recover_a_and_b_within_an_rmse_of_0_15(
    truth: tuple[Matrix, Matrix], recovered: tuple[Calibration, float]
) -> None:
    fit, _ = recovered
    a, b = truth
    assert fit.converged
    assert _rmse(fit.b, b) <= 0.15
    assert _rmse(fit.a, a) <= 0.15
    assert not fit.diverged.any()
    assert list(fit.responses) == [2000] * 30


def test_the_2000_by_30_fit_takes_well_under_ten_seconds(recovered: tuple[Calibration, float]) -> None:
    _, seconds = recovered
    assert seconds < 10.0


def test_well_fitting_items_have_a_small_rmsd(recovered: tuple[Calibration, float]) -> None:
    fit, _ = recovered
    assert float(np.max(fit.rmsd)) < 0.05


def test_missing_answers_are_left_out_and_the_parameters_still_recovered(truth: tuple[Matrix, Matrix]) -> None:
    a, b = truth
    scores = _simulate(2000, a, b, seed=2)
    scores[np.random.default_rng(3).random(scores.shape) < 0.5] = np.nan
    fit = calibrate_2pl(scores)
    assert fit.converged
    assert _rmse(fit.b, b) <= 0.2
    assert _rmse(fit.a, a) <= 0.25
    assert list(fit.responses) == list((~np.isnan(scores)).sum(axis=0))


def test_partial_credit_is_fitted_with_the_fractional_bernoulli_likelihood(truth: tuple[Matrix, Matrix]) -> None:
    # Half credit as the mean of two right/wrong draws: its expectation is still P(θ), so the
    # fractional likelihood finds the same curve; a comes out a little low (docs/scoring.md, Known limits).
    a, b = truth
    scores = _simulate(2000, a, b, seed=4, draws=2)
    assert set(np.unique(scores)) == {0.0, 0.5, 1.0}
    fit = calibrate_2pl(scores)
    assert _rmse(fit.b, b) <= 0.15
    assert _rmse(fit.a, a) <= 0.2


def test_a_person_with_no_answer_changes_nothing() -> None:
    scores = _simulate(300, np.full(5, 1.5), np.linspace(-1, 1, 5), seed=5)
    with_blanks = np.vstack([scores, np.full((50, 5), np.nan)])
    alone, padded = calibrate_2pl(scores), calibrate_2pl(with_blanks)
    np.testing.assert_allclose(padded.a, alone.a)
    np.testing.assert_allclose(padded.b, alone.b)
    assert padded.log_likelihood == pytest.approx(alone.log_likelihood)


def test_an_item_nobody_answered_sits_at_the_centre_of_the_priors() -> None:
    scores = _simulate(300, np.full(5, 1.5), np.linspace(-1, 1, 5), seed=6)
    fit = calibrate_2pl(np.column_stack([scores, np.full(300, np.nan)]))
    assert fit.a[-1] == pytest.approx(math.exp(PRIOR_LOG_A[0]), abs=1e-6)
    assert fit.b[-1] == pytest.approx(0.0, abs=1e-6)
    assert fit.responses[-1] == 0 and math.isnan(fit.rmsd[-1])


def test_swapping_right_and_wrong_mirrors_every_difficulty() -> None:
    # θ ~ N(0, 1) and b ~ N(0, 2²) are symmetric about 0, so scoring 1 - s must give -b and the same a.
    scores = _simulate(500, np.linspace(0.8, 2.0, 6), np.linspace(-1.5, 1.0, 6), seed=7)
    fit, mirrored = calibrate_2pl(scores), calibrate_2pl(1.0 - scores)
    np.testing.assert_allclose(mirrored.a, fit.a, atol=1e-3)
    np.testing.assert_allclose(mirrored.b, -fit.b, atol=1e-3)


def test_an_item_with_five_answers_all_right_stays_sane_thanks_to_the_priors() -> None:
    scores = _simulate(500, np.full(8, 1.5), np.linspace(-1.5, 1.5, 8), seed=8)
    sparse = np.full(500, np.nan)
    sparse[:5] = 1.0
    fit = calibrate_2pl(np.column_stack([scores, sparse]))
    assert fit.responses[-1] == 5
    assert 0.3 < fit.a[-1] < 4.0
    assert -6.0 < fit.b[-1] < 0.0
    assert not fit.diverged[-1]


def test_without_priors_the_same_item_runs_to_a_bound_and_is_flagged_diverged() -> None:
    scores = _simulate(500, np.full(8, 1.5), np.linspace(-1.5, 1.5, 8), seed=8)
    sparse = np.full(500, np.nan)
    sparse[:5] = 1.0
    fit = calibrate_2pl(np.column_stack([scores, sparse]), prior_a=(0.0, math.inf), prior_b=(0.0, math.inf))
    assert fit.b[-1] == B_BOUNDS[0]
    assert fit.diverged[-1]
    assert not fit.diverged[:-1].any()


def test_a_reversed_item_cannot_take_a_negative_slope_and_fits_badly() -> None:
    scores = _simulate(1000, np.full(10, 1.5), np.linspace(-1.5, 1.5, 10), seed=9)
    scores[:, 3] = 1.0 - scores[:, 3]
    fit = calibrate_2pl(scores)
    assert A_BOUNDS[0] <= fit.a[3] < 0.3
    assert fit.rmsd[3] > 0.1
    assert float(np.max(np.delete(fit.rmsd, 3))) < 0.05


def test_a_fit_stopped_by_max_iter_says_it_did_not_converge() -> None:
    scores = _simulate(300, np.full(5, 1.5), np.linspace(-1, 1, 5), seed=10)
    fit = calibrate_2pl(scores, max_iter=1)
    assert (fit.iterations, fit.converged) == (1, False)


def test_the_result_is_frozen_down_to_its_arrays() -> None:
    fit = calibrate_2pl(_simulate(100, np.full(3, 1.5), np.zeros(3), seed=11))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.iterations = 0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        fit.a[0] = 1.0


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([1.0, 0.0, 1.0], "persons × items"),
        ([[1.0, 2.0], [0.0, 1.0]], r"\[0, 1\]"),
        ([[1.0, -0.5], [0.0, 1.0]], r"\[0, 1\]"),
    ],
)
def test_anything_but_a_matrix_of_scores_in_0_1_is_refused(scores: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calibrate_2pl(scores)  # type: ignore[arg-type]


# Law School Admission Test sections 6 and 7 (Bock & Lieberman 1970), 1,000 examinees × 5 items, as
# counts of the 32 response patterns 00000, 00001, …, 11111 (item 1 the leftmost digit): R's
# ltm::LSAT / mirt::LSAT6 and mirt::LSAT7, the classic check for any 2PL MML fitter.
LSAT6_PATTERN_COUNTS = (3, 6, 2, 11, 1, 1, 3, 4, 1, 8, 0, 16, 0, 3, 2, 15,
                        10, 29, 14, 81, 3, 28, 15, 80, 16, 56, 21, 173, 11, 61, 28, 298)  # fmt: skip
LSAT7_PATTERN_COUNTS = (12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
                        7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308)  # fmt: skip


def _expand_patterns(counts: tuple[int, ...], items: int = 5) -> Matrix:
    rows = [
        [(pattern >> (items - 1 - i)) & 1 for i in range(items)] for pattern, n in enumerate(counts) for _ in range(n)
    ]
    return np.array(rows, dtype=np.float64)


def test_lsat6_reproduces_the_published_ltm_estimates_without_priors() -> None:
    # ltm(LSAT ~ z1, IRT.param = TRUE): Dffclt, Dscrmn and log.Lik = -2466.653 (logistic, D = 1).
    fit = calibrate_2pl(_expand_patterns(LSAT6_PATTERN_COUNTS), prior_a=(0.0, math.inf), prior_b=(0.0, math.inf))
    assert fit.converged and not fit.diverged.any()
    assert fit.b == pytest.approx([-3.3597, -1.3696, -0.2799, -1.8659, -3.1236], abs=0.02)
    assert fit.a == pytest.approx([0.8254, 0.7229, 0.8905, 0.6886, 0.6575], abs=0.005)
    assert fit.log_likelihood == pytest.approx(-2466.653, abs=0.01)


def test_lsat7_reproduces_the_published_mirt_estimates_without_priors() -> None:
    # mirt(expand.table(LSAT7), 1): coef(IRTpars = TRUE), as in mirt's own tests.
    fit = calibrate_2pl(_expand_patterns(LSAT7_PATTERN_COUNTS), prior_a=(0.0, math.inf), prior_b=(0.0, math.inf))
    assert fit.converged and not fit.diverged.any()
    assert fit.a == pytest.approx([0.988, 1.081, 1.706, 0.765, 0.736], abs=0.01)
    assert fit.b == pytest.approx([-1.879, -0.748, -1.058, -0.635, -2.520], abs=0.01)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
        elements=st.sampled_from([0.0, 0.5, 1.0, math.nan]),
    )
)
def test_any_matrix_of_scores_gives_finite_parameters_within_their_bounds(scores: Matrix) -> None:
    fit = calibrate_2pl(scores, max_iter=50)
    assert np.all(np.isfinite(fit.a)) and np.all(np.isfinite(fit.b))
    assert np.all((A_BOUNDS[0] <= fit.a) & (fit.a <= A_BOUNDS[1]))
    assert np.all((B_BOUNDS[0] <= fit.b) & (fit.b <= B_BOUNDS[1]))
    assert list(fit.responses) == list((~np.isnan(scores)).sum(axis=0))
    assert math.isfinite(fit.log_likelihood)


def test_with_guessing_floors_fixed_a_and_b_are_recovered_from_simulated_3pl_answers() -> None:
    rng = np.random.default_rng(11)
    a_true = np.array([1.0, 1.5, 2.0, 1.2, 1.8, 1.5])
    b_true = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
    c = np.array([0.25, 0.25, 0.5, 1 / 3, 1 / 7, 0.0])  # four options, true/false, three, all-that-apply of 3, none
    theta = rng.standard_normal(6000)
    p = c + (1 - c) / (1 + np.exp(-a_true * (theta[:, None] - b_true)))
    scores = (rng.random(p.shape) < p).astype(float)
    fit = calibrate_2pl(scores, guessing=c, prior_a=(0.0, math.inf), prior_b=(0.0, math.inf))
    assert fit.converged
    np.testing.assert_allclose(fit.b, b_true, atol=0.2)
    np.testing.assert_allclose(fit.a, a_true, rtol=0.25)
    ignored = calibrate_2pl(scores, prior_a=(0.0, math.inf), prior_b=(0.0, math.inf))
    assert np.mean(np.abs(ignored.b - b_true)) > np.mean(np.abs(fit.b - b_true))  # guessing ignored: worse


def test_a_guessing_floor_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="guessing"):
        calibrate_2pl(np.ones((3, 2)), guessing=[0.5, 1.0])

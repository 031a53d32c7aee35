"""Item health: facility, item-rest discrimination, and the items whose key is probably wrong."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from quiz.measure.item_health import MIN_RESPONSES, item_health


def _simulate(persons: int, items: int, seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=persons)
    b = np.linspace(-1.5, 1.5, items)
    p = 1.0 / (1.0 + np.exp(-1.5 * (theta[:, None] - b)))
    return (rng.random(p.shape) < p).astype(np.float64)


def test_four_persons_on_three_items_give_the_hand_computed_statistics() -> None:
    scores = [[1, 1, 1], [1, 1, 0], [0, 0, 1], [0, 0, 0]]
    # Item 1: scores 1 1 0 0 against rest means 1 .5 .5 0, r = 0.5 / √0.5 = 0.707.
    # Item 3: scores 1 0 1 0 against rest means 1 1 0 0, r = 0.
    health = item_health(scores, min_responses=1)
    assert [row.facility for row in health] == [0.5, 0.5, 0.5]
    assert [row.responses for row in health] == [4, 4, 4]
    assert health[0].discrimination == pytest.approx(math.sqrt(0.5))
    assert health[2].discrimination == pytest.approx(0.0)
    assert [row.suspect for row in health] == [False, False, True]


def test_a_mis_keyed_item_is_flagged_and_the_good_items_are_not() -> None:
    scores = _simulate(500, 20, seed=1)
    scores[:, 7] = 1.0 - scores[:, 7]
    health = item_health(scores)
    assert [index for index, row in enumerate(health) if row.suspect] == [7]
    assert health[7].discrimination < -0.2
    assert min(row.discrimination for index, row in enumerate(health) if index != 7) > 0.2


def test_a_mis_keyed_item_is_flagged_when_each_person_answers_only_a_few_items() -> None:
    scores = _simulate(3000, 20, seed=2)
    scores[:, 4] = 1.0 - scores[:, 4]
    rng = np.random.default_rng(3)
    shown = np.zeros(scores.shape, dtype=bool)
    for person in range(scores.shape[0]):
        shown[person, rng.choice(20, size=4, replace=False)] = True
    scores[~shown] = np.nan
    health = item_health(scores)
    assert [index for index, row in enumerate(health) if row.suspect] == [4]
    assert all(400 < row.responses < 800 for row in health)


def test_an_item_with_too_few_responses_is_not_accused() -> None:
    scores = _simulate(MIN_RESPONSES - 1, 10, seed=4)
    scores[:, 0] = 1.0 - scores[:, 0]
    health = item_health(scores)
    assert health[0].discrimination < 0
    assert not any(row.suspect for row in health)


def test_an_item_everyone_gets_right_has_no_discrimination_and_is_not_suspect() -> None:
    scores = _simulate(200, 6, seed=5)
    scores[:, 2] = 1.0
    row = item_health(scores)[2]
    assert row.facility == 1.0
    assert math.isnan(row.discrimination)
    assert not row.suspect


def test_a_person_with_a_single_answer_counts_for_facility_but_not_for_discrimination() -> None:
    scores = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [1.0, np.nan]])
    first = item_health(scores, min_responses=1)[0]
    assert first.responses == 4
    assert first.facility == 0.75
    # Over the three persons with a rest score: 1 0 1 against 1 0 0.
    assert first.discrimination == pytest.approx(0.5)


def test_partial_credit_scores_are_correlated_as_they_are() -> None:
    scores = [[1.0, 0.5, 1.0], [0.5, 0.5, 0.5], [0.0, 0.0, 0.5], [0.0, 0.5, 0.0]]
    health = item_health(scores, min_responses=1)
    assert health[0].facility == pytest.approx(0.375)
    assert all(row.discrimination > 0 for row in health)


def test_item_health_reads_fixed_form_attempts_only(small_bank) -> None:  # type: ignore[no-untyped-def]
    from quiz.store.recalibrate import ScoredAnswer, response_matrices

    answers = [ScoredAnswer("a1", "sql-l3-0", 1.0, False), ScoredAnswer("a2", "sql-l3-0", 0.0, True)]
    matrix = response_matrices(answers, small_bank)["sql"]
    assert matrix.scores.shape == (2, 1)  # calibration sees both attempts
    assert matrix.fixed_form_scores.tolist() == [[1.0]]  # item health only the fixed form

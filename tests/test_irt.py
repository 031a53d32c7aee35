"""The 2PL model and EAP estimation, checked against values computed by hand."""

from __future__ import annotations

import math

import pytest

from quiz.content.models import Question
from quiz.measure.irt import (
    DEFAULT_DISCRIMINATION,
    ItemResponse,
    information,
    item_parameters,
    level_cut,
    p_correct,
    posterior,
    theta_to_level,
)


def test_probability_is_one_half_at_the_item_difficulty() -> None:
    assert float(p_correct(0.7, 1.5, 0.7)) == pytest.approx(0.5)


def test_probability_follows_the_logistic_curve() -> None:
    # a = 1.5, θ - b = 1: 1 / (1 + e^-1.5) = 0.817574...
    assert float(p_correct(1.0, 1.5, 0.0)) == pytest.approx(0.8175744762, abs=1e-9)


def test_information_peaks_at_a_squared_over_four() -> None:
    assert float(information(0.0, 2.0, 0.0)) == pytest.approx(1.0)


def test_without_answers_the_estimate_is_the_standard_normal_prior() -> None:
    estimate = posterior([])
    assert estimate.mean == pytest.approx(0.0, abs=1e-9)
    assert estimate.sd == pytest.approx(1.0, abs=1e-3)


def test_one_right_answer_on_a_step_item_gives_the_half_normal() -> None:
    # With a near-infinite a, a right answer at b = 0 cuts the N(0, 1) prior at 0: the posterior is
    # the half-normal, mean √(2/π) = 0.7979 and SD √(1 - 2/π) = 0.6028.
    estimate = posterior([ItemResponse(a=60.0, b=0.0, score=1.0)])
    assert estimate.mean == pytest.approx(math.sqrt(2 / math.pi), abs=0.01)
    assert estimate.sd == pytest.approx(math.sqrt(1 - 2 / math.pi), abs=0.01)


def test_one_right_and_one_wrong_at_the_same_difficulty_cancel_out() -> None:
    estimate = posterior([ItemResponse(1.5, 0.0, 1.0), ItemResponse(1.5, 0.0, 0.0)])
    assert estimate.mean == pytest.approx(0.0, abs=1e-9)
    assert estimate.sd < 1.0


def test_half_credit_sits_between_right_and_wrong() -> None:
    right = posterior([ItemResponse(1.5, 0.0, 1.0)]).mean
    half = posterior([ItemResponse(1.5, 0.0, 0.5)]).mean
    wrong = posterior([ItemResponse(1.5, 0.0, 0.0)]).mean
    assert wrong < half < right
    assert half == pytest.approx(0.0, abs=1e-9)


def test_all_right_answers_give_a_bounded_estimate() -> None:
    estimate = posterior([ItemResponse(1.5, 2.0, 1.0)] * 50)
    assert estimate.mean < 5.0
    assert math.isfinite(estimate.sd)


def test_more_answers_shrink_the_uncertainty() -> None:
    few = posterior([ItemResponse(1.5, 0.0, 1.0), ItemResponse(1.5, 0.0, 0.0)])
    many = posterior([ItemResponse(1.5, 0.0, 1.0), ItemResponse(1.5, 0.0, 0.0)] * 5)
    assert many.sd < few.sd


def test_authored_difficulty_maps_to_b_and_the_default_a() -> None:
    item = Question.model_validate(
        {
            "id": "q",
            "kind": "true_false",
            "difficulty": 4,
            "prompt": "p",
            "answer": True,
            "explanation": "True.",
            "reference": {"title": "t"},
        }
    )
    assert item_parameters(item) == (DEFAULT_DISCRIMINATION, 1.0)
    calibrated = item.model_copy(update={"irt": {"a": 0.8, "b": -0.4}})
    assert calibrated.irt is not None


@pytest.mark.parametrize(("theta", "level"), [(-9.0, 0.0), (-3.0, 0.0), (0.0, 3.0), (1.5, 4.5), (9.0, 5.0)])
def test_ability_maps_to_the_level_scale(theta: float, level: float) -> None:
    assert theta_to_level(theta) == pytest.approx(level)


def test_level_three_is_reached_at_ability_zero() -> None:
    assert level_cut(3) == 0.0


@pytest.mark.parametrize(
    ("kind", "options", "floor"),
    [("single", 4, 1 / 4), ("code", 3, 1 / 3), ("multiple", 4, 1 / 15), ("multiple", 3, 1 / 7), ("scenario", 4, 0.0)],
)
def test_the_guessing_floor_is_the_chance_of_hitting_the_key_at_random(kind: str, options: int, floor: float) -> None:
    from quiz.content.models import Question
    from quiz.measure.irt import guessing_floor

    texts = [f"option {n}" for n in range(options)]
    if kind == "scenario":
        listed = [{"text": t, "credit": 1.0 if n == 0 else 0.0} for n, t in enumerate(texts)]
    else:
        listed = [{"text": t, "correct": n == 0 or (kind == "multiple" and n == 1)} for n, t in enumerate(texts)]
    extra = {"code": "print(1)", "language": "python"} if kind == "code" else {}
    question = Question.model_validate(
        {"id": "q", "kind": kind, "difficulty": 3, "prompt": "Which?", "options": listed, "explanation": "Because.",
         "reference": {"title": "Docs"}, **extra}
    )  # fmt: skip
    assert guessing_floor(question) == pytest.approx(floor)


def test_a_true_false_question_is_guessed_half_the_time() -> None:
    from quiz.content.models import Question
    from quiz.measure.irt import guessing_floor

    question = Question.model_validate(
        {"id": "q", "kind": "true_false", "difficulty": 2, "prompt": "Is it?", "answer": True,
         "explanation": "True.", "reference": {"title": "Docs"}}
    )  # fmt: skip
    assert guessing_floor(question) == 0.5


def test_with_a_floor_the_curve_starts_at_the_floor_and_a_right_answer_says_less() -> None:
    assert float(p_correct(-10.0, 1.5, 0.0, 0.25)) == pytest.approx(0.25, abs=1e-6)
    assert float(p_correct(0.0, 1.5, 0.0, 0.25)) == pytest.approx(0.25 + 0.75 * 0.5)
    # 3PL information at θ = b with a = 2, c = 0.25: a² (P − c)² (1 − P) / ((1 − c)² P) with P = 0.625
    assert float(information(0.0, 2.0, 0.0, 0.25)) == pytest.approx(4 * 0.375**2 * 0.375 / (0.75**2 * 0.625))
    assert float(information(0.0, 2.0, 0.0, 0.25)) < float(information(0.0, 2.0, 0.0))

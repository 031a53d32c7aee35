"""Rapid guesses: answers faster than the question can have been read are flagged and do not count."""

from __future__ import annotations

import pytest

from quiz.content.models import Question
from quiz.measure.rapid import CAP_S, FLOOR_S, is_rapid_guess, rapid_threshold, reading_seconds


def _question(prompt_words: int) -> Question:
    return Question.model_validate(
        {
            "id": "q",
            "kind": "single",
            "difficulty": 3,
            "prompt": " ".join(["word"] * prompt_words),
            "options": [{"text": "yes", "correct": True}, {"text": "no"}],
            "explanation": "Yes.",
            "reference": {"title": "Docs"},
        }
    )


def test_the_threshold_is_thirty_percent_of_a_fast_readers_time_within_three_and_ten_seconds() -> None:
    assert reading_seconds(_question(98)) == pytest.approx(100 / 5)  # 98 words + 2 options at 5 words a second
    assert rapid_threshold(_question(98)) == pytest.approx(6.0)
    assert rapid_threshold(_question(3)) == FLOOR_S
    assert rapid_threshold(_question(1000)) == CAP_S


@pytest.mark.parametrize(("seconds", "skipped", "rapid"), [(1.0, False, True), (5.9, False, True), (6.0, False, False),
                                                            (1.0, True, False), (None, False, False)])  # fmt: skip
def test_an_answer_is_a_rapid_guess_only_when_given_and_faster_than_the_threshold(
    seconds: float | None, skipped: bool, rapid: bool
) -> None:
    assert is_rapid_guess(_question(98), seconds, skipped) is rapid


def test_rapid_guesses_are_left_out_of_the_estimates_and_listed(small_bank) -> None:  # type: ignore[no-untyped-def]
    import random
    import uuid
    from datetime import UTC, datetime

    from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
    from quiz.report.attempt_result import evaluate_attempt
    from quiz.store.attempt import Attempt, Response

    quiz = assemble_quiz(small_bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(2))
    now = datetime(2026, 12, 4, tzinfo=UTC)

    def attempt(seconds: list[float]) -> Attempt:
        responses = tuple(
            Response(item.question_id, i, (small_bank.questions[item.question_id].correct_texts[0],), 1.0, None, s, now)
            for i, (item, s) in enumerate(zip(quiz.items, seconds, strict=False))
        )
        return Attempt(str(uuid.uuid4()), quiz, now, now, responses)

    slow = evaluate_attempt(small_bank, attempt([30.0] * len(quiz.items)))
    half = evaluate_attempt(small_bank, attempt([30.0, 1.0] * len(quiz.items)))
    assert slow.rapid_guesses == () and not slow.many_rapid_guesses
    assert len(half.rapid_guesses) == len(quiz.items) // 2  # every second answer took one second
    assert half.many_rapid_guesses
    counted = sum(e.answers for e in half.estimates.values())
    assert counted == len(quiz.items) - len(half.rapid_guesses)

"""The store against real databases: SQLite by default and the PostgreSQL server when there is one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quiz.content.bank import Bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.store.database import Store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_store")


def _quiz(bank: Bank, seed: int = 1):  # type: ignore[no-untyped-def]
    settings = AssessmentSettings("junior", ("python",), Length.QUICK)
    return assemble_quiz(bank, settings, rng=random.Random(seed))


def test_an_attempt_keeps_its_questions_and_their_option_order(store: Store, small_bank: Bank) -> None:
    quiz = _quiz(small_bank)
    learner = store.learner_id()
    attempt = store.attempt(store.start_attempt(learner, quiz))
    assert attempt is not None
    assert attempt.quiz.items == quiz.items
    assert attempt.quiz.settings == quiz.settings
    assert attempt.answered == 0 and not attempt.finished


def test_each_answer_is_stored_when_given(store: Store, small_bank: Bank) -> None:
    quiz = _quiz(small_bank)
    attempt_id = store.start_attempt(store.learner_id(), quiz)
    first = quiz.items[0].question_id
    given = store.record_answer(attempt_id, first, 0, ["right"], 1.0, "certain", 12.5)
    attempt = store.attempt(attempt_id)
    assert attempt is not None
    response = attempt.response_for(first)
    assert response is not None
    assert response == given  # what the page keeps in session is exactly what a reload reads back
    assert (response.chosen, response.score, response.confidence, response.seconds) == (
        ("right",),
        1.0,
        "certain",
        12.5,
    )
    assert attempt.next_position() == 1


def test_answering_the_same_question_again_replaces_the_answer(store: Store, small_bank: Bank) -> None:
    quiz = _quiz(small_bank)
    attempt_id = store.start_attempt(store.learner_id(), quiz)
    question_id = quiz.items[0].question_id
    store.record_answer(attempt_id, question_id, 0, ["a"], 0.0, "guess", 3.0)
    store.record_answer(attempt_id, question_id, 0, ["b"], 1.0, "certain", 4.0)
    attempt = store.attempt(attempt_id)
    assert attempt is not None and attempt.answered == 1
    assert attempt.responses[0].chosen == ("b",)


def test_finishing_twice_keeps_one_finished_attempt(store: Store, small_bank: Bank) -> None:
    learner = store.learner_id()
    attempt_id = store.start_attempt(learner, _quiz(small_bank))
    store.finish_attempt(attempt_id)
    first = store.attempt(attempt_id)
    store.finish_attempt(attempt_id)
    assert [a.id for a in store.attempts(learner)] == [attempt_id]
    assert store.attempt(attempt_id).finished_at == first.finished_at  # type: ignore[union-attr]


def test_an_unfinished_attempt_can_be_resumed_and_set_aside(store: Store, small_bank: Bank) -> None:
    learner = store.learner_id()
    attempt_id = store.start_attempt(learner, _quiz(small_bank))
    resumable = store.unfinished_attempt(learner)
    assert resumable is not None and resumable.id == attempt_id
    store.abandon_attempt(attempt_id)
    assert store.unfinished_attempt(learner) is None
    assert store.attempt(attempt_id) is not None  # set aside, never deleted


def test_seen_questions_cover_every_answered_question(store: Store, small_bank: Bank) -> None:
    learner = store.learner_id()
    quiz = _quiz(small_bank)
    attempt_id = store.start_attempt(learner, quiz)
    for position, item in enumerate(quiz.items[:3]):
        store.record_answer(attempt_id, item.question_id, position, [], 0.0, None, None)
    assert store.seen_questions(learner) == {item.question_id for item in quiz.items[:3]}


def test_learners_are_kept_apart(store: Store, small_bank: Bank) -> None:
    ada, bob = store.learner_id("ada"), store.learner_id("bob")
    attempt_id = store.start_attempt(ada, _quiz(small_bank))
    store.finish_attempt(attempt_id)
    assert store.attempts(bob) == []
    assert store.attempt_owner(attempt_id) == ada


def test_reopening_the_database_keeps_everything(tmp_path: Path, small_bank: Bank) -> None:
    url = f"sqlite:///{tmp_path / 'devready.db'}"
    first = Store.open(url)
    attempt_id = first.start_attempt(first.learner_id(), _quiz(small_bank))
    first.record_answer(attempt_id, "sql-l3-0", 0, ["x"], 0.0, "guess", 1.0)
    first.engine.dispose()
    again = Store.open(url)  # migrations run again and change nothing
    attempt = again.attempt(attempt_id)
    assert attempt is not None and attempt.answered == 1


def test_a_finished_attempt_refuses_further_answers_and_keeps_its_scores(store: Store, small_bank: Bank) -> None:
    from quiz.store.database import AttemptClosed

    quiz = _quiz(small_bank)
    attempt_id = store.start_attempt(store.learner_id(), quiz)
    first, second = quiz.items[0].question_id, quiz.items[1].question_id
    store.record_answer(attempt_id, first, 0, ["wrong"], 0.0, "guess", 5.0)
    store.finish_attempt(attempt_id)
    with pytest.raises(AttemptClosed):
        store.record_answer(attempt_id, first, 0, ["right"], 1.0, "certain", 5.0)  # a stale tab re-submits
    with pytest.raises(AttemptClosed):
        store.record_answer(attempt_id, second, 1, ["right"], 1.0, "certain", 5.0)
    with pytest.raises(AttemptClosed):
        store.record_answer("00000000-0000-0000-0000-000000000000", first, 0, ["right"], 1.0, None, 1.0)
    attempt = store.attempt(attempt_id)
    assert attempt is not None
    assert [(r.question_id, r.score) for r in attempt.responses] == [(first, 0.0)]

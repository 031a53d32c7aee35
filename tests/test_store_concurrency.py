"""Eight learners finishing 200 attempts each at the same time: every response is stored."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import func, select

from quiz.content.bank import Bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.store.database import Store
from quiz.store.tables import AttemptRow, ResponseRow

WRITERS = 8
ATTEMPTS_EACH = 200
ANSWERS_EACH = 3
pytestmark = pytest.mark.slow


def _hammer(store: Store, bank: Bank) -> list[BaseException]:
    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(1))
    items = quiz.items[:ANSWERS_EACH]
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            learner = store.learner_id(f"writer-{number}")
            start.wait()
            for _ in range(ATTEMPTS_EACH):
                attempt_id = store.start_attempt(learner, quiz)
                for position, item in enumerate(items):
                    store.record_answer(attempt_id, item.question_id, position, ["x"], 1.0, "certain", 1.0)
                store.finish_attempt(attempt_id)
                store.finish_attempt(attempt_id)  # a double click on "finish" changes nothing
        except BaseException as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _counts(store: Store) -> tuple[int, int, int]:
    with store.transaction() as session:
        attempts = session.scalar(select(func.count(AttemptRow.id)))
        finished = session.scalar(select(func.count(AttemptRow.id)).where(AttemptRow.finished_at.is_not(None)))
        responses = session.scalar(select(func.count(ResponseRow.id)))
    return int(attempts or 0), int(finished or 0), int(responses or 0)


@pytest.mark.parametrize("backend", ["sqlite_store", pytest.param("postgres_store", marks=pytest.mark.postgres)])
def test_concurrent_writers_lose_no_response(backend: str, request: pytest.FixtureRequest, small_bank: Bank) -> None:
    store: Store = request.getfixturevalue(backend)
    errors = _hammer(store, small_bank)
    assert errors == []
    expected_attempts = WRITERS * ATTEMPTS_EACH
    assert _counts(store) == (expected_attempts, expected_attempts, expected_attempts * ANSWERS_EACH)

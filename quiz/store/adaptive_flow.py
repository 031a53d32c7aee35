"""An adaptive attempt over the store: rebuild its state from the answers, choose the next question."""

from __future__ import annotations

import random

from quiz.content.bank import Bank
from quiz.measure.adaptive import AdaptiveSession, ItemPool, session_for_profile
from quiz.measure.assemble import AssessmentSettings, Quiz, QuizItem, option_order
from quiz.store.attempt import Attempt


def new_adaptive_quiz(bank: Bank, settings: AssessmentSettings) -> Quiz:
    """An adaptive attempt starts with no question: each is chosen from the answers before it."""
    return Quiz(settings, (), tuple(bank.profiles[settings.profile_id].skill_targets(settings.languages)))


def session_from_attempt(
    bank: Bank,
    pool: ItemPool,
    attempt: Attempt,
    seen: frozenset[str] = frozenset(),
    leave_out: frozenset[str] = frozenset(),
) -> AdaptiveSession:
    """Replay the stored answers: the same answers always give the same state (a resume is exact).

    `seen`: questions the learner met in earlier attempts, served last among equally informative ones.
    `leave_out`: answers not to count (the Results page leaves out the rapid guesses, as its estimates do).
    """
    settings = attempt.quiz.settings
    session = session_for_profile(bank, pool, settings.profile_id, settings.languages, seen=seen)
    for response in attempt.responses:
        if response.question_id in pool.index and response.question_id not in leave_out:
            session.record(response.question_id, response.score)
    return session


def choose_next(bank: Bank, session: AdaptiveSession, attempt: Attempt) -> QuizItem | None:
    """The next question, or None when every skill is decided (or the total maximum is reached)."""
    if session.finished:
        return None
    # Seeded by the attempt and the number of answers, so a reload before answering shows the same item.
    rng = random.Random(f"{attempt.id}:{attempt.answered}")
    question_id = session.next_question(rng)
    if question_id is None:
        return None
    return QuizItem(question_id, option_order(bank.questions[question_id], rng))

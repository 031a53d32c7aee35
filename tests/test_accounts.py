"""Hosted-mode accounts: argon2id hashes, throttled sign-ins, expiring sessions, full deletion."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quiz.accounts import (
    FREE_FAILURES,
    SESSION_LIFETIME,
    AccountError,
    SignInLocked,
    delete_account,
    session_learner,
    sign_in,
    sign_out,
    sign_up,
)
from quiz.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.bank import Bank
from quiz.store import Store
from quiz.tables import LearnerRow, ResponseRow

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'accounts.db'}")


def test_passwords_are_stored_only_as_argon2id_hashes(store: Store) -> None:
    learner = sign_up(store, "ada", PASSWORD)
    with store.transaction() as session:
        stored = session.scalar(select(LearnerRow.password_hash).where(LearnerRow.id == learner))
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("name", "password"), [("ab", PASSWORD), ("ada", "short"), ("a da", PASSWORD), ("local", PASSWORD)]
)
def test_weak_or_malformed_sign_ups_are_refused(store: Store, name: str, password: str) -> None:
    with pytest.raises(AccountError):
        sign_up(store, name, password)


def test_a_taken_name_is_refused(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    with pytest.raises(AccountError, match="taken"):
        sign_up(store, "ada", PASSWORD + "!")


def test_the_right_password_opens_a_session_for_that_learner(store: Store) -> None:
    learner = sign_up(store, "ada", PASSWORD)
    signed = sign_in(store, "ada", PASSWORD, now=NOW)
    assert session_learner(store, signed.token, now=NOW + timedelta(hours=1)) == learner


def test_a_wrong_password_and_an_unknown_name_give_the_same_error(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    with pytest.raises(AccountError) as wrong_password:
        sign_in(store, "ada", "wrong password!", now=NOW)
    with pytest.raises(AccountError) as unknown_name:
        sign_in(store, "bob", PASSWORD, now=NOW)
    assert str(wrong_password.value) == str(unknown_name.value)


def test_repeated_failures_lock_the_account_for_a_growing_time(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    for _ in range(FREE_FAILURES):
        with pytest.raises(AccountError):
            sign_in(store, "ada", "wrong password!", now=NOW)
    with pytest.raises(SignInLocked) as locked:
        sign_in(store, "ada", PASSWORD, now=NOW + timedelta(seconds=10))  # even the right password waits
    assert locked.value.until == NOW + timedelta(seconds=30)
    with pytest.raises(AccountError):
        sign_in(store, "ada", "wrong again!!", now=NOW + timedelta(seconds=31))
    with pytest.raises(SignInLocked) as longer:
        sign_in(store, "ada", PASSWORD, now=NOW + timedelta(seconds=40))
    assert longer.value.until == NOW + timedelta(seconds=31 + 60)
    assert sign_in(store, "ada", PASSWORD, now=NOW + timedelta(minutes=5)).name == "ada"


def test_sessions_expire(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    signed = sign_in(store, "ada", PASSWORD, now=NOW)
    assert session_learner(store, signed.token, now=NOW + SESSION_LIFETIME + timedelta(seconds=1)) is None
    assert session_learner(store, signed.token, now=NOW) is None  # an expired session is deleted


def test_signing_out_ends_the_session(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    signed = sign_in(store, "ada", PASSWORD, now=NOW)
    sign_out(store, signed.token)
    assert session_learner(store, signed.token, now=NOW) is None
    assert session_learner(store, "made-up-token", now=NOW) is None


def test_deleting_an_account_removes_every_attempt_and_answer(store: Store, small_bank: Bank) -> None:
    ada, bob = sign_up(store, "ada", PASSWORD), sign_up(store, "bob", PASSWORD)
    quiz = assemble_quiz(small_bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(1))
    for learner in (ada, bob):
        attempt_id = store.start_attempt(learner, quiz)
        store.record_answer(attempt_id, quiz.items[0].question_id, 0, ["x"], 0.0, "guess", 1.0)
        store.finish_attempt(attempt_id)
    signed = sign_in(store, "ada", PASSWORD, now=NOW)
    delete_account(store, ada)
    assert store.attempts(ada, finished_only=False) == []
    assert session_learner(store, signed.token, now=NOW) is None
    with store.transaction() as session:
        assert session.scalar(select(LearnerRow).where(LearnerRow.id == ada)) is None
        remaining = session.scalars(select(ResponseRow.attempt_id)).all()
    assert len(remaining) == 1 and len(store.attempts(bob)) == 1

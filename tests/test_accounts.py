"""Hosted-mode accounts: argon2id hashes, throttled sign-ins, expiring sessions, full deletion."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from quiz.content.bank import Bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.store.accounts import (
    FREE_FAILURES,
    SESSION_LIFETIME,
    AccountError,
    SessionHolder,
    SignInLocked,
    delete_account,
    session_holder,
    session_learner,
    sign_in,
    sign_out,
    sign_up,
)
from quiz.store.database import Store
from quiz.store.tables import LearnerRow, ResponseRow

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


def test_one_read_of_a_session_says_who_holds_it_and_whether_they_teach(store: Store) -> None:
    from quiz.store.cohorts import make_instructor

    learner = sign_up(store, "ada", PASSWORD)
    signed = sign_in(store, "ada", PASSWORD, now=NOW)
    assert session_holder(store, signed.token, now=NOW) == SessionHolder(learner, instructor=False)
    make_instructor(store, "ada")
    assert session_holder(store, signed.token, now=NOW) == SessionHolder(learner, instructor=True)
    assert session_holder(store, "not a token", now=NOW) is None
    assert session_holder(store, signed.token, now=NOW + SESSION_LIFETIME) is None  # expired, and deleted
    assert session_holder(store, signed.token, now=NOW) is None


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


BACKENDS = ["sqlite_store", pytest.param("postgres_store", marks=pytest.mark.postgres)]


def _checks_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check sign_in makes, recorded (the real check still runs)."""
    import quiz.store.accounts as accounts

    checked: list[str] = []
    real = accounts._password_matches

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "_password_matches", counting)
    return checked


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["ada", "nobody-here"])
def test_parallel_wrong_passwords_check_at_most_five_guesses_before_the_lock(
    backend: str, name: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    store: Store = request.getfixturevalue(backend)
    sign_up(store, "ada", PASSWORD)
    checked = _checks_counted(monkeypatch)
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def guess(number: int) -> None:
        start.wait()
        try:
            sign_in(store, name, f"guess number {number}", now=NOW)
        except SignInLocked:
            outcomes.append("locked")
        except AccountError:
            outcomes.append("wrong")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == FREE_FAILURES
    assert sorted(outcomes) == ["locked"] * (20 - FREE_FAILURES) + ["wrong"] * FREE_FAILURES
    with pytest.raises(SignInLocked):
        sign_in(store, name, PASSWORD, now=NOW + timedelta(seconds=1))


def test_an_unknown_name_is_answered_and_locked_exactly_like_a_known_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_up(store, "ada", PASSWORD)
    checked = _checks_counted(monkeypatch)
    messages: dict[str, list[str]] = {"ada": [], "bob": []}
    for name in messages:
        for attempt in range(FREE_FAILURES + 1):
            with pytest.raises(AccountError) as refused:
                sign_in(store, name, "wrong password!", now=NOW + timedelta(seconds=attempt))
            messages[name].append(str(refused.value))
    assert messages["ada"] == messages["bob"]
    assert messages["bob"][-1].startswith("too many failed sign-ins")
    assert len(checked) == 2 * FREE_FAILURES  # the same password work for both, none while locked


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["ada\x00", "\x00", "a\x00da", "ada" * 100, "", "   ", "𝔞𝔡𝔞", "\ud800"])
def test_malformed_names_get_the_sign_in_message_not_a_crash(
    backend: str, name: str, request: pytest.FixtureRequest
) -> None:
    store: Store = request.getfixturevalue(backend)
    sign_up(store, "ada", PASSWORD)
    with pytest.raises(AccountError, match="^wrong user name or password$"):
        sign_in(store, name, PASSWORD, now=NOW)
    with pytest.raises(AccountError):
        sign_up(store, name, PASSWORD)


def test_user_names_compare_case_insensitively(store: Store) -> None:
    learner = sign_up(store, "Ada.Lovelace", PASSWORD)
    assert sign_in(store, "ada.lovelace", PASSWORD, now=NOW).learner_id == learner
    assert sign_in(store, "ADA.LOVELACE", PASSWORD, now=NOW).name == "Ada.Lovelace"
    with pytest.raises(AccountError, match="taken"):
        sign_up(store, "ada.LOVELACE", PASSWORD)
    with pytest.raises(AccountError):
        sign_up(store, "LOCAL", PASSWORD)  # the local learner's name, in any case


def test_failures_under_another_case_count_towards_the_same_lock(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    for attempt, spelling in enumerate(["ada", "ADA", "Ada", "aDa", "adA"]):
        with pytest.raises(AccountError):
            sign_in(store, spelling, "wrong password!", now=NOW + timedelta(seconds=attempt))
    with pytest.raises(SignInLocked):
        sign_in(store, "ada", PASSWORD, now=NOW + timedelta(seconds=10))


def test_a_lock_lasts_at_most_five_minutes_and_a_quiet_day_forgets_the_failures(store: Store) -> None:
    sign_up(store, "ada", PASSWORD)
    moment = NOW
    for _ in range(FREE_FAILURES + 8):  # a stranger keeps guessing as soon as each lock ends
        try:
            sign_in(store, "ada", "wrong password!", now=moment)
        except SignInLocked as locked:
            assert locked.until - moment <= timedelta(minutes=5)
            moment = locked.until
        except AccountError:
            moment += timedelta(seconds=1)
    with pytest.raises(AccountError) as after_a_day:
        sign_in(store, "ada", "wrong password!", now=moment + timedelta(days=2))
    assert not isinstance(after_a_day.value, SignInLocked)
    assert sign_in(store, "ada", PASSWORD, now=moment + timedelta(days=2, seconds=1)).name == "ada"


def test_expired_sessions_are_purged_at_the_next_sign_in(store: Store) -> None:
    from quiz.store.tables import SessionRow

    sign_up(store, "ada", PASSWORD)
    sign_in(store, "ada", PASSWORD, now=NOW)
    sign_in(store, "ada", PASSWORD, now=NOW + SESSION_LIFETIME + timedelta(minutes=1))
    with store.transaction() as session:
        assert len(session.scalars(select(SessionRow)).all()) == 1


def test_signing_out_everywhere_ends_every_session_of_that_learner_only(store: Store) -> None:
    from quiz.store.accounts import sign_out_everywhere

    ada, bob = sign_up(store, "ada", PASSWORD), sign_up(store, "bob", PASSWORD)
    laptop, phone = sign_in(store, "ada", PASSWORD, now=NOW), sign_in(store, "ada", PASSWORD, now=NOW)
    bobs = sign_in(store, "bob", PASSWORD, now=NOW)
    assert sign_out_everywhere(store, ada) == 2
    assert session_learner(store, laptop.token, now=NOW) is None
    assert session_learner(store, phone.token, now=NOW) is None
    assert session_learner(store, bobs.token, now=NOW) == bob


@pytest.mark.parametrize("clash", [False, True])
def test_a_database_of_the_previous_schema_upgrades_with_its_accounts(tmp_path: Path, clash: bool) -> None:
    from alembic import command
    from sqlalchemy import text

    from quiz.store.database import create_store_engine
    from quiz.store.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_store_engine(url)
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        hashed = PasswordHasher().hash(PASSWORD)
        connection.execute(
            text("INSERT INTO learners (name, created_at, password_hash, failed_signins) VALUES (:n, :c, :h, 3)"),
            [{"n": "Ada", "c": NOW, "h": hashed}] + ([{"n": "ada", "c": NOW, "h": hashed}] if clash else []),
        )
    engine.dispose()
    store = Store.open(url)
    assert sign_in(store, "Ada", PASSWORD, now=NOW).name == "Ada"  # the exact spelling first
    with pytest.raises(AccountError, match="taken"):
        sign_up(store, "ADA", PASSWORD)


def test_an_identity_provider_account_is_one_per_person_and_never_opens_with_a_password(store: Store) -> None:
    from quiz.store.accounts import sso_account_name, sso_learner

    first = sso_learner(store, "sub-123", "Ada@School.example")
    assert sso_learner(store, "sub-123", "ada@school.example") == first  # e-mails compare without case
    assert sso_learner(store, "sub-456", None) != first  # no e-mail: the provider's subject id
    with pytest.raises(AccountError):
        sign_up(store, sso_account_name("sub-123", "ada@school.example"), PASSWORD)  # not a valid user name
    with pytest.raises(AccountError):
        sign_in(store, "Ada@School.example (sso)", PASSWORD)
    sign_up(store, "ada@school.example", PASSWORD)  # a password account of the same e-mail is someone else
    assert sign_in(store, "ada@school.example", PASSWORD).learner_id != first


def test_the_first_instructor_can_be_named_by_their_identity_provider_e_mail(tmp_path: Path) -> None:
    from quiz.cli import main
    from quiz.store.cohorts import is_instructor

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["instructor", "add", "grace@school.example", "--sso", "--database", url]) == 0
    store = Store.open(url)
    from quiz.store.accounts import sso_learner

    assert is_instructor(store, sso_learner(store, "whatever-sub", "grace@school.example"))
    assert main(["instructor", "add", "nobody", "--database", url]) == 1

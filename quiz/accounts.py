"""Hosted mode: learners sign up and sign in; passwords are hashed with argon2id.

Failed sign-ins are throttled per account (a growing lock after a few failures), sessions expire,
and a learner can delete their account with every attempt and answer in it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from quiz.store import LOCAL_LEARNER, Store
from quiz.tables import AttemptRow, LearnerRow, SessionRow, as_utc, utc_now

SESSION_LIFETIME = timedelta(hours=12)
FREE_FAILURES = 5  # failed sign-ins allowed before the account locks
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9._@+-]{3,64}$")
_hasher = PasswordHasher()  # argon2id with the library's recommended cost


class AccountError(ValueError):
    """A sign-up or sign-in that cannot proceed; the message is safe to show."""


class SignInLocked(AccountError):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"too many failed sign-ins; try again after {until:%H:%M:%S} UTC")


@dataclass(frozen=True)
class SignedIn:
    learner_id: int
    name: str
    token: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_up(store: Store, name: str, password: str) -> int:
    name = name.strip()
    if not _NAME.match(name) or name == LOCAL_LEARNER:
        raise AccountError("a user name is 3 to 64 letters, digits or . _ @ + -")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    with store.transaction() as session:
        if session.scalar(select(LearnerRow.id).where(LearnerRow.name == name)) is not None:
            raise AccountError("that user name is taken")
        learner = LearnerRow(name=name, password_hash=_hasher.hash(password))
        session.add(learner)
        session.flush()
        return learner.id


def sign_in(store: Store, name: str, password: str, now: datetime | None = None) -> SignedIn:
    """Check the password; throttle repeated failures; open a session that expires."""
    now = now or utc_now()
    failure: AccountError | None = None
    signed_in: SignedIn | None = None
    with store.transaction() as session:
        learner = session.scalar(select(LearnerRow).where(LearnerRow.name == name.strip()))
        if learner is None or learner.password_hash is None:
            _hasher.hash(password)  # same work as a real check, so timing does not reveal unknown names
            raise AccountError("wrong user name or password")
        locked_until = as_utc(learner.locked_until)
        if locked_until is not None and locked_until > now:
            raise SignInLocked(locked_until)
        try:
            _hasher.verify(learner.password_hash, password)
        except (VerificationError, InvalidHashError):
            learner.failed_signins += 1
            if learner.failed_signins >= FREE_FAILURES:
                doublings = learner.failed_signins - FREE_FAILURES
                learner.locked_until = now + min(FIRST_LOCK * (2**doublings), LONGEST_LOCK)
            failure = AccountError("wrong user name or password")
        else:
            learner.failed_signins = 0
            learner.locked_until = None
            if _hasher.check_needs_rehash(learner.password_hash):
                learner.password_hash = _hasher.hash(password)
            token = secrets.token_urlsafe(32)
            expires = now + SESSION_LIFETIME
            session.add(
                SessionRow(token_hash=_token_hash(token), learner_id=learner.id, created_at=now, expires_at=expires)
            )
            signed_in = SignedIn(learner.id, learner.name, token, expires)
    if failure is not None or signed_in is None:  # raised after the commit, so the failure count is kept
        raise failure or AccountError("wrong user name or password")
    return signed_in


def session_learner(store: Store, token: str | None, now: datetime | None = None) -> int | None:
    """The learner a session token belongs to, or None if unknown or expired."""
    if not token:
        return None
    now = now or utc_now()
    with store.transaction() as session:
        row = session.get(SessionRow, _token_hash(token))
        if row is None:
            return None
        if (as_utc(row.expires_at) or now) <= now:
            session.delete(row)
            return None
        return row.learner_id


def sign_out(store: Store, token: str) -> None:
    with store.transaction() as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))


def delete_account(store: Store, learner_id: int) -> None:
    """Delete the learner, their sessions, attempts and answers: nothing of theirs is left."""
    from quiz.tables import ResponseRow

    with store.transaction() as session:
        attempt_ids = select(AttemptRow.id).where(AttemptRow.learner_id == learner_id)
        session.execute(delete(ResponseRow).where(ResponseRow.attempt_id.in_(attempt_ids)))
        session.execute(delete(AttemptRow).where(AttemptRow.learner_id == learner_id))
        session.execute(delete(SessionRow).where(SessionRow.learner_id == learner_id))
        session.execute(delete(LearnerRow).where(LearnerRow.id == learner_id))

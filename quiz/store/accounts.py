"""Hosted mode: learners sign up and sign in; passwords are hashed with argon2id.

Failed sign-ins are throttled per user name, whether or not an account has that name: after
`FREE_FAILURES` failures the name locks for 30 s, doubling with each further failure up to
`LONGEST_LOCK`. A guess is counted *before* it is checked, in one atomic statement, so parallel
sign-ins can never check more than `FREE_FAILURES` guesses before the lock. An unknown name costs
the same password hashing, gets the same message and locks the same way, so neither the answer nor
its timing tells who has an account.

The trade-off of a lock per name: a stranger who knows a learner's name can lock it. The lock is
therefore short (at most 5 minutes), never touches sessions already open (a signed-in learner
stays signed in for 12 hours), and the count of failures is forgotten after a quiet day. An
attacker gets 5 guesses, then about 12 an hour, which a 10-character password outlasts.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz.messages import clock, t
from quiz.store.cohorts import INSTRUCTOR, forget_learner
from quiz.store.database import LOCAL_LEARNER, Store
from quiz.store.tables import AttemptRow, LearnerRow, ResponseRow, SessionRow, SignInThrottleRow, as_utc, utc_now

SESSION_LIFETIME = timedelta(hours=12)
FREE_FAILURES = 5  # failed sign-ins allowed before the name locks
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=5)
FAILURES_FORGOTTEN_AFTER = timedelta(days=1)  # a quiet day resets the count of failures
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9._@+-]{3,64}$")
_hasher = PasswordHasher()  # argon2id with the library's recommended cost
# Checked against when the name is unknown, so an unknown name costs the same work as a known one.
_UNKNOWN_NAME_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A sign-up or sign-in that cannot proceed; the message is safe to show."""


class SignInLocked(AccountError):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(t("account_locked", time=clock(until)))


@dataclass(frozen=True)
class SignedIn:
    learner_id: int
    name: str
    token: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _name_key(name: str) -> str:
    """The throttle's key for a name as typed: case-folded, hashed (any text, NUL bytes included)."""
    return hashlib.sha256(name.strip().casefold().encode("utf-8", "surrogatepass")).hexdigest()


def _valid_name(name: str) -> bool:
    return bool(_NAME.match(name)) and name.lower() != LOCAL_LEARNER


def _learner_named(session: Session, name: str) -> LearnerRow | None:
    """The account whose name equals `name` ignoring case (the exact spelling first, for old data)."""
    query = select(LearnerRow).where(func.lower(LearnerRow.name) == name.lower(), LearnerRow.password_hash.is_not(None))
    rows = session.scalars(query).all()
    return next((row for row in rows if row.name == name), rows[0] if rows else None)


def sign_up(store: Store, name: str, password: str) -> int:
    name = name.strip()
    if not _valid_name(name):
        raise AccountError(t("account_name_invalid"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(t("account_password_short", count=MIN_PASSWORD_LENGTH))
    with store.transaction() as session:
        taken = session.scalar(select(LearnerRow.id).where(func.lower(LearnerRow.name) == name.lower()))
        if taken is not None:
            raise AccountError(t("account_name_taken"))
        learner = LearnerRow(name=name, password_hash=_hasher.hash(password))
        session.add(learner)
        session.flush()
        return learner.id


def _lock_length(failures: int) -> timedelta:
    return min(FIRST_LOCK * (2 ** (failures - FREE_FAILURES)), LONGEST_LOCK)


def _count_guess(session: Session, key: str, now: datetime) -> int | None:
    """Count one more failure for `key` unless it is locked; the new count, or None when locked.

    One upsert, so two sign-ins at the same moment can never both read the same count: the row is
    locked by the statement (PostgreSQL) or the database by the write (SQLite) until the commit.
    """
    row = SignInThrottleRow
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_row = insert(row).values(name_key=key, failures=1, last_failure_at=now, locked_until=None)
    forgotten = row.last_failure_at < now - FAILURES_FORGOTTEN_AFTER
    statement = new_row.on_conflict_do_update(
        index_elements=[row.name_key],
        set_={"failures": case((forgotten, 1), else_=row.failures + 1), "last_failure_at": now},
        where=or_(row.locked_until.is_(None), row.locked_until <= now),
    ).returning(row.failures)
    failures = session.execute(statement).scalar()
    if failures is not None and failures >= FREE_FAILURES:
        session.execute(update(row).where(row.name_key == key).values(locked_until=now + _lock_length(failures)))
    return failures


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in(store: Store, name: str, password: str, now: datetime | None = None) -> SignedIn:
    """Count the guess, check the password, and open a session that expires.

    Raises SignInLocked while the name is locked (known or not), else AccountError with one message
    for an unknown name and a wrong password.
    """
    now = now or utc_now()
    name = name.strip()
    key = _name_key(name)
    with store.transaction() as session:
        failures = _count_guess(session, key, now)
        locked_until = None
        if failures is None:
            locked_until = as_utc(
                session.scalar(select(SignInThrottleRow.locked_until).where(SignInThrottleRow.name_key == key))
            )
        learner = _learner_named(session, name) if failures is not None and _valid_name(name) else None
        known = (learner.id, learner.name, learner.password_hash) if learner is not None else None
    if locked_until is not None:
        raise SignInLocked(locked_until)
    if known is None:
        _password_matches(_UNKNOWN_NAME_HASH, password)  # the same work as a real check
        raise AccountError(t("account_wrong_credentials"))
    learner_id, learner_name, password_hash = known
    if password_hash is None or not _password_matches(password_hash, password):
        raise AccountError(t("account_wrong_credentials"))  # the failure was counted before the check
    token = secrets.token_urlsafe(32)
    expires = now + SESSION_LIFETIME
    with store.transaction() as session:
        session.execute(delete(SignInThrottleRow).where(SignInThrottleRow.name_key == key))
        if _hasher.check_needs_rehash(password_hash):
            session.execute(
                update(LearnerRow).where(LearnerRow.id == learner_id).values(password_hash=_hasher.hash(password))
            )
        session.add(
            SessionRow(token_hash=_token_hash(token), learner_id=learner_id, created_at=now, expires_at=expires)
        )
        _purge_stale_rows(session, now)
    return SignedIn(learner_id, learner_name, token, expires)


def _purge_stale_rows(session: Session, now: datetime) -> None:
    """Expired sessions and long-quiet throttle rows are kept by nobody: delete them as we go."""
    session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
    session.execute(
        delete(SignInThrottleRow).where(
            SignInThrottleRow.last_failure_at < now - FAILURES_FORGOTTEN_AFTER,
            or_(SignInThrottleRow.locked_until.is_(None), SignInThrottleRow.locked_until <= now),
        )
    )


@dataclass(frozen=True)
class SessionHolder:
    """Whom a valid session token belongs to, and whether they teach."""

    learner: int
    instructor: bool


def session_holder(store: Store, token: str | None, now: datetime | None = None) -> SessionHolder | None:
    """The sign-in behind a session token, or None if unknown or expired (an expired one is deleted).

    One Core query for the learner and their role: hosted mode asks it on every page view and answer.
    """
    if not token:
        return None
    now = now or utc_now()
    token_hash = _token_hash(token)
    query = (
        select(SessionRow.learner_id, SessionRow.expires_at, LearnerRow.role)
        .join(LearnerRow, LearnerRow.id == SessionRow.learner_id)
        .where(SessionRow.token_hash == token_hash)
    )
    # Autocommit: one read needs no BEGIN and ROLLBACK, two network round trips fewer on every run.
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        row = connection.execute(query).first()
    if row is None:
        return None
    if (as_utc(row.expires_at) or now) <= now:
        with store.transaction() as session:
            session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))
        return None
    return SessionHolder(row.learner_id, row.role == INSTRUCTOR)


def session_learner(store: Store, token: str | None, now: datetime | None = None) -> int | None:
    """The learner a session token belongs to, or None if unknown or expired."""
    holder = session_holder(store, token, now)
    return holder.learner if holder else None


SSO_SUFFIX = " (sso)"  # a space and brackets: no password account name can end so (see _NAME)


def sso_account_name(subject: str, email: str | None) -> str:
    """The account name of a person signed in through the identity provider: their e-mail where the
    provider gives one, else its stable subject id, marked so that no password account can take it."""
    base = (email or subject).strip()[:180]
    return base + SSO_SUFFIX


def sso_learner(store: Store, subject: str, email: str | None) -> int:
    """The learner behind an identity-provider sign-in, created on their first visit; no password."""
    name = sso_account_name(subject, email)
    query = select(LearnerRow.id).where(func.lower(LearnerRow.name) == name.lower())
    with store.transaction() as session:
        found = session.scalar(query)
    if found is not None:
        return int(found)
    try:
        with store.transaction() as session:
            learner = LearnerRow(name=name)
            session.add(learner)
            session.flush()
            return learner.id
    except IntegrityError:  # two first visits at once (two tabs): the other one created it
        with store.transaction() as session:
            return int(session.scalars(query).one())


def account_name(store: Store, learner_id: int) -> str | None:
    """The name a learner signs in with; for an identity-provider account, its e-mail (or subject id)
    without the mark that keeps password accounts from taking it."""
    with store.transaction() as session:
        name = session.scalar(select(LearnerRow.name).where(LearnerRow.id == learner_id))
    return None if name is None else name.removesuffix(SSO_SUFFIX)


def sign_out(store: Store, token: str) -> None:
    with store.transaction() as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))


def sign_out_everywhere(store: Store, learner_id: int) -> int:
    """End every session of the learner (a lost laptop, a shared computer); how many were open."""
    with store.transaction() as session:
        ended = session.execute(delete(SessionRow).where(SessionRow.learner_id == learner_id))
        return int(ended.rowcount or 0)  # type: ignore[attr-defined]


def delete_account(store: Store, learner_id: int) -> None:
    """Delete the learner, their sessions, attempts, answers and cohort memberships: nothing of theirs is left."""
    with store.transaction() as session:
        attempt_ids = select(AttemptRow.id).where(AttemptRow.learner_id == learner_id)
        session.execute(delete(ResponseRow).where(ResponseRow.attempt_id.in_(attempt_ids)))
        session.execute(delete(AttemptRow).where(AttemptRow.learner_id == learner_id))
        session.execute(delete(SessionRow).where(SessionRow.learner_id == learner_id))
        forget_learner(session, learner_id)
        session.execute(delete(LearnerRow).where(LearnerRow.id == learner_id))

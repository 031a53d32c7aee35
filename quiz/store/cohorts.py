"""Cohorts (hosted mode): instructors, invite codes, and learners who agree to share their results.

Every read of another person's data goes through a function here that checks who asks: an
instructor sees only the cohorts they teach, and in them only the members who share; a member who
leaves is gone from every view at once, because the membership row itself is deleted.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from quiz.messages import t
from quiz.store.attempt import Attempt
from quiz.store.database import Store
from quiz.store.tables import (
    AttemptRow,
    CohortInstructorRow,
    CohortMemberRow,
    CohortRow,
    InstructorInviteRow,
    LearnerRow,
    to_attempt,
    utc_now,
)

INSTRUCTOR = "instructor"
LEARNER = "learner"
INVITE_CODE_BYTES = 24  # 32 URL-safe characters: nobody guesses one
INSTRUCTOR_INVITE_LIFETIME = timedelta(days=7)
MAX_COHORT_NAME = 120


class CohortError(ValueError):
    """A request that cannot be carried out, with a sentence that says why."""


class NotAllowed(PermissionError):
    """The person asking has no right to what they asked for. The message never says whether it exists."""

    def __init__(self) -> None:
        super().__init__("not found, or not yours to see")


@dataclass(frozen=True)
class Cohort:
    id: str
    name: str
    profile_id: str
    languages: tuple[str, ...]
    starts_on: date
    ends_on: date
    invite_code: str | None  # None once revoked


@dataclass(frozen=True)
class Member:
    learner_id: int
    name: str
    joined_at: datetime


def _cohort(row: CohortRow) -> Cohort:
    return Cohort(row.id, row.name, row.profile_id, tuple(row.languages), row.starts_on, row.ends_on, row.invite_code)


def _new_code() -> str:
    return secrets.token_urlsafe(INVITE_CODE_BYTES)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


# ---- roles


def is_instructor(store: Store, learner_id: int | None) -> bool:
    if learner_id is None:
        return False
    with store.transaction() as session:
        return session.scalar(select(LearnerRow.role).where(LearnerRow.id == learner_id)) == INSTRUCTOR


def make_instructor(store: Store, name: str) -> int:
    """Give the account `name` (case-insensitive) the instructor role: how the first instructor is made."""
    with store.transaction() as session:
        row = session.scalar(select(LearnerRow).where(func.lower(LearnerRow.name) == name.strip().lower()))
        if row is None:
            raise CohortError(f"no account named {name!r}: create it in the app first, then run this again")
        row.role = INSTRUCTOR
        return row.id


def invite_instructor(store: Store, instructor_id: int, now: datetime | None = None) -> str:
    """A one-time code, valid for a week, that makes whoever redeems it an instructor."""
    _require_instructor(store, instructor_id)
    code = _new_code()
    with store.transaction() as session:
        expires = (now or utc_now()) + INSTRUCTOR_INVITE_LIFETIME
        session.add(InstructorInviteRow(code_hash=_code_hash(code), invited_by=instructor_id, expires_at=expires))
    return code


def redeem_instructor_invite(store: Store, learner_id: int, code: str, now: datetime | None = None) -> None:
    now = now or utc_now()
    with store.transaction() as session:
        invite = session.get(InstructorInviteRow, _code_hash(code.strip()))
        expires = invite.expires_at if invite is not None else None
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=now.tzinfo)
        if invite is None or expires is None or expires < now:
            raise CohortError(t("cohort_invite_unknown"))
        session.delete(invite)  # one use
        session.execute(update(LearnerRow).where(LearnerRow.id == learner_id).values(role=INSTRUCTOR))


def _require_instructor(store: Store, learner_id: int) -> None:
    if not is_instructor(store, learner_id):
        raise NotAllowed()


# ---- cohorts, as an instructor


def create_cohort(
    store: Store,
    instructor_id: int,
    name: str,
    profile_id: str,
    languages: Sequence[str],
    starts_on: date,
    ends_on: date,
) -> Cohort:
    _require_instructor(store, instructor_id)
    name = name.strip()
    if not name or len(name) > MAX_COHORT_NAME:
        raise CohortError(t("cohort_name_length", count=MAX_COHORT_NAME))
    if ends_on < starts_on:
        raise CohortError(t("cohort_ends_before_start"))
    if not languages:
        raise CohortError(t("cohort_needs_language"))
    row = CohortRow(
        id=str(uuid.uuid4()),
        name=name,
        profile_id=profile_id,
        languages=list(languages),
        starts_on=starts_on,
        ends_on=ends_on,
        invite_code=_new_code(),
    )
    with store.transaction() as session:
        session.add(row)
        session.flush()  # the cohort row first: the instructor row refers to it
        session.add(CohortInstructorRow(cohort_id=row.id, learner_id=instructor_id))
    return _cohort(row)


def _taught(session: Session, instructor_id: int, cohort_id: str) -> CohortRow:
    row = session.scalar(
        select(CohortRow)
        .join(CohortInstructorRow, CohortInstructorRow.cohort_id == CohortRow.id)
        .join(LearnerRow, LearnerRow.id == CohortInstructorRow.learner_id)
        .where(CohortRow.id == cohort_id, LearnerRow.id == instructor_id, LearnerRow.role == INSTRUCTOR)
    )
    if row is None:
        raise NotAllowed()
    return row


def taught_cohort(store: Store, instructor_id: int, cohort_id: str) -> Cohort:
    """The cohort, if `instructor_id` teaches it; `NotAllowed` otherwise (whether or not it exists)."""
    with store.transaction() as session:
        return _cohort(_taught(session, instructor_id, cohort_id))


def taught_cohorts(store: Store, instructor_id: int) -> list[Cohort]:
    with store.transaction() as session:
        rows = session.scalars(
            select(CohortRow)
            .join(CohortInstructorRow, CohortInstructorRow.cohort_id == CohortRow.id)
            .join(LearnerRow, LearnerRow.id == CohortInstructorRow.learner_id)
            .where(LearnerRow.id == instructor_id, LearnerRow.role == INSTRUCTOR)
            .order_by(CohortRow.starts_on.desc(), CohortRow.name)
        )
        return [_cohort(row) for row in rows]


def renew_invite_code(store: Store, instructor_id: int, cohort_id: str) -> str:
    """A new invite code; the old one stops working at once (a code that leaked)."""
    with store.transaction() as session:
        row = _taught(session, instructor_id, cohort_id)
        row.invite_code = _new_code()
        return row.invite_code


def revoke_invite_code(store: Store, instructor_id: int, cohort_id: str) -> None:
    """Nobody else can join until a new code is made; members stay."""
    with store.transaction() as session:
        _taught(session, instructor_id, cohort_id).invite_code = None


def add_co_instructor(store: Store, instructor_id: int, cohort_id: str, name: str) -> None:
    """Let another instructor (an account with the role) teach this cohort too."""
    with store.transaction() as session:
        _taught(session, instructor_id, cohort_id)
        other = session.scalar(
            select(LearnerRow).where(func.lower(LearnerRow.name) == name.strip().lower(), LearnerRow.role == INSTRUCTOR)
        )
        if other is None:
            raise CohortError(t("cohort_no_instructor", name=name))
        if session.get(CohortInstructorRow, (cohort_id, other.id)) is None:
            session.add(CohortInstructorRow(cohort_id=cohort_id, learner_id=other.id))


def sharing_members(store: Store, instructor_id: int, cohort_id: str) -> list[Member]:
    """The members who share their results with this cohort's instructors, by name."""
    with store.transaction() as session:
        _taught(session, instructor_id, cohort_id)
        rows = session.execute(
            select(LearnerRow.id, LearnerRow.name, CohortMemberRow.joined_at)
            .join(CohortMemberRow, CohortMemberRow.learner_id == LearnerRow.id)
            .where(CohortMemberRow.cohort_id == cohort_id, CohortMemberRow.sharing_since.is_not(None))
            .order_by(func.lower(LearnerRow.name))
        )
        return [Member(learner_id, name, joined_at) for learner_id, name, joined_at in rows]


def shared_attempts(store: Store, instructor_id: int, cohort_id: str) -> dict[int, list[Attempt]]:
    """Every finished attempt of every sharing member, oldest first, in one query."""
    with store.transaction() as session:
        _taught(session, instructor_id, cohort_id)
        sharing = select(CohortMemberRow.learner_id).where(
            CohortMemberRow.cohort_id == cohort_id, CohortMemberRow.sharing_since.is_not(None)
        )
        rows = session.scalars(
            select(AttemptRow)
            .where(
                AttemptRow.learner_id.in_(sharing),
                AttemptRow.finished_at.is_not(None),
                AttemptRow.abandoned.is_(False),
            )
            .options(selectinload(AttemptRow.responses))
            .order_by(AttemptRow.started_at)
        ).all()
        attempts: dict[int, list[Attempt]] = {}
        for row in rows:
            attempts.setdefault(row.learner_id, []).append(to_attempt(row))
        return attempts


def cohort_signature(store: Store, instructor_id: int, cohort_id: str) -> tuple[tuple[int, ...], int, str]:
    """What the dashboard depends on, in one cheap query: who shares, how many finished attempts they
    have and the latest finish. A page may cache its view under this key: any change changes it."""
    with store.transaction() as session:
        _taught(session, instructor_id, cohort_id)
        rows = session.execute(
            select(CohortMemberRow.learner_id, func.count(AttemptRow.id), func.max(AttemptRow.finished_at))
            .outerjoin(
                AttemptRow,
                (AttemptRow.learner_id == CohortMemberRow.learner_id)
                & AttemptRow.finished_at.is_not(None)
                & AttemptRow.abandoned.is_(False),
            )
            .where(CohortMemberRow.cohort_id == cohort_id, CohortMemberRow.sharing_since.is_not(None))
            .group_by(CohortMemberRow.learner_id)
            .order_by(CohortMemberRow.learner_id)
        ).all()
        latest = max((str(row[2]) for row in rows if row[2] is not None), default="")
        return tuple(row[0] for row in rows), sum(int(row[1]) for row in rows), latest


def shared_attempts_of(store: Store, instructor_id: int, cohort_id: str, learner_id: int) -> list[Attempt]:
    """One sharing member's finished attempts; `NotAllowed` for anyone who is not one."""
    attempts = shared_attempts(store, instructor_id, cohort_id)
    if learner_id not in {member.learner_id for member in sharing_members(store, instructor_id, cohort_id)}:
        raise NotAllowed()
    return attempts.get(learner_id, [])


# ---- cohorts, as a learner


def cohort_for_code(store: Store, code: str) -> Cohort | None:
    code = code.strip()
    if not code:
        return None
    with store.transaction() as session:
        row = session.scalar(select(CohortRow).where(CohortRow.invite_code == code))
        return _cohort(row) if row is not None else None


def join_cohort(store: Store, learner_id: int, code: str, now: datetime | None = None) -> Cohort:
    """Join with an invite code, agreeing to share (the page says what first). Joining twice is one membership."""
    cohort = cohort_for_code(store, code)
    if cohort is None:
        raise CohortError(t("cohort_code_unknown"))
    moment = now or utc_now()
    with store.transaction() as session:
        member = session.get(CohortMemberRow, (cohort.id, learner_id))
        if member is None:
            session.add(
                CohortMemberRow(cohort_id=cohort.id, learner_id=learner_id, joined_at=moment, sharing_since=moment)
            )
        elif member.sharing_since is None:
            member.sharing_since = moment
    return cohort


def leave_cohort(store: Store, learner_id: int, cohort_id: str) -> None:
    """Leave, which stops the sharing at once: the membership row is deleted."""
    with store.transaction() as session:
        session.execute(
            delete(CohortMemberRow).where(
                CohortMemberRow.cohort_id == cohort_id, CohortMemberRow.learner_id == learner_id
            )
        )


def joined_cohorts(store: Store, learner_id: int) -> list[Cohort]:
    with store.transaction() as session:
        rows = session.scalars(
            select(CohortRow)
            .join(CohortMemberRow, CohortMemberRow.cohort_id == CohortRow.id)
            .where(CohortMemberRow.learner_id == learner_id)
            .order_by(CohortRow.starts_on.desc(), CohortRow.name)
        )
        return [_cohort(row) for row in rows]


def forget_learner(session: Session, learner_id: int) -> None:
    """Remove the learner from every cohort, as member and as instructor (account deletion)."""
    session.execute(delete(CohortMemberRow).where(CohortMemberRow.learner_id == learner_id))
    session.execute(delete(CohortInstructorRow).where(CohortInstructorRow.learner_id == learner_id))
    session.execute(delete(InstructorInviteRow).where(InstructorInviteRow.invited_by == learner_id))

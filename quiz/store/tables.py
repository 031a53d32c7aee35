"""The database tables (SQLAlchemy ORM; Alembic migrations in quiz/store/alembic) and the mapping between
their rows and `Attempt`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from quiz.measure.assemble import AssessmentSettings, Length, Quiz, QuizItem
from quiz.store.attempt import Attempt, Response


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class LearnerRow(Base):
    __tablename__ = "learners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(16), default="learner", server_default="learner")  # or "instructor"
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)  # None: follow the browser


class SignInThrottleRow(Base):
    """Failed sign-ins per user name, known or not, so a lock says nothing about who has an account."""

    __tablename__ = "signin_throttle"
    name_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the case-folded name
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionRow(Base):
    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CohortRow(Base):
    __tablename__ = "cohorts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    profile_id: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSON)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    invite_code: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)  # None: revoked
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CohortInstructorRow(Base):
    __tablename__ = "cohort_instructors"
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)


class CohortMemberRow(Base):
    __tablename__ = "cohort_members"
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    sharing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class InstructorInviteRow(Base):
    """A one-time code that makes whoever redeems it an instructor; only its hash is kept."""

    __tablename__ = "instructor_invites"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    invited_by: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttemptRow(Base):
    __tablename__ = "attempts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSON)
    length: Mapped[str] = mapped_column(String(16))
    focus: Mapped[list[str]] = mapped_column(JSON)
    practice: Mapped[bool] = mapped_column(Boolean, default=False)
    adaptive: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[list[Any]] = mapped_column(JSON)
    skills: Mapped[list[str]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    abandoned: Mapped[bool] = mapped_column(Boolean, default=False)
    responses: Mapped[list[ResponseRow]] = relationship(back_populates="attempt", order_by="ResponseRow.position")


class ResponseRow(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="one_response_per_question"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    chosen: Mapped[list[str]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[str | None] = mapped_column(String(16), nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    attempt: Mapped[AttemptRow] = relationship(back_populates="responses")


def as_utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we store is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def to_attempt(row: AttemptRow) -> Attempt:
    settings = AssessmentSettings(
        row.profile_id, tuple(row.languages), Length(row.length), tuple(row.focus), row.practice, row.adaptive
    )
    items = tuple(QuizItem(question_id, tuple(order)) for question_id, order in row.items)
    responses = tuple(
        Response(
            r.question_id,
            r.position,
            tuple(r.chosen),
            r.score,
            r.confidence,
            r.seconds,
            as_utc(r.answered_at) or utc_now(),
        )
        for r in row.responses
    )
    return Attempt(
        row.id,
        Quiz(settings, items, tuple(row.skills)),
        as_utc(row.started_at) or utc_now(),
        as_utc(row.finished_at),
        responses,
        row.abandoned,
    )


def attempt_row(attempt_id: str, learner_id: int, quiz: Quiz, **state: Any) -> AttemptRow:
    """The row of an attempt: its settings and questions, plus any stored `state` (times, abandoned)."""
    settings = quiz.settings
    return AttemptRow(
        id=attempt_id,
        learner_id=learner_id,
        profile_id=settings.profile_id,
        languages=list(settings.languages),
        length=settings.length.value,
        focus=list(settings.focus),
        practice=settings.practice,
        adaptive=settings.adaptive,
        items=[[item.question_id, list(item.option_order)] for item in quiz.items],
        skills=list(quiz.skills),
        **state,
    )


def restored_rows(learner_id: int, attempt: Attempt) -> AttemptRow:
    row = attempt_row(
        attempt.id,
        learner_id,
        attempt.quiz,
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        abandoned=attempt.abandoned,
    )
    row.responses = [
        ResponseRow(
            question_id=r.question_id,
            position=r.position,
            chosen=list(r.chosen),
            score=r.score,
            confidence=r.confidence,
            seconds=r.seconds,
            answered_at=r.answered_at,
        )
        for r in attempt.responses
    ]
    return row

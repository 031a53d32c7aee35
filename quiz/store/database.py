"""Persistence of learners, attempts and responses, behind one small interface.

SQLite in a data folder by default; `DATABASE_URL` points at PostgreSQL for a shared deployment.
Every answer is written (and committed) the moment it is given, so nothing is lost on a reload.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, cast, create_engine, event, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, selectinload, sessionmaker

from quiz.measure.assemble import Quiz, QuizItem
from quiz.store.attempt import Attempt, Response
from quiz.store.tables import AttemptRow, LearnerRow, ResponseRow, attempt_row, restored_rows, to_attempt, utc_now

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
LOCAL_LEARNER = "local"


def default_database_url() -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    data_dir = Path(os.environ.get("DEVREADY_DATA_DIR", DEFAULT_DATA_DIR))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'devready.db'}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA busy_timeout=10000")  # concurrent writers wait instead of failing
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def create_store_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


class AttemptClosed(Exception):
    """An answer to an attempt that is finished (or no longer exists): it was not stored."""

    def __init__(self, attempt_id: str) -> None:
        self.attempt_id = attempt_id
        super().__init__(f"attempt {attempt_id} is finished; the answer was not stored")


class Store:
    """The only door to the database: learners, attempts, responses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        from quiz.store.migrations import upgrade_to_latest

        engine = create_store_engine(url or default_database_url())
        upgrade_to_latest(engine)
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def learner_id(self, name: str = LOCAL_LEARNER) -> int:
        with self.transaction() as session:
            learner = session.scalar(select(LearnerRow).where(LearnerRow.name == name))
            if learner is None:
                learner = LearnerRow(name=name)
                session.add(learner)
                session.flush()
            return learner.id

    def start_attempt(self, learner_id: int, quiz: Quiz) -> str:
        attempt_id = str(uuid.uuid4())
        with self.transaction() as session:
            session.add(attempt_row(attempt_id, learner_id, quiz))
        return attempt_id

    def record_answer(
        self,
        attempt_id: str,
        question_id: str,
        position: int,
        chosen: list[str],
        score: float,
        confidence: str | None,
        seconds: float | None,
    ) -> Response:
        """Store one answer now and return it as stored; answering the same question again replaces
        the earlier answer.

        The write is one transaction, begun and committed here: the answer is stored only if the
        attempt exists and is not finished, checked in that same transaction, so a stale second tab
        can never change a finished attempt (AttemptClosed). A database that cannot be reached
        raises SQLAlchemy's OperationalError and nothing is written.
        """
        answer = Response(question_id, position, tuple(chosen), score, confidence, seconds, utc_now())
        values = {
            "attempt_id": attempt_id,
            "question_id": question_id,
            "position": position,
            "chosen": list(chosen),
            "score": score,
            "confidence": confidence,
            "seconds": seconds,
            "answered_at": answer.answered_at,
        }
        if self.engine.dialect.name == "sqlite":
            stored = self._write_answer_sqlite(values)
        else:
            # One statement, atomic by itself: autocommit spares the BEGIN and COMMIT round trips.
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                stored = connection.execute(self._guarded_upsert, values).first() is not None
        if not stored:
            raise AttemptClosed(attempt_id)
        return answer

    # The one list of an answer's columns: both writes below are built from it. The first three
    # identify the answer; an answer given again replaces the rest.
    _ANSWER_COLUMNS = (
        "attempt_id",
        "question_id",
        "position",
        "chosen",
        "score",
        "confidence",
        "seconds",
        "answered_at",
    )
    _REPLACED_COLUMNS = _ANSWER_COLUMNS[3:]

    @cached_property
    def _sqlite_answer_sql(self) -> tuple[str, list[Any]]:
        """The guarded upsert as plain SQL, with SQLAlchemy's own converters for each column's type.

        One statement, so the check that the attempt is still open and the write are atomic.
        """
        table = ResponseRow.__table__
        columns = self._ANSWER_COLUMNS
        updated = ", ".join(f"{name} = excluded.{name}" for name in self._REPLACED_COLUMNS)
        sql = (
            f"INSERT INTO responses ({', '.join(columns)}) SELECT {', '.join('?' for _ in columns)} "
            "WHERE EXISTS (SELECT 1 FROM attempts WHERE id = ? AND finished_at IS NULL) "
            f"ON CONFLICT (attempt_id, question_id) DO UPDATE SET {updated}"
        )
        return sql, [table.c[name].type.bind_processor(self.engine.dialect) for name in columns]

    def _write_answer_sqlite(self, values: dict[str, Any]) -> bool:
        # The hottest write of the app, one per answer: straight to the driver through the pool (same
        # connection set-up, same converters), so it costs little more than a bare INSERT and commit
        # (bench/progress.py measures the two side by side).
        sql, converters = self._sqlite_answer_sql
        row = [
            convert(values[name]) if convert is not None else values[name]
            for name, convert in zip(self._ANSWER_COLUMNS, converters, strict=True)
        ]
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, [*row, values["attempt_id"]])
            connection.commit()
            return bool(cursor.rowcount)
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    @cached_property
    def _guarded_upsert(self) -> Any:
        """The answer's upsert, guarded by the attempt being open, in one PostgreSQL statement.

        The guard's FOR SHARE waits for a finish in flight and then sees it (the attempt's new row is
        checked again), and finishing waits for this answer; a finished attempt writes and returns no row.
        """
        table = ResponseRow.__table__
        still_open = (
            select(AttemptRow.id)
            .where(AttemptRow.id == bindparam("attempt_id"), AttemptRow.finished_at.is_(None))
            .with_for_update(read=True)
        )
        columns = [table.c[name] for name in self._ANSWER_COLUMNS]
        row = select(*(cast(bindparam(column.name, type_=column.type), column.type) for column in columns))
        statement = pg_insert(ResponseRow).from_select(list(self._ANSWER_COLUMNS), row.where(exists(still_open)))
        upsert = statement.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={key: statement.excluded[key] for key in self._REPLACED_COLUMNS},
        )
        return upsert.returning(ResponseRow.id)  # a row back when stored: rowcount came back -1 for this statement

    def append_item(self, attempt_id: str, item: QuizItem) -> None:
        """Add the question an adaptive attempt chose next, before it is shown, so a resume shows it again."""
        with self.transaction() as session:
            row = session.get(AttemptRow, attempt_id, with_for_update=True)
            if row is None or row.finished_at is not None:
                return
            if any(question_id == item.question_id for question_id, _ in row.items):
                return
            row.items = [*row.items, [item.question_id, list(item.option_order)]]

    def finish_attempt(self, attempt_id: str) -> None:
        """Mark the attempt finished; finishing twice keeps the first time and creates nothing."""
        with self.transaction() as session:
            row = session.get(AttemptRow, attempt_id)
            if row is not None and row.finished_at is None:
                row.finished_at = utc_now()

    def attempt(self, attempt_id: str) -> Attempt | None:
        with self.transaction() as session:
            row = session.get(AttemptRow, attempt_id)
            return to_attempt(row) if row is not None else None

    def attempt_owner(self, attempt_id: str) -> int | None:
        with self.transaction() as session:
            return session.scalar(select(AttemptRow.learner_id).where(AttemptRow.id == attempt_id))

    def unfinished_attempt(self, learner_id: int) -> Attempt | None:
        return self._latest(learner_id, finished=False)

    def abandon_attempt(self, attempt_id: str) -> None:
        """Set an unfinished attempt aside (the learner chose to start over); its answers are kept."""
        with self.transaction() as session:
            row = session.get(AttemptRow, attempt_id)
            if row is not None and row.finished_at is None:
                row.abandoned = True

    def attempts(self, learner_id: int, finished_only: bool = True) -> list[Attempt]:
        with self.transaction() as session:
            # One query for the attempts and one for all their responses, not one per attempt.
            query = (
                select(AttemptRow)
                .where(AttemptRow.learner_id == learner_id)
                .options(selectinload(AttemptRow.responses))
            )
            if finished_only:
                query = query.where(AttemptRow.finished_at.is_not(None), AttemptRow.abandoned.is_(False))
            rows = session.scalars(query.order_by(AttemptRow.started_at)).all()
            return [to_attempt(row) for row in rows]

    def latest_finished_attempt(self, learner_id: int) -> Attempt | None:
        return self._latest(learner_id, finished=True)

    def _latest(self, learner_id: int, finished: bool) -> Attempt | None:
        """The learner's most recent attempt that is finished (or still open), never one set aside."""
        state = AttemptRow.finished_at.is_not(None) if finished else AttemptRow.finished_at.is_(None)
        order = AttemptRow.finished_at if finished else AttemptRow.started_at
        with self.transaction() as session:
            row = session.scalar(
                select(AttemptRow)
                .where(AttemptRow.learner_id == learner_id, state, AttemptRow.abandoned.is_(False))
                .order_by(order.desc())
                .limit(1)
            )
            return to_attempt(row) if row is not None else None

    def seen_questions(self, learner_id: int) -> set[str]:
        with self.transaction() as session:
            rows = session.scalars(
                select(ResponseRow.question_id).join(AttemptRow).where(AttemptRow.learner_id == learner_id)
            ).all()
            return set(rows)


def import_attempts(store: Store, learner_id: int, attempts: list[Attempt]) -> tuple[int, int]:
    """Add checked attempts (`quiz.store.history_import.parse_export`) to `learner_id`; returns (imported, skipped).

    An attempt this learner already has (same id) is skipped, never duplicated. An id that belongs to
    another learner is imported under a new id: the file is this learner's history, and another
    learner's attempt is neither touched nor revealed. All or nothing: one transaction.
    """
    imported = skipped = 0
    with store.transaction() as session:
        rows = session.execute(
            select(AttemptRow.id, AttemptRow.learner_id).where(AttemptRow.id.in_([a.id for a in attempts]))
        )
        owners: dict[str, int] = {row[0]: row[1] for row in rows}
        for attempt in attempts:
            owner = owners.get(attempt.id)
            if owner == learner_id:
                skipped += 1
                continue
            if owner is not None:
                attempt = replace(attempt, id=str(uuid.uuid4()))
            session.add(restored_rows(learner_id, attempt))
            owners[attempt.id] = learner_id
            imported += 1
    return imported, skipped


def history_signature(store: Store, learner_id: int) -> tuple[int, str]:
    """A cheap fingerprint of a learner's finished attempts: it changes whenever the history does."""
    from sqlalchemy import func

    query = select(func.count(AttemptRow.id), func.max(AttemptRow.finished_at)).where(
        AttemptRow.learner_id == learner_id,
        AttemptRow.finished_at.is_not(None),
        AttemptRow.abandoned.is_(False),
    )
    with store.engine.connect() as connection:  # Core: this runs on every rerun of the progress page
        count, last = connection.execute(query).one()
    return int(count), str(last)

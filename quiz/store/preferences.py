"""What a learner chose once and finds again on any device: for now, their language."""

from __future__ import annotations

from sqlalchemy import select, update

from quiz.store.database import Store
from quiz.store.tables import LearnerRow


def learner_locale(store: Store, learner_id: int) -> str | None:
    """The language the learner picked, or None if they never did (then the browser's language counts)."""
    with store.transaction() as session:
        return session.scalar(select(LearnerRow.locale).where(LearnerRow.id == learner_id))


def remember_locale(store: Store, learner_id: int, locale: str) -> None:
    with store.transaction() as session:
        session.execute(update(LearnerRow).where(LearnerRow.id == learner_id).values(locale=locale))

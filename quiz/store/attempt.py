"""One attempt as the app sees it: its questions, and the answers given so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quiz.measure.assemble import Quiz


@dataclass(frozen=True)
class Response:
    question_id: str
    position: int
    chosen: tuple[str, ...]
    score: float
    confidence: str | None
    seconds: float | None
    answered_at: datetime

    @property
    def skipped(self) -> bool:
        return not self.chosen


@dataclass(frozen=True)
class Attempt:
    id: str
    quiz: Quiz
    started_at: datetime
    finished_at: datetime | None
    responses: tuple[Response, ...]
    abandoned: bool = False

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def answered(self) -> int:
        return len(self.responses)

    def response_for(self, question_id: str) -> Response | None:
        return next((r for r in self.responses if r.question_id == question_id), None)

    def next_position(self) -> int | None:
        """The first question not answered yet, or None when every question has an answer."""
        done = {response.question_id for response in self.responses}
        return next((i for i, item in enumerate(self.quiz.items) if item.question_id not in done), None)

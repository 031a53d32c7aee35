"""A learner's data out and back in: CSV for spreadsheets, JSON for moving history between machines.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) are prefixed with an apostrophe, so an exported file can never carry a formula.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from quiz.assemble import AssessmentSettings, Length, Quiz, QuizItem
from quiz.attempt import Attempt, Response
from quiz.bank import Bank

EXPORT_FORMAT = "devready-export"
EXPORT_VERSION = 1
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class InvalidExport(ValueError):
    """The file is not a DevReady export, or one of its fields is wrong; the message says where."""


def neutralise_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


CSV_COLUMNS = (
    "attempt_id",
    "started_at",
    "finished_at",
    "profile",
    "languages",
    "form",
    "position",
    "question_id",
    "skill",
    "chosen",
    "score",
    "confidence",
    "seconds",
    "answered_at",
)


def attempts_to_csv(attempts: list[Attempt], bank: Bank) -> str:
    """One row per response, with its attempt's context."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for attempt in attempts:
        settings = attempt.quiz.settings
        for response in attempt.responses:
            row = (
                attempt.id,
                attempt.started_at.isoformat(),
                attempt.finished_at.isoformat() if attempt.finished_at else "",
                settings.profile_id,
                " ".join(settings.languages),
                settings.form,
                response.position + 1,
                response.question_id,
                bank.question_skill.get(response.question_id, ""),
                " | ".join(response.chosen),
                response.score,
                response.confidence or "",
                response.seconds if response.seconds is not None else "",
                response.answered_at.isoformat(),
            )
            writer.writerow([neutralise_cell(value) for value in row])
    return buffer.getvalue()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseRecord(_Strict):
    question_id: str = Field(min_length=1, max_length=64)
    position: int = Field(ge=0, le=10_000)
    chosen: list[str]
    score: float = Field(ge=0.0, le=1.0)
    confidence: Literal["guess", "fairly_sure", "certain"] | None
    seconds: float | None = Field(default=None, ge=0.0)
    answered_at: datetime


class AttemptRecord(_Strict):
    id: str = Field(pattern=r"^[0-9a-f-]{36}$")
    profile_id: str = Field(min_length=1, max_length=64)
    languages: list[str]
    length: Length
    focus: list[str] = Field(default_factory=list)
    practice: bool = False
    adaptive: bool = False
    items: list[tuple[str, list[int]]]
    skills: list[str] = Field(default_factory=list)
    started_at: datetime
    finished_at: datetime | None
    abandoned: bool = False
    responses: list[ResponseRecord]


class ExportFile(_Strict):
    format: Literal["devready-export"]
    version: Literal[1]
    exported_at: datetime
    attempts: list[AttemptRecord]


def _record(attempt: Attempt) -> dict[str, Any]:
    settings = attempt.quiz.settings
    return {
        "id": attempt.id,
        "profile_id": settings.profile_id,
        "languages": list(settings.languages),
        "length": settings.length.value,
        "focus": list(settings.focus),
        "practice": settings.practice,
        "adaptive": settings.adaptive,
        "items": [[item.question_id, list(item.option_order)] for item in attempt.quiz.items],
        "skills": list(attempt.quiz.skills),
        "started_at": attempt.started_at.isoformat(),
        "finished_at": attempt.finished_at.isoformat() if attempt.finished_at else None,
        "abandoned": attempt.abandoned,
        "responses": [
            {
                "question_id": r.question_id,
                "position": r.position,
                "chosen": list(r.chosen),
                "score": r.score,
                "confidence": r.confidence,
                "seconds": r.seconds,
                "answered_at": r.answered_at.isoformat(),
            }
            for r in attempt.responses
        ],
    }


def attempts_to_json(attempts: list[Attempt]) -> str:
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "attempts": [_record(attempt) for attempt in attempts],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_export(data: bytes | str) -> list[Attempt]:
    """Validate an export fully before anything is written; raise InvalidExport naming the field."""
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidExport(f"not a JSON file: {error}") from error
    try:
        export = ExportFile.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"]) or "(file)"
        raise InvalidExport(f"{error.error_count()} problem(s); first at {where}: {first['msg']}") from error
    attempts = []
    for record in export.attempts:
        settings = AssessmentSettings(
            record.profile_id,
            tuple(record.languages),
            record.length,
            tuple(record.focus),
            record.practice,
            record.adaptive,
        )
        quiz = Quiz(settings, tuple(QuizItem(q, tuple(order)) for q, order in record.items), tuple(record.skills))
        responses = tuple(
            Response(
                r.question_id, r.position, tuple(r.chosen), r.score, r.confidence, r.seconds, _aware(r.answered_at)
            )
            for r in record.responses
        )
        finished = _aware(record.finished_at) if record.finished_at else None
        started = _aware(record.started_at)
        attempts.append(Attempt(record.id, quiz, started, finished, responses, record.abandoned))
    return attempts

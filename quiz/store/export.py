"""A learner's data out and back in: CSV for spreadsheets, JSON for moving history between machines.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a line
break, also after leading spaces, which spreadsheets skip) are prefixed with an apostrophe, so an
exported file can never carry a formula. Reading an export back in is `quiz.store.history_import`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from quiz.content.bank import Bank
from quiz.store.attempt import Attempt

EXPORT_FORMAT = "devready-export"
EXPORT_VERSION = 1
_FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")  # the full-width forms too
_CONTROL_STARTS = ("\t", "\r", "\n")
_SKIPPED_BY_SPREADSHEETS = " \t\r\n\u00a0\u3000"


def neutralise_cell(value: object) -> str:
    text = "" if value is None else str(value)
    formula = text.lstrip(_SKIPPED_BY_SPREADSHEETS).startswith(_FORMULA_STARTS)
    return "'" + text if formula or text.startswith(_CONTROL_STARTS) else text


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

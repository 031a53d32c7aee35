"""Exports: CSV that can never carry a formula, JSON that round-trips, imports that never duplicate."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.attempt import Attempt, Response
from quiz.bank import Bank
from quiz.export import InvalidExport, attempts_to_csv, attempts_to_json, neutralise_cell, parse_export
from quiz.store import Store, import_attempts

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _attempt(bank: Bank, chosen_text: str = "a", seed: int = 1) -> Attempt:
    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(seed))
    responses = tuple(
        Response(item.question_id, i, (chosen_text,), 0.0, "guess", 4.5, T0 + timedelta(minutes=i))
        for i, item in enumerate(quiz.items)
    )
    return Attempt(str(uuid.UUID(int=seed)), quiz, T0, T0 + timedelta(hours=1), responses)


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_that_start_like_a_formula_are_neutralised(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@given(st.text())
def test_no_exported_cell_can_start_a_formula(text: str) -> None:
    assert not neutralise_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_csv_has_one_row_per_response_and_no_formula(small_bank: Bank) -> None:
    attempt = _attempt(small_bank, chosen_text="=cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(attempts_to_csv([attempt], small_bank))))
    assert rows[0][:3] == ["attempt_id", "started_at", "finished_at"]
    assert len(rows) == 1 + len(attempt.responses)
    chosen = rows[1][rows[0].index("chosen")]
    assert chosen == "'=cmd|' /C calc'!A0"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_json_export_round_trips(small_bank: Bank) -> None:
    attempt = _attempt(small_bank)
    restored = parse_export(attempts_to_json([attempt]))
    assert restored == [attempt]


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: "not json", "not a JSON file"),
        (lambda d: {**d, "format": "other"}, "format"),
        (lambda d: {**d, "attempts": [{**d["attempts"][0], "id": "x"}]}, "attempts.0.id"),
        (
            lambda d: {**d, "attempts": [{**d["attempts"][0], "responses": [{"question_id": "q"}]}]},
            "attempts.0.responses.0",
        ),
    ],
)
def test_an_invalid_export_is_refused_with_the_field_named(small_bank: Bank, mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(attempts_to_json([_attempt(small_bank)]))
    broken = mangle(document)
    with pytest.raises(InvalidExport, match=message):
        parse_export(broken if isinstance(broken, str) else json.dumps(broken))


def test_importing_on_another_machine_restores_history_without_duplicates(tmp_path, small_bank: Bank) -> None:  # type: ignore[no-untyped-def]
    source = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    learner = source.learner_id()
    for seed in (1, 2):
        attempt_id = source.start_attempt(learner, _attempt(small_bank, seed=seed).quiz)
        source.record_answer(attempt_id, "sql-l3-0", 0, ["x"], 1.0, "certain", 3.0)
        source.finish_attempt(attempt_id)
    exported = attempts_to_json(source.attempts(learner, finished_only=False))

    target = Store.open(f"sqlite:///{tmp_path / 'b.db'}")
    other = target.learner_id()
    assert import_attempts(target, other, parse_export(exported)) == (2, 0)
    assert import_attempts(target, other, parse_export(exported)) == (0, 2)
    restored = target.attempts(other)
    assert [a.id for a in restored] == [a.id for a in source.attempts(learner)]
    assert restored[0].responses[0].chosen == ("x",)

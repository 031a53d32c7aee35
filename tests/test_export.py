"""Exports: CSV that can never carry a formula, JSON that round-trips, imports that never duplicate."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.content.bank import Bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.measure.scoring import score_answer
from quiz.store.attempt import Attempt, Response
from quiz.store.database import Store, import_attempts
from quiz.store.export import attempts_to_csv, attempts_to_json, neutralise_cell
from quiz.store.history_import import InvalidExport, parse_export

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _attempt(bank: Bank, chosen_text: str | None = None, seed: int = 1) -> Attempt:
    """A finished quick attempt; each answer picks the question's last option (or `chosen_text`)."""
    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(seed))
    responses = []
    for i, item in enumerate(quiz.items):
        question = bank.questions[item.question_id]
        chosen = (chosen_text or question.choices[-1].text,)
        score = score_answer(question, chosen)
        responses.append(Response(item.question_id, i, chosen, score, "guess", 4.5, T0 + timedelta(minutes=i)))
    return Attempt(str(uuid.UUID(int=seed)), quiz, T0, T0 + timedelta(hours=1), tuple(responses))


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1", " =1+1", "  @SUM(A1)", "\n=1", "＝1"]
)
def test_cells_that_start_like_a_formula_are_neutralised(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@given(st.text())
def test_no_exported_cell_can_start_a_formula(text: str) -> None:
    cell = neutralise_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert not cell.lstrip(" \t\r\n\u00a0\u3000").startswith(("=", "+", "-", "@"))


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
    restored = parse_export(attempts_to_json([attempt]), small_bank)
    assert restored == [attempt]


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: "not json", "not a JSON file"),
        (lambda d: {**d, "format": "other"}, "format"),
        (lambda d: {**d, "attempts": [{**d["attempts"][0], "id": "x"}]}, "attempt 1, id"),
        (
            lambda d: {**d, "attempts": [{**d["attempts"][0], "responses": [{"question_id": "q"}]}]},
            "attempt 1, answer 1, position",
        ),
    ],
)
def test_an_invalid_export_is_refused_with_the_field_named(small_bank: Bank, mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(attempts_to_json([_attempt(small_bank)]))
    broken = mangle(document)
    with pytest.raises(InvalidExport, match=message):
        parse_export(broken if isinstance(broken, str) else json.dumps(broken), small_bank)


def test_a_french_reader_is_told_in_french_what_is_wrong_and_where(small_bank: Bank) -> None:
    from quiz.messages import using_locale

    document = _first(_export_of(_attempt(small_bank)), profile_id="astronaut", languages=["cobol"])
    document["attempts"][0]["responses"][0].pop("answered_at")
    with using_locale("fr"), pytest.raises(InvalidExport) as refused:
        parse_export(json.dumps(document), small_bank)
    # The field keeps the name the file gives it; the words around it are French.
    assert str(refused.value).startswith("1 problème, rien n’a été importé\u00a0: ")
    assert "évaluation 1, réponse 1, answered_at\u00a0: un champ obligatoire manque" in str(refused.value)
    with using_locale("fr"), pytest.raises(InvalidExport) as refused:
        parse_export(json.dumps(_first(_export_of(_attempt(small_bank)), profile_id="astronaut")), small_bank)
    assert "évaluation 1" in str(refused.value) and "profile_id\u00a0: profil inconnu 'astronaut'" in str(refused.value)


def test_importing_on_another_machine_restores_history_without_duplicates(tmp_path, small_bank: Bank) -> None:  # type: ignore[no-untyped-def]
    source = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    learner = source.learner_id()
    for seed in (1, 2):
        attempt_id = source.start_attempt(learner, _attempt(small_bank, seed=seed).quiz)
        question_id = _attempt(small_bank, seed=seed).quiz.items[0].question_id
        first_option = small_bank.questions[question_id].choices[0].text
        source.record_answer(attempt_id, question_id, 0, [first_option], 1.0, "certain", 3.0)
        source.finish_attempt(attempt_id)
    exported = attempts_to_json(source.attempts(learner, finished_only=False))

    target = Store.open(f"sqlite:///{tmp_path / 'b.db'}")
    other = target.learner_id()
    assert import_attempts(target, other, parse_export(exported, small_bank)) == (2, 0)
    assert import_attempts(target, other, parse_export(exported, small_bank)) == (0, 2)
    restored = target.attempts(other)
    assert [a.id for a in restored] == [a.id for a in source.attempts(learner)]
    assert restored[0].responses[0].chosen == source.attempts(learner)[0].responses[0].chosen


def _export_of(attempt: Attempt) -> dict:  # type: ignore[type-arg]
    return json.loads(attempts_to_json([attempt]))


def _first(document: dict, **changes: object) -> dict:  # type: ignore[type-arg]
    return {**document, "attempts": [{**document["attempts"][0], **changes}, *document["attempts"][1:]]}


def _answer(document: dict, index: int, **changes: object) -> dict:  # type: ignore[type-arg]
    responses = [dict(r) for r in document["attempts"][0]["responses"]]
    responses[index].update(changes)
    return _first(document, responses=responses)


BAD_IMPORTS = {
    "unknown profile": (
        lambda d, options: _first(d, profile_id="astronaut"),
        "attempt 1 .*profile_id: unknown profile",
    ),
    "unknown language": (lambda d, options: _first(d, languages=["cobol"]), "languages: unknown language 'cobol'"),
    "option order out of range": (
        lambda d, options: _first(d, items=[[q, [7, 0, 1]] for q, _ in d["attempts"][0]["items"]]),
        "question 1, option order: not an order",
    ),
    "answer to a question not in the attempt": (
        lambda d, options: _answer(d, 0, question_id="not-in-this-attempt"),
        "answer 1, question_id: 'not-in-this-attempt' is not one of",
    ),
    "a question answered twice": (
        lambda d, options: _first(d, responses=[d["attempts"][0]["responses"][0]] * 2),
        "answer 2, question_id: .* is answered twice",
    ),
    "seconds: Infinity": (
        lambda d, options: json.dumps(_answer(d, 0, seconds=1)).replace('"seconds": 1', '"seconds": Infinity'),
        "Infinity",
    ),
    "a 5,000-digit number": (
        lambda d, options: json.dumps(_answer(d, 0, seconds=1)).replace('"seconds": 1', '"seconds": ' + "9" * 5000),
        "a number of 5000 characters",
    ),
    "deeply nested JSON": (lambda d, options: "[" * 100_000 + "]" * 100_000, "nested more than 8 levels"),
    "nested just past the limit": (lambda d, options: _first(d, focus=[[[[[["x"]]]]]]), "nested more than 8 levels"),
    "a 48 MiB string": (lambda d, options: _answer(d, 0, chosen=["x" * (48 * 1024 * 1024)]), "at most 8 MB"),
    "a long string in a field": (
        lambda d, options: _answer(d, 0, chosen=["x" * 5_000]),
        "answer 1, chosen, 0: String should have at most 2000",
    ),
    "a chosen text that is no option": (
        lambda d, options: _answer(d, 0, chosen=["![x](https://evil.example/p.png)"]),
        "not an option",
    ),
    "two answers to a single-choice question": (
        lambda d, options: _answer(d, 0, chosen=options[:2]),
        "takes one answer",
    ),
    "position that disagrees with the question": (lambda d, options: _answer(d, 0, position=3), "answer 1, position"),
    "finished before it started": (
        lambda d, options: _first(d, finished_at="2020-01-01T00:00:00+00:00"),
        "finished_at: before",
    ),
}


@pytest.mark.parametrize("case", list(BAD_IMPORTS))
def test_a_bad_import_is_refused_naming_the_fault_and_nothing_is_imported(
    case: str,
    small_bank: Bank,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    attempt = _attempt(small_bank)
    document = _export_of(attempt)
    first_question = small_bank.questions[attempt.quiz.items[0].question_id]
    mangle, message = BAD_IMPORTS[case]
    broken = mangle(document, [option.text for option in first_question.choices])
    text = broken if isinstance(broken, str) else json.dumps(broken)
    store = Store.open(f"sqlite:///{tmp_path / 'target.db'}")
    learner = store.learner_id()
    with pytest.raises(InvalidExport, match=message):
        import_attempts(store, learner, parse_export(text, small_bank))
    assert store.attempts(learner, finished_only=False) == []


def test_scores_are_recomputed_from_the_answers_never_taken_from_the_file(small_bank: Bank) -> None:
    attempt = _attempt(small_bank)  # every answer is the last option: wrong, or a scenario's 0 credit
    document = _export_of(attempt)
    forged = _first(document, responses=[{**r, "score": 1.0} for r in document["attempts"][0]["responses"]])
    (restored,) = parse_export(json.dumps(forged), small_bank)
    assert [r.score for r in restored.responses] == [r.score for r in attempt.responses]
    assert all(score == 0.0 for score in [r.score for r in restored.responses])


def test_a_question_since_removed_from_the_bank_is_kept_and_counts_as_skipped(small_bank: Bank) -> None:
    document = _export_of(_attempt(small_bank))
    items = document["attempts"][0]["items"]
    removed_id = items[0][0]
    items[0][0] = "retired-question"
    responses = document["attempts"][0]["responses"]
    responses[0] = {**responses[0], "question_id": "retired-question", "chosen": ["whatever it said"], "score": 1.0}
    (restored,) = parse_export(json.dumps(document), small_bank)
    assert restored.quiz.items[0].question_id == "retired-question" != removed_id
    assert restored.responses[0].score == 0.0


def test_an_attempt_id_that_belongs_to_another_learner_is_imported_under_a_new_id(
    small_bank: Bank,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'shared.db'}")
    ada, bob = store.learner_id("ada"), store.learner_id("bob")
    attempt = _attempt(small_bank)
    assert import_attempts(store, ada, [attempt]) == (1, 0)
    exported = attempts_to_json([attempt])
    assert import_attempts(store, bob, parse_export(exported, small_bank)) == (1, 0)
    (bobs,) = store.attempts(bob)
    assert bobs.id != attempt.id and bobs.responses == attempt.responses
    assert [a.id for a in store.attempts(ada)] == [attempt.id]  # Ada's attempt is untouched
    assert import_attempts(store, bob, [bobs]) == (0, 1)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)


@settings(deadline=None)  # the first example loads the bank
@given(JSON_VALUES)
def test_any_json_document_is_a_clear_refusal_never_a_crash(document: object) -> None:
    from tests.conftest import content, write_content

    bank = _SMALL_BANK.get("bank")
    if bank is None:
        import tempfile
        from pathlib import Path

        from quiz.content.bank import load_bank

        bank = _SMALL_BANK.setdefault("bank", load_bank(write_content(Path(tempfile.mkdtemp()) / "q", content())))
    try:
        parse_export(json.dumps(document), bank)
    except InvalidExport:
        pass


_SMALL_BANK: dict[str, Bank] = {}


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_any_field_of_a_valid_export_replaced_by_any_json_is_a_valid_import_or_a_clear_refusal(data) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import content, write_content

    bank = _SMALL_BANK.get("bank")
    if bank is None:
        import tempfile
        from pathlib import Path

        from quiz.content.bank import load_bank

        bank = _SMALL_BANK.setdefault("bank", load_bank(write_content(Path(tempfile.mkdtemp()) / "q", content())))
    document = _export_of(_attempt(bank))
    record = document["attempts"][0]
    if data.draw(st.booleans()):
        target = record
    else:
        target = record["responses"][data.draw(st.integers(0, len(record["responses"]) - 1))]
    key = data.draw(st.sampled_from(sorted(target)))
    target[key] = data.draw(JSON_VALUES)
    try:
        attempts = parse_export(json.dumps(document), bank)
    except InvalidExport:
        return
    (attempt,) = attempts
    for response in attempt.responses:
        question = bank.questions.get(response.question_id)
        expected = score_answer(question, response.chosen) if question is not None else 0.0
        assert response.score == expected

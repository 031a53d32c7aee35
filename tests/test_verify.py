"""Executable answer keys: each engine runs, a right key passes and a deliberately wrong key fails."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.content.bank import load_bank, read_edition
from quiz.content.models import Engine, Question
from quiz.content.verify import EngineUnavailable, format_rows, run_program, split_statements, verify_question
from tests.conftest import ci_requires, content, write_content

pytestmark = pytest.mark.slow


def _question(code: str, language: str, key: str, engines: list[str], **verify: Any) -> Question:
    return Question.model_validate(
        {
            "id": "probe",
            "kind": "code",
            "difficulty": 2,
            "prompt": "What does this print?",
            "language": language,
            "code": code,
            "options": [{"text": key, "correct": True}, {"text": "something else"}],
            "explanation": f"It prints {key}.",
            "reference": {"title": "docs"},
            "verify": {"engines": engines, **verify},
        }
    )


PROGRAMS = {
    "python": ("print(sum([1, 2, 3]))", "python"),
    "node": ("console.log([1, 2, 3].reduce((a, b) => a + b, 0))", "javascript"),
    "php": ("<?php echo array_sum([1, 2, 3]), PHP_EOL;", "php"),
    "ruby": ("puts [1, 2, 3].sum", "ruby"),
    "java": (
        "public class Main { public static void main(String[] a) { System.out.println(1 + 2 + 3); } }",
        "java",
    ),
}
COMMANDS = {"python": "python3", "node": "node", "php": "php", "ruby": "ruby", "java": "java"}


def _require(engine: str) -> None:
    if engine in COMMANDS and shutil.which(COMMANDS[engine]) is None:
        ci_requires(f"the {engine} interpreter (make test installs it from Debian's packages)")


@pytest.mark.parametrize("engine", sorted(PROGRAMS))
def test_a_right_key_passes_in_the_real_interpreter(engine: str) -> None:
    _require(engine)
    code, language = PROGRAMS[engine]
    outcomes = verify_question(_question(code, language, "6", [engine]))
    assert [(o.passed, o.detail) for o in outcomes] == [(True, "printed '6'")]


@pytest.mark.parametrize("engine", sorted(PROGRAMS))
def test_a_deliberately_wrong_key_fails(engine: str) -> None:
    _require(engine)
    code, language = PROGRAMS[engine]
    outcomes = verify_question(_question(code, language, "7", [engine]))
    assert [o.passed for o in outcomes] == [False]
    assert "key says '7'" in outcomes[0].detail


def test_sql_runs_in_sqlite_and_postgres_and_prints_rows() -> None:
    code = (
        "CREATE TABLE t (n INTEGER, s TEXT); INSERT INTO t VALUES (2, 'b'), (1, NULL); SELECT n, s FROM t ORDER BY n;"
    )
    question = _question(code, "sql", "1, NULL; 2, b", ["sqlite", "postgres"])
    outcomes = verify_question(question)
    if any("engine unavailable" in o.detail for o in outcomes):
        ci_requires("PostgreSQL on 127.0.0.1:5432")
    assert [(o.engine, o.passed) for o in outcomes] == [(Engine.SQLITE, True), (Engine.POSTGRES, True)]


def test_git_sequences_are_replayed_in_a_temporary_repository() -> None:
    script = "git init -q r && cd r\ngit commit -q --allow-empty -m one\ngit commit -q --allow-empty -m two\ngit log --format=%s"
    assert verify_question(_question(script, "bash", "two one", ["git"]))[0].passed
    assert not verify_question(_question(script, "bash", "one two", ["git"]))[0].passed


def test_a_program_that_crashes_is_a_broken_key() -> None:
    outcome = verify_question(_question("raise SystemExit(3)", "python", "6", ["python"]))[0]
    assert not outcome.passed
    assert outcome.detail.startswith("program failed: exit 3")


def test_setup_runs_before_the_shown_code() -> None:
    question = _question("print(total)", "python", "6", ["python"], setup="total = 6")
    assert verify_question(question)[0].passed


def test_a_missing_interpreter_is_reported_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _: None)
    with pytest.raises(EngineUnavailable):
        run_program(Engine.RUBY, "puts 1")


def test_verify_command_fails_on_a_broken_key_in_the_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = content()
    files["python.yaml"]["questions"].append(
        {
            "id": "py-broken-key",
            "kind": "code",
            "difficulty": 2,
            "prompt": "What does this print?",
            "language": "python",
            "code": "print(2 ** 3)",
            "options": [{"text": "6", "correct": True}, {"text": "8"}],
            "explanation": "It prints 6.",
            "reference": {"title": "docs"},
            "verify": {"engines": "python"},
        }
    )
    folder = write_content(tmp_path, files)
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL py-broken-key [python] printed '8', key says '6'" in out


def test_every_executable_key_in_the_bank_is_right() -> None:
    bank = load_bank()
    failures = []
    for question in bank.questions.values():
        for outcome in verify_question(question):
            if not outcome.passed:
                failures.append(str(outcome))
    if any("engine unavailable" in failure for failure in failures):
        ci_requires("every engine of the executable keys: " + "; ".join(f for f in failures if "unavailable" in f))
    assert failures == []


def test_every_executable_key_of_the_french_edition_is_right() -> None:
    english = load_bank()
    french = read_edition("fr").bank
    if not french.questions:
        pytest.skip("no French edition in this checkout")
    failures = [
        str(outcome)
        for question_id, question in french.questions.items()
        for outcome in verify_question(question, english.questions.get(question_id))
        if not outcome.passed
    ]
    if any("engine unavailable" in failure for failure in failures):
        ci_requires("every engine of the executable keys: " + "; ".join(f for f in failures if "unavailable" in f))
    assert failures == []


def test_a_translated_key_is_checked_at_its_own_position() -> None:
    english = Question.model_validate(HARNESS_QUESTION)
    moved = dict(HARNESS_QUESTION, options=[{"text": "Affiche 8", "correct": True}, {"text": "Lève ValueError"}])
    kept = dict(HARNESS_QUESTION, options=[{"text": "Affiche 8"}, {"text": "Lève ValueError", "correct": True}])
    assert [outcome.passed for outcome in verify_question(Question.model_validate(kept), english)] == [True]
    assert [outcome.passed for outcome in verify_question(Question.model_validate(moved), english)] == [False]


HARNESS_QUESTION = {
    "id": "py-harness-key",
    "kind": "code",
    "difficulty": 2,
    "prompt": "What happens?",
    "language": "python",
    "code": "int('x')",
    "options": [{"text": "It prints 8"}, {"text": "It raises ValueError", "correct": True}],
    "explanation": "It raises ValueError: 'x' is not a number.",
    "reference": {"title": "docs"},
    "verify": {
        "engines": "python",
        "script": "try:\n    int('x')\n    print('It prints 8')\nexcept ValueError:\n    print('It raises ValueError')",
    },
}


@pytest.mark.parametrize(
    ("script", "statements"),
    [
        ("SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"]),
        ("SELECT 'a;b'; -- a comment; here\nSELECT 2;", ["SELECT 'a;b'", "SELECT 2"]),
        ("", []),
    ],
)
def test_sql_scripts_split_on_semicolons_outside_quotes_and_comments(script: str, statements: list[str]) -> None:
    assert split_statements(script) == statements


def test_sql_values_are_formatted_the_same_in_both_dialects() -> None:
    from decimal import Decimal

    assert format_rows([(2.5, Decimal("2.5000"), None, 3.0, True)]) == "2.5, 2.5, NULL, 3, true"

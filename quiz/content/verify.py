"""Executable answer keys: run a question's code in its real interpreter and compare with the key.

A question marks `verify: {engines: [...]}`; the program is `setup` + (`script` or the question's
`code`). Its output, with white space folded, must equal the text of the correct option with white
space folded (surrounding backticks ignored). SQL prints the rows of the last statement that
returns rows, a row's columns joined by ", " and rows by "; ", NULL as "NULL".
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from quiz.content.bank import Bank
from quiz.content.models import Engine, Question

TIMEOUT_S = 30
POSTGRES_URL = os.environ.get("DEVREADY_VERIFY_POSTGRES", "postgresql://127.0.0.1:5432/test")

_INTERPRETERS: dict[Engine, tuple[str, str]] = {
    Engine.PYTHON: ("python3", "main.py"),
    Engine.NODE: ("node", "main.js"),
    Engine.PHP: ("php", "main.php"),
    Engine.RUBY: ("ruby", "main.rb"),
    Engine.JAVA: ("java", "Main.java"),
}


class EngineUnavailable(Exception):
    """The interpreter or server an answer key needs is not on this machine."""


@dataclass(frozen=True)
class Outcome:
    question_id: str
    engine: Engine
    passed: bool
    detail: str

    def __str__(self) -> str:
        status = "ok  " if self.passed else "FAIL"
        return f"{status} {self.question_id} [{self.engine.value}] {self.detail}"


def fold(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text.startswith("`") and text.endswith("`"):
        text = text.strip("`")
    return " ".join(text.split())


def program_of(question: Question) -> str:
    assert question.verify is not None
    body = question.verify.script if question.verify.script is not None else (question.code or "")
    return f"{question.verify.setup}\n{body}" if question.verify.setup else body


def run_program(engine: Engine, program: str) -> str:
    """Run `program` on `engine` and return what it printed."""
    if engine in _INTERPRETERS:
        return _run_interpreter(engine, program)
    if engine is Engine.SQLITE:
        return format_rows(_run_sqlite(program))
    if engine is Engine.POSTGRES:
        return format_rows(_run_postgres(program))
    return _run_git(program)


def expected_texts(question: Question, english: Question | None = None) -> list[str]:
    """What the program must print for the key to be right, white space folded.

    A translated question runs the English program. When that program is the question's own code,
    the key is its output and stays byte-identical in every edition. When it is a harness `script`
    that prints a sentence describing the outcome ("It throws …"), the sentence is English: the
    translated key is checked at its own positions against the English options there, so a key that
    moved in translation fails here as it does in `quiz check`.
    """
    if english is None or question.verify is None or question.verify.script is None:
        return [fold(text) for text in question.correct_texts]
    english_choices = english.choices
    return [
        fold(english_choices[index].text)
        for index, option in enumerate(question.choices)
        if option.score == 1.0 and index < len(english_choices)
    ]


def verify_question(question: Question, english: Question | None = None) -> list[Outcome]:
    """Run the question's program on each engine and compare with its key (see `expected_texts`)."""
    if question.verify is None:
        return []
    expected = expected_texts(question, english)
    outcomes = []
    for engine in question.verify.engines:
        try:
            printed = fold(_printed(engine, program_of(question)))
        except EngineUnavailable as error:
            outcomes.append(Outcome(question.id, engine, False, f"engine unavailable: {error}"))
            continue
        except Exception as error:  # a broken program is a broken key: report it, keep going
            outcomes.append(Outcome(question.id, engine, False, f"program failed: {error}"))
            continue
        if printed in expected:
            outcomes.append(Outcome(question.id, engine, True, f"printed {printed!r}"))
        else:
            shown = expected[0] if expected else "(no key)"
            outcomes.append(Outcome(question.id, engine, False, f"printed {printed!r}, key says {shown!r}"))
    return outcomes


# Two editions run the same programs: each is run once per process, then its output is reused.
_OUTPUTS: dict[tuple[Engine, str], str] = {}


def _printed(engine: Engine, program: str) -> str:
    if (engine, program) not in _OUTPUTS:
        _OUTPUTS[engine, program] = run_program(engine, program)
    return _OUTPUTS[engine, program]


def verify_bank(bank: Bank, only: Sequence[str] | None = None, english: Bank | None = None) -> Iterable[Outcome]:
    """Every executable key of `bank`; for a translated edition, pass the English bank it mirrors."""
    for question_id, question in bank.questions.items():
        if question.verify is None:
            continue
        if only and question_id not in only and bank.question_skill[question_id] not in only:
            continue
        yield from verify_question(question, english.questions.get(question_id) if english else None)


def _run_interpreter(engine: Engine, program: str) -> str:
    command, filename = _INTERPRETERS[engine]
    if shutil.which(command) is None:
        raise EngineUnavailable(f"{command} is not installed")
    with tempfile.TemporaryDirectory(prefix="devready-verify-") as workdir:
        source = Path(workdir) / filename
        source.write_text(program, encoding="utf-8")
        argv = [command, "-I", filename] if engine is Engine.PYTHON else [command, filename]
        completed = subprocess.run(
            argv, cwd=workdir, capture_output=True, text=True, timeout=TIMEOUT_S, env=_clean_env(), check=False
        )
    if completed.returncode != 0:
        raise RuntimeError(f"exit {completed.returncode}: {completed.stderr.strip()[-400:]}")
    return completed.stdout


def _run_git(program: str) -> str:
    if shutil.which("git") is None:
        raise EngineUnavailable("git is not installed")
    with tempfile.TemporaryDirectory(prefix="devready-git-") as workdir:
        env = {
            **_clean_env(),
            "HOME": workdir,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada",
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada",
            "GIT_COMMITTER_EMAIL": "ada@example.com",
        }
        # Stock defaults (a new repository's branch is master unless the script says `-b main`), so a
        # learner who replays a prompt gets what the verifier got; only the detached-HEAD advice is muted.
        config = "git config --global advice.detachedHead false\n"
        completed = subprocess.run(
            ["bash", "-e", "-c", config + program],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            env=env,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"exit {completed.returncode}: {completed.stderr.strip()[-400:]}")
    return completed.stdout


def _clean_env() -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "JAVA_HOME", "SYSTEMROOT")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    return env


def split_statements(script: str) -> list[str]:
    """Split SQL on semicolons that are outside quotes and comments."""
    statements, current, quote = [], [], ""
    index = 0
    while index < len(script):
        char = script[index]
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
            current.append(char)
        elif script.startswith("--", index):
            end = script.find("\n", index)
            index = len(script) if end == -1 else end
            continue
        elif char == ";":
            statements.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    statements.append("".join(current).strip())
    return [statement for statement in statements if statement]


Rows = list[tuple[object, ...]]


def _run_sqlite(program: str) -> Rows:
    connection = sqlite3.connect(":memory:")
    try:
        last: Rows = []
        for statement in split_statements(program):
            cursor = connection.execute(statement)
            if cursor.description is not None:
                last = cursor.fetchall()
        return last
    finally:
        connection.close()


def _run_postgres(program: str) -> Rows:
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - psycopg is in the requirements
        raise EngineUnavailable("psycopg is not installed") from error
    schema = f"verify_{uuid.uuid4().hex[:12]}"
    try:
        connection = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise EngineUnavailable(f"no PostgreSQL server at {POSTGRES_URL}: {error}") from error
    with connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        try:
            connection.execute(f'SET search_path TO "{schema}"')
            last: Rows = []
            for statement in split_statements(program):
                cursor = connection.execute(statement.encode())  # bytes: no client-side placeholders
                if cursor.description is not None:
                    last = cursor.fetchall()
            return last
        finally:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _format_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.quantize(Decimal("0.000001")).normalize(), "f")
    return str(value)


def format_rows(rows: Rows) -> str:
    return "; ".join(", ".join(_format_value(value) for value in row) for row in rows)

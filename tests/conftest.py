"""Shared fixtures: a small, valid content folder written from plain dicts, and fresh stores."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import yaml

from quiz.content.bank import Bank, load_bank
from quiz.store.database import Store
from tests.diagnostics import add_diagnostics

# Tests parse YAML afresh unless a test turns the on-disk cache on itself.
os.environ.setdefault("DEVREADY_CACHE_DIR", "off")

SKILLS = [
    {"id": "python", "name": "Python", "category": "languages", "description": "Back-end Python."},
    {"id": "java", "name": "Java", "category": "languages", "description": "Back-end Java."},
    {"id": "sql", "name": "SQL", "category": "databases", "description": "Querying relational data."},
    {"id": "git", "name": "Git", "category": "tooling", "description": "Version control."},
    {"id": "teamwork", "name": "Teamwork", "category": "soft skills", "description": "Working with others."},
]
SALARY = {
    "low": 33000,
    "high": 45000,
    "region": "France",
    "source": "French recruitment guide for back-end developers",
    "published": "2025-02-01",
}


def question(qid: str, difficulty: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": qid,
        "kind": "single",
        "difficulty": difficulty,
        # The id in the prompt keeps prompts distinct (no near-duplicates); written with underscores, it
        # shares no word with the options, so a test's own distractors never make the key echo the prompt.
        "prompt": f"Which statement about topic {qid.replace('-', '_')} holds?",
        "options": [
            {"text": f"right answer {qid}", "correct": True},
            {"text": f"wrong answer one {qid}"},
            {"text": f"wrong answer two {qid}"},
        ],
        "explanation": f"The right answer {qid} holds because of the rule.",
        "reference": {"title": "Official docs", "url": "https://docs.python.org/3/"},
    }
    body.update(overrides)
    return body


def questions_for(prefix: str, per_level: int = 3) -> list[dict[str, Any]]:
    return [question(f"{prefix}-l{level}-{n}", level) for level in range(1, 6) for n in range(per_level)]


def module(mid: str, skill: str, level: int, prerequisites: list[str] | None = None, hours: int = 10) -> dict[str, Any]:
    return {
        "id": mid,
        "skill": skill,
        "title": f"Module {mid}",
        "level": level,
        "hours": hours,
        "prerequisites": prerequisites or [],
        "resources": [{"kind": "documentation", "title": "Docs", "url": "https://example.org/docs", "free": True}],
        "project": f"Build something for {mid}",
    }


def content() -> dict[str, Any]:
    """The files of a small valid bank, as plain data, so a test can break one field."""
    return {
        "skills.yaml": {"skills": SKILLS},
        "profiles.yaml": {
            "profiles": [
                {
                    "id": "junior",
                    "title": "Junior back-end developer",
                    "description": "First job.",
                    "targets": {
                        "sql": {"level": 3, "weight": 3},
                        "git": {"level": 3, "weight": 2},
                        "teamwork": {"level": 2, "weight": 1},
                    },
                    "language_target": {"level": 3, "weight": 3},
                    "salary": SALARY,
                }
            ],
            "career_paths": [
                {
                    "id": "tech-lead",
                    "title": "Tech lead",
                    "description": "Leads a team.",
                    "from_profile": "junior",
                    "kind": "lead",
                }
            ],
        },
        "training.yaml": {
            "modules": [
                module("sql-basics", "sql", 2),
                module("sql-joins", "sql", 3, ["sql-basics"]),
                module("sql-tuning", "sql", 4, ["sql-joins"]),
                module("git-basics", "git", 2),
                module("git-branching", "git", 3, ["git-basics"]),
                module("python-basics", "python", 2),
                module("python-web", "python", 3, ["python-basics", "sql-basics"]),
                module("java-basics", "java", 2),
                module("java-web", "java", 3, ["java-basics"]),
                module("team-basics", "teamwork", 2),
                module("team-review", "teamwork", 3, ["team-basics"]),
            ]
        },
        "python.yaml": {"skill": "python", "questions": questions_for("py")},
        "java.yaml": {"skill": "java", "questions": questions_for("java")},
        "sql.yaml": {"skill": "sql", "questions": questions_for("sql")},
        "git.yaml": {"skill": "git", "questions": questions_for("git")},
        "teamwork.yaml": {
            "skill": "teamwork",
            "questions": [
                question(
                    f"team-l{level}-{n}",
                    level,
                    kind="scenario",
                    options=[
                        {"text": f"best move {level}-{n}", "credit": 1.0},
                        {"text": f"half move {level}-{n}", "credit": 0.5},
                        {"text": f"poor move {level}-{n}", "credit": 0.0},
                    ],
                    explanation=f"The best move {level}-{n} gets the facts first.",
                )
                for level in range(1, 6)
                for n in range(3)
            ],
        },
    }


def write_content(folder: Path, files: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return write_content(tmp_path / "questions", content())


@pytest.fixture
def small_bank(content_dir: Path) -> Bank:
    return load_bank(content_dir)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("DEVREADY_DATA_DIR", str(folder))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    yield folder


def ci_requires(what: str) -> None:
    """Skip loudly on a laptop without `what`; fail under CI, where it must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true")
    pytest.skip(f"SKIPPED LOUDLY: {what} is not available on this machine")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and report.when == "call":
        add_diagnostics(item, report)
    return report


POSTGRES_URL = os.environ.get("DEVREADY_TEST_POSTGRES", "postgresql+psycopg://127.0.0.1:5432/test")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'devready.db'}")


@pytest.fixture
def postgres_store() -> Iterator[Store]:
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # no server: skip loudly, or fail under CI
        admin.dispose()
        ci_requires(f"PostgreSQL at {POSTGRES_URL} ({type(error).__name__})")
    store = Store.open(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def files_built_on_click() -> Iterator[dict[str, Callable[[], object]]]:
    """What each download button would build when clicked, by file name, as Streamlit's media manager
    receives it."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    built: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def record(manager: MediaFileManager, build: Callable[[], Any], *args: Any, **kwargs: Any) -> str:
        built[str(kwargs.get("file_name") or args[2])] = build
        return register(manager, build, *args, **kwargs)

    with patch.object(MediaFileManager, "add_deferred", record):
        yield built


def click(build: Callable[[], object]) -> object:
    """Streamlit builds a clicked download in a worker thread, outside the session's script run."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(build).result()

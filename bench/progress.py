"""Progress page and answer storage speed, each beside its baseline, measured in one run.

`python bench/progress.py`:
1. seeds a learner with 500 finished attempts of 30 answers (15,000 responses) on SQLite, through the
   store's own import (the same rows the app writes);
2. times reruns (Streamlit AppTest) of the progress page beside reruns of a trivial one-widget page,
   interleaved so a busy machine slows both alike; target ratio <= 8;
3. times storing one answer through the app's store (`Store.record_answer`: one transaction, an
   upsert, a commit) beside a bare `INSERT` plus commit through the same driver (sqlite3) on the same
   database file with the same pragmas (WAL, synchronous=NORMAL); target ratio <= 3.

Last line: `ratio_progress_page=X ratio_store_answer=Y`. A report: it exits 0 even when a target is
missed, and says MISSED.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ATTEMPTS = 500
ANSWERS = 30
RERUNS = 30
STORE_SAMPLES = 300
TARGET_PROGRESS = 8.0
TARGET_STORE = 3.0


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def seed_history(store, bank, learner: int) -> int:  # type: ignore[no-untyped-def]
    from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
    from quiz.measure.scoring import score_answer
    from quiz.store.attempt import Attempt, Response
    from quiz.store.database import import_attempts

    rng = random.Random(7)
    settings = AssessmentSettings("junior", ("python",), Length.STANDARD)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    attempts = []
    for index in range(ATTEMPTS):
        quiz = assemble_quiz(bank, settings, rng=rng)
        when = start + timedelta(days=index)
        skill_bias = rng.random()
        responses = []
        for position, item in enumerate(quiz.items[:ANSWERS]):
            question = bank.questions[item.question_id]
            right = rng.random() < 0.3 + 0.5 * skill_bias * index / ATTEMPTS
            chosen = question.correct_texts[:1] if right else [question.choices[-1].text]
            responses.append(
                Response(
                    item.question_id, position, tuple(chosen), score_answer(question, chosen), "fairly_sure", 20.0, when
                )
            )
        attempts.append(
            Attempt(str(uuid.UUID(int=index + 1)), quiz, when, when + timedelta(minutes=20), tuple(responses))
        )
    imported, _ = import_attempts(store, learner, attempts)
    return sum(len(a.responses) for a in attempts[:imported])


def time_progress_page(trivial_script: Path) -> tuple[list[float], list[float], float]:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    started = time.perf_counter()
    app.switch_page("app_pages/progress.py").run()
    first_visit = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"the progress page raised {app.exception[0].value}")
    rows = len(app.dataframe[0].value)
    if rows != ATTEMPTS:
        raise RuntimeError(f"the progress table shows {rows} attempts, not {ATTEMPTS}")
    trivial = AppTest.from_file(str(trivial_script), default_timeout=60).run()
    for _ in range(3):  # warm-up
        app.run()
        trivial.run()
    page_samples, trivial_samples = [], []
    for index in range(RERUNS):
        pair = [(app, page_samples), (trivial, trivial_samples)]
        for test, samples in pair if index % 2 == 0 else pair[::-1]:
            started = time.perf_counter()
            test.run()
            samples.append(time.perf_counter() - started)
    return page_samples, trivial_samples, first_visit


def time_store_answer(store, bank, learner: int, database: Path) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz

    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.FULL), rng=random.Random(1))
    bare = sqlite3.connect(database)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=NORMAL")
    bare.execute("PRAGMA busy_timeout=10000")
    # The baseline table has the same columns, unique constraint and index as `responses`, so both sides
    # maintain the same B-trees; only the path from Python to SQLite differs.
    bare.execute(
        "CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, attempt_id TEXT, question_id TEXT, position INTEGER, "
        "chosen TEXT, score REAL, confidence TEXT, seconds REAL, answered_at TEXT, UNIQUE (attempt_id, question_id))"
    )
    bare.execute("CREATE INDEX bench_bare_attempt ON bench_bare (attempt_id)")
    bare.commit()
    store_samples, bare_samples = [], []
    attempt_id = store.start_attempt(learner, quiz)
    items = list(quiz.items)
    for index in range(STORE_SAMPLES):
        if index and index % len(items) == 0:
            attempt_id = store.start_attempt(learner, quiz)
        item = items[index % len(items)]
        now = datetime.now(UTC).isoformat()
        args = (attempt_id, item.question_id, index % len(items))

        def through_store(args: tuple[str, str, int] = args) -> None:
            store.record_answer(*args, ["x"], 1.0, "certain", 3.0)

        def bare_insert(args: tuple[str, str, int] = args, now: str = now) -> None:
            bare.execute(
                "INSERT INTO bench_bare (attempt_id, question_id, position, chosen, score, confidence, seconds, "
                "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*args, '["x"]', 1.0, "certain", 3.0, now),
            )
            bare.commit()

        pair = [(through_store, store_samples), (bare_insert, bare_samples)]
        for action, samples in pair if index % 2 == 0 else pair[::-1]:
            started = time.perf_counter()
            action()
            samples.append(time.perf_counter() - started)
    bare.close()
    return store_samples[10:], bare_samples[10:]  # the first ones warm caches and compiled statements


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="devready-bench-progress-"))
    os.environ["DEVREADY_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("DEVREADY_MODE", None)
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    try:
        from quiz.content.bank import load_bank
        from quiz.store.database import LOCAL_LEARNER, Store

        bank = load_bank()
        store = Store.open()
        learner = store.learner_id(LOCAL_LEARNER)
        started = time.perf_counter()
        responses = seed_history(store, bank, learner)
        print(f"seeded {ATTEMPTS} attempts, {responses:,} responses in {time.perf_counter() - started:.1f} s")

        trivial_script = folder / "trivial.py"
        trivial_script.write_text('import streamlit as st\n\nst.button("Go")\n', encoding="utf-8")
        page, trivial, first_visit = time_progress_page(trivial_script)
        ratio_page = median(page) / median(trivial)
        print(f"{'':<46}{'median ms':>10}{'p90 ms':>10}{'ratio':>8}")
        p90 = lambda s: statistics.quantiles(s, n=10)[-1]  # noqa: E731
        print(
            f"{'trivial one-widget page (AppTest rerun)':<46}{median(trivial) * 1e3:>10.1f}{p90(trivial) * 1e3:>10.1f}{1:>8.2f}"
        )
        print(
            f"{'progress page, 500 attempts (AppTest rerun)':<46}{median(page) * 1e3:>10.1f}{p90(page) * 1e3:>10.1f}{ratio_page:>8.2f}"
        )
        print(f"first visit of the progress page (history computed and cached): {first_visit:.2f} s")

        database = folder / "devready.db"
        stored, bare = time_store_answer(store, bank, learner, database)
        ratio_store = median(stored) / median(bare)
        print(
            f"{'bare INSERT + commit (sqlite3, same file)':<46}{median(bare) * 1e3:>10.3f}{p90(bare) * 1e3:>10.3f}{1:>8.2f}"
        )
        print(
            f"{'Store.record_answer (SQLAlchemy upsert)':<46}{median(stored) * 1e3:>10.3f}{p90(stored) * 1e3:>10.3f}{ratio_store:>8.2f}"
        )
        print()
        for name, value, target in (
            ("progress page", ratio_page, TARGET_PROGRESS),
            ("store answer", ratio_store, TARGET_STORE),
        ):
            print(f"target {name} <= {target:g}x: {value:.2f}x {'met' if value <= target else 'MISSED'}")
        print(f"ratio_progress_page={ratio_page:.2f} ratio_store_answer={ratio_store:.2f}")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

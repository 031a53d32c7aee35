"""The instructor's dashboard for a cohort of 200 learners × 10 attempts, beside a trivial page.

`python bench/cohort.py [--learners 200] [--attempts 10]`:
1. seeds a hosted-mode SQLite database: one instructor, one junior cohort, `--learners` learners who
   joined and share, each with `--attempts` finished standard attempts (30 answers) spread over 10
   weeks, through the store's own import (the same rows the app writes);
2. opens the dashboard once (Streamlit AppTest) and reports that first visit, which scores every
   attempt once per process (a finished attempt never changes, so the scores are cached);
3. times reruns of the dashboard (its first part: the glance, the skills x learners heatmap and what to
   teach next) beside reruns of a trivial one-widget page, interleaved so a busy machine slows both
   alike; target ratio <= 10 (issue 13).

Last line: `ratio_cohort_page=X first_visit_s=Y`. A report: it exits 0 even when the target is missed,
and says MISSED.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RERUNS = 20
TARGET = 10.0
PASSWORD = "correct horse battery"


def seed(learners: int, attempts: int) -> str:
    """Returns the instructor's session token."""
    from quiz.content.bank import load_bank
    from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
    from quiz.measure.scoring import score_answer
    from quiz.store.accounts import sign_in, sign_up
    from quiz.store.attempt import Attempt, Response
    from quiz.store.cohorts import create_cohort, join_cohort, make_instructor
    from quiz.store.database import Store, import_attempts

    bank = load_bank()
    store = Store.open()
    sign_up(store, "instructor", PASSWORD)
    teacher = make_instructor(store, "instructor")
    today = datetime.now(UTC)
    cohort = create_cohort(
        store, teacher, "Bench cohort", "junior", ["python"], date.today() - timedelta(weeks=10), date.today()
    )
    assert cohort.invite_code is not None
    rng = random.Random(13)
    settings = AssessmentSettings("junior", ("python",), Length.STANDARD)
    for person in range(learners):
        learner = store.learner_id(f"learner{person:03d}")
        join_cohort(store, learner, cohort.invite_code)
        ability = rng.random()
        history = []
        for index in range(attempts):
            quiz = assemble_quiz(bank, settings, rng=rng)
            when = today - timedelta(days=7 * (attempts - index)) + timedelta(hours=rng.random() * 48)
            responses = []
            for position, item in enumerate(quiz.items):
                question = bank.questions[item.question_id]
                right = rng.random() < 0.25 + 0.5 * ability * (index + 1) / attempts
                chosen = question.correct_texts[:1] if right else [question.choices[-1].text]
                responses.append(
                    Response(
                        item.question_id, position, tuple(chosen), score_answer(question, chosen), None, 30.0, when
                    )
                )
            history.append(Attempt(str(uuid.uuid4()), quiz, when, when + timedelta(minutes=25), tuple(responses)))
        import_attempts(store, learner, history)
    return sign_in(store, "instructor", PASSWORD).token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--attempts", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="devready-cohort-bench-"))
    os.environ.update({"DEVREADY_DATA_DIR": str(folder / "data"), "DEVREADY_MODE": "hosted"})
    os.environ.pop("DATABASE_URL", None)
    try:
        from streamlit.testing.v1 import AppTest

        started = time.perf_counter()
        token = seed(args.learners, args.attempts)
        print(f"seeded {args.learners} learners x {args.attempts} attempts in {time.perf_counter() - started:.0f} s")
        trivial_script = folder / "trivial.py"
        trivial_script.write_text('import streamlit as st\nst.radio("Pick one", ["a", "b", "c"])\n')
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        app.session_state["session_token"] = token
        app.run()
        started = time.perf_counter()
        app.switch_page("app_pages/dashboard.py").run()
        first = time.perf_counter() - started
        if app.exception:
            raise RuntimeError(f"the dashboard raised {app.exception[0].value}")
        sharing = next((m.value for m in app.metric if m.label == "Sharing learners"), None)
        if sharing != str(args.learners):
            raise RuntimeError(f"the dashboard counts {sharing} sharing learners, not {args.learners}")
        trivial = AppTest.from_file(str(trivial_script), default_timeout=60).run()
        for _ in range(2):
            app.run()
            trivial.run()
        page, base = [], []
        for index in range(RERUNS):
            pair = [(app, page), (trivial, base)]
            for test, samples in pair if index % 2 == 0 else pair[::-1]:
                started = time.perf_counter()
                test.run()
                samples.append(time.perf_counter() - started)
        ratio = statistics.median(page) / statistics.median(base)
        print(f"{'':<44}{'median ms':>10}{'ratio':>8}")
        print(f"{'trivial one-widget page (baseline)':<44}{statistics.median(base) * 1e3:>10.1f}{1.0:>8.2f}")
        print(
            f"{f'dashboard, {args.learners} x {args.attempts} (rerun)':<44}{statistics.median(page) * 1e3:>10.1f}{ratio:>8.2f}"
        )
        print(f"first visit (scores every attempt once): {first:.1f} s")
        print(f"target ratio_cohort_page <= {TARGET:g}: {'met' if ratio <= TARGET else 'MISSED'}")
        print(f"ratio_cohort_page={ratio:.2f} first_visit_s={first:.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

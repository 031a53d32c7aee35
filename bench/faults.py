"""Faults under load: an app process killed in the middle of 50 learners' assessments, and double submits.

Through nginx with 2 app processes on a PostgreSQL database of its own (deploy/cluster.sh):
  1. 50 simulated learners (bench/streamlit_client.py) sign in and take a quick assessment, a few
     seconds between answers. Mid-way, app process 1 is killed with SIGKILL. A learner whose page
     loses its connection does what the browser does: it reconnects through nginx (now to the
     survivor), finds the attempt on Start ("Resume"), and finishes it. Every answer acknowledged to
     a learner is then looked up in the database, and every attempt must be finished and open its
     Results page.
  2. One learner in two tabs submits the same question in both at once, then again on a retried
     message: one answer is stored for that question, and neither tab shows an error.
(The database going away for 10 s is tests/test_database_outage.py, on a PostgreSQL of its own.)

    .venv/bin/python bench/faults.py

Last line: sigkill_lost=L unfinished=U results_failed=R double_submit_rows=D errors=E
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    answer_states,
    bench_session,
    cluster,
    fresh_database,
    running_cluster,
    sign_in,
    stored_answers,
)
from bench.streamlit_client import ProtocolError, StreamlitClient, choose, trigger  # noqa: E402

BASE = "http://127.0.0.1:8700"
LEARNERS = 50
THINK_S = 3.0


async def open_page(cookie: str) -> StreamlitClient:
    client = StreamlitClient(BASE, cookie)
    await client.connect()
    await client.rerun()
    return client


async def learner(name: str, acknowledged: dict[str, int], reconnects: list[str], errors: list[str]) -> None:
    cookie = await sign_in(BASE, name)
    client = await open_page(cookie)
    length_id, length = client.page.widget("length")
    start_id = next(w for w in client.page.widgets if "FormSubmitter:settings" in w)
    await client.rerun([choose(length_id, length.options[0]), trigger(start_id)])
    while True:
        try:
            if not client.page.has("confidence-"):
                break
            await asyncio.sleep(THINK_S * random.uniform(0.5, 1.5))
            await client.rerun(answer_states(client))
            acknowledged[name] = acknowledged.get(name, 0) + 1
        except (ProtocolError, OSError, TimeoutError) as error:
            # The connection died with its process: reconnect as the browser does, and resume.
            reconnects.append(f"{name}: {error}"[:120])
            await client.close()
            for attempt in range(30):
                try:
                    client = await open_page(cookie)
                    break
                except (ProtocolError, OSError, TimeoutError):
                    await asyncio.sleep(0.5 + attempt * 0.2)
            if client.page.has("resume"):
                resume_id, _ = client.page.widget("resume")
                await client.rerun([trigger(resume_id)])
            else:
                errors.append(f"{name}: no attempt to resume after reconnecting")
                return
    try:
        await client.rerun(page="results")
    except ProtocolError as error:
        errors.append(f"{name}: results page failed: {error}")
    finally:
        await client.close()


async def sigkill_scenario(run_dir: Path) -> tuple[dict[str, int], list[str], list[str]]:
    acknowledged: dict[str, int] = {}
    reconnects: list[str] = []
    errors: list[str] = []
    tasks = [asyncio.create_task(learner(f"load-{i:04d}", acknowledged, reconnects, errors)) for i in range(LEARNERS)]
    # Mid-way: every learner has started and answered a few questions.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and sum(acknowledged.values()) < LEARNERS * 5:
        await asyncio.sleep(0.5)
    print(f"  {sum(acknowledged.values())} answers acknowledged; killing app process 1 with SIGKILL", flush=True)
    cluster_kill(run_dir)
    done, pending = await asyncio.wait(tasks, timeout=600)
    for task in done:
        if task.exception() is not None:
            errors.append(f"learner failed: {task.exception()!r}"[:200])
    for task in pending:
        task.cancel()
        errors.append("a learner did not finish within 10 minutes")
    return acknowledged, reconnects, errors


def cluster_kill(run_dir: Path) -> None:
    env = {**os.environ, "DEVREADY_CLUSTER_DIR": str(run_dir), "DEVREADY_PROCESSES": "2"}
    subprocess.run(["bash", str(ROOT / "deploy" / "cluster.sh"), "kill", "1"], env=env, check=True)


async def double_submit() -> tuple[int, list[str]]:
    """Two tabs of one learner on the same question submit at once, then one of them again."""
    errors: list[str] = []
    cookie = await sign_in(BASE, f"load-{LEARNERS:04d}")
    first = await open_page(cookie)
    length_id, length = first.page.widget("length")
    start_id = next(w for w in first.page.widgets if "FormSubmitter:settings" in w)
    await first.rerun([choose(length_id, length.options[0]), trigger(start_id)])
    second = await open_page(cookie)
    resume_id, _ = second.page.widget("resume")
    await second.rerun([trigger(resume_id)])
    states_first, states_second = answer_states(first), answer_states(second)
    for outcome in await asyncio.gather(first.rerun(states_first), second.rerun(states_second), return_exceptions=True):
        if isinstance(outcome, BaseException):
            errors.append(f"a tab failed: {outcome!r}")
    try:
        await second.rerun(states_second)  # the same message again, as a retried send would be
    except ProtocolError as error:
        errors.append(f"the retried message failed: {error}")
    await first.close()
    await second.close()
    return stored_rows_of_first_question(f"load-{LEARNERS:04d}"), errors


def stored_rows_of_first_question(name: str) -> int:
    from sqlalchemy import func, select

    from quiz.store.tables import AttemptRow, LearnerRow, ResponseRow

    with bench_session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(ResponseRow)
            .join(AttemptRow, AttemptRow.id == ResponseRow.attempt_id)
            .join(LearnerRow, LearnerRow.id == AttemptRow.learner_id)
            .where(LearnerRow.name == name, ResponseRow.position == 0)
        )
    return int(count or 0)


def unfinished_attempts() -> int:
    from sqlalchemy import func, select

    from quiz.store.tables import AttemptRow, LearnerRow

    with bench_session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(AttemptRow)
            .join(LearnerRow, LearnerRow.id == AttemptRow.learner_id)
            .where(LearnerRow.name < f"load-{LEARNERS:04d}", AttemptRow.finished_at.is_(None))
        )
    return int(count or 0)


def main() -> int:
    run_dir = Path(os.environ.get("DEVREADY_LOAD_DIR", "/tmp/devready-faults"))
    fresh_database(LEARNERS + 1)
    with running_cluster(2, "serve.py", run_dir):
        print(f"1. {LEARNERS} learners, 2 app processes behind nginx; one process killed mid-way", flush=True)
        acknowledged, reconnects, errors = asyncio.run(sigkill_scenario(run_dir))
        stored = stored_answers()
        lost = sum(max(0, count - stored.get(name, 0)) for name, count in acknowledged.items())
        unfinished = unfinished_attempts()
        results_failed = sum("results page failed" in error for error in errors)
        print(
            f"  {len(reconnects)} learners reconnected to the survivor; answers acknowledged"
            f" {sum(acknowledged.values())}, stored {sum(stored.values())}, lost {lost}; unfinished attempts {unfinished}"
        )
        for error in errors[:5]:
            print(f"  {error}")
        cluster("start", 2, "serve.py", run_dir)  # the killed process back, for the next scenario
        print("2. one learner, two tabs, the same question submitted in both and retried", flush=True)
        rows, double_errors = asyncio.run(double_submit())
        print(f"  rows stored for that question: {rows}; errors: {double_errors or 'none'}")
    print(
        f"sigkill_lost={lost} unfinished={unfinished} results_failed={results_failed} "
        f"double_submit_rows={rows} errors={len(errors) - results_failed + len(double_errors)}"
    )
    return 0 if lost == 0 and unfinished == 0 and rows == 1 and not errors and not double_errors else 1


if __name__ == "__main__":
    sys.exit(main())

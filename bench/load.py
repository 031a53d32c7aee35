"""How many learners at once: simulated learners over Streamlit's WebSocket protocol, through nginx.

Each simulated learner signs in to hosted mode (the sign-in form, then the session cookie), starts a
quick assessment, answers every question after a think time (20 s, jittered, a quick reader),
opens Results, goes back to Start and begins again. Learners join in steps (25, 50, 100, ...); each
step is measured over a window that starts once every learner of the step has answered at least
once. A set-up "holds" a step when the answer round trip's p95 in its window is at most 1 s.

In one run, through nginx (deploy/cluster.sh) on a PostgreSQL database of its own:
  1. DevReady on 1 app process, 2. DevReady on 2 app processes, 3. the trivial one-form page
  (bench/trivial_app.py) on 1 process with the same think time: the baseline of what Streamlit
  itself holds on this machine, measured in the same run (these machines are noisy: ratios count).
Then every answer acknowledged to a learner is looked up in the database.

    .venv/bin/python bench/load.py [--think 20] [--quick]

Last line: learners_1proc=A learners_2proc=B scale_2v1=S capacity_vs_trivial=T p95_s_at_100=P lost=L
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.orm import Session
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.streamlit_client import ProtocolError, StreamlitClient, choose, tick, trigger  # noqa: E402

PASSWORD = "load-test password 42"
P95_LIMIT_S = 1.0
# Learners spend part of a cycle on Results and Start, and a step's window opens while its last learners
# are still on their first question: 60% of one answer per think time is what a served step delivers.
MIN_SERVED = 0.6
DATABASE = "devready_load"
DATABASE_URL = f"postgresql+psycopg://127.0.0.1:5432/{DATABASE}"


@dataclass
class Tally:
    """Every round trip, with when it ended and how many learners were running then."""

    answers: list[tuple[float, float]] = field(default_factory=list)  # (ended at, seconds)
    pages: list[tuple[float, float]] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # learner name -> answers acknowledged
    errors: list[str] = field(default_factory=list)
    first_answer: dict[str, float] = field(default_factory=dict)

    def window(self, start: float, end: float) -> list[float]:
        return [seconds for ended, seconds in self.answers if start <= ended < end]

    def page_window(self, start: float, end: float) -> list[float]:
        return [seconds for ended, seconds in self.pages if start <= ended < end]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 2 else (values[0] if values else float("nan"))


# ---------------------------------------------------------------- what a learner does


async def sign_in(base: str, name: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        response = await http.post(
            "/session/sign-in", data={"name": name, "password": PASSWORD, "next": "/"}, headers={"Origin": base}
        )
        token = response.cookies.get("devready_session")
        if token is None:
            raise ProtocolError(f"sign-in of {name} failed with HTTP {response.status_code}")
        # nginx's affinity cookie, as a browser keeps it: the learner's page then sticks to one process.
        affinity = response.cookies.get("devready_affinity")
        return f"devready_session={token}" + (f"; devready_affinity={affinity}" if affinity else "")


def answer_states(client: StreamlitClient) -> list[WidgetState]:
    """A random answer to the question on screen, a random confidence, and the submit."""
    states = []
    choices = client.page.find("choice-")
    if choices:
        choice_id, radio = choices[0]
        states.append(choose(choice_id, random.choice(list(radio.options))))
    else:
        states.append(tick(random.choice(client.page.find("opt-"))[0]))
    confidence_id, confidence = client.page.find("confidence-")[0]
    states.append(choose(confidence_id, random.choice(list(confidence.options))))
    submit = next(w for w in client.page.widgets if "FormSubmitter:answer-" in w and w.endswith("Submit answer"))
    return [*states, trigger(submit)]


async def devready_learner(base: str, name: str, think: float, tally: Tally, stop: asyncio.Event) -> None:
    client = StreamlitClient(base, await sign_in(base, name))
    await client.connect()
    try:
        tally.pages.append((time.monotonic(), await client.rerun()))
        while not stop.is_set():
            length_id, length = client.page.widget("length")
            start_id = next(w for w in client.page.widgets if "FormSubmitter:settings" in w)
            tally.pages.append(
                (time.monotonic(), await client.rerun([choose(length_id, length.options[0]), trigger(start_id)]))
            )
            while client.page.has("confidence-") and not stop.is_set():
                await asyncio.sleep(think * random.uniform(0.75, 1.25))
                seconds = await client.rerun(answer_states(client))
                tally.answers.append((time.monotonic(), seconds))
                tally.acknowledged[name] = tally.acknowledged.get(name, 0) + 1
                tally.first_answer.setdefault(name, time.monotonic())
            if stop.is_set():
                break
            tally.pages.append((time.monotonic(), await client.rerun(page="results")))
            await asyncio.sleep(think * random.uniform(0.75, 1.25))
            tally.pages.append((time.monotonic(), await client.rerun(page="home")))
    finally:
        await client.close()


async def trivial_learner(base: str, name: str, think: float, tally: Tally, stop: asyncio.Event) -> None:
    client = StreamlitClient(base)
    await client.connect()
    try:
        tally.pages.append((time.monotonic(), await client.rerun()))
        while not stop.is_set():
            await asyncio.sleep(think * random.uniform(0.75, 1.25))
            states = [
                choose(widget_id, random.choice(list(radio.options))) for widget_id, radio in client.page.find("q")
            ]
            submit = next(w for w in client.page.widgets if "FormSubmitter:answer" in w)
            seconds = await client.rerun([*states, trigger(submit)])
            tally.answers.append((time.monotonic(), seconds))
            tally.acknowledged[name] = tally.acknowledged.get(name, 0) + 1
            tally.first_answer.setdefault(name, time.monotonic())
    finally:
        await client.close()


Learner = Callable[[str, str, float, Tally, asyncio.Event], Awaitable[None]]


# ---------------------------------------------------------------- a ramp of learners


@dataclass
class Step:
    learners: int
    answers: int
    p50: float
    p95: float
    throughput: float
    expected: float  # answers per second if every learner answered once per think time
    pages: int
    page_p95: float

    @property
    def held(self) -> bool:
        """Fast enough, and every learner served: a set-up that stalls answers fewer, not slower."""
        return self.answers > 0 and self.p95 <= P95_LIMIT_S and self.throughput >= MIN_SERVED * self.expected


async def ramp(
    base: str, learner: Learner, steps: list[int], think: float, join_s: float, label: str
) -> tuple[list[Step], Tally]:
    tally, stop = Tally(), asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    results: list[Step] = []

    async def run_one(name: str) -> None:
        try:
            await learner(base, name, think, tally, stop)
        except (ProtocolError, OSError, TimeoutError, httpx.HTTPError) as error:
            tally.errors.append(f"{name}: {type(error).__name__}: {error}"[:300])

    for target in steps:
        names = [f"load-{len(tasks) + i:04d}" for i in range(target - len(tasks))]
        for name in names:
            tasks.append(asyncio.create_task(run_one(name)))
            await asyncio.sleep(join_s / max(len(names), 1))
        # The window opens once every learner of this step has answered (one think time after joining).
        deadline = time.monotonic() + think * 1.5
        while time.monotonic() < deadline and sum(name in tally.first_answer for name in names) < len(names) * 0.9:
            await asyncio.sleep(0.5)
        window_s = think * 0.5
        opened = time.monotonic()
        await asyncio.sleep(window_s)
        window = tally.window(opened, opened + window_s)
        pages = tally.page_window(opened, opened + window_s)
        step = Step(
            target,
            len(window),
            statistics.median(window) if window else float("nan"),
            p95(window),
            len(window) / window_s,
            target / think,
            len(pages),
            p95(pages) if pages else float("nan"),
        )
        results.append(step)
        errors = len(tally.errors)
        print(
            f"  {label:<14} {target:>4} learners: {step.answers:>4} answers, p50 {step.p50:.2f} s, p95 {step.p95:.2f} s,"
            f" {step.throughput:.1f} of {step.expected:.1f} answers/s; {step.pages} page loads, p95 {step.page_p95:.2f} s"
            f"{'' if step.held else '  (not held)'}{f'; {errors} learner errors' if errors else ''}",
            flush=True,
        )
        if not step.held:
            break
    stop.set()
    await asyncio.wait(tasks, timeout=120)
    for task in tasks:
        task.cancel()
    return results, tally


def held(steps: list[Step]) -> int:
    return max((step.learners for step in steps if step.held), default=0)


# ---------------------------------------------------------------- the set-ups


def cluster(action: str, processes: int, script: str, run_dir: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEVREADY_PROCESSES": str(processes),
        "DEVREADY_APP_SCRIPT": script,
        "DEVREADY_PORT": "8700",
        "DEVREADY_APP_PORT": "8711",
        "DEVREADY_CLUSTER_DIR": str(run_dir),
    }
    subprocess.run(["bash", str(ROOT / "deploy" / "cluster.sh"), action], env=env, check=True, capture_output=True)


@contextmanager
def bench_session() -> Iterator[Session]:
    """One transaction on the bench's own database (migrated on first use), closed with its pool."""
    from quiz.store.database import Store

    store = Store.open(DATABASE_URL)
    try:
        with store.transaction() as session:
            yield session
    finally:
        store.engine.dispose()


def fresh_database(learners: int) -> None:
    """A database of its own, with the learners' accounts made up front (the bench measures sign-in, not sign-up)."""
    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", DATABASE], check=True)
    from quiz.store.accounts import _hasher
    from quiz.store.tables import LearnerRow

    password_hash = _hasher.hash(PASSWORD)  # one hash for all: hashing 600 passwords here would only cost time
    with bench_session() as session:
        session.add_all(LearnerRow(name=f"load-{i:04d}", password_hash=password_hash) for i in range(learners))


def stored_answers() -> dict[str, int]:
    from sqlalchemy import func, select

    from quiz.store.tables import AttemptRow, LearnerRow, ResponseRow

    with bench_session() as session:
        rows = session.execute(
            select(LearnerRow.name, func.count(ResponseRow.question_id))
            .join(AttemptRow, AttemptRow.learner_id == LearnerRow.id)
            .join(ResponseRow, ResponseRow.attempt_id == AttemptRow.id)
            .group_by(LearnerRow.name)
        ).all()
    return {str(name): int(count) for name, count in rows}


def measure(
    label: str, processes: int, script: str, learner: Learner, steps: list[int], think: float, run_dir: Path
) -> tuple[list[Step], Tally]:
    cluster("start", processes, script, run_dir)
    try:
        return asyncio.run(
            ramp("http://127.0.0.1:8700", learner, steps, think, join_s=min(10.0, think / 2), label=label)
        )
    finally:
        cluster("stop", processes, script, run_dir)
        time.sleep(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--think", type=float, default=20.0, help="seconds between a learner's answers (jittered ±25%%)"
    )
    parser.add_argument("--steps", default="100,200,300,400,600,800,1200", help="learners at each step")
    args = parser.parse_args()
    steps = [int(value) for value in args.steps.split(",")]
    run_dir = Path(os.environ.get("DEVREADY_LOAD_DIR", "/tmp/devready-load"))
    started = time.monotonic()

    fresh_database(max(steps))
    print(f"think time {args.think:g} s; a step holds when the answer round trip p95 <= {P95_LIMIT_S:g} s", flush=True)
    one, one_tally = measure("devready 1proc", 1, "serve.py", devready_learner, steps, args.think, run_dir)
    # Two processes hold at least what one holds: start there, to stay within the 10 minutes.
    two_steps = [step for step in steps if step >= held(one)] or steps[-1:]
    two, two_tally = measure("devready 2proc", 2, "serve.py", devready_learner, two_steps, args.think, run_dir)
    # The trivial page holds far more than DevReady (earlier runs: at least 1,200 against 200-300): two steps,
    # at twice and four times DevReady's figure, keep the run within the 10 minutes.
    trivial_steps = [2 * held(one), 4 * held(one)] if held(one) else steps
    trivial, _ = measure(
        "trivial 1proc", 1, "bench/trivial_app.py", trivial_learner, trivial_steps, args.think, run_dir
    )

    stored = stored_answers()
    acknowledged: dict[str, int] = {}
    for tally in (one_tally, two_tally):
        for name, count in tally.acknowledged.items():
            acknowledged[name] = acknowledged.get(name, 0) + count
    lost = sum(max(0, count - stored.get(name, 0)) for name, count in acknowledged.items())
    for label, run, tally in (
        ("devready 1proc", one, one_tally),
        ("devready 2proc", two, two_tally),
        ("trivial 1proc", trivial, None),
    ):
        best = max((step for step in run if step.held), key=lambda step: step.learners, default=None)
        if best is None:
            print(f"{label}: held no step")
            continue
        print(
            f"{label} at {best.learners} learners: answer p50 {best.p50:.2f} s, p95 {best.p95:.2f} s,"
            f" {best.throughput:.1f} answers/s; page loads p95 {best.page_p95:.2f} s"
            + (f"; {len(tally.errors)} learner errors in the run" if tally is not None else "")
        )
        for error in (tally.errors if tally is not None else [])[:3]:
            print(f"  {error}")
    print(f"answers acknowledged {sum(acknowledged.values())}, stored {sum(stored.values())}, lost {lost}")
    at_100 = next((step.p95 for step in one if step.learners == 100), float("nan"))
    learners_1, learners_2, learners_trivial = held(one), held(two), held(trivial)
    top = "" if trivial and not trivial[-1].held else " (the largest step tried: it holds at least this)"
    print(
        f"trivial page holds {learners_trivial} learners on 1 process{top}; run took {time.monotonic() - started:.0f} s"
    )
    scale = learners_2 / learners_1 if learners_1 else float("nan")
    versus = learners_1 / learners_trivial if learners_trivial else float("nan")
    print(
        f"learners_1proc={learners_1} learners_2proc={learners_2} scale_2v1={scale:.2f} "
        f"capacity_vs_trivial={versus:.2f} p95_s_at_100={at_100:.2f} lost={lost}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How many learners at once: simulated learners over Streamlit's WebSocket protocol, through nginx.

Each simulated learner arrives signed in to hosted mode (the session cookie the sign-in form sets),
starts a quick assessment, answers every question after a think time (20 s, jittered, a quick reader),
opens Results, goes back to Start and begins again. Sign-in itself is measured first and on its own:
argon2id makes each one cost real CPU by design, and a class signs in over minutes, not in the ramp's
seconds. Learners join in steps (100, 400, 800, 1200, ...), paced (over at least 10 s, at most 30 a
second for DevReady and 60 for the trivial page); each step is measured over a window (half a think
time) that opens once 95% of the step's learners have answered once and a quarter of a think time more
has passed. A set-up "holds" a step when the answer round trip's p95 in its window is at most 1 s, at
least 90% of the learners got in, and the answers kept pace (at least 60% of one per learner per think
time). Each step also prints the app processes' CPU time per answer in its window (everything the
learners did, over the answers they gave) and the cores the simulator itself used.

In one run, through nginx (deploy/cluster.sh) on a PostgreSQL database of its own:
  1. DevReady on 1 app process, 2. DevReady on 2 app processes, 3. the trivial one-form page
  (bench/trivial_app.py) on 1 process with the same think time: the baseline of what Streamlit
  itself holds on this machine, measured in the same run (these machines are noisy: ratios count).
Then every answer acknowledged to a learner is looked up in the database.

    .venv/bin/python bench/load.py [--think 20] [--steps 100,600,1200,...]

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
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy.orm import Session
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.streamlit_client import ProtocolError, StreamlitClient, choose, tick, trigger  # noqa: E402

PASSWORD = "load-test password 42"
P95_LIMIT_S = 1.0
# Learners spend part of a cycle on Results and Start (a think time each) and answers are jittered: 60% of
# one answer per think time per learner is what a served step delivers at the least.
MIN_SERVED = 0.6
MIN_JOINED = 0.9  # of a step's learners, in (answered once) by the end of its window
# A step's new learners join over at least 10 s, at most `join_rate` a second: 30 for DevReady (a join
# opens a session and starts an attempt), 60 for the trivial page (a join is one run of one form).
JOIN_MIN_S, DEVREADY_JOIN_RATE, TRIVIAL_JOIN_RATE = 10.0, 30.0, 60.0
SIGN_INS, SIGN_IN_AT_ONCE = 60, 6
TRIVIAL_APP = "bench/trivial_app.py"
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


def think_time(think: float, first: bool) -> float:
    """A learner's pause before an answer, jittered. The first one is shorter and spread wider, so that
    learners who join together do not answer in waves ever after, and a step's window opens sooner."""
    return think * (random.uniform(0.1, 0.6) if first else random.uniform(0.75, 1.25))


async def devready_learner(
    cookies: dict[str, str], base: str, name: str, think: float, tally: Tally, stop: asyncio.Event
) -> None:
    client = StreamlitClient(base, cookies[name])
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
                await asyncio.sleep(think_time(think, first=name not in tally.first_answer))
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
            await asyncio.sleep(think_time(think, first=name not in tally.first_answer))
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
    joined: int  # learners of the whole run who had answered at least once when the window closed
    answers: int
    p50: float
    p95: float
    throughput: float
    expected: float  # answers per second if every joined learner answered once per think time
    pages: int
    page_p95: float
    cpu_ms_per_answer: float  # the app processes' CPU time in the window over its answers
    app_cores: float  # the app processes' CPU time in the window over its length: cores kept busy
    client_cores: float  # the same for this simulator, which shares the machine's two cores

    @property
    def held(self) -> bool:
        """Every learner in, fast enough, and every learner served: a set-up that stalls answers fewer,
        not slower."""
        return (
            self.answers > 0
            and self.joined >= MIN_JOINED * self.learners
            and self.p95 <= P95_LIMIT_S
            and self.throughput >= MIN_SERVED * self.expected
        )


def app_cpu_seconds(run_dir: Path) -> float:
    """CPU time (user + system) used so far by the cluster's app processes, from /proc."""
    total = 0
    for pid_file in run_dir.glob("app-*.pid"):
        try:
            fields = Path(f"/proc/{pid_file.read_text().strip()}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue  # a process that is gone uses no more CPU
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    return total / os.sysconf("SC_CLK_TCK")


async def ramp(
    base: str, learner: Learner, steps: list[int], think: float, join_rate: float, run_dir: Path, label: str
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
        # A class arrives over a minute or so, not in one instant: joins are paced, and the window
        # opens once the step's learners are in and a quarter of a think time has let the joins settle,
        # so that it measures learners answering, not arriving.
        join_s = max(JOIN_MIN_S, len(names) / join_rate)
        for name in names:
            tasks.append(asyncio.create_task(run_one(name)))
            await asyncio.sleep(join_s / max(len(names), 1))
        deadline = time.monotonic() + think * 2
        while time.monotonic() < deadline and sum(name in tally.first_answer for name in names) < len(names) * 0.95:
            await asyncio.sleep(0.5)
        await asyncio.sleep(think * 0.25)
        window_s = think * 0.5
        opened, cpu_before, client_before = time.monotonic(), app_cpu_seconds(run_dir), time.process_time()
        await asyncio.sleep(window_s)
        cpu = app_cpu_seconds(run_dir) - cpu_before
        client_share = (time.process_time() - client_before) / window_s
        window = tally.window(opened, opened + window_s)
        pages = tally.page_window(opened, opened + window_s)
        joined = len(tally.first_answer)
        step = Step(
            target,
            joined,
            len(window),
            statistics.median(window) if window else float("nan"),
            p95(window),
            len(window) / window_s,
            min(joined, target) / think,
            len(pages),
            p95(pages) if pages else float("nan"),
            1000 * cpu / len(window) if window else float("nan"),
            cpu / window_s,
            client_share,
        )
        results.append(step)
        errors = len(tally.errors)
        print(
            f"  {label:<14} {target:>4} learners ({joined} in): {step.answers:>4} answers, p50 {step.p50:.2f} s,"
            f" p95 {step.p95:.2f} s, {step.throughput:.1f} of {step.expected:.1f} answers/s,"
            f" app CPU {step.cpu_ms_per_answer:.0f} ms per answer ({step.app_cores:.2f} cores, simulator"
            f" {step.client_cores:.2f}); {step.pages} page loads, p95 {step.page_p95:.2f} s"
            f"{'' if step.held else '  (not held)'}{f'; {errors} learner errors' if errors else ''}",
            flush=True,
        )
        if not step.held:
            break
    stop.set()
    # Learners stop between answers; one still waiting for an overloaded server gives up here, and its
    # answer, never acknowledged, counts neither as acknowledged nor as lost.
    await asyncio.wait(tasks, timeout=30)
    for task in tasks:
        task.cancel()
    return results, tally


def cpu_per_answer(steps: list[Step]) -> float:
    """Milliseconds of app CPU per answer over the steps that held (all of them if none did)."""
    chosen = [step for step in steps if step.held] or steps
    answers = sum(step.answers for step in chosen)
    return sum(step.cpu_ms_per_answer * step.answers for step in chosen) / answers if answers else float("nan")


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


def open_sessions(learners: int) -> dict[str, str]:
    """A signed-in session for each of the first `learners` accounts, as the sign-in form leaves it: the
    ramp's learners arrive signed in, so that it measures answering, not argon2 (see sign_in_cost)."""
    import secrets

    from quiz.store.accounts import SESSION_LIFETIME, _token_hash
    from quiz.store.tables import LearnerRow, SessionRow, utc_now

    tokens = {f"load-{i:04d}": secrets.token_urlsafe(32) for i in range(learners)}
    with bench_session() as session:
        ids = dict(session.query(LearnerRow.name, LearnerRow.id).filter(LearnerRow.name.in_(tokens)).all())
        now = utc_now()
        session.add_all(
            SessionRow(
                token_hash=_token_hash(token), learner_id=ids[name], created_at=now, expires_at=now + SESSION_LIFETIME
            )
            for name, token in tokens.items()
        )
    return {name: f"devready_session={token}" for name, token in tokens.items()}


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


@contextmanager
def running_cluster(processes: int, script: str, run_dir: Path) -> Iterator[None]:
    """The set-up up for the block, and stopped after it whatever happens (its ports freed for the next)."""
    cluster("start", processes, script, run_dir)
    try:
        yield
    finally:
        cluster("stop", processes, script, run_dir)
        time.sleep(1)


def sign_in_cost(run_dir: Path, names: list[str]) -> None:
    """Sign-in through the form, measured on its own (one app process, a few at a time): argon2id makes
    each one cost real CPU by design, and a class signs in over minutes, not in the ramp's seconds."""

    async def run() -> list[float]:
        gate, seconds = asyncio.Semaphore(SIGN_IN_AT_ONCE), []

        async def one(name: str) -> None:
            async with gate:
                started = time.perf_counter()
                await sign_in("http://127.0.0.1:8700", name)
                seconds.append(time.perf_counter() - started)

        await asyncio.gather(*(one(name) for name in names))
        return seconds

    with running_cluster(1, "serve.py", run_dir):
        cpu_before, started = app_cpu_seconds(run_dir), time.monotonic()
        seconds = asyncio.run(run())
        cpu, wall = app_cpu_seconds(run_dir) - cpu_before, time.monotonic() - started
    each = cpu / len(names)
    print(
        f"sign-in through the form, {len(names)} learners {SIGN_IN_AT_ONCE} at a time on 1 process:"
        f" p50 {statistics.median(seconds):.2f} s, p95 {p95(seconds):.2f} s, {len(names) / wall:.1f} a second,"
        f" app CPU {1000 * each:.0f} ms each (a class of 30 at once: about {30 * each:.0f} s of CPU)",
        flush=True,
    )


def measure(
    label: str, processes: int, script: str, learner: Learner, steps: list[int], think: float, run_dir: Path
) -> tuple[list[Step], Tally]:
    join_rate = TRIVIAL_JOIN_RATE if script == TRIVIAL_APP else DEVREADY_JOIN_RATE
    with running_cluster(processes, script, run_dir):
        return asyncio.run(ramp("http://127.0.0.1:8700", learner, steps, think, join_rate, run_dir, label=label))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--think", type=float, default=20.0, help="seconds between a learner's answers (jittered ±25%%)"
    )
    parser.add_argument("--steps", default="100,400,800,1200,1600,2000,2400", help="learners at each step")
    args = parser.parse_args()
    steps = [int(value) for value in args.steps.split(",")]
    run_dir = Path(os.environ.get("DEVREADY_LOAD_DIR", "/tmp/devready-load"))
    started = time.monotonic()

    fresh_database(max(steps) + SIGN_INS)
    cookies = open_sessions(max(steps))
    sign_in_cost(run_dir, [f"load-{max(steps) + i:04d}" for i in range(SIGN_INS)])
    devready_learner_ = partial(devready_learner, cookies)
    print(f"think time {args.think:g} s; a step holds when the answer round trip p95 <= {P95_LIMIT_S:g} s", flush=True)
    one, one_tally = measure("devready 1proc", 1, "serve.py", devready_learner_, steps, args.think, run_dir)
    # Two processes hold at least what one holds: start there, and try three steps, to stay within the
    # 10 minutes.
    two_steps = ([step for step in steps if step >= held(one)] or steps[-1:])[:3]
    two, two_tally = measure("devready 2proc", 2, "serve.py", devready_learner_, two_steps, args.think, run_dir)
    # The trivial page holds more than DevReady: two steps, at two and three times DevReady's figure,
    # bracket the ratio (0.5 or 0.33, and past them it is under 0.33) within the 10 minutes.
    trivial_steps = [2 * held(one), 3 * held(one)] if held(one) else steps
    trivial, _ = measure("trivial 1proc", 1, TRIVIAL_APP, trivial_learner, trivial_steps, args.think, run_dir)

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
            f" {best.throughput:.1f} answers/s, app CPU {best.cpu_ms_per_answer:.0f} ms per answer;"
            f" page loads p95 {best.page_p95:.2f} s"
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
    # The same question asked of CPU time rather than of latency: what one answer costs each app, all
    # steps pooled. The simulator shares the two cores, so past a point the latency is partly its own.
    cost = {label: cpu_per_answer(run) for label, run in (("devready", one), ("trivial", trivial))}
    print(
        f"app CPU per answer, all steps: devready {cost['devready']:.1f} ms, trivial {cost['trivial']:.1f} ms"
        f" (ratio {cost['trivial'] / cost['devready']:.2f}); the simulator used up to"
        f" {max(step.client_cores for step in (*one, *two, *trivial)):.2f} of the 2 cores"
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

"""What one learner's steps cost the app, alone on the server: a quick look before the long load bench.

One simulated learner (the client of bench/load.py, through nginx, on PostgreSQL) takes quick assessments
back to back with no think time: start, every answer, Results, Start again. For each kind of step it
prints the app process's CPU time (from /proc, in ticks of 10 ms: averaged over many steps), the round
trip, and the messages and bytes the server sent. The trivial one-form page (bench/trivial_app.py) is
measured the same way in the same run, as the baseline: the share of an answer that is Streamlit's own.

    .venv/bin/python bench/step_costs.py [--cycles 6]

Last line: answer_cpu_ms=A trivial_answer_cpu_ms=T cpu_ratio=R messages_per_answer=M trivial_messages=N
(cpu_ratio = T / A, the figure bench/load.py reports as "app CPU per answer" ratio, here without
contention). Under load the per-answer cost differs for both (work is batched, the event loop is
shared), so use this to compare changes, and bench/load.py for capacity. Alone on the server every
round trip sits near 44 ms, the trivial page's too (with nginx or without), while under load the
trivial page answers in 10-30 ms: a floor of the idle connection, not work.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    TRIVIAL_APP,
    answer_states,
    app_cpu_seconds,
    fresh_database,
    open_sessions,
    running_cluster,
)
from bench.streamlit_client import StreamlitClient, choose, trigger  # noqa: E402

BASE = "http://127.0.0.1:8700"
RUN_DIR = Path("/tmp/devready-step-costs")


@dataclass
class Costs:
    """Per kind of step: app CPU seconds, round trips, messages and bytes received."""

    cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    wall: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    messages: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    size: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    async def step(self, kind: str, client: CountingClient, run: Awaitable[float]) -> None:
        cpu, started = app_cpu_seconds(RUN_DIR), time.perf_counter()
        client.received = client.received_bytes = 0
        await run
        self.wall[kind].append(time.perf_counter() - started)
        self.cpu[kind].append(app_cpu_seconds(RUN_DIR) - cpu)
        self.messages[kind].append(client.received)
        self.size[kind].append(client.received_bytes)

    def mean_cpu_ms(self, kind: str) -> float:
        return 1000 * statistics.mean(self.cpu[kind])

    def report(self, title: str) -> None:
        print(f"\n{title}")
        print(f"  {'step':<22}{'n':>5}{'app CPU ms':>12}{'round trip ms (p50)':>21}{'messages':>10}{'bytes':>8}")
        for kind in self.cpu:
            print(
                f"  {kind:<22}{len(self.cpu[kind]):>5}{self.mean_cpu_ms(kind):>12.1f}"
                f"{1000 * statistics.median(self.wall[kind]):>21.1f}"
                f"{statistics.mean(self.messages[kind]):>10.1f}{statistics.mean(self.size[kind]):>8.0f}"
            )


class CountingClient(StreamlitClient):
    """The load bench's client, counting what the server sends."""

    received = 0
    received_bytes = 0

    def _handle(self, message):  # type: ignore[no-untyped-def]
        self.received += 1
        self.received_bytes += message.ByteSize()
        super()._handle(message)


async def devready(cookie: str, cookie_of_newcomers: list[str], cycles: int, costs: Costs) -> None:
    client = CountingClient(BASE, cookie)
    await client.connect()
    await client.rerun()  # the process's first session loads the bank: not a step a learner repeats
    for _ in range(cycles):
        length_id, length = client.page.widget("length")
        start_id = next(w for w in client.page.widgets if "FormSubmitter:settings" in w)
        await costs.step("start", client, client.rerun([choose(length_id, length.options[0]), trigger(start_id)]))
        while client.page.has("confidence-"):
            await costs.step("answer", client, client.rerun(answer_states(client)))
        await costs.step("results", client, client.rerun(page="results"))
        await costs.step("back to start", client, client.rerun(page="home"))
    await client.close()
    for other in cookie_of_newcomers:  # a learner arriving while others work
        newcomer = CountingClient(BASE, other)
        await newcomer.connect()
        await costs.step("new session", newcomer, newcomer.rerun())
        await newcomer.close()


async def trivial(answers: int, costs: Costs) -> None:
    client = CountingClient(BASE)
    await client.connect()
    await client.rerun()
    for _ in range(answers):
        states = [choose(w, random.choice(list(radio.options))) for w, radio in client.page.find("q")]
        submit = next(w for w in client.page.widgets if "FormSubmitter:answer" in w)
        await costs.step("answer", client, client.rerun([*states, trigger(submit)]))
    await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=6, help="quick assessments taken back to back")
    args = parser.parse_args()
    random.seed(2026)
    newcomers = 5
    fresh_database(1 + newcomers)
    cookies = list(open_sessions(1 + newcomers).values())
    ours, baseline = Costs(), Costs()
    with running_cluster(1, "serve.py", RUN_DIR):
        asyncio.run(devready(cookies[0], cookies[1:], args.cycles, ours))
    with running_cluster(1, TRIVIAL_APP, RUN_DIR):
        asyncio.run(trivial(len(ours.cpu["answer"]), baseline))
    ours.report("DevReady, 1 app process, one learner")
    baseline.report("trivial one-form page, 1 process, one learner (baseline, same run)")
    answer, trivial_answer = ours.mean_cpu_ms("answer"), baseline.mean_cpu_ms("answer")
    print(
        f"answer_cpu_ms={answer:.1f} trivial_answer_cpu_ms={trivial_answer:.1f} cpu_ratio={trivial_answer / answer:.2f}"
        f" messages_per_answer={statistics.mean(ours.messages['answer']):.1f}"
        f" trivial_messages={statistics.mean(baseline.messages['answer']):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

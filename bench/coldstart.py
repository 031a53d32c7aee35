"""Fresh starts of a hosted instance: does the server survive its first learner?

Each of the 20 starts is a new Streamlit server in hosted mode with an empty data folder, so the
parse cache is empty and the bank is parsed from scratch while the first learner signs up. A real
headless Chromium (Debian's) creates an account and waits for the Start page. A start counts as a
crash when the server process has died (a segfault in a native parser took the whole instance
down before: issue 9), or when the Start page never appears.

Run: `.venv/bin/python bench/coldstart.py [--starts N]`. Last line: `cold_starts=N crashes=C`
(target: 0 crashes), with the median time from launch to the Start page beside the time the same
server takes to answer its health check, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quiz.messages import t  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "cold start password"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEVREADY_MODE": "hosted", "DEVREADY_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "DEVREADY_CACHE_DIR", "DEVREADY_CONTENT_DIR"):
        env.pop(name, None)
    env.pop("DEVREADY_SESSION_ROUTES", None)
    # serve.py, as `make run` starts it: the sign-in forms are served by the same process.
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless=true"]
    command += [f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def sign_up_and_open_start(browser: Any, url: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 1200})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_role("link", name=t("signin_open_page")).click()
        page.locator("#signup-name").fill(name)
        page.locator("#signup-password").fill(PASSWORD)
        page.get_by_role("button", name=t("signup_button")).click()  # the server sets the cookie, then "/"
        page.get_by_role("heading", name=t("home_title")).wait_for()  # the Start page, with the bank loaded
    finally:
        context.close()


def one_start(browser: Any, number: int, work: Path) -> tuple[bool, float, float, str]:
    """(crashed, seconds to the Start page, seconds to healthy, why) for one fresh server."""
    data_dir = work / f"start-{number}"
    log = work / f"server-{number}.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    launched = time.perf_counter()
    process = start_server(data_dir, port, log)
    try:
        if not wait_healthy(url, process):
            return True, 0.0, 0.0, f"not healthy (exit code {process.poll()})"
        healthy = time.perf_counter() - launched
        try:
            sign_up_and_open_start(browser, url, f"learner-{number}")
        except Exception as error:  # noqa: BLE001 - any failure to reach Start counts, with its reason
            why = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
            return True, 0.0, healthy, why if process.poll() is None else f"server died ({process.poll()})"
        started = time.perf_counter() - launched
        time.sleep(0.5)  # a crash right after the page drew still counts
        if process.poll() is not None:
            return True, started, healthy, f"server died after the Start page (exit code {process.poll()})"
        return False, started, healthy, ""
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Debian's Chromium is needed at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="devready-coldstart-"))
    crashes = 0
    to_start: list[float] = []
    to_healthy: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for number in range(1, args.starts + 1):
                crashed, started, healthy, why = one_start(browser, number, work)
                crashes += crashed
                if healthy:
                    to_healthy.append(healthy)
                if not crashed:
                    to_start.append(started)
                print(f"start {number:2d}: {'CRASH ' + why if crashed else f'ok, Start page after {started:.1f} s'}")
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if to_start and to_healthy:
        print(
            f"median seconds from launch: to the Start page {median(to_start):.2f}, "
            f"to the health check (baseline, same servers) {median(to_healthy):.2f}"
        )
    print(f"cold_starts={args.starts} crashes={crashes}")


if __name__ == "__main__":
    main()

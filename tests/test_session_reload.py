"""Hosted mode in a real Chromium against `serve.py` (what `make run` starts): the sign-in that lasts.

A reload, a new tab and a server restart keep a learner signed in (the server's HttpOnly cookie), the
page they were on stays reachable, and signing out ends it for every tab.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ci_requires
from tests.diagnostics import on_failure
from tests.test_browser import log_tail

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct horse battery"
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(port: int, data: Path, secrets: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEVREADY_DATA_DIR": str(data), "DEVREADY_MODE": "hosted"}
    env.pop("DATABASE_URL", None)
    env.pop("DEVREADY_SESSION_ROUTES", None)
    # No secrets file unless given: the machine's own .streamlit/secrets.toml must not leak into a test.
    secrets_option = f"--secrets.files={secrets or data.parent / 'no-secrets.toml'}"
    with (data.parent / "streamlit.log").open("ab") as output:  # appended to across restarts
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
             secrets_option],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("serve.py did not become healthy within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def hosted_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """The URL, and a function that restarts the server on the same port and data."""
    on_failure(request, lambda: log_tail(tmp_path / "streamlit.log"))
    port = _free_port()
    processes = [_start(port, tmp_path / "data")]

    def restart() -> None:
        _stop(processes[-1])
        processes.append(_start(port, tmp_path / "data"))

    try:
        yield f"http://127.0.0.1:{port}", restart
    finally:
        _stop(processes[-1])


@pytest.fixture
def context():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        ci_requires(f"Debian's Chromium at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser.new_context(viewport={"width": 1100, "height": 1000})
        browser.close()


def _signed_in_nav(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-testid='stSidebarNav']").get_by_text("Results").wait_for()


def test_a_reload_a_new_tab_and_a_restart_keep_a_learner_signed_in(hosted_server, context) -> None:  # type: ignore[no-untyped-def]
    url, restart = hosted_server
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/results")  # signed out: the sign-in form first, then back to this page
    page.locator("#signup-name").fill("ada-lovelace")
    page.locator("#signup-password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("No finished assessment yet").wait_for()
    cookie = next(c for c in context.cookies() if c["name"] == "devready_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "devready_session" not in page.url and cookie["value"] not in page.url

    page.goto(f"{url}/results")
    page.get_by_text("No finished assessment yet").wait_for()
    page.reload()  # the page the learner was on is still theirs after a reload
    page.get_by_text("No finished assessment yet").wait_for()
    _signed_in_nav(page)

    second = context.new_page()
    second.set_default_timeout(60_000)
    second.goto(f"{url}/progress")
    _signed_in_nav(second)

    restart()
    for attempt in range(3):  # the tab was connected to the old server: reload as a learner would
        page.reload()
        try:
            page.get_by_text("No finished assessment yet").wait_for(timeout=20_000)
            break
        except Exception:
            if attempt == 2:
                raise
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signed-in-after-restart.png"))

    page.goto(f"{url}/account")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("link", name="Sign in or create an account").wait_for()
    second.reload()
    second.locator("#signin-name").wait_for()  # every tab is signed out: a reload lands on the sign-in form


def test_a_wrong_password_shows_the_form_again_with_the_reason(hosted_server, context) -> None:  # type: ignore[no-untyped-def]
    url, _ = hosted_server
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/session/sign-in")
    page.locator("#signin-name").fill("nobody-here")
    page.locator("#signin-password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "wrong user name or password"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sign-in-form-wrong-password.png"))
    assert not [c for c in context.cookies() if c["name"] == "devready_session"]


@pytest.fixture
def identity_provider() -> Iterator[str]:
    """A real OpenID Connect provider on this machine (oidc-provider-mock, its own process), with one
    known person whose e-mail is verified."""
    import json

    port = _free_port()
    ada = {"sub": "ada-sso", "email": "ada@school.example", "email_verified": True, "name": "Ada"}
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--user-claims", json.dumps(ada)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the identity provider did not start within 30 s")
        yield url
    finally:
        _stop(process)  # type: ignore[arg-type]


def test_signing_in_through_an_identity_provider_lasts_across_reloads(identity_provider, context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-secret-for-the-test-only-0123456789"\n'
        'client_id = "devready"\nclient_secret = "devready-test-secret"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n'
    )
    server = _start(port, tmp_path / "data", secrets)
    url = f"http://127.0.0.1:{port}"
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/progress")
        page.get_by_role("link", name="Sign in with your organisation's account").click()
        page.get_by_role("button", name="ada-sso").click()  # the provider's consent page, then back to the app
        page.get_by_text("Are you ready for a back-end developer job?").wait_for()
        page.goto(f"{url}/results")
        page.get_by_text("No finished assessment yet").wait_for()
        page.reload()
        page.get_by_text("No finished assessment yet").wait_for()
        _signed_in_nav(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "signed-in-through-identity-provider.png"))
        from sqlalchemy import select

        from quiz.store.database import Store
        from quiz.store.tables import LearnerRow

        store = Store.open(f"sqlite:///{tmp_path / 'data' / 'devready.db'}")
        with store.transaction() as session:
            names = list(session.scalars(select(LearnerRow.name)))
        assert names == ["ada@school.example (sso)"]  # one account, from the provider's verified e-mail
    finally:
        _stop(server)


def test_an_answer_given_after_signing_out_everywhere_is_refused_and_leads_to_the_sign_in_form(  # type: ignore[no-untyped-def]
    hosted_server, context, tmp_path
) -> None:
    """An answer reruns only the question (an st.fragment: app.py, which checks the sign-in on every
    other run, does not run), so the answer's own check is what stops a session ended elsewhere."""
    from tests.test_browser import _answer_question

    url, _ = hosted_server
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.locator("#signup-name").fill("grace-hopper")
    page.locator("#signup-password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("Quick (≈ 15 questions)").click()
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_text("Question 1 of").wait_for()
    _answer_question(page, 0)
    page.get_by_text("Question 2 of").wait_for()  # the answer's own run: the question alone

    laptop = context.new_page()  # the same account in another tab, which signs out everywhere
    laptop.set_default_timeout(60_000)
    laptop.goto(f"{url}/account")
    laptop.get_by_role("button", name="Sign out everywhere").click()
    laptop.get_by_role("link", name="Sign in or create an account").wait_for()

    _answer_question(page, 1)
    page.get_by_role("link", name="Sign in or create an account").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "answer-after-sign-out-everywhere.png"), full_page=True)
    from quiz.store.database import Store

    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'devready.db'}")
    attempt = store.unfinished_attempt(store.learner_id("grace-hopper"))
    assert attempt is not None and attempt.answered == 1  # the first answer only
    store.engine.dispose()

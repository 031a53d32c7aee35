"""Two app processes behind nginx on one PostgreSQL (deploy/cluster.sh, what `make cluster` starts),
driven in Chromium: the page works under the proxy's security headers, and a learner whose process is
killed carries on, signed in, on the other one."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, ci_requires
from tests.test_session_reload import ARTIFACTS, PASSWORD, _free_port, context  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.xdist_group("browser")]


def _cluster(env: dict[str, str], *command: str) -> None:
    """Run deploy/cluster.sh; on failure, fail with its output and the end of every log it keeps."""
    done = subprocess.run(
        [str(ROOT / "deploy" / "cluster.sh"), *command], env=env, capture_output=True, text=True, timeout=180
    )
    if done.returncode:
        logs = "".join(p.read_text()[-1500:] for p in sorted(Path(env["DEVREADY_CLUSTER_DIR"]).glob("*.log")))
        pytest.fail(f"deploy/cluster.sh {' '.join(command)} failed:\n{done.stdout}{done.stderr}\n{logs}")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    if not Path(NGINX).exists():
        ci_requires(f"Debian's nginx at {NGINX} (make test installs it)")
    from sqlalchemy import create_engine, text

    schema = f"cluster_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        ci_requires(f"PostgreSQL at {POSTGRES_URL} ({type(error).__name__})")
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES_URL}?options=-csearch_path%3D{schema}",
        "DEVREADY_CLUSTER_DIR": str(tmp_path / "cluster"),
        "DEVREADY_PORT": str(_free_port()),
        "DEVREADY_APP_PORT": str(_free_port()),  # the second app takes the next port
        "PYTHON": sys.executable,  # the interpreter running the tests has the app installed
    }
    env.pop("DEVREADY_SESSION_ROUTES", None)
    _cluster(env, "start")
    try:
        yield f"http://127.0.0.1:{env['DEVREADY_PORT']}", env
    finally:
        subprocess.run([str(ROOT / "deploy" / "cluster.sh"), "stop"], env=env, check=False, timeout=60)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _reload_until_progress(page) -> None:  # type: ignore[no-untyped-def]
    """Reload as a learner would. nginx rests a process it found dead for 3 s (fail_timeout), so right
    after a restart one reload may still find no live process: the learner reloads once more."""
    for attempt in range(3):
        page.reload()
        try:
            page.get_by_role("heading", name="Your progress").wait_for(timeout=15_000)
            return
        except Exception:
            if attempt == 2:
                raise
            page.wait_for_timeout(2_000)


def test_a_learner_carries_on_when_their_process_is_killed(cluster, context) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, env = cluster
    page = context.new_page()
    page.set_default_timeout(60_000)
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    response = page.goto(f"{url}/progress")
    assert response is not None and "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.locator("#signup-name").fill("ada-lovelace")
    page.locator("#signup-password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("heading", name="Your progress").wait_for()
    for process in ("1", "2"):
        _cluster(env, "kill", process)
        _reload_until_progress(page)  # nginx skips the dead process; session and data live in PostgreSQL
        _cluster(env, "start")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cluster-after-failover.png"))
    assert not blocked, blocked  # Streamlit's page works under the proxy's content security policy

"""The database goes away in the middle of an assessment (issue 14): a submit during the outage is
refused with a plain message and the choice stays on screen; the app recovers by itself when the
database returns, and every acknowledged answer is in the database.

The test runs its own PostgreSQL cluster (initdb and pg_ctl on a port and folder of its own), never the
machine's shared server, so it may stop it.
"""

from __future__ import annotations

import gc
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from tests.conftest import ci_requires
from tests.test_app_flows import APP, _answer_current, _start

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OwnPostgres:
    """A throwaway PostgreSQL cluster owned by the `postgres` user, in a temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")  # pytest's own temporary folders are root's alone
        self._as_postgres(str(_pg_bin("initdb")), "-D", str(self.folder / "data"), "-U", "postgres", "--auth=trust")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._as_postgres(str(_pg_bin("pg_ctl")), "-D", str(self.folder / "data"), "-o", options, "-w",
                          "-l", str(self.folder / "log"), "start")  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(str(_pg_bin("pg_ctl")), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture
def own_postgres(monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnPostgres]:
    if _pg_bin("initdb") is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        ci_requires("PostgreSQL's initdb and pg_ctl (Debian's postgresql package)")
    server = OwnPostgres(Path(tempfile.mkdtemp(prefix="devready-pg-")))
    server.init()
    server.start()
    monkeypatch.setenv("DATABASE_URL", server.url)
    st.cache_resource.clear()
    try:
        yield server
    finally:
        # Close the app's pooled connections here: garbage-collected later, a connection broken by the
        # outage would raise its ResourceWarning in whichever test happens to run then.
        from app_pages.context import store

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            store().engine.dispose()
            gc.collect()
        st.cache_resource.clear()
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(server.folder, ignore_errors=True)


def _question_heading(at: AppTest) -> str:
    return next(h.value for h in at.subheader if h.value.startswith("Question "))


def test_a_submit_during_an_outage_is_refused_plainly_and_nothing_acknowledged_is_lost(own_postgres) -> None:  # type: ignore[no-untyped-def]
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = _start(at)
    at.switch_page("app_pages/assessment.py").run()
    acknowledged = 0
    for _ in range(3):
        at = _answer_current(at)
        assert not at.error
        acknowledged += 1
    before = _question_heading(at)

    own_postgres.stop()
    at = _answer_current(at)
    assert "could not be saved" in at.error[0].value  # plainly refused...
    assert _question_heading(at) == before  # ...and the page did not move on
    assert not at.exception

    own_postgres.start()  # the app reconnects by itself (pool_pre_ping): the learner submits again
    at = _answer_current(at)
    assert not at.error and _question_heading(at) != before
    acknowledged += 1

    engine = create_engine(own_postgres.url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM responses")).scalar()
    engine.dispose()
    assert stored == acknowledged  # every acknowledged answer, and nothing half-written

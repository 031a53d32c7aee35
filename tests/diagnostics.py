"""What a failing test leaves to read: browser tests register the server's log, the page's console and a
screenshot, and the failure report carries them (under xdist too, where nothing else is shown).

Its own module because pytest imports conftest.py twice (as `conftest` and as `tests.conftest`): the key
must be one object for the fixtures that register and the hook that reads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

DIAGNOSTICS = pytest.StashKey[list[Callable[[], str]]]()


def on_failure(request: pytest.FixtureRequest, describe: Callable[[], str]) -> None:
    """Adds `describe()` to the report of this test if its body fails."""
    request.node.stash.setdefault(DIAGNOSTICS, []).append(describe)


def add_diagnostics(item: pytest.Item, report: pytest.TestReport) -> None:
    for describe in item.stash.get(DIAGNOSTICS, []):
        try:
            text = describe()
        except Exception as error:  # noqa: BLE001 - a report must never fail for its diagnostics
            text = f"(could not be gathered: {error!r})"
        report.sections.append(("diagnostics", text))

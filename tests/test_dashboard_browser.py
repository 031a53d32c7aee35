"""The instructor's dashboard in a real Chromium, for a seeded cohort of 30 learners × 10 attempts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_accessibility import violations
from tests.test_session_reload import ARTIFACTS, PASSWORD, _free_port, _start, _stop, context  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_dashboard_of_a_cohort_of_30_draws_every_part(context, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from cohort import seed  # the bench's own seeding: the same rows the app writes

    data = tmp_path / "data"
    monkeypatch.setenv("DEVREADY_DATA_DIR", str(data))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    seed(30, 10)
    port = _free_port()
    server = _start(port, data)
    url = f"http://127.0.0.1:{port}"
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.set_viewport_size({"width": 1280, "height": 4200})
        page.goto(f"{url}/dashboard")
        page.locator("#signin-name").fill("instructor")
        page.locator("#signin-password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="What to teach next").wait_for()
        page.locator("[data-testid='stPlotlyChart']").first.wait_for()  # the heatmap
        sharing = page.locator("[data-testid='stMetric']").filter(has_text="Sharing learners")
        assert sharing.locator("[data-testid='stMetricValue']").inner_text() == "30"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-30-learners.png"))
        found = violations(page, "en dashboard-overview")  # WCAG 2.1 AA, as on every page
        page.get_by_text("Week by week", exact=True).click()
        page.get_by_role("heading", name="Readiness week by week").wait_for()
        page.locator("[data-testid='stPlotlyChart']").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "dashboard-30-learners-trend.png"))
        found += violations(page, "en dashboard-trend")
        page.get_by_text("Question health", exact=True).click()
        page.get_by_role("heading", name="Question health in this cohort").wait_for()
        found += violations(page, "en dashboard-questions")
        page.get_by_text("Learners", exact=True).click()
        page.locator("[data-testid='stPlotlyChart']").first.wait_for()
        found += violations(page, "en dashboard-learners")
        assert found == []
    finally:
        _stop(server)

"""WCAG 2.1 AA in a real headless Chromium: axe-core (npm, pinned in package-lock.json) on every page, in
English and in French, with every question of a quick assessment on screen; and the whole assessment
taken with the keyboard alone, in French."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quiz.content.bank import DEFAULT_CONTENT_DIR
from quiz.messages import catalogue
from tests.conftest import ci_requires
from tests.test_browser import ARTIFACTS, CHROMIUM, _settled, open_app, server, watch  # noqa: F401  (the app server fixture)
from tests.test_session_reload import hosted_server  # noqa: F401  (serve.py in hosted mode)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, server: str) -> Iterator[Any]:  # noqa: F811
    if not Path(CHROMIUM).exists():
        ci_requires(f"Debian's Chromium at {CHROMIUM} (make test installs it)")
    if not AXE.exists():
        ci_requires(f"axe-core at {AXE} (make test installs it with npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(viewport={"width": 1100, "height": 1400}, locale="en-US")
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        watch(request, tab)
        open_app(tab, server)
        yield tab
        browser.close()


def violations(page: Any, where: str) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page as it is now, one line each; and a
    screenshot of the page, to look at."""
    _settled(page)
    # Elements still loading (charts, tables) show as skeletons: axe must see the finished page.
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0")
    page.wait_for_timeout(500)  # charts and fonts finish painting
    if where.split()[1] != "question" or where.endswith(" 1"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"a11y-{where.replace(' ', '-')}.png"), full_page=True)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: {type: 'tag', values: rules}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.html.slice(0, 300))}))",
        RULES,
    )
    return [f"{where}: {v['id']} ({v['impact']}): {v['help']} at {json.dumps(v['targets'])}" for v in found]


def choose_language(page: Any, locale: str) -> None:
    if locale == "en":
        return
    page.get_by_role("combobox", name=catalogue("en")["language_label"], exact=True).click()
    page.get_by_role("option", name="Français").click()
    page.get_by_text(catalogue("fr")["home_title"]).wait_for()


def _question_number(page: Any, words: dict[str, str]) -> tuple[int, int] | None:
    """(number, total) of the question on screen, or None once the results show."""
    heading = page.locator("h3").filter(has_text=words["question_number"].split("{")[0].strip()).first
    try:
        heading.wait_for(timeout=20_000)
    except Exception:
        return None
    number, total = (int(part) for part in heading.inner_text().split() if part.isdigit())
    return number, total


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_page_has_no_wcag_violation_in_either_language(browser_page: Any, locale: str) -> None:
    if locale != "en" and not (DEFAULT_CONTENT_DIR / locale).is_dir():
        pytest.skip(f"no {locale} edition of the bank in this checkout")
    page = browser_page
    words = catalogue(locale)
    found: list[str] = []
    page.get_by_text(catalogue("en")["home_title"]).wait_for()
    choose_language(page, locale)
    assert page.evaluate("document.documentElement.lang") == locale
    found += violations(page, f"{locale} start")
    page.get_by_text(words["length_quick"].format(count=15).split("(")[0].strip(), exact=False).first.click()
    page.get_by_role("button", name=words["start_button"]).click()
    while (position := _question_number(page, words)) is not None:
        number, total = position
        found += violations(page, f"{locale} question {number}")
        page.locator(
            f".st-key-choice-{number - 1} label:has(input), .st-key-opt-{number - 1}-0 label:has(input)"
        ).first.click()
        page.locator(f".st-key-confidence-{number - 1} label:has(input)").nth(1).click()
        page.get_by_role("button", name=words["submit_button"]).click()
        if number == total:
            break
        page.get_by_text(words["question_number"].format(number=number + 1, total=total)).wait_for()
    page.get_by_text(words["results_title"].split("{")[0].strip()).first.wait_for()
    found += violations(page, f"{locale} results")
    for path, name in (("plan", "plan"), ("progress", "progress"), ("scoring", "how scoring works")):
        page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + f"/{path}")
        page.locator("h1").first.wait_for()
        found += violations(page, f"{locale} {name}")
    (ARTIFACTS / f"a11y-{locale}.txt").write_text("\n".join(found), encoding="utf-8")
    assert found == []


def _tab_to(page: Any, test: str, limit: int = 80) -> None:
    """Press Tab until the focused element passes `test` (a JS expression over `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({test}); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def _focus_is_visible(page: Any) -> bool:
    """The focused element draws a focus indicator (an outline or a box shadow)."""
    return bool(
        page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; })()"
        )
    )


def test_a_whole_assessment_in_french_with_the_keyboard_alone(browser_page: Any) -> None:
    if not (DEFAULT_CONTENT_DIR / "fr").is_dir():
        pytest.skip("no French edition of the bank in this checkout")
    page = browser_page
    words = catalogue("fr")
    page.get_by_text(catalogue("en")["home_title"]).wait_for()
    _settled(page)
    _tab_to(page, f"el.getAttribute('aria-label') === {json.dumps(catalogue('en')['language_label'])}")
    page.keyboard.type("Fran")
    page.keyboard.press("Enter")
    page.get_by_text(words["home_title"]).wait_for()
    _settled(page)
    quick = words["length_quick"].format(count=15)
    _tab_to(page, "el.type === 'radio' && !!el.closest('.st-key-length')")
    for _ in range(3):  # the length group starts on "standard": arrow to "quick"
        if page.evaluate("document.activeElement.closest('label').innerText").strip() == quick:
            break
        page.keyboard.press("ArrowLeft")
    _tab_to(page, f"el.tagName === 'BUTTON' && el.innerText.trim() === {json.dumps(words['start_button'])}")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    answered = 0
    while (position := _question_number(page, words)) is not None:
        number, total = position
        _settled(page)
        _tab_to(page, f"!!el.closest('.st-key-choice-{number - 1}, .st-key-opt-{number - 1}-0')")
        page.keyboard.press("Space")
        _tab_to(page, f"!!el.closest('.st-key-confidence-{number - 1}')")
        page.keyboard.press("Space")
        _tab_to(page, f"el.tagName === 'BUTTON' && el.innerText.trim() === {json.dumps(words['submit_button'])}")
        assert _focus_is_visible(page)
        page.keyboard.press("Enter")
        answered += 1
        if number == total:
            break
        page.get_by_text(words["question_number"].format(number=number + 1, total=total)).wait_for()
    page.get_by_text(words["results_title"].split("{")[0].strip()).first.wait_for()
    assert answered == total
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-fr-results.png"), full_page=True)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_hosted_pages_have_no_wcag_violation_in_either_language(
    hosted_server: Any,  # noqa: F811
    locale: str,
    tmp_path: Path,
) -> None:
    """The sign-in form, the account and cohorts pages, and an instructor's cohorts and dashboard pages,
    in the language the browser asks for."""
    if locale != "en" and not (DEFAULT_CONTENT_DIR / locale).is_dir():
        pytest.skip(f"no {locale} edition of the bank in this checkout")
    if not Path(CHROMIUM).exists() or not AXE.exists():
        ci_requires(f"Debian's Chromium at {CHROMIUM} and axe-core at {AXE} (make test installs both)")
    from playwright.sync_api import sync_playwright

    url, _ = hosted_server
    words = catalogue(locale)
    found: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context(viewport={"width": 1100, "height": 1000}, locale=f"{locale}-FR").new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/results")  # signed out: the sign-in form, then back to this page
        page.locator("#signup-name").wait_for()
        assert page.evaluate("document.documentElement.lang") == locale
        page.add_script_tag(path=str(AXE))
        found += [
            f"{locale} sign-in form: {v['id']}: {v['help']}"
            for v in page.evaluate(
                "async (rules) => (await axe.run(document, {runOnly: {type: 'tag', values: rules}})).violations", RULES
            )
        ]
        page.locator("#signup-name").fill(f"a11y-{locale}")
        page.locator("#signup-password").fill("correct horse battery staple")
        page.get_by_role("button", name=words["signup_button"]).click()
        page.locator("[data-testid='stSidebarNav']").get_by_text(words["nav_results"]).wait_for()
        for path in ("account", "cohorts"):
            page.goto(f"{url}/{path}")
            page.locator("h1").first.wait_for()
            found += violations(page, f"{locale} {path}")
        # The same person made an instructor, as a bootcamp makes its first one (python -m quiz instructor add).
        subprocess.run(
            [sys.executable, "-m", "quiz", "instructor", "add", f"a11y-{locale}"],
            env={**os.environ, "DEVREADY_DATA_DIR": str(tmp_path / "data"), "DEVREADY_MODE": "hosted"},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        for path in ("cohorts", "dashboard"):
            page.goto(f"{url}/{path}")
            page.locator("h1").first.wait_for()
            found += violations(page, f"{locale} instructor {path}")
        browser.close()
    assert found == []

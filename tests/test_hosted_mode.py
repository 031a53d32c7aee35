"""Hosted mode through the pages: sign-up and sign-in, and a learner sees only their own data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from quiz.messages import catalogue
from quiz.store.database import Store
from tests.test_app_flows import APP, _answer_current, _on_question_page, _start

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def hosted(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DEVREADY_MODE", "hosted")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _signed_up(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="signup_name").set_value(name)
    at.text_input(key="signup_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "Create my account").click().run()
    assert not at.exception
    return at


def _finished_attempt(at: AppTest) -> AppTest:
    at.switch_page("app_pages/home.py").run()
    at = _start(at)
    at.switch_page("app_pages/assessment.py").run()  # AppTest otherwise keeps rerunning the home page
    while _on_question_page(at):
        at = _answer_current(at)
    return at


def test_signed_out_visitors_only_see_the_sign_in_page() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Your account"
    assert [tab.label for tab in at.tabs] == ["Sign in", "Create an account"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/results.py")  # no other route exists until sign-in


def test_a_wrong_password_is_refused_with_a_clear_message() -> None:
    _signed_up("ada")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="signin_name").set_value("ada")
    at.text_input(key="signin_password").set_value("not the password")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert at.error[0].value == "wrong user name or password"


def test_a_french_reader_is_refused_in_french() -> None:
    _signed_up("ada")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["locale"] = "fr"
    at.run()
    at.text_input(key="signin_name").set_value("ada")
    at.text_input(key="signin_password").set_value("pas le bon mot de passe")
    next(b for b in at.button if b.label == "Se connecter").click().run()
    assert at.error[0].value == "nom d’utilisateur ou mot de passe incorrect"
    at.text_input(key="signup_name").set_value("bea")
    at.text_input(key="signup_password").set_value("court")
    next(b for b in at.button if b.label == catalogue("fr")["signup_button"]).click().run()
    assert at.error[0].value == "un mot de passe compte au moins 10 caractères"


def test_a_learner_cannot_reach_another_learners_attempts_through_any_page() -> None:
    ada = _finished_attempt(_signed_up("ada"))
    ada.switch_page("app_pages/home.py").run()
    ada = _answer_current(_start(ada))  # and an unfinished one
    store = Store.open()
    ada_id = next(learner for learner in (1, 2, 3) if store.attempts(learner, finished_only=False))
    ada_attempts = [a.id for a in store.attempts(ada_id, finished_only=False)]
    assert len(ada_attempts) == 2

    bob = _signed_up("bob")
    for attempt_id in ada_attempts:
        bob.session_state["attempt_id"] = attempt_id  # a tampered session pointing at Ada's attempt
        bob.switch_page("app_pages/assessment.py").run()
        assert bob.info[0].value.startswith("No assessment in progress")
        for page in ("app_pages/results.py", "app_pages/plan.py"):
            bob.switch_page(page).run()
            assert bob.info[0].value.startswith("No finished assessment yet")
            assert not bob.get("download_button")
        bob.switch_page("app_pages/progress.py").run()
        assert bob.info[0].value.startswith("No finished assessment yet")
        bob.switch_page("app_pages/home.py").run()
        assert not any(b.label.startswith("Resume") for b in bob.button)

    bob = _finished_attempt(bob)
    bob_id = next(learner for learner in (1, 2, 3) if learner != ada_id and store.attempts(learner))
    assert {a.id for a in store.attempts(bob_id, finished_only=False)}.isdisjoint(ada_attempts)
    bob.switch_page("app_pages/progress.py").run()
    assert len(bob.dataframe[0].value) == 1


def test_deleting_my_account_signs_me_out_and_removes_my_data() -> None:
    at = _finished_attempt(_signed_up("ada"))
    at.switch_page("app_pages/account.py").run()
    at.checkbox(key="delete_confirm").check().run()
    at.button(key="delete_account").click().run()
    assert at.success[0].value == "Your account and all its data were deleted."
    store = Store.open()
    assert all(store.attempts(learner, finished_only=False) == [] for learner in (1, 2))


def test_sign_out_everywhere_ends_the_sessions_of_every_browser() -> None:
    laptop = _signed_up("ada")
    st.cache_resource.clear()
    phone = AppTest.from_file(APP, default_timeout=60).run()
    phone.text_input(key="signin_name").set_value("ada")
    phone.text_input(key="signin_password").set_value(PASSWORD)
    next(b for b in phone.button if b.label == "Sign in").click().run()
    phone.switch_page("app_pages/account.py").run()
    phone.button(key="signout_everywhere").click().run()
    assert phone.title[0].value == "Your account" and phone.tabs  # signed out: the sign-in tabs again
    laptop.run()
    assert [tab.label for tab in laptop.tabs] == ["Sign in", "Create an account"]


def test_an_answer_submitted_after_sign_out_everywhere_is_not_stored() -> None:
    laptop = _signed_up("ada")
    laptop.switch_page("app_pages/home.py").run()
    laptop = _start(laptop)
    laptop.switch_page("app_pages/assessment.py").run()
    assert _on_question_page(laptop)
    from quiz.store.accounts import sign_out_everywhere

    store = Store.open()
    sign_out_everywhere(store, store.learner_id("ada"))  # from another browser, say after a theft
    laptop = _answer_current(laptop)
    assert [tab.label for tab in laptop.tabs] == ["Sign in", "Create an account"]
    attempt = store.unfinished_attempt(store.learner_id("ada"))
    assert attempt is not None and attempt.answered == 0


def test_the_sign_in_form_speaks_the_browsers_language() -> None:
    import asyncio

    from starlette.requests import Request

    from quiz.messages import catalogue
    from web.session_cookie import show_forms

    def form_for(accept_language: str) -> str:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/session/sign-in",
            "query_string": b"",
            "headers": [(b"accept-language", accept_language.encode())],
        }
        return bytes(asyncio.run(show_forms(Request(scope))).body).decode()

    french = form_for("fr-FR,fr;q=0.9,en;q=0.8")
    assert '<html lang="fr">' in french and catalogue("fr")["signin_button"] in french
    english = form_for("de-DE,en;q=0.5")
    assert '<html lang="en">' in english and catalogue("en")["signin_button"] in english


def _through_the_gate(path: str, query: str = "", cookie: str = "") -> tuple[int, str]:
    """The status and Location header of a page load through the sign-in gate (200 if it reached the app)."""
    import asyncio

    from starlette.responses import PlainTextResponse

    from web.session_cookie import SignInGate, _store

    _store.cache_clear()  # the gate's store must be this test's data folder
    headers = [(b"cookie", cookie.encode())] if cookie else []
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": headers}
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(SignInGate(PlainTextResponse("the app"))(scope, receive, send))  # type: ignore[arg-type]
    start = sent[0]
    location = dict(start["headers"]).get(b"location", b"").decode()  # type: ignore[call-overload]
    return int(start["status"]), location  # type: ignore[call-overload]


def test_a_home_bookmark_opens_the_home_page_at_the_root_with_its_query() -> None:
    # Streamlit serves the default page at "/" only; /home would open on "Page not found".
    assert _through_the_gate("/home", "join=abc") == (307, "/?join=abc")
    assert _through_the_gate("/home/") == (307, "/")


def test_a_signed_out_visitor_goes_to_the_sign_in_form_and_then_back_to_the_page_asked_for() -> None:
    assert _through_the_gate("/", "join=abc") == (303, "/session/sign-in?next=%2F%3Fjoin%3Dabc")
    assert _through_the_gate("/results") == (303, "/session/sign-in?next=%2Fresults")
    assert _through_the_gate("/_stcore/health") == (200, "")  # only page loads are gated


def test_a_signed_in_visitor_reaches_the_page() -> None:
    from quiz.store.accounts import sign_in, sign_up
    from web.session_cookie import COOKIE_NAME

    store = Store.open()
    sign_up(store, "ada", PASSWORD)
    token = sign_in(store, "ada", PASSWORD).token
    assert _through_the_gate("/results", cookie=f"{COOKIE_NAME}={token}") == (200, "")
    assert _through_the_gate("/results", cookie=f"{COOKIE_NAME}=forged") == (303, "/session/sign-in?next=%2Fresults")


def test_the_account_page_says_who_is_signed_in_and_shows_the_name_as_typed() -> None:
    at = _signed_up("_ada_")  # underscores: Markdown emphasis if the name were not escaped
    at.switch_page("app_pages/account.py").run()
    said = next(block.value for block in at.markdown if block.value.startswith("You are signed in as"))
    assert said.startswith("You are signed in as **\\_ada\\_**.")

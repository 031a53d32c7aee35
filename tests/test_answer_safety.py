"""An answer is stored exactly once, or the learner is told plainly that it was not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from quiz.store.database import Store
from tests.test_app_flows import APP, _answer_current, _on_question_page, _start


@pytest.fixture(autouse=True)
def fresh_app(data_dir: Path) -> Iterator[None]:
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _question_heading(at: AppTest) -> str:
    return next(h.value for h in at.subheader if h.value.startswith("Question"))


def test_a_stale_tab_cannot_change_a_finished_attempt_and_points_to_its_results() -> None:
    first_tab = _start(AppTest.from_file(APP, default_timeout=60).run())
    first_tab = _answer_current(first_tab)
    second_tab = AppTest.from_file(APP, default_timeout=60).run()  # a second tab of the same learner
    second_tab.button(key="resume").click().run()
    second_tab.switch_page("app_pages/assessment.py").run()
    assert _question_heading(second_tab).startswith("Question 2 of")
    while _on_question_page(first_tab):
        first_tab = _answer_current(first_tab, confidence="certain")
    store = Store.open()
    finished = store.latest_finished_attempt(store.learner_id())
    assert finished is not None

    second_tab = _answer_current(second_tab, confidence="guess")
    assert second_tab.warning[0].value.startswith("This assessment is already finished")
    assert not second_tab.exception
    after = store.attempt(finished.id)
    assert after is not None and after.responses == finished.responses


def test_a_submit_while_the_database_is_away_says_so_keeps_the_choice_and_works_once_it_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _start(AppTest.from_file(APP, default_timeout=60).run())
    real = Store.record_answer

    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO responses", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(Store, "record_answer", unreachable)
    at = _answer_current(at)
    assert "could not be saved" in at.error[0].value
    assert _question_heading(at).startswith("Question 1 of")
    picked = [r.value for r in at.radio if r.key and r.key.startswith("choice-")]
    picked += [c.value for c in at.checkbox if c.key and c.key.startswith("opt-") and c.value]
    assert picked and all(picked)  # the learner's pick is still on screen
    assert not at.exception

    monkeypatch.setattr(Store, "record_answer", real)  # the database is back
    at = next(b for b in at.button if b.label == "Submit answer").click().run()
    assert _question_heading(at).startswith("Question 2 of")
    store = Store.open()
    attempt = store.unfinished_attempt(store.learner_id())
    assert attempt is not None and attempt.answered == 1


def _remove_next_question_from_the_bank(at: AppTest) -> str:
    """The bank changed under a running attempt: its next question is gone (the cached bank is the page's)."""
    from app_pages.context import edition_report

    store = Store.open()
    attempt = store.unfinished_attempt(store.learner_id())
    assert attempt is not None
    position = attempt.next_position()
    assert position is not None
    question_id = attempt.quiz.items[position].question_id
    edition_report("en").bank.questions.pop(question_id)
    return question_id


def test_a_question_removed_from_the_bank_mid_attempt_is_stored_as_skipped_and_the_next_one_shown() -> None:
    at = _answer_current(_start(AppTest.from_file(APP, default_timeout=60).run()))
    removed = _remove_next_question_from_the_bank(at)
    at.run()
    assert not at.exception
    assert _question_heading(at).startswith("Question 3 of")
    store = Store.open()
    attempt = store.unfinished_attempt(store.learner_id())
    assert attempt is not None
    response = attempt.response_for(removed)
    assert response is not None and response.skipped


def test_a_removed_question_while_the_database_is_away_says_so_and_moves_on_once_it_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _answer_current(_start(AppTest.from_file(APP, default_timeout=60).run()))
    _remove_next_question_from_the_bank(at)
    real = Store.record_answer

    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO responses", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(Store, "record_answer", unreachable)
    at.run()
    assert not at.exception
    assert "could not be saved" in at.error[0].value
    monkeypatch.setattr(Store, "record_answer", real)
    at.run()
    assert _question_heading(at).startswith("Question 3 of")

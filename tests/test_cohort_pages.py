"""Cohorts through the pages (hosted mode): an instructor creates a cohort, learners join after reading
what is shared, the dashboard shows the cohort, and nobody else reaches it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from quiz.content.bank import load_bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.store.cohorts import make_instructor, taught_cohorts
from quiz.store.database import Store
from quiz.store.tables import CohortRow
from tests.conftest import click, files_built_on_click
from tests.test_app_flows import APP
from tests.test_hosted_mode import _finished_attempt

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


def _instructor_with_cohort(name: str = "grace", cohort: str = "Autumn bootcamp") -> tuple[AppTest, str]:
    at = _signed_up(name)
    make_instructor(Store.open(), name)
    at.switch_page("app_pages/cohorts.py").run()
    at.text_input(key="new_cohort_name").set_value(cohort)
    next(b for b in at.button if b.label == "Create the cohort").click().run()
    assert not at.exception
    assert any(f"Cohort {cohort} created" in s.value for s in at.success)
    code = next(c.invite_code for c in taught_cohorts(Store.open(), _id(name)) if c.name == cohort)
    assert code is not None
    return at, code


def _id(name: str) -> int:
    return Store.open().learner_id(name)


def _take_assessments(name: str, count: int, right: float, seed: int) -> None:
    """Finished junior attempts on the real bank, stored as the app stores them."""
    bank = load_bank()
    store = Store.open()
    rng = random.Random(seed)
    for _ in range(count):
        quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=rng)
        attempt = store.start_attempt(_id(name), quiz)
        for position, item in enumerate(quiz.items):
            question = bank.questions[item.question_id]
            good = rng.random() < right
            chosen = [c.text for c in question.choices if (c.score == 1.0) == good][:1]
            store.record_answer(attempt, item.question_id, position, chosen, 1.0 if good else 0.0, None, 40.0)
        store.finish_attempt(attempt)


def _join(name: str, code: str) -> AppTest:
    at = _signed_up(name)
    at.switch_page("app_pages/cohorts.py").run()
    at.text_input(key="join_code").set_value(code)
    at.button(key="join_find").click().run()
    shared = " ".join(m.value for m in at.markdown)
    assert "every assessment you have finished" in shared and "You can leave at any time" in shared
    at.button(key="join_agree").click().run()
    assert not at.exception
    return at


def _dashboard_text(at: AppTest, section: str = "overview") -> str:
    at.switch_page("app_pages/dashboard.py").run()
    if section != "overview":
        at.session_state["dashboard_section"] = section
        at.run()
    assert not at.exception
    frames = " ".join(df.value.to_csv() for df in at.dataframe)
    return " ".join(
        [frames, *(m.value for m in at.markdown), *(i.value for i in at.info), *(c.value for c in at.caption)]
    )


def test_six_learners_who_share_fill_the_dashboard_and_one_who_leaves_disappears() -> None:
    teacher, code = _instructor_with_cohort()
    learners = [f"student{i}" for i in range(6)]
    sessions = {}
    for index, name in enumerate(learners):
        sessions[name] = _join(name, code)
        _take_assessments(name, 2, right=0.3 + 0.1 * index, seed=index)
    _finished_attempt(sessions["student0"])  # and one assessment taken through the pages themselves
    overview = _dashboard_text(teacher)
    assert all(name in teacher.get("plotly_chart")[0].proto.spec for name in learners), "the heatmap"
    assert "Modules that close it" in overview  # the gaps, with what to teach
    assert "Median readiness" in " ".join(m.label for m in teacher.metric)
    drill_down = _dashboard_text(teacher, "learners")
    assert all(name in drill_down for name in learners)
    # student0, shown first, took the last attempt through the pages, every answer too fast to count.
    assert "No level to chart: none of the answers of this learner's latest attempt counted" in drill_down
    assert not [metric for metric in teacher.metric if metric.label == "Readiness"]  # no "0% ± 0%" either
    assert "Median readiness per week" in _dashboard_text(teacher, "trend") and teacher.get("plotly_chart")

    leaver = sessions["student5"]
    leaver.switch_page("app_pages/cohorts.py").run()
    next(b for b in leaver.button if b.label == "Leave and stop sharing").click().run()
    assert any("no longer shared" in s.value for s in leaver.success)
    assert "student5" not in _dashboard_text(teacher, "learners")
    _dashboard_text(teacher, "overview")
    assert "student5" not in teacher.get("plotly_chart")[0].proto.spec  # nor in the heatmap
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        leaver.switch_page("app_pages/dashboard.py")  # a former member sees no instructor's view


def test_a_cohort_of_four_shows_why_its_figures_are_hidden() -> None:
    teacher, code = _instructor_with_cohort()
    for index in range(4):
        _join(f"student{index}", code)
        _take_assessments(f"student{index}", 1, right=0.5, seed=index)
    text = _dashboard_text(teacher)
    assert "4 learners share their results" in text and "from 5 sharing learners" in text
    assert not teacher.get("plotly_chart") and not teacher.metric


def test_nobody_else_reaches_a_cohorts_dashboard() -> None:
    _, code = _instructor_with_cohort()
    learner = _join("student0", code)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        learner.switch_page("app_pages/dashboard.py")  # a learner has no route to it
    other, _ = _instructor_with_cohort("linus", "Linus's own cohort")
    other.switch_page("app_pages/dashboard.py").run()
    assert other.selectbox(key="dashboard_cohort").options == ["Linus's own cohort"]
    signed_out = AppTest.from_file(APP, default_timeout=60).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        signed_out.switch_page("app_pages/dashboard.py")


def test_an_invite_link_shows_its_cohort_at_once_and_a_typed_code_waits_for_the_button() -> None:
    _, code = _instructor_with_cohort()
    at = _signed_up("student0")
    at.query_params["join"] = code
    at.switch_page("app_pages/cohorts.py").run()
    assert [b for b in at.button if b.key == "join_agree"], "the link's cohort is shown without a click"
    typed = _signed_up("student1")
    typed.switch_page("app_pages/cohorts.py").run()
    typed.text_input(key="join_code").set_value(code).run()
    assert not [b for b in typed.button if b.key == "join_agree"]
    typed.text_input(key="join_code").set_value(code)  # AppTest forgets an unsubmitted value; a browser keeps it
    typed.button(key="join_find").click().run()
    assert "Autumn bootcamp" in " ".join(m.value for m in typed.markdown)
    assert [b for b in typed.button if b.key == "join_agree"]


def test_a_wrong_invite_code_says_so_and_joins_nothing() -> None:
    _instructor_with_cohort()
    at = _signed_up("student0")
    at.switch_page("app_pages/cohorts.py").run()
    at.text_input(key="join_code").set_value("not-a-code")
    at.button(key="join_find").click().run()
    assert "unknown or no longer valid" in at.error[0].value
    assert not [b for b in at.button if b.key == "join_agree"]
    at.session_state["locale"] = "fr"
    at.run()
    assert at.error[0].value.startswith("Ce code d’invitation est inconnu ou n’est plus valide")


def test_cohort_dates_are_typed_and_shown_the_way_the_reader_writes_them() -> None:
    at, _ = _instructor_with_cohort()
    with Store.open().transaction() as session:  # a cohort that started in September
        session.execute(update(CohortRow).values(starts_on=date(2026, 9, 7), ends_on=date(2026, 12, 4)))
    at.run()
    assert at.date_input(key="new_cohort_starts").proto.format == "YYYY-MM-DD"  # as English dates are shown
    assert "Junior back-end developer, 2026-09-07 to 2026-12-04" in [c.value for c in at.caption]
    at.session_state["locale"] = "fr"
    at.run()
    assert at.date_input(key="new_cohort_ends").proto.format == "DD/MM/YYYY"  # 04/12/2026 in French
    assert "Développeur back-end junior, du 7 septembre 2026 au 4 décembre 2026" in [c.value for c in at.caption]


def test_the_instructor_pages_in_french_show_no_english_sentence_and_no_english_date() -> None:
    from tests.test_french_edition import english_dates_on, english_sentences_on

    teacher, code = _instructor_with_cohort()
    for index in range(6):
        _join(f"student{index}", code)
        _take_assessments(f"student{index}", 2, right=0.3 + 0.1 * index, seed=index)
    teacher.session_state["locale"] = "fr"
    for page in ("app_pages/cohorts.py", "app_pages/dashboard.py", "app_pages/account.py"):
        with files_built_on_click() as built:
            teacher.switch_page(page).run()
        assert not teacher.exception
        assert english_sentences_on(teacher) == english_dates_on(teacher) == [], page
        if page == "app_pages/dashboard.py":  # the cohort report is downloaded in French too
            assert all(button.proto.ignore_rerun for button in teacher.get("download_button"))
            [name] = [name for name in built if name.endswith(".html")]
            report = click(built[name])
            assert isinstance(report, str) and '<html lang="fr">' in report
            assert "Rapport de promotion DevReady" in report and "DevReady cohort report" not in report
    for section in ("learners", "trend", "questions"):
        teacher.switch_page("app_pages/dashboard.py")
        teacher.session_state["dashboard_section"] = section
        teacher.run()
        assert english_sentences_on(teacher) == english_dates_on(teacher) == [], section

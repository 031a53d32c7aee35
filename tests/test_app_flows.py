"""The app as a learner uses it, through Streamlit's AppTest: start, answer, results, plan, resume."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from quiz.measure.assemble import Length
from quiz.messages import catalogue
from quiz.store.database import Store
from tests.conftest import content, write_content

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [
    "app_pages/home.py",
    "app_pages/assessment.py",
    "app_pages/results.py",
    "app_pages/plan.py",
    "app_pages/progress.py",
    "app_pages/scoring.py",
]


@pytest.fixture(autouse=True)
def fresh_app(data_dir: Path) -> Iterator[None]:
    st.cache_resource.clear()  # the bank and store are cached per process; each test gets its own
    yield
    st.cache_resource.clear()


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def _start(at: AppTest, length: str = "quick", practice: bool = False) -> AppTest:
    at.radio(key="length").set_value(Length(length))
    if practice:
        at.toggle(key="practice").set_value(True)
    at.button(key="FormSubmitter:settings-Start the assessment").click()
    return at.run()


def _answer_current(at: AppTest, confidence: str = "fairly_sure", skip: bool = False) -> AppTest:
    if skip:
        return next(b for b in at.button if b.label == "Skip").click().run()
    choices = [r for r in at.radio if r.key and r.key.startswith("choice-")]
    if choices:
        choices[0].set_value(choices[0].options[0])
    else:
        next(c for c in at.checkbox if c.key and c.key.startswith("opt-")).check()
    next(r for r in at.radio if r.key and r.key.startswith("confidence-")).set_value(confidence)
    return next(b for b in at.button if b.label == "Submit answer").click().run()


def _after_reading(at: AppTest, seconds: float = 30.0) -> AppTest:
    """As if the learner spent `seconds` on the question on screen (AppTest answers within
    milliseconds, which the app rightly takes for rapid guesses that count for nothing)."""
    store = Store.open()
    attempt = store.unfinished_attempt(store.learner_id())
    assert attempt is not None
    shown = f"shown-{attempt.id}-{attempt.next_position()}"
    at.session_state[shown] = at.session_state[shown] - seconds
    return at


def _on_question_page(at: AppTest) -> bool:
    return any(r.key and r.key.startswith("confidence-") for r in at.radio)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_an_exception(page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception


def test_an_attempt_answered_too_fast_to_read_shows_why_there_is_no_chart_of_levels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quiz.measure.rapid as rapid

    monkeypatch.setattr(rapid, "FLOOR_S", 1e6)  # every answer is now a rapid guess
    monkeypatch.setattr(rapid, "CAP_S", 1e6)
    at = _start(_app())
    while _on_question_page(at):
        at = _answer_current(at)
    assert not at.exception
    assert "came too fast to have been read" in at.warning[0].value
    assert "No chart of your levels this time" in at.info[0].value
    assert not any("inferred mostly from your other skills" in caption.value for caption in at.caption)
    assert len(at.get("plotly_chart")) == 1  # the confidence chart alone, not an empty radar
    at.switch_page("app_pages/progress.py").run()
    assert not at.exception
    assert "No readiness to chart over time yet" in at.info[0].value
    assert not at.get("plotly_chart")
    rushed = next(box.value for box in at.info if "of your latest attempt came too fast" in box.value)
    answered = int(rushed.split(" of the ")[1].split(" ")[0])
    assert rushed.startswith(f"{answered} of the {answered} answers")  # skipped ones are not counted as given
    assert rushed.endswith("Take the next attempt at your own pace.")
    hints = [block.value for block in at.markdown if block.value.startswith("- **")]
    assert hints and all("no answer counted towards it this time" in hint for hint in hints)


def test_home_explains_the_assessment_and_offers_the_settings() -> None:
    at = _app()
    assert "measures your back-end skills" in at.markdown[0].value
    assert list(at.selectbox(key="profile").options) == [
        "Junior back-end developer",
        "Mid-level back-end developer",
        "Senior back-end developer",
    ]
    assert "Python" in at.multiselect(key="languages").options


def test_a_quick_assessment_reaches_the_results_and_the_plan() -> None:
    at = _start(_app())
    assert at.subheader[0].value.startswith("Question 1 of ")
    total = int(at.subheader[0].value.rsplit(" ", 1)[1])
    assert 14 <= total <= 18
    for index in range(total):
        assert "answered" in at.get("progress")[0].proto.text
        at = _answer_current(at, confidence="certain", skip=index == 2)
        assert not at.exception
    assert not _on_question_page(at)
    assert at.title[0].value.startswith("Your results")
    assert at.metric[0].label == "Readiness"
    assert "±" in at.metric[0].value
    assert any("inferred mostly from your other skills" in caption.value for caption in at.caption)
    assert len(at.get("plotly_chart")) == 3
    assert len(at.expander) >= total
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception
    assert at.title[0].value.startswith("Your training plan")
    captions = [caption.value for caption in at.caption]
    orange = any(caption.endswith(catalogue("en")["plan_why_prerequisite"]) for caption in captions)
    legend = catalogue("en")["plan_legend" if orange else "plan_legend_gaps_only"]
    assert legend in captions  # the legend explains an orange bar only when the plan has one
    at.number_input(key="hours_per_week").set_value(4).run()
    assert not at.exception


def test_the_assessment_refuses_an_answer_without_a_confidence() -> None:
    at = _start(_app())
    choices = [r for r in at.radio if r.key and r.key.startswith("choice-")]
    if choices:  # the first question may be single choice (a radio) or "select all" (checkboxes)
        choices[0].set_value(choices[0].options[0])
    else:
        next(c for c in at.checkbox if c.key and c.key.startswith("opt-")).check()
    next(b for b in at.button if b.label == "Submit answer").click().run()
    assert "Say how sure you are" in at.error[0].value
    assert at.subheader[0].value.startswith("Question 1 of")


def test_practice_mode_shows_the_answer_and_explanation_straight_away() -> None:
    at = _answer_current(_start(_app(), practice=True))
    assert any(line.value.startswith("**Best answer:**") for line in at.markdown)
    next(b for b in at.button if b.label == "Next question").click().run()
    assert at.subheader[0].value.startswith("Question 2 of")


def test_rebuilding_the_app_offers_to_resume_with_the_same_questions(data_dir: Path) -> None:
    at = _start(_app())
    first_prompt = None
    for _ in range(5):
        at = _answer_current(at)
    first_prompt = at.markdown[0].value
    st.cache_resource.clear()
    again = _app()  # a new session against the same database: a reload, a closed tab, a restarted server
    resume = next(b for b in again.button if b.label.startswith("Resume"))
    assert "5 of" in resume.label
    resume.click().run()
    assert again.subheader[0].value.startswith("Question 6 of")
    assert again.markdown[0].value == first_prompt
    total = int(again.subheader[0].value.rsplit(" ", 1)[1])
    for _ in range(total - 5):
        again = _answer_current(again)
    store = Store.open()
    attempts = store.attempts(store.learner_id())
    assert len(attempts) == 1
    assert attempts[0].answered == total
    assert len({r.question_id for r in attempts[0].responses}) == total


def test_a_broken_question_file_is_reported_and_the_rest_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = content()
    files["git.yaml"] = "skill: git\nquestions: [\n"
    folder = write_content(tmp_path / "broken", files)
    monkeypatch.setenv("DEVREADY_CONTENT_DIR", str(folder))
    at = _app()
    assert not at.exception
    assert at.expander[0].label.startswith("1 problem in the question files")
    at = _start(at)
    assert at.subheader[0].value.startswith("Question 1 of")


def _finish_quick(at: AppTest, wrong: bool = False) -> AppTest:
    at = _start(at)
    while _on_question_page(at):
        at = _answer_current(at, skip=wrong)
    return at


def test_the_progress_page_shows_history_comparison_hints_and_exports() -> None:
    _finish_quick(_app(), wrong=True)
    # AppTest keeps running the page it was last switched to, so each attempt gets its own session.
    at = _finish_quick(_app())
    at.switch_page("app_pages/progress.py").run()
    assert not at.exception
    assert at.title[0].value == "Your progress"
    assert len(at.dataframe[0].value) == 2
    assert at.selectbox(key="compare_a").value != at.selectbox(key="compare_b").value
    assert len(at.get("plotly_chart")) == 3
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["My data (CSV)", "My data (JSON)", "Report (HTML)"]
    assert any(subheader.value == "What to retake next" for subheader in at.subheader)


def test_the_results_page_offers_the_exports_and_a_download_leaves_the_page_as_it_is() -> None:
    at = _finish_quick(_app())
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["My data (CSV)", "My data (JSON)", "Report (HTML)"]
    # A rerun on the click would revoke the file being built for it: the download would fail.
    assert all(button.proto.ignore_rerun for button in at.get("download_button"))


def test_starting_over_leaves_the_abandoned_attempt_behind() -> None:
    at = _start(_app())
    at = _answer_current(at)
    at.switch_page("app_pages/home.py").run()
    next(b for b in at.button if b.label == "Start a new one instead").click().run()
    assert not any(b.label.startswith("Resume") for b in at.button)
    at.switch_page("app_pages/assessment.py").run()
    assert at.info[0].value.startswith("No assessment in progress")


def test_practice_feedback_does_not_leak_into_the_next_attempt() -> None:
    at = _answer_current(_start(_app(), practice=True))
    at.switch_page("app_pages/home.py").run()
    next(b for b in at.button if b.label == "Start a new one instead").click().run()
    at.toggle(key="practice").set_value(False)
    at = _start(at)
    assert at.subheader[0].value.startswith("Question 1 of")
    assert not any(b.label == "Next question" for b in at.button)


def test_an_adaptive_assessment_ends_by_its_stopping_rule_and_shows_decisions() -> None:
    at = _app()
    at.radio(key="adaptive").set_value(True)
    at = _start(at)
    assert at.subheader[0].value == "Question 1"
    assert "of 14 skills decided" in at.get("progress")[0].proto.text
    answered = 0
    while _on_question_page(at):
        at = _answer_current(_after_reading(at), skip=answered % 3 == 0)
        answered += 1
        assert answered <= 80
    assert not at.exception
    assert any(s.value == f"Decided from {answered} questions" for s in at.subheader)
    decisions = at.dataframe[0].value
    assert list(decisions.columns) == ["Skill", "Decision", "Probability of that decision", "SE (ability)", "Answers"]
    assert len(decisions) == 14
    assert set(decisions["Decision"]) <= {
        "at or above the target",
        "below the target",
        "leaning at or above the target (not yet sure)",
        "leaning below the target (not yet sure)",
    }
    assert answered < 14 * 8  # the stopping rule ended it well before every skill's maximum


def test_an_adaptive_attempt_resumes_on_the_question_it_had_chosen() -> None:
    at = _app()
    at.radio(key="adaptive").set_value(True)
    at = _start(at)
    for _ in range(4):
        at = _answer_current(at)
    shown = at.markdown[0].value
    st.cache_resource.clear()
    again = _app()
    next(b for b in again.button if b.label.startswith("Resume")).click().run()
    assert again.subheader[0].value == "Question 5"
    assert again.markdown[0].value == shown


def test_an_adaptive_retake_opens_with_a_question_not_met_before() -> None:
    at = _app()
    at.radio(key="adaptive").set_value(True)
    at = _start(at)
    while _on_question_page(at):
        at = _answer_current(at)
    at.switch_page("app_pages/home.py").run()
    at.radio(key="adaptive").set_value(True)
    at = _start(at)
    assert _on_question_page(at)
    store = Store.open()
    learner = store.learner_id()
    first, retake = sorted(store.attempts(learner, finished_only=False), key=lambda a: a.started_at)
    met_before = {item.question_id for item in first.quiz.items}
    # Ten or so questions per skill sit on the cut and are equally informative; the first attempt used
    # at most eight of them, so the retake must open with one the learner has not seen.
    assert retake.quiz.items[0].question_id not in met_before

"""One question at a time; every answer is stored the moment it is given."""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st
from sqlalchemy.exc import OperationalError

from app_pages.context import (
    FEEDBACK_KEY,
    IN_PROGRESS_KEY,
    bank_report,
    current_attempt_id,
    learner_id,
    set_current_attempt,
    sign_in_still_valid,
    signed_out_since_callback,
    store,
)
from quiz.content.kinds import KINDS, Answering
from quiz.content.models import Question
from quiz.measure.adaptive import AdaptiveSession, item_pool
from quiz.measure.scoring import SKIP_CREDIT, score_answer
from quiz.messages import t
from quiz.report.attempt_result import CONFIDENCE_LEVELS, answer_key_markdown
from quiz.report.chosen_text import shown_option
from quiz.store.adaptive_flow import choose_next, session_from_attempt
from quiz.store.attempt import Attempt
from quiz.store.database import AttemptClosed

bank = bank_report().bank


def adaptive_session(attempt: Attempt) -> AdaptiveSession:
    """The adaptive state, rebuilt from the stored answers and kept while their number is unchanged."""
    key = f"adaptive-{attempt.id}"
    cached = st.session_state.get(key)
    if cached is not None and cached[0] == attempt.answered:
        return cached[1]
    # What earlier attempts showed does not change during this one: read it once per attempt.
    seen_key = f"seen-{attempt.id}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = frozenset(store().seen_questions(learner_id()))
    seen = st.session_state[seen_key]
    session = session_from_attempt(bank, item_pool(bank), attempt, seen)
    st.session_state[key] = (attempt.answered, session)
    return session


def _load_attempt() -> Attempt | None:
    """This session's attempt: read from the store once, then kept in step with what this page writes."""
    attempt_id = current_attempt_id()
    if attempt_id is None:
        return None
    cached = st.session_state.get(IN_PROGRESS_KEY)
    if isinstance(cached, Attempt) and cached.id == attempt_id:
        return cached
    if store().attempt_owner(attempt_id) != learner_id():
        return None
    attempt = store().attempt(attempt_id)
    if attempt is None or attempt.abandoned:
        return None
    st.session_state[IN_PROGRESS_KEY] = attempt
    return attempt


def _forget_attempt() -> None:
    st.session_state.pop(IN_PROGRESS_KEY, None)


# What the submit callback leaves for the script run that follows it: a message key, or the attempt
# finished in another tab.
NOTICE_KEY = "answer_notice"
CLOSED = "attempt_closed"


def _store_answer(
    attempt: Attempt,
    question_id: str,
    position: int,
    chosen: list[str],
    score: float,
    confidence: str | None,
    seconds: float | None,
) -> bool:
    """Write the answer now (it is committed before the page moves on), then update the kept copy.

    False, with the reason left in NOTICE_KEY, when it was not stored: the page then stays where it
    is, with the learner's choice still selected.
    """
    try:
        answer = store().record_answer(attempt.id, question_id, position, chosen, score, confidence, seconds)
    except AttemptClosed:
        _forget_attempt()  # a stale copy: another tab finished this attempt
        st.session_state[NOTICE_KEY] = CLOSED
        return False
    except OperationalError:
        st.session_state[NOTICE_KEY] = "answer_not_saved"
        return False
    others = tuple(r for r in attempt.responses if r.question_id != question_id)
    st.session_state[IN_PROGRESS_KEY] = replace(attempt, responses=(*others, answer))
    return True


def _submit(attempt: Attempt, question: Question, position: int, ordered: list[str], skipped: bool) -> None:
    """The submit and skip buttons' callback. It runs before the script, so the run that follows
    already shows the next question: one script run per answer, not two."""
    if not sign_in_still_valid():
        return  # app.py, next, shows the sign-in page
    state = st.session_state
    if KINDS[question.kind].answering is Answering.SEVERAL:
        picked = [text for index, text in enumerate(ordered) if state.get(f"opt-{position}-{index}")]
    else:
        choice = state.get(f"choice-{position}")
        picked = [choice] if choice is not None else []
    confidence = state.get(f"confidence-{position}")
    if not skipped and not picked:
        state[NOTICE_KEY] = "error_pick_answer"
        return
    if not skipped and confidence is None:
        state[NOTICE_KEY] = "error_pick_confidence"
        return
    chosen = [] if skipped else picked
    shown_key = f"shown-{attempt.id}-{position}"
    seconds = round(time.monotonic() - state[shown_key], 1) if shown_key in state else None
    score = score_answer(question, chosen)
    if _store_answer(attempt, question.id, position, chosen, score, None if skipped else confidence, seconds):
        state.pop(shown_key, None)
        if attempt.quiz.settings.practice:
            state[FEEDBACK_KEY] = (attempt.id, question.id)


def _show_notice() -> None:
    """What the last submit left to say: why the answer was not stored, or what is missing."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice == "answer_not_saved":
        st.error(t("answer_not_saved"), icon=":material/cloud_off:")
    elif notice:
        st.error(t(notice))


def _show_question(question: Question, position: int, total: int) -> None:
    skill = bank.skills[bank.skill_of(question.id)]
    st.caption(t("question_meta", skill=skill.name, level=question.difficulty))
    st.markdown(question.prompt)
    if question.code:
        st.code(question.code, language=question.language or "text")
    if KINDS[question.kind].answering is Answering.SEVERAL:
        st.caption(t("select_all_that_apply"))


def _next_after_feedback() -> None:
    """The Next button's callback: like an answer, it checks the sign-in before the question changes."""
    if sign_in_still_valid():
        st.session_state.pop(FEEDBACK_KEY, None)


def _feedback(attempt: Attempt, question_id: str) -> None:
    """Practice mode: right or wrong, the right answer, why, and where to learn more."""
    question = bank.questions[question_id]
    response = attempt.response_for(question_id)
    _show_question(question, 0, 0)
    score = response.score if response else SKIP_CREDIT
    if response is None or response.skipped:
        st.info(t("feedback_skipped"))
    elif score == 1.0:
        st.success(t("feedback_right"))
    elif score > 0:
        st.warning(t("feedback_partial", credit=score))
    else:
        st.error(t("feedback_wrong"))
    if response and response.chosen:
        chosen = (shown_option(question, text) for text in response.chosen)
        st.text(t("your_answer") + " " + "; ".join(chosen))  # learner text: never Markdown
    st.markdown(answer_key_markdown(question))
    st.button(t("next_button"), type="primary", key="next", on_click=_next_after_feedback)


def _answer_form(attempt: Attempt, question: Question, position: int) -> None:
    choices = question.choices
    ordered = [choices[index].text for index in attempt.quiz.items[position].option_order]
    with st.form(f"answer-{attempt.id}-{position}", clear_on_submit=False):
        if KINDS[question.kind].answering is Answering.SEVERAL:
            for index, text in enumerate(ordered):
                st.checkbox(text, key=f"opt-{position}-{index}")
        else:
            st.radio(
                t("your_answer_label"),
                ordered,
                index=None,
                format_func=lambda text: shown_option(question, text),  # "True" / "False" in the reader's words
                key=f"choice-{position}",
            )
        st.radio(
            t("confidence_label"),
            CONFIDENCE_LEVELS,
            index=None,
            format_func={level: t(f"confidence_{level}") for level in CONFIDENCE_LEVELS}.__getitem__,
            horizontal=True,
            key=f"confidence-{position}",
        )
        submit_col, skip_col = st.columns([1, 1])
        answer = (attempt, question, position, ordered)
        submit_col.form_submit_button(t("submit_button"), type="primary", on_click=_submit, args=(*answer, False))
        skip_col.form_submit_button(t("skip_button"), on_click=_submit, args=(*answer, True))


@st.fragment
def _question_in_progress() -> None:
    """Progress, the current question and its form. An answer reruns only this part, not the whole app:
    a learner's answer is the step a cohort repeats thousands of times, and the navigation, language
    and style around it do not change (docs/deploy.md, "Where an answer's CPU goes")."""
    if signed_out_since_callback() or st.session_state.get(NOTICE_KEY) == CLOSED:
        st.rerun()  # the whole app: the sign-in page, or the page saying the attempt was finished elsewhere
    attempt = _load_attempt()
    if attempt is None:
        st.rerun()
    assert attempt is not None
    adaptive = attempt.quiz.settings.adaptive
    if adaptive:
        session = adaptive_session(attempt)
        skills_total = len(session.skills)
        st.progress(
            session.stopped_count / skills_total,  # the bar: skills no longer asked; the text: those decided
            text=t("progress_adaptive", decided=session.decided_count, skills=skills_total, answered=attempt.answered),
        )
        if attempt.next_position() is None and not st.session_state.get(FEEDBACK_KEY):
            following = choose_next(bank, session, attempt)
            if following is not None:
                store().append_item(attempt.id, following)  # stored before it is shown: a resume shows it again
                _forget_attempt()
                attempt = _load_attempt() or attempt
    total = len(attempt.quiz)
    if not adaptive:
        st.progress(
            attempt.answered / total if total else 1.0, text=t("progress", answered=attempt.answered, total=total)
        )

    feedback = st.session_state.get(FEEDBACK_KEY)
    if feedback and feedback[0] == attempt.id:
        _feedback(attempt, feedback[1])
        return

    position = attempt.next_position()
    if position is None:
        store().finish_attempt(attempt.id)
        _forget_attempt()
        st.switch_page("app_pages/results.py")
    assert position is not None

    item = attempt.quiz.items[position]
    question = bank.questions.get(item.question_id)
    if question is None:  # the question was removed from the bank since the attempt started
        stored = _store_answer(attempt, item.question_id, position, [], SKIP_CREDIT, None, None)
        if stored or st.session_state.get(NOTICE_KEY) == CLOSED:
            st.rerun()  # to the next question, or to the page that says the attempt was finished elsewhere
        _show_notice()
        return

    shown_key = f"shown-{attempt.id}-{position}"
    st.session_state.setdefault(shown_key, time.monotonic())
    if adaptive:
        st.subheader(t("question_number_adaptive", number=position + 1))
    else:
        st.subheader(t("question_number", number=position + 1, total=total))
    _show_question(question, position, total)
    _answer_form(attempt, question, position)
    _show_notice()


if st.session_state.get(NOTICE_KEY) == CLOSED:
    st.session_state.pop(NOTICE_KEY)
    st.warning(t("attempt_closed"))
    st.page_link("app_pages/results.py", label=t("go_results"), icon=":material/insights:")
    st.stop()

if _load_attempt() is None:
    # A reload or a new tab starts a new session: offer the learner's unfinished attempt, if any.
    unfinished = store().unfinished_attempt(learner_id())
    if unfinished is not None:
        st.subheader(t("resume_title"))
        label = t("resume_button", answered=unfinished.answered, total=len(unfinished.quiz))
        if st.button(label, type="primary", key="resume_here"):
            set_current_attempt(unfinished.id)
            st.rerun()
        st.page_link("app_pages/home.py", label=t("go_home"), icon=":material/home:")
        st.stop()
    st.info(t("no_attempt"))
    st.page_link("app_pages/home.py", label=t("go_home"), icon=":material/home:")
    st.stop()

_question_in_progress()
st.caption(t("assessment_footer"))

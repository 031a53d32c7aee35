"""Start screen: what the assessment measures, the settings, and resuming an unfinished attempt."""

from __future__ import annotations

import random

import streamlit as st

from app_pages.context import (
    bank_report,
    clear_current_attempt,
    learner_id,
    set_current_attempt,
    show_bank_problems,
    store,
)
from quiz.measure.assemble import QUESTION_BUDGET, AssessmentSettings, Length, assemble_quiz
from quiz.messages import moment, t
from quiz.store.adaptive_flow import new_adaptive_quiz

bank = bank_report().bank

st.title(t("home_title"))
st.write(t("home_intro"))
show_bank_problems()

if not bank.profiles or not bank.questions:
    st.error(t("home_no_content"))
    st.stop()

unfinished = store().unfinished_attempt(learner_id())
if unfinished is not None:
    with st.container(border=True):
        st.subheader(t("resume_title"))
        st.write(t("resume_text", started=moment(unfinished.started_at)))
        resume_col, restart_col = st.columns(2)
        if resume_col.button(
            t("resume_button", answered=unfinished.answered, total=len(unfinished.quiz)), type="primary", key="resume"
        ):
            set_current_attempt(unfinished.id)
            st.switch_page("app_pages/assessment.py")
        if restart_col.button(t("restart_button"), key="restart"):
            store().abandon_attempt(unfinished.id)
            clear_current_attempt()
            st.rerun()

language_ids = list(bank.language_skills)
other_skills = [skill_id for skill_id in bank.skills if skill_id not in language_ids]
lengths = list(Length)
# Labels are worded now, in this run's language: a format_func may be called later, outside it.
length_labels = {length: t(f"length_{length.value}", count=QUESTION_BUDGET[length]) for length in lengths}
mode_labels = {False: t("mode_fixed"), True: t("mode_adaptive")}

with st.form("settings"):
    profile_id = st.selectbox(
        t("setting_profile"),
        options=list(bank.profiles),
        format_func=lambda profile: bank.profiles[profile].title,
        key="profile",
    )
    languages = st.multiselect(
        t("setting_languages"),
        placeholder=t("choose_options"),
        options=language_ids,
        default=language_ids[:1],
        format_func=lambda skill: bank.skills[skill].name,
        key="languages",
        help=t("setting_languages_help"),
    )
    length = st.radio(
        t("setting_length"),
        options=lengths,
        index=1,
        format_func=length_labels.__getitem__,
        key="length",
        horizontal=True,
    )
    focus = st.multiselect(
        t("setting_focus"),
        placeholder=t("choose_options"),
        options=other_skills,
        format_func=lambda skill: bank.skills[skill].name,
        key="focus",
        help=t("setting_focus_help"),
    )
    adaptive = st.radio(
        t("setting_mode"),
        options=[False, True],
        format_func=mode_labels.__getitem__,
        key="adaptive",
        help=t("setting_mode_help"),
    )
    practice = st.toggle(t("setting_practice"), key="practice", help=t("setting_practice_help"))
    start = st.form_submit_button(t("start_button"), type="primary")

if start:
    if not languages:
        st.error(t("error_pick_language"))
        st.stop()
    settings = AssessmentSettings(
        profile_id, tuple(languages), Length(length), tuple(focus), bool(practice), adaptive=bool(adaptive)
    )
    learner = learner_id()
    if unfinished is not None:
        store().abandon_attempt(unfinished.id)
    if settings.adaptive:  # questions are chosen one at a time, from the answers so far
        quiz = new_adaptive_quiz(bank, settings)
    else:
        quiz = assemble_quiz(bank, settings, seen=store().seen_questions(learner), rng=random.Random())
    set_current_attempt(store().start_attempt(learner, quiz))
    st.switch_page("app_pages/assessment.py")

st.caption(t("home_footer"))

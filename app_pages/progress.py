"""Progress over time: every attempt, readiness and skills over time, comparisons, exports, import."""

from __future__ import annotations

import streamlit as st

from app_pages.context import bank_report, learner_id, show_exports, store
from app_pages.progress_views import (
    attempt_labels_and_skills,
    change_table,
    damaged_attempts,
    history_results,
    history_table,
    progress_figure,
)
from quiz.messages import current_locale, moment, t
from quiz.report.history import retake_hints
from quiz.store.database import history_signature, import_attempts
from quiz.store.history_import import InvalidExport, parse_export

bank = bank_report().bank
learner = learner_id()
# The history changes with every attempt, its wording with the language: both key the cached views.
signature = (*history_signature(store(), learner), current_locale())
history = history_results(learner, signature)

st.title(t("progress_title"))
for damage in damaged_attempts(learner, signature):
    when = moment(damage.attempt.started_at)
    st.warning(t("attempt_damaged_in_history", date=when, reason=damage.reason), icon=":material/report:")
if not history:
    st.info(t("no_results"))
    st.page_link("app_pages/home.py", label=t("go_home"), icon=":material/home:")
else:
    st.dataframe(history_table(learner, signature), hide_index=True)
    if any(result.readiness.skills_measured for result in history):
        st.plotly_chart(progress_figure(learner, signature, "readiness"), key="readiness_over_time")
    else:  # every attempt's answers came too fast to count: an empty chart would look broken
        st.info(t("no_readiness_over_time"), icon=":material/show_chart:")

    labels, skills = attempt_labels_and_skills(learner, signature)
    if skills:
        skill = st.selectbox(
            t("progress_skill"), skills, format_func=lambda s: bank.skills[s].name, key="progress_skill"
        )
        st.plotly_chart(progress_figure(learner, signature, "skill", skill), key="level_over_time")

    ids = list(labels)
    if len(ids) >= 2:
        st.subheader(t("compare_title"))
        left, right = st.columns(2)
        first = left.selectbox(t("attempt_label_a"), ids, index=len(ids) - 2, format_func=labels.get, key="compare_a")
        second = right.selectbox(t("attempt_label_b"), ids, index=len(ids) - 1, format_func=labels.get, key="compare_b")
        st.plotly_chart(progress_figure(learner, signature, "compare", first, second), key="compare_radar")
        st.dataframe(change_table(learner, signature, first, second), hide_index=True)
        st.caption(t("compare_help"))

    st.subheader(t("retake_title"))
    latest = history[-1]
    if latest.many_rapid_guesses:
        st.info(
            t("retake_after_rapid", count=len(latest.rapid_guesses), answered=latest.answers_given),
            icon=":material/fast_forward:",
        )
    for hint in retake_hints(latest):
        skill = f"**{bank.skills[hint.skill_id].name}**"
        st.markdown("- " + t("labelled", label=skill, text=t("retake_" + hint.reason)))

    st.subheader(t("exports_title"))
    report_id = st.selectbox(t("report_pick"), ids[::-1], format_func=labels.get, key="report_attempt")
    show_exports(next(r for r in history if r.attempt.id == report_id), key="progress")

st.subheader(t("import_title"))
uploaded = st.file_uploader(t("import_label"), type=["json"], key="import_file", help=t("import_help"))
if uploaded is not None and st.button(t("import_button"), key="import"):
    try:
        attempts = parse_export(uploaded.getvalue(), bank)
    except InvalidExport as error:
        st.error(t("import_invalid", error=str(error)))
    else:
        imported, skipped = import_attempts(store(), learner, attempts)
        counts = [t("import_imported", count=imported)] + ([t("import_skipped", count=skipped)] if skipped else [])
        st.success(" ".join([*counts, t("import_rescored")]))
        if imported:
            st.page_link("app_pages/progress.py", label=t("import_see_history"), icon=":material/timeline:")

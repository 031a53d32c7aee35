"""Results: readiness with its uncertainty, the gaps, calibration, a review of every answer.

A thin page: the result is `quiz/report/attempt_result.py`, its cached views `app_pages/result_views.py`.
"""

from __future__ import annotations

import streamlit as st

from app_pages.context import bank_report, finished_attempt_or_stop, result_or_stop, show_exports
from app_pages.result_views import decision_table, result_figures, review_entries, skill_table
from quiz.measure.scoring import MIN_ANSWERS_FOR_LEVEL
from quiz.messages import current_locale, day, t
from quiz.report.result_tables import decision_notes
from quiz.report.summary import salary_sentences

bank = bank_report().bank


attempt = finished_attempt_or_stop()

result = result_or_stop(attempt)
figures = result_figures(attempt.id, current_locale(), result)
profile = result.profile
ready = result.readiness

st.title(t("results_title", role=profile.title))
st.caption(t("results_when", date=day(attempt.started_at), count=attempt.answered))
if ready.skills_measured:
    st.metric(t("readiness_label"), t("readiness_value", value=ready.value, sd=ready.sd))
st.subheader(result.sentence)
if result.caveat:
    st.info(result.caveat, icon=":material/balance:")
if result.any_level_estimated:  # otherwise "the others inferred from your other skills" would be untrue
    st.caption(
        t(
            "readiness_help",
            count=result.skills_with_own_answers,
            total=ready.skills_total,
            minimum=MIN_ANSWERS_FOR_LEVEL,
        )
    )
st.page_link("app_pages/scoring.py", label=t("how_readiness_works"), icon=":material/calculate:")
if result.rapid_guesses:
    st.warning(t("rapid_guesses", count=len(result.rapid_guesses)), icon=":material/fast_forward:")

if result.answers_deciding:  # an adaptive attempt with at least one answer that counts
    st.subheader(t("adaptive_title", count=result.answers_deciding))
    st.dataframe(decision_table(attempt.id, current_locale(), result), hide_index=True)
    for note in decision_notes(result, bank):
        st.caption(note)

if "radar" in figures:
    st.plotly_chart(figures["radar"], key="radar")
    st.plotly_chart(figures["gaps"], key="gaps")
else:
    st.info(t("nothing_to_chart"), icon=":material/bar_chart:")
st.subheader(t("skills_table_title"))
st.dataframe(skill_table(attempt.id, current_locale(), result), hide_index=True)

if "calibration" in figures:  # a confidence was given with at least one answer
    st.subheader(t("calibration_title"))
    st.plotly_chart(figures["calibration"], key="calibration")
    wrong_but_sure = result.certain_and_wrong
    if wrong_but_sure:
        st.warning(t("certain_and_wrong", count=len(wrong_but_sure)))
    else:
        st.caption(t("no_certain_and_wrong"))

st.page_link("app_pages/plan.py", label=t("go_plan"), icon=":material/route:")

st.subheader(t("review_title"))
for label, body in review_entries(attempt.id, current_locale(), result):
    with st.expander(label):
        st.markdown(body)

st.subheader(t("exports_title"))
show_exports(result, key="results")

salary_text, salary_source = salary_sentences(profile)
st.subheader(t("salary_title"))
st.write(salary_text)
st.caption(salary_source)

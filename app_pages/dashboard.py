"""The instructor's dashboard (hosted mode): a cohort at a glance, its skills × learners, what to teach
next, the trend, who is inactive, one learner's view, question health, exports.

A thin page: the figures are `quiz/report/cohort_view.py`, its tables and charts `cohort_tables.py`
and `cohort_charts.py`; every read goes through `quiz/store/cohorts.py`, which checks who asks.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.context import bank_report, cohort_result_of, offer_download, signed_in_instructor, store
from app_pages.dashboard_views import dashboard_parts
from app_pages.result_views import result_figures, skill_table
from quiz.messages import current_locale, day, percent, t
from quiz.report import charts
from quiz.report.cohort_report import render_cohort_report
from quiz.report.cohort_tables import cohort_csv
from quiz.report.cohort_view import MIN_COHORT_RESPONSES, MIN_SHARING_LEARNERS
from quiz.store.cohorts import cohort_signature, taught_cohorts

st.title(t("dashboard_title"))
instructor = signed_in_instructor()
if instructor is None:
    st.warning(t("dashboard_instructors_only"))
    st.stop()
assert instructor is not None
bank = bank_report().bank

cohorts = taught_cohorts(store(), instructor)
if not cohorts:
    st.info(t("dashboard_no_cohort"))
    st.page_link("app_pages/cohorts.py", label=t("nav_cohorts"), icon=":material/groups:")
    st.stop()
chosen = st.selectbox(
    t("dashboard_cohort"),
    [c.id for c in cohorts],
    format_func=lambda i: next(c.name for c in cohorts if c.id == i),
    key="dashboard_cohort",
)
# A selectbox only returns one of its options, all from taught_cohorts; cohort_signature checks again.
cohort = next(c for c in cohorts if c.id == chosen)


signature = cohort_signature(store(), instructor, cohort.id)  # checks again that this instructor teaches it
parts = dashboard_parts(cohort.id, signature, current_locale(), date.today(), instructor)
view = parts.view
members = [standing.member for standing in view.standings]
role = bank.profiles[cohort.profile_id].title
st.caption(t("cohort_summary", role=role, start=day(cohort.starts_on), end=day(cohort.ends_on)))

if view.hidden:
    st.info(t("dashboard_threshold", minimum=MIN_SHARING_LEARNERS, count=view.sharing))
    if members:
        st.subheader(t("dashboard_roster"))
        st.dataframe(pd.DataFrame({t("cohort_col_learner"): [m.name for m in members]}), hide_index=True)
    st.stop()


def overview() -> None:
    st.subheader(t("dashboard_glance_title"))
    sharing_col, week_col, ready_col = st.columns(3)
    sharing_col.metric(t("dashboard_sharing"), view.sharing)
    week_col.metric(t("dashboard_attempts_week"), view.attempts_this_week)
    if view.readiness is not None:
        spread = view.readiness
        ready_col.metric(t("dashboard_median_readiness"), percent(spread.median))
        st.caption(t("dashboard_median_value", median=spread.median, q1=spread.q1, q3=spread.q3, count=spread.count))
    st.plotly_chart(parts.heatmap, key="cohort_heatmap")
    st.caption(t("dashboard_heatmap_help"))
    st.subheader(t("dashboard_gaps_title"))
    st.caption(t("dashboard_gaps_help"))
    if parts.gaps is not None:
        st.dataframe(parts.gaps, hide_index=True)
    else:
        st.caption(t("dashboard_no_gaps"))


def learners() -> None:
    st.subheader(t("dashboard_learners_title"))
    st.dataframe(parts.learners, hide_index=True)  # the heatmap's numbers, as text
    st.subheader(t("dashboard_inactive_title"))
    if view.inactive:
        st.dataframe(pd.DataFrame({t("cohort_col_learner"): [m.name for m in view.inactive]}), hide_index=True)
    else:
        st.caption(t("dashboard_inactive_none"))
    st.subheader(t("dashboard_learner_title"))
    names = {s.member.learner_id: s.member.name for s in view.standings}
    picked = st.selectbox(
        t("dashboard_learner_pick"), list(names), format_func=names.__getitem__, key="dashboard_learner"
    )
    standing = next(s for s in view.standings if s.member.learner_id == picked)
    if standing.latest is None:
        st.caption(t("dashboard_learner_none"))
        return
    result = standing.latest
    ready = result.readiness
    if ready.skills_measured:  # with nothing counted, "0% ± 0%" would read as a measured zero
        st.metric(t("readiness_label"), t("readiness_value", value=ready.value, sd=ready.sd))
    st.write(result.sentence)
    if result.caveat:
        st.caption(result.caveat)
    figures = result_figures(result.attempt.id, current_locale(), result)
    if "gaps" in figures:
        st.plotly_chart(figures["gaps"], key="learner_gaps")
    else:  # every answer of that attempt came too fast to count: no level to draw
        st.caption(t("dashboard_learner_nothing_counted"))
    st.dataframe(skill_table(result.attempt.id, current_locale(), result), hide_index=True)
    history = [cohort_result_of(attempt) for attempt in standing.role_attempts]
    if sum(1 for past in history if past.readiness.skills_measured) > 1:
        st.plotly_chart(charts.readiness_over_time(history), key="learner_progress")


def trend() -> None:
    st.subheader(t("dashboard_trend_title"))
    st.caption(t("dashboard_trend_help", minimum=MIN_SHARING_LEARNERS))
    if parts.trend is not None and parts.trend_table is not None:
        st.plotly_chart(parts.trend, key="cohort_trend")
        st.dataframe(parts.trend_table, hide_index=True)
    else:
        st.caption(t("dashboard_no_trend", minimum=MIN_SHARING_LEARNERS))


def questions() -> None:
    st.subheader(t("dashboard_items_title"))
    st.caption(t("dashboard_items_help", minimum=MIN_COHORT_RESPONSES))
    if parts.items is not None:
        st.dataframe(parts.items, hide_index=True)
    else:
        st.caption(t("dashboard_no_items"))


# One part at a time: a cohort of 200 is a long page, and each rerun draws only what is on screen.
SECTIONS = {"overview": overview, "learners": learners, "trend": trend, "questions": questions}
section = st.segmented_control(
    t("dashboard_section"),
    list(SECTIONS),
    default="overview",
    format_func={name: t(f"dashboard_section_{name}") for name in SECTIONS}.__getitem__,
    key="dashboard_section",
)
SECTIONS[section or "overview"]()

st.subheader(t("dashboard_exports"))
csv_col, html_col = st.columns(2)
stamp = date.today().isoformat()
offer_download(
    csv_col,
    t("download_cohort_csv"),
    lambda: cohort_csv(view, bank),
    file_name=f"devready-cohort-{stamp}.csv",
    mime="text/csv",
    key="cohort_csv",
)
offer_download(
    html_col,
    t("download_cohort_report"),
    lambda: render_cohort_report(view, bank),
    file_name=f"devready-cohort-{stamp}.html",
    mime="text/html",
    key="cohort_html",
)

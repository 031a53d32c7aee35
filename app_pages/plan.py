"""The training plan: modules that close the gaps, in order, on a week-by-week timeline."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages.context import bank_report, finished_attempt_or_stop, result_or_stop
from app_pages.result_views import plan_with_timeline
from quiz.messages import current_locale, day, t

bank = bank_report().bank


attempt = finished_attempt_or_stop()

result = result_or_stop(attempt)
st.title(t("plan_title", role=result.profile.title))
hours = st.number_input(t("hours_per_week"), min_value=1, max_value=60, value=8, step=1, key="hours_per_week")
plan, timeline = plan_with_timeline(attempt.id, current_locale(), float(hours), date.today(), result)

if not result.readiness.skills_measured:  # nothing counted (every answer a rapid guess, say): no gap is known
    st.info(t("plan_nothing_measured"))
elif not plan.items:
    st.success(t("plan_empty"))
else:
    st.write(
        t(
            "plan_summary",
            count=len(plan.items),
            hours=plan.total_hours,
            weeks=plan.weeks,
            date=day(plan.target_date),
        )
    )
    st.plotly_chart(timeline, key="timeline")
    needs_prerequisites = any(item.why != "gap" for item in plan.items)  # an orange bar to explain
    st.caption(t("plan_legend") if needs_prerequisites else t("plan_legend_gaps_only"))
    for index, item in enumerate(plan.items, start=1):
        module = item.module
        with st.container(border=True):
            st.markdown(f"**{index}. {module.title}**")
            why = t("plan_why_gap") if item.why == "gap" else t("plan_why_prerequisite")
            st.caption(
                t(
                    "plan_module_meta",
                    skill=bank.skills[module.skill].name,
                    level=module.level,
                    hours=module.hours,
                    start=day(item.start),
                    end=day(item.end),
                    why=why,
                )
            )
            for resource in module.resources:
                cost = t("free") if resource.free else t("paid")
                label = f"[{resource.title}]({resource.url})" if resource.url else resource.title
                st.markdown(f"- {label} · {t('resource_' + resource.kind)} · {cost}")
            st.markdown(t("plan_project", project=module.project))

if bank.career_paths:
    st.subheader(t("careers_title"))
    st.caption(t("careers_help"))
    for career in bank.career_paths:
        kind = t("career_" + career.kind)
        st.markdown(t("career_line", title=career.title, kind=kind, description=career.description))

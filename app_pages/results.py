"""Results: readiness with its uncertainty, the gaps, calibration, a review of every answer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.context import bank_report, latest_finished_attempt, result_of
from quiz import charts
from quiz.messages import t
from quiz.results import AttemptResult
from quiz.scoring import MIN_ANSWERS_FOR_LEVEL

bank = bank_report().bank


@st.cache_resource(show_spinner=False, max_entries=64)
def _figures(attempt_id: str, _result: AttemptResult) -> dict[str, object]:
    return {
        "radar": charts.radar_chart(_result, bank),
        "gaps": charts.gap_chart(_result, bank),
        "calibration": charts.calibration_chart(_result),
    }


@st.cache_resource(show_spinner=False, max_entries=64)
def _skill_table(attempt_id: str, _result: AttemptResult) -> pd.DataFrame:
    rows = []
    for gap in _result.gaps:
        estimate = gap.estimate
        enough = estimate is not None and estimate.enough_answers
        rows.append(
            {
                t("col_skill"): bank.skills[gap.skill_id].name,
                t("col_level"): f"{estimate.level:.1f} ± {estimate.se:.1f}"
                if enough and estimate
                else t("too_few_answers")
                if estimate
                else t("not_measured"),
                t("col_target"): gap.target.level,
                t("col_meets"): f"{gap.probability_meets:.0%}" if enough and gap.probability_meets is not None else "—",
                t("col_answers"): estimate.answers if estimate else 0,
            }
        )
    return pd.DataFrame(rows)


attempt = latest_finished_attempt()
if attempt is None:
    st.info(t("no_results"))
    st.page_link("app_pages/home.py", label=t("go_home"), icon="🏠")
    st.stop()

result = result_of(attempt)
figures = _figures(attempt.id, result)
profile = result.profile
ready = result.readiness

st.title(t("results_title", role=profile.title))
st.caption(t("results_when", date=attempt.started_at.strftime("%Y-%m-%d"), count=attempt.answered))
if ready.skills_measured:
    st.metric(t("readiness_label"), t("readiness_value", value=ready.value, sd=ready.sd))
st.subheader(result.sentence)
st.caption(t("readiness_help", measured=ready.skills_measured, total=ready.skills_total, minimum=MIN_ANSWERS_FOR_LEVEL))

st.plotly_chart(figures["radar"], key="radar")
st.plotly_chart(figures["gaps"], key="gaps")
st.subheader(t("skills_table_title"))
st.dataframe(_skill_table(attempt.id, result), hide_index=True)

st.subheader(t("calibration_title"))
st.plotly_chart(figures["calibration"], key="calibration")
wrong_but_sure = result.certain_and_wrong
if wrong_but_sure:
    st.warning(t("certain_and_wrong", count=len(wrong_but_sure)))
else:
    st.caption(t("no_certain_and_wrong"))

st.page_link("app_pages/plan.py", label=t("go_plan"), icon="🗺️")

st.subheader(t("review_title"))
for item in result.review:
    response = item.response
    mark = (
        "⏭️" if response is None or response.skipped else "✅" if item.score == 1.0 else "🟡" if item.score > 0 else "❌"
    )
    flagged = " ⚠️" if item in wrong_but_sure else ""
    skill = bank.skills[item.skill_id].name
    with st.expander(f"{mark}{flagged} {item.position + 1}. {skill}: {item.question.prompt.splitlines()[0][:90]}"):
        st.markdown(item.question.prompt)
        if item.question.code:
            st.code(item.question.code, language=item.question.language or "text")
        answer = "; ".join(response.chosen) if response and response.chosen else t("skipped")
        st.markdown(t("your_answer") + " " + answer)
        if response and response.confidence:
            st.caption(t("you_said", confidence=t(f"confidence_{response.confidence}")))
        st.markdown(t("right_answer") + " " + "; ".join(item.question.correct_texts))
        st.write(item.question.explanation)
        reference = item.question.reference
        if reference.url:
            st.markdown(f"{t('learn_more')} [{reference.title}]({reference.url})")
        else:
            st.markdown(f"{t('learn_more')} {reference.title}")

salary = profile.salary
st.subheader(t("salary_title"))
st.write(
    t(
        "salary_text",
        role=profile.title,
        low=f"{salary.low:,}",
        high=f"{salary.high:,}",
        currency=salary.currency,
        period=salary.period,
        region=salary.region,
    )
)
st.caption(t("salary_source", source=salary.source, date=salary.published.isoformat(), note=salary.note))

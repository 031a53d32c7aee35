"""Results: readiness with its uncertainty, the gaps, calibration, a review of every answer."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from app_pages.context import bank_report, finished_attempt_or_stop, result_of, show_exports
from quiz import charts
from quiz.messages import t
from quiz.result_tables import decision_notes, decision_rows, skill_rows
from quiz.results import AttemptResult, answer_key_markdown
from quiz.scoring import MIN_ANSWERS_FOR_LEVEL
from quiz.summary import salary_sentences

bank = bank_report().bank


@st.cache_resource(show_spinner=False, max_entries=64)
def _figures(attempt_id: str, _result: AttemptResult) -> dict[str, object]:
    return {
        "radar": charts.radar_chart(_result, bank),
        "gaps": charts.gap_chart(_result, bank),
        "calibration": charts.calibration_chart(_result),
    }


@st.cache_resource(show_spinner=False, max_entries=64)
def _decision_table(attempt_id: str, _result: AttemptResult) -> pa.Table:
    return pa.Table.from_pandas(pd.DataFrame(decision_rows(_result, bank)), preserve_index=False)  # once per attempt


@st.cache_resource(show_spinner=False, max_entries=64)
def _skill_table(attempt_id: str, _result: AttemptResult) -> pa.Table:
    return pa.Table.from_pandas(pd.DataFrame(skill_rows(_result, bank)), preserve_index=False)  # once per attempt


@st.cache_resource(show_spinner=False, max_entries=64)
def _review(attempt_id: str, _result: AttemptResult) -> list[tuple[str, str]]:
    """One expander label and one Markdown body per answer: few elements, so reruns stay fast."""
    flagged = {item.position for item in _result.certain_and_wrong}
    entries = []
    for item in _result.review:
        response, question = item.response, item.question
        skipped = response is None or response.skipped
        mark = "⏭️" if skipped else "✅" if item.score == 1.0 else "🟡" if item.score > 0 else "❌"
        warning = " ⚠️" if item.position in flagged else ""
        skill = bank.skills[item.skill_id].name
        label = f"{mark}{warning} {item.position + 1}. {skill}: {question.prompt.splitlines()[0][:90]}"
        lines = [question.prompt]
        if question.code:
            lines.append(f"```{question.language or 'text'}\n{question.code.rstrip()}\n```")
        answer = "; ".join(response.chosen) if response and response.chosen else t("skipped")
        lines.append(f"{t('your_answer')} {answer}")
        if response and response.confidence:
            lines.append(f"*{t('you_said', confidence=t(f'confidence_{response.confidence}'))}*")
        lines.append(answer_key_markdown(question))
        entries.append((label, "\n\n".join(lines)))
    return entries


attempt = finished_attempt_or_stop()

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

if result.decisions:
    st.subheader(t("adaptive_title", count=attempt.answered))
    st.dataframe(_decision_table(attempt.id, result), hide_index=True)
    for note in decision_notes(result, bank):
        st.caption(note)

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

st.page_link("app_pages/plan.py", label=t("go_plan"), icon=":material/route:")

st.subheader(t("review_title"))
for label, body in _review(attempt.id, result):
    with st.expander(label):
        st.markdown(body)

st.subheader(t("exports_title"))
show_exports(result, key="results")

salary_text, salary_source = salary_sentences(profile)
st.subheader(t("salary_title"))
st.write(salary_text)
st.caption(salary_source)

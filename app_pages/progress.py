"""Progress over time: every attempt, readiness and skills over time, comparisons, exports, import."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from app_pages.context import bank_report, learner_id, show_exports, store
from quiz import charts
from quiz.export import InvalidExport, parse_export
from quiz.history import compare_attempts, measured_skills, retake_hints
from quiz.messages import t
from quiz.results import AttemptResult, evaluate_attempt
from quiz.store import history_signature, import_attempts
from quiz.summary import form_label

bank = bank_report().bank


@st.cache_resource(show_spinner=False, max_entries=16)
def _history(learner: int, signature: tuple[int, str]) -> list[AttemptResult]:
    # Rebuilt only when the learner's history changes (the signature is a cheap COUNT/MAX query).
    return [evaluate_attempt(bank, attempt) for attempt in store().attempts(learner)]


@st.cache_resource(show_spinner=False, max_entries=64)
def _table(learner: int, signature: tuple[int, str]) -> pa.Table:
    rows = []
    for index, result in enumerate(_history(learner, signature), start=1):
        ready = result.readiness
        rows.append(
            {
                "#": index,
                t("col_date"): result.attempt.started_at.strftime("%Y-%m-%d %H:%M"),
                t("col_role"): result.profile.title,
                t("col_form"): form_label(result.attempt.quiz.settings),
                t("col_answers"): result.attempt.answered,
                t("readiness_label"): t("readiness_value", value=ready.value, sd=ready.sd)
                if ready.skills_measured
                else "—",
            }
        )
    # Arrow, converted once: st.dataframe would otherwise convert the pandas frame on every rerun.
    return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)


@st.cache_resource(show_spinner=False, max_entries=16)
def _labels(learner: int, signature: tuple[int, str]) -> tuple[dict[str, str], list[str]]:
    history = _history(learner, signature)
    labels = {
        r.attempt.id: f"#{i} · {r.attempt.started_at:%Y-%m-%d %H:%M} · {r.profile.title}"
        for i, r in enumerate(history, 1)
    }
    return labels, measured_skills(history, bank)


@st.cache_resource(show_spinner=False, max_entries=64)
def _changes(learner: int, signature: tuple[int, str], first: str, second: str) -> pa.Table:
    by_id = {result.attempt.id: result for result in _history(learner, signature)}
    rows = [
        {
            t("col_skill"): bank.skills[c.skill_id].name if c.skill_id in bank.skills else c.skill_id,
            t("attempt_label_a"): "—" if c.before is None else f"{c.before:.1f}",
            t("attempt_label_b"): "—" if c.after is None else f"{c.after:.1f}",
            t("col_change"): "—" if c.change is None else f"{c.change:+.1f}",
            t("col_verdict"): t(f"change_{c.verdict}"),
        }
        for c in compare_attempts(by_id[first], by_id[second])
    ]
    return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(learner: int, signature: tuple[int, str], kind: str, a: str = "", b: str = "") -> object:
    history = _history(learner, signature)
    if kind == "readiness":
        return charts.readiness_over_time(history)
    if kind == "skill":
        return charts.level_over_time(history, a, bank)
    by_id = {result.attempt.id: result for result in history}
    return charts.compare_radar(by_id[a], by_id[b], bank, (t("attempt_label_a"), t("attempt_label_b")))


learner = learner_id()
signature = history_signature(store(), learner)
history = _history(learner, signature)

st.title(t("progress_title"))
if not history:
    st.info(t("no_results"))
    st.page_link("app_pages/home.py", label=t("go_home"), icon=":material/home:")
else:
    st.dataframe(_table(learner, signature), hide_index=True)
    st.plotly_chart(_figure(learner, signature, "readiness"), key="readiness_over_time")

    labels, skills = _labels(learner, signature)
    if skills:
        skill = st.selectbox(
            t("progress_skill"), skills, format_func=lambda s: bank.skills[s].name, key="progress_skill"
        )
        st.plotly_chart(_figure(learner, signature, "skill", skill), key="level_over_time")

    ids = list(labels)
    if len(ids) >= 2:
        st.subheader(t("compare_title"))
        left, right = st.columns(2)
        first = left.selectbox(t("attempt_label_a"), ids, index=len(ids) - 2, format_func=labels.get, key="compare_a")
        second = right.selectbox(t("attempt_label_b"), ids, index=len(ids) - 1, format_func=labels.get, key="compare_b")
        st.plotly_chart(_figure(learner, signature, "compare", first, second), key="compare_radar")
        st.dataframe(_changes(learner, signature, first, second), hide_index=True)
        st.caption(t("compare_help"))

    st.subheader(t("retake_title"))
    for hint in retake_hints(history[-1]):
        st.markdown(f"- **{bank.skills[hint.skill_id].name}**: {t('retake_' + hint.reason)}")

    st.subheader(t("exports_title"))
    report_id = st.selectbox(t("report_pick"), ids[::-1], format_func=labels.get, key="report_attempt")
    show_exports(next(r for r in history if r.attempt.id == report_id), key="progress")

st.subheader(t("import_title"))
uploaded = st.file_uploader(t("import_label"), type=["json"], key="import_file", help=t("import_help"))
if uploaded is not None and st.button(t("import_button"), key="import"):
    try:
        attempts = parse_export(uploaded.getvalue())
    except InvalidExport as error:
        st.error(t("import_invalid", error=str(error)))
    else:
        imported, skipped = import_attempts(store(), learner, attempts)
        st.success(t("import_done", imported=imported, skipped=skipped))

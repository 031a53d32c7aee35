"""What the Progress page shows of a learner's history, rebuilt only when that history changes.

The cached builders live here, not in the page script: a page script runs again on every rerun, and
Streamlit would hash each decorated function's source again every time. Each takes the history
signature (a cheap COUNT/MAX query) so that a new attempt invalidates them.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from app_pages.context import bank_report, store
from quiz.messages import moment, number, t
from quiz.report import charts
from quiz.report.attempt_result import AttemptResult, DamagedAttempt, evaluate_attempt
from quiz.report.history import compare_attempts, measured_skills
from quiz.report.summary import form_label


@st.cache_resource(show_spinner=False, max_entries=16)
def _history(learner: int, signature: tuple[object, ...]) -> tuple[list[AttemptResult], list[DamagedAttempt]]:
    # Rebuilt only when the learner's history changes (the signature is a cheap COUNT/MAX query).
    results, damaged = [], []
    for attempt in store().attempts(learner):
        try:
            results.append(evaluate_attempt(bank_report().bank, attempt))
        except DamagedAttempt as damage:  # listed apart; the rest of the history still shows
            damaged.append(damage)
    return results, damaged


def history_results(learner: int, signature: tuple[object, ...]) -> list[AttemptResult]:
    return _history(learner, signature)[0]


def damaged_attempts(learner: int, signature: tuple[object, ...]) -> list[DamagedAttempt]:
    return _history(learner, signature)[1]


@st.cache_resource(show_spinner=False, max_entries=64)
def history_table(learner: int, signature: tuple[object, ...]) -> pa.Table:
    rows = []
    for index, result in enumerate(history_results(learner, signature), start=1):
        ready = result.readiness
        rows.append(
            {
                "#": index,
                t("col_date"): moment(result.attempt.started_at),
                t("col_role"): result.profile.title,
                t("col_form"): form_label(result.attempt.quiz.settings),
                t("col_answers"): result.attempt.answered,
                t("readiness_label"): t("readiness_value", value=ready.value, sd=ready.sd)
                if ready.skills_measured
                else "—",
                t("col_note"): t("progress_rapid", count=len(result.rapid_guesses))
                if result.many_rapid_guesses
                else "",
            }
        )
    # Arrow, converted once: st.dataframe would otherwise convert the pandas frame on every rerun.
    return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)


@st.cache_resource(show_spinner=False, max_entries=16)
def attempt_labels_and_skills(learner: int, signature: tuple[object, ...]) -> tuple[dict[str, str], list[str]]:
    history = history_results(learner, signature)
    labels = {
        r.attempt.id: f"#{i} · {moment(r.attempt.started_at)} · {r.profile.title}" for i, r in enumerate(history, 1)
    }
    return labels, measured_skills(history, bank_report().bank)


@st.cache_resource(show_spinner=False, max_entries=64)
def change_table(learner: int, signature: tuple[object, ...], first: str, second: str) -> pa.Table:
    bank = bank_report().bank
    by_id = {result.attempt.id: result for result in history_results(learner, signature)}
    rows = [
        {
            t("col_skill"): bank.skills[c.skill_id].name if c.skill_id in bank.skills else c.skill_id,
            t("attempt_label_a"): "—" if c.before is None else number(c.before),
            t("attempt_label_b"): "—" if c.after is None else number(c.after),
            t("col_change"): "—" if c.change is None else f"{c.change:+.1f}",
            t("col_verdict"): t(f"change_{c.verdict}"),
        }
        for c in compare_attempts(by_id[first], by_id[second])
    ]
    return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)


@st.cache_resource(show_spinner=False, max_entries=64)
def progress_figure(learner: int, signature: tuple[object, ...], kind: str, a: str = "", b: str = "") -> object:
    bank = bank_report().bank
    history = history_results(learner, signature)
    if kind == "readiness":
        return charts.readiness_over_time(history)
    if kind == "skill":
        return charts.level_over_time(history, a, bank)
    by_id = {result.attempt.id: result for result in history}
    return charts.compare_radar(by_id[a], by_id[b], bank, (t("attempt_label_a"), t("attempt_label_b")))

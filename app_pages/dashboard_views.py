"""The dashboard's figures and tables, built once per change of a cohort's data and reused by every
rerun: a finished attempt never changes, so a cohort's view changes only when someone joins, leaves
or finishes an assessment (`cohort_signature`), or the day turns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from app_pages.context import bank_report, cohort_result_of, store
from quiz.messages import day, percent, t
from quiz.report.cohort_charts import cohort_heatmap, cohort_trend
from quiz.report.cohort_tables import gap_rows, item_rows, learner_rows
from quiz.report.cohort_view import CohortView, build_cohort_view
from quiz.report.result_tables import Row
from quiz.store.cohorts import shared_attempts, sharing_members, taught_cohort


@dataclass(frozen=True)
class DashboardParts:
    view: CohortView
    heatmap: go.Figure
    trend: go.Figure | None
    learners: pa.Table
    gaps: pa.Table | None
    trend_table: pa.Table | None
    items: pa.Table | None


def _arrow(rows: list[Row] | dict[str, list[str]]) -> pa.Table:
    # Arrow, converted once: st.dataframe would otherwise convert a pandas frame on every rerun.
    return pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)


@st.cache_resource(show_spinner=False, max_entries=32)
def dashboard_parts(
    cohort_id: str, signature: tuple[tuple[int, ...], int, str], locale: str, today: date, _instructor: int
) -> DashboardParts:
    """The instructor is left out of the key on purpose: the caller has checked their access with
    `cohort_signature`, and the reads below check it again."""
    bank = bank_report().bank
    cohort = taught_cohort(store(), _instructor, cohort_id)
    members = sharing_members(store(), _instructor, cohort_id)
    attempts = shared_attempts(store(), _instructor, cohort_id)
    view = build_cohort_view(bank, cohort, members, attempts, cohort_result_of, today)
    trend_table = None
    if view.trend:
        trend_table = _arrow(
            {
                t("cohort_trend_title"): [day(p.week_start) for p in view.trend],
                t("cohort_trend_median"): [percent(p.readiness.median) for p in view.trend],
                t("cohort_trend_band"): [f"{percent(p.readiness.q1)}–{percent(p.readiness.q3)}" for p in view.trend],
            }
        )
    return DashboardParts(
        view,
        cohort_heatmap(view, bank),
        cohort_trend(view) if view.trend else None,
        _arrow(learner_rows(view, bank)),
        _arrow(gap_rows(view, bank)) if view.gaps else None,
        trend_table,
        _arrow(item_rows(view, bank)) if view.items else None,
    )

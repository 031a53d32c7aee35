"""The instructor's dashboard charts, as pure functions of a `CohortView`. Each has a table with the
same numbers next to it on the page, so no figure is the only way to read them."""

from __future__ import annotations

import plotly.graph_objects as go

from quiz.content.bank import Bank
from quiz.messages import day, percent, plotly_separators, t
from quiz.report.charts import BLUE, percent_ticks
from quiz.report.cohort_tables import column_label
from quiz.report.cohort_view import CohortView

# Light to dark blue: a sequential scale that reads the same with every common colour blindness.
_SCALE = [[0.0, "#F7FBFF"], [0.5, "#6BAED6"], [1.0, "#08306B"]]


def cohort_heatmap(view: CohortView, bank: Bank) -> go.Figure:
    """Skills × learners, P(meets target); an unmeasured cell is blank and says "not measured yet"."""
    names = [standing.member.name for standing in view.standings]
    labels = [column_label(bank, column) for column in view.columns]
    z = [[standing.p_meets(column) for standing in view.standings] for column in view.columns]
    text = [[t("cohort_not_measured") if p is None else percent(p) for p in row] for row in z]
    figure = go.Figure(
        go.Heatmap(
            z=[[None if p is None else round(p, 3) for p in row] for row in z],
            x=names,
            y=labels,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{x}<br>%{y}: %{text}<extra></extra>",
            colorscale=_SCALE,
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": t("cohort_heatmap_scale")}, **percent_ticks()},
        ),
        layout={"template": "none", "separators": plotly_separators()},
    )
    figure.update_layout(
        title=t("cohort_heatmap_title"),
        xaxis={"type": "category", "tickangle": -45},
        yaxis={"type": "category", "autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=140 + 28 * len(labels),
    )
    return figure


def cohort_trend(view: CohortView) -> go.Figure:
    """Median readiness per week with its interquartile band."""
    weeks = [day(point.week_start) for point in view.trend]
    q1 = [point.readiness.q1 for point in view.trend]
    q3 = [point.readiness.q3 for point in view.trend]
    median = [point.readiness.median for point in view.trend]
    figure = go.Figure(layout={"template": "none", "separators": plotly_separators()})
    figure.add_trace(go.Scatter(x=weeks, y=q3, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"))
    figure.add_trace(
        go.Scatter(
            x=weeks,
            y=q1,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(0, 114, 178, 0.2)",
            name=t("cohort_trend_band"),
            hoverinfo="skip",  # the median's hover gives the band
        )
    )
    figure.add_trace(
        go.Scatter(
            x=weeks,
            y=median,
            mode="lines+markers",
            line={"color": BLUE},
            name=t("cohort_trend_median"),
            customdata=[[percent(m), percent(low), percent(high)] for m, low, high in zip(median, q1, q3, strict=True)],
            hovertemplate="%{x}: %{customdata[0]} (%{customdata[1]}–%{customdata[2]})<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("cohort_trend_title"),
        yaxis={"range": [0, 1], **percent_ticks()},
        xaxis={"type": "category"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure

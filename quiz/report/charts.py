"""Plotly figures as pure functions of results and plans, so tests can inspect them without a browser.

Colours are the Okabe-Ito palette, readable with the common forms of colour blindness.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from quiz.content.bank import Bank
from quiz.messages import day, number, percent, plotly_separators, t
from quiz.report.attempt_result import AttemptResult
from quiz.report.history import level_series
from quiz.report.planning import Plan

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
GREY = "#999999"
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "font": {"size": 13}}


def percent_ticks(top: float = 1.0) -> dict[str, list[float] | list[str]]:
    """Tick labels of a share axis from 0 to `top`, written the reader's way (40 % in French): plotly's
    own percent format sets the sign against the number in every language."""
    values = [step / 5 for step in range(int(top * 5 + 1e-9) + 1)]
    return {"tickvals": values, "ticktext": [percent(value) for value in values]}


def _new_figure(*traces: BaseTraceType) -> go.Figure:
    # No plotly template: in the app Streamlit's chart theme replaces it anyway, and plotly's default
    # one (about 7 KB) would be deep-copied and serialised on every rerun. The offline report sets its own.
    # Plotly writes axis and hover numbers itself: tell it the reader's decimal and thousands marks.
    return go.Figure(data=list(traces), layout={"template": "none", "separators": plotly_separators()})


def _skill_label(bank: Bank, skill_id: str) -> str:
    return bank.skills[skill_id].name


def radar_chart(result: AttemptResult, bank: Bank) -> go.Figure:
    """Estimated level against the target for every skill measured in the attempt."""
    gaps = [gap for gap in result.gaps if gap.estimate is not None]
    labels = [_skill_label(bank, gap.skill_id) for gap in gaps]
    targets = [gap.target.level for gap in gaps]
    levels = [round(gap.estimate.level, 2) for gap in gaps if gap.estimate is not None]
    closed = labels[:1]  # repeat the first point so the outline closes
    figure = _new_figure()
    figure.add_trace(
        go.Scatterpolar(
            r=targets + targets[:1],
            theta=labels + closed,
            name=t("chart_target"),
            line={"color": ORANGE, "dash": "dash"},
        )
    )
    figure.add_trace(
        go.Scatterpolar(
            r=levels + levels[:1], theta=labels + closed, name=t("chart_estimate"), fill="toself", line={"color": BLUE}
        )
    )
    figure.update_layout(
        title=t("chart_radar_title"),
        polar={"radialaxis": {"range": [0, 5], "tickvals": [0, 1, 2, 3, 4, 5]}},
        showlegend=True,
        legend={"orientation": "h", "y": -0.08},
        margin={"l": 90, "r": 90, "t": 60, "b": 40},
        font={"size": 13},
    )
    return figure


def gap_chart(result: AttemptResult, bank: Bank) -> go.Figure:
    """Gaps (target minus estimate), largest first, with ±1 SE whiskers."""
    gaps = sorted((gap for gap in result.gaps if gap.estimate is not None), key=lambda gap: gap.size, reverse=True)
    colours = [VERMILLION if gap.size > 0 else GREEN for gap in gaps]
    names = [_skill_label(bank, gap.skill_id) for gap in gaps]
    # Colour is never the only cue: each skill's label also says in words which side of the target it
    # is. The words sit under the name, not on the bar, where the whisker would cross them.
    words = [t("chart_gap_short" if gap.size > 0 else "chart_gap_above", gap=number(abs(gap.size))) for gap in gaps]
    figure = _new_figure(
        go.Bar(
            x=[round(gap.size, 2) for gap in gaps],
            y=names,
            orientation="h",
            marker_color=colours,
            error_x={
                "type": "data",
                "array": [round(gap.estimate.se, 2) for gap in gaps if gap.estimate],
                "color": GREY,
            },
            hovertemplate="%{y}: %{x:.1f} " + t("chart_levels") + "<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("chart_gap_title"),
        xaxis_title=t("chart_gap_axis"),
        yaxis={
            "autorange": "reversed",
            "tickvals": names,
            "ticktext": [
                f"{escape(name, quote=False)}<br><span style='font-size:11px'>{escape(word, quote=False)}</span>"
                for name, word in zip(names, words, strict=True)
            ],
        },
        height=max(260, 44 * len(gaps) + 120),
        **_LAYOUT,
    )
    return figure


def calibration_chart(result: AttemptResult) -> go.Figure:
    """Share of answers right at each confidence: a learner who is often certain and wrong stands out."""
    rows = [row for row in result.calibration if row.answers]
    labels = [t(f"confidence_{row.confidence}") for row in rows]
    shares = [row.share_correct or 0.0 for row in rows]
    colours = [VERMILLION if row.confidence == "certain" and (row.share_correct or 0) < 0.7 else BLUE for row in rows]
    figure = _new_figure(
        go.Bar(
            x=labels,
            y=shares,
            marker_color=colours,
            # The warning colour also gets a hatch, for readers who cannot tell the colours apart.
            marker_pattern_shape=["x" if colour == VERMILLION else "" for colour in colours],
            text=[
                t("chart_calibration_label", share=share, count=row.answers)
                for share, row in zip(shares, rows, strict=True)
            ],
            textposition="outside",
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("chart_calibration_title"),
        yaxis={"range": [0, 1.15], **percent_ticks(), "title": t("chart_calibration_axis")},
        **_LAYOUT,
    )
    return figure


def result_charts(result: AttemptResult, bank: Bank) -> dict[str, go.Figure]:
    """The charts of an attempt that have something to draw, by name (radar, gaps, calibration).

    An attempt whose answers all came too fast to count (rapid guesses) estimates no level: an empty radar
    with bare angle labels would look like a broken page, so the page says why there is no chart instead.
    """
    figures: dict[str, go.Figure] = {}
    if result.any_level_estimated:
        figures["radar"] = radar_chart(result, bank)
        figures["gaps"] = gap_chart(result, bank)
    if any(row.answers for row in result.calibration):
        figures["calibration"] = calibration_chart(result)
    return figures


def plan_timeline(plan: Plan, bank: Bank) -> go.Figure:
    """Week-by-week timeline of the plan's modules."""
    items = list(plan.items)
    figure = _new_figure(
        go.Bar(
            base=[item.start_week for item in items],
            x=[max(item.end_week - item.start_week, 0.05) for item in items],
            y=[f"{index + 1}. {item.module.title}" for index, item in enumerate(items)],
            orientation="h",
            marker_color=[ORANGE if item.why == "prerequisite" else BLUE for item in items],
            customdata=[[item.module.hours, _skill_label(bank, item.module.skill), day(item.end)] for item in items],
            hovertemplate="%{y}<br>%{customdata[1]} · %{customdata[0]} h · "
            + t("chart_until")
            + " %{customdata[2]}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("chart_plan_title", weeks=plan.weeks, date=day(plan.target_date)),
        xaxis={"title": t("chart_plan_axis"), "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
        height=max(260, 34 * len(items) + 120),
        **_LAYOUT,
    )
    return figure


def _attempt_label(index: int, result: AttemptResult) -> str:
    return f"#{index} · {day(result.attempt.started_at)}"


def _attempt_axis(attempts: int) -> dict[str, object]:
    """Attempt numbers 1..n on whole ticks (at most about ten of them), never 0.5 or a 0 that was 0.4."""
    step = max(1, math.ceil(attempts / 10))
    return {
        "title": t("chart_attempt_axis"),
        "tick0": 1,
        "dtick": step,
        "tickformat": "d",
        "range": [0.5, max(attempts, 1) + 0.5],
    }


def readiness_over_time(results: list[AttemptResult]) -> go.Figure:
    """Readiness per attempt (attempt numbers on the x axis), with a ±1 SD band."""
    points = [
        (i, _attempt_label(i, r), r.readiness.value, r.readiness.sd)
        for i, r in enumerate(results, start=1)
        if r.readiness.skills_measured
    ]
    # numpy arrays travel to the browser as compact binary; long lists are walked element by element.
    number = np.array([p[0] for p in points], dtype=float)
    values = np.array([p[2] for p in points], dtype=float)
    spread = np.array([p[3] for p in points], dtype=float)
    figure = _new_figure()
    figure.add_trace(
        go.Scatter(
            x=number,
            y=np.clip(values - spread, 0.0, 1.0),
            mode="lines",  # the band's edges: no markers of their own
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scatter(
            x=number,
            y=np.clip(values + spread, 0.0, 1.0),
            mode="lines",
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.15)",
            line={"width": 0},
            hoverinfo="skip",
            name=t("chart_band"),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=number,
            y=values,
            error_y={"type": "data", "array": spread, "color": GREY, "thickness": 1},
            mode="lines+markers",
            line={"color": BLUE},
            name=t("readiness_label"),
            text=[p[1] for p in points],
            customdata=[percent(float(value)) for value in values],
            hovertemplate="%{text}: %{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("chart_readiness_over_time"),
        xaxis=_attempt_axis(len(results)),
        yaxis={"range": [0, 1], **percent_ticks()},
        **_LAYOUT,
    )
    return figure


def level_over_time(results: list[AttemptResult], skill_id: str, bank: Bank) -> go.Figure:
    """One skill's estimated level per attempt, with ±1 SE error bars and the latest target."""
    points = [
        (index + 1, _attempt_label(index + 1, results[index]), level, se)
        for index, level, se in level_series(results, skill_id)
    ]
    figure = _new_figure(
        go.Scatter(
            x=np.array([p[0] for p in points], dtype=float),
            y=np.array([p[2] for p in points], dtype=float),
            error_y={"type": "data", "array": np.array([p[3] for p in points], dtype=float), "color": GREY},
            mode="lines+markers",
            line={"color": BLUE},
            name=_skill_label(bank, skill_id),
            text=[p[1] for p in points],
            hovertemplate="%{text}: %{y:.1f}<extra></extra>",
        )
    )
    targets = [g.target.level for r in results[-1:] for g in r.gaps if g.skill_id == skill_id]
    if targets:
        figure.add_hline(y=targets[0], line_dash="dash", line_color=ORANGE, annotation_text=t("chart_target"))
    figure.update_layout(
        title=t("chart_level_over_time", skill=_skill_label(bank, skill_id)),
        xaxis=_attempt_axis(len(results)),
        yaxis={"range": [0, 5]},
        **_LAYOUT,
    )
    return figure


def compare_radar(first: AttemptResult, second: AttemptResult, bank: Bank, labels: tuple[str, str]) -> go.Figure:
    """Two attempts' estimated levels on one radar, over the skills both measured."""
    skills = [s for s in bank.skills if s in first.estimates and s in second.estimates]
    names = [_skill_label(bank, s) for s in skills]
    figure = _new_figure()
    for result, label, colour in ((first, labels[0], GREY), (second, labels[1], BLUE)):
        levels = [round(result.estimates[s].level, 2) for s in skills]
        figure.add_trace(
            go.Scatterpolar(r=levels + levels[:1], theta=names + names[:1], name=label, line={"color": colour})
        )
    figure.update_layout(
        title=t("chart_compare_title"),
        polar={"radialaxis": {"range": [0, 5]}},
        legend={"orientation": "h", "y": -0.08},
        margin={"l": 90, "r": 90, "t": 60, "b": 40},
    )
    return figure

"""Results of an attempt and the figures built from them, inspected without a browser."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime

import plotly.io as pio
import pytest

from quiz.content.bank import Bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.measure.scoring import score_answer
from quiz.report import charts
from quiz.report.attempt_result import AttemptResult, evaluate_attempt
from quiz.report.planning import build_plan
from quiz.report.summary import form_label, verdict
from quiz.store.attempt import Attempt, Response

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def _attempt(bank: Bank, right: set[str] | None = None, confidence: str = "certain", seconds: float = 5.0) -> Attempt:
    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(7))
    responses = []
    for position, item in enumerate(quiz.items):
        question = bank.questions[item.question_id]
        is_right = right is None or bank.skill_of(item.question_id) in right
        chosen = question.correct_texts[:1] if is_right else [question.choices[-1].text]
        responses.append(
            Response(
                item.question_id, position, tuple(chosen), score_answer(question, chosen), confidence, seconds, NOW
            )
        )
    return Attempt("a1", quiz, NOW, NOW, tuple(responses))


@pytest.fixture
def mixed(small_bank: Bank) -> AttemptResult:
    return evaluate_attempt(small_bank, _attempt(small_bank, right={"python", "teamwork"}))


def test_results_name_the_gaps_that_matter_in_one_sentence(mixed: AttemptResult) -> None:
    assert (
        mixed.sentence
        == "Not yet ready for junior back-end developer roles; SQL and Git are the gaps that matter most."
    )


def test_all_right_answers_read_as_likely_ready(small_bank: Bank) -> None:
    result = evaluate_attempt(small_bank, _attempt(small_bank))
    assert verdict(result.readiness) == "ready"
    assert result.sentence.startswith("Likely ready for junior back-end developer roles")


def test_certain_and_wrong_answers_stand_out(mixed: AttemptResult) -> None:
    assert {item.skill_id for item in mixed.certain_and_wrong} == {"sql", "git"}
    certain = next(row for row in mixed.calibration if row.confidence == "certain")
    assert certain.answers == 12
    assert certain.share_correct == pytest.approx(0.5)


def test_the_radar_compares_estimate_and_target_per_measured_skill(mixed: AttemptResult, small_bank: Bank) -> None:
    figure = charts.radar_chart(mixed, small_bank)
    target, estimate = figure.data
    assert set(target.theta) == {"SQL", "Python", "Git", "Teamwork"}
    assert target.theta[0] == target.theta[-1]  # the outline closes
    assert max(estimate.r) <= 5 and min(estimate.r) >= 0
    assert figure.layout.polar.radialaxis.range == (0, 5)


def test_the_gap_chart_puts_the_largest_gap_first_with_error_bars(mixed: AttemptResult, small_bank: Bank) -> None:
    figure = charts.gap_chart(mixed, small_bank)
    bar = figure.data[0]
    assert list(bar.x) == sorted(bar.x, reverse=True)
    assert bar.y[0] in {"SQL", "Git"}
    assert len(bar.error_x.array) == len(bar.x)
    # Colour is not the only cue: each skill's label says in words which side of the target it is,
    # under its name rather than on the bar, where the whisker crosses it.
    assert bar.text is None
    axis = figure.layout.yaxis
    assert list(axis.tickvals) == list(bar.y)
    for label, gap in zip(axis.ticktext, bar.x, strict=True):
        side = "short" if gap > 0 else "above"
        assert label.endswith(f"{abs(gap):.1f} {side}</span>")


def test_the_calibration_chart_shows_the_share_right_per_confidence(mixed: AttemptResult) -> None:
    bar = charts.calibration_chart(mixed).data[0]
    assert list(bar.x) == ["Certain"]
    assert list(bar.y) == [pytest.approx(0.5)]


def test_an_attempt_with_every_answer_rushed_or_skipped_draws_only_the_charts_it_can_fill(small_bank: Bank) -> None:
    answered = evaluate_attempt(small_bank, _attempt(small_bank))
    rushed = evaluate_attempt(small_bank, _attempt(small_bank, seconds=1.0))  # under the 3 s floor: guesses
    attempt = _attempt(small_bank)
    skipped = evaluate_attempt(
        small_bank, replace(attempt, responses=tuple(replace(r, chosen=(), confidence=None) for r in attempt.responses))
    )
    assert set(charts.result_charts(answered, small_bank)) == {"radar", "gaps", "calibration"}
    # No level to draw, but the confidence given with each rushed answer still says something.
    assert set(charts.result_charts(rushed, small_bank)) == {"calibration"}
    # A skip says "I don't know": it scores 0, so the levels are drawn; no confidence was given.
    assert set(charts.result_charts(skipped, small_bank)) == {"radar", "gaps"}


def test_share_axes_write_percentages_the_readers_way(mixed: AttemptResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVREADY_LOCALE", "fr")
    figure = charts.calibration_chart(mixed)
    assert list(figure.layout.yaxis.ticktext) == [
        "0\u00a0%",
        "20\u00a0%",
        "40\u00a0%",
        "60\u00a0%",
        "80\u00a0%",
        "100\u00a0%",
    ]
    monkeypatch.setenv("DEVREADY_LOCALE", "en")
    assert list(charts.calibration_chart(mixed).layout.yaxis.ticktext)[-1] == "100%"


def test_the_plan_timeline_has_one_bar_per_module_in_order(mixed: AttemptResult, small_bank: Bank) -> None:
    plan = build_plan(small_bank, mixed.gaps, 5, date(2026, 1, 5))
    bar = charts.plan_timeline(plan, small_bank).data[0]
    assert len(bar.y) == len(plan.items) > 0
    assert list(bar.base) == sorted(bar.base)
    assert "weeks" in charts.plan_timeline(plan, small_bank).layout.title.text


def test_app_figures_leave_their_styling_to_streamlits_theme(mixed: AttemptResult, small_bank: Bank) -> None:
    # Streamlit replaces the template anyway; plotly's default one would be copied on every rerun.
    for figure in (charts.radar_chart(mixed, small_bank), charts.gap_chart(mixed, small_bank)):
        assert figure.to_dict()["layout"]["template"] == pio.templates["none"].to_plotly_json()


def test_an_attempt_is_labelled_by_how_it_was_taken() -> None:
    assert form_label(AssessmentSettings("junior", ("python",), Length.QUICK)) == "Quick"
    assert form_label(AssessmentSettings("junior", ("python",), Length.QUICK, adaptive=True)) == "Adaptive"
    assert form_label(AssessmentSettings("junior", ("python",), Length.FULL, practice=True)) == "Full, practice"

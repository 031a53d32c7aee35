"""Progress over attempts, comparisons, retake hints, and the self-contained HTML report."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest

from quiz.content.bank import Bank
from quiz.measure.adaptive import item_pool
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.measure.scoring import score_answer
from quiz.report.attempt_result import AttemptResult, evaluate_attempt
from quiz.report.history import compare_attempts, level_series, retake_hints
from quiz.report.offline_report import render_report
from quiz.report.result_tables import decision_rows
from quiz.store.adaptive_flow import choose_next, new_adaptive_quiz, session_from_attempt
from quiz.store.attempt import Attempt, Response

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _result(bank: Bank, right: set[str], day: int, text: str | None = None) -> AttemptResult:
    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=random.Random(day))
    responses = []
    for position, item in enumerate(quiz.items):
        question = bank.questions[item.question_id]
        skill = bank.skill_of(item.question_id)
        chosen = question.correct_texts[:1] if skill in right else [text or question.choices[-1].text]
        score = score_answer(question, chosen)
        responses.append(Response(item.question_id, position, tuple(chosen), score, "certain", 3.0, T0))
    when = T0 + timedelta(days=day)
    return evaluate_attempt(bank, Attempt(f"attempt-{day}", quiz, when, when, tuple(responses)))


def test_a_skill_that_went_from_wrong_to_right_shows_as_improved(small_bank: Bank) -> None:
    before = _result(small_bank, {"python"}, 1)
    after = _result(small_bank, {"python", "sql"}, 2)
    changes = {c.skill_id: c for c in compare_attempts(before, after)}
    assert changes["sql"].verdict == "improved"
    assert changes["sql"].change is not None and changes["sql"].change > 0
    assert changes["python"].verdict == "steady"


def test_a_change_within_the_uncertainty_is_steady_not_improved(small_bank: Bank) -> None:
    same = _result(small_bank, {"python"}, 1)
    assert {c.verdict for c in compare_attempts(same, same)} == {"steady"}


def test_retake_hints_name_the_biggest_gap_first(small_bank: Bank) -> None:
    hints = retake_hints(_result(small_bank, {"python", "teamwork", "git"}, 1))
    assert (hints[0].skill_id, hints[0].reason) == ("sql", "gap")


def test_retake_hints_respect_each_cap_and_name_a_skill_once(small_bank: Bank) -> None:
    result = _result(small_bank, {"python"}, 1)
    hints = retake_hints(result, gaps=1, unmeasured=1, uncertain=1)
    reasons = [hint.reason for hint in hints]
    assert reasons.count("gap") == 1 and reasons.count("not_measured") <= 1 and reasons.count("uncertain") <= 1
    assert reasons == sorted(reasons, key=["gap", "not_measured", "uncertain"].index)  # gaps first
    assert len({hint.skill_id for hint in hints}) == len(hints)
    everything = retake_hints(result, gaps=9, unmeasured=9, uncertain=9)
    assert len({hint.skill_id for hint in everything}) == len(everything) == len(result.gaps)


def test_level_series_follows_one_skill_across_attempts(small_bank: Bank) -> None:
    results = [_result(small_bank, set(), 1), _result(small_bank, {"sql"}, 2)]
    series = level_series(results, "sql")
    assert [index for index, _, _ in series] == [0, 1]
    assert series[1][1] > series[0][1]


@pytest.fixture
def report(small_bank: Bank) -> str:
    return render_report(_result(small_bank, {"python"}, 1, text="<script>alert('x')</script>"), small_bank)


def test_the_report_is_a_complete_offline_html_page(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert report.count("plotly.js v") <= 2  # the library is inlined once
    assert "<script src=" not in report  # nothing is fetched when the file is opened
    assert report.count('class="plotly-graph-div"') == 3
    assert "@media print" in report


def test_a_report_of_rushed_answers_says_why_it_has_no_chart_of_levels(small_bank: Bank) -> None:
    rushed = _result(small_bank, {"python"}, 1)
    rushed = evaluate_attempt(
        small_bank,
        dataclasses.replace(
            rushed.attempt, responses=tuple(dataclasses.replace(r, seconds=1.0) for r in rushed.attempt.responses)
        ),
    )
    # Nothing counted, so nothing was inferred either: the retake hints say so rather than "inferred".
    assert {hint.reason for hint in retake_hints(rushed)} == {"no_estimate"}
    report = render_report(rushed, small_bank)
    assert "No chart of your levels this time" in report
    assert report.count('class="plotly-graph-div"') == 1  # the confidence chart alone
    assert report.count("plotly.js v") <= 2  # and it still carries the library


def test_the_report_escapes_every_answer(report: str) -> None:
    assert "<script>alert('x')</script>" not in report
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in report


def test_the_report_carries_readiness_review_and_salary_source(report: str) -> None:
    assert "Readiness" in report and "±" in report
    assert "Best answer:" in report
    assert "French recruitment guide for back-end developers" in report


def _adaptive_result(bank: Bank, right: set[str], seconds: float = 30.0) -> AttemptResult:
    """An adaptive attempt run to its end by a learner who knows exactly the skills in `right`, taking
    `seconds` over each answer."""
    settings = AssessmentSettings("junior", ("python",), Length.QUICK, adaptive=True)
    attempt = Attempt("adaptive-1", new_adaptive_quiz(bank, settings), T0, None, ())
    while (item := choose_next(bank, session_from_attempt(bank, item_pool(bank), attempt), attempt)) is not None:
        question = bank.questions[item.question_id]
        chosen = question.correct_texts[:1] if bank.skill_of(item.question_id) in right else [question.choices[-1].text]
        response = Response(
            item.question_id, attempt.answered, tuple(chosen), score_answer(question, chosen), None, seconds, T0
        )
        quiz = dataclasses.replace(attempt.quiz, items=(*attempt.quiz.items, item))
        attempt = dataclasses.replace(attempt, quiz=quiz, responses=(*attempt.responses, response))
    return evaluate_attempt(bank, dataclasses.replace(attempt, finished_at=T0))


def test_the_report_of_an_adaptive_attempt_carries_its_decisions(small_bank: Bank) -> None:
    result = _adaptive_result(small_bank, {"python", "sql"})
    report = render_report(result, small_bank)
    assert f"Decided from {result.attempt.answered} questions" in report
    assert "<th>Decision</th>" in report and "<th>Probability of that decision</th>" in report
    # Python and SQL, every answer right: with guessing allowed for and Git and teamwork all wrong (the
    # skills correlate), eight right answers lean towards the target without deciding it.
    assert report.count("<td>leaning at or above the target (not yet sure)</td>") == 2
    assert "every answer was right, so the test ran out of harder questions" in report
    assert "A decision is made once its probability reaches 90%" in report


def test_progress_charts_follow_attempts_in_order_with_their_uncertainty(small_bank: Bank) -> None:
    from quiz.report import charts

    results = [_result(small_bank, set(), 1), _result(small_bank, {"sql", "python"}, 2)]
    band_low, band_high, line = charts.readiness_over_time(results).data
    assert list(line.x) == [1, 2]
    assert list(line.text) == ["#1 · 2026-11-02", "#2 · 2026-11-03"]
    assert line.y[1] > line.y[0]
    assert all(low <= mid <= high for low, mid, high in zip(band_low.y, line.y, band_high.y, strict=True))
    level = charts.level_over_time(results, "sql", small_bank).data[0]
    assert len(level.x) == 2 and len(level.error_y.array) == 2
    radar = charts.compare_radar(results[0], results[1], small_bank, ("before", "after"))
    assert [trace.name for trace in radar.data] == ["before", "after"]


def test_attempt_axes_tick_whole_attempts_and_the_band_draws_no_points(small_bank: Bank) -> None:
    from quiz.report import charts

    one = charts.readiness_over_time([_result(small_bank, set(), 1)])
    assert (one.layout.xaxis.tick0, one.layout.xaxis.dtick) == (1, 1)  # one attempt: a single tick "1"
    assert list(one.layout.xaxis.range) == [0.5, 1.5]
    assert [trace.mode for trace in one.data[:2]] == ["lines", "lines"]
    many = charts.level_over_time([_result(small_bank, set(), day) for day in range(1, 26)], "sql", small_bank)
    assert many.layout.xaxis.dtick == 3 and list(many.layout.xaxis.range) == [0.5, 25.5]


def test_the_report_carries_the_caveat_of_a_verdict_it_cannot_settle(small_bank: Bank) -> None:
    result = _result(small_bank, {"python"}, 1)
    unsettled = dataclasses.replace(result, caveat="Not settled yet: <b>22% to 66%</b>")
    report = render_report(unsettled, small_bank)
    assert "<p>Not settled yet: &lt;b&gt;22% to 66%&lt;/b&gt;</p>" in report
    assert "Not settled yet" not in render_report(dataclasses.replace(result, caveat=None), small_bank)


def test_an_adaptive_attempt_answered_too_fast_to_read_decides_nothing(small_bank: Bank) -> None:
    rushed = _adaptive_result(small_bank, {"python", "sql"}, seconds=1.0)
    assert rushed.answers_deciding == 0  # the decisions rest on the answers the estimates count
    assert all(not decision.answers for decision in rushed.decisions.values())
    verdicts = {row["Decision"] for row in decision_rows(rushed, small_bank)}
    assert verdicts == {"no answer counted (too fast to have been read)"}
    assert "Decided from" not in render_report(rushed, small_bank)  # no table of decisions made on nothing

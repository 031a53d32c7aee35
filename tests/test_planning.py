"""The training plan: modules that close gaps, prerequisites first, scheduled at the learner's pace."""

from __future__ import annotations

from datetime import date

import pytest

from quiz.content.bank import Bank
from quiz.content.models import SkillTarget
from quiz.measure.irt import ItemResponse, posterior
from quiz.measure.scoring import Gap, SkillEstimate
from quiz.report.planning import build_plan, modules_for_gap


def _gap(skill: str, level: float, target: int = 3, weight: float = 3, answers: int = 4) -> Gap:
    # Enough identical answers pin the posterior near the wanted ability.
    theta = level - 3
    post = posterior([ItemResponse(3.0, theta, 1.0), ItemResponse(3.0, theta, 0.0)] * 30)
    estimate = SkillEstimate(skill, post.mean, post.sd, answers, post)
    return Gap(skill, SkillTarget(level=target, weight=weight), estimate)


def test_a_gap_gets_the_modules_between_the_current_level_and_the_target(small_bank: Bank) -> None:
    assert [m.id for m in modules_for_gap(small_bank, _gap("sql", 1.5))] == ["sql-basics", "sql-joins"]


def test_a_met_target_needs_no_module(small_bank: Bank) -> None:
    plan = build_plan(small_bank, [_gap("sql", 4.5)], 5, date(2026, 1, 5))
    assert plan.items == ()


def test_prerequisites_come_before_the_modules_that_need_them(small_bank: Bank) -> None:
    plan = build_plan(small_bank, [_gap("python", 2.2), _gap("sql", 0.5, weight=1)], 10, date(2026, 1, 5))
    ids = [item.module.id for item in plan.items]
    assert ids.index("sql-basics") < ids.index("python-web")
    assert ids.index("sql-basics") < ids.index("sql-joins")


def test_prerequisites_the_learner_already_masters_are_skipped(small_bank: Bank) -> None:
    plan = build_plan(small_bank, [_gap("python", 2.2), _gap("sql", 3.9)], 10, date(2026, 1, 5))
    assert [item.module.id for item in plan.items] == ["python-web"]


def test_bigger_weighted_gaps_come_first(small_bank: Bank) -> None:
    plan = build_plan(small_bank, [_gap("git", 2.2, weight=1), _gap("sql", 2.2, weight=3)], 10, date(2026, 1, 5))
    assert [item.module.id for item in plan.items] == ["sql-joins", "git-branching"]


def test_the_schedule_follows_the_hours_per_week(small_bank: Bank) -> None:
    plan = build_plan(small_bank, [_gap("sql", 1.2)], 5, date(2026, 1, 5))  # two modules of 10 h
    assert [(item.start_week, item.end_week) for item in plan.items] == [(0.0, 2.0), (2.0, 4.0)]
    assert plan.total_hours == 20
    assert plan.weeks == 4
    assert plan.target_date == date(2026, 2, 2)
    assert plan.items[1].start == date(2026, 1, 19)


def test_hours_per_week_must_be_positive(small_bank: Bank) -> None:
    with pytest.raises(ValueError, match="hours per week"):
        build_plan(small_bank, [], 0, date(2026, 1, 5))

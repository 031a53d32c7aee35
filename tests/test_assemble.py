"""Assembling a fixed form: the right skills, no repeats, unseen questions first, shuffled options."""

from __future__ import annotations

import random

import pytest

from quiz.content.bank import Bank
from quiz.measure.assemble import (
    AssessmentSettings,
    Length,
    UnknownProfile,
    UnknownSkill,
    assemble_quiz,
    skills_to_measure,
)


def _settings(**overrides: object) -> AssessmentSettings:
    values: dict[str, object] = {"profile_id": "junior", "languages": ("python",), "length": Length.QUICK}
    values.update(overrides)
    return AssessmentSettings(**values)  # type: ignore[arg-type]


def test_no_question_repeats_within_an_attempt(small_bank: Bank) -> None:
    quiz = assemble_quiz(small_bank, _settings(length=Length.FULL), rng=random.Random(1))
    ids = [item.question_id for item in quiz.items]
    assert len(ids) == len(set(ids))


def test_a_quick_form_asks_three_questions_per_skill_within_its_budget(small_bank: Bank) -> None:
    quiz = assemble_quiz(small_bank, _settings(), rng=random.Random(1))
    assert len(quiz) == 12  # the small profile has 4 slots (3 skills and the language), under the 15 budget
    skills = [small_bank.skill_of(item.question_id) for item in quiz.items]
    assert {skill: skills.count(skill) for skill in set(skills)} == dict.fromkeys(quiz.skills, 3)


def test_the_heaviest_skills_are_measured_first(small_bank: Bank) -> None:
    slots = skills_to_measure(small_bank, _settings())
    assert slots[0] == ["python"]  # language weight 3, level 3
    assert slots[1] == ["sql"]  # weight 3
    assert slots[-1] == ["teamwork"]  # weight 1


def test_focus_skills_come_first(small_bank: Bank) -> None:
    assert skills_to_measure(small_bank, _settings(focus=("teamwork",)))[0] == ["teamwork"]


def test_every_chosen_language_is_measured(small_bank: Bank) -> None:
    quiz = assemble_quiz(small_bank, _settings(languages=("python", "java")), rng=random.Random(2))
    assert {"python", "java"} <= set(quiz.skills)


def test_a_short_form_asks_at_the_target_level_and_one_below_where_the_decision_is_made(small_bank: Bank) -> None:
    quiz = assemble_quiz(small_bank, _settings(), rng=random.Random(3))
    sql = sorted(small_bank.questions[i.question_id].difficulty for i in quiz.items if i.question_id.startswith("sql"))
    assert sql == [2, 3, 3]  # the junior SQL target is 3


def test_a_retake_prefers_questions_not_seen_before(small_bank: Bank) -> None:
    first = assemble_quiz(small_bank, _settings(), rng=random.Random(4))
    seen = {item.question_id for item in first.items}
    second = assemble_quiz(small_bank, _settings(), seen=seen, rng=random.Random(5))
    assert not seen & {item.question_id for item in second.items}


def test_options_are_shuffled_per_attempt_but_true_false_keeps_its_order(small_bank: Bank) -> None:
    orders = {
        item.option_order
        for seed in range(20)
        for item in assemble_quiz(small_bank, _settings(), rng=random.Random(seed)).items
        if item.question_id.startswith("sql")
    }
    assert len(orders) > 1


def test_unknown_profile_and_skill_are_refused(small_bank: Bank) -> None:
    with pytest.raises(UnknownProfile):
        assemble_quiz(small_bank, _settings(profile_id="cto"))
    with pytest.raises(UnknownSkill):
        assemble_quiz(small_bank, _settings(languages=("cobol",)))

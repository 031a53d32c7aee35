"""The real bank: enough reviewed questions per skill and level, consistent profiles and training."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.cli import bank_stats
from quiz.content.bank import Bank, load_bank
from quiz.content.models import Kind

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE_AND_TOOLING = ("python", "java", "php", "ruby", "nodejs", "sql", "git")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


def test_the_bank_has_at_least_fifteen_skills_across_every_category(bank: Bank) -> None:
    assert len(bank.skills) >= 15
    categories = {skill.category.value for skill in bank.skills.values()}
    assert categories == {"languages", "databases", "tooling", "architecture", "quality", "soft skills"}
    assert set(bank.language_skills) == {"python", "java", "php", "ruby", "nodejs"}


def test_every_skill_has_forty_questions_and_six_per_level(bank: Bank) -> None:
    stats = bank_stats(bank)["skills"]
    short = {
        skill: row
        for skill, row in stats.items()  # type: ignore[attr-defined]
        if row["questions"] < 40 or min(row["by_difficulty"].values()) < 6
    }
    assert short == {}


def test_at_least_thirty_percent_of_language_sql_and_git_questions_are_executable(bank: Bank) -> None:
    questions = [q for q in bank.questions.values() if bank.skill_of(q.id) in LANGUAGE_AND_TOOLING]
    share = sum(q.verify is not None for q in questions) / len(questions)
    assert share >= 0.30, f"{share:.0%} executable"


def test_every_question_file_records_a_second_review(bank: Bank) -> None:
    assert {file: len(reviews) for file, reviews in bank.reviews.items() if not reviews} == {}


def test_soft_skills_are_mostly_scenarios_with_partial_credit(bank: Bank) -> None:
    for skill in ("problem-solving", "teamwork", "communication"):
        questions = bank.by_skill[skill]
        scenarios = [q for q in questions if q.kind is Kind.SCENARIO]
        assert len(scenarios) / len(questions) >= 0.6
        assert all(any(0 < (o.credit or 0) < 1 for o in q.options) for q in scenarios)


def test_every_profile_targets_every_non_language_skill(bank: Bank) -> None:
    others = set(bank.skills) - set(bank.language_skills)
    for profile in bank.profiles.values():
        assert set(profile.targets) == others, profile.id


def test_every_skill_has_training_modules_up_to_the_highest_level_of_its_questions(bank: Bank) -> None:
    for skill_id, questions in bank.by_skill.items():
        modules = [m for m in bank.modules.values() if m.skill == skill_id]
        assert len(modules) >= 2, skill_id
        assert max(m.level for m in modules) >= max(q.difficulty for q in questions), skill_id


def test_salary_context_comes_with_its_source_and_date(bank: Bank) -> None:
    junior = bank.profiles["junior"].salary
    assert (junior.low, junior.high, junior.currency) == (33000, 45000, "EUR")
    assert bank.profiles["senior"].salary.high == 75000
    for profile in bank.profiles.values():
        assert profile.salary.source and profile.salary.published.year == 2025


def test_career_paths_cover_specialising_and_leading(bank: Bank) -> None:
    titles = " / ".join(career.title.lower() for career in bank.career_paths)
    for wanted in ("architect", "security consultant", "tech lead", "cto"):
        assert wanted in titles
    assert {career.kind for career in bank.career_paths} == {"specialise", "lead"}


def test_every_cli_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("check", "stats", "verify"):
        assert f"python -m quiz {command}" in readme


def test_stats_json_is_what_the_readme_promises() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "quiz", "stats", "--json"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    stats = json.loads(completed.stdout)
    assert stats["total"] >= 15 * 40
    row = stats["skills"]["python"]
    assert set(row) == {"questions", "by_difficulty", "executable", "level_agreement", "key_position"}
    assert set(row["by_difficulty"]) == {"1", "2", "3", "4", "5"}
    agreement = row["level_agreement"]
    assert set(agreement) == {"within_one", "off_by_two", "exact", "unrated", "elimination", "by_level"}
    assert set(agreement["by_level"]) == {"1", "2", "3", "4", "5"}
    assert 0 <= agreement["within_one"] <= 1
    assert set(row["key_position"]) == {"choice_questions", "by_position", "longest"}


def test_every_reference_link_is_https() -> None:
    for path in (ROOT / "questions").glob("*.yaml"):
        for url in re.findall(r"url:\s*['\"]?(\S+?)['\"]?\s*$", path.read_text(encoding="utf-8"), re.MULTILINE):
            assert url.startswith("https://"), f"{path.name}: {url}"

"""Loading content: every fault names its file, item and field, and the rest still loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.content.bank import InvalidQuestionBank, load_bank, read_bank
from tests.conftest import content, module, question, write_content


def _problems(folder: Path) -> list[str]:
    return [str(problem) for problem in read_bank(folder).problems]


def test_a_valid_folder_loads_with_no_problems(content_dir: Path) -> None:
    report = read_bank(content_dir)
    assert report.problems == []
    assert len(report.bank.questions) == 5 * 15
    assert report.bank.language_skills == ("python", "java")


def test_a_yaml_syntax_error_names_the_file_and_line_and_the_rest_loads(tmp_path: Path) -> None:
    files = content()
    files["git.yaml"] = "skill: git\nquestions:\n  - id: [unclosed\n"
    report = read_bank(write_content(tmp_path, files))
    assert [(p.file, p.field) for p in report.problems] == [("git.yaml", "(syntax)")]
    assert "line" in report.problems[0].message
    assert "sql-l3-0" in report.bank.questions


def test_an_unknown_key_names_file_item_and_field(tmp_path: Path) -> None:
    files = content()
    files["sql.yaml"]["questions"][4]["explaination"] = "typo"
    problems = _problems(write_content(tmp_path, files))
    assert problems == ["sql.yaml: item 'sql-l2-1', field 'explaination': unknown key (misspelt?)"]


def test_a_wrong_type_names_file_item_and_field_and_keeps_the_other_questions(tmp_path: Path) -> None:
    files = content()
    files["sql.yaml"]["questions"][0]["difficulty"] = "hard"
    report = read_bank(write_content(tmp_path, files))
    assert [(p.file, p.item, p.field) for p in report.problems] == [("sql.yaml", "sql-l1-0", "difficulty")]
    assert "sql-l1-0" not in report.bank.questions
    assert "sql-l1-1" in report.bank.questions


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda f: f["sql.yaml"].update(skill="cobol"),
            "sql.yaml: item '(file)', field 'skill': unknown skill 'cobol'",
        ),
        (
            lambda f: f["teamwork.yaml"]["questions"].append(question("sql-l1-0", 1)),
            "teamwork.yaml: item 'sql-l1-0', field 'id': duplicate id, already used in sql.yaml",
        ),
        (
            lambda f: f["sql.yaml"]["questions"][0]["options"][1].update(correct=True),
            "sql.yaml: item 'sql-l1-0', field 'questions': a single question needs exactly one correct option, found 2",
        ),
        (
            lambda f: f["training.yaml"]["modules"].append(module("x", "sql", 3, ["nowhere"])),
            "training.yaml: item 'x', field 'prerequisites': unknown module 'nowhere'",
        ),
        (
            lambda f: f["profiles.yaml"]["profiles"][0]["targets"].update(cobol={"level": 2, "weight": 1}),
            "profiles.yaml: item 'junior', field 'targets.cobol': unknown skill",
        ),
    ],
)
def test_cross_references_are_checked(tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    files = content()
    change(files)
    assert expected in _problems(write_content(tmp_path, files))


def test_prerequisite_cycles_are_reported(tmp_path: Path) -> None:
    files = content()
    files["training.yaml"]["modules"][0]["prerequisites"] = ["sql-tuning"]
    problems = _problems(write_content(tmp_path, files))
    assert any("prerequisites form a cycle" in problem for problem in problems)


def test_load_bank_refuses_a_broken_bank(tmp_path: Path) -> None:
    files = content()
    files["sql.yaml"]["questions"][0]["kind"] = "essay"
    with pytest.raises(InvalidQuestionBank, match="sql.yaml: item 'sql-l1-0', field 'kind'"):
        load_bank(write_content(tmp_path, files))


def test_check_command_prints_one_line_per_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = content()
    files["sql.yaml"]["questions"][0]["kind"] = "essay"
    files["git.yaml"]["questions"][0]["difficulty"] = 9
    assert main(["check", str(write_content(tmp_path, files))]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "git.yaml: item 'git-l1-0', field 'difficulty': Input should be less than or equal to 5",
        "sql.yaml: item 'sql-l1-0', field 'kind': Input should be 'single', 'multiple', 'true_false', 'code' or 'scenario'",
    ]


def test_check_command_exits_0_on_a_valid_bank(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(content_dir)]) == 0
    assert capsys.readouterr().out.startswith("OK:")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_in_a_question_file_gives_problems_not_a_crash(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "fuzz"
    if not folder.exists():
        write_content(folder, content())
    (folder / "sql.yaml").write_text(text, encoding="utf-8")
    report = read_bank(folder)
    assert "git-l1-0" in report.bank.questions
    for problem in report.problems:
        assert problem.file == "sql.yaml"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.integers(), max_size=3)))
def test_any_value_in_any_field_gives_a_named_problem(tmp_path: Path, value: object) -> None:
    for field in ("kind", "difficulty", "options", "reference", "prompt"):
        files = content()
        files["sql.yaml"]["questions"][0][field] = value
        report = read_bank(write_content(tmp_path / field, files))
        for problem in report.problems:
            assert problem.file == "sql.yaml"
            assert problem.item == "sql-l1-0"


def test_stats_counts_per_skill_and_level(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json", str(content_dir)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["total"] == 75
    sql = stats["skills"]["sql"]
    assert {key: sql[key] for key in ("questions", "by_difficulty", "executable")} == {
        "questions": 15,
        "by_difficulty": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3},
        "executable": 0,
    }
    assert sql["level_agreement"]["unrated"] == 15
    assert sql["level_agreement"]["within_one"] is None


def _rating(level: int, elimination: bool = False) -> dict[str, object]:
    return {"level": level, "elimination": elimination, "note": "needs to know the rule"}


def _rate(files: dict[str, Any], reviewer: str, items: dict[str, dict[str, object]], file: str = "sql.yaml") -> None:
    files[file].setdefault("ratings", []).append({"reviewer": reviewer, "date": "2026-12-04", "items": items})


def test_blind_ratings_load_with_their_file(tmp_path: Path) -> None:
    files = content()
    _rate(files, "blind-rater-1", {"sql-l1-0": _rating(2), "sql-l5-2": _rating(3, elimination=True)})
    report = read_bank(write_content(tmp_path, files))
    assert report.problems == []
    (rating_pass,) = report.bank.ratings["sql.yaml"]
    assert rating_pass.reviewer == "blind-rater-1"
    assert rating_pass.items["sql-l5-2"].elimination is True
    assert report.bank.ratings["git.yaml"] == ()


def test_a_rating_of_a_question_from_another_file_names_the_file_item_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = content()
    _rate(files, "blind-rater-1", {"sql-l1-0": _rating(1), "git-l1-0": _rating(1)})
    assert main(["check", str(write_content(tmp_path, files))]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "sql.yaml: item 'git-l1-0', field 'ratings': rated by blind-rater-1 but not a question of this file"
    ]


def test_a_rating_out_of_range_names_the_rated_question_and_the_rest_of_the_file_loads(tmp_path: Path) -> None:
    files = content()
    _rate(files, "blind-rater-1", {"sql-l1-0": _rating(1), "sql-l2-0": _rating(7)})
    report = read_bank(write_content(tmp_path, files))
    assert [str(problem) for problem in report.problems] == [
        "sql.yaml: item 'sql-l2-0', field 'ratings.level': Input should be less than or equal to 5"
    ]
    assert len(report.bank.by_skill["sql"]) == 15


def test_a_rating_without_its_note_or_with_an_unknown_key_is_named(tmp_path: Path) -> None:
    files = content()
    _rate(files, "blind-rater-1", {"sql-l1-0": {"level": 1, "elimination": False, "why": "copied from the JSON"}})
    problems = _problems(write_content(tmp_path, files))
    assert problems == [
        "sql.yaml: item 'sql-l1-0', field 'ratings.note': Field required",
        "sql.yaml: item 'sql-l1-0', field 'ratings.why': unknown key (misspelt?)",
    ]


def test_the_ratings_of_a_question_that_failed_validation_are_not_reported_twice(tmp_path: Path) -> None:
    files = content()
    files["sql.yaml"]["questions"][0]["kind"] = "essay"
    _rate(files, "blind-rater-1", {"sql-l1-0": _rating(1)})
    assert [(p.item, p.field) for p in read_bank(write_content(tmp_path, files)).problems] == [("sql-l1-0", "kind")]


def test_stats_report_level_agreement_per_skill_and_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = content()
    _rate(files, "blind-rater-1", {"sql-l1-0": _rating(1), "sql-l5-0": _rating(3), "sql-l5-1": _rating(5, True)})
    _rate(files, "blind-rater-2", {"sql-l1-0": _rating(2), "sql-l5-0": _rating(5), "sql-l5-1": _rating(4)})
    assert main(["stats", "--json", str(write_content(tmp_path, files))]) == 0
    agreement = json.loads(capsys.readouterr().out)["skills"]["sql"]["level_agreement"]
    assert {key: value for key, value in agreement.items() if key != "by_level"} == {
        "within_one": round(2 / 3, 3),
        "off_by_two": 1,
        "exact": 0,
        "unrated": 12,
        "elimination": 1,
    }
    assert agreement["by_level"]["5"] == {
        "within_one": 0.5,
        "off_by_two": 1,
        "exact": 0,
        "unrated": 1,
        "elimination": 1,
    }


def test_stats_text_shows_the_agreement_and_key_position_tables(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(content_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    agreement = lines.index(next(line for line in lines if line.startswith("Level agreement")))
    keys = lines.index(next(line for line in lines if line.startswith("Keyed option")))
    assert lines[agreement + 2].split() == ["python", "-", "0", "0", "15", "0", "0", "0", "0", "0", "0"]
    assert lines[keys + 1].split() == ["skill", "choice", "pos1", "pos2", "pos3", "longest"]
    assert lines[keys + 2].split() == ["python", "15", "100%", "0%", "0%", "0%"]

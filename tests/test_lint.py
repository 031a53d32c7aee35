"""The checker rejects the tells that let a learner game a quiz without knowing the skill."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quiz.bank import read_bank
from quiz.lint import lint_bank
from tests.conftest import content, question, write_content


def _lint(tmp_path: Path, change) -> list[str]:  # type: ignore[no-untyped-def]
    files = content()
    change(files)
    report = read_bank(write_content(tmp_path, files))
    assert report.problems == []
    return [str(problem) for problem in lint_bank(report.bank)]


def _set_options(files: dict[str, Any], index: int, options: list[dict[str, Any]]) -> None:
    files["sql.yaml"]["questions"][index]["options"] = options


def test_the_small_bank_has_no_tells(tmp_path: Path) -> None:
    assert _lint(tmp_path, lambda files: None) == []


def test_all_of_the_above_is_rejected(tmp_path: Path) -> None:
    problems = _lint(
        tmp_path,
        lambda f: _set_options(
            f, 0, [{"text": "right answer sql-l1-0", "correct": True}, {"text": "All of the above"}]
        ),
    )
    assert problems == ["sql.yaml: item 'sql-l1-0', field 'options': catch-all option 'All of the above' is a tell"]


def test_none_of_these_is_rejected(tmp_path: Path) -> None:
    problems = _lint(
        tmp_path,
        lambda f: _set_options(f, 0, [{"text": "right answer sql-l1-0", "correct": True}, {"text": "none of these"}]),
    )
    assert "catch-all option 'none of these' is a tell" in problems[0]


def test_a_repeated_option_is_rejected(tmp_path: Path) -> None:
    problems = _lint(
        tmp_path,
        lambda f: _set_options(
            f, 0, [{"text": "right answer sql-l1-0", "correct": True}, {"text": "Wrong"}, {"text": "wrong."}]
        ),
    )
    assert problems == ["sql.yaml: item 'sql-l1-0', field 'options': option repeated: 'wrong.'"]


def test_an_explanation_that_does_not_name_the_key_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        files["sql.yaml"]["questions"][0]["explanation"] = "Because reasons."

    assert _lint(tmp_path, change) == [
        "sql.yaml: item 'sql-l1-0', field 'explanation': does not say why the key is right (name the right answer)"
    ]


def test_a_near_duplicate_prompt_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        files["sql.yaml"]["questions"][1]["prompt"] = "Which statement about topic sql-l1-0 holds??"

    problems = _lint(tmp_path, change)
    assert problems == ["sql.yaml: item 'sql-l1-1', field 'prompt': near-duplicate of sql-l1-0 (100% of words shared)"]


def test_the_same_prompt_over_different_code_is_not_a_duplicate(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        for index, code in ((0, "print(1)"), (1, "print(2)")):
            item = files["sql.yaml"]["questions"][index]
            item.update(prompt="What does this print?", code=code, language="python")

    assert _lint(tmp_path, change) == []


def test_a_skill_whose_key_is_usually_the_longest_option_is_rejected(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        for index, item in enumerate(files["sql.yaml"]["questions"][:6]):
            item["options"][0]["text"] = f"the right answer, spelled out at great length {index}"

    problems = _lint(tmp_path, change)
    assert problems == [
        "sql.yaml: item '(file)', field 'options': the key is the strictly longest option in 40% of sql choice "
        "questions (limit 35%): shorten keys or lengthen distractors"
    ]


def test_the_real_bank_has_no_tells() -> None:
    report = read_bank()
    assert [str(p) for p in report.problems] == []
    assert [str(p) for p in lint_bank(report.bank)] == []


def test_a_true_false_explanation_must_say_true_or_false(tmp_path: Path) -> None:
    def change(files: dict[str, Any]) -> None:
        files["git.yaml"]["questions"].append(
            question("git-tf", 2, kind="true_false", options=[], answer=True, explanation="It holds, always.")
        )

    assert _lint(tmp_path, change) == [
        "git.yaml: item 'git-tf', field 'explanation': does not say why the key is right (name the right answer)"
    ]

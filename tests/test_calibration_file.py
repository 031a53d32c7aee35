"""calibration.yaml: read with the bank, validated like every content file, merged into the questions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from quiz.content.bank import read_bank
from quiz.content.calibration_file import CalibrationEntry, parse_calibration, render_calibration, write_calibration
from quiz.measure.irt import item_parameters
from tests.conftest import content, write_content

ENTRY = {"a": 0.9, "b": -1.2, "responses": 250, "updated": "2026-03-01"}


def _folder(tmp_path: Path, calibration: Any, **question_overrides: Any) -> Path:
    files = content()
    files["sql.yaml"]["questions"][0].update(question_overrides)
    files["calibration.yaml"] = calibration
    return write_content(tmp_path, files)


def _problems(folder: Path) -> list[str]:
    return [str(problem) for problem in read_bank(folder).problems]


def test_calibrated_parameters_are_what_the_scoring_uses(tmp_path: Path) -> None:
    report = read_bank(_folder(tmp_path, {"sql-l1-0": ENTRY}))
    assert report.problems == []
    assert item_parameters(report.bank.questions["sql-l1-0"]) == (0.9, -1.2)
    assert item_parameters(report.bank.questions["sql-l1-1"]) == (1.5, -2.0)


def test_the_calibration_file_wins_over_an_irt_block_in_the_question_file(tmp_path: Path) -> None:
    report = read_bank(_folder(tmp_path, {"sql-l1-0": ENTRY}, irt={"a": 2.0, "b": 0.5}))
    assert item_parameters(report.bank.questions["sql-l1-0"]) == (0.9, -1.2)


def test_the_calibration_file_is_not_read_as_a_question_file(tmp_path: Path) -> None:
    report = read_bank(_folder(tmp_path, {"sql-l1-0": ENTRY}))
    assert "calibration.yaml" not in report.bank.reviews
    assert len(report.bank.questions) == 75


@pytest.mark.parametrize(
    ("calibration", "expected"),
    [
        (
            {"sql-l1-0": {**ENTRY, "c": 0.2}},
            "calibration.yaml: item 'sql-l1-0', field 'c': unknown key (misspelt?)",
        ),
        (
            {"sql-l1-0": {**ENTRY, "a": 7.0}},
            "calibration.yaml: item 'sql-l1-0', field 'a': Input should be less than or equal to 4",
        ),
        (
            {"sql-l1-0": {key: value for key, value in ENTRY.items() if key != "updated"}},
            "calibration.yaml: item 'sql-l1-0', field 'updated': Field required",
        ),
        (
            {"sql-l9-9": ENTRY},
            "calibration.yaml: item 'sql-l9-9', field '(id)': unknown question id",
        ),
        (
            {"sql-l1-0": [0.9, -1.2]},
            "calibration.yaml: item 'sql-l1-0', field '(item)': expected a mapping with a, b, responses, updated",
        ),
        (
            ["sql-l1-0"],
            "calibration.yaml: item '(file)', field '(file)': expected a mapping of question id to {a, b, responses, updated}",
        ),
        (
            "sql-l1-0: {a: [unclosed\n",
            "calibration.yaml: item '(file)', field '(syntax)'",
        ),
    ],
)
def test_a_fault_in_the_calibration_file_names_file_item_and_field(
    tmp_path: Path, calibration: Any, expected: str
) -> None:
    problems = _problems(_folder(tmp_path, calibration))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_a_faulty_entry_leaves_its_question_on_its_previous_parameters_and_the_others_calibrated(
    tmp_path: Path,
) -> None:
    calibration = {"sql-l1-0": {**ENTRY, "b": 9.0}, "sql-l1-1": ENTRY}
    report = read_bank(_folder(tmp_path, calibration))
    assert len(report.problems) == 1
    assert item_parameters(report.bank.questions["sql-l1-0"]) == (1.5, -2.0)
    assert item_parameters(report.bank.questions["sql-l1-1"]) == (0.9, -1.2)


def test_an_empty_calibration_file_is_an_empty_calibration(tmp_path: Path) -> None:
    assert _problems(_folder(tmp_path, "")) == []


def test_a_written_calibration_reads_back_the_same(tmp_path: Path) -> None:
    entries = {
        "sql-l2-0": CalibrationEntry(a=1.2345, b=-0.5, responses=300, updated=date(2026, 3, 1)),
        "sql-l1-0": CalibrationEntry(a=0.9, b=1.0, responses=210, updated=date(2026, 3, 1)),
    }
    target = tmp_path / "calibration.yaml"
    write_calibration(target, entries)
    text = target.read_text(encoding="utf-8")
    assert text.index("sql-l1-0") < text.index("sql-l2-0")
    assert "&id" not in text and "*id" not in text
    parsed, faults = parse_calibration(yaml.safe_load(text))
    assert faults == []
    assert parsed["sql-l2-0"].a == 1.234
    assert parsed["sql-l1-0"] == entries["sql-l1-0"]
    assert render_calibration(parsed) == text

"""A translated edition mirrors the English bank: only the words differ, and `quiz check` holds it to that."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.content.bank import read_edition
from quiz.content.translation import SheetError, apply_sheet, dump_content, english_fingerprints, export_sheet
from tests.conftest import content, write_content

REVIEWS = [
    {"reviewer": "translator", "date": "2026-12-04", "notes": "translated"},
    {"reviewer": "bilingual-reviewer", "date": "2026-12-04", "notes": "read against the English"},
]


def french_of(files: dict[str, Any]) -> dict[str, Any]:
    """Every file of `files` through a sheet whose every string is marked as translated."""
    translated = {}
    for name, document in files.items():
        sheet = {
            item: {path: f"FR {text}" if not path.endswith("url") else text for path, text in fields.items()}
            for item, fields in export_sheet(document).items()
        }
        reviews = copy.deepcopy(REVIEWS)
        written = apply_sheet(document, sheet, reviews, english_fingerprints(document))
        translated[name] = yaml.safe_load(dump_content(written))
    return translated


def bank_with_french(tmp_path: Path, french: dict[str, Any] | None = None) -> Path:
    files = content()
    folder = write_content(tmp_path / "questions", files)
    write_content(folder / "fr", french if french is not None else french_of(files))
    return folder


def test_a_translated_edition_keeps_every_id_key_and_code_and_only_changes_words(tmp_path: Path) -> None:
    folder = bank_with_french(tmp_path)
    english, french = read_edition("en", folder).bank, read_edition("fr", folder).bank
    assert french.questions.keys() == english.questions.keys()
    for question_id, question in english.questions.items():
        translated = french.questions[question_id]
        assert translated.prompt == f"FR {question.prompt}"
        assert [o.score for o in translated.options] == [o.score for o in question.options]
        assert (translated.code, translated.verify, translated.difficulty) == (
            question.code,
            question.verify,
            question.difficulty,
        )
    assert main(["check", str(folder)]) == 0


def test_check_fails_on_a_french_key_that_differs_from_the_english_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    french = french_of(content())
    question = french["python.yaml"]["questions"][0]
    keyed = next(index for index, option in enumerate(question["options"]) if option.get("correct"))
    question["options"][keyed]["correct"] = False
    question["options"][(keyed + 1) % len(question["options"])]["correct"] = True
    folder = bank_with_french(tmp_path, french)
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"fr/python.yaml: item '{question['id']}', field 'options[{keyed}]': key or credit differs" in out


def test_check_fails_on_a_missing_translation_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    french = french_of(content())
    dropped = french["python.yaml"]["questions"].pop()
    folder = bank_with_french(tmp_path, french)
    assert main(["check", str(folder)]) == 1
    assert f"fr/python.yaml: item '{dropped['id']}', field '(question)': missing translation" in capsys.readouterr().out


def test_check_fails_on_a_changed_level_and_on_a_file_without_its_bilingual_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    french = french_of(content())
    french["python.yaml"]["questions"][0]["difficulty"] = (
        5 if french["python.yaml"]["questions"][0]["difficulty"] != 5 else 4
    )
    french["sql.yaml"]["reviews"] = REVIEWS[:1]
    folder = bank_with_french(tmp_path, french)
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "field 'difficulty': differs from the English edition" in out
    assert "fr/sql.yaml: item '(file)', field 'reviews': no bilingual review recorded yet" in out


def test_an_english_edit_after_translation_marks_the_translation_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = bank_with_french(tmp_path)
    english = yaml.safe_load((folder / "sql.yaml").read_text(encoding="utf-8"))
    reworded = english["questions"][0]
    reworded["explanation"] += " One more sentence the French edition does not have."
    (folder / "sql.yaml").write_text(yaml.safe_dump(english, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert main(["check", str(folder)]) == 1
    assert (
        f"fr/sql.yaml: item '{reworded['id']}', field '(translation)': the English text changed since it was "
        "translated: translate it again"
    ) in capsys.readouterr().out


def test_a_sheet_that_misses_a_field_is_refused_with_every_fault_named() -> None:
    document = content()["python.yaml"]
    sheet = export_sheet(document)
    first = next(iter(sheet))
    del sheet[first]["explanation"]
    sheet["no-such-question"] = {"prompt": "?"}
    with pytest.raises(SheetError) as refused:
        apply_sheet(document, sheet, [])
    assert f"{first}: explanation is missing" in str(refused.value)
    assert "no-such-question: no such item in the English file" in str(refused.value)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda text: text.strip() != ""))
def test_any_translated_text_survives_the_written_file(text: str) -> None:
    document = content()["python.yaml"]
    sheet = {item: dict.fromkeys(fields, text) for item, fields in export_sheet(document).items()}
    written = yaml.safe_load(dump_content(apply_sheet(document, sheet, [])))
    assert written["questions"][0]["prompt"] == text.strip()

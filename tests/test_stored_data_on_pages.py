"""Pages meeting stored data they did not write: a damaged attempt, learner text with Markdown in it."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from quiz.content.bank import load_bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.store.attempt import Attempt, Response
from quiz.store.database import Store, import_attempts
from quiz.store.export import attempts_to_json
from tests.test_app_flows import APP

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
IMAGE_LINK = "![x](https://evil.example/p.png)"


@pytest.fixture(autouse=True)
def fresh_app(data_dir: Path) -> Iterator[None]:
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _finished_attempt(profile_id: str = "junior", chosen: str | None = None) -> Attempt:
    """Every answer `chosen`, or each question's first option."""
    bank = load_bank()

    def first_option(question_id: str) -> str:
        return bank.questions[question_id].choices[0].text

    settings = AssessmentSettings("junior", ("python",), Length.QUICK)
    quiz = assemble_quiz(bank, settings, rng=random.Random(3))
    quiz = replace(quiz, settings=replace(settings, profile_id=profile_id))
    responses = tuple(
        Response(
            item.question_id,
            i,
            (chosen or first_option(item.question_id),),
            0.0,
            "certain",
            5.0,
            T0 + timedelta(minutes=i),
        )
        for i, item in enumerate(quiz.items)
    )
    return Attempt(str(uuid.uuid4()), quiz, T0, T0 + timedelta(hours=1), responses)


def _stored_attempt(profile_id: str = "junior", chosen: str | None = None) -> Attempt:
    """A finished attempt written straight to the store, as an older import or another tool could have."""
    attempt = _finished_attempt(profile_id, chosen)
    store = Store.open()
    import_attempts(store, store.learner_id(), [attempt])
    return attempt


def test_a_damaged_attempt_is_shown_as_damaged_and_every_page_stays_usable() -> None:
    _stored_attempt(profile_id="astronaut")
    at = AppTest.from_file(APP, default_timeout=60).run()
    for page in ("app_pages/results.py", "app_pages/plan.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert "cannot be shown: its role 'astronaut' is not in the question bank" in at.error[0].value
    at.switch_page("app_pages/progress.py").run()
    assert not at.exception
    assert "cannot be shown" in at.warning[0].value
    assert at.get("file_uploader"), "the import stays reachable"
    at.switch_page("app_pages/home.py").run()
    assert not at.exception


def test_an_imported_history_is_counted_in_words_and_a_second_import_duplicates_nothing() -> None:
    export = attempts_to_json([_finished_attempt()]).encode()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/progress.py").run()
    for expected in (
        "1 attempt imported. Every score was recomputed from the answers.",
        "0 attempts imported. 1 was already here and was skipped, never duplicated. "
        "Every score was recomputed from the answers.",
    ):
        at.file_uploader(key="import_file").upload("history.json", export, "application/json").run()
        at.button(key="import").click().run()
        assert not at.exception
        assert [element.value for element in at.success] == [expected]
        at.file_uploader(key="import_file").set_value(None).run()
    assert len(Store.open().attempts(Store.open().learner_id())) == 1


def test_stored_answer_text_is_shown_as_plain_text_never_as_markdown() -> None:
    _stored_attempt(chosen=IMAGE_LINK)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/results.py").run()
    assert not at.exception
    from quiz.report.literal_text import literal_markdown

    assert all(IMAGE_LINK not in element.value for element in at.markdown)  # never as Markdown to render
    assert any(literal_markdown(IMAGE_LINK) in element.value for element in at.markdown)  # shown as written


def test_escaped_learner_text_renders_back_to_exactly_what_was_written() -> None:
    from hypothesis import given
    from hypothesis import strategies as st_text
    from markdown_it import MarkdownIt

    from quiz.report.literal_text import literal_markdown

    parser = MarkdownIt("commonmark").enable(["strikethrough", "table"])  # CommonMark plus GFM's extras

    @given(st_text.text(alphabet=st_text.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
    def renders_as_written(text: str) -> None:
        tokens = parser.parseInline(literal_markdown(text))
        children = tokens[0].children or []
        assert all(child.type == "text" for child in children)  # no link, image, emphasis, code or HTML
        assert "".join(child.content for child in children) == text.replace("\n", " ")

    renders_as_written()

"""DevReady in French, through AppTest: the switch on every page, the choice remembered, and a whole
assessment, results, plan and progress with no English sentence left on any page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from quiz.content.bank import DEFAULT_CONTENT_DIR
from quiz.messages import catalogue
from tests.conftest import click, content, files_built_on_click, write_content
from tests.test_editions import french_of

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["app_pages/home.py", "app_pages/results.py", "app_pages/plan.py", "app_pages/progress.py"]


@pytest.fixture(autouse=True)
def fresh_app(data_dir: Path) -> Iterator[None]:
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def two_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = content()
    folder = write_content(tmp_path / "questions", files)
    write_content(folder / "fr", french_of(files))
    monkeypatch.setenv("DEVREADY_CONTENT_DIR", str(folder))
    return folder


# Code, file samples and SQL literals ('2024-01-31') keep their own format in any language.
CODE = re.compile(r"```[\s\S]*?```|`[^`\n]*`|^(?: {4}|\t).*$|'\d{4}-\d\d-\d\d[^'\n]*'", re.MULTILINE)


def _texts(node: Any, prose: bool = False) -> Iterator[str]:
    """Every string the page sends to the browser (labels, Markdown, options, tables, charts); with
    `prose`, what it says in words: no code, where a date is data in its file's format."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _texts(child, prose)
    proto = getattr(node, "proto", None)
    # A code block keeps its language's format; a date field's value travels as ISO and shows as typed.
    if proto is None or (prose and getattr(node, "type", "") in ("code", "date_input")):
        return
    body = getattr(proto, "body", "")
    if prose and isinstance(body, str) and body:
        yield CODE.sub(" ", body)
    else:
        yield re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), str(proto))


def english_sentences_on(at: AppTest) -> list[str]:
    """Interface sentences of more than three words, found in English on the page."""
    rendered = " ".join(" ".join(_texts(at._tree)).split())
    found = []
    for key, value in catalogue("en").items():
        for fragment in re.split(r"\{[^}]*\}", value):
            words = " ".join(fragment.split()).strip(" .,:;!?()*")
            if len(words.split()) > 3 and words != " ".join(catalogue("fr")[key].split()).strip(" .,:;!?()*"):
                if words in rendered:
                    found.append(f"{key}: {words}")
    return found


def english_dates_on(at: AppTest) -> list[str]:
    """Dates written the English way (2026-12-04) where a French reader reads them."""
    rendered = " ".join(" ".join(_texts(at._tree, prose=True)).split())
    return [
        rendered[max(0, m.start() - 60) : m.end() + 30] for m in re.finditer(r"\b20\d\d-[01]\d-[0-3]\d\b", rendered)
    ]


def _in_french(at: AppTest) -> AppTest:
    at.sidebar.selectbox(key="language_switch").set_value("fr")
    return at.run()


def _assessment_in_french(seen: list[list[str]] | None = None) -> AppTest:
    """A standard assessment taken in French up to the results (see `_answer_every_question`)."""
    at = _in_french(AppTest.from_file(APP, default_timeout=60).run())
    at.button(key=f"FormSubmitter:settings-{catalogue('fr')['start_button']}").click()
    return _answer_every_question(at.run(), seen)


def _answer_every_question(at: AppTest, seen: list[list[str]] | None = None) -> AppTest:
    """Each question answered with its first option as shown; the options of each single-choice
    question are added to `seen`."""
    submit = catalogue("fr")["submit_button"]
    while any(r.key and r.key.startswith("confidence-") for r in at.radio):
        choice = next((r for r in at.radio if r.key and r.key.startswith("choice-")), None)
        if choice is not None:
            if seen is not None:
                seen.append(list(choice.options))
            choice.set_value(choice.options[0])  # as shown: "Vrai" on a true/false question
        else:
            next(c for c in at.checkbox if c.key and c.key.startswith("opt-")).check()
        next(r for r in at.radio if r.key and r.key.startswith("confidence-")).set_value("fairly_sure")
        at = next(b for b in at.button if b.label == submit).click().run()
        assert not at.exception
    return at


def test_a_french_reader_downloads_the_report_in_french(two_editions: Path) -> None:
    with files_built_on_click() as built:
        _assessment_in_french()
    [report_name] = [name for name in built if name.startswith("devready-report-")]
    report = click(built[report_name])
    assert isinstance(report, str)
    assert '<html lang="fr">' in report
    assert catalogue("fr")["report_title"].split("{")[0] in report
    assert catalogue("en")["report_title"].split("{")[0] not in report


def test_the_language_switch_is_on_every_page_and_turns_the_interface_french(two_editions: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    switch = at.sidebar.selectbox(key="language_switch")
    assert list(switch.options) == ["English", "Français"]
    at = _in_french(at)
    assert not at.exception
    assert at.title[0].value == catalogue("fr")["home_title"]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception
        assert at.sidebar.selectbox(key="language_switch").value == "fr"


def test_the_choice_is_remembered_for_the_learner_in_a_new_session(two_editions: Path) -> None:
    _in_french(AppTest.from_file(APP, default_timeout=60).run())
    st.cache_resource.clear()
    again = AppTest.from_file(APP, default_timeout=60).run()
    assert again.sidebar.selectbox(key="language_switch").value == "fr"
    assert again.title[0].value == catalogue("fr")["home_title"]


def test_a_switch_while_the_database_is_away_still_switches_and_says_it_was_not_saved(
    two_editions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import quiz.store.preferences

    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE learners", {}, ConnectionRefusedError("connection refused"))

    at = AppTest.from_file(APP, default_timeout=60).run()
    monkeypatch.setattr(quiz.store.preferences, "remember_locale", unreachable)
    at = _in_french(at)
    assert not at.exception
    assert at.title[0].value == catalogue("fr")["home_title"]  # this visit is in French...
    assert [c.value for c in at.sidebar.caption] == [catalogue("fr")["language_not_saved"]]  # ...and it says so
    at = at.run()
    assert not at.sidebar.caption  # said once


def test_the_french_bank_is_what_a_french_reader_is_asked(two_editions: Path) -> None:
    at = _in_french(AppTest.from_file(APP, default_timeout=60).run())
    assert at.selectbox(key="profile").options[0].startswith("FR ")
    at.button(key=f"FormSubmitter:settings-{catalogue('fr')['start_button']}").click()
    at = at.run()
    assert not at.exception
    assert any(markdown.value.startswith("FR ") for markdown in at.markdown)


@pytest.mark.skipif(not (DEFAULT_CONTENT_DIR / "fr").is_dir(), reason="no French edition in this checkout")
def test_a_whole_assessment_results_plan_and_progress_in_french_show_no_english_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEVREADY_CONTENT_DIR", raising=False)
    at = _in_french(AppTest.from_file(APP, default_timeout=90).run())
    assert english_sentences_on(at) == english_dates_on(at) == []
    at.button(key=f"FormSubmitter:settings-{catalogue('fr')['start_button']}").click()
    at = at.run()
    assert english_sentences_on(at) == english_dates_on(at) == []
    at = _answer_every_question(at)
    assert at.title[0].value.startswith(catalogue("fr")["results_title"].split("{")[0].strip())
    assert english_sentences_on(at) == english_dates_on(at) == []
    for page in ["app_pages/plan.py", "app_pages/progress.py", "app_pages/scoring.py"]:
        at.switch_page(page).run()
        assert not at.exception
        assert english_sentences_on(at) == english_dates_on(at) == []
        if page.endswith("progress.py"):  # the retake hints: "**Compétence** : conseil", a no-break space
            hints = [block.value for block in at.markdown if block.value.startswith("- **")]
            assert hints and all(re.match(r"- \*\*[^*]+\*\*\u00a0: \S", hint) for hint in hints)


def test_an_attempt_taken_in_french_is_reviewed_in_english_with_the_english_options(two_editions: Path) -> None:
    at = _assessment_in_french()
    assert any("FR " in expander.proto.label for expander in at.expander)
    at.sidebar.selectbox(key="language_switch").set_value("en")
    at = at.run()
    at.switch_page("app_pages/results.py").run()
    assert not at.exception
    bodies = " ".join(markdown.value for markdown in at.markdown)
    answers = bodies.split(catalogue("en")["your_answer"])[1:]
    assert answers and not any(answer.strip().startswith("FR") for answer in answers)


def test_a_chosen_option_is_found_by_its_position_in_the_other_edition() -> None:
    from quiz.content.models import Question
    from quiz.report.chosen_text import chosen_as_shown

    def ask(*texts: str) -> Question:
        options = [{"text": text, "correct": index == 0} for index, text in enumerate(texts)]
        return Question.model_validate(
            {"id": "q", "kind": "single", "difficulty": 1, "prompt": "?", "options": options,
             "explanation": "x", "reference": {"title": "r"}}
        )  # fmt: skip

    english, french = ask("Yes", "No"), ask("Oui", "Non")
    assert chosen_as_shown(english, ["Non"], [french]) == ["No"]
    assert chosen_as_shown(french, ["Yes"], [english]) == ["Oui"]
    assert chosen_as_shown(english, ["something else"], [french]) == ["something else"]


def test_a_true_false_question_reads_vrai_faux_in_french_and_keeps_true_false_as_its_stored_answer() -> None:
    from quiz.content.models import Question
    from quiz.messages import using_locale
    from quiz.report.attempt_result import answer_key_markdown
    from quiz.report.chosen_text import chosen_as_shown, shown_option

    question = Question.model_validate(
        {"id": "q", "kind": "true_false", "difficulty": 1, "prompt": "?", "answer": True,
         "explanation": "True: x", "reference": {"title": "r"}}
    )  # fmt: skip
    assert [option.text for option in question.choices] == ["True", "False"]  # what an answer stores
    with using_locale("fr"):
        assert [shown_option(question, option.text) for option in question.choices] == ["Vrai", "Faux"]
        assert chosen_as_shown(question, ["False"], []) == ["Faux"]
        assert answer_key_markdown(question).startswith(f"{catalogue('fr')['right_answer']} Vrai\n")
    assert chosen_as_shown(question, ["False"], []) == ["False"]


def test_a_french_reader_answers_true_false_questions_in_french_and_is_scored_on_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.store.database import Store

    files = content()
    for item in files["sql.yaml"]["questions"]:  # every SQL question a true/false one, whose key is "True"
        item.update(kind="true_false", answer=True, explanation=f"True: {item['explanation']}")
        del item["options"]
    folder = write_content(tmp_path / "questions", files)
    write_content(folder / "fr", french_of(files))
    monkeypatch.setenv("DEVREADY_CONTENT_DIR", str(folder))
    seen: list[list[str]] = []
    at = _assessment_in_french(seen)
    assert ["Vrai", "Faux"] in seen and not any("True" in options for options in seen)
    store = Store.open()
    stored = store.latest_finished_attempt(store.learner_id())
    assert stored is not None
    answers = [r for r in stored.responses if r.question_id.startswith("sql-")]
    assert answers and all(r.chosen == ("True",) and r.score == 1.0 for r in answers)
    review = " ".join(markdown.value for markdown in at.markdown)
    assert f"{catalogue('fr')['your_answer']} Vrai" in review and f"{catalogue('fr')['right_answer']} Vrai" in review

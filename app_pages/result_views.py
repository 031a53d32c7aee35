"""What the Results and Plan pages show of one finished attempt, built once per attempt and process.

The cached builders live here, not in the page scripts: a page script runs again on every rerun, and
Streamlit would hash each decorated function's source again every time. What is shown is computed
in the core: `quiz/report/attempt_result.py` (the result), `result_tables.py` (its rows), `charts.py`.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pyarrow as pa
import streamlit as st

from app_pages.context import bank_report, edition_report, languages
from quiz.content.models import Question
from quiz.messages import t
from quiz.report import charts
from quiz.report.attempt_result import AttemptResult, answer_key_markdown
from quiz.report.chosen_text import chosen_as_shown
from quiz.report.literal_text import literal_markdown
from quiz.report.planning import Plan, build_plan
from quiz.report.result_tables import decision_rows, skill_rows


@st.cache_resource(show_spinner=False, max_entries=64)
def result_figures(attempt_id: str, locale: str, _result: AttemptResult) -> dict[str, object]:
    return dict(charts.result_charts(_result, bank_report().bank))


@st.cache_resource(show_spinner=False, max_entries=64)
def decision_table(attempt_id: str, locale: str, _result: AttemptResult) -> pa.Table:
    return pa.Table.from_pandas(pd.DataFrame(decision_rows(_result, bank_report().bank)), preserve_index=False)


@st.cache_resource(show_spinner=False, max_entries=64)
def skill_table(attempt_id: str, locale: str, _result: AttemptResult) -> pa.Table:
    # Arrow, converted once: st.dataframe would otherwise convert a pandas frame on every rerun.
    return pa.Table.from_pandas(pd.DataFrame(skill_rows(_result, bank_report().bank)), preserve_index=False)


# Markdown autolinks need a ":" (https://), a "." (www.) or an "@" (e-mail); escaped, each renders as itself.
_NO_AUTOLINK = re.compile(r"([:.@])")


def _label_text(prompt: str, limit: int = 90) -> str:
    """The prompt's first line for an expander label: cut short without leaving a code span open (the
    rest of the line would turn into Markdown: `$…$` maths, raw tags), and with no autolink."""
    first = prompt.splitlines()[0]
    short = first if len(first) <= limit else first[:limit].rstrip()
    if short.count("`") % 2:
        short += "`"
    return _without_autolinks(short) + ("…" if short != first else "")


def _without_autolinks(text: str) -> str:
    """Escape what Markdown would turn into a link, outside code spans (where nothing is linked)."""
    parts = text.split("`")
    return "`".join(part if index % 2 else _NO_AUTOLINK.sub(r"\\\1", part) for index, part in enumerate(parts))


def _other_editions(question_id: str, locale: str) -> list[Question]:
    """The same question in the other languages: where an answer given in one of them is found."""
    found = []
    for other in languages():
        if other != locale:
            question = edition_report(other).bank.questions.get(question_id)
            if question is not None:
                found.append(question)
    return found


@st.cache_resource(show_spinner=False, max_entries=64)
def review_entries(attempt_id: str, locale: str, _result: AttemptResult) -> list[tuple[str, str]]:
    """One expander label and one Markdown body per answer: few elements, so reruns stay fast. The
    learner's answer is stored learner text: it is escaped so that it shows exactly as written."""
    bank = bank_report().bank
    flagged = {item.position for item in _result.certain_and_wrong}
    rapid = {response.question_id for response in _result.rapid_guesses}
    entries = []
    for item in _result.review:
        response, question = item.response, item.question
        skipped = response is None or response.skipped
        mark = "⏭️" if skipped else "✅" if item.score == 1.0 else "🟡" if item.score > 0 else "❌"
        warning = " ⚠️" if item.position in flagged else ""
        warning += " (" + t("rapid_guess_mark") + ")" if question.id in rapid else ""
        skill = bank.skills[item.skill_id].name
        # An expander's label is its button: a URL autolinked inside it would nest a link in a button.
        first_line = _label_text(question.prompt)
        label = f"{mark}{warning} " + t("review_label", number=item.position + 1, skill=skill, prompt=first_line)
        lines = [question.prompt]
        if question.code:
            lines.append(f"```{question.language or 'text'}\n{question.code.rstrip()}\n```")
        chosen = chosen_as_shown(question, response.chosen, _other_editions(question.id, locale)) if response else []
        answer = literal_markdown("; ".join(chosen)) if chosen else t("skipped")
        lines.append(f"{t('your_answer')} {answer}")
        if response and response.confidence:
            lines.append(f"*{t('you_said', confidence=t(f'confidence_{response.confidence}'))}*")
        lines.append(answer_key_markdown(question))
        entries.append((label, "\n\n".join(lines)))
    return entries


@st.cache_resource(show_spinner=False, max_entries=128)
def plan_with_timeline(
    attempt_id: str, locale: str, hours_per_week: float, start: date, _result: AttemptResult
) -> tuple[Plan, object]:
    bank = bank_report().bank
    plan = build_plan(bank, _result.gaps, hours_per_week, start)
    return plan, charts.plan_timeline(plan, bank)

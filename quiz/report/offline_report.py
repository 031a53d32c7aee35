"""A self-contained HTML report of one attempt: readable offline, prints cleanly to PDF.

plotly.js is inlined once, so the file needs no network. Every piece of text is escaped: nothing a
learner or a content file wrote is ever rendered as HTML.

Neighbours: it shows an `AttemptResult` (`attempt_result.py`) with the same tables as the Results
page (`result_tables.py`) and the same figures (`charts.py`).
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from quiz.content.bank import Bank
from quiz.measure.scoring import MIN_ANSWERS_FOR_LEVEL
from quiz.messages import current_locale, day, t
from quiz.report import charts
from quiz.report.attempt_result import AttemptResult
from quiz.report.chosen_text import shown_option
from quiz.report.result_tables import Row, decision_notes, decision_rows, skill_rows
from quiz.report.summary import salary_sentences

REPORT_TEMPLATE = "plotly_white"
REPORT_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1F2933; line-height: 1.5; }
h1 { font-size: 1.8rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d9e2ec; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem;
       border-bottom: 1px solid #e4e7eb; } .readiness { font-size: 2rem; font-weight: 600; }
pre { background: #f2f5f8; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
.answer { page-break-inside: avoid; margin-bottom: 1.2rem; } .muted { color: #616e7c; font-size: .9rem; }
@media print { .chart { page-break-inside: avoid; } a { color: inherit; } }
"""


def figure_html(figure: go.Figure, first: bool) -> str:
    figure.update_layout(template=REPORT_TEMPLATE)  # the app's figures carry none: Streamlit themes them
    return figure.to_html(full_html=False, include_plotlyjs=True if first else False, config={"displayModeBar": False})


def table_html(rows: list[Row]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{escape(str(column))}</th>" for column in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row.values()) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_report(result: AttemptResult, bank: Bank) -> str:
    attempt, profile, ready = result.attempt, result.profile, result.readiness
    e = escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_locale()}"><head><meta charset="utf-8">',
        f"<title>{e(t('report_title', role=profile.title))}</title>",
        f"<style>{REPORT_STYLE}</style></head><body>",
        f"<h1>{e(t('report_title', role=profile.title))}</h1>",
        f'<p class="muted">{e(t("results_when", date=day(attempt.started_at), count=attempt.answered))}</p>',
    ]
    if ready.skills_measured:
        value = t("readiness_value", value=ready.value, sd=ready.sd)
        parts.append(f'<p class="readiness">{e(t("labelled", label=t("readiness_label"), text=value))}</p>')
    parts.append(f"<p><strong>{e(result.sentence)}</strong></p>")
    if result.caveat:
        parts.append(f"<p>{e(result.caveat)}</p>")
    if result.any_level_estimated:
        parts.append(
            f'<p class="muted">{e(t("readiness_help", count=result.skills_with_own_answers, total=ready.skills_total, minimum=MIN_ANSWERS_FOR_LEVEL))}</p>'
        )
    figures = charts.result_charts(result, bank)
    if "radar" not in figures:
        parts.append(f"<p>{e(t('nothing_to_chart'))}</p>")
    for index, figure in enumerate(figures.values()):
        parts.append(f'<div class="chart">{figure_html(figure, index == 0)}</div>')
    if result.answers_deciding:
        parts.append(f"<h2>{e(t('adaptive_title', count=result.answers_deciding))}</h2>")
        parts.append(table_html(decision_rows(result, bank)))
        parts.extend(f'<p class="muted">{e(note)}</p>' for note in decision_notes(result, bank))
    parts.append(f"<h2>{e(t('skills_table_title'))}</h2>")
    parts.append(table_html(skill_rows(result, bank)))
    parts.append(f"<h2>{e(t('review_title'))}</h2>")
    for item in result.review:
        response = item.response
        question = item.question
        chosen = [shown_option(question, text) for text in response.chosen] if response else []
        answer = "; ".join(chosen) if chosen else t("skipped")
        parts.append('<div class="answer">')
        parts.append(f"<h3>{item.position + 1}. {e(bank.skills[item.skill_id].name)}</h3><p>{e(question.prompt)}</p>")
        if question.code:
            parts.append(f"<pre><code>{e(question.code)}</code></pre>")
        parts.append(f"<p>{e(t('report_your_answer'))} {e(answer)} · {e(t('report_score', score=item.score))}</p>")
        parts.append(
            f"<p>{e(t('report_best_answer'))} {e('; '.join(shown_option(question, text) for text in question.correct_texts))}</p>"
        )
        parts.append(f"<p>{e(question.explanation)}</p>")
        reference = question.reference
        link = f'<a href="{e(reference.url)}">{e(reference.title)}</a>' if reference.url else e(reference.title)
        parts.append(f'<p class="muted">{e(t("report_learn_more"))} {link}</p></div>')
    salary_text, salary_source = salary_sentences(profile)
    parts.append(f"<h2>{e(t('salary_title'))}</h2><p>{e(salary_text)}</p>")
    parts.append(f'<p class="muted">{e(salary_source)}</p>')
    parts.append(f'<p class="muted">{e(t("report_footer"))}</p></body></html>')
    return "\n".join(parts)

"""A self-contained HTML report of a cohort's dashboard, for a bootcamp's records: readable offline,
every piece of text escaped (learners' names are user text), the same tables as the page."""

from __future__ import annotations

from html import escape

from quiz.content.bank import Bank
from quiz.messages import current_locale, day, t
from quiz.report.cohort_charts import cohort_heatmap, cohort_trend
from quiz.report.cohort_tables import gap_rows, item_rows, learner_rows
from quiz.report.cohort_view import MIN_SHARING_LEARNERS, CohortView
from quiz.report.offline_report import REPORT_STYLE, figure_html, table_html


def render_cohort_report(view: CohortView, bank: Bank) -> str:
    e = escape
    cohort = view.cohort
    title = t("cohort_report_title", name=cohort.name)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_locale()}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{REPORT_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="muted">{e(t("cohort_summary", role=bank.profiles[cohort.profile_id].title, start=day(cohort.starts_on), end=day(cohort.ends_on)))}</p>',
    ]
    if view.hidden:
        parts.append(f"<p>{e(t('dashboard_threshold', minimum=MIN_SHARING_LEARNERS, count=view.sharing))}</p>")
        parts.append('<p class="muted">' + e(t("report_footer")) + "</p></body></html>")
        return "\n".join(parts)
    if view.readiness is not None:
        spread = view.readiness
        parts.append(
            f'<p class="readiness">{e(t("dashboard_median_readiness"))}: '
            f"{e(t('dashboard_median_value', median=spread.median, q1=spread.q1, q3=spread.q3, count=spread.count))}</p>"
        )
    parts.append(f"<p>{e(t('dashboard_glance', learners=view.sharing, attempts=view.attempts_this_week))}</p>")
    parts.append(f'<div class="chart">{figure_html(cohort_heatmap(view, bank), True)}</div>')
    parts.append(f"<h2>{e(t('dashboard_learners_title'))}</h2>{table_html(learner_rows(view, bank))}")
    parts.append(f"<h2>{e(t('dashboard_gaps_title'))}</h2>{table_html(gap_rows(view, bank))}")
    if view.trend:
        parts.append(f'<div class="chart">{figure_html(cohort_trend(view), False)}</div>')
    parts.append(f"<h2>{e(t('dashboard_items_title'))}</h2>{table_html(item_rows(view, bank))}")
    parts.append(f'<p class="muted">{e(t("report_footer"))}</p></body></html>')
    return "\n".join(parts)

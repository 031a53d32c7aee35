"""The instructor's dashboard as rows of text and a CSV: the page, the export and the offline report
show the same tables with the same wording. Learners' names are user text: the page shows them in
data tables (never as HTML or Markdown) and the CSV neutralises every cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from quiz.content.bank import Bank
from quiz.messages import day, number, percent, t
from quiz.report.cohort_view import CohortView, LearnerStanding
from quiz.report.result_tables import Row
from quiz.store.export import neutralise_cell


def column_label(bank: Bank, column: str) -> str:
    return t("cohort_language_column") if column == "language" else bank.skills[column].name


def _p(value: float | None) -> str:
    return t("cohort_not_measured") if value is None else percent(value)


def _readiness(standing: LearnerStanding) -> str:
    if standing.latest is None or not standing.latest.readiness.skills_measured:
        return t("cohort_not_measured")
    ready = standing.latest.readiness
    return t("readiness_value", value=ready.value, sd=ready.sd)


def learner_rows(view: CohortView, bank: Bank) -> list[Row]:
    """Per sharing learner: readiness, P(meets target) per skill, attempts and the last one's date."""
    rows: list[Row] = []
    for standing in view.standings:
        row: Row = {t("cohort_col_learner"): standing.member.name, t("cohort_col_readiness"): _readiness(standing)}
        for column in view.columns:
            row[column_label(bank, column)] = _p(standing.p_meets(column))
        row[t("cohort_col_attempts")] = standing.attempts
        row[t("cohort_col_last")] = day(standing.last_attempt_on) if standing.last_attempt_on else "—"
        rows.append(row)
    return rows


def gap_rows(view: CohortView, bank: Bank) -> list[Row]:
    return [
        {
            t("col_skill"): bank.skills[gap.skill_id].name,
            t("cohort_col_shortfall"): number(gap.shortfall, 2),
            t("cohort_col_below"): t("cohort_below_value", below=gap.below, measured=gap.measured),
            t("cohort_col_modules"): ", ".join(module.title for module in gap.modules),
        }
        for gap in view.gaps
    ]


def item_rows(view: CohortView, bank: Bank) -> list[Row]:
    return [
        {
            t("cohort_col_question"): item.question_id,
            t("cohort_col_file"): item.file,
            t("col_skill"): bank.skills[item.skill_id].name,
            t("cohort_col_responses"): item.health.responses,
            t("cohort_col_facility"): number(item.health.facility, 2),
            t("cohort_col_discrimination"): number(item.health.discrimination, 2),
            t("cohort_col_suspect"): t("cohort_suspect") if item.health.suspect else "",
        }
        for item in view.items
    ]


def cohort_csv(view: CohortView, bank: Bank) -> str:
    """The learner table as CSV; every cell neutralised, so a name like `=HYPERLINK(...)` stays text."""
    rows = learner_rows(view, bank)
    buffer = io.StringIO()
    if rows:
        writer = csv.writer(buffer)
        writer.writerow([neutralise_cell(key) for key in rows[0]])
        for row in rows:
            writer.writerow([neutralise_cell(value) for value in row.values()])
    return buffer.getvalue()

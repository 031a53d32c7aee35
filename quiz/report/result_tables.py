"""The results as rows of text, one mapping a row keyed by column title: the Results page and the
offline report show the same tables with the same wording.

Neighbours: the result itself is `attempt_result.py`; the verdict sentence is `summary.py`.
"""

from __future__ import annotations

from quiz.content.bank import Bank
from quiz.measure.adaptive import DECISION_THRESHOLD, MAX_PER_SKILL
from quiz.messages import number, percent, t
from quiz.report.attempt_result import AttemptResult

Row = dict[str, str | int]


def skill_rows(result: AttemptResult, bank: Bank) -> list[Row]:
    """Per skill of the profile: estimated level ± SE, target, probability of meeting it, answers."""
    rows: list[Row] = []
    for gap in result.gaps:
        estimate = gap.estimate
        if estimate is None:
            level = t("not_measured")
        else:
            level = f"{number(estimate.level)} ± {number(estimate.se)}"
            if estimate.inferred:
                level += " " + t("inferred_from_others", count=estimate.answers)
        rows.append(
            {
                t("col_skill"): bank.skills[gap.skill_id].name,
                t("col_level"): level,
                t("col_target"): gap.target.level,
                t("col_meets"): percent(gap.probability_meets) if gap.probability_meets is not None else "—",
                t("col_answers"): estimate.answers if estimate else 0,
            }
        )
    return rows


def decision_rows(result: AttemptResult, bank: Bank) -> list[Row]:
    """Per skill of an adaptive attempt: the decision (or where it leans), its probability, SE, answers."""
    rows: list[Row] = []
    rushed = {bank.skill_of(response.question_id) for response in result.rapid_guesses}
    for decision in result.decisions.values():
        if not decision.answers:
            verdict = t("decision_nothing_counted" if decision.skill_id in rushed else "decision_not_asked")
        elif decision.confident:
            verdict = t("decision_meets") if decision.meets else t("decision_below")
        else:  # stopped at its question limit (or the total one) before the threshold: say where it leans
            verdict = t("decision_leaning_meets") if decision.meets else t("decision_leaning_below")
        rows.append(
            {
                t("col_skill"): bank.skills[decision.skill_id].name,
                t("col_decision"): verdict,
                t("col_probability"): percent(decision.confidence),
                t("col_se"): number(decision.sd, 2),
                t("col_answers"): decision.answers,
            }
        )
    return rows


def decision_notes(result: AttemptResult, bank: Bank) -> list[str]:
    """What the decision table cannot say by itself: how a decision is made, and skills whose answers
    were all right or all wrong (the estimate is then a bound, not a measurement)."""
    notes = [t("adaptive_decision_help", threshold=DECISION_THRESHOLD, maximum=MAX_PER_SKILL)]
    for decision in result.decisions.values():
        name = bank.skills[decision.skill_id].name
        if decision.all_right:
            notes.append(t("adaptive_all_right", skill=name))
        elif decision.all_wrong:
            notes.append(t("adaptive_all_wrong", skill=name))
    return notes

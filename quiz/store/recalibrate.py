"""Recalibrating the bank from stored answers: which items get new parameters, and why others do not.

Every response of a finished, non-abandoned attempt counts; each attempt is one person (a learner
who retakes the assessment counts once per attempt). Per skill, a persons × items matrix goes
through `calibrate_2pl` and `item_health`; an item is updated only when the evidence is good
enough, otherwise it keeps its previous parameters and the reason is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from quiz.content.bank import Bank
from quiz.content.calibration_file import DEFAULT_MIN_RESPONSES, CalibrationEntry
from quiz.measure.calibration import calibrate_2pl
from quiz.measure.irt import guessing_floor, item_parameters
from quiz.measure.item_health import ItemHealth, item_health
from quiz.store.database import Store
from quiz.store.tables import AttemptRow, ResponseRow

# PISA's item-fit threshold on RMSD (it uses 0.12; we are a little stricter).
MAX_RMSD = 0.10


@dataclass(frozen=True)
class ScoredAnswer:
    attempt_id: str
    question_id: str
    score: float
    adaptive: bool = False  # from an adaptive attempt: fine for calibration, biased for item health


@dataclass(frozen=True)
class SkillResponses:
    """One skill's answers: attempts × questions, NaN where an attempt did not see a question."""

    skill: str
    question_ids: tuple[str, ...]
    scores: npt.NDArray[np.float64]
    fixed_form: npt.NDArray[np.bool_] | None = None  # rows from fixed-form attempts

    @property
    def fixed_form_scores(self) -> npt.NDArray[np.float64]:
        return self.scores if self.fixed_form is None else self.scores[self.fixed_form]


class Outcome(StrEnum):
    UPDATED = "updated"
    FEW_RESPONSES = "too few responses"
    NOT_CONVERGED = "the skill's fit did not converge"
    DIVERGED = "estimate diverged"
    SUSPECT = "probable wrong key"
    MISFIT = "fits the 2PL badly"


@dataclass(frozen=True)
class ItemResult:
    question_id: str
    skill: str
    file: str
    responses: int
    old: tuple[float, float]
    fitted: tuple[float, float]
    rmsd: float
    health: ItemHealth
    outcome: Outcome


@dataclass(frozen=True)
class SkillFit:
    skill: str
    persons: int
    items: int
    iterations: int
    converged: bool
    log_likelihood: float


@dataclass(frozen=True)
class Recalibration:
    """The outcome of a run: per-item results, per-skill fits, and the calibration file to write."""

    items: tuple[ItemResult, ...]
    fits: tuple[SkillFit, ...]
    entries: dict[str, CalibrationEntry]
    attempts: int
    answers: int
    ignored: int  # answers to questions the bank no longer has

    def with_outcome(self, outcome: Outcome) -> list[ItemResult]:
        return [item for item in self.items if item.outcome is outcome]


def finished_answers(store: Store) -> list[ScoredAnswer]:
    """Every stored answer of a finished attempt that was not set aside."""
    query = (
        select(ResponseRow.attempt_id, ResponseRow.question_id, ResponseRow.score, AttemptRow.adaptive)
        .join(AttemptRow, AttemptRow.id == ResponseRow.attempt_id)
        .where(AttemptRow.finished_at.is_not(None), AttemptRow.abandoned.is_(False))
        .order_by(ResponseRow.attempt_id, ResponseRow.position)
    )
    with store.transaction() as session:
        return [ScoredAnswer(*row) for row in session.execute(query).all()]


def response_matrices(answers: Iterable[ScoredAnswer], bank: Bank) -> dict[str, SkillResponses]:
    """Group answers by skill into attempts × questions matrices; unknown questions are left out."""
    cells: dict[str, dict[tuple[str, str], float]] = {}
    adaptive_attempts: set[str] = set()
    for answer in answers:
        if answer.adaptive:
            adaptive_attempts.add(answer.attempt_id)
        if answer.question_id in bank.questions:
            skill = bank.skill_of(answer.question_id)
            cells.setdefault(skill, {})[(answer.attempt_id, answer.question_id)] = answer.score
    matrices = {}
    for skill, scored in sorted(cells.items()):
        attempts = sorted({attempt for attempt, _ in scored})
        answered = {question_id for _, question_id in scored}
        question_ids = tuple(question.id for question in bank.by_skill[skill] if question.id in answered)
        rows = {attempt: index for index, attempt in enumerate(attempts)}
        columns = {question_id: index for index, question_id in enumerate(question_ids)}
        scores = np.full((len(attempts), len(question_ids)), np.nan)
        for (attempt, question_id), score in scored.items():
            scores[rows[attempt], columns[question_id]] = score
        fixed_form = np.array([attempt not in adaptive_attempts for attempt in attempts], dtype=bool)
        matrices[skill] = SkillResponses(skill, question_ids, scores, fixed_form)
    return matrices


def recalibrate(
    bank: Bank,
    answers: list[ScoredAnswer],
    previous: Mapping[str, CalibrationEntry],
    *,
    min_responses: int = DEFAULT_MIN_RESPONSES,
    today: date | None = None,
) -> Recalibration:
    """Calibrate every skill that has answers and decide, item by item, what to update.

    Args:
        bank: The bank as loaded (with the current calibration merged in).
        answers: The stored answers (see `finished_answers`).
        previous: The entries of the current calibration file, kept unless replaced.
        min_responses: Responses an item needs before its parameters are updated.
        today: The date written on updated entries.

    Returns:
        A `Recalibration` whose `entries` are the calibration file to write.
    """
    day = today or date.today()
    matrices = response_matrices(answers, bank)
    entries = dict(previous)
    results: list[ItemResult] = []
    fits: list[SkillFit] = []
    for skill, matrix in matrices.items():
        floors = [guessing_floor(bank.questions[question_id]) for question_id in matrix.question_ids]
        fit = calibrate_2pl(matrix.scores, guessing=floors)  # c fixed from each item's form, as the scoring
        # An adaptive form keeps every learner near 50% right, which flattens facility and
        # discrimination: item health reads fixed-form attempts only; calibration uses them all.
        health = item_health(matrix.fixed_form_scores)
        fits.append(
            SkillFit(
                skill,
                matrix.scores.shape[0],
                len(matrix.question_ids),
                fit.iterations,
                fit.converged,
                fit.log_likelihood,
            )
        )
        for column, question_id in enumerate(matrix.question_ids):
            responses = int(fit.responses[column])
            fitted = (float(fit.a[column]), float(fit.b[column]))
            outcome = _outcome(
                responses,
                min_responses,
                fit.converged,
                bool(fit.diverged[column]),
                health[column],
                float(fit.rmsd[column]),
            )
            if outcome is Outcome.UPDATED:
                entries[question_id] = CalibrationEntry(a=fitted[0], b=fitted[1], responses=responses, updated=day)
            results.append(
                ItemResult(
                    question_id,
                    skill,
                    bank.question_file[question_id],
                    responses,
                    item_parameters(bank.questions[question_id]),
                    fitted,
                    float(fit.rmsd[column]),
                    health[column],
                    outcome,
                )
            )
    known = [answer for answer in answers if answer.question_id in bank.questions]
    return Recalibration(
        items=tuple(results),
        fits=tuple(fits),
        entries=entries,
        attempts=len({answer.attempt_id for answer in answers}),
        answers=len(answers),
        ignored=len(answers) - len(known),
    )


def _outcome(
    responses: int, min_responses: int, converged: bool, diverged: bool, health: ItemHealth, rmsd: float
) -> Outcome:
    """Why an item is (not) updated, the first reason found winning."""
    if responses < min_responses:
        return Outcome.FEW_RESPONSES
    if not converged:
        return Outcome.NOT_CONVERGED
    if diverged:
        return Outcome.DIVERGED
    if health.suspect:
        # Calibrating a wrong key would only write the mistake into the parameters.
        return Outcome.SUSPECT
    if rmsd > MAX_RMSD:
        return Outcome.MISFIT
    return Outcome.UPDATED

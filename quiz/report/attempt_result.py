"""One attempt's result (`AttemptResult`): estimates, gaps, readiness, the review of every answer,
computed once from the stored answers.

Neighbours: the estimates come from `quiz/measure/estimate.py` for both modes (an adaptive attempt
also shows the session's stop reasons), gaps and readiness from `quiz/measure/scoring.py`; the verdict sentence from `summary.py`; `result_tables.py` turns a result
into rows; the Results page (`app_pages/results.py`, with its cached views in
`app_pages/result_views.py`) and the offline report (`offline_report.py`) show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quiz.content.bank import Bank
from quiz.content.models import Profile, Question
from quiz.measure.adaptive import SkillDecision, item_pool
from quiz.measure.estimate import estimate_attempt
from quiz.measure.rapid import MANY_RAPID_SHARE, is_rapid_guess
from quiz.measure.scoring import (
    SKIP_CREDIT,
    Gap,
    Readiness,
    SkillEstimate,
    profile_gaps,
    readiness,
)
from quiz.messages import t
from quiz.report.chosen_text import shown_option
from quiz.report.summary import readiness_sentence, verdict_caveat
from quiz.store.adaptive_flow import session_from_attempt
from quiz.store.attempt import Attempt, Response

CONFIDENCE_LEVELS = ("guess", "fairly_sure", "certain")


@dataclass(frozen=True)
class ReviewedAnswer:
    position: int
    question: Question
    skill_id: str
    response: Response | None  # None: the learner never reached this question

    @property
    def score(self) -> float:
        return self.response.score if self.response is not None else SKIP_CREDIT


def answer_key_markdown(question: Question) -> str:
    """The best answer, why, and where to learn more: what practice feedback and the review both show."""
    reference = question.reference
    source = f"[{reference.title}]({reference.url})" if reference.url else reference.title
    return "\n\n".join(
        [
            f"{t('right_answer')} {'; '.join(shown_option(question, text) for text in question.correct_texts)}",
            question.explanation,
            f"{t('learn_more')} {source}",
        ]
    )


@dataclass(frozen=True)
class CalibrationRow:
    confidence: str
    answers: int
    correct: float  # mean score of the answers given with this confidence

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class AttemptResult:
    attempt: Attempt
    profile: Profile
    estimates: dict[str, SkillEstimate]
    gaps: list[Gap]
    readiness: Readiness
    sentence: str
    review: list[ReviewedAnswer]
    calibration: list[CalibrationRow]
    decisions: dict[str, SkillDecision] = field(default_factory=dict)  # adaptive attempts only
    rapid_guesses: tuple[Response, ...] = ()  # answered too fast to have been read: left out of the estimates
    caveat: str | None = None  # the verdict is not settled: readiness ± its SD straddles a verdict's line

    @property
    def skills_with_own_answers(self) -> int:
        """Skills estimated from at least MIN_ANSWERS_FOR_LEVEL answers of their own (the rest are inferred)."""
        return sum(gap.estimate is not None and not gap.estimate.inferred for gap in self.gaps)

    @property
    def any_level_estimated(self) -> bool:
        """False only when no answer counted at all (every one a rapid guess): nothing to infer from."""
        return any(gap.estimate is not None for gap in self.gaps)

    @property
    def answers_deciding(self) -> int:
        """Answers the adaptive decisions rest on: those given, less the rapid guesses."""
        return sum(decision.answers for decision in self.decisions.values())

    @property
    def answers_given(self) -> int:
        """Questions answered rather than skipped, rapid guesses included."""
        return sum(not response.skipped for response in self.attempt.responses)

    @property
    def many_rapid_guesses(self) -> bool:
        answered = self.answers_given
        return bool(answered) and len(self.rapid_guesses) >= MANY_RAPID_SHARE * answered

    @property
    def certain_and_wrong(self) -> list[ReviewedAnswer]:
        return [
            item
            for item in self.review
            if item.response is not None and item.response.confidence == "certain" and item.response.score < 0.5
        ]


def counted_answers(bank: Bank, attempt: Attempt) -> tuple[list[tuple[str, float]], list[Response]]:
    """(question id, score) of every answer that counts, and the rapid guesses left out (docs/scoring.md)."""
    counted, rapid = [], []
    for response in attempt.responses:
        question = bank.questions.get(response.question_id)
        if question is None:
            continue  # removed from the bank since: nothing to score it against
        if is_rapid_guess(question, response.seconds, response.skipped):
            rapid.append(response)
        else:
            counted.append((response.question_id, response.score))
    return counted, rapid


class DamagedAttempt(ValueError):
    """A stored attempt the bank cannot read (its role or a language is not in the bank): shown as
    damaged, never a crash."""

    def __init__(self, attempt: Attempt, reason: str) -> None:
        self.attempt = attempt
        self.reason = reason
        super().__init__(f"attempt {attempt.id} cannot be shown: {reason}")


def attempt_damage(bank: Bank, attempt: Attempt) -> str | None:
    """Why the bank cannot read `attempt`, or None when it can."""
    settings = attempt.quiz.settings
    if settings.profile_id not in bank.profiles:
        return f"its role {settings.profile_id!r} is not in the question bank"
    unknown = [language for language in settings.languages if language not in bank.skills]
    if unknown or not settings.languages:
        return f"its languages {', '.join(unknown)!r} are not in the question bank"
    return None


def evaluate_attempt(bank: Bank, attempt: Attempt) -> AttemptResult:
    """Everything the results page shows; raises DamagedAttempt for an attempt the bank cannot read."""
    damage = attempt_damage(bank, attempt)
    if damage is not None:
        raise DamagedAttempt(attempt, damage)
    settings = attempt.quiz.settings
    profile = bank.profiles[settings.profile_id]
    # One estimator for both modes; an adaptive attempt also shows why each skill stopped.
    counted, rapid = counted_answers(bank, attempt)
    estimates = estimate_attempt(bank, settings.profile_id, settings.languages, counted)
    decisions: dict[str, SkillDecision] = {}
    if settings.adaptive:
        # The decisions rest on the answers the estimates count: a rapid guess decides nothing either.
        rushed = frozenset(response.question_id for response in rapid)
        decisions = session_from_attempt(bank, item_pool(bank), attempt, leave_out=rushed).decisions()
    gaps = profile_gaps(profile, estimates, settings.languages)
    ready = readiness(gaps)
    review = [
        ReviewedAnswer(
            position,
            bank.questions[item.question_id],
            bank.skill_of(item.question_id),
            attempt.response_for(item.question_id),
        )
        for position, item in enumerate(attempt.quiz.items)
        if item.question_id in bank.questions
    ]
    calibration = []
    for level in CONFIDENCE_LEVELS:
        given = [r for r in attempt.responses if r.confidence == level and not r.skipped]
        calibration.append(CalibrationRow(level, len(given), sum(r.score for r in given)))
    sentence = readiness_sentence(ready, gaps, profile, bank)
    caveat = verdict_caveat(ready, settings)
    return AttemptResult(
        attempt, profile, estimates, gaps, ready, sentence, review, calibration, decisions, tuple(rapid), caveat
    )

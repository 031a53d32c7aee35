"""What an instructor sees of a cohort: built from the same per-attempt results a learner sees.

Only members who share reach this module (`quiz.store.cohorts` checks who asks). Every figure over
the cohort is hidden while fewer than `MIN_SHARING_LEARNERS` learners share, so that no aggregate can
single one learner out (the threshold Pluralsight uses for team skill views). Each learner counts
with their latest finished attempt taken for the cohort's role; "not measured yet" is kept apart
from "low" everywhere.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from quiz.content.bank import Bank
from quiz.content.models import Module
from quiz.measure.item_health import ItemHealth, item_health
from quiz.measure.scoring import Gap
from quiz.report.attempt_result import AttemptResult, DamagedAttempt, counted_answers
from quiz.report.planning import modules_for_gap
from quiz.store.attempt import Attempt
from quiz.store.cohorts import Cohort, Member

MIN_SHARING_LEARNERS = 5
INACTIVE_AFTER = timedelta(days=14)
# An item needs this many answers from the cohort before its statistics say anything.
MIN_COHORT_RESPONSES = 10


@dataclass(frozen=True)
class LearnerStanding:
    member: Member
    attempts: int  # finished attempts, every role
    last_attempt_on: date | None
    latest: AttemptResult | None  # the latest finished attempt for the cohort's role
    role_attempts: tuple[Attempt, ...] = ()  # every finished attempt for the cohort's role, oldest first

    def p_meets(self, skill_id: str) -> float | None:
        """P(meets the role's target) for `skill_id`, or None when not measured yet."""
        if self.latest is None:
            return None
        for gap in self.latest.gaps:
            if gap.skill_id == skill_id or (gap.is_language and skill_id == "language"):
                return gap.probability_meets
        return None

    @property
    def readiness(self) -> float | None:
        return (
            self.latest.readiness.value if self.latest is not None and self.latest.readiness.skills_measured else None
        )


@dataclass(frozen=True)
class Spread:
    """A median with its interquartile range, over `count` learners."""

    count: int
    median: float
    q1: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread | None:
        if not values:
            return None
        q1, median, q3 = (float(v) for v in np.percentile(values, [25, 50, 75]))
        return cls(len(values), median, q1, q3)


@dataclass(frozen=True)
class CohortGap:
    skill_id: str
    weight: float
    shortfall: float  # mean over measured learners of weight × max(target − level, 0)
    below: int  # learners more likely below the target than at it
    measured: int
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class WeekPoint:
    week_start: date
    readiness: Spread


@dataclass(frozen=True)
class CohortItem:
    question_id: str
    skill_id: str
    file: str
    health: ItemHealth


@dataclass(frozen=True)
class CohortView:
    cohort: Cohort
    standings: tuple[LearnerStanding, ...]
    columns: tuple[str, ...]  # skills of the heatmap: "language" (the best chosen one), then the role's targets
    attempts_this_week: int
    readiness: Spread | None
    gaps: tuple[CohortGap, ...]
    trend: tuple[WeekPoint, ...]
    inactive: tuple[Member, ...]
    items: tuple[CohortItem, ...]

    @property
    def sharing(self) -> int:
        return len(self.standings)

    @property
    def hidden(self) -> bool:
        """Too few sharing learners for any figure over the cohort."""
        return self.sharing < MIN_SHARING_LEARNERS

    @property
    def suspect_items(self) -> tuple[CohortItem, ...]:
        return tuple(item for item in self.items if item.health.suspect)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def _safe_result(evaluate: Callable[[Attempt], AttemptResult], attempt: Attempt) -> AttemptResult | None:
    try:
        return evaluate(attempt)
    except DamagedAttempt:
        return None  # a stored attempt the bank can no longer read counts as not measured


def build_cohort_view(
    bank: Bank,
    cohort: Cohort,
    members: Sequence[Member],
    attempts: Mapping[int, Sequence[Attempt]],
    evaluate: Callable[[Attempt], AttemptResult],
    today: date,
) -> CohortView:
    """The dashboard of `cohort`; `evaluate` scores one finished attempt (the page caches it per process)."""
    profile = bank.profiles[cohort.profile_id]
    of_role = {
        member.learner_id: [a for a in attempts.get(member.learner_id, ()) if a.quiz.settings.profile_id == profile.id]
        for member in members
    }
    standings = []
    for member in members:
        everything = attempts.get(member.learner_id, ())
        latest = _safe_result(evaluate, of_role[member.learner_id][-1]) if of_role[member.learner_id] else None
        last = max((a.started_at for a in everything), default=None)
        standings.append(
            LearnerStanding(member, len(everything), _day(last), latest, tuple(of_role[member.learner_id]))
        )
    columns = ("language", *profile.targets)
    week_ago = today - timedelta(days=7)
    this_week = sum(1 for a in _all(attempts, members) if a.finished_at and a.finished_at.date() > week_ago)
    ready = [s.readiness for s in standings if s.readiness is not None]
    inactive = tuple(
        s.member for s in standings if s.last_attempt_on is None or s.last_attempt_on <= today - INACTIVE_AFTER
    )
    return CohortView(
        cohort,
        tuple(standings),
        columns,
        this_week,
        Spread.of(ready),
        tuple(_cohort_gaps(bank, standings)),
        tuple(_trend(of_role, evaluate)),
        inactive,
        tuple(_cohort_items(bank, _all(attempts, members))),
    )


def _all(attempts: Mapping[int, Sequence[Attempt]], members: Sequence[Member]) -> list[Attempt]:
    return [attempt for member in members for attempt in attempts.get(member.learner_id, ())]


def _cohort_gaps(bank: Bank, standings: Sequence[LearnerStanding]) -> list[CohortGap]:
    by_skill: dict[str, list[Gap]] = {}
    for standing in standings:
        if standing.latest is None:
            continue
        for gap in standing.latest.gaps:
            if gap.measured:
                by_skill.setdefault(gap.skill_id, []).append(gap)
    gaps = []
    for skill_id, skill_gaps in by_skill.items():
        weight = skill_gaps[0].target.weight
        shortfall = statistics.fmean(weight * max(gap.size, 0.0) for gap in skill_gaps)
        below = sum(1 for gap in skill_gaps if (gap.probability_meets or 0.0) < 0.5)
        # The modules that take the cohort's median learner on this skill to the target.
        typical = sorted(skill_gaps, key=lambda gap: gap.size)[len(skill_gaps) // 2]
        modules = tuple(modules_for_gap(bank, typical)) if shortfall > 0 else ()
        gaps.append(CohortGap(skill_id, weight, shortfall, below, len(skill_gaps), modules))
    return sorted((gap for gap in gaps if gap.shortfall > 0), key=lambda gap: -gap.shortfall)


def _trend(of_role: Mapping[int, Sequence[Attempt]], evaluate: Callable[[Attempt], AttemptResult]) -> list[WeekPoint]:
    """Per week, each learner's readiness as of the end of that week (their latest attempt so far)."""
    finished = sorted(
        (
            (attempt.finished_at, learner)
            for learner, items in of_role.items()
            for attempt in items
            if attempt.finished_at
        ),
        key=lambda pair: pair[0],
    )
    if not finished:
        return []
    first, last = _week_start(finished[0][0].date()), _week_start(finished[-1][0].date())
    latest: dict[int, float] = {}
    by_learner = {
        learner: sorted(items, key=lambda a: a.finished_at or a.started_at) for learner, items in of_role.items()
    }
    points = []
    week = first
    while week <= last:
        end = week + timedelta(days=7)
        for learner, items in by_learner.items():
            done = [a for a in items if a.finished_at is not None and a.finished_at.date() < end]
            if done:
                result = _safe_result(evaluate, done[-1])
                if result is not None and result.readiness.skills_measured:
                    latest[learner] = result.readiness.value
        spread = Spread.of(list(latest.values()))
        if spread is not None and spread.count >= MIN_SHARING_LEARNERS:
            points.append(WeekPoint(week, spread))
        week = end
    return points


def _cohort_items(bank: Bank, attempts: Sequence[Attempt]) -> list[CohortItem]:
    """Facility and discrimination of every question from the cohort's own answers (per skill)."""
    rows: dict[str, dict[str, dict[str, float]]] = {}  # skill -> attempt id -> question -> score
    for attempt in attempts:
        counted, _ = counted_answers(bank, attempt)
        for question_id, score in counted:
            rows.setdefault(bank.skill_of(question_id), {}).setdefault(attempt.id, {})[question_id] = score
    items = []
    for skill_id, by_attempt in rows.items():
        question_ids = sorted({qid for answers in by_attempt.values() for qid in answers})
        matrix = np.full((len(by_attempt), len(question_ids)), np.nan)
        column = {qid: j for j, qid in enumerate(question_ids)}
        for i, answers in enumerate(by_attempt.values()):
            for qid, score in answers.items():
                matrix[i, column[qid]] = score
        for qid, health in zip(question_ids, item_health(matrix, min_responses=MIN_COHORT_RESPONSES), strict=True):
            if health.responses >= MIN_COHORT_RESPONSES:
                items.append(CohortItem(qid, skill_id, bank.question_file.get(qid, ""), health))
    return sorted(items, key=lambda item: (not item.health.suspect, item.health.discrimination))

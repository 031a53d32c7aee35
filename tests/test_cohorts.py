"""Cohorts: instructors see only the sharing learners of the cohorts they teach, and only enough of
them to hide any one learner; a learner who leaves is gone from every view at once."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quiz.content.bank import Bank
from quiz.measure.assemble import AssessmentSettings, Length, assemble_quiz
from quiz.report.attempt_result import evaluate_attempt
from quiz.report.cohort_view import MIN_SHARING_LEARNERS, build_cohort_view
from quiz.store.accounts import delete_account, sign_up
from quiz.store.cohorts import (
    CohortError,
    NotAllowed,
    add_co_instructor,
    cohort_for_code,
    create_cohort,
    invite_instructor,
    is_instructor,
    join_cohort,
    joined_cohorts,
    leave_cohort,
    make_instructor,
    redeem_instructor_invite,
    renew_invite_code,
    revoke_invite_code,
    shared_attempts,
    shared_attempts_of,
    sharing_members,
    taught_cohort,
    taught_cohorts,
)
from quiz.store.database import Store

PASSWORD = "correct horse battery"
START, END = date(2026, 11, 2), date(2027, 2, 26)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield request.getfixturevalue(f"{request.param}_store")


def _instructor(store: Store, name: str = "grace") -> int:
    sign_up(store, name, PASSWORD)
    return make_instructor(store, name)


def _learners(store: Store, count: int) -> list[int]:
    return [sign_up(store, f"learner{i:02d}", PASSWORD) for i in range(count)]


def _take(store: Store, bank: Bank, learner: int, seed: int, right: float) -> str:
    """A finished junior attempt in which about a share `right` of the answers are right."""
    rng = random.Random(seed)
    quiz = assemble_quiz(bank, AssessmentSettings("junior", ("python",), Length.QUICK), rng=rng)
    attempt_id = store.start_attempt(learner, quiz)
    for position, item in enumerate(quiz.items):
        question = bank.questions[item.question_id]
        good = rng.random() < right
        chosen = [c.text for c in question.choices if (c.score == 1.0) == good][:1]
        store.record_answer(attempt_id, item.question_id, position, chosen, 1.0 if good else 0.0, None, 30.0)
    store.finish_attempt(attempt_id)
    return attempt_id


def test_the_first_instructor_comes_from_an_existing_account(store: Store) -> None:
    with pytest.raises(CohortError, match="no account named 'nobody'"):
        make_instructor(store, "nobody")
    learner = sign_up(store, "Grace", PASSWORD)
    assert not is_instructor(store, learner)
    assert make_instructor(store, "grace") == learner  # names compare without case
    assert is_instructor(store, learner)


def test_only_instructors_create_cohorts_and_a_cohort_needs_sane_dates(store: Store) -> None:
    (learner,) = _learners(store, 1)
    with pytest.raises(NotAllowed):
        create_cohort(store, learner, "Autumn", "junior", ["python"], START, END)
    teacher = _instructor(store)
    with pytest.raises(CohortError, match="end before it starts"):
        create_cohort(store, teacher, "Autumn", "junior", ["python"], END, START)
    cohort = create_cohort(store, teacher, "Autumn", "junior", ["python"], START, END)
    assert cohort.invite_code is not None and len(cohort.invite_code) >= 32
    assert taught_cohorts(store, teacher) == [cohort]


def test_joining_shares_and_leaving_stops_the_sharing_at_once(store: Store, small_bank: Bank) -> None:
    teacher = _instructor(store)
    cohort = create_cohort(store, teacher, "Autumn", "junior", ["python"], START, END)
    ada, bob = _learners(store, 2)
    _take(store, small_bank, ada, 1, 0.8)
    assert cohort.invite_code is not None
    join_cohort(store, ada, cohort.invite_code)
    join_cohort(store, ada, cohort.invite_code)  # twice is one membership
    assert [m.learner_id for m in sharing_members(store, teacher, cohort.id)] == [ada]
    assert list(shared_attempts(store, teacher, cohort.id)) == [ada]
    assert joined_cohorts(store, ada) == [cohort]
    leave_cohort(store, ada, cohort.id)
    assert sharing_members(store, teacher, cohort.id) == []
    assert shared_attempts(store, teacher, cohort.id) == {}
    with pytest.raises(NotAllowed):
        shared_attempts_of(store, teacher, cohort.id, ada)
    with pytest.raises(NotAllowed):  # never a member
        shared_attempts_of(store, teacher, cohort.id, bob)


def test_nobody_but_the_cohorts_instructors_reads_it(store: Store, small_bank: Bank) -> None:
    teacher = _instructor(store)
    other_teacher = _instructor(store, "linus")
    cohort = create_cohort(store, teacher, "Autumn", "junior", ["python"], START, END)
    (ada,) = _learners(store, 1)
    assert cohort.invite_code is not None
    join_cohort(store, ada, cohort.invite_code)
    for outsider in (other_teacher, ada, 999_999):
        for read in (taught_cohort, sharing_members, shared_attempts, renew_invite_code, revoke_invite_code):
            with pytest.raises(NotAllowed):
                read(store, outsider, cohort.id)
        with pytest.raises(NotAllowed):
            shared_attempts_of(store, outsider, cohort.id, ada)
    with pytest.raises(NotAllowed):  # an unknown cohort answers exactly like someone else's
        taught_cohort(store, teacher, "no-such-cohort")
    add_co_instructor(store, teacher, cohort.id, "LINUS")
    assert [m.learner_id for m in sharing_members(store, other_teacher, cohort.id)] == [ada]


def test_a_renewed_or_revoked_code_lets_nobody_new_in(store: Store) -> None:
    teacher = _instructor(store)
    cohort = create_cohort(store, teacher, "Autumn", "junior", ["python"], START, END)
    ada, bob, eve = _learners(store, 3)
    assert cohort.invite_code is not None
    join_cohort(store, ada, cohort.invite_code)
    new_code = renew_invite_code(store, teacher, cohort.id)
    with pytest.raises(CohortError, match="unknown or no longer valid"):
        join_cohort(store, bob, cohort.invite_code)
    join_cohort(store, bob, new_code)
    revoke_invite_code(store, teacher, cohort.id)
    assert cohort_for_code(store, new_code) is None
    with pytest.raises(CohortError):
        join_cohort(store, eve, new_code)
    assert len(sharing_members(store, teacher, cohort.id)) == 2  # members stay


def test_an_instructor_invitation_works_once_and_expires(store: Store) -> None:
    teacher = _instructor(store)
    ada, bob = _learners(store, 2)
    now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    code = invite_instructor(store, teacher, now=now)
    redeem_instructor_invite(store, ada, code, now=now)
    assert is_instructor(store, ada)
    with pytest.raises(CohortError, match="unknown or has expired"):
        redeem_instructor_invite(store, bob, code, now=now)
    late = invite_instructor(store, teacher, now=now)
    with pytest.raises(CohortError):
        redeem_instructor_invite(store, bob, late, now=now + timedelta(days=8))
    with pytest.raises(NotAllowed):
        invite_instructor(store, bob)


def test_deleting_an_account_removes_it_from_every_cohort(store: Store) -> None:
    teacher = _instructor(store)
    first = create_cohort(store, teacher, "Autumn", "junior", ["python"], START, END)
    second = create_cohort(store, teacher, "Winter", "junior", ["python"], START, END)
    (ada,) = _learners(store, 1)
    for cohort in (first, second):
        assert cohort.invite_code is not None
        join_cohort(store, ada, cohort.invite_code)
    delete_account(store, ada)
    assert sharing_members(store, teacher, first.id) == sharing_members(store, teacher, second.id) == []


def _view(store: Store, bank: Bank, teacher: int, cohort_id: str, today: date):  # type: ignore[no-untyped-def]
    cohort = taught_cohort(store, teacher, cohort_id)
    members = sharing_members(store, teacher, cohort_id)
    attempts = shared_attempts(store, teacher, cohort_id)
    return build_cohort_view(bank, cohort, members, attempts, lambda a: evaluate_attempt(bank, a), today)


def test_the_dashboard_hides_every_aggregate_below_five_sharing_learners(sqlite_store: Store, small_bank: Bank) -> None:
    teacher = _instructor(sqlite_store)
    cohort = create_cohort(sqlite_store, teacher, "Autumn", "junior", ["python"], START, END)
    learners = _learners(sqlite_store, MIN_SHARING_LEARNERS)
    assert cohort.invite_code is not None
    for index, learner in enumerate(learners[:-1]):
        _take(sqlite_store, small_bank, learner, index, 0.5)
        join_cohort(sqlite_store, learner, cohort.invite_code)
    today = datetime.now(UTC).date()
    assert _view(sqlite_store, small_bank, teacher, cohort.id, today).hidden
    join_cohort(sqlite_store, learners[-1], cohort.invite_code)
    view = _view(sqlite_store, small_bank, teacher, cohort.id, today)
    assert not view.hidden and view.sharing == MIN_SHARING_LEARNERS
    assert view.readiness is not None and view.readiness.count == MIN_SHARING_LEARNERS - 1  # one never measured
    newcomer = next(s for s in view.standings if s.member.learner_id == learners[-1])
    assert newcomer.latest is None and newcomer.p_meets("sql") is None  # "not measured yet", not "low"
    assert newcomer.member in view.inactive


def test_the_cohorts_gaps_put_its_largest_weighted_shortfall_first_with_modules(
    sqlite_store: Store, small_bank: Bank
) -> None:
    teacher = _instructor(sqlite_store)
    cohort = create_cohort(sqlite_store, teacher, "Autumn", "junior", ["python"], START, END)
    assert cohort.invite_code is not None
    for index, learner in enumerate(_learners(sqlite_store, 6)):
        _take(sqlite_store, small_bank, learner, 100 + index, 0.1)
        _take(sqlite_store, small_bank, learner, 200 + index, 0.3)
        join_cohort(sqlite_store, learner, cohort.invite_code)
    view = _view(sqlite_store, small_bank, teacher, cohort.id, datetime.now(UTC).date())
    assert view.gaps, "learners who miss most answers fall short somewhere"
    shortfalls = [gap.shortfall for gap in view.gaps]
    assert shortfalls == sorted(shortfalls, reverse=True)
    assert all(gap.modules and all(m.skill == gap.skill_id for m in gap.modules) for gap in view.gaps)
    assert view.attempts_this_week == 12
    assert view.trend and view.trend[-1].readiness.count == 6
    assert view.readiness is not None and view.readiness.median < 0.5

"""Adaptive selection, exposure control, content balancing, stopping and the shared-information prior."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.content.bank import Bank
from quiz.measure.adaptive import (
    SKILL_PRIOR_SD,
    AdaptiveConfig,
    AdaptiveSession,
    ItemPool,
    item_pool,
    session_for_profile,
)

CUT = 0.0


def _pool(skills: tuple[str, ...] = ("s1", "s2"), b: tuple[float, ...] = (-2, -1, -0.5, 0, 0.4, 1, 2)) -> ItemPool:
    ids = {s: tuple(f"{s}-{i}" for i in range(len(b))) for s in skills}
    return ItemPool(ids, {s: np.full(len(b), 1.5) for s in skills}, {s: np.array(b, dtype=float) for s in skills})


def _session(pool: ItemPool, **config: object) -> AdaptiveSession:
    skills = tuple(pool.ids)
    return AdaptiveSession(
        pool,
        skills,
        dict.fromkeys(skills, CUT),
        dict.fromkeys(skills, 1.0),
        AdaptiveConfig(**config),
        dict.fromkeys(skills, CUT),  # type: ignore[arg-type]
    )


def test_the_most_informative_item_at_the_cut_comes_first() -> None:
    session = _session(_pool(("s1",)), top_k=1)
    assert session.next_question(random.Random(1)) == "s1-3"  # b = 0 sits exactly on the cut


def test_selection_at_the_estimate_follows_the_answers() -> None:
    session = _session(_pool(("s1",)), top_k=1, select_at="estimate", threshold=0.9999, se_target=0.0)
    for question in ("s1-3", "s1-4", "s1-5"):
        session.record(question, 1.0)
    assert session.next_question(random.Random(1)) == "s1-6"  # the estimate moved up: the hardest item is next


def test_exposure_control_spreads_first_items_over_the_top_k_only() -> None:
    pool = _pool(("s1",))
    firsts = Counter(_session(pool, top_k=3).next_question(random.Random(seed)) for seed in range(300))
    assert set(firsts) == {"s1-2", "s1-3", "s1-4"}  # the three items closest to the cut
    assert min(firsts.values()) > 60


def test_equally_informative_items_share_the_exposure_whatever_their_order_in_the_file() -> None:
    pool = _pool(("s1",), b=(-1, 0, 0, 0, 0, 0, 0, 0, 0, 1))  # eight items sit exactly on the cut
    firsts = Counter(_session(pool, top_k=4).next_question(random.Random(seed)) for seed in range(800))
    assert set(firsts) == {f"s1-{i}" for i in range(1, 9)}
    assert min(firsts.values()) > 60  # about 100 each, not 200 for the first four and none for the rest


def test_a_retake_meets_unseen_questions_before_seen_equally_informative_ones() -> None:
    pool = _pool(("s1",), b=(-1, 0, 0, 0, 0, 0, 0, 0, 0, 1))
    seen = frozenset({"s1-1", "s1-2", "s1-3", "s1-4", "s1-5", "s1-6"})
    skills = ("s1",)
    session = AdaptiveSession(
        pool, skills, dict.fromkeys(skills, CUT), dict.fromkeys(skills, 1.0), AdaptiveConfig(), seen=seen
    )
    firsts = {session.next_question(random.Random(seed)) for seed in range(200)}
    assert firsts == {"s1-7", "s1-8"}  # the two unseen items on the cut, never a seen one
    session.record("s1-7", 1.0)
    session.record("s1-8", 0.0)
    assert session.next_question(random.Random(1)) in seen  # once the unseen are used, seen ones come back


def test_an_item_is_never_asked_twice() -> None:
    session = _session(_pool(("s1",)), max_per_skill=7, threshold=0.999, se_target=0.0)
    asked = []
    rng = random.Random(4)
    while (question := session.next_question(rng)) is not None:
        asked.append(question)
        session.record(question, float(len(asked) % 2))
    assert len(asked) == len(set(asked)) == 7


def test_skills_are_visited_in_proportion_to_their_weight() -> None:
    pool = _pool(("heavy", "light"), b=tuple(np.linspace(-2, 2, 30)))
    session = AdaptiveSession(
        pool, ("heavy", "light"), {"heavy": 0.0, "light": 0.0}, {"heavy": 2.0, "light": 1.0},
        AdaptiveConfig(max_per_skill=30, threshold=0.9999, se_target=0.0), {"heavy": 0.0, "light": 0.0},
    )  # fmt: skip
    rng = random.Random(2)
    for _ in range(12):
        question = session.next_question(rng)
        assert question is not None
        session.record(question, float(rng.random() < 0.5))
    assert (len(session.answered["heavy"]), len(session.answered["light"])) == (8, 4)


def test_a_skill_stops_once_its_decision_is_confident() -> None:
    session = _session(_pool(("s1",)))
    for question in ("s1-3", "s1-4", "s1-5"):
        session.record(question, 1.0)
    decision = session.decisions()["s1"]
    assert decision.p_above >= 0.9
    assert (decision.stopped, decision.reason, decision.confident) == (True, "decided", True)
    assert session.finished and session.next_question(random.Random(1)) is None


def test_no_decision_before_the_minimum_number_of_answers() -> None:
    session = _session(_pool(("s1",)))
    session.record("s1-6", 1.0)
    session.record("s1-5", 1.0)
    assert not session.decisions()["s1"].stopped


def test_a_skill_stops_at_its_maximum_even_undecided() -> None:
    session = _session(_pool(("s1",)), max_per_skill=4, threshold=0.999, se_target=0.0)
    for question, score in (("s1-3", 1.0), ("s1-4", 0.0), ("s1-2", 1.0), ("s1-1", 0.0)):
        session.record(question, score)
    decision = session.decisions()["s1"]
    assert decision.reason == "max_items" and decision.stopped
    assert not decision.confident  # the results say where it leans, not that it was decided


def test_the_whole_assessment_stops_at_its_total_maximum() -> None:
    session = _session(_pool(("s1", "s2")), max_total=3, threshold=0.999, se_target=0.0)
    rng = random.Random(3)
    for _ in range(3):
        question = session.next_question(rng)
        assert question is not None
        session.record(question, 1.0)
    assert session.finished and session.next_question(rng) is None


def test_answers_on_one_skill_inform_the_prior_of_a_correlated_skill() -> None:
    pool = _pool(("s1", "s2"), b=tuple(np.linspace(-2, 2, 12)))
    strong = _session(pool)
    for question in pool.ids["s1"][6:]:
        strong.record(question, 1.0)
    prior_means, prior_sds = strong.conditional_priors(*strong._gaussian_likelihoods())
    assert prior_means[1] > 0.5 and prior_sds[1] < SKILL_PRIOR_SD  # s2 untouched, yet expected above the cut
    independent = _session(pool, correlation=0.0)
    for question in pool.ids["s1"][6:]:
        independent.record(question, 1.0)
    prior_means, prior_sds = independent.conditional_priors(*independent._gaussian_likelihoods())
    assert (prior_means[1], prior_sds[1]) == pytest.approx((0.0, SKILL_PRIOR_SD))


def test_each_conditional_prior_is_the_joint_normal_conditioned_on_the_other_skills_only() -> None:
    """Hand check against conditioning one skill at a time: Σ_ii - Σ_io (Σ_oo + T_o⁻¹)⁻¹ Σ_oi."""
    pool = _pool(("s1", "s2", "s3"), b=tuple(np.linspace(-2, 2, 12)))
    session = AdaptiveSession(
        pool, ("s1", "s2", "s3"), dict.fromkeys(pool.ids, CUT), dict.fromkeys(pool.ids, 1.0),
        AdaptiveConfig(correlation=0.5, prior_sd=1.0), {"s1": 0.0, "s2": -1.0, "s3": 0.5},
    )  # fmt: skip
    means, precisions = np.array([1.2, 0.0, -0.7]), np.array([2.0, 0.0, 4.0])
    prior_means, prior_sds = session.conditional_priors(means, precisions)
    sigma = np.full((3, 3), 0.5) + 0.5 * np.eye(3)
    mu0 = np.array([0.0, -1.0, 0.5])
    for i in range(3):
        others = [j for j in range(3) if j != i and precisions[j] > 0]
        observed = sigma[np.ix_(others, others)] + np.diag(1.0 / precisions[others])
        gain = sigma[i, others] @ np.linalg.inv(observed)
        expected_mean = mu0[i] + gain @ (means[others] - mu0[others])
        expected_var = sigma[i, i] - gain @ sigma[others, i]
        assert prior_means[i] == pytest.approx(expected_mean)
        assert prior_sds[i] == pytest.approx(np.sqrt(expected_var))


def test_all_right_answers_give_a_bounded_estimate_and_say_so() -> None:
    session = _session(_pool(("s1",)), max_per_skill=7, threshold=0.9999, se_target=0.0)
    for question in _pool(("s1",)).ids["s1"]:
        session.record(question, 1.0)
    decision = session.decisions()["s1"]
    assert math.isfinite(decision.mean) and decision.mean < 5
    assert decision.all_right and not decision.all_wrong


def test_a_profile_session_covers_every_target_skill_and_the_chosen_languages(small_bank: Bank) -> None:
    session = session_for_profile(small_bank, ItemPool.from_bank(small_bank), "junior", ["python", "java"])
    assert set(session.skills) == {"python", "java", "sql", "git", "teamwork"}
    assert session.cuts["teamwork"] == -1.0 and session.cuts["sql"] == 0.0
    assert session.weights["python"] == session.weights["java"] == 1.5  # the language weight is shared


def test_a_simulated_examinee_far_above_every_cut_is_decided_ready_quickly(small_bank: Bank) -> None:
    pool = ItemPool.from_bank(small_bank)
    session = session_for_profile(small_bank, pool, "junior", ["python"])
    rng = random.Random(9)
    while (question := session.next_question(rng)) is not None:
        skill, index = pool.index[question]
        theta = session.cuts[skill] + 2.5
        p = 1 / (1 + math.exp(-pool.a[skill][index] * (theta - pool.b[skill][index])))
        session.record(question, float(rng.random() < p))
    decisions = session.decisions()
    assert sum(d.meets for d in decisions.values()) >= 3
    assert session.total_answered <= 6 * len(decisions)


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=1, max_size=60),
    seed=st.integers(0, 10_000),
    correlation=st.sampled_from([0.0, 0.6, 0.9]),
)
def test_any_answers_drive_a_session_to_an_orderly_end(scores: list[float], seed: int, correlation: float) -> None:
    pool = _pool(("s1", "s2", "s3"), b=tuple(np.linspace(-2.5, 2.5, 10)))
    session = _session(pool, correlation=correlation, max_per_skill=6, max_total=15)
    rng = random.Random(seed)
    asked: list[str] = []
    while (question := session.next_question(rng)) is not None:
        assert question not in asked
        asked.append(question)
        session.record(question, scores[len(asked) % len(scores)])
    assert session.finished and len(asked) <= 15
    for decision in session.decisions().values():
        assert decision.answers <= 6
        assert math.isfinite(decision.mean) and -5 <= decision.mean <= 5
        assert 0 < decision.sd < 1.5 and 0.0 <= decision.p_above <= 1.0
        assert decision.stopped or len(asked) == 15
        assert not decision.confident or decision.confidence >= 0.9


def test_the_stop_rule_names_why_a_skill_is_no_longer_asked() -> None:
    from quiz.measure.adaptive import AdaptiveConfig, stop_reason

    config = AdaptiveConfig()
    assert stop_reason(config.min_per_skill, 0.97, 0.9, 50, config) == "decided"
    assert stop_reason(config.min_per_skill - 1, 0.99, 0.2, 50, config) == ""  # too few answers to decide
    assert stop_reason(config.min_per_skill, 0.55, config.se_target, 50, config) == "precise"
    assert stop_reason(config.max_per_skill, 0.6, 0.9, 50, config) == "max_items"
    assert stop_reason(2, 0.6, 0.9, 2, config) == "bank_exhausted"


def test_decided_counts_only_skills_whose_side_of_the_cut_is_known(small_bank: Bank) -> None:
    strict = AdaptiveConfig(threshold=0.999, se_target=0.0, max_per_skill=4)  # skills stop at 4, mostly undecided
    session = session_for_profile(small_bank, item_pool(small_bank), "junior", ("python",), config=strict)
    rng, answered = random.Random(1), 0
    while (question_id := session.next_question(rng)) is not None:
        session.record(question_id, float(answered % 2))  # right, wrong, right…: hard to decide
        answered += 1
    decisions = session.decisions().values()
    assert session.stopped_count == len(decisions)  # every skill stopped…
    assert session.decided_count == sum(d.reason == "decided" for d in decisions) < session.stopped_count

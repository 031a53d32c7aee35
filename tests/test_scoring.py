"""Scoring answers, per-skill estimates, gaps, the language rule and readiness."""

from __future__ import annotations

import dataclasses
import math

import pytest

from quiz.content.bank import Bank
from quiz.content.models import SkillTarget
from quiz.measure.assemble import AssessmentSettings, Length
from quiz.measure.estimate import estimate_attempt
from quiz.measure.irt import posterior
from quiz.measure.scoring import (
    Gap,
    Readiness,
    SkillEstimate,
    best_language,
    profile_gaps,
    readiness,
    score_answer,
)
from quiz.messages import using_locale
from quiz.report.summary import verdict, verdict_caveat


def test_single_choice_scores_one_only_for_the_key(small_bank: Bank) -> None:
    item = small_bank.questions["sql-l3-0"]
    assert score_answer(item, ["right answer sql-l3-0"]) == 1.0
    assert score_answer(item, ["wrong answer one sql-l3-0"]) == 0.0


def test_a_skip_scores_zero(small_bank: Bank) -> None:
    assert score_answer(small_bank.questions["sql-l3-0"], []) == 0.0


def test_scenario_options_carry_their_partial_credit(small_bank: Bank) -> None:
    item = small_bank.questions["team-l2-0"]
    assert score_answer(item, ["half move 2-0"]) == 0.5
    assert score_answer(item, ["best move 2-0"]) == 1.0


def test_multiple_choice_is_all_or_nothing(small_bank: Bank) -> None:
    item = small_bank.questions["sql-l3-0"].model_copy(
        update={
            "kind": "multiple",
            "options": [
                small_bank.questions["sql-l3-0"].options[0],
                small_bank.questions["sql-l3-0"].options[1].model_copy(update={"correct": True}),
                small_bank.questions["sql-l3-0"].options[2],
            ],
        }
    )
    both = [item.options[0].text, item.options[1].text]
    assert score_answer(item, both) == 1.0
    assert score_answer(item, both[:1]) == 0.0
    assert score_answer(item, [*both, item.options[2].text]) == 0.0


def _estimate(skill: str, answers: list[tuple[float, float]]) -> SkillEstimate:
    from quiz.measure.irt import ItemResponse

    post = posterior([ItemResponse(1.5, b, s) for b, s in answers])
    return SkillEstimate(skill, post.mean, post.sd, len(answers), post)


def test_every_skill_of_the_role_gets_an_estimate_and_answers_count_where_they_were_given(small_bank: Bank) -> None:
    answers = [("sql-l3-0", 1.0), ("sql-l4-0", 1.0), ("git-l3-0", 0.0)]
    estimates = estimate_attempt(small_bank, "junior", ("python",), answers)
    assert set(estimates) == {"python", "sql", "git", "teamwork"}
    assert (estimates["sql"].answers, estimates["git"].answers, estimates["python"].answers) == (2, 1, 0)
    assert estimates["sql"].level > 3 > estimates["git"].level
    assert estimates["python"].inferred and estimates["python"].se > 0.5  # borrowed, so wide


def test_with_no_answer_that_counts_nothing_is_estimated(small_bank: Bank) -> None:
    assert estimate_attempt(small_bank, "junior", ("python",), []) == {}
    assert estimate_attempt(small_bank, "junior", ("python",), [("no-such-question", 1.0)]) == {}


def test_gap_is_target_minus_estimated_level() -> None:
    estimate = _estimate("sql", [(0.0, 1.0), (0.0, 0.0)])  # ability 0: level 3
    gap = Gap("sql", SkillTarget(level=4, weight=2), estimate)
    assert gap.size == pytest.approx(1.0, abs=1e-6)
    assert gap.priority == pytest.approx(2.0, abs=1e-6)


def test_gap_is_negative_when_the_estimate_exceeds_the_target() -> None:
    estimate = _estimate("sql", [(0.0, 1.0), (0.0, 0.0)])
    assert Gap("sql", SkillTarget(level=2, weight=1), estimate).size == pytest.approx(-1.0, abs=1e-6)


def test_the_best_chosen_language_counts() -> None:
    strong = _estimate("python", [(0.0, 1.0)] * 4)
    weak = _estimate("java", [(0.0, 0.0)] * 4)
    target = SkillTarget(level=3, weight=3)
    assert best_language({"python": strong, "java": weak}, ["java", "python"], target) == "python"


def test_profile_gaps_use_one_language_and_every_target(small_bank: Bank) -> None:
    estimates = {"python": _estimate("python", [(0.0, 1.0)] * 3), "java": _estimate("java", [(0.0, 0.0)] * 3)}
    gaps = profile_gaps(small_bank.profiles["junior"], estimates, ["python", "java"])
    assert sorted(gap.skill_id for gap in gaps) == ["git", "python", "sql", "teamwork"]
    assert [gap.is_language for gap in gaps if gap.skill_id == "python"] == [True]


def test_readiness_is_the_weighted_expected_share_of_targets_met() -> None:
    # Two measured skills meeting their targets with p = 0.9 (weight 3) and p = 0.2 (weight 1):
    # mean (3·0.9 + 1·0.2) / 4 = 0.725; SD √(9·0.09 + 1·0.16) / 4 = √0.97 / 4 = 0.2462.
    class Fixed(Gap):
        @property
        def probability_meets(self) -> float:
            return {"a": 0.9, "b": 0.2}[self.skill_id]

    three = _estimate("a", [(0.0, 1.0)] * 3)
    gaps = [Fixed("a", SkillTarget(level=3, weight=3), three), Fixed("b", SkillTarget(level=3, weight=1), three)]
    result = readiness(gaps)
    assert result.value == pytest.approx(0.725)
    assert result.sd == pytest.approx(math.sqrt(0.97) / 4)
    assert verdict(result) == "close"


def test_a_skill_with_few_answers_counts_towards_readiness_and_one_without_an_estimate_does_not() -> None:
    two = _estimate("a", [(0.0, 1.0)] * 2)
    result = readiness([Gap("a", SkillTarget(level=3, weight=1), two), Gap("b", SkillTarget(level=3, weight=1), None)])
    assert (result.skills_measured, result.skills_total) == (1, 2)
    assert result.value == pytest.approx(two.probability_meets(3))
    assert verdict(readiness([Gap("b", SkillTarget(level=3, weight=1), None)])) == "unknown"


def test_the_worked_example_of_docs_scoring_md_holds() -> None:
    import numpy as np

    from quiz.measure.adaptive import AdaptiveSession, ItemPool

    skills = ("sql", "git", "teamwork", "python")
    pool = ItemPool(
        ids={"sql": ("s3", "s2", "s4"), "git": ("g3", "g2", "g4"), "teamwork": ("t2", "t3", "t1"), "python": ("p3",)},
        a={skill: np.full(3 if skill != "python" else 1, 1.5) for skill in skills},
        b={"sql": np.array([0.0, -1.0, 1.0]), "git": np.array([0.0, -1.0, 1.0]), "teamwork": np.array([-1.0, 0.0, -2.0]),
           "python": np.array([0.0])},
        c={"sql": np.full(3, 0.25), "git": np.full(3, 0.25), "teamwork": np.zeros(3), "python": np.array([0.25])},
    )  # fmt: skip
    cuts = {"sql": 0.0, "git": 0.0, "teamwork": -1.0, "python": 0.0}
    targets = {"sql": SkillTarget(level=3, weight=3), "git": SkillTarget(level=3, weight=3),
               "teamwork": SkillTarget(level=2, weight=2)}  # fmt: skip
    answers = [("s3", 1), ("s2", 1), ("s4", 0), ("g3", 0), ("g2", 1), ("g4", 0), ("t2", 0.5), ("t3", 1), ("t1", 1)]

    three = AdaptiveSession(pool, skills[:3], {s: cuts[s] for s in skills[:3]}, dict.fromkeys(skills[:3], 1.0),
                            prior_means={s: cuts[s] for s in skills[:3]})  # fmt: skip
    for question_id, score in answers:
        three.record(question_id, score)
    d = three.decisions()
    assert (round(d["sql"].mean, 3), round(d["sql"].sd, 3), round(d["sql"].p_above, 3)) == (0.279, 0.808, 0.670)
    assert (round(d["git"].mean, 3), round(d["git"].sd, 3), round(d["git"].p_above, 3)) == (-0.197, 0.752, 0.428)
    assert (round(d["teamwork"].mean, 3), round(d["teamwork"].p_above, 3)) == (-0.389, 0.818)
    gaps = [Gap(s, targets[s], SkillEstimate(s, d[s].mean, d[s].sd, 3, d[s].posterior)) for s in skills[:3]]
    result = readiness(gaps)
    assert (round(result.value, 3), round(result.sd, 3)) == (0.616, 0.274)  # as if independent
    correlations = three.posterior_correlations()
    assert round(correlations["sql"]["git"], 2) == 0.57
    linked = [dataclasses.replace(g, estimate=dataclasses.replace(g.estimate, correlations=correlations[g.skill_id]))
              for g in gaps if g.estimate is not None]  # fmt: skip
    assert round(readiness(linked).sd, 3) == 0.345

    four = AdaptiveSession(pool, skills, cuts, dict.fromkeys(skills, 1.0), prior_means=cuts)
    for question_id, score in answers:
        four.record(question_id, score)
    python = four.decisions()["python"]
    assert (round(python.mean, 3), round(python.sd, 3), round(python.p_above, 3)) == (0.177, 0.998, 0.590)


def test_every_kind_has_one_row_of_rules_that_validation_scoring_and_the_page_read() -> None:
    from quiz.content.kinds import KINDS, Answering, Kind

    assert set(KINDS) == set(Kind)
    assert KINDS[Kind.MULTIPLE].answering is Answering.SEVERAL
    assert all(KINDS[kind].answering is Answering.ONE for kind in Kind if kind is not Kind.MULTIPLE)
    assert not KINDS[Kind.TRUE_FALSE].shuffled and KINDS[Kind.TRUE_FALSE].fixed_options
    assert KINDS[Kind.SCENARIO].partial_credit


def test_readiness_sd_counts_how_inferred_skills_move_together(small_bank: Bank) -> None:
    few = estimate_attempt(small_bank, "junior", ("python",), [("sql-l3-0", 1.0), ("git-l3-0", 0.0)])
    gaps = profile_gaps(small_bank.profiles["junior"], few, ["python"])
    correlated = readiness(gaps)
    alone = [Gap(g.skill_id, g.target, dataclasses.replace(g.estimate, correlations={})) for g in gaps if g.estimate]
    independent = readiness(alone)
    assert correlated.value == pytest.approx(independent.value)
    assert correlated.sd > 1.3 * independent.sd  # two answers decide every skill at once: a wide band
    assert readiness(gaps).sd == correlated.sd  # seeded: the same answers, the same SD


def test_with_no_correlation_the_copula_gives_the_independent_sd() -> None:
    from quiz.measure.scoring import _share_sd

    probabilities = [(3.0, 0.7), (2.0, 0.4), (1.0, 0.9)]
    exact = math.sqrt(9 * 0.7 * 0.3 + 4 * 0.4 * 0.6 + 1 * 0.9 * 0.1) / 6
    import numpy as np

    assert _share_sd(probabilities, np.eye(3), 6.0) == pytest.approx(exact, rel=0.03)


QUICK = AssessmentSettings("junior", ("python",), Length.QUICK)
STANDARD = AssessmentSettings("junior", ("python",), Length.STANDARD)


def test_a_verdict_whose_band_stays_on_one_side_of_every_line_needs_no_caveat() -> None:
    # 19% ± 27%: from 0% to 46%, under the 50% line of "close": "not yet ready" holds across the band.
    assert verdict_caveat(Readiness(0.19, 0.27, 14, 14), STANDARD) is None
    assert verdict_caveat(Readiness(0.92, 0.05, 14, 14), QUICK) is None  # 87%-97%: ready either way
    assert verdict_caveat(Readiness(0.0, 0.0, 0, 14), QUICK) is None  # nothing counted: no verdict to qualify


def test_a_verdict_whose_band_straddles_a_line_says_it_is_not_settled_and_where_the_band_runs() -> None:
    caveat = verdict_caveat(Readiness(0.44, 0.22, 14, 14), STANDARD)
    assert caveat == (
        "Not settled yet: within one standard deviation your readiness runs from 22% to 66%, across the 50% line"
        " between two verdicts. The skills whose chance of meeting the target is near even decide which side"
        " you are on."
    )


def test_a_band_across_both_lines_names_both_and_a_quick_form_points_to_a_longer_one() -> None:
    caveat = verdict_caveat(Readiness(0.6, 0.3, 14, 14), QUICK)
    assert caveat is not None
    assert "from 30% to 90%, across the 50% and 80% lines between the verdicts" in caveat
    assert caveat.endswith("A standard assessment asks more questions per skill and would narrow it.")


def test_the_caveat_reads_in_french_with_french_percentages() -> None:
    with using_locale("fr"):
        caveat = verdict_caveat(Readiness(0.44, 0.22, 14, 14), STANDARD)
    assert caveat is not None
    assert caveat.startswith("Pas encore tranché\u00a0: à un écart-type près, votre niveau de préparation va de 22")
    assert "franchit la limite des 50\u00a0% entre deux verdicts" in caveat.replace("\u202f", "\u00a0")


def test_names_that_hold_the_conjunction_are_quoted_so_the_list_keeps_its_count() -> None:
    from quiz.report.summary import _join

    assert _join(["Python", "SQL"]) == "Python and SQL"
    assert _join(["Python", "Git and version control"]) == "“Python” and “Git and version control”"
    with using_locale("fr"):
        assert (
            _join(["Python", "Git et gestion de versions"])
            == "«\u00a0Python\u00a0» et «\u00a0Git et gestion de versions\u00a0»"
        )
        assert _join(["Python", "SQL"]) == "Python et SQL"

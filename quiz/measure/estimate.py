"""One estimator for every mode: the role's skills under one shared prior, conditioned on all answers.

A fixed form and an adaptive attempt are scored by the same code: the adaptive session's joint model
(`quiz/measure/adaptive.py`): per skill a grid posterior under the response model with its guessing
floor (`irt.py`), and a prior that is multivariate normal over the role's skills, centred on each
skill's cut point: a general level (SD 1.3) plus a skill-specific part (SD 0.63). So each skill
borrows what the other, correlated skills' answers say, and a skill with few or no answers of its own still gets an
estimate, with the wider uncertainty that comes from borrowing (docs/scoring.md).

Answers given too fast to have been read (`rapid.py`) are left out: they are guesses, not evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from quiz.content.bank import Bank
from quiz.measure.adaptive import item_pool, session_for_profile
from quiz.measure.scoring import SkillEstimate


def estimate_attempt(
    bank: Bank, profile_id: str, languages: Sequence[str], answers: Iterable[tuple[str, float]]
) -> dict[str, SkillEstimate]:
    """An estimate for every skill of the role (and each chosen language) from (question id, score) pairs.

    Empty when no answer counts at all: with nothing to borrow from, no skill can be estimated.
    Answers to questions outside the role's skills (or no longer in the bank) are ignored.
    """
    session = session_for_profile(bank, item_pool(bank), profile_id, languages)
    recorded = 0
    for question_id, score in answers:
        located = session.pool.index.get(question_id)
        if located is None or located[0] not in session.cuts:
            continue
        session.record(question_id, score)
        recorded += 1
    if not recorded:
        return {}
    correlations = session.posterior_correlations()
    return {
        skill: SkillEstimate(skill, d.mean, d.sd, d.answers, d.posterior, correlations[skill])
        for skill, d in session.decisions().items()
    }

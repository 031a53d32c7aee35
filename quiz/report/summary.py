"""The plain sentences that sum up an attempt's result: the verdict (and where its thresholds are),
the salary context, the name of an attempt's form.

Neighbours: the numbers behind the verdict come from `quiz/measure/scoring.py` (readiness and gaps);
`attempt_result.py` assembles one attempt's result; `result_tables.py` turns it into the tables the
Results page (`app_pages/results.py`) and the offline report (`offline_report.py`) share.
"""

from __future__ import annotations

from collections.abc import Sequence

from quiz.content.bank import Bank
from quiz.content.models import Profile
from quiz.measure.assemble import AssessmentSettings
from quiz.measure.scoring import Gap, Readiness, gaps_that_matter
from quiz.messages import day, t


def _join(names: Sequence[str]) -> str:
    """ "A and B"; quoted when a name holds the conjunction itself, so that "Python and Git and version
    control" cannot read as three skills."""
    if len(names) <= 1:
        return "".join(names)
    conjunction = f" {t('list_conjunction')} "
    if any(conjunction in name for name in names):
        names = [t("list_quoted", name=name) for name in names]
    return t("list_join", head=", ".join(names[:-1]), last=names[-1])


READY_THRESHOLD = 0.8  # expected share of the role's targets met, weighted, to say "ready"
CLOSE_THRESHOLD = 0.5


def verdict(readiness: Readiness) -> str:
    """ready, close, not_yet, or unknown when no skill was measured."""
    if readiness.skills_measured == 0:
        return "unknown"
    if readiness.value >= READY_THRESHOLD:
        return "ready"
    if readiness.value >= CLOSE_THRESHOLD:
        return "close"
    return "not_yet"


def verdict_caveat(readiness: Readiness, settings: AssessmentSettings) -> str | None:
    """When readiness ± one SD straddles the line between two verdicts, the verdict is not settled: say so,
    and where more evidence would come from. None when the whole band sits on one side of every line."""
    if readiness.skills_measured == 0:
        return None
    low, high = max(0.0, readiness.value - readiness.sd), min(1.0, readiness.value + readiness.sd)
    crossed = [line for line in (CLOSE_THRESHOLD, READY_THRESHOLD) if low < line <= high]
    if not crossed:
        return None
    lines = _join([t("percent", value=line) for line in crossed])
    said = t("verdict_unsettled", low=low, high=high, lines=lines, count=len(crossed))
    if settings.form == "quick":
        return t("verdict_unsettled_quick", said=said)
    return said


def readiness_sentence(readiness: Readiness, gaps: Sequence[Gap], profile: Profile, bank: Bank) -> str:
    """One plain sentence: the verdict and the gaps that matter most."""
    role = profile.title.lower()
    outcome = verdict(readiness)
    if outcome == "unknown":
        return t("verdict_unknown", role=role)
    said = t(f"verdict_{outcome}", role=role)
    names = [bank.skills[gap.skill_id].name for gap in gaps_that_matter(gaps)]
    if names:
        key = "verdict_with_gap" if len(names) == 1 else "verdict_with_gaps"
        return t(key, verdict=said, skills=_join(names))
    return t("verdict_no_gaps", verdict=said)


def salary_sentences(profile: Profile) -> tuple[str, str]:
    """The role's pay range, and where it comes from (a range with its source, never a promise)."""
    salary = profile.salary
    text = t(
        "salary_text",
        role=profile.title,
        low=f"{salary.low:,}",
        high=f"{salary.high:,}",
        currency=salary.currency,
        period=salary.period,
        region=salary.region,
    )
    source = t("salary_source", source=salary.source, date=day(salary.published), note=salary.note)
    return text, source


def form_label(settings: AssessmentSettings) -> str:
    """How an attempt was taken, in words: "Quick", "Adaptive", "Standard, practice"."""
    form = t(f"form_{settings.form}")
    return t("form_practice", form=form) if settings.practice else form

"""Building a fixed-form assessment: which skills, which questions, in which order.

A form measures the skills that matter most for the chosen profile, a few questions each, with
difficulties spread around the profile's target level, where a ready/not-ready decision is made.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from quiz.content.bank import Bank
from quiz.content.kinds import KINDS
from quiz.content.models import Question


class Length(StrEnum):
    QUICK = "quick"
    STANDARD = "standard"
    FULL = "full"


QUESTION_BUDGET = {Length.QUICK: 15, Length.STANDARD: 30, Length.FULL: 60}
PER_SKILL = {Length.QUICK: 3, Length.STANDARD: 3, Length.FULL: 4}
# Offsets from the target level, in the order they are filled. A readiness check decides on which side
# of the cut a learner stands, so the first three sit at the cut and one level below it, where the
# decision is made and where a guessing floor leaves the most information (docs/scoring.md); longer
# forms then reach either side.
DIFFICULTY_OFFSETS = (0, -1, 0, 1, -1, -2, 2, 1)


class UnknownSkill(ValueError):
    pass


class UnknownProfile(ValueError):
    pass


@dataclass(frozen=True)
class AssessmentSettings:
    profile_id: str
    languages: tuple[str, ...]
    length: Length = Length.STANDARD
    focus: tuple[str, ...] = ()
    practice: bool = False
    adaptive: bool = False

    @property
    def form(self) -> str:
        """How the questions were chosen: "adaptive", or the fixed form's length ("quick", "standard", "full")."""
        return "adaptive" if self.adaptive else self.length.value


@dataclass(frozen=True)
class QuizItem:
    question_id: str
    option_order: tuple[int, ...]  # positions in `Question.choices`, as shown to the learner


@dataclass(frozen=True)
class Quiz:
    settings: AssessmentSettings
    items: tuple[QuizItem, ...]
    skills: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.items)


def skills_to_measure(bank: Bank, settings: AssessmentSettings) -> list[list[str]]:
    """Slots in priority order; each slot is one skill, or the chosen languages together."""
    if settings.profile_id not in bank.profiles:
        raise UnknownProfile(f"unknown profile {settings.profile_id!r}")
    profile = bank.profiles[settings.profile_id]
    for skill_id in (*settings.languages, *settings.focus):
        if skill_id not in bank.skills:
            raise UnknownSkill(f"unknown skill {skill_id!r}")
    order = list(bank.skills)
    languages = [language for language in settings.languages if language in bank.language_skills]
    slots: list[tuple[tuple[float, float, int], list[str]]] = []
    if languages:
        target = profile.language_target
        slots.append(((-target.weight, -target.level, -1), languages))
    for skill_id, target in profile.targets.items():
        slots.append(((-target.weight, -target.level, order.index(skill_id)), [skill_id]))
    slots.sort(key=lambda slot: slot[0])
    focus = [skill_id for skill_id in settings.focus if skill_id not in bank.language_skills]
    focused = [[skill_id] for skill_id in focus]
    rest = [skills for _, skills in slots if not (len(skills) == 1 and skills[0] in focus)]
    if any(skill_id in bank.language_skills for skill_id in settings.focus) and languages:
        rest.remove(languages)
        focused.insert(0, languages)
    return focused + rest


def _pick_for_skill(
    questions: Sequence[Question], target_level: int, count: int, seen: Collection[str], rng: random.Random
) -> list[Question]:
    pool = list(questions)
    rng.shuffle(pool)  # ties broken at random so retakes vary
    chosen: list[Question] = []
    for offset in DIFFICULTY_OFFSETS[:count]:
        if not pool:
            break
        wanted = min(5, max(1, target_level + offset))
        best = min(pool, key=lambda q: (q.id in seen, abs(q.difficulty - wanted)))
        chosen.append(best)
        pool.remove(best)
    return chosen


def assemble_quiz(
    bank: Bank, settings: AssessmentSettings, seen: Collection[str] = (), rng: random.Random | None = None
) -> Quiz:
    """A fixed form for `settings`: no repeats, unseen questions first, options shuffled."""
    rng = rng or random.Random()
    slots = skills_to_measure(bank, settings)  # validates the profile and skills first
    targets = bank.profiles[settings.profile_id].skill_targets(settings.languages)
    budget = QUESTION_BUDGET[settings.length]
    per_skill = PER_SKILL[settings.length]
    picked: list[list[Question]] = []
    measured: list[str] = []
    total = 0
    for slot in slots:
        if total >= budget:
            break
        for skill_id in slot:
            questions = bank.by_skill.get(skill_id, ())
            target = targets[skill_id].level
            chosen = _pick_for_skill(questions, target, per_skill, seen, rng)
            if chosen:
                picked.append(chosen)
                measured.append(skill_id)
                total += len(chosen)
    ordered = _interleave(picked)
    items = tuple(QuizItem(question.id, option_order(question, rng)) for question in ordered)
    return Quiz(settings, items, tuple(measured))


def _interleave(groups: list[list[Question]]) -> list[Question]:
    """Round-robin across skills, easier items first within each round, so no block of one skill."""
    ordered: list[Question] = []
    for round_index in range(max((len(group) for group in groups), default=0)):
        this_round = [group[round_index] for group in groups if round_index < len(group)]
        ordered.extend(sorted(this_round, key=lambda question: question.difficulty))
    return ordered


def option_order(question: Question, rng: random.Random) -> tuple[int, ...]:
    order = list(range(len(question.choices)))
    if KINDS[question.kind].shuffled:  # not "True, False", the order everybody expects
        rng.shuffle(order)
    return tuple(order)

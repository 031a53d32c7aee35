"""Loading the content folder into a validated, immutable `Bank`.

A broken file never takes the rest down: `read_bank` keeps every file that validates and returns
one `Problem` per fault, naming the file, the item and the field, so both the CLI and the app can
say exactly what to fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar, cast

from quiz.content.calibration_file import CALIBRATION_FILE, parse_calibration
from quiz.content.content_file import Problem, Unreadable, load_content, parse_content
from quiz.content.models import (
    CareerPath,
    LintAllowList,
    Module,
    Profile,
    ProfileFile,
    Question,
    QuestionFile,
    RatingPass,
    Review,
    Skill,
    SkillFile,
    TrainingFile,
)
from quiz.messages import counted

T = TypeVar("T", Skill, Module, Profile)
D = TypeVar("D")

SKILLS_FILE = "skills.yaml"
PROFILES_FILE = "profiles.yaml"
TRAINING_FILE = "training.yaml"
LINT_ALLOW_FILE = "lint-allow.yaml"
SPECIAL_FILES = {SKILLS_FILE, PROFILES_FILE, TRAINING_FILE, CALIBRATION_FILE, LINT_ALLOW_FILE}
ENGLISH = "en"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "questions"


def content_dir() -> Path:
    """The content folder: `DEVREADY_CONTENT_DIR` if set, else the repository's `questions/`."""
    return Path(os.environ.get("DEVREADY_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


class InvalidQuestionBank(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(problem) for problem in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{counted(len(problems), 'problem')} in the question bank:\n{shown}{more}")


@dataclass(frozen=True)
class Bank:
    skills: dict[str, Skill]
    profiles: dict[str, Profile]
    career_paths: tuple[CareerPath, ...]
    modules: dict[str, Module]
    questions: dict[str, Question]
    question_skill: dict[str, str]
    question_file: dict[str, str]
    reviews: dict[str, tuple[Review, ...]] = field(default_factory=dict)
    # Blind level ratings per file: read by `quiz stats`, never by an assessment.
    ratings: dict[str, tuple[RatingPass, ...]] = field(default_factory=dict)
    lint_allow: LintAllowList = field(default_factory=LintAllowList)
    # A translated edition: per file, the fingerprint of the English text each item was translated from.
    translated_from: dict[str, dict[str, str]] = field(default_factory=dict)
    _derived: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def by_skill(self) -> dict[str, tuple[Question, ...]]:
        grouped: dict[str, list[Question]] = {skill_id: [] for skill_id in self.skills}
        for question_id, question in self.questions.items():
            grouped.setdefault(self.question_skill[question_id], []).append(question)
        return {skill_id: tuple(items) for skill_id, items in grouped.items()}

    def skill_of(self, question_id: str) -> str:
        return self.question_skill[question_id]

    def derived(self, key: str, build: Callable[[Bank], D]) -> D:
        """A structure a higher layer derives from this bank (the adaptive item pool), built once per
        bank. The bank is immutable, so the derived structure never goes stale; and the bank need not
        know the layers built on it (no import from them)."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return cast(D, self._derived[key])

    @cached_property
    def language_skills(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.skills.values() if s.category.value == "languages")


@dataclass(frozen=True)
class BankReport:
    bank: Bank
    problems: list[Problem]


def edition_dir(locale: str, root: Path | None = None) -> Path:
    """Where the bank of a language lives: English in the content folder, a translation in its `<locale>/`."""
    base = root if root is not None else content_dir()
    return base if locale == ENGLISH else base / locale


def read_edition(locale: str, root: Path | None = None) -> BankReport:
    """The bank in `locale`; a translation shares the English folder's calibration (ids are the same)."""
    base = root if root is not None else content_dir()
    return read_bank(edition_dir(locale, base), calibration_dir=base)


def read_bank(directory: Path | str | None = None, calibration_dir: Path | None = None) -> BankReport:
    """Load and cross-check every content file in `directory`, keeping what is valid."""
    root = Path(directory) if directory is not None else content_dir()
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(str(root), "(folder)", "(folder)", "content folder not found"))
        return BankReport(_empty_bank(), problems)

    skills_doc = parse_content(root / SKILLS_FILE, SkillFile, problems) if (root / SKILLS_FILE).exists() else None
    if skills_doc is None and not (root / SKILLS_FILE).exists():
        problems.append(Problem(SKILLS_FILE, "(file)", "(file)", "missing: every bank needs its skills"))
    skills = _unique(skills_doc.skills if skills_doc else [], SKILLS_FILE, problems)
    special_reviews = {SKILLS_FILE: tuple(skills_doc.reviews)} if skills_doc and skills_doc.reviews else {}
    translated_from: dict[str, dict[str, str]] = {SKILLS_FILE: dict(skills_doc.translated_from)} if skills_doc else {}

    questions: dict[str, Question] = {}
    question_skill: dict[str, str] = {}
    question_file: dict[str, str] = {}
    reviews: dict[str, tuple[Review, ...]] = {}
    ratings: dict[str, tuple[RatingPass, ...]] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in SPECIAL_FILES:
            continue
        document = parse_content(path, QuestionFile, problems)
        if document is None:
            continue
        if document.skill not in skills:
            problems.append(Problem(path.name, "(file)", "skill", f"unknown skill {document.skill!r}"))
            continue
        reviews[path.name] = tuple(document.reviews)
        translated_from[path.name] = dict(document.translated_from)
        ratings[path.name] = tuple(document.ratings)
        _check_rated_ids(path.name, document, problems)
        for question in document.questions:
            if question.id in questions:
                problems.append(
                    Problem(path.name, question.id, "id", f"duplicate id, already used in {question_file[question.id]}")
                )
                continue
            questions[question.id] = question
            question_skill[question.id] = document.skill
            question_file[question.id] = path.name

    _apply_calibration(calibration_dir or root, questions, problems)
    modules = _read_training(root, skills, problems, special_reviews, translated_from)
    profiles, careers = _read_profiles(root, skills, problems, special_reviews, translated_from)
    reviews.update(special_reviews)  # a translated edition's skills, profiles and training are reviewed too
    lint_allow = _read_lint_allow(root, problems)
    bank = Bank(
        skills,
        profiles,
        tuple(careers),
        modules,
        questions,
        question_skill,
        question_file,
        reviews,
        ratings,
        lint_allow,
        translated_from,
    )
    return BankReport(bank, problems)


def _check_rated_ids(file: str, document: QuestionFile, problems: list[Problem]) -> None:
    """Report ratings of ids that are not questions of the same file (a typo, or a question moved or renamed)."""
    known = {question.id for question in document.questions}
    # A question dropped for its own fault is already reported; its ratings are not a second fault.
    faulty = {problem.item for problem in problems if problem.file == file}
    for rating_pass in document.ratings:
        for question_id in rating_pass.items:
            if question_id not in known and question_id not in faulty:
                problems.append(
                    Problem(
                        file, question_id, "ratings", f"rated by {rating_pass.reviewer} but not a question of this file"
                    )
                )


def _read_lint_allow(root: Path, problems: list[Problem]) -> LintAllowList:
    """The questions exempt from a lint check for now (`lint-allow.yaml`, optional)."""
    path = root / LINT_ALLOW_FILE
    if not path.exists():
        return LintAllowList()
    return parse_content(path, LintAllowList, problems) or LintAllowList()


def _apply_calibration(root: Path, questions: dict[str, Question], problems: list[Problem]) -> None:
    """Merge `calibration.yaml`, if present, into the questions: calibrated parameters win over `irt:`."""
    path = root / CALIBRATION_FILE
    if not path.exists():
        return
    try:
        data = load_content(path, problems)
    except Unreadable:
        return
    entries, faults = parse_calibration(data)
    problems.extend(Problem(CALIBRATION_FILE, fault.item, fault.field, fault.message) for fault in faults)
    for question_id, entry in entries.items():
        if question_id not in questions:
            problems.append(Problem(CALIBRATION_FILE, question_id, "(id)", "unknown question id"))
            continue
        questions[question_id] = questions[question_id].model_copy(update={"irt": entry.parameters})


def load_bank(directory: Path | str | None = None) -> Bank:
    """Load the bank and refuse it if anything is wrong (for tools and tests)."""
    report = read_bank(directory)
    if report.problems:
        raise InvalidQuestionBank(report.problems)
    return report.bank


def _unique(items: Iterable[T], file: str, problems: list[Problem]) -> dict[str, T]:
    seen: dict[str, T] = {}
    for item in items:
        if item.id in seen:
            problems.append(Problem(file, item.id, "id", "duplicate id"))
        else:
            seen[item.id] = item
    return seen


def _read_training(
    root: Path,
    skills: dict[str, Skill],
    problems: list[Problem],
    reviews: dict[str, tuple[Review, ...]],
    translated_from: dict[str, dict[str, str]],
) -> dict[str, Module]:
    path = root / TRAINING_FILE
    if not path.exists():
        problems.append(Problem(TRAINING_FILE, "(file)", "(file)", "missing: the plan needs a training catalogue"))
        return {}
    document = parse_content(path, TrainingFile, problems)
    if document is not None and document.reviews:
        reviews[TRAINING_FILE] = tuple(document.reviews)
    if document is not None:
        translated_from[TRAINING_FILE] = dict(document.translated_from)
    modules = _unique(document.modules if document else [], TRAINING_FILE, problems)
    for module in modules.values():
        if module.skill not in skills:
            problems.append(Problem(TRAINING_FILE, module.id, "skill", f"unknown skill {module.skill!r}"))
        for prerequisite in module.prerequisites:
            if prerequisite not in modules:
                problems.append(Problem(TRAINING_FILE, module.id, "prerequisites", f"unknown module {prerequisite!r}"))
    for cycle_member in _modules_in_cycles(modules):
        problems.append(Problem(TRAINING_FILE, cycle_member, "prerequisites", "prerequisites form a cycle"))
    return modules


def _modules_in_cycles(modules: dict[str, Module]) -> list[str]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    in_cycle: list[str] = []

    def visit(module_id: str) -> None:
        state[module_id] = 1
        for prerequisite in modules[module_id].prerequisites:
            if prerequisite not in modules:
                continue
            if state.get(prerequisite) == 1:
                in_cycle.append(module_id)
            elif prerequisite not in state:
                visit(prerequisite)
        state[module_id] = 2

    for module_id in modules:
        if module_id not in state:
            visit(module_id)
    return in_cycle


def _read_profiles(
    root: Path,
    skills: dict[str, Skill],
    problems: list[Problem],
    reviews: dict[str, tuple[Review, ...]],
    translated_from: dict[str, dict[str, str]],
) -> tuple[dict[str, Profile], list[CareerPath]]:
    path = root / PROFILES_FILE
    if not path.exists():
        problems.append(Problem(PROFILES_FILE, "(file)", "(file)", "missing: the assessment needs target profiles"))
        return {}, []
    document = parse_content(path, ProfileFile, problems)
    if document is None:
        return {}, []
    if document.reviews:
        reviews[PROFILES_FILE] = tuple(document.reviews)
    translated_from[PROFILES_FILE] = dict(document.translated_from)
    profiles = _unique(document.profiles, PROFILES_FILE, problems)
    for profile in profiles.values():
        for skill_id in profile.targets:
            if skill_id not in skills:
                problems.append(Problem(PROFILES_FILE, profile.id, f"targets.{skill_id}", "unknown skill"))
            elif skills[skill_id].category.value == "languages":
                problems.append(
                    Problem(PROFILES_FILE, profile.id, f"targets.{skill_id}", "languages go in `language_target`")
                )
    for career in document.career_paths:
        if career.from_profile not in profiles:
            problems.append(
                Problem(PROFILES_FILE, career.id, "from_profile", f"unknown profile {career.from_profile!r}")
            )
    return profiles, list(document.career_paths)


def _empty_bank() -> Bank:
    return Bank({}, {}, (), {}, {}, {}, {})

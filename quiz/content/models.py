"""Content types: what a question, skill, profile and training module are.

Every model forbids unknown keys and is frozen, so a misspelt key in a YAML file fails loudly and
loaded content cannot be changed by accident.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from quiz.content.kinds import KINDS, Kind, check_options

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Level = Annotated[int, Field(ge=0, le=5)]
Difficulty = Annotated[int, Field(ge=1, le=5)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(StrEnum):
    LANGUAGES = "languages"
    DATABASES = "databases"
    TOOLING = "tooling"
    ARCHITECTURE = "architecture"
    QUALITY = "quality"
    SOFT_SKILLS = "soft skills"


class Engine(StrEnum):
    """Where an executable answer key is run."""

    PYTHON = "python"
    NODE = "node"
    PHP = "php"
    RUBY = "ruby"
    JAVA = "java"
    SQLITE = "sqlite"
    POSTGRES = "postgres"
    GIT = "git"


class Skill(Content):
    id: Identifier
    name: Text
    category: Category
    description: Text


class Reference(Content):
    """Somewhere to learn more: official documentation, a standard, a book chapter."""

    title: Text
    url: str | None = Field(default=None, pattern=r"^https://\S+$")


class Option(Content):
    text: Text
    correct: bool = False
    # Scenario options carry partial credit in [0, 1] instead of a plain right/wrong.
    credit: float | None = Field(default=None, ge=0.0, le=1.0)

    @property
    def score(self) -> float:
        if self.credit is not None:
            return self.credit
        return 1.0 if self.correct else 0.0


class ItemParameters(Content):
    """2PL parameters: discrimination `a` and difficulty `b` on the ability scale."""

    a: float = Field(gt=0.0, le=4.0)
    b: float = Field(ge=-6.0, le=6.0)


class Verification(Content):
    """How the answer key of a question is checked by running it (see docs/content.md)."""

    engines: list[Engine] = Field(min_length=1)
    setup: str | None = None
    script: str | None = None

    @field_validator("engines", mode="before")
    @classmethod
    def _one_engine_may_be_a_string(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Question(Content):
    id: Identifier
    kind: Kind
    difficulty: Difficulty
    prompt: Text
    code: str | None = None
    language: str | None = None
    options: list[Option] = Field(default_factory=list)
    answer: bool | None = None
    explanation: Text
    reference: Reference
    irt: ItemParameters | None = None
    verify: Verification | None = None

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> Question:
        check_options(self)  # each kind's rules live in quiz/content/kinds.py
        if self.code and not self.language:
            raise ValueError("a `code` block needs its `language`")
        return self

    @property
    def choices(self) -> list[Option]:
        """The options a learner picks from; true/false questions get their two fixed ones."""
        if KINDS[self.kind].fixed_options:
            return [
                Option(text="True", correct=self.answer is True),
                Option(text="False", correct=self.answer is False),
            ]
        return list(self.options)

    @property
    def correct_texts(self) -> list[str]:
        return [option.text for option in self.choices if option.score == 1.0]


class Review(Content):
    """A second reader's pass over a file: who, when, and what they changed."""

    reviewer: Text
    date: date
    notes: str = ""


class BlindRating(Content):
    """One reviewer's level for one question, given without seeing the question's authored `difficulty`."""

    level: Difficulty
    # The question can be answered without the knowledge it tests (implausible or absolute distractors, ...).
    elimination: bool
    note: Text  # what the question needs and, with `elimination`, which options give it away


class RatingPass(Content):
    """One blind reviewer's ratings of a file's questions, keyed by question id (docs/content.md)."""

    reviewer: Text
    date: date
    items: dict[Identifier, BlindRating] = Field(min_length=1)


class QuestionFile(Content):
    skill: Identifier
    reviews: list[Review] = Field(default_factory=list)
    ratings: list[RatingPass] = Field(default_factory=list)
    # In a translated edition: the fingerprint of the English text each item was translated from.
    translated_from: dict[Identifier, str] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)


class AllowedItem(Content):
    """A question a lint check lets through for now, and why."""

    id: Identifier
    reason: Text


class LintAllowList(Content):
    """`lint-allow.yaml`: questions exempt from a lint check until their rewrite (kept short, then deleted)."""

    absolute_distractors: list[AllowedItem] = Field(default_factory=list)


class SkillTarget(Content):
    level: Level
    weight: float = Field(gt=0.0, le=5.0)


class Salary(Content):
    low: int = Field(gt=0)
    high: int = Field(gt=0)
    currency: str = "EUR"
    period: str = "gross per year"
    region: Text
    source: Text
    published: date
    note: str = ""

    @model_validator(mode="after")
    def _low_below_high(self) -> Salary:
        if self.low > self.high:
            raise ValueError("salary `low` is above `high`")
        return self


class Profile(Content):
    id: Identifier
    title: Text
    description: Text
    targets: dict[Identifier, SkillTarget]
    # A back-end developer needs one language well, not all five: the best chosen language counts.
    language_target: SkillTarget
    salary: Salary

    def skill_targets(self, languages: Sequence[str]) -> dict[str, SkillTarget]:
        """Every skill measured for this role, in order: the chosen languages, then the role's targets."""
        targets = dict.fromkeys(languages, self.language_target)
        targets.update(self.targets)
        return targets


class CareerPath(Content):
    id: Identifier
    title: Text
    description: Text
    from_profile: Identifier
    kind: Literal["specialise", "lead"]


class ProfileFile(Content):
    reviews: list[Review] = Field(default_factory=list)
    translated_from: dict[Identifier, str] = Field(default_factory=dict)  # a translation's sources (parity.py)
    profiles: list[Profile] = Field(min_length=1)
    career_paths: list[CareerPath] = Field(default_factory=list)


class SkillFile(Content):
    reviews: list[Review] = Field(default_factory=list)
    translated_from: dict[Identifier, str] = Field(default_factory=dict)
    skills: list[Skill] = Field(min_length=1)


class Resource(Content):
    kind: Literal["documentation", "book", "course", "certification", "standard", "article", "tool"]
    title: Text
    url: str | None = Field(default=None, pattern=r"^https://\S+$")
    free: bool


class Module(Content):
    id: Identifier
    skill: Identifier
    title: Text
    level: Level  # the level the module brings a learner to
    hours: int = Field(gt=0, le=200)
    prerequisites: list[Identifier] = Field(default_factory=list)
    resources: list[Resource] = Field(min_length=1)
    project: Text


class TrainingFile(Content):
    reviews: list[Review] = Field(default_factory=list)
    translated_from: dict[Identifier, str] = Field(default_factory=dict)
    modules: list[Module] = Field(min_length=1)

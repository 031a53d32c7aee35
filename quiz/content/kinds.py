"""The kinds of question, and for each one place that says how it is validated, scored, asked and shown.

Adding a kind (say, ordering steps) means a row in `KINDS` (and a rule of its own here if no
existing rule fits), the page's input for it (`app_pages/assessment.py` asks by `answering`), and
the content. Everything else asks this table: the models validate with `check_options`, the scoring
scores with `score_choice`, assembly shuffles by `shuffled`, the import and the page take one or
several answers by `answering`, and the lint and the key verifier read `fixed_options`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    CODE = "code"
    SCENARIO = "scenario"


class Answering(StrEnum):
    """How a learner answers: one option (a radio) or several (checkboxes)."""

    ONE = "one"
    SEVERAL = "several"


class OptionShape(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def correct(self) -> bool: ...
    @property
    def credit(self) -> float | None: ...
    @property
    def score(self) -> float: ...


class QuestionShape(Protocol):
    """What the rules read of a question (the pydantic `Question` in `models` has these)."""

    @property
    def kind(self) -> Kind: ...
    @property
    def options(self) -> Sequence[OptionShape]: ...
    @property
    def answer(self) -> bool | None: ...
    @property
    def code(self) -> str | None: ...


@dataclass(frozen=True)
class KindRules:
    answering: Answering
    # True/false: the file gives `answer`, and the learner picks between the fixed "True" and "False".
    fixed_options: bool = False
    # Scenario: every option carries a `credit` in [0, 1] instead of `correct`.
    partial_credit: bool = False
    needs_code: bool = False
    # Options are shuffled per attempt, except where an order is expected ("True, False").
    shuffled: bool = True


KINDS: dict[Kind, KindRules] = {
    Kind.SINGLE: KindRules(Answering.ONE),
    Kind.MULTIPLE: KindRules(Answering.SEVERAL),  # "select all that apply", scored all-or-nothing
    Kind.TRUE_FALSE: KindRules(Answering.ONE, fixed_options=True, shuffled=False),
    Kind.CODE: KindRules(Answering.ONE, needs_code=True),
    Kind.SCENARIO: KindRules(Answering.ONE, partial_credit=True),
}
NO_CREDIT = 0.0  # a skip, an answer to a question no longer in the bank, or a wrong pick


def check_options(question: QuestionShape) -> None:
    """Raise ValueError, in words a content writer can act on, when the options do not fit the kind."""
    kind, rules = question.kind, KINDS[question.kind]
    if rules.fixed_options:
        if question.answer is None:
            raise ValueError(f"a {kind.value} question needs `answer: true` or `answer: false`")
        if question.options:
            raise ValueError(f"a {kind.value} question takes `answer`, not `options`")
        return
    if question.answer is not None:
        raise ValueError("only a true_false question takes `answer`")
    options = question.options
    if len(options) < 2:
        raise ValueError("a choice question needs at least two options")
    correct = sum(option.correct for option in options)
    credited = [option for option in options if option.credit is not None]
    if rules.partial_credit:
        if len(credited) != len(options) or correct:
            raise ValueError(f"every {kind.value} option needs a `credit` (0 to 1) and none `correct`")
        if max(option.credit or 0.0 for option in options) != 1.0:
            raise ValueError(f"a {kind.value} question needs one option with credit 1.0")
        return
    if credited:
        raise ValueError("only scenario options take `credit`")
    if rules.answering is Answering.SEVERAL:
        if correct < 1:
            raise ValueError("a multiple-choice question needs at least one correct option")
        if correct == len(options):
            raise ValueError("a multiple-choice question needs at least one wrong option")
    elif correct != 1:
        raise ValueError(f"a {kind.value} question needs exactly one correct option, found {correct}")
    if rules.needs_code and not question.code:
        raise ValueError(f"a {kind.value} question needs a `code` block")


def score_choice(kind: Kind, choices: Sequence[OptionShape], picked: Collection[str]) -> float:
    """Credit in [0, 1] for the option texts picked among `choices`; nothing picked scores NO_CREDIT.

    Partial-credit kinds earn the credit of their one pick; the others earn 1 for exactly the keyed
    set (all-or-nothing for several answers) and 0 otherwise.
    """
    chosen = set(picked)
    if not chosen:
        return NO_CREDIT
    rules = KINDS[kind]
    if rules.answering is Answering.ONE and len(chosen) != 1:
        return NO_CREDIT
    if rules.partial_credit:
        (text,) = chosen
        return next((option.score for option in choices if option.text == text), NO_CREDIT)
    keyed = {option.text for option in choices if option.score == 1.0}
    return 1.0 if chosen == keyed else NO_CREDIT

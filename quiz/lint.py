"""Content tells that make a quiz easy to game or hard to trust.

These checks run with `python -m quiz check`: a bank where the right answer is usually the longest
option, or where "all of the above" appears, measures test-taking skill instead of the skill itself.
"""

from __future__ import annotations

import re
from collections import defaultdict

from quiz.bank import Bank
from quiz.content_file import Problem
from quiz.models import Kind, Question

MAX_LONGEST_IS_CORRECT_SHARE = 0.35
NEAR_DUPLICATE_JACCARD = 0.85
_CATCH_ALL = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9_]+")
_STOPWORDS = frozenset(
    "the a an and or of to in on for with is are was be it its this that by as at from not no can "
    "you your it's has have will would should could into than then there their they them which what "
    "when where who how does do did".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _normalised(text: str) -> str:
    return " ".join(_words(text))


def significant_words(text: str) -> set[str]:
    return {word for word in _words(text) if word not in _STOPWORDS and (len(word) >= 3 or word.isdigit())}


def _explains_the_key(question: Question) -> bool:
    explanation = question.explanation.lower()
    if question.kind is Kind.TRUE_FALSE:
        return bool(re.search(r"\b(true|false)\b", explanation))
    for text in question.correct_texts:
        key_words = significant_words(text)
        if key_words:
            if key_words & significant_words(explanation):
                return True
        elif text.strip("`").lower() in explanation:
            return True
    return False


def _longest_is_correct(question: Question) -> bool | None:
    """True when a correct option is strictly longer than every other; None if not a choice question."""
    if question.kind is Kind.TRUE_FALSE:
        return None
    lengths = sorted(((len(option.text), option.score == 1.0) for option in question.options), reverse=True)
    (longest, is_key), (runner_up, _) = lengths[0], lengths[1]
    return is_key and longest > runner_up


def lint_question(question: Question, file: str) -> list[Problem]:
    problems = []
    for option in question.choices:
        if _CATCH_ALL.search(option.text):
            problems.append(Problem(file, question.id, "options", f"catch-all option {option.text!r} is a tell"))
    seen: set[str] = set()
    for option in question.choices:
        key = _normalised(option.text) or option.text.strip()
        if key in seen:
            problems.append(Problem(file, question.id, "options", f"option repeated: {option.text!r}"))
        seen.add(key)
    if not _explains_the_key(question):
        problems.append(
            Problem(file, question.id, "explanation", "does not say why the key is right (name the right answer)")
        )
    return problems


def lint_bank(bank: Bank) -> list[Problem]:
    problems: list[Problem] = []
    longest_by_skill: dict[str, list[bool]] = defaultdict(list)
    for question_id, question in bank.questions.items():
        file = bank.question_file[question_id]
        problems.extend(lint_question(question, file))
        longest = _longest_is_correct(question)
        if longest is not None:
            longest_by_skill[bank.question_skill[question_id]].append(longest)
    for skill_id, flags in sorted(longest_by_skill.items()):
        share = sum(flags) / len(flags)
        if len(flags) >= 5 and share > MAX_LONGEST_IS_CORRECT_SHARE:
            file = next(f for q, f in bank.question_file.items() if bank.question_skill[q] == skill_id)
            problems.append(
                Problem(
                    file,
                    "(file)",
                    "options",
                    f"the key is the strictly longest option in {share:.0%} of {skill_id} choice questions "
                    f"(limit {MAX_LONGEST_IS_CORRECT_SHARE:.0%}): shorten keys or lengthen distractors",
                )
            )
    problems.extend(_near_duplicates(bank))
    return problems


def _near_duplicates(bank: Bank) -> list[Problem]:
    """Questions whose prompts say the same thing about the same code."""
    problems = []
    by_code: dict[str, list[tuple[str, set[str], str]]] = defaultdict(list)
    for question_id, question in bank.questions.items():
        code_key = _normalised(question.code or "")
        by_code[code_key].append((question_id, set(_words(question.prompt)), _normalised(question.prompt)))
    for group in by_code.values():
        for index, (first_id, first_words, first_text) in enumerate(group):
            for second_id, second_words, second_text in group[index + 1 :]:
                union = first_words | second_words
                similarity = len(first_words & second_words) / len(union) if union else 1.0
                if first_text == second_text or similarity >= NEAR_DUPLICATE_JACCARD:
                    problems.append(
                        Problem(
                            bank.question_file[second_id],
                            second_id,
                            "prompt",
                            f"near-duplicate of {first_id} ({similarity:.0%} of words shared)",
                        )
                    )
    return problems

"""Content tells that make a quiz easy to game or hard to trust.

These checks run with `python -m quiz check`: a bank where the right answer is usually the longest
option, where "all of the above" appears, or where a distractor is ruled out by an absolute word alone,
measures test-taking skill instead of the skill itself. `key_positions` is a report, not a check:
`python -m quiz stats` shows where the keys sit and how often the key is the longest option.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from quiz.content.bank import LINT_ALLOW_FILE, Bank
from quiz.content.content_file import Problem
from quiz.content.kinds import KINDS
from quiz.content.models import Question

MAX_LONGEST_IS_CORRECT_SHARE = 0.35
NEAR_DUPLICATE_JACCARD = 0.85
_CATCH_ALL = re.compile(
    r"\b(all|none|both|neither) of (the )?(above|these|them)\b"
    # The French edition's tells: « toutes les réponses ci-dessus », « aucune de ces réponses ».
    r"|\b(toutes|tous|aucune|aucun) (les |des |de )?(réponses |propositions |options )?(ci-dessus|précédentes)\b"
    r"|\baucune de ces (réponses|propositions)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")  # letters of any language: the French edition is linted too
_STOPWORDS = frozenset(
    "the a an and or of to in on for with is are was be it its this that by as at from not no can "
    "you your it's has have will would should could into than then there their they them which what "
    "when where who how does do did "
    # French
    "le la les l un une des du de d et ou en dans pour par avec sans sur sous est sont été être a ont "
    "ce cet cette ces ça qui que qu quoi dont où ne pas plus se sa son ses leur leurs vous votre vos il "
    "elle ils elles on au aux si y c s n est".split()
)


# Absolute words (docs/content.md, "Distractors"): claims of all time (always, never, forever), of
# everybody (nobody, everyone) or of certainty (guaranteed, impossible). A learner who lacks the skill
# still rules out an option that makes such a claim when the key makes none. Left out on purpose:
# only, all, any, every, none, nothing, must, exactly one. In back-end content they are usually the
# precise claim under test ("CPU is allocated only while a request runs", "Nothing took effect",
# `LOCK=NONE`), keys use them as often as distractors, and on the 2026-12-04 blind ratings the
# questions they alone would flag were barely likelier than the rest to be answerable by elimination.
ABSOLUTE_WORDS = (
    "always",
    "never",
    "forever",
    "for good",
    "nobody",
    "no one",
    "everyone",
    "everybody",
    "everything",
    "guarantee",
    "guarantees",
    "guaranteed",
    "impossible",
    "completely",
    "entirely",
    # The same claims in the French edition. Left out: « personne » (also "a person"), « toujours » (also
    # "still": « contient toujours notre uuid ») and « jamais » (« ne … jamais » also renders "not ever").
    "à jamais",
    "définitivement",
    "tout le monde",
    "garanti",
    "garantie",
    "garantis",
    "garanties",
    "garantit",
    "complètement",
    "entièrement",
)
MIN_ABSOLUTE_DIFFICULTY = 3  # below level 3 a distractor may be plainly wrong: it tests vocabulary
# A key that echoes the prompt (docs/content.md, "Distractors"): the share of the key's significant words
# that the prompt also uses, against the same share for the most prompt-like wrong option. A learner
# matches words instead of knowing the answer when the key stands this far above every distractor and
# shares at least this many words. On the 2026-12-04 bank, 0.3 flagged 3 of 839 choice questions, each a
# giveaway on reading; 0.2 flagged 18, most of them keys that simply name the prompt's subject.
ECHO_MARGIN = 0.3
ECHO_MIN_SHARED = 2
ALLOW_ABSOLUTE = "absolute_distractors"
# A vote per position (docs/content.md, "Tells the checker rejects"): options that are the same shape of
# output ("3 test", "[2, 5, 30]") split into tokens; where they differ, each position's most frequent token
# is what a learner who knows nothing would bet on. Checked at every level: unlike an absolute word, which a
# level-1 question may use to test vocabulary, a vote only ever measures test-taking.
# The app shuffles options, so an explanation that points at "the last option" points at nothing: name the
# option by its text (or its mistake) instead. Only "the <ordinal> option" (« la <ordinal> option ») and
# "option B": "a third option" is a course of action, and "the first answer that helped" stays prose.
_POSITIONAL = re.compile(
    r"(?i:\bthe\s+(?:first|second|third|fourth|fifth|last)\s+options?\b"
    r"|\b(?:la|les)\s+(?:première|deuxième|troisième|quatrième|cinquième|dernière)s?\s+options?\b)"
    r"|\b[Oo]ption\s+[A-E]\b"
)
_VOTE_TOKEN = re.compile(r"[^\s,;:()\[\]{}]+")
_CODE_SPAN = re.compile(r"`[^`]*`")
_ABSOLUTE = re.compile(
    # Not part of an identifier or setting (`Retry.NEVER`, `--always-make`, `appendfsync=always`), and
    # not hedged ("not always", "almost never"); "for good" only where it ends a clause ("for good reasons").
    r"(?<![\w.\-=/$@:])(?<!not )(?<!almost )(?<!nearly )(?<!pas )(?<!presque )(?<!quasiment )"
    r"(?:for\s+good(?=\s*(?:[.,;:!?)]|$))|"
    + "|".join(word.replace(" ", r"\s+") for word in ABSOLUTE_WORDS if word != "for good")
    + r")(?![\w\-=(/:])",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _normalised(text: str) -> str:
    return " ".join(_words(text))


def significant_words(text: str) -> set[str]:
    return {word for word in _words(text) if word not in _STOPWORDS and (len(word) >= 3 or word.isdigit())}


def _explains_the_key(question: Question) -> bool:
    explanation = question.explanation.lower()
    if KINDS[question.kind].fixed_options:
        return bool(re.search(r"\b(true|false|vrai|faux)\b", explanation))
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
    if KINDS[question.kind].fixed_options:
        return None
    lengths = sorted(((len(option.text), option.score == 1.0) for option in question.options), reverse=True)
    (longest, is_key), (runner_up, _) = lengths[0], lengths[1]
    return is_key and longest > runner_up


def _absolute_matches(text: str) -> list[re.Match[str]]:
    # Code spans are blanked to spaces, not removed, so that match positions still index `text`.
    prose = _CODE_SPAN.sub(lambda span: " " * len(span.group()), text)
    return list(_ABSOLUTE.finditer(prose))


def absolute_words(text: str) -> list[str]:
    """The absolute words in an option's prose (lower case, in order); code in backticks is not prose."""
    return [" ".join(match.group().lower().split()) for match in _absolute_matches(text)]


def absolute_distractors(question: Question) -> list[str]:
    """The wrong options ruled out by an absolute word alone; empty when there is none.

    From level 3 up, a wrong option (no credit, for a scenario) that contains an absolute word is a
    giveaway when no keyed option (full credit) contains one: a learner picks against the absolute.
    """
    if question.difficulty < MIN_ABSOLUTE_DIFFICULTY or KINDS[question.kind].fixed_options:
        return []
    if any(absolute_words(option.text) for option in question.options if option.score == 1.0):
        return []
    return [option.text for option in question.options if option.score == 0.0 and absolute_words(option.text)]


def vote_spells_key(question: Question) -> bool:
    """True when a vote per position over the options' tokens spells the key.

    Over the options of the key's shape (the same number of tokens; at least three of them, at least two
    positions varying), with one key: at every position where they differ, the key's token is strictly the
    most frequent. An option of another shape does not hide the cue from the others. Two independent
    mistakes whose four combinations are the options make every position a tie.
    """
    if KINDS[question.kind].fixed_options:
        return False
    keyed = [option for option in question.options if option.score == 1.0]
    if len(keyed) != 1:
        return False
    key = _VOTE_TOKEN.findall(keyed[0].text)
    tokens = [each for option in question.options if len(each := _VOTE_TOKEN.findall(option.text)) == len(key)]
    if len(key) < 2 or len(tokens) < 3:
        return False
    varying = 0
    for position, token in enumerate(key):
        ranked = Counter(each[position] for each in tokens).most_common()
        if len(ranked) == 1:
            continue
        varying += 1
        (winner, votes), (_, runner_up) = ranked[0], ranked[1]
        if winner != token or votes == runner_up:
            return False
    return varying >= 2


def _echo(text: str, prompt: set[str]) -> tuple[float, int]:
    words = significant_words(text)
    shared = len(words & prompt)
    return (shared / len(words) if words else 0.0), shared


def key_echoes_prompt(question: Question) -> bool:
    """True when a keyed option repeats the prompt's words far more than any wrong option does."""
    if KINDS[question.kind].fixed_options:
        return False
    prompt = significant_words(question.prompt)
    keys = [_echo(option.text, prompt) for option in question.options if option.score == 1.0]
    wrong = [_echo(option.text, prompt)[0] for option in question.options if option.score < 1.0]
    if not keys or not wrong:
        return False
    share, shared = max(keys)
    return shared >= ECHO_MIN_SHARED and share - max(wrong) >= ECHO_MARGIN


def _absolute_problem(question: Question, file: str) -> Problem | None:
    found = absolute_distractors(question)
    if not found:
        return None
    shown = "; ".join(_in_context(text, match) for text in found for match in _absolute_matches(text))
    return Problem(
        file,
        question.id,
        "options",
        f"a distractor rests on an absolute the key lacks ({shown}): state the misconception without it",
    )


def _in_context(text: str, match: re.Match[str], width: int = 25) -> str:
    """The absolute word with a few words around it: `'never' in '…clients never to retry…'`."""
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    while 0 < start < match.start() and not text[start - 1].isspace():
        start += 1
    while match.end() < end < len(text) and not text[end].isspace():
        end -= 1
    snippet = ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")
    return f"{' '.join(match.group().lower().split())!r} in {snippet!r}"


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
    if key_echoes_prompt(question):
        problems.append(
            Problem(
                file,
                question.id,
                "options",
                "the key repeats the prompt's words far more than any wrong option: reword it, or give a "
                "distractor the same words",
            )
        )
    positional = _POSITIONAL.search(question.explanation)
    if positional:
        problems.append(
            Problem(
                file,
                question.id,
                "explanation",
                f"refers to an option by its place ({positional.group()!r}), but options are shuffled: name it by "
                "its text",
            )
        )
    if not _explains_the_key(question):
        problems.append(
            Problem(file, question.id, "explanation", "does not say why the key is right (name the right answer)")
        )
    return problems


def lint_bank(bank: Bank, translation: bool = False) -> list[Problem]:
    """Every tell in the bank. A `translation` (an edition mirroring the English bank) is not held to the
    absolute-word rule: which options rest on an absolute is the English question's design, settled on
    the English words, and French says "still" and "not ever" with « toujours » and « jamais »."""
    problems: list[Problem] = []
    longest_by_skill: dict[str, list[bool]] = defaultdict(list)
    allowed = {item.id for item in bank.lint_allow.absolute_distractors}
    for question_id, question in bank.questions.items():
        file = bank.question_file[question_id]
        problems.extend(lint_question(question, file))
        if translation:
            absolute = None
            allowed.discard(question_id)
        else:
            absolute = _absolute_problem(question, file)
        if not translation and vote_spells_key(question):
            problems.append(
                Problem(
                    file,
                    question_id,
                    "options",
                    "a vote per position over the options spells the key: make the options the combinations "
                    "of two mistakes, or replace one with another real mistake",
                )
            )
        if absolute is not None and question_id not in allowed:
            problems.append(absolute)
        elif absolute is None and question_id in allowed:
            # The allow-list only shrinks: a fixed question leaves it in the same change.
            problems.append(
                Problem(
                    LINT_ALLOW_FILE, question_id, ALLOW_ABSOLUTE, "no absolute-word distractor left: remove this id"
                )
            )
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
    for question_id in sorted(allowed - set(bank.questions)):
        problems.append(Problem(LINT_ALLOW_FILE, question_id, ALLOW_ABSOLUTE, "no such question: remove this id"))
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


@dataclass(frozen=True)
class KeyPositions:
    """Where the keys of a set of choice questions sit, in file order, and how often the key is longest."""

    questions: int
    by_position: dict[int, float]  # 1-based position, up to the most options: share of the keys there (sums to 1)
    longest: float | None  # share of questions whose key is strictly the longest option

    def as_json(self) -> dict[str, object]:
        return {
            "choice_questions": self.questions,
            "by_position": {str(position): round(share, 3) for position, share in self.by_position.items()},
            "longest": None if self.longest is None else round(self.longest, 3),
        }


def key_positions(questions: Iterable[Question]) -> KeyPositions:
    """A report of the keys' positions and lengths over the choice questions in `questions`.

    The app shuffles options, so a skew here does not reach a learner; it shows an author's habit (the
    key written first, or spelled out longest) that shuffling would hide but a reviewer should not copy.
    A question with several keyed options (full credit) counts each of them with an equal share.
    """
    weights: dict[int, float] = defaultdict(float)
    longest: list[bool] = []
    most_options = 0
    for question in questions:
        flag = _longest_is_correct(question)
        if flag is None:
            continue
        longest.append(flag)
        most_options = max(most_options, len(question.options))
        keyed = [position for position, option in enumerate(question.options, 1) if option.score == 1.0]
        for position in keyed:
            weights[position] += 1 / len(keyed)
    total = len(longest)
    return KeyPositions(
        questions=total,
        # Every position some question has, so a position that never holds the key shows as 0.
        by_position={position: weights[position] / total for position in range(1, most_options + 1)},
        longest=sum(longest) / total if total else None,
    )

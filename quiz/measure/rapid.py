"""Rapid guesses: answers given faster than the question can have been read.

Response-time effort research (Wise & Kong, 2005, "Response time effort"; Wise & Ma, 2012, the
normative threshold NT10) flags an answer as a rapid guess when it comes faster than a threshold
tied to how long the item takes, with a floor of a few seconds and a cap of about ten: such answers
are right at about the chance rate, so they say nothing about skill. DevReady has no response-time
norms per question yet, so the time an item takes is estimated from its length: a fast reader's
300 words a minute (5 words a second) over the prompt, the options and the code. An answer is a
rapid guess when it took less than `SHARE_OF_READING_TIME` of that, never less than `FLOOR_S` and
never more than `CAP_S`.

The choice made with them (docs/scoring.md): a rapid guess counts as not answered. It is kept and
shown in the review, it is left out of the estimates, and the results say how many there were.
"""

from __future__ import annotations

import re

from quiz.content.models import Question

WORDS_PER_SECOND = 5.0
SHARE_OF_READING_TIME = 0.3
FLOOR_S = 3.0
CAP_S = 10.0
MANY_RAPID_SHARE = 0.2  # an attempt where a fifth of the answers were rapid guesses is marked as such
_WORD = re.compile(r"\S+")


def reading_seconds(question: Question) -> float:
    """How long a fast reader takes to read the question and its options."""
    text = " ".join([question.prompt, question.code or "", *(option.text for option in question.choices)])
    return len(_WORD.findall(text)) / WORDS_PER_SECOND


def rapid_threshold(question: Question) -> float:
    return min(CAP_S, max(FLOOR_S, SHARE_OF_READING_TIME * reading_seconds(question)))


def is_rapid_guess(question: Question, seconds: float | None, skipped: bool = False) -> bool:
    """An answer given faster than the question can have been read (a skip is never a guess)."""
    return not skipped and seconds is not None and seconds < rapid_threshold(question)

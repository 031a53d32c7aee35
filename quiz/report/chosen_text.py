"""A learner's answer as the question says it now, whichever edition they answered in.

Responses store the option texts the learner saw. Editions mirror each other option by option (the
parity check), so an answer given in French is found by its position in the French question and shown
with the English option at the same position when the attempt is reviewed in English, and back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from quiz.content.kinds import KINDS
from quiz.content.models import Question
from quiz.messages import t

FIXED_OPTION_WORDS = {"True": "option_true", "False": "option_false"}  # stored as is, shown in the reader's words


def shown_option(question: Question, text: str) -> str:
    """An option in the reader's language: a true/false question's fixed options are stored as "True"
    and "False" in every edition (so answers, scores and exports stay comparable) and shown as the
    interface's words for them ("Vrai", "Faux" in French)."""
    if KINDS[question.kind].fixed_options and text in FIXED_OPTION_WORDS:
        return t(FIXED_OPTION_WORDS[text])
    return text


def chosen_as_shown(question: Question, chosen: Sequence[str], other_editions: Iterable[Question]) -> list[str]:
    current = [option.text for option in question.choices]
    others = [[option.text for option in other.choices] for other in other_editions]
    shown = []
    for text in chosen:
        if text in current:
            shown.append(shown_option(question, text))
            continue
        positions = [texts.index(text) for texts in others if text in texts]
        shown.append(current[positions[0]] if positions and positions[0] < len(current) else text)
    return shown

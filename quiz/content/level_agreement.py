"""How well authored question levels agree with blind ratings (docs/content.md, "Blind level ratings").

Two reviewers rate each question's level without seeing its `difficulty`. A question is *rated* once
at least two reviewers have rated it; each reviewer counts once, with their latest rating, so a
re-rating after a rewrite replaces that reviewer's earlier one. Over the rated questions:
- *exact*: every rating equals the authored level;
- *within one*: every rating is within one level of it;
- *off by two*: some rating is two or more levels away (the rest of the rated questions).
*Elimination* counts the questions that any reviewer could answer by elimination, rated or not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from quiz.content.models import BlindRating, RatingPass

MIN_RATINGS = 2


@dataclass(frozen=True)
class Agreement:
    """Counts of questions by how their authored level agrees with their blind ratings."""

    questions: int
    exact: int
    within_one: int
    off_by_two: int
    unrated: int
    elimination: int

    @property
    def rated(self) -> int:
        return self.questions - self.unrated

    @property
    def within_one_share(self) -> float | None:
        """The share of rated questions within one level of every rating; None when none is rated."""
        return self.within_one / self.rated if self.rated else None

    def as_json(self) -> dict[str, object]:
        share = self.within_one_share
        return {
            "within_one": None if share is None else round(share, 3),
            "off_by_two": self.off_by_two,
            "exact": self.exact,
            "unrated": self.unrated,
            "elimination": self.elimination,
        }


@dataclass(frozen=True)
class LevelAgreement:
    """The agreement over a set of questions, and the same split by authored level (1-5)."""

    overall: Agreement
    by_level: dict[int, Agreement]

    def as_json(self) -> dict[str, object]:
        return {**self.overall.as_json(), "by_level": {str(level): a.as_json() for level, a in self.by_level.items()}}


def latest_ratings(passes: Iterable[RatingPass]) -> dict[str, list[BlindRating]]:
    """Each question's ratings, one per reviewer: their latest pass (by date, then file order) wins."""
    chosen: dict[str, dict[str, tuple[date, BlindRating]]] = defaultdict(dict)
    for rating_pass in passes:
        for question_id, rating in rating_pass.items.items():
            earlier = chosen[question_id].get(rating_pass.reviewer)
            if earlier is None or rating_pass.date >= earlier[0]:
                chosen[question_id][rating_pass.reviewer] = (rating_pass.date, rating)
    return {question_id: [rating for _, rating in by_reviewer.values()] for question_id, by_reviewer in chosen.items()}


def agreement(items: Iterable[tuple[int, Sequence[BlindRating]]]) -> Agreement:
    """The agreement over `items`: each an authored level and that question's ratings, one per reviewer."""
    questions = exact = within_one = off_by_two = unrated = elimination = 0
    for authored, ratings in items:
        questions += 1
        elimination += any(rating.elimination for rating in ratings)
        if len(ratings) < MIN_RATINGS:
            unrated += 1
            continue
        distance = max(abs(rating.level - authored) for rating in ratings)
        exact += distance == 0
        within_one += distance <= 1
        off_by_two += distance >= 2
    return Agreement(questions, exact, within_one, off_by_two, unrated, elimination)


def level_agreement(
    authored: Mapping[str, int], ratings: Mapping[str, Sequence[BlindRating]], levels: Iterable[int] = range(1, 6)
) -> LevelAgreement:
    """The agreement of `authored` levels (question id to difficulty) with `ratings` (id to one rating per reviewer).

    Args:
        authored: each question's authored level, by question id.
        ratings: each question's latest rating per reviewer (see `latest_ratings`); a missing id is unrated.
        levels: the levels always present in `by_level`, even with no question.

    Returns:
        The agreement over every question in `authored`, and split by authored level.
    """
    grouped: dict[int, list[tuple[int, Sequence[BlindRating]]]] = {level: [] for level in levels}
    for question_id, level in authored.items():
        grouped.setdefault(level, []).append((level, ratings.get(question_id, ())))
    return LevelAgreement(
        overall=agreement(item for items in grouped.values() for item in items),
        by_level={level: agreement(items) for level, items in sorted(grouped.items())},
    )

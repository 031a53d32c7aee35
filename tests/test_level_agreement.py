"""Authored levels against blind ratings: what counts as exact, within one, off by two, unrated."""

from __future__ import annotations

from datetime import date

from quiz.content.level_agreement import Agreement, agreement, latest_ratings, level_agreement
from quiz.content.models import BlindRating, RatingPass


def rated(level: int, elimination: bool = False) -> BlindRating:
    return BlindRating(level=level, elimination=elimination, note=f"needs level {level}")


def rating_pass(reviewer: str, day: int, items: dict[str, BlindRating]) -> RatingPass:
    return RatingPass(reviewer=reviewer, date=date(2026, 12, day), items=items)


def test_a_question_is_exact_only_when_both_ratings_equal_its_level() -> None:
    assert agreement([(3, [rated(3), rated(3)])]) == Agreement(1, 1, 1, 0, 0, 0)
    assert agreement([(3, [rated(3), rated(4)])]) == Agreement(1, 0, 1, 0, 0, 0)


def test_a_question_is_off_by_two_when_either_rating_is_two_levels_away() -> None:
    assert agreement([(5, [rated(5), rated(3)])]) == Agreement(1, 0, 0, 1, 0, 0)
    assert agreement([(1, [rated(4), rated(2)])]) == Agreement(1, 0, 0, 1, 0, 0)


def test_within_one_and_off_by_two_split_the_rated_questions() -> None:
    tally = agreement([(2, [rated(1), rated(3)]), (4, [rated(2), rated(4)]), (3, [rated(3), rated(3)])])
    assert (tally.within_one, tally.off_by_two, tally.rated) == (2, 1, 3)
    assert tally.within_one_share == 2 / 3


def test_a_question_with_fewer_than_two_ratings_is_unrated_and_left_out_of_the_share() -> None:
    tally = agreement([(3, [rated(5)]), (3, []), (3, [rated(3), rated(2)])])
    assert (tally.questions, tally.unrated, tally.rated, tally.off_by_two) == (3, 2, 1, 0)
    assert tally.within_one_share == 1.0


def test_the_share_is_none_when_no_question_is_rated() -> None:
    assert agreement([(2, [rated(2)])]).within_one_share is None
    assert agreement([]).within_one_share is None


def test_elimination_counts_a_question_flagged_by_either_rater_even_when_unrated() -> None:
    tally = agreement(
        [
            (3, [rated(3, elimination=True), rated(3)]),
            (3, [rated(3), rated(3, elimination=True)]),
            (3, [rated(3, elimination=True)]),
            (3, [rated(3), rated(3)]),
        ]
    )
    assert tally.elimination == 3


def test_by_level_splits_by_authored_level_and_always_lists_levels_one_to_five() -> None:
    authored = {"a": 1, "b": 5, "c": 5}
    ratings = {"a": [rated(1), rated(2)], "b": [rated(3), rated(4)], "c": [rated(5), rated(5)]}
    result = level_agreement(authored, ratings)
    assert list(result.by_level) == [1, 2, 3, 4, 5]
    assert result.by_level[1] == Agreement(1, 0, 1, 0, 0, 0)
    assert result.by_level[2] == Agreement(0, 0, 0, 0, 0, 0)
    assert result.by_level[5] == Agreement(2, 1, 1, 1, 0, 0)
    assert result.overall == Agreement(3, 1, 2, 1, 0, 0)


def test_a_question_missing_from_the_ratings_is_unrated() -> None:
    assert level_agreement({"a": 3}, {}).overall == Agreement(1, 0, 0, 0, 1, 0)


def test_the_json_gives_the_within_one_share_and_counts_per_level() -> None:
    result = level_agreement({"a": 2, "b": 2, "c": 2}, {"a": [rated(2), rated(2)], "b": [rated(4), rated(2, True)]})
    summary = result.as_json()
    assert {key: value for key, value in summary.items() if key != "by_level"} == {
        "within_one": 0.5,
        "off_by_two": 1,
        "exact": 1,
        "unrated": 1,
        "elimination": 1,
    }
    assert summary["by_level"]["1"] == {  # type: ignore[index]
        "within_one": None,
        "off_by_two": 0,
        "exact": 0,
        "unrated": 0,
        "elimination": 0,
    }


def test_each_reviewer_counts_once_with_their_latest_rating() -> None:
    passes = [
        rating_pass("blind-rater-1", 4, {"q": rated(5), "r": rated(2)}),
        rating_pass("blind-rater-2", 4, {"q": rated(4)}),
        rating_pass("blind-rater-1", 9, {"q": rated(3)}),  # re-rated after a rewrite
    ]
    ratings = latest_ratings(passes)
    assert sorted(rating.level for rating in ratings["q"]) == [3, 4]
    assert [rating.level for rating in ratings["r"]] == [2]


def test_one_reviewer_rating_twice_does_not_make_a_question_rated() -> None:
    passes = [rating_pass("blind-rater-1", 4, {"q": rated(3)}), rating_pass("blind-rater-1", 5, {"q": rated(3)})]
    assert level_agreement({"q": 3}, latest_ratings(passes)).overall.unrated == 1

"""Classical item statistics for one skill, and the items whose key is probably wrong.

A good item is answered right more often by the persons who do well on the rest of the skill: its
item-rest correlation (point-biserial discrimination) is clearly positive. An item that runs the
other way, or not at all, is the usual sign of a wrong answer key, a trick question or two right
answers. These statistics need no model, so they also catch what a 2PL fit cannot express.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Below this many persons with a rest score, a correlation is too noisy to accuse an item.
MIN_RESPONSES = 30
# An item-rest correlation below this (negative or about zero) marks the item as suspect.
MIN_DISCRIMINATION = 0.05


@dataclass(frozen=True)
class ItemHealth:
    """Classical statistics of one item (one column of the score matrix).

    Attributes:
        responses: Persons who answered the item.
        facility: Mean score of those persons (the share right, for 0/1 items); NaN if none.
        discrimination: Correlation between the item score and the rest score over the persons who
            answered the item and at least one other; NaN when either has no spread.
        suspect: Enough responses and a discrimination below the threshold.
    """

    responses: int
    facility: float
    discrimination: float
    suspect: bool


def item_health(
    scores: npt.ArrayLike,
    *,
    min_responses: int = MIN_RESPONSES,
    min_discrimination: float = MIN_DISCRIMINATION,
) -> list[ItemHealth]:
    """Facility, discrimination and a wrong-key suspicion for every item of one skill.

    The rest score of a person for an item is their mean score on the *other* items of the skill
    they answered. With complete data it is the total on the other items divided by a constant,
    so the correlation is the classical item-rest point-biserial; the mean keeps persons who saw
    different numbers of items comparable when answers are missing.

    Args:
        scores: Persons × items scores in [0, 1], NaN where a person did not answer an item.
        min_responses: Persons with a rest score needed before an item may be called suspect.
        min_discrimination: Items with enough responses and a discrimination below this are suspect.

    Returns:
        One `ItemHealth` per column, in column order.
    """
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("scores must be a persons × items matrix")
    answered = ~np.isnan(matrix)
    filled = np.where(answered, matrix, 0.0)
    answered_count = answered.sum(axis=0)
    facility = np.divide(
        filled.sum(axis=0), answered_count, out=np.full(matrix.shape[1], np.nan), where=answered_count > 0
    )

    per_person = answered.sum(axis=1, keepdims=True)
    paired = answered & (per_person > 1)
    rest = np.divide(
        filled.sum(axis=1, keepdims=True) - filled,
        per_person - 1,
        out=np.zeros_like(filled),
        where=paired,
    )
    discrimination, paired_count = _masked_correlation(filled, rest, paired)
    suspect = (paired_count >= min_responses) & (discrimination < min_discrimination)
    return [
        ItemHealth(int(n), float(f), float(r), bool(s))
        for n, f, r, s in zip(answered_count, facility, discrimination, suspect, strict=True)
    ]


def _masked_correlation(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Pearson correlation of x and y per column, over the rows where `mask` holds."""
    weight = mask.astype(np.float64)
    count = weight.sum(axis=0)
    safe = np.maximum(count, 1.0)
    mean_x = (weight * x).sum(axis=0) / safe
    mean_y = (weight * y).sum(axis=0) / safe
    dx = (x - mean_x) * weight
    dy = (y - mean_y) * weight
    covariance = (dx * dy).sum(axis=0)
    spread = np.sqrt((dx**2).sum(axis=0) * (dy**2).sum(axis=0))
    # Spread below rounding noise means "no spread": a constant item has no discrimination to speak of.
    defined = (count > 1) & (spread > 1e-12)
    correlation = np.divide(covariance, spread, out=np.full(x.shape[1], np.nan), where=defined)
    return correlation, count.astype(np.int64)

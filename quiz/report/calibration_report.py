"""The fit report of `python -m quiz calibrate`, as plain text lines for a terminal or a CI log."""

from __future__ import annotations

import math

from quiz.measure.item_health import MIN_DISCRIMINATION, MIN_RESPONSES
from quiz.messages import counted
from quiz.store.recalibrate import MAX_RMSD, ItemResult, Outcome, Recalibration


def report_lines(run: Recalibration, min_responses: int) -> list[str]:
    """Everything a content author needs to review a calibration run, most actionable first."""
    lines = [
        f"Calibration from {counted(run.attempts, 'finished attempt')}, {counted(run.answers, 'answer')}"
        + (f"; {counted(run.ignored, 'answer')} to questions no longer in the bank ignored." if run.ignored else "."),
    ]
    for fit in run.fits:
        state = "converged" if fit.converged else "DID NOT CONVERGE"
        lines.append(
            f"  {fit.skill}: {fit.persons} attempts × {fit.items} items, {fit.iterations} EM cycles, {state}, "
            f"log-likelihood {fit.log_likelihood:.1f}"
        )
    lines += _updated(run.with_outcome(Outcome.UPDATED), min_responses)
    for outcome in (Outcome.NOT_CONVERGED, Outcome.DIVERGED, Outcome.SUSPECT, Outcome.MISFIT):
        lines += _kept(run.with_outcome(outcome), outcome)
    few = run.with_outcome(Outcome.FEW_RESPONSES)
    if few:
        lines.append(f"{counted(len(few), 'item')} with fewer than {min_responses} responses keep their parameters.")
    lines += _health(run.items)
    return lines


def _updated(items: list[ItemResult], min_responses: int) -> list[str]:
    if not items:
        return [f"No item updated (an update needs at least {min_responses} responses and a sound fit)."]
    shift = sum(item.fitted[1] - item.old[1] for item in items) / len(items)
    lines = [
        f"Updated {counted(len(items), 'item')} (mean change in b {shift:+.2f}; a large shift for a whole skill says "
        "the learners differ from the level scale, not the items):",
        f"  {'question':<28}{'file':<26}{'n':>6}   {'a old → new':<16}{'b old → new':<16}{'RMSD':>6}",
    ]
    for item in items:
        lines.append(
            f"  {item.question_id:<28}{item.file:<26}{item.responses:>6}   "
            f"{_change(item.old[0], item.fitted[0]):<16}{_change(item.old[1], item.fitted[1]):<16}{item.rmsd:>6.3f}"
        )
    return lines


def _kept(items: list[ItemResult], outcome: Outcome) -> list[str]:
    if not items:
        return []
    if outcome is Outcome.MISFIT:
        title = f"Kept, fits the 2PL badly (RMSD above {MAX_RMSD:.2f}): review the item"
    else:
        title = f"Kept, {outcome.value}"
    lines = [f"{title}: {counted(len(items), 'item')}"]
    for item in items:
        lines.append(
            f"  {item.question_id} ({item.file}): {item.responses} responses, "
            f"fitted a {_number(item.fitted[0])}, b {_number(item.fitted[1])}, RMSD {_number(item.rmsd, 3)}; "
            f"keeps a {item.old[0]:.2f}, b {item.old[1]:.2f}"
        )
    return lines


def _health(items: tuple[ItemResult, ...]) -> list[str]:
    lines = [
        "Item health (discrimination: correlation with the rest of the skill; suspect below "
        f"{MIN_DISCRIMINATION} with at least {MIN_RESPONSES} responses):",
        f"  {'question':<28}{'file':<26}{'n':>6}{'facility':>10}{'discrim.':>10}",
    ]
    for item in items:
        flag = "  SUSPECT" if item.health.suspect else ""
        lines.append(
            f"  {item.question_id:<28}{item.file:<26}{item.health.responses:>6}"
            f"{_number(item.health.facility):>10}{_number(item.health.discrimination):>10}{flag}"
        )
    suspects = [item for item in items if item.health.suspect]
    for item in suspects:
        lines.append(
            f"SUSPECT {item.question_id} ({item.file}): facility {_number(item.health.facility)}, "
            f"discrimination {_number(item.health.discrimination)}: check its answer key"
        )
    lines.append(f"{counted(len(suspects), 'suspect item')}.")
    return lines


def _change(old: float, new: float) -> str:
    return f"{old:.2f} → {new:.2f}"


def _number(value: float, digits: int = 2) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.{digits}f}"

"""DevReady's adaptive mode beside a fixed form and a reference CAT (catsim), in one process.

`python bench/adaptive.py [--examinees 2000] [--truth 2pl|3pl] [--no-floors]` simulates examinees on the
real bank with known abilities on every skill of the junior profile (plus Python), correlated 0.6 across
skills and centred on the profile's cut points (θ_s ~ N(cut_s, 1): half the people sit near a decision).
Answers follow the 2PL model with the bank's item parameters (nobody guesses; the targets are read so),
or with `--truth 3pl` the 3PL model with c = 1/options, as bench/validity.py's main case; `--no-floors`
scores without the guessing floors, as the model did before issue 11 (docs/adaptive.md, "Two truths").
Three methods see the same examinees:

(a) DevReady adaptive (quiz/measure/adaptive.py): items most informative at the cut, randomesque top-k,
    weight-proportional skill visits, shared-information prior, stopping on a confident decision;
    and the same with items most informative at the current estimate (both measured every run);
(b) a fixed form: per skill, the same mean length as (a), items drawn at random, scored with the
    same estimator as (a) (the last line's baseline: it isolates what item selection buys), and the
    same answers scored as the app scores a fixed form (each skill alone, N(0, 1) prior), for reference;
(c) catsim 0.21: per skill, the same length, maximum-information selection and its maximum-likelihood
    estimator (NumericalSearchEstimator), decision = estimate >= cut.

Prints per method: mean items per skill, decision accuracy over all skills and among people at least
0.5 from the cut, RMSE of ability, time per item selection; the information floor; the lowest RMSE
ratio that any choice of items could reach at that length on this bank; and last, for the selection
point given by --select-at (default: the cut, DevReady's default), the line
`items_per_skill=N decision_acc=D decision_acc_clear=C acc_gain_vs_fixed=G acc_gain_vs_catsim=H
rmse_ratio_vs_fixed=Y select_ms=W`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quiz.content.bank import load_bank  # noqa: E402
from quiz.measure.adaptive import AdaptiveConfig, AdaptiveSession, ItemPool, item_pool, session_for_profile  # noqa: E402
from quiz.measure.irt import GRID, ItemResponse, information, posterior, prior_weights  # noqa: E402

PROFILE = "junior"
LANGUAGES = ("python",)
CORRELATION = 0.6
CLEAR_MARGIN = 0.5
SELECTION_BANK = 5_000


@dataclass
class Outcome:
    decisions: np.ndarray  # examinees × skills: True = at or above the cut
    estimates: np.ndarray  # examinees × skills: ability estimates
    lengths: np.ndarray  # examinees × skills: items asked
    exposure: Counter[str] = field(default_factory=Counter)  # item id -> examinees who were asked it


def correlated_abilities(rng: np.random.Generator, cuts: np.ndarray, count: int) -> np.ndarray:
    size = len(cuts)
    covariance = np.full((size, size), CORRELATION) + np.eye(size) * (1 - CORRELATION)
    return cuts + rng.standard_normal((count, size)) @ np.linalg.cholesky(covariance).T


def respond(rng: random.Random, theta: float, a: float, b: float, c: float = 0.0) -> float:
    """One simulated answer: right with the 3PL probability (the 2PL one when c = 0, nobody guesses)."""
    return 1.0 if rng.random() < c + (1.0 - c) / (1.0 + math.exp(-a * (theta - b))) else 0.0


Floors = dict[str, np.ndarray]  # per skill, the truth's chance of a right answer by guessing, per item


def drive(session: AdaptiveSession, rng: random.Random, answer: Callable[[str], float]) -> list[float]:
    """Run a session to its end; return the time of each step between an answer and the next question
    (updating every skill's posterior and decision, the stopping rule, then the selection itself)."""
    times = []
    while True:
        started = time.perf_counter()
        question = None if session.finished else session.next_question(rng)
        times.append(time.perf_counter() - started)
        if question is None:
            return times
        session.record(question, answer(question))


def run_adaptive(
    bank, pool: ItemPool, thetas: np.ndarray, skills: list[str], seed: int, config: AdaptiveConfig, truth: Floors
):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    n, k = thetas.shape
    out = Outcome(np.zeros((n, k), bool), np.zeros((n, k)), np.zeros((n, k), int))
    select_times: list[float] = []
    for person in range(n):
        session = session_for_profile(bank, pool, PROFILE, LANGUAGES, config)
        column = {skill: j for j, skill in enumerate(skills)}

        def answer(question: str, person: int = person, column: dict[str, int] = column) -> float:
            skill, index = pool.index[question]
            return respond(
                rng, thetas[person, column[skill]], pool.a[skill][index], pool.b[skill][index], truth[skill][index]
            )

        select_times += drive(session, rng, answer)
        out.exposure.update(pool.ids[skill][index] for skill in skills for index in session.used(skill))
        for skill, decision in session.decisions().items():
            j = column[skill]
            out.decisions[person, j] = decision.meets
            out.estimates[person, j] = decision.mean
            out.lengths[person, j] = decision.answers
    return out, select_times


def stochastic_lengths(rng: np.random.Generator, means: np.ndarray, count: int) -> np.ndarray:
    """Integer lengths per examinee whose expectation is each skill's mean length."""
    floor = np.floor(means)
    return (floor + (rng.random((count, len(means))) < (means - floor))).astype(int)


def run_fixed(
    bank,  # type: ignore[no-untyped-def]
    pool: ItemPool,
    thetas: np.ndarray,
    skills: list[str],
    lengths: np.ndarray,
    seed: int,
    config: AdaptiveConfig,
    truth: Floors,
):
    """The fixed form, scored twice on the same answers: with the adaptive mode's estimator (shared prior,
    centred on the cuts) and as the app scores a fixed form (each skill alone, N(0, 1) prior)."""
    rng = random.Random(seed)
    n, k = thetas.shape
    out = Outcome(np.zeros((n, k), bool), np.zeros((n, k)), lengths.copy())
    alone = Outcome(np.zeros((n, k), bool), np.zeros((n, k)), lengths.copy())
    for person in range(n):
        session = session_for_profile(bank, pool, PROFILE, LANGUAGES, config)
        for j, skill in enumerate(skills):
            answers = []
            for index in rng.sample(range(len(pool.ids[skill])), min(lengths[person, j], len(pool.ids[skill]))):
                score = respond(rng, thetas[person, j], pool.a[skill][index], pool.b[skill][index], truth[skill][index])
                session.record(pool.ids[skill][index], score)
                answers.append(ItemResponse(float(pool.a[skill][index]), float(pool.b[skill][index]), score))
            estimate = posterior(answers)
            alone.estimates[person, j] = estimate.mean
            alone.decisions[person, j] = estimate.probability_at_least(session.cuts[skill]) >= 0.5
        for skill, decision in session.decisions().items():
            j = skills.index(skill)
            out.decisions[person, j] = decision.meets
            out.estimates[person, j] = decision.mean
    return out, alone


def run_catsim(
    pool: ItemPool,
    thetas: np.ndarray,
    skills: list[str],
    cuts: np.ndarray,
    lengths: np.ndarray,
    seed: int,
    truth: Floors,
):  # type: ignore[no-untyped-def]
    from catsim.estimation import NumericalSearchEstimator
    from catsim.item_bank import ItemBank
    from catsim.selection import MaxInfoSelector

    rng = random.Random(seed)
    with contextlib.redirect_stdout(io.StringIO()):  # catsim 0.21 prints its (empty) validation report per bank
        banks = {
            s: ItemBank(np.column_stack([pool.a[s], pool.b[s], np.zeros_like(pool.a[s]), np.ones_like(pool.a[s])]))
            for s in skills
        }
    selector, estimator = MaxInfoSelector(), NumericalSearchEstimator()
    n, k = thetas.shape
    out = Outcome(np.zeros((n, k), bool), np.zeros((n, k)), lengths.copy())
    select_times: list[float] = []
    for person in range(n):
        for j, skill in enumerate(skills):
            administered: list[int] = []
            responses: list[bool] = []
            estimate = 0.0
            estimating = 0.0  # like DevReady's figure: updating the estimate, then selecting
            for _ in range(lengths[person, j]):
                started = time.perf_counter()
                index = selector.select(item_bank=banks[skill], administered_items=administered, est_theta=estimate)
                select_times.append(time.perf_counter() - started + estimating)
                if index is None:
                    break
                administered.append(int(index))
                responses.append(
                    bool(
                        respond(rng, thetas[person, j], pool.a[skill][index], pool.b[skill][index], truth[skill][index])
                    )
                )
                started = time.perf_counter()
                estimate = float(
                    estimator.estimate(
                        item_bank=banks[skill],
                        administered_items=administered,
                        response_vector=responses,
                        est_theta=estimate,
                    )
                )
                estimating = time.perf_counter() - started
            out.estimates[person, j] = float(np.clip(estimate, -5.0, 5.0))
            out.decisions[person, j] = estimate >= cuts[j]
    return out, select_times


def scores(outcome: Outcome, thetas: np.ndarray, cuts: np.ndarray) -> tuple[float, float, float]:
    truth = thetas >= cuts
    right = outcome.decisions == truth
    clear = np.abs(thetas - cuts) >= CLEAR_MARGIN
    rmse = float(np.sqrt(np.mean((outcome.estimates - thetas) ** 2)))
    return float(right.mean()), float(right[clear].mean()), rmse


def selection_time_large_bank(
    config: AdaptiveConfig, skills: list[str], cuts: dict[str, float], weights: dict[str, float]
) -> float:
    """Milliseconds per selection with a synthetic 5,000-item pool (answers recorded as they come)."""
    rng = np.random.default_rng(5)
    per_skill = SELECTION_BANK // len(skills)
    ids = {s: tuple(f"{s}-{i}" for i in range(per_skill)) for s in skills}
    pool = ItemPool(
        ids, {s: rng.uniform(0.8, 2.2, per_skill) for s in skills}, {s: rng.uniform(-3, 3, per_skill) for s in skills}
    )
    chooser = random.Random(3)
    times: list[float] = []
    for _ in range(20):
        session = AdaptiveSession(pool, tuple(skills), cuts, weights, config)
        times += drive(session, chooser, lambda _question: float(chooser.random() < 0.5))
    return 1000 * float(np.median(times))


def rmse_ratio_bound(pool: ItemPool, skills: list[str], cuts: np.ndarray, lengths: np.ndarray) -> float:
    """The lowest RMSE ratio to a random form that any choice of items could reach at these lengths.

    Normal approximation: posterior variance 1 / (1 + n·I), with the population prior N(cut, 1) and I
    the information per item at the person's true ability: the best item of the skill for an oracle
    that knows that ability, a random one for the fixed form; averaged over θ ~ N(cut, 1). The shared
    prior adds the same precision to both and only pushes the ratio towards 1, so it is left out.
    """
    weights = prior_weights()  # θ - cut ~ N(0, 1) on the grid
    best, random_ = [], []
    for skill, cut, n in zip(skills, cuts, lengths, strict=True):
        info = information((cut + GRID)[:, None], pool.a[skill][None, :], pool.b[skill][None, :])
        best.append(float(weights @ (1.0 / (1.0 + n * info.max(axis=1)))))
        random_.append(float(weights @ (1.0 / (1.0 + n * info.mean(axis=1)))))
    return math.sqrt(sum(best) / sum(random_))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examinees", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--select-at", choices=("cut", "estimate"), default="cut", help="the one the last line reports")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument(
        "--truth",
        choices=("2pl", "3pl"),
        default="2pl",
        help="how simulated people answer: 2pl, nobody guesses (the bench's targets); 3pl, a right answer by chance"
        " at 1/options, as bench/validity.py's main case",
    )
    parser.add_argument(
        "--no-floors",
        action="store_true",
        help="score without the guessing floors (the model before issue 11), to see what they cost or buy",
    )
    args = parser.parse_args()
    started = time.perf_counter()

    bank = load_bank()
    real = item_pool(bank)
    pool = ItemPool(real.ids, real.a, real.b) if args.no_floors else real
    truth = {s: real.floors(s) if args.truth == "3pl" else np.zeros_like(real.a[s]) for s in real.ids}
    configs = {point: AdaptiveConfig(select_at=point, threshold=args.threshold) for point in ("cut", "estimate")}
    config = configs[args.select_at]
    template = session_for_profile(bank, pool, PROFILE, LANGUAGES, config)
    skills = list(template.skills)
    cuts = np.array([template.cuts[s] for s in skills])
    thetas = correlated_abilities(np.random.default_rng(args.seed), cuts, args.examinees)
    a_mean = float(np.mean(np.concatenate([pool.a[s] for s in skills])))
    print(
        f"{args.examinees} simulated examinees, {len(skills)} skills of the {PROFILE} profile (+ {', '.join(LANGUAGES)}), "
        f"abilities N(cut, 1) correlated {CORRELATION}; bank: {sum(len(pool.ids[s]) for s in skills)} items, mean a {a_mean:.2f}"
    )
    print(
        f"truth: {'3PL, people guess (c = 1/options)' if args.truth == '3pl' else '2PL, nobody guesses'}; "
        f"model: {'no guessing floors' if args.no_floors else 'guessing floors (c = 1/options)'}"
    )

    rows: dict[str, tuple[Outcome, list[float] | None]] = {}
    lengths_by_point = {}
    for offset, point in enumerate(("cut", "estimate")):
        adaptive, adaptive_select = run_adaptive(
            bank, pool, thetas, skills, args.seed + 1 + 10 * offset, configs[point], truth
        )
        lengths = stochastic_lengths(
            np.random.default_rng(args.seed + 2), adaptive.lengths.mean(axis=0), args.examinees
        )
        fixed, fixed_alone = run_fixed(bank, pool, thetas, skills, lengths, args.seed + 3, configs[point], truth)
        rows[f"adaptive at the {point}"] = (adaptive, adaptive_select)
        rows[f"fixed form, lengths of the {point} run"] = (fixed, None)
        if point == args.select_at:
            rows["  same answers, scored skill by skill"] = (fixed_alone, None)
        lengths_by_point[point] = lengths
    lengths = lengths_by_point[args.select_at]
    reference, catsim_select = run_catsim(pool, thetas, skills, cuts, lengths, args.seed + 4, truth)
    rows[f"catsim MaxInfo + ML, {args.select_at} lengths"] = (reference, catsim_select)
    select_ms = selection_time_large_bank(config, skills, template.cuts, template.weights)

    print("select ms: per item, updating the estimates and choosing the next item (median)")
    print(f"{'method':<40}{'items/skill':>12}{'decision_acc':>14}{'acc_clear':>11}{'rmse':>8}{'select ms':>11}")
    results = {}
    for name, (outcome, times) in rows.items():
        acc, clear, rmse = scores(outcome, thetas, cuts)
        results[name] = (acc, clear, rmse)
        timing = f"{1000 * float(np.median(times)):>11.3f}" if times else f"{'-':>11}"
        print(f"{name:<40}{outcome.lengths.mean():>12.2f}{acc:>14.3f}{clear:>11.3f}{rmse:>8.3f}{timing}")
    adaptive = rows[f"adaptive at the {args.select_at}"][0]
    items_per_skill = float(adaptive.lengths.mean())
    floor = 1 / math.sqrt(items_per_skill * a_mean**2 / 4)
    print(
        f"information floor: with {items_per_skill:.1f} items of a = {a_mean:.2f}, SE >= 1/sqrt(n a^2/4) = {floor:.2f}"
    )
    bound = rmse_ratio_bound(pool, skills, cuts, adaptive.lengths.mean(axis=0))
    print(
        f"lowest rmse_ratio_vs_fixed any item choice could reach at these lengths on this bank "
        f"(every item the best for the true ability; normal approximation): {bound:.3f}"
    )
    print(f"selection with a {SELECTION_BANK:,}-item bank: {select_ms:.3f} ms per item (median)")
    bank_size = sum(len(pool.ids[s]) for s in skills)
    for point in ("cut", "estimate"):
        exposure = rows[f"adaptive at the {point}"][0].exposure
        top = exposure.most_common(1)[0][1] / args.examinees if exposure else 0.0
        print(
            f"exposure selecting at the {point}: {len(exposure)} of {bank_size} items ever asked; "
            f"the most asked one went to {top:.0%} of examinees"
        )
    acc, clear, rmse = results[f"adaptive at the {args.select_at}"]
    fixed_acc, _, fixed_rmse = results[f"fixed form, lengths of the {args.select_at} run"]
    gain_fixed = acc - fixed_acc
    gain_catsim = acc - results[f"catsim MaxInfo + ML, {args.select_at} lengths"][0]
    rmse_ratio = rmse / fixed_rmse
    for point in ("cut", "estimate"):
        ratio = results[f"adaptive at the {point}"][2] / results[f"fixed form, lengths of the {point} run"][2]
        print(f"rmse_ratio_vs_fixed selecting at the {point}: {ratio:.3f}")
    alone_acc, _, alone_rmse = results["  same answers, scored skill by skill"]
    print(
        "against the fixed form scored as the app scores one (each skill alone, N(0, 1) prior; not the last "
        f"line's baseline): acc_gain={acc - alone_acc:.3f} rmse_ratio={rmse / alone_rmse:.3f}"
    )
    targets = [
        ("items_per_skill <= 6 with decision_acc_clear >= 0.95", items_per_skill <= 6 and clear >= 0.95),
        ("acc_gain_vs_fixed >= 0.03", gain_fixed >= 0.03),
        ("acc_gain_vs_catsim >= 0", gain_catsim >= 0),
        ("rmse_ratio_vs_fixed <= 0.8", rmse_ratio <= 0.8),
        ("select_ms < 5", select_ms < 5),
    ]
    for label, met in targets:
        print(f"target {label}: {'met' if met else 'MISSED'}")
    print(f"wall time {time.perf_counter() - started:.0f} s")
    print(
        f"items_per_skill={items_per_skill:.2f} decision_acc={acc:.3f} decision_acc_clear={clear:.3f} "
        f"acc_gain_vs_fixed={gain_fixed:.3f} acc_gain_vs_catsim={gain_catsim:.3f} rmse_ratio_vs_fixed={rmse_ratio:.3f} "
        f"select_ms={select_ms:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

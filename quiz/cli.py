"""`python -m quiz check|stats|verify`: the bank tool for content authors and CI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from quiz.bank import Bank, read_bank
from quiz.lint import lint_bank


def bank_stats(bank: Bank) -> dict[str, object]:
    skills: dict[str, object] = {}
    for skill_id, questions in bank.by_skill.items():
        by_difficulty = {str(level): 0 for level in range(1, 6)}
        for question in questions:
            by_difficulty[str(question.difficulty)] += 1
        skills[skill_id] = {
            "questions": len(questions),
            "by_difficulty": by_difficulty,
            "executable": sum(question.verify is not None for question in questions),
        }
    return {"total": len(bank.questions), "skills": skills}


def _check(path: Path | None) -> int:
    report = read_bank(path)
    problems = [*report.problems, *lint_bank(report.bank)]
    for problem in problems:
        print(problem)
    bank = report.bank
    summary = f"{len(bank.questions)} questions, {len(bank.skills)} skills, {len(bank.profiles)} profiles, {len(bank.modules)} modules"
    if problems:
        print(f"FAILED: {len(problems)} problem(s); {summary}", file=sys.stderr)
        return 1
    print(f"OK: {summary}")
    return 0


def _stats(path: Path | None, as_json: bool) -> int:
    report = read_bank(path)
    stats = bank_stats(report.bank)
    if as_json:
        print(json.dumps(stats, indent=2))
    else:
        print(f"{'skill':<28}{'total':>6}{'L1':>5}{'L2':>5}{'L3':>5}{'L4':>5}{'L5':>5}{'exec':>6}")
        for skill_id, row in stats["skills"].items():  # type: ignore[attr-defined]
            levels = "".join(f"{row['by_difficulty'][str(level)]:>5}" for level in range(1, 6))
            print(f"{skill_id:<28}{row['questions']:>6}{levels}{row['executable']:>6}")
        print(f"{'total':<28}{stats['total']:>6}")
    return 1 if report.problems else 0


def _verify(path: Path | None, only: list[str]) -> int:
    from quiz.verify import verify_bank

    report = read_bank(path)
    failures = 0
    for outcome in verify_bank(report.bank, only=only or None):
        print(outcome)
        failures += not outcome.passed
    print(f"{'FAILED' if failures else 'OK'}: {failures} wrong or broken key(s)")
    return 1 if failures or report.problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quiz", description="DevReady question bank tool")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate every content file; exit 1 on any problem")
    check.add_argument("path", nargs="?", type=Path, default=None)
    stats = commands.add_parser("stats", help="count questions per skill and difficulty")
    stats.add_argument("path", nargs="?", type=Path, default=None)
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    verify = commands.add_parser("verify", help="run every executable answer key")
    verify.add_argument("path", nargs="?", type=Path, default=None)
    verify.add_argument("--only", nargs="*", default=[], help="question ids or skill ids to run")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.path)
    if args.command == "stats":
        return _stats(args.path, args.json)
    return _verify(args.path, args.only)

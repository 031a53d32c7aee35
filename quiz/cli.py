"""`python -m quiz check|stats|verify|calibrate`: the bank tool for content authors and CI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.content.bank import Bank, content_dir, edition_dir, read_bank, read_edition
from quiz.content.calibration_file import DEFAULT_MIN_RESPONSES
from quiz.content.content_file import Problem
from quiz.content.level_agreement import latest_ratings, level_agreement
from quiz.content.lint import key_positions, lint_bank
from quiz.content.models import BlindRating
from quiz.content.parity import EDITIONS, edition_problems, missing_reviews
from quiz.messages import counted

if TYPE_CHECKING:
    from quiz.store.recalibrate import ScoredAnswer


def bank_stats(bank: Bank) -> dict[str, object]:
    """Per skill: questions by difficulty, executable keys, blind-rating agreement and where the keys sit."""
    ratings = _ratings_by_question(bank)
    skills: dict[str, object] = {}
    for skill_id, questions in bank.by_skill.items():
        by_difficulty = {str(level): 0 for level in range(1, 6)}
        for question in questions:
            by_difficulty[str(question.difficulty)] += 1
        authored = {question.id: question.difficulty for question in questions}
        skills[skill_id] = {
            "questions": len(questions),
            "by_difficulty": by_difficulty,
            "executable": sum(question.verify is not None for question in questions),
            "level_agreement": level_agreement(authored, ratings).as_json(),
            "key_position": key_positions(questions).as_json(),
        }
    authored = {question_id: question.difficulty for question_id, question in bank.questions.items()}
    return {
        "total": len(bank.questions),
        "level_agreement": level_agreement(authored, ratings).as_json(),
        "skills": skills,
    }


def _ratings_by_question(bank: Bank) -> dict[str, list[BlindRating]]:
    """Each question's latest rating per reviewer, from the rating passes of its own file."""
    ratings: dict[str, list[BlindRating]] = {}
    for passes in bank.ratings.values():
        ratings.update(latest_ratings(passes))
    return ratings


def _check(path: Path | None) -> int:
    report = read_bank(path)
    problems = [*report.problems, *lint_bank(report.bank)]
    bank = report.bank
    summary = f"{len(bank.questions)} questions, {len(bank.skills)} skills, {len(bank.profiles)} profiles, {len(bank.modules)} modules"
    root = path if path is not None else content_dir()
    for locale in EDITIONS:
        if not edition_dir(locale, root).is_dir():
            continue
        edition = read_edition(locale, root)
        problems += [
            _in_edition(problem, locale) for problem in [*edition.problems, *lint_bank(edition.bank, translation=True)]
        ]
        problems += edition_problems(bank, edition.bank, locale) + missing_reviews(edition.bank, locale)
        summary += f"; {locale}: {len(edition.bank.questions)} questions"
    for problem in problems:
        print(problem)
    if problems:
        print(f"FAILED: {counted(len(problems), 'problem')}; {summary}", file=sys.stderr)
        return 1
    print(f"OK: {summary}")
    return 0


def _in_edition(problem: Problem, locale: str) -> Problem:
    return Problem(f"{locale}/{problem.file}", problem.item, problem.field, problem.message)


def _stats(path: Path | None, as_json: bool) -> int:
    report = read_bank(path)
    stats = bank_stats(report.bank)
    if as_json:
        print(json.dumps(stats, indent=2))
    else:
        for line in _stats_lines(stats):
            print(line)
    return 1 if report.problems else 0


def _stats_lines(stats: dict[str, Any]) -> list[str]:
    """The three tables of `quiz stats`: counts, level agreement, key positions."""
    rows: dict[str, dict[str, Any]] = stats["skills"]
    lines = [f"{'skill':<28}{'total':>6}{'L1':>5}{'L2':>5}{'L3':>5}{'L4':>5}{'L5':>5}{'exec':>6}"]
    for skill_id, row in rows.items():
        levels = "".join(f"{row['by_difficulty'][str(level)]:>5}" for level in range(1, 6))
        lines.append(f"{skill_id:<28}{row['questions']:>6}{levels}{row['executable']:>6}")
    lines.append(f"{'total':<28}{stats['total']:>6}")

    lines += [
        "",
        'Level agreement: authored level against the blind ratings (docs/content.md, "Blind level ratings")',
        f"{'skill':<28}{'within1':>8}{'off>=2':>7}{'exact':>6}{'unrated':>8}{'elim':>6}   off>=2 by level L1-L5",
    ]

    def agreement_line(name: str, agreement: dict[str, Any]) -> str:
        share = agreement["within_one"]
        within = "-" if share is None else f"{share:.0%}"
        by_level = "".join(f"{level['off_by_two']:>4}" for level in agreement["by_level"].values())
        counts = (
            f"{agreement['off_by_two']:>7}{agreement['exact']:>6}{agreement['unrated']:>8}{agreement['elimination']:>6}"
        )
        return f"{name:<28}{within:>8}{counts}  {by_level}"

    lines += [agreement_line(skill_id, row["level_agreement"]) for skill_id, row in rows.items()]
    lines.append(agreement_line("total", stats["level_agreement"]))

    positions = sorted({int(p) for row in rows.values() for p in row["key_position"]["by_position"]})
    lines += [
        "",
        "Keyed option (a report, not a check): share of keys at each position in the file, share of questions whose key is the longest option",
        f"{'skill':<28}{'choice':>7}" + "".join(f"{'pos' + str(p):>6}" for p in positions) + f"{'longest':>9}",
    ]
    for skill_id, row in rows.items():
        keys = row["key_position"]
        shares = "".join(f"{keys['by_position'].get(str(p), 0.0):>6.0%}" for p in positions)
        longest = "-" if keys["longest"] is None else f"{keys['longest']:.0%}"
        lines.append(f"{skill_id:<28}{keys['choice_questions']:>7}{shares}{longest:>9}")
    return lines


def _verify(path: Path | None, only: list[str]) -> int:
    from quiz.content.verify import Outcome, verify_bank

    report = read_bank(path)
    root = path if path is not None else content_dir()
    outcomes = list(verify_bank(report.bank, only=only or None))
    problems = len(report.problems)
    for locale in EDITIONS:
        if edition_dir(locale, root).is_dir():
            edition = read_edition(locale, root)
            problems += len(edition.problems)
            outcomes += [
                Outcome(f"{locale}:{outcome.question_id}", outcome.engine, outcome.passed, outcome.detail)
                for outcome in verify_bank(edition.bank, only=only or None, english=report.bank)
            ]
    failures = 0
    for outcome in outcomes:
        print(outcome)
        failures += not outcome.passed
    print(f"{'FAILED' if failures else 'OK'}: {counted(failures, 'wrong or broken key')}")
    return 1 if failures or problems else 0


def _calibrate(path: Path | None, database: str | None, min_responses: int, write: Path | None, dry_run: bool) -> int:
    """Recalibrate items from stored answers; exit 1 only when the database cannot be used."""
    from quiz.content.calibration_file import CALIBRATION_FILE, parse_calibration, write_calibration
    from quiz.content.yaml_cache import load_yaml
    from quiz.report.calibration_report import report_lines
    from quiz.store.recalibrate import recalibrate

    answers = _stored_answers(database)
    if answers is None:
        return 1
    root = path if path is not None else content_dir()
    report = read_bank(root)
    source = root / CALIBRATION_FILE
    file_problems = [problem for problem in report.problems if problem.file == CALIBRATION_FILE]
    # A file with problems is never rewritten, so its valid entries are only needed when it has none.
    previous = parse_calibration(load_yaml(source))[0] if source.is_file() and not file_problems else {}
    run = recalibrate(report.bank, answers, previous, min_responses=min_responses)
    for line in report_lines(run, min_responses):
        print(line)

    target = write if write is not None else source
    if dry_run:
        print(f"Dry run: {target} not written.")
    elif file_problems:
        for problem in file_problems:
            print(problem)
        print(f"NOT WRITTEN: fix {source} first, or its broken entries would be lost.", file=sys.stderr)
    elif run.entries == previous and target == source:
        print(f"Nothing to update: {target} unchanged.")
    else:
        write_calibration(target, run.entries)
        print(f"Wrote {target}: {counted(len(run.entries), 'calibrated item')}.")
    if len(report.problems) > len(file_problems):
        print(
            f"Note: {counted(len(report.problems) - len(file_problems), 'other problem')} in the bank; see `python -m quiz check`."
        )
    return 0


def _stored_answers(database: str | None) -> list[ScoredAnswer] | None:
    """Every answer of the finished attempts, or None (with the reason on stderr) if the database is unusable."""
    from alembic.util import CommandError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from quiz.store.database import Store, default_database_url
    from quiz.store.recalibrate import finished_answers

    url = database or default_database_url()
    try:
        parsed = make_url(url)
        # Opening a missing SQLite file would create an empty database: a wrong path, not "no answers yet".
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            if not Path(parsed.database).is_file():
                print(f"calibrate: no database at {parsed.database}", file=sys.stderr)
                return None
        store = Store.open(url)
    except (SQLAlchemyError, CommandError, ImportError) as error:
        print(f"calibrate: cannot use the database: {error}", file=sys.stderr)
        return None
    try:
        return finished_answers(store)
    except SQLAlchemyError as error:
        print(f"calibrate: cannot read the answers: {error}", file=sys.stderr)
        return None
    finally:
        store.engine.dispose()


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _instructor_add(name: str, database: str | None, sso: bool) -> int:
    """Give an account the instructor role: how a bootcamp's first instructor is made. With `sso`, `name`
    is the e-mail the identity provider gives, and the account is made now if they never signed in."""
    from quiz.store.accounts import sso_account_name, sso_learner
    from quiz.store.cohorts import CohortError, make_instructor
    from quiz.store.database import Store

    store = Store.open(database)
    if sso:
        sso_learner(store, name, name)
        name = sso_account_name(name, name)
    try:
        make_instructor(store, name)
    except CohortError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{name} is now an instructor: the Cohorts page lets them create a cohort and invite learners.")
    return 0


def _translate_export(source: Path) -> int:
    from quiz.content.translation import dump_content, export_sheet, read_yaml

    print(dump_content(export_sheet(read_yaml(source))), end="")
    return 0


def _translate_apply(
    source: Path, sheet_path: Path, edition: str, reviewer: str | None, notes: str, source_sheet: Path | None
) -> int:
    """Write `<content>/<edition>/<file>` from the English file and a translated sheet, keeping its reviews."""
    from datetime import date

    from quiz.content.translation import SheetError, apply_sheet, dump_content, english_fingerprints, read_yaml

    target = source.parent / edition / source.name
    reviews = list((read_yaml(target) or {}).get("reviews") or []) if target.is_file() else []
    if reviewer:
        reviews.append({"reviewer": reviewer, "date": date.today(), "notes": notes})
    try:
        english = read_yaml(source)
        seen = read_yaml(source_sheet) if source_sheet is not None else None
        translated = apply_sheet(english, read_yaml(sheet_path) or {}, reviews, english_fingerprints(english, seen))
    except SheetError as error:
        print(f"{sheet_path}: the sheet does not fit {source}:\n{error}", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dump_content(translated), encoding="utf-8")
    print(f"Wrote {target}")
    return 0


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
    calibrate = commands.add_parser("calibrate", help="fit item parameters to stored answers (docs/scoring.md)")
    calibrate.add_argument("path", nargs="?", type=Path, default=None, help="content folder (default: questions/)")
    calibrate.add_argument("--database", default=None, help="database URL (default: DATABASE_URL or the local SQLite)")
    calibrate.add_argument(
        "--min-responses", type=_positive, default=DEFAULT_MIN_RESPONSES, help="responses an item needs to be updated"
    )
    calibrate.add_argument(
        "--write", type=Path, default=None, help="where to write (default: <content>/calibration.yaml)"
    )
    calibrate.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    instructor = commands.add_parser("instructor", help="manage instructors (hosted mode)")
    instructor_commands = instructor.add_subparsers(dest="action", required=True)
    add = instructor_commands.add_parser("add", help="give an existing account the instructor role")
    add.add_argument("name", help="the account's user name (it must have signed up first), or an e-mail with --sso")
    add.add_argument(
        "--sso", action="store_true", help="NAME is the e-mail of someone who signs in through the identity provider"
    )
    add.add_argument("--database", default=None, help="database URL (default: DATABASE_URL or the local SQLite)")
    translate = commands.add_parser("translate", help="translation sheets for a second edition (docs/content.md)")
    translate_commands = translate.add_subparsers(dest="action", required=True)
    export = translate_commands.add_parser("export", help="print a file's translatable text as a sheet")
    export.add_argument("file", type=Path)
    apply = translate_commands.add_parser("apply", help="write <content>/<edition>/<file> from a translated sheet")
    apply.add_argument("file", type=Path, help="the English content file")
    apply.add_argument("sheet", type=Path, help="the translated sheet")
    apply.add_argument("--edition", default="fr", help="the edition folder (default: fr)")
    apply.add_argument("--reviewer", default=None, help="record a review of the translated file by this reviewer")
    apply.add_argument("--notes", default="", help="what the review checked")
    apply.add_argument(
        "--from",
        dest="source_sheet",
        type=Path,
        default=None,
        help="the English sheet the translator worked from: items whose English changed since are marked stale",
    )
    args = parser.parse_args(argv)
    if args.command == "translate":
        if args.action == "export":
            return _translate_export(args.file)
        return _translate_apply(args.file, args.sheet, args.edition, args.reviewer, args.notes, args.source_sheet)
    if args.command == "instructor":
        return _instructor_add(args.name, args.database, args.sso)
    if args.command == "check":
        return _check(args.path)
    if args.command == "stats":
        return _stats(args.path, args.json)
    if args.command == "calibrate":
        return _calibrate(args.path, args.database, args.min_responses, args.write, args.dry_run)
    return _verify(args.path, args.only)

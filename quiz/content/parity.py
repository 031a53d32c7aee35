"""A translated edition must mirror the English bank: only the words may differ.

Answers, history and calibration are keyed by question id across languages, so an edition that
drifts (a key moved, a credit changed, an option dropped, a question missing) would score the same
answers differently by language. `edition_problems` names the file, item and field of every such
difference; a missing translation is an error, never a silent English fallback.
"""

from __future__ import annotations

from pydantic import BaseModel

from quiz.content.bank import Bank
from quiz.content.content_file import Problem
from quiz.content.models import Question
from quiz.content.translation import fingerprint

# The translated editions: each a sub-folder of the English content folder, named by its language code.
EDITIONS = ("fr",)


def _question_fields(english: Question, translated: Question) -> list[tuple[str, str]]:
    """(field, what differs) for every structural difference between a question and its translation."""
    differences: list[tuple[str, str]] = []
    for field in ("kind", "difficulty", "answer", "code", "language", "verify"):
        if getattr(english, field) != getattr(translated, field):
            differences.append((field, f"differs from the English edition ({getattr(english, field)!r})"))
    if len(english.options) != len(translated.options):
        differences.append(
            ("options", f"{len(translated.options)} options, the English edition has {len(english.options)}")
        )
        return differences
    for index, (source, target) in enumerate(zip(english.options, translated.options, strict=True)):
        if (source.correct, source.credit) != (target.correct, target.credit):
            differences.append(
                (
                    f"options[{index}]",
                    f"key or credit differs from the English edition ({source.correct}, {source.credit})",
                )
            )
        # When the program is the question's own code, the key is its output: the learner reads it in any language.
        elif (
            english.verify is not None
            and english.verify.script is None
            and source.score == 1.0
            and source.text != target.text
        ):
            differences.append((f"options[{index}]", "the output this key states must stay byte-identical"))
    return differences


def edition_problems(english: Bank, edition: Bank, locale: str) -> list[Problem]:
    """Every way `edition` fails to mirror `english`; files are named as `<locale>/<file>`."""
    problems: list[Problem] = []

    def problem(file: str, item: str, field: str, message: str) -> None:
        problems.append(Problem(f"{locale}/{file}", item, field, message))

    def stale(file: str, item: BaseModel, item_id: str) -> None:
        if edition.translated_from.get(file, {}).get(item_id) != fingerprint(item):
            problem(
                file, item_id, "(translation)", "the English text changed since it was translated: translate it again"
            )

    for question_id, question in english.questions.items():
        file = english.question_file[question_id]
        translated = edition.questions.get(question_id)
        if translated is None:
            problem(file, question_id, "(question)", "missing translation")
            continue
        stale(file, question, question_id)
        if edition.question_file[question_id] != file:
            problem(edition.question_file[question_id], question_id, "(file)", f"belongs in {file}")
        for field, message in _question_fields(question, translated):
            problem(file, question_id, field, message)
    for question_id in edition.questions.keys() - english.questions.keys():
        problem(edition.question_file[question_id], question_id, "id", "not a question of the English edition")

    for skill_id, skill in english.skills.items():
        other = edition.skills.get(skill_id)
        if other is None:
            problem("skills.yaml", skill_id, "(skill)", "missing translation")
            continue
        stale("skills.yaml", skill, skill_id)
        if other.category != skill.category:
            problem("skills.yaml", skill_id, "category", f"differs from the English edition ({skill.category.value})")
    for profile_id, profile in english.profiles.items():
        other_profile = edition.profiles.get(profile_id)
        if other_profile is None:
            problem("profiles.yaml", profile_id, "(profile)", "missing translation")
            continue
        stale("profiles.yaml", profile, profile_id)
        for field in ("targets", "language_target"):
            if getattr(profile, field) != getattr(other_profile, field):
                problem("profiles.yaml", profile_id, field, "differs from the English edition")
        if (profile.salary.low, profile.salary.high, profile.salary.currency, profile.salary.published) != (
            other_profile.salary.low,
            other_profile.salary.high,
            other_profile.salary.currency,
            other_profile.salary.published,
        ):
            problem("profiles.yaml", profile_id, "salary", "pay range or date differs from the English edition")
    english_paths = {path.id: path for path in english.career_paths}
    edition_paths = {path.id: path for path in edition.career_paths}
    for path_id, career in english_paths.items():
        other_path = edition_paths.get(path_id)
        if other_path is None:
            problem("profiles.yaml", path_id, "(career path)", "missing translation")
            continue
        stale("profiles.yaml", career, path_id)
        if (career.from_profile, career.kind) != (other_path.from_profile, other_path.kind):
            problem("profiles.yaml", path_id, "from_profile", "differs from the English edition")
    for module_id, module in english.modules.items():
        other_module = edition.modules.get(module_id)
        if other_module is None:
            problem("training.yaml", module_id, "(module)", "missing translation")
            continue
        stale("training.yaml", module, module_id)
        for field in ("skill", "level", "hours", "prerequisites"):
            if getattr(module, field) != getattr(other_module, field):
                problem("training.yaml", module_id, field, "differs from the English edition")
        if [(r.kind, r.free) for r in module.resources] != [(r.kind, r.free) for r in other_module.resources]:
            problem("training.yaml", module_id, "resources", "resources differ from the English edition")
    return problems


def missing_reviews(edition: Bank, locale: str) -> list[Problem]:
    """A translated question file is published only after a second, bilingual reader went through it."""
    files = set(edition.reviews) | {"skills.yaml", "profiles.yaml", "training.yaml"}
    return [
        Problem(f"{locale}/{file}", "(file)", "reviews", "no bilingual review recorded yet")
        for file in sorted(files)
        if len(edition.reviews.get(file, ())) < 2
    ]

"""Reading a history export back in: a file from outside, checked at the border before anything is stored.

The file may come from an older DevReady, another machine, or someone crafting one by hand. So:
- it is bounded before it is parsed (size), while it is parsed (depth, digits, no NaN or Infinity)
  and field by field (lengths, counts, ranges);
- every id is checked against the bank: the profile, the languages, the skills and each question
  with the order of its options; a question since removed from the bank is kept as removed (the
  app shows it as such and scores it as a skip), never a crash;
- **every score is recomputed** from the chosen options against the bank, never taken from the file;
- every fault is named by attempt, answer and field, and nothing is imported while one remains.

The faults are written in the reader's language (`t`); a field is named as the file spells it, and a
schema fault that pydantic describes is shown with pydantic's own (English) words unless it is a
missing or an unknown field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from quiz.content.bank import Bank
from quiz.content.kinds import KINDS, Answering
from quiz.measure.assemble import AssessmentSettings, Length, Quiz, QuizItem
from quiz.measure.scoring import SKIP_CREDIT, score_answer
from quiz.messages import t
from quiz.store.attempt import Attempt, Response

MAX_FILE_BYTES = 8 * 1024 * 1024  # a learner's whole history is far smaller (500 attempts ≈ 3 MB)
MAX_DEPTH = 8  # an export nests five levels deep
MAX_NUMBER_CHARS = 32
MAX_ATTEMPTS = 2_000
MAX_QUESTIONS = 200  # the longest form asks about 60
MAX_OPTIONS = 20
MAX_FAULTS_SHOWN = 10

ShortId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ChosenText = Annotated[str, StringConstraints(max_length=2_000)]


class InvalidExport(ValueError):
    """The file is not a DevReady export, or one of its fields is wrong; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ResponseRecord(_Strict):
    question_id: ShortId
    position: int = Field(ge=0, lt=MAX_QUESTIONS)
    chosen: list[ChosenText] = Field(max_length=MAX_OPTIONS)
    score: float | None = Field(default=None, ge=0.0, le=1.0)  # read, then ignored: recomputed from `chosen`
    confidence: Literal["guess", "fairly_sure", "certain"] | None
    seconds: float | None = Field(default=None, ge=0.0, le=7 * 24 * 3600)
    answered_at: datetime


class AttemptRecord(_Strict):
    id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    profile_id: ShortId
    languages: list[ShortId] = Field(min_length=1, max_length=10)
    length: Length
    focus: list[ShortId] = Field(default_factory=list, max_length=30)
    practice: bool = False
    adaptive: bool = False
    items: list[
        tuple[ShortId, Annotated[list[Annotated[int, Field(ge=0, lt=MAX_OPTIONS)]], Field(max_length=MAX_OPTIONS)]]
    ] = Field(max_length=MAX_QUESTIONS)
    skills: list[ShortId] = Field(default_factory=list, max_length=30)
    started_at: datetime
    finished_at: datetime | None
    abandoned: bool = False
    responses: list[ResponseRecord] = Field(max_length=MAX_QUESTIONS)


class ExportFile(_Strict):
    format: Literal["devready-export"]
    version: Literal[1]
    exported_at: datetime
    attempts: list[AttemptRecord] = Field(max_length=MAX_ATTEMPTS)


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number an export can hold")


def _bounded(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"a number of {len(text)} characters")
        return kind(text)

    return parse


def _too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _read_json(data: bytes | str) -> Any:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidExport(t("import_too_large", size=round(len(raw) / 1e6, 1), limit=MAX_FILE_BYTES // 1_000_000))
    try:
        document = json.loads(
            raw.decode("utf-8"),
            parse_constant=_no_constants,
            parse_int=_bounded(int),
            parse_float=_bounded(float),
        )
    except RecursionError as error:
        raise InvalidExport(t("import_too_deep", depth=MAX_DEPTH)) from error
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
        raise InvalidExport(t("import_not_json", error=str(error))) from error
    if _too_deep(document):
        raise InvalidExport(t("import_too_deep", depth=MAX_DEPTH))
    return document


def _where(location: tuple[int | str, ...]) -> str:
    """A pydantic location as a learner can find it: "attempt 2, answer 5, seconds"."""
    words: list[str] = []
    steps = list(location)
    while steps:
        step = steps.pop(0)
        if step in ("attempts", "responses", "items") and steps and isinstance(steps[0], int):
            label = {"attempts": "import_attempt", "responses": "import_answer", "items": "import_question"}[str(step)]
            words.append(t(label, number=int(steps.pop(0)) + 1))
        else:
            words.append(str(step))
    return ", ".join(words) or t("import_the_file")


def _schema_fault(error: Any) -> str:
    """What pydantic found, in the reader's words for the two faults a hand-edited file makes most."""
    kind = {"missing": "import_fault_missing", "extra_forbidden": "import_fault_unknown_field"}.get(error["type"])
    return t(kind) if kind else str(error["msg"])


def _refuse(faults: list[str]) -> None:
    shown = "; ".join(faults[:MAX_FAULTS_SHOWN])
    if len(faults) > MAX_FAULTS_SHOWN:
        shown += t("import_more", count=len(faults) - MAX_FAULTS_SHOWN)
    raise InvalidExport(t("import_refused", count=len(faults), faults=shown))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _attempt_faults(record: AttemptRecord, bank: Bank) -> Iterator[tuple[str, str]]:
    """(where inside the attempt, what is wrong) for each way `record` disagrees with the bank."""
    if record.profile_id not in bank.profiles:
        yield "profile_id", t("import_fault_unknown_profile", value=repr(record.profile_id))
    for language in record.languages:
        if language not in bank.language_skills:
            yield "languages", t("import_fault_unknown_language", value=repr(language))
    if len(set(record.languages)) != len(record.languages):
        yield "languages", t("import_fault_language_twice")
    for skill in (*record.focus, *record.skills):
        if skill not in bank.skills:
            yield "skills", t("import_fault_unknown_skill", value=repr(skill))
    if record.finished_at is not None and _aware(record.finished_at) < _aware(record.started_at):
        yield "finished_at", t("import_fault_finished_before_start")
    positions: dict[str, int] = {}
    for index, (question_id, order) in enumerate(record.items):
        where = t("import_question", number=index + 1)
        if question_id in positions:
            yield where, t("import_fault_question_twice", value=repr(question_id))
        positions.setdefault(question_id, index)
        question = bank.questions.get(question_id)
        count = len(question.choices) if question is not None else len(order)
        if sorted(order) != list(range(count)):
            yield f"{where}, {t('import_option_order')}", t("import_fault_option_order", count=count)
    answered: set[str] = set()
    for index, response in enumerate(record.responses):
        where = t("import_answer", number=index + 1)
        if response.question_id not in positions:
            yield f"{where}, question_id", t("import_fault_not_in_attempt", value=repr(response.question_id))
            continue
        if response.question_id in answered:
            yield f"{where}, question_id", t("import_fault_answered_twice", value=repr(response.question_id))
        answered.add(response.question_id)
        if response.position != positions[response.question_id]:
            expected, given = positions[response.question_id] + 1, response.position + 1
            yield f"{where}, position", t("import_fault_position", expected=expected, given=given)
        question = bank.questions.get(response.question_id)
        if question is None:
            continue  # removed from the bank: kept, and scored as a skip
        texts = {option.text for option in question.choices}
        if len(set(response.chosen)) != len(response.chosen):
            yield f"{where}, chosen", t("import_fault_chosen_twice")
        if any(text not in texts for text in response.chosen):
            yield f"{where}, chosen", t("import_fault_not_an_option")
        if KINDS[question.kind].answering is Answering.ONE and len(response.chosen) > 1:
            yield f"{where}, chosen", t("import_fault_one_answer", kind=question.kind.value)


def _to_attempt(record: AttemptRecord, bank: Bank) -> Attempt:
    settings = AssessmentSettings(
        record.profile_id, tuple(record.languages), record.length, tuple(record.focus), record.practice, record.adaptive
    )
    quiz = Quiz(settings, tuple(QuizItem(q, tuple(order)) for q, order in record.items), tuple(record.skills))
    responses = []
    for r in record.responses:
        question = bank.questions.get(r.question_id)
        score = score_answer(question, r.chosen) if question is not None else SKIP_CREDIT
        confidence = r.confidence if r.chosen else None
        responses.append(
            Response(r.question_id, r.position, tuple(r.chosen), score, confidence, r.seconds, _aware(r.answered_at))
        )
    finished = _aware(record.finished_at) if record.finished_at else None
    return Attempt(record.id, quiz, _aware(record.started_at), finished, tuple(responses), record.abandoned)


def parse_export(data: bytes | str, bank: Bank) -> list[Attempt]:
    """The attempts of an export, checked against `bank` and re-scored; InvalidExport names every fault."""
    document = _read_json(data)
    try:
        export = ExportFile.model_validate(document)
    except ValidationError as error:
        _refuse([t("import_fault_at", where=_where(tuple(e["loc"])), fault=_schema_fault(e)) for e in error.errors()])
        raise  # unreachable: _refuse raises
    faults = [
        t("import_fault_at", where=f"{t('import_attempt', number=number)} ({record.id[:8]}), {where}", fault=problem)
        for number, record in enumerate(export.attempts, start=1)
        for where, problem in _attempt_faults(record, bank)
    ]
    ids = [record.id for record in export.attempts]
    if len(set(ids)) != len(ids):
        faults.append(t("import_fault_at", where="attempts", fault=t("import_fault_attempt_twice")))
    if faults:
        _refuse(faults)
    return [_to_attempt(record, bank) for record in export.attempts]

"""`questions/calibration.yaml`: the item parameters calibrated from real answers.

The file maps a question id to its calibrated `a` and `b`, how many responses they rest on and
when they were last updated. `python -m quiz calibrate` writes it; `read_bank` merges it into the
questions, where it takes precedence over an `irt:` block in a question file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from quiz.content.models import Content, ItemParameters

CALIBRATION_FILE = "calibration.yaml"
# Responses an item needs before calibrated parameters replace its previous ones. In a complete
# design 200 persons put the standard error of b near 0.15 for a typical item; forms that show a few
# questions per skill need at least that many.
DEFAULT_MIN_RESPONSES = 200


class CalibrationEntry(Content):
    """One calibrated question: its 2PL parameters, the responses behind them and their date."""

    a: float = Field(gt=0.0, le=4.0)
    b: float = Field(ge=-6.0, le=6.0)
    responses: int = Field(ge=0)
    updated: date

    @property
    def parameters(self) -> ItemParameters:
        return ItemParameters(a=self.a, b=self.b)


@dataclass(frozen=True)
class CalibrationFault:
    """A fault in one entry of the file; the bank turns it into a `Problem` naming the file."""

    item: str
    field: str
    message: str


def parse_calibration(data: Any) -> tuple[dict[str, CalibrationEntry], list[CalibrationFault]]:
    """Validate the parsed YAML of a calibration file, keeping every entry that is valid.

    Args:
        data: What `yaml.safe_load` returned; None (an empty file) is an empty calibration.

    Returns:
        The valid entries by question id, and one fault per problem found.
    """
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [
            CalibrationFault("(file)", "(file)", "expected a mapping of question id to {a, b, responses, updated}")
        ]
    entries: dict[str, CalibrationEntry] = {}
    faults: list[CalibrationFault] = []
    for key, value in data.items():
        item = str(key)
        if not isinstance(value, dict):
            faults.append(CalibrationFault(item, "(item)", "expected a mapping with a, b, responses, updated"))
            continue
        try:
            entries[item] = CalibrationEntry.model_validate(value)
        except ValidationError as error:
            for detail in error.errors():
                field = ".".join(str(step) for step in detail["loc"]) or "(item)"
                message = "unknown key (misspelt?)" if detail["type"] == "extra_forbidden" else detail["msg"]
                faults.append(CalibrationFault(item, field, message))
    return entries, faults


class _PlainDumper(yaml.SafeDumper):
    """A safe dumper that writes every date in full instead of as `&id001` anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_calibration(entries: dict[str, CalibrationEntry]) -> str:
    """The YAML text of a calibration file, sorted by question id so diffs stay readable."""
    data = {
        question_id: {
            "a": round(entry.a, 3),
            "b": round(entry.b, 3),
            "responses": entry.responses,
            "updated": entry.updated,
        }
        for question_id, entry in sorted(entries.items())
    }
    header = "# Written by `python -m quiz calibrate` (see docs/scoring.md, Calibration). Edit with care.\n"
    return header + yaml.dump(data, Dumper=_PlainDumper, sort_keys=False)


def write_calibration(path: Path, entries: dict[str, CalibrationEntry]) -> None:
    """Replace the calibration file at `path` in one step, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(render_calibration(entries), encoding="utf-8")
    staging.replace(path)

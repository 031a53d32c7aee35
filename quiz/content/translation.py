"""Translation sheets: the text of a content file, keyed by item id and field path, and back.

A translator never edits structure. `export_sheet` lists every translatable string of an English
file (`{item id: {"prompt": …, "options.0.text": …}}`); `apply_sheet` copies the English file and
puts the translated strings in place, so ids, kinds, levels, keys, credits, code and verify blocks
are the English ones by construction. `python -m quiz check` then holds the edition to that
(quiz/content/parity.py) whenever someone edits a translated file by hand.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

# The top-level lists whose items carry an `id` and text to translate.
ITEM_LISTS = ("skills", "profiles", "career_paths", "modules", "questions")
# Field names that hold prose; everything else (ids, code, verify, levels, credits) is structure.
TEXT_FIELDS = frozenset(
    {"name", "title", "description", "prompt", "text", "explanation", "project", "region", "source", "period", "note"}
)
# A translated file may point to a resource in its own language (MDN in French, the PostgreSQL French docs).
URL_FIELD = "url"
# Not text of the item: who reviewed what in the English file, and the blind ratings of its levels.
ENGLISH_ONLY = ("reviews", "ratings")

Sheet = dict[str, dict[str, str]]


class SheetError(Exception):
    """A sheet that does not fit its English file: every missing or unknown entry is listed."""


def _text_paths(node: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, str) and (key in TEXT_FIELDS or key == URL_FIELD):
                yield path, value
            elif isinstance(value, dict | list) and key not in {"verify", "targets", "irt"}:
                yield from _text_paths(value, f"{path}.")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_paths(value, f"{prefix}{index}.")


def _items(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for list_name in ITEM_LISTS:
        for item in document.get(list_name) or []:
            if isinstance(item, dict) and "id" in item:
                yield item


def export_sheet(document: dict[str, Any]) -> Sheet:
    """Every translatable string of an English content document, by item id and field path."""
    return {str(item["id"]): dict(_text_paths(item)) for item in _items(document)}


def fingerprint(item: BaseModel) -> str:
    """A short hash of an English item's text: a translation records it, so an English edit that leaves
    the structure alone (a reworded option, a fixed explanation) still shows up as a stale translation."""
    return text_fingerprint(dict(_text_paths(item.model_dump(mode="json", exclude_none=True))))


def text_fingerprint(fields: dict[str, str]) -> str:
    """The fingerprint of an item's text fields, as a sheet lists them (`export_sheet`)."""
    pairs = sorted((path, " ".join(str(text).split())) for path, text in fields.items())
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _set_path(item: dict[str, Any], path: str, value: str) -> None:
    *parents, last = path.split(".")
    node: Any = item
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value


def apply_sheet(
    english: dict[str, Any], sheet: Sheet, reviews: list[dict[str, Any]], fingerprints: dict[str, str] | None = None
) -> dict[str, Any]:
    """The translated document: the English structure with the sheet's strings, its own reviews, and
    the fingerprint of the English text each item was translated from."""
    expected = export_sheet(english)
    faults = []
    for item_id, fields in expected.items():
        given = sheet.get(item_id) or {}
        faults += [
            f"{item_id}: {path} is missing" for path in fields if path not in given and path.split(".")[-1] != URL_FIELD
        ]
        faults += [f"{item_id}: {path} is not a text field of this item" for path in given if path not in fields]
        faults += [f"{item_id}: {path} is empty" for path, text in given.items() if not str(text).strip()]
    faults += [f"{item_id}: no such item in the English file" for item_id in sheet if item_id not in expected]
    if faults:
        raise SheetError("\n".join(faults))
    translated = {key: copy.deepcopy(value) for key, value in english.items() if key not in ENGLISH_ONLY}
    if reviews:
        translated = (
            {"skill": translated["skill"], "reviews": reviews, **translated}
            if "skill" in translated
            else {"reviews": reviews, **translated}
        )
    for item in _items(translated):
        for path, text in sheet.get(str(item["id"]), {}).items():
            _set_path(item, path, str(text).strip())
    if fingerprints:
        translated["translated_from"] = {
            item_id: fingerprints[item_id] for item_id in expected if item_id in fingerprints
        }
    return translated


def english_fingerprints(document: dict[str, Any], source_sheet: Sheet | None = None) -> dict[str, str]:
    """The fingerprint of every item of an English content document, read through its model. With the
    English sheet the translator worked from, an item whose English changed since is marked stale
    instead, so `quiz check` asks for it to be translated again."""
    from quiz.content.models import CareerPath, Module, Profile, Question, Skill

    models: dict[str, type[BaseModel]] = {
        "skills": Skill, "profiles": Profile, "career_paths": CareerPath, "modules": Module, "questions": Question
    }  # fmt: skip
    current = export_sheet(document)
    fingerprints = {}
    for list_name in ITEM_LISTS:
        for item in document.get(list_name) or []:
            if not (isinstance(item, dict) and "id" in item):
                continue
            item_id = str(item["id"])
            seen = (source_sheet or {}).get(item_id)
            if source_sheet is not None and (
                seen is None or text_fingerprint(seen) != text_fingerprint(current[item_id])
            ):
                fingerprints[item_id] = STALE
            else:
                fingerprints[item_id] = fingerprint(models[list_name].model_validate(item))
    return fingerprints


STALE = "translated-from-older-english"


class _ContentDumper(yaml.SafeDumper):
    """Block style for multi-line text (code stays readable), lists indented as in the English files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ContentDumper.add_representer(str, _represent_text)
_ContentDumper.add_representer(
    date, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())
)


def dump_content(document: dict[str, Any]) -> str:
    return yaml.dump(
        document, Dumper=_ContentDumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))

"""Reading one content file into its pydantic model, with every fault named by file, item and field.

A file that does not validate still yields its valid items (`parse_content` drops only the bad ones),
so one broken question never hides the rest of its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from quiz.content.yaml_cache import YamlSyntaxError, load_yaml

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One fault in the content, precise enough to fix without reading a traceback."""

    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: item {self.item!r}, field {self.field!r}: {self.message}"


# Mappings whose keys are question ids (a rating pass's `items`): the key, not a list index, names the item.
_KEYED_BY_ID = frozenset({"items"})


def _item_of(data: Any, location: tuple[int | str, ...], fallback: str) -> str:
    """The id of the list item a validation error points into, for messages a human can follow."""
    node = data
    item = fallback
    previous: int | str | None = None
    for step in location:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if previous in _KEYED_BY_ID and isinstance(step, str):
            item = step
        elif isinstance(node, dict) and isinstance(node.get("id"), str):
            item = node["id"]
        elif isinstance(step, int) and item == fallback:
            item = f"#{step + 1}"
        previous = step
    return item


def _field_of(location: tuple[int | str, ...]) -> str:
    named = [str(step) for step in location if isinstance(step, str)]
    for index, step in enumerate(named[:-1]):
        if step in _KEYED_BY_ID:  # ratings.items.<id>.level reads "ratings.level": the id is already the item
            return ".".join([*named[:index], *named[index + 2 :]])
    return ".".join(named[1:] if len(named) > 1 else named) or "(file)"


def _problems_from(error: ValidationError, data: Any, file: str) -> list[Problem]:
    problems = []
    for detail in error.errors():
        location = tuple(detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown key (misspelt?)"
        problems.append(Problem(file, _item_of(data, location, "(file)"), _field_of(location), message))
    return problems


class Unreadable(Exception):
    """The file could not be read or parsed; its problem is already recorded."""


def load_content(path: Path, problems: list[Problem]) -> Any:
    """The parsed YAML of one file; on a syntax or read error, record the problem and raise `Unreadable`."""
    name = path.name
    try:
        return load_yaml(path)
    except YamlSyntaxError as error:
        problems.append(Problem(name, "(file)", "(syntax)", str(error)))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, "(file)", "(file)", f"cannot read: {error}"))
    raise Unreadable(name)


def parse_content(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    """Parse one file; on failure, record its problems and salvage the items that are valid."""
    name = path.name
    try:
        data = load_content(path, problems)
    except Unreadable:
        return None
    if not isinstance(data, dict):
        problems.append(Problem(name, "(file)", "(file)", "expected a mapping at the top of the file"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.extend(_problems_from(error, data, name))
    return _salvage(data, model)


def _salvage(data: dict[str, Any], model: type[M]) -> M | None:
    """Drop the invalid list items so one bad question does not hide its whole file."""
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key not in model.model_fields:
            continue
        annotation = model.model_fields[key].annotation
        item_type = getattr(annotation, "__args__", (None,))[0]
        if isinstance(value, list) and isinstance(item_type, type) and issubclass(item_type, BaseModel):
            kept = []
            for item in value:
                try:
                    kept.append(item_type.model_validate(item))
                except ValidationError:
                    continue
            cleaned[key] = kept
        else:
            cleaned[key] = value
    try:
        return model.model_validate(cleaned)
    except ValidationError:
        return None

"""Parsing content YAML with PyYAML and libyaml, read as YAML 1.2, and caching the result on disk.

PyYAML is the parser the Python world relies on, and its libyaml binding is a mature C library. Two
of its defaults do not suit hand-written content, so the loader here changes them:
- PyYAML reads YAML 1.1, where `no`, `on`, `yes` become booleans and `1:20` a base-60 number. The
  bank is written as YAML 1.2 (the core schema: only `true`/`false` are booleans, `0o17` is octal,
  `012` is twelve), so the implicit types below are the 1.2 core schema's, plus dates.
- PyYAML keeps the last of two equal keys in a mapping; a misspelt copy-paste would then silently
  drop a field. Here a duplicate key is an error naming its line.

The cache stores the parsed data keyed by the file's path, size and modification time (and this
parser's identity); a changed file misses it and is parsed again. Validation always runs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_FORMAT = "3"
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_PARSER = f"pyyaml-{yaml.__version__}-{'libyaml' if yaml.__with_libyaml__ else 'python'}-core12"


def _refuse_a_second(key: Any, mapping: dict[Any, Any], node: Node, key_node: Node) -> None:
    """A key already in `mapping` (or one that cannot be a key) is an error naming its line."""
    try:
        duplicate = key in mapping
    except TypeError:
        raise ConstructorError(
            "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
        ) from None
    if duplicate:
        raise ConstructorError(
            "while constructing a mapping", node.start_mark, f"found duplicate mapping key {key!r}", key_node.start_mark
        )


class _Core12Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader with YAML 1.2 core-schema scalars and duplicate keys refused."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(
                None, None, f"expected a mapping node, but found {type(node).__name__}", node.start_mark
            )
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            _refuse_a_second(key, mapping, node, key_node)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        # Called once per scalar while composing: the same answer as PyYAML's resolver, without its
        # path-resolver bookkeeping, which content files never use.
        if kind is ScalarNode:
            if implicit[0] and value[:1] in _MAYBE_TYPED:  # most scalars are prose: no pattern to try
                for tag, pattern in self.yaml_implicit_resolvers[value[:1]]:
                    if pattern.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Node | None, current_index: object) -> None:
        pass  # path resolvers are not used: skip PyYAML's per-node bookkeeping for them

    def ascend_resolver(self) -> None:
        pass

    def construct_core_int(self, node: Node) -> int:
        value = str(self.construct_scalar(node))
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)

    def construct_core_float(self, node: Node) -> float:
        value = str(self.construct_scalar(node)).lower()
        if value.endswith(".inf"):
            return float("-inf") if value.startswith("-") else float("inf")
        if value == ".nan":
            return float("nan")
        return float(value)


_RESOLVERS: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:timestamp",
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
        "0123456789",
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Core12Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first) + ([""] if _first == "~nN" else []))
_Core12Loader.add_constructor("tag:yaml.org,2002:int", _Core12Loader.construct_core_int)
_MAYBE_TYPED = frozenset(_Core12Loader.yaml_implicit_resolvers)
_Core12Loader.add_constructor("tag:yaml.org,2002:float", _Core12Loader.construct_core_float)


class YamlSyntaxError(ValueError):
    """A file that is not valid YAML, with where (when the parser says) and what."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        self.problem, self.line, self.column = problem, line, column
        where = f"line {line}, column {column}" if line is not None else "unknown position"
        super().__init__(f"YAML syntax error at {where}: {problem}")


def parse_yaml(text: str) -> Any:
    """The data in `text`; raises YamlSyntaxError naming the line and column where it can."""
    loader = _Core12Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = str(getattr(error, "problem", None) or error)
        context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and context_mark is not None:  # where the unclosed bracket or mapping began
            problem += f" ({context} started at line {context_mark.line + 1}, column {context_mark.column + 1})"
        if mark is not None:
            raise YamlSyntaxError(problem, mark.line + 1, mark.column + 1) from error
        raise YamlSyntaxError(problem) from error
    finally:
        loader.dispose()


_SCALARS = {
    "tag:yaml.org,2002:int": _Core12Loader.construct_core_int,
    "tag:yaml.org,2002:float": _Core12Loader.construct_core_float,
    "tag:yaml.org,2002:bool": lambda _loader, node: node.value in ("true", "True", "TRUE"),
    "tag:yaml.org,2002:null": lambda _loader, node: None,
    "tag:yaml.org,2002:timestamp": yaml.SafeLoader.construct_yaml_timestamp,
}


def _build(loader: _Core12Loader, node: Node) -> Any:
    """Python data from a composed node: PyYAML's safe constructor, without its per-node machinery.

    PyYAML's generic constructor spends most of a load in bookkeeping for recursive structures that
    content files never have; this walk builds the same values directly (a test compares the two on
    the whole bank) and hands any rarer explicit tag (`!!binary`, `!!set`) to the safe constructor. YAML 1.2
    has no merge keys, so `<<` is an ordinary key, as it was with the earlier parser.
    """
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else _build(loader, key_node)
            _refuse_a_second(key, mapping, node, key_node)
            mapping[key] = value_node.value if value_node.tag == _STR else _build(loader, value_node)
        return mapping
    if tag == _SEQ:
        return [item.value if item.tag == _STR else _build(loader, item) for item in node.value]
    scalar = _SCALARS.get(tag)
    if scalar is not None:
        return scalar(loader, node)  # type: ignore[arg-type]
    return loader.construct_document(node)  # type: ignore[arg-type]


def cache_dir() -> Path | None:
    configured = os.environ.get("DEVREADY_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    data_dir = os.environ.get("DEVREADY_DATA_DIR")
    base = Path(data_dir) if data_dir else Path(__file__).resolve().parents[2] / "data"
    return base / "cache"


def _key(path: Path) -> str:
    stat = path.stat()
    identity = f"{_FORMAT}|{_PARSER}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(identity.encode()).hexdigest()


def load_yaml(path: Path) -> Any:
    """`yaml.safe_load` of `path`, served from the on-disk cache when the file has not changed."""
    folder = cache_dir()
    cached = folder / f"{_key(path)}.pickle" if folder else None
    if cached is not None and cached.exists():
        try:
            with cached.open("rb") as handle:
                return pickle.load(handle)  # noqa: S301 - our own cache file, written below
        except (OSError, pickle.UnpicklingError, EOFError):
            pass  # a damaged cache entry is simply parsed again
    data = parse_yaml(path.read_text(encoding="utf-8"))
    if cached is not None:
        _write_atomically(cached, data)
    return data


def _write_atomically(target: Path, data: Any) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except OSError:
        pass  # a read-only data folder only costs speed

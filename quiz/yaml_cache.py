"""Parsing content YAML fast, and caching the result on disk by file identity.

Parsing is the slowest step of loading the bank. `yaml-rs` (a Rust parser) reads the 5,000-question
benchmark bank in under 0.1 s where PyYAML with libyaml takes about 0.6 s, gives the same data on
every file of the bank (YAML 1.2: `no` stays a string), and refuses duplicate keys that PyYAML would
silently drop; PyYAML's safe loader remains the fallback where yaml-rs is not installed. The cache
stores the parsed data keyed by the file's path, size and modification time; a changed file misses
it and is parsed again. Validation always runs.
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

try:
    import yaml_rs
except ImportError:  # pragma: no cover - yaml-rs is in requirements.txt; PyYAML still works without it
    yaml_rs = None  # type: ignore[assignment]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FORMAT = "2"
_LOCATION = re.compile(r"line (\d+), column (\d+)")


class YamlSyntaxError(ValueError):
    """A file that is not valid YAML, with where (when the parser says) and what."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        self.problem, self.line, self.column = problem, line, column
        where = f"line {line}, column {column}" if line is not None else "unknown position"
        super().__init__(f"YAML syntax error at {where}: {problem}")


def parse_yaml(text: str) -> Any:
    """The data in `text`; raises YamlSyntaxError naming the line and column where it can."""
    if yaml_rs is not None:
        try:
            return yaml_rs.loads(text)
        except yaml_rs.YAMLDecodeError as error:
            message = str(error)
            location = _LOCATION.search(message)
            problem = message.strip().splitlines()[-1]
            if location:
                raise YamlSyntaxError(problem, int(location[1]), int(location[2])) from error
            raise YamlSyntaxError(problem) from error
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = str(getattr(error, "problem", None) or error)
        if mark is not None:
            raise YamlSyntaxError(problem, mark.line + 1, mark.column + 1) from error
        raise YamlSyntaxError(problem) from error


def cache_dir() -> Path | None:
    configured = os.environ.get("DEVREADY_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    data_dir = os.environ.get("DEVREADY_DATA_DIR")
    base = Path(data_dir) if data_dir else Path(__file__).resolve().parent.parent / "data"
    return base / "cache"


def _key(path: Path) -> str:
    stat = path.stat()
    parser = "yaml-rs" if yaml_rs is not None else f"pyyaml-{yaml.__version__}"
    identity = f"{_FORMAT}|{parser}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
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

"""Parsed YAML, cached on disk by file identity, so a restarted server loads a large bank quickly.

Parsing YAML is by far the slowest step of loading the bank (seconds for thousands of questions,
even with libyaml). The cache stores what `yaml.safe_load` returned, keyed by the file's path, size
and modification time; a changed file misses the cache and is parsed again. Validation always runs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FORMAT = "1"


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
    identity = f"{_FORMAT}|{yaml.__version__}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
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
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
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

"""The parsed-YAML cache serves unchanged files from disk and never serves a stale file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from quiz import yaml_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DEVREADY_CACHE_DIR", str(folder))
    return folder


def test_an_unchanged_file_is_served_from_the_cache(tmp_path: Path, cache: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "a.yaml"
    source.write_text("skill: sql\nquestions: []\n", encoding="utf-8")
    assert yaml_cache.load_yaml(source) == {"skill": "sql", "questions": []}
    assert len(list(cache.glob("*.pickle"))) == 1

    def parse_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml, "load", parse_again)
    assert yaml_cache.load_yaml(source) == {"skill": "sql", "questions": []}


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("value: 1\n", encoding="utf-8")
    assert yaml_cache.load_yaml(source) == {"value": 1}
    source.write_text("value: 22\n", encoding="utf-8")
    os.utime(source, ns=(1, 2))  # a different size and time, as an edit gives
    assert yaml_cache.load_yaml(source) == {"value": 22}


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("value: 1\n", encoding="utf-8")
    yaml_cache.load_yaml(source)
    for entry in cache.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert yaml_cache.load_yaml(source) == {"value": 1}


def test_syntax_errors_still_surface(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(yaml_cache.YamlSyntaxError, match="line 1, column 4"):
        yaml_cache.load_yaml(source)


def test_a_duplicated_key_is_an_error_not_a_silent_overwrite(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "a.yaml"
    source.write_text("id: one\nid: two\n", encoding="utf-8")
    with pytest.raises(yaml_cache.YamlSyntaxError, match="duplicate mapping key"):
        yaml_cache.load_yaml(source)


def test_the_fallback_parser_reads_the_same_data_and_reports_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "skill: sql\npublished: 2025-02-01\nanswer: true\ncode: |\n  SELECT 1;\n"
    fast = yaml_cache.parse_yaml(text)
    monkeypatch.setattr(yaml_cache, "yaml_rs", None)
    assert yaml_cache.parse_yaml(text) == fast
    with pytest.raises(yaml_cache.YamlSyntaxError, match="line 2"):
        yaml_cache.parse_yaml("a: 1\nb: c: d\n")

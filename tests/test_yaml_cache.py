"""The parsed-YAML cache serves unchanged files from disk and never serves a stale file."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from quiz.content import yaml_cache


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

    monkeypatch.setattr(yaml_cache, "parse_yaml", parse_again)
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


def test_scalars_are_read_as_yaml_1_2_not_1_1() -> None:
    text = "a: no\nb: on\nc: Yes\nd: 1:20\ne: 012\nf: 0o17\ng: 0x1F\nh: true\ni: FALSE\nj: ~\nk:\nl: -.5\nm: .inf\n"
    assert yaml_cache.parse_yaml(text) == {
        "a": "no",  # YAML 1.1 (PyYAML's default) would say False: a Norwegian option text would vanish
        "b": "on",
        "c": "Yes",
        "d": "1:20",  # not 80 (base 60)
        "e": 12,  # not 10 (octal)
        "f": 15,
        "g": 31,
        "h": True,
        "i": False,
        "j": None,
        "k": None,
        "l": -0.5,
        "m": float("inf"),
    }


def test_dates_and_times_are_read_as_dates() -> None:
    data = yaml_cache.parse_yaml("published: 2025-02-01\nat: 2025-02-01T10:00:00Z\n")
    assert data["published"] == date(2025, 2, 1)
    assert data["at"] == datetime(2025, 2, 1, 10, 0, tzinfo=UTC)


def test_the_fast_builder_gives_what_pyyaml_s_safe_constructor_gives_on_the_whole_bank() -> None:
    for path in sorted(Path("questions").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert yaml_cache.parse_yaml(text) == yaml.load(text, Loader=yaml_cache._Core12Loader), path.name


def test_anchors_and_rarer_tags_still_work() -> None:
    text = "base: &b {x: 1}\nraw: !!binary aGVsbG8=\nalias: *b\n"
    assert yaml_cache.parse_yaml(text) == {"base": {"x": 1}, "raw": b"hello", "alias": {"x": 1}}


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(yaml_cache.YamlSyntaxError, match="python/object"):
        yaml_cache.parse_yaml("a: !!python/object/apply:os.system ['true']\n")

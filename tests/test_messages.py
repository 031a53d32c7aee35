"""Every sentence of the interface comes from the locale file, so a translation is one more file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.messages import LOCALES_DIR, catalogue, t

ROOT = Path(__file__).resolve().parent.parent


def test_placeholders_are_filled() -> None:
    assert t("progress", answered=7, total=30) == "7 of 30 answered"


def test_every_key_used_in_the_code_exists_in_english() -> None:
    used = set()
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("quiz/*.py"), ROOT / "app.py"]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    assert used - set(catalogue("en")) == set()


@pytest.mark.parametrize("locale", sorted(p.stem for p in LOCALES_DIR.glob("*.yaml")))
def test_every_locale_has_the_same_keys_and_placeholders(locale: str) -> None:
    english, other = catalogue("en"), catalogue(locale)
    assert set(other) == set(english)
    for key, text in english.items():
        assert set(re.findall(r"{(\w+)", other[key])) == set(re.findall(r"{(\w+)", text)), key


def test_an_unknown_locale_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVREADY_LOCALE", "xx")
    assert t("nav_home") == "Start"

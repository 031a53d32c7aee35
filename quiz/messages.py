"""Every user-facing sentence lives in `quiz/locales/<lang>.yaml`; code asks for them by key.

A French edition is one more YAML file with the same keys (tests check that the keys match).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "en"


@cache
def catalogue(locale: str = DEFAULT_LOCALE) -> dict[str, str]:
    data = yaml.safe_load((LOCALES_DIR / f"{locale}.yaml").read_text(encoding="utf-8"))
    return {str(key): str(value) for key, value in data.items()}


@cache
def _available(locale: str) -> bool:
    return (LOCALES_DIR / f"{locale}.yaml").exists()


def current_locale() -> str:
    locale = os.environ.get("DEVREADY_LOCALE", DEFAULT_LOCALE)
    return locale if _available(locale) else DEFAULT_LOCALE


def t(key: str, /, **values: object) -> str:
    """The sentence for `key` in the current locale, with `{placeholders}` filled in."""
    text = catalogue(current_locale()).get(key) or catalogue(DEFAULT_LOCALE)[key]
    return text.format(**values) if values else text

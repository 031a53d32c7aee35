"""Every user-facing sentence lives in `quiz/locales/<lang>.yaml`; code asks for them by key.

The language is chosen per learner, not per process: the app registers a `locale_source` that reads
the browser session's choice, and everything below asks `current_locale()`. Numbers and dates are
written the way the reader's language writes them (`38 %`, `3,4`, `4 décembre 2026` in French), by
`t` for `{value:.0%}`-style placeholders and by `number`, `percent` and `day` elsewhere.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "en"
# The languages a learner can pick, in the order the switch shows them, each named in itself.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

NBSP = "\u00a0"  # French sets a non-breaking space before % and between thousands
NNBSP = "\u202f"
_FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

_locale_source: Callable[[], str | None] | None = None
# A request served outside a Streamlit session (the sign-in form) names its reader's language here.
_request_locale: ContextVar[str | None] = ContextVar("request_locale", default=None)


@cache
def catalogue(locale: str = DEFAULT_LOCALE) -> dict[str, str]:
    """Every sentence of `locale` by key. A sentence that counts something may give its forms,
    `{one: ..., other: ...}`: the catalogue then holds `key` (the `other` form) and `key.one`, and `t`
    picks by the `count` it is given."""
    data = yaml.safe_load((LOCALES_DIR / f"{locale}.yaml").read_text(encoding="utf-8"))
    sentences: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            sentences[str(key)] = str(value["other"])
            sentences[f"{key}.one"] = str(value["one"])
        else:
            sentences[str(key)] = str(value)
    return sentences


def plural_form(count: int, locale: str) -> str:
    """CLDR's plural category of a whole number: French says « 0 réponse, 1 réponse », English "0 answers"."""
    singular = count in (0, 1) if locale == "fr" else count == 1
    return "one" if singular else "other"


def counted(count: int, noun: str) -> str:
    """An English count for developer-facing output (the CLI, error details): "1 item", "3 items"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@cache
def _available(locale: str) -> bool:
    return (LOCALES_DIR / f"{locale}.yaml").exists()


def available_locales() -> list[str]:
    return [locale for locale in LANGUAGE_NAMES if _available(locale)]


def supported(locale: str | None) -> str | None:
    """The supported language of a locale tag (`fr-FR` → `fr`), or None."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].strip().lower()
    return language if _available(language) and language in LANGUAGE_NAMES else None


def set_locale_source(source: Callable[[], str | None] | None) -> None:
    """Where the current reader's language comes from (the app: the browser session's choice)."""
    global _locale_source
    _locale_source = source


@contextmanager
def using_locale(locale: str | None) -> Iterator[None]:
    """Within the block, sentences follow `locale` (when supported) whatever the session says."""
    token = _request_locale.set(supported(locale))
    try:
        yield
    finally:
        _request_locale.reset(token)


def locale_of_request(accept_language: str | None) -> str | None:
    """The first supported language of an Accept-Language header (`fr-FR,fr;q=0.9,en;q=0.8` → `fr`)."""
    for part in (accept_language or "").split(","):
        language = supported(part.split(";")[0].strip())
        if language:
            return language
    return None


def current_locale() -> str:
    if _request_locale.get():
        return str(_request_locale.get())
    chosen = _locale_source() if _locale_source is not None else None
    return supported(chosen) or supported(os.environ.get("DEVREADY_LOCALE")) or DEFAULT_LOCALE


def number(value: float, digits: int = 1, locale: str | None = None) -> str:
    """`value` with `digits` decimals, in the reader's language (3.4 / 3,4; 10,000 / 10 000)."""
    text = f"{value:,.{digits}f}"
    if (locale or current_locale()) == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(value: float, digits: int = 0, locale: str | None = None) -> str:
    """A share as a percentage: 38% in English, 38 % in French."""
    text = f"{value:.{digits}%}"
    return _localise(text, locale or current_locale())


def day(value: date | datetime, locale: str | None = None) -> str:
    """A calendar day: 2026-12-04 in English (unambiguous everywhere), 4 décembre 2026 in French."""
    if (locale or current_locale()) == "fr":
        return f"{value.day} {_FRENCH_MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%Y-%m-%d")


def date_entry_format(locale: str | None = None) -> str:
    """How a date is typed into a date field (Streamlit's `format`): 04/12/2026 in French, as `day`
    writes dates in English (2026-12-04) elsewhere."""
    return "DD/MM/YYYY" if (locale or current_locale()) == "fr" else "YYYY-MM-DD"


def moment(value: datetime, locale: str | None = None) -> str:
    """A day and a time: 2026-12-04 14:05, or 4 décembre 2026 à 14 h 05."""
    if (locale or current_locale()) == "fr":
        return f"{day(value, 'fr')} à {value.hour} h {value.minute:02d}"
    return value.strftime("%Y-%m-%d %H:%M")


def clock(value: datetime, locale: str | None = None) -> str:
    """A time of day: 14:05:09, or 14 h 05 in French."""
    if (locale or current_locale()) == "fr":
        return f"{value.hour} h {value.minute:02d}"
    return value.strftime("%H:%M:%S")


def _localise(text: str, locale: str) -> str:
    if locale != "fr":
        return text
    text = text.replace(",", NNBSP).replace(".", ",")
    return text.replace("%", f"{NBSP}%")


class _Formatter(string.Formatter):
    def __init__(self, locale: str) -> None:
        self.locale = locale

    def format_field(self, value: object, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        numeric = isinstance(value, int | float) and not isinstance(value, bool) and format_spec
        return _localise(text, self.locale) if numeric else text


def t(key: str, /, **values: object) -> str:
    """The sentence for `key` in the current locale, with `{placeholders}` filled in."""
    locale = current_locale()
    count = values.get("count")
    if isinstance(count, int) and not isinstance(count, bool) and plural_form(count, locale) == "one":
        key = f"{key}.one" if f"{key}.one" in catalogue(locale) else key
    text = catalogue(locale).get(key) or catalogue(DEFAULT_LOCALE)[key]
    return _Formatter(locale).format(text, **values) if values else text


def plotly_separators(locale: str | None = None) -> str:
    """Plotly's `layout.separators` (decimal, then thousands) for the reader's language."""
    return f",{NNBSP}" if (locale or current_locale()) == "fr" else ".,"

"""Every sentence of the interface comes from the locale file, so a translation is one more file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.messages import LOCALES_DIR, catalogue, counted, t, using_locale

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


def test_french_writes_numbers_and_dates_the_french_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date, datetime

    from quiz.messages import day, moment, number, percent

    monkeypatch.setenv("DEVREADY_LOCALE", "fr")
    assert percent(0.38) == "38\u00a0%"
    assert number(3.44) == "3,4"
    assert number(12345.678, 2) == "12\u202f345,68"
    assert day(date(2026, 12, 4)) == "4 décembre 2026"
    assert moment(datetime(2026, 8, 1, 9, 5)) == "1 août 2026 à 9 h 05"
    assert t("chart_calibration_label", share=0.75, count=8).startswith("75\u00a0%")


def test_english_keeps_its_own_forms() -> None:
    from datetime import date

    from quiz.messages import day, number, percent

    assert (percent(0.38), number(3.44), day(date(2026, 12, 4))) == ("38%", "3.4", "2026-12-04")


def test_a_session_choice_wins_over_the_process_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from quiz.messages import current_locale, set_locale_source

    monkeypatch.setenv("DEVREADY_LOCALE", "en")
    set_locale_source(lambda: "fr-FR")
    try:
        assert current_locale() == "fr"
        assert t("nav_results") == catalogue("fr")["nav_results"]
    finally:
        set_locale_source(None)


def test_a_request_outside_a_session_speaks_its_browser_language() -> None:
    from quiz.messages import locale_of_request, using_locale

    assert locale_of_request("fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert locale_of_request("de-DE,de;q=0.9,en;q=0.5") == "en"
    assert locale_of_request(None) is None
    with using_locale("fr"):
        assert t("account_title") == catalogue("fr")["account_title"]
    assert t("account_title") == catalogue("en")["account_title"]


def test_a_count_of_one_reads_in_the_singular_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVREADY_LOCALE", "en")
    assert t("results_when", date="2026-12-04", count=1) == "Assessment of 2026-12-04, 1 answer."
    assert t("results_when", date="2026-12-04", count=0) == "Assessment of 2026-12-04, 0 answers."
    assert t("results_when", date="2026-12-04", count=12) == "Assessment of 2026-12-04, 12 answers."


def test_french_puts_zero_and_one_in_the_singular(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVREADY_LOCALE", "fr")
    assert t("progress_rapid", count=0) == "0 réponse trop rapide"
    assert t("progress_rapid", count=1) == "1 réponse trop rapide"
    assert t("progress_rapid", count=2) == "2 réponses trop rapides"


def test_developer_facing_counts_read_in_english_without_brackets() -> None:
    assert counted(1, "suspect item") == "1 suspect item"
    assert counted(0, "problem") == "0 problems"
    assert counted(15, "wrong or broken key") == "15 wrong or broken keys"


@pytest.mark.parametrize("locale", sorted(p.stem for p in LOCALES_DIR.glob("*.yaml")))
def test_a_counted_sentence_gives_both_forms_or_none(locale: str) -> None:
    """A sentence with forms has both, in every language: a missing `one` would fall back silently."""
    words = catalogue(locale)
    for key in words:
        if key.endswith(".one"):
            assert key.removesuffix(".one") in words
    assert {k for k in words if k.endswith(".one")} == {k for k in catalogue("en") if k.endswith(".one")}


def test_the_readiness_help_agrees_with_its_count_in_french() -> None:
    with using_locale("fr"):
        none = t("readiness_help", count=0, total=14, minimum=3)
        several = t("readiness_help", count=5, total=14, minimum=3)
    assert "compétences\u00a0: 0 mesurée par au moins 3 réponses qui lui sont propres" in none  # French: « 0 mesurée »
    assert "compétences\u00a0: 5 mesurées par au moins 3 réponses qui leur sont propres" in several
